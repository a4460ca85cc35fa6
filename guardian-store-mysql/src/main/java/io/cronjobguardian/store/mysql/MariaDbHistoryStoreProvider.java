package io.cronjobguardian.store.mysql;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;

/**
 * The MariaDB history store ({@code storage.type=mariadb}), through the MariaDB JDBC driver. Reads its keys under
 * {@code storage.mariadb.} when any is set there, else under {@code storage.mysql.} (same keys as
 * {@link MySqlHistoryStoreProvider}). Supports the settings only when {@code storage.mariadb.host} or
 * {@code storage.mariadb.url} is set (with {@code storage.mysql.*} alone the {@code mysql} provider is chosen, and
 * it detects MariaDB by itself).
 */
public final class MariaDbHistoryStoreProvider extends MySqlFamilyProvider {

    /** Provider name. */
    public static final String NAME = "mariadb";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Settings settings) {
        return JdbcProviderSupport.hostOrUrlSet(settings, "storage.mariadb");
    }

    @Override
    String prefix(Settings settings) {
        return settings.subset("storage.mariadb").isEmpty() ? "storage.mysql" : "storage.mariadb";
    }

    @Override
    String defaultDriver() {
        return "mariadb";
    }
}
