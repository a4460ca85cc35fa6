package io.cronjobguardian.api;

/**
 * Creates {@link HistoryStore}s. Registered in
 * {@code META-INF/services/io.cronjobguardian.api.HistoryStoreProvider}. Selected by {@code storage.type}.
 */
public interface HistoryStoreProvider extends GuardianProvider<HistoryStore> {
    /** Configuration key naming the provider to use. */
    String TYPE_KEY = "storage.type";
    /** What to add when none is found. */
    String ARTIFACTS = "io.cronjobguardian:guardian-store-sqlite (embedded default), guardian-store-postgres or "
            + "guardian-store-mysql";
}
