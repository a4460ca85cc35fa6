package io.cronjobguardian.store.postgres;

import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.ConfigKey;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.testkit.jdbc.StoreSettingsCoverage;
import java.util.Collection;

/** Every {@code storage.postgres.*} key changes what the PostgreSQL store does (the engine's SettingsCoverageTest). */
class PostgresSettingsCoverageTest extends StoreSettingsCoverage {

    @Override
    protected Collection<String> keysToCover() {
        return GuardianConfig.knownKeys().stream().map(ConfigKey::key).filter(k -> k.startsWith("storage.postgres."))
                .toList();
    }

    @Override
    protected Settings base() {
        return Settings.of("storage.postgres.host", "db.example");
    }

    @Override
    protected String describe(Settings s) {
        return PostgresHistoryStoreProvider.poolSpec(s, ProviderContext.defaults()).toString();
    }

    @Override
    protected void rows(Rows r) {
        String p = "storage.postgres.";
        r.shows(p + "host", "other.example", "//other.example:5432/");
        r.shows(p + "port", "6543", ":6543/");
        r.shows(p + "database", "cj", ":5432/cj");
        r.shows(p + "url", "jdbc:postgresql://u.example:7/x", "url=jdbc:postgresql://u.example:7/x");
        r.shows(p + "username", "bob", "username=bob");
        r.shows(p + "password", "hunter22", "password=******");
        r.shows(p + "sslMode", "verify-full", "sslmode=verify-full");
        r.shows(p + "sslRootCert", "/etc/ca.pem", "sslrootcert=/etc/ca.pem");
        r.shows(p + "schema", "s1", "currentSchema=s1");
        r.shows(p + "applicationName", "app1", "ApplicationName=app1");
        r.shows(p + "maxOpenConns", "25", "max=25");
        r.shows(p + "maxIdleConns", "1", "minIdle=1");
        r.shows(p + "connMaxLifetime", "5m", "maxLifetime=PT5M");
        r.shows(p + "healthCheckInterval", "1m", "keepalive=PT1M");
        r.shows(p + "connectTimeout", "10s", "connectTimeout=10,");
        r.shows(p + "socketTimeout", "1m", "socketTimeout=60");
        r.cited(p + "idleInTransactionTimeout", "3s", "the server ends a session idle in a transaction that long",
                PostgresProviderTest.class, "idleInTransactionTimeoutIsHalfTheLeaseDurationUnlessSet");
    }
}
