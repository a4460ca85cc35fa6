package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.Guardian;

/**
 * Changes the {@link Guardian.Builder} the starter uses, after it added the configuration, monitors, channels and
 * the host's beans (DataSource, KubernetesClient, MeterRegistry): set a clock, an incident listener, a shutdown
 * timeout, a component of your own. Declare as many as needed as beans; they run in {@code @Order}.
 */
@FunctionalInterface
public interface GuardianBuilderCustomizer {

    /** Called once, before {@link Guardian.Builder#build()}. */
    void customize(Guardian.Builder builder);
}
