package io.cronjobguardian.testkit;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;

/**
 * Provides {@link InMemoryHistoryStore}s under the name {@code memory} ({@code storage.type=memory}). Its priority
 * is -100, so a real store on the classpath always wins unless {@code memory} is asked for by name. Every store it
 * creates has its own, new database and uses the context's clock.
 */
public final class InMemoryHistoryStoreProvider implements HistoryStoreProvider {

    /** The provider name. */
    public static final String NAME = "memory";

    /** Creates the provider (as {@link java.util.ServiceLoader} does). */
    public InMemoryHistoryStoreProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public HistoryStore create(Settings settings, ProviderContext context) {
        return new InMemoryHistoryStore(new InMemoryDatabase(), context.clock());
    }
}
