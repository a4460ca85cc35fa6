package io.cronjobguardian.store.mysql;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;

/**
 * The MySQL 8 history store ({@code storage.type=mysql}); also works against MariaDB, which it detects and then uses
 * the MariaDB dialect for. Supports the settings when {@code storage.mysql.host} or {@code storage.mysql.url} is set.
 * Keys (under {@code storage.mysql.}): {@code host}, {@code port} (3306), {@code database} (guardian),
 * {@code username}, {@code password}, {@code sslMode} (disable; prefer, require, verify-ca, verify-full) or
 * {@code useSsl} (false), {@code sslRootCert}, {@code driver} (mysql when Connector/J is on the classpath, else
 * mariadb), {@code maxOpenConns} (10), {@code maxIdleConns} (2), {@code connMaxLifetime} (30m),
 * {@code healthCheckInterval} (30s), {@code connectTimeout} (5s), {@code socketTimeout} (5m),
 * {@code idleInTransactionTimeout} (half of {@code leaderElection.leaseDuration}: see
 * {@link JdbcProviderSupport#idleInTransactionTimeout}), {@code url}, {@code properties.*}; and
 * {@code storage.migrate} (true).
 */
public final class MySqlHistoryStoreProvider extends MySqlFamilyProvider {

    /** Provider name. */
    public static final String NAME = "mysql";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean supports(Settings settings) {
        return JdbcProviderSupport.hostOrUrlSet(settings, "storage.mysql");
    }

    @Override
    String prefix(Settings settings) {
        return "storage.mysql";
    }

    @Override
    String defaultDriver() {
        return present(CONNECTOR_J_DRIVER) ? "mysql" : "mariadb";
    }
}
