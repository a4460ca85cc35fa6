package io.cronjobguardian.api;

/** Implementations of {@link TestProvider} registered in the test META-INF/services file. */
final class TestProviders {
    private TestProviders() {
    }

    /** Priority 10, supports everything. */
    public static final class Alpha implements TestProvider {
        @Override public String name() { return "alpha"; }
        @Override public int priority() { return 10; }
        @Override public String create(Settings s, ProviderContext c) { return "alpha"; }
    }

    /** Priority 10 too: ties with alpha. */
    public static final class Beta implements TestProvider {
        @Override public String name() { return "beta"; }
        @Override public int priority() { return 10; }
        @Override public String create(Settings s, ProviderContext c) { return "beta"; }
    }

    /** Highest priority but only supports settings with {@code picky.enabled=true}. */
    public static final class Picky implements TestProvider {
        @Override public String name() { return "picky"; }
        @Override public int priority() { return 100; }
        @Override public boolean supports(Settings s) { return s.getBoolean("picky.enabled", false); }
        @Override public String create(Settings s, ProviderContext c) { return "picky"; }
    }

    /** Cannot be instantiated. */
    public static final class Broken implements TestProvider {
        public Broken() {
            throw new IllegalStateException("broken on purpose");
        }
        @Override public String name() { return "broken"; }
        @Override public String create(Settings s, ProviderContext c) { return "broken"; }
    }

    /** supports() throws. */
    public static final class Throwing implements TestProvider {
        @Override public String name() { return "throwing"; }
        @Override public int priority() { return 1000; }
        @Override public boolean supports(Settings s) { throw new IllegalStateException("supports exploded"); }
        @Override public String create(Settings s, ProviderContext c) { return "throwing"; }
    }
}
