package io.cronjobguardian.store.mysql;

import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.ConfigKey;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.store.jdbc.JdbcProviderSupport;
import io.cronjobguardian.testkit.jdbc.StoreSettingsCoverage;
import java.util.Collection;

/**
 * Every {@code storage.mysql.*} and {@code storage.mariadb.*} key changes what the MySQL / MariaDB store does (the
 * engine's SettingsCoverageTest). Keys of either prefix are described by the provider of that prefix.
 */
class MySqlSettingsCoverageTest extends StoreSettingsCoverage {

    @Override
    protected Collection<String> keysToCover() {
        return GuardianConfig.knownKeys().stream().map(ConfigKey::key)
                .filter(k -> k.startsWith("storage.mysql.") || k.startsWith("storage.mariadb.")).toList();
    }

    @Override
    protected Settings base() {
        return Settings.of("storage.mysql.host", "db.example", "storage.mariadb.host", "db.example");
    }

    @Override
    protected String describe(Settings s) {
        return describe(new MySqlHistoryStoreProvider(), s, "storage.mysql") + " | "
                + describe(new MariaDbHistoryStoreProvider(), s, "storage.mariadb");
    }

    private static String describe(MySqlFamilyProvider p, Settings s, String prefix) {
        return prefix + ": " + p.poolSpec(s, prefix, ProviderContext.defaults()) + ", idleInTransactionTimeout="
                + JdbcProviderSupport.idleInTransactionTimeout(s, prefix);
    }

    @Override
    protected void rows(Rows r) {
        for (String db : new String[] {"mysql", "mariadb"}) {
            String p = "storage." + db + ".";
            String scheme = db.equals("mysql") ? "jdbc:mysql://" : "jdbc:mariadb://";
            r.shows(p + "host", "other.example", "//other.example:3306/");
            r.shows(p + "port", "3307", ":3307/");
            r.shows(p + "database", "cj", ":3306/cj");
            r.shows(p + "url", scheme + "u.example:7/x", "url=" + scheme + "u.example:7/x");
            r.shows(p + "username", "bob", "username=bob");
            r.shows(p + "password", "hunter22", "password=******");
            r.shows(p + "useSsl", "true", db.equals("mysql") ? "sslMode=REQUIRED" : "sslMode=trust");
            r.shows(p + "driver", db.equals("mysql") ? "mariadb" : "mysql", db.equals("mysql")
                    ? "storage.mysql: PoolSpec{name=guardian-mysql, url=jdbc:mariadb:"
                    : "storage.mariadb: PoolSpec{name=guardian-mariadb, url=jdbc:mysql:");
            r.shows(p + "maxOpenConns", "25", "max=25");
            r.shows(p + "maxIdleConns", "1", "minIdle=1");
            r.shows(p + "connMaxLifetime", "5m", "maxLifetime=PT5M");
            r.shows(p + "healthCheckInterval", "1m", "keepalive=PT1M");
            r.shows(p + "connectTimeout", "10s", "connectTimeout=10000");
            r.shows(p + "socketTimeout", "1m", "socketTimeout=60000");
            r.shows(p + "idleInTransactionTimeout", "3s", "idleInTransactionTimeout=PT3S");
        }
        r.shows("storage.mysql.sslMode", "verify-full", "sslMode=VERIFY_IDENTITY");
        r.shows("storage.mariadb.sslMode", "verify-full", "sslMode=verify-full");
        r.cited("storage.mysql.sslRootCert", "/ca.pem", "the CA the server is verified with",
                MySqlProviderTest.class, "tlsSettingsMapToEachDriver");
        r.shows("storage.mariadb.sslRootCert", "/ca.pem", "serverSslCert=/ca.pem");
    }
}
