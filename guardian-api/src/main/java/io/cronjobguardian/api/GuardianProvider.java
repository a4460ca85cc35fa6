package io.cronjobguardian.api;

/**
 * A factory found by {@link java.util.ServiceLoader} that creates one kind of component. See {@link Providers} for
 * how one is chosen.
 *
 * <p>Implementations need a public no-argument constructor, must be cheap to instantiate, and must not open
 * connections or start threads in the constructor, {@link #supports} or {@link #create}: discovery never opens a
 * connection. Components connect in their own start methods.
 *
 * @param <T> the component type
 */
public interface GuardianProvider<T> {

    /** The name configuration refers to, e.g. {@code postgres}; lower case, unique per SPI. */
    String name();

    /** Preference among providers that {@link #supports} the settings; higher wins. Default 0. */
    default int priority() {
        return 0;
    }

    /**
     * Whether this provider can work with these settings (for example, a PostgreSQL store when
     * {@code storage.postgres.host} is set). Must not connect anywhere. Default {@code true}.
     */
    default boolean supports(Settings settings) {
        return true;
    }

    /**
     * Creates the component. Does not connect or start threads.
     *
     * @throws ConfigException for invalid settings, naming the key and what is accepted
     */
    T create(Settings settings, ProviderContext context);
}
