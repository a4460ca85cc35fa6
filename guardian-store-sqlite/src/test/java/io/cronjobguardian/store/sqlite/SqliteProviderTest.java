package io.cronjobguardian.store.sqlite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.testkit.TestObjects;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteProviderTest {

    private static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");
    private static final CronJobRef CJ = CronJobRef.of("ns", "job");

    private static Execution ok(String uid, int i) {
        return TestObjects.job(CJ).uid(uid).succeeded(T0.plusSeconds(i), Duration.ofSeconds(1 + i % 7)).execution();
    }

    @Test
    void isTheZeroConfigurationDefault() {
        SqliteHistoryStoreProvider p = new SqliteHistoryStoreProvider();
        assertThat(p.name()).isEqualTo("sqlite");
        assertThat(p.supports(Settings.empty())).isTrue();
        assertThat(Providers.select(HistoryStoreProvider.class, Settings.empty(), HistoryStoreProvider.TYPE_KEY,
                HistoryStoreProvider.ARTIFACTS)).isInstanceOf(SqliteHistoryStoreProvider.class);
        // another database configured: SQLite steps aside unless its own path is set too
        assertThat(p.supports(Settings.of("storage.postgres.host", "db"))).isFalse();
        assertThat(p.supports(Settings.of("storage.mysql.url", "jdbc:mysql://db/x"))).isFalse();
        assertThat(p.supports(Settings.of("storage.postgres.host", "db", "storage.sqlite.path", "/x.db"))).isTrue();
        assertThat(p.priority()).isGreaterThan(50);
    }

    @Test
    void creatingDoesNotTouchTheFileSystemStartingCreatesTheFolderInWalMode(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a/b/guardian.db");
        HistoryStore s = new SqliteHistoryStoreProvider().create(Settings.of("storage.sqlite.path", file.toString()),
                ProviderContext.defaults());
        assertThat(dir.resolve("a")).doesNotExist();
        try {
            s.start();
            assertThat(file).exists();
            assertThat(s.upsertExecution(ok("u1", 1), 1)).isEqualTo(UpsertResult.INSERTED);
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        } finally {
            s.close();
        }
    }

    @Test
    void theDefaultPathIsRelativeToTheWorkingDirectory() {
        HistoryStore s = new SqliteHistoryStoreProvider().create(Settings.empty(), ProviderContext.defaults());
        assertThat(s.toString()).contains(Path.of("guardian-data", "guardian.db").toString());
        s.close();
    }

    @Test
    void memoryDatabasesArePrivateAndLiveAsLongAsTheStore() throws Exception {
        SqliteHistoryStoreProvider p = new SqliteHistoryStoreProvider();
        HistoryStore a = p.create(Settings.of("storage.sqlite.path", ":memory:"), ProviderContext.defaults());
        HistoryStore b = p.create(Settings.of("storage.sqlite.path", ":memory:"), ProviderContext.defaults());
        a.start();
        b.start();
        try {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int me = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        a.upsertExecution(ok("t" + me + "-" + i, i), 1);
                        a.stats(CJ, io.cronjobguardian.api.StatsQuery.between(T0, T0.plusSeconds(3600)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(a.executionCount()).isEqualTo(200);
            assertThat(b.executionCount()).isZero();
            assertThat(((JdbcHistoryStore) a).dialect().orElseThrow().id()).isEqualTo("sqlite");
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void invalidSettingsNameTheKey() {
        SqliteHistoryStoreProvider p = new SqliteHistoryStoreProvider();
        assertThatThrownBy(() -> p.create(Settings.of("storage.sqlite.busyTimeout", "soon"),
                ProviderContext.defaults())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.sqlite.busyTimeout");
        assertThatThrownBy(() -> p.create(Settings.of("storage.sqlite.synchronous", "sometimes"),
                ProviderContext.defaults())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("OFF, NORMAL, FULL, EXTRA");
        assertThatThrownBy(() -> p.create(Settings.of("storage.sqlite.maxOpenConns", "0"),
                ProviderContext.defaults())).isInstanceOf(ConfigException.class)
                .hasMessageContaining("storage.sqlite.maxOpenConns");
    }

    @Test
    void aFileDatabaseSurvivesRestart(@TempDir Path dir) {
        Settings s = Settings.of("storage.sqlite.path", dir.resolve("g.db").toString());
        HistoryStore first = new SqliteHistoryStoreProvider().create(s, ProviderContext.defaults());
        first.start();
        first.upsertExecution(ok("u1", 1), 3);
        first.close();
        HistoryStore second = new SqliteHistoryStoreProvider().create(s, ProviderContext.defaults());
        second.start();
        try {
            assertThat(second.findExecution("u1")).contains(ok("u1", 1));
            assertThat(second.highestEpoch()).isEqualTo(3);
            assertThat(Files.exists(dir.resolve("g.db"))).isTrue();
        } finally {
            second.close();
        }
    }
}
