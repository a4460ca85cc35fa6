package io.cronjobguardian.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a provider may use besides its settings: the engine's clock, and objects the host supplied (a
 * {@code DataSource}, a {@code KubernetesClient}, a {@code MeterRegistry}, a {@link SecretResolver}, ...), looked up by
 * type so that this API needs no dependency on them.
 */
public final class ProviderContext {

    private final Clock clock;
    private final Map<Class<?>, Object> services;

    private ProviderContext(Clock clock, Map<Class<?>, Object> services) {
        this.clock = clock;
        this.services = Map.copyOf(services);
    }

    /** A context with the system UTC clock and no services. */
    public static ProviderContext defaults() {
        return builder().build();
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The clock every time reading must go through. */
    public Clock clock() {
        return clock;
    }

    /**
     * A host-supplied object of the given type: registered under exactly that type, or else the first registered
     * object that is an instance of it.
     */
    public <T> Optional<T> lookup(Class<T> type) {
        Object exact = services.get(type);
        if (exact != null) {
            return Optional.of(type.cast(exact));
        }
        return services.values().stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The secret resolver supplied by the host, or one that resolves nothing. */
    public SecretResolver secretResolver() {
        return lookup(SecretResolver.class).orElse(SecretResolver.NONE);
    }

    /** Builds a {@link ProviderContext}. */
    public static final class Builder {
        private Clock clock = Clock.systemUTC();
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();

        private Builder() {
        }

        /** The clock (default: system UTC clock). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Registers a host object under its type. */
        public <T> Builder service(Class<T> type, T instance) {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /** Builds the context. */
        public ProviderContext build() {
            return new ProviderContext(clock, services);
        }
    }
}
