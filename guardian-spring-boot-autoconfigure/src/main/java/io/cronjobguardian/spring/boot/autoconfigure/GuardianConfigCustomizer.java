package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.config.GuardianConfig;

/**
 * Changes the {@link GuardianConfig} the starter builds from {@code guardian.*} properties, before it is validated.
 * Values set here win over every property. Declare as many as needed as beans; they run in {@code @Order}.
 */
@FunctionalInterface
public interface GuardianConfigCustomizer {

    /** Called with the builder already holding the {@code guardian.*} properties. */
    void customize(GuardianConfig.Builder builder);
}
