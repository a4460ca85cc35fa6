package io.cronjobguardian.api;

/** A provider SPI used only to test {@link Providers}. */
public interface TestProvider extends GuardianProvider<String> {
}
