package io.cronjobguardian.api;

/**
 * Creates {@link CronJobWatcher}s. Registered in
 * {@code META-INF/services/io.cronjobguardian.api.CronJobWatcherProvider}. Selected by {@code watcher.type}.
 */
public interface CronJobWatcherProvider extends GuardianProvider<CronJobWatcher> {
    /** Configuration key naming the provider to use. */
    String TYPE_KEY = "watcher.type";
    /** What to add when none is found. */
    String ARTIFACTS = "io.cronjobguardian:guardian-watcher-k8s";
}
