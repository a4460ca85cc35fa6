package io.cronjobguardian.store.sqlite;

import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.ConfigKey;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.testkit.jdbc.StoreSettingsCoverage;
import java.util.Collection;

/**
 * Every {@code storage.sqlite.*} key, and {@code storage.migrate} (a key of every JDBC store), changes what the
 * store does (the engine's SettingsCoverageTest).
 */
class SqliteSettingsCoverageTest extends StoreSettingsCoverage {

    @Override
    protected Collection<String> keysToCover() {
        return GuardianConfig.knownKeys().stream().map(ConfigKey::key)
                .filter(k -> k.startsWith("storage.sqlite.") || k.equals("storage.migrate")).toList();
    }

    @Override
    protected Settings base() {
        return Settings.of("storage.sqlite.path", "target/coverage/guardian.db");
    }

    @Override
    protected String describe(Settings s) {
        return SqliteHistoryStoreProvider.poolSpec(s, ProviderContext.defaults()).toString();
    }

    @Override
    protected void rows(Rows r) {
        r.shows("storage.sqlite.path", "target/other/g.db", "target/other/g.db");
        r.shows("storage.sqlite.busyTimeout", "3s", "busy_timeout=3000");
        r.shows("storage.sqlite.synchronous", "NORMAL", "synchronous=NORMAL");
        r.shows("storage.sqlite.maxOpenConns", "2", "max=2");
        r.cited("storage.migrate", "false", "an empty database is refused instead of migrated",
                SqliteScenariosTest.class, "migrateFalse");
    }
}
