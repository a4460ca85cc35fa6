package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.HistoryStore;

/**
 * Test access to {@link JdbcHistoryStore}'s package-private hooks, for the store scenarios of
 * {@code guardian-testkit-jdbc} and the database modules' tests. Not for production code: the hooks freeze writers
 * and change session bounds on purpose.
 */
public final class StoreHooks {

    private StoreHooks() {
    }

    /**
     * Runs {@code hook} inside every fenced write of {@code store} right after the fence row was taken; blocking in
     * it freezes the writer there, holding the row lock. {@code null} removes it.
     */
    public static void afterFence(HistoryStore store, Runnable hook) {
        ((JdbcHistoryStore) store).afterFence(hook);
    }

    /**
     * Before start: {@code store} bounds its sessions as the dialect {@code dialectId} ({@code postgres},
     * {@code mysql}, {@code mariadb}) does, whatever the database it detects.
     */
    public static void guardAs(HistoryStore store, String dialectId) {
        ((JdbcHistoryStore) store).guardAs(dialectId);
    }
}
