package io.cronjobguardian.testkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.testkit.HistoryStoreContract;
import io.cronjobguardian.testkit.Percentiles;
import io.cronjobguardian.testkit.TestObjects;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Store behaviour that depends on the database rather than on the API contract, run on every SQL database: session
 * time zones, replicas starting and migrating together, schema versions, large volumes, SQL-significant text, and
 * that creating a store does not connect. {@link ServerStoreScenarios} adds what needs a network server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class JdbcStoreScenarios {

    /** The start of the data the scenarios write. */
    protected static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");
    /** The CronJob most scenarios use. */
    protected static final CronJobRef CJ = CronJobRef.of("team-a", "backup");

    private final List<HistoryStore> opened = new ArrayList<>();

    /** The database under test. */
    protected abstract DbTarget target();

    /** The dialect the store must detect on this database ({@code postgres}, {@code mariadb}, ...). */
    protected abstract String expectedDialect();

    @AfterEach
    void closeStores() {
        for (HistoryStore s : opened) {
            s.close();
        }
        opened.clear();
    }

    @AfterAll
    void dropDatabases() {
        target().dropAll();
    }

    /** Registers a store for closing after the test (not started). */
    protected HistoryStore track(HistoryStore s) {
        opened.add(s);
        return s;
    }

    /** A started store on the database of these settings. */
    protected HistoryStore started(Settings db) {
        HistoryStore s = track(target().store(db));
        s.start();
        return s;
    }

    protected static Execution ok(CronJobRef cj, String uid, Instant start, Duration d) {
        return TestObjects.job(cj).uid(uid).name(cj.name() + "-" + uid).scheduled(start).succeeded(start, d)
                .execution();
    }

    protected static Execution failed(CronJobRef cj, String uid, Instant start, Duration d) {
        return TestObjects.job(cj).uid(uid).name(cj.name() + "-" + uid).scheduled(start).failed(start, d)
                .exitCode(1, "Error").execution();
    }

    protected static long count(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // =====================================================================================================

    @Test
    @DisplayName("the dialect is detected from the connection")
    void dialectDetected() {
        HistoryStore s = started(target().freshDatabase());
        assertThat(s).isInstanceOf(JdbcHistoryStore.class);
        JdbcHistoryStore j = (JdbcHistoryStore) s;
        assertThat(j.dialect()).hasValueSatisfying(d -> assertThat(d.id()).isEqualTo(expectedDialect()));
        assertThat(j.percentileStrategy()).isPresent();
        assertThat(s.health().up()).as("health %s", s.health()).isTrue();
        assertThat(s.openConnections()).isPresent();
        assertThat(s.openConnections().getAsInt()).isPositive();
        s.close();
        assertThat(s.openConnections()).isEmpty();
        assertThat(s.health().up()).isFalse();
    }

    @Test
    @DisplayName("instants are exact (BIGINT UTC millis) with a session time zone other than the JVM's")
    void sessionTimeZoneOtherThanJvm() throws Exception {
        Settings db = target().freshDatabase();
        String tzSql = target().sessionTimeZoneSql();
        Settings settings = tzSql == null ? db : db.with(target().prefix() + ".connectionInitSql", tzSql);
        HistoryStore s = started(settings);

        Instant pre1970 = Instant.parse("1969-12-31T23:59:59.999Z");
        Instant dstLa = Instant.parse("2024-03-10T09:59:59.999Z"); // 01:59:59.999 PST, a millisecond before PDT
        Instant dstGap = Instant.parse("2024-03-10T10:00:00.000Z"); // 03:00 PDT
        Instant far = Instant.parse("9999-12-31T23:59:59.000Z");
        Execution a = TestObjects.job(CJ).uid("u-a").scheduled(pre1970).succeeded(pre1970, pre1970.plusMillis(2))
                .execution();
        Execution b = TestObjects.job(CJ).uid("u-b").scheduled(dstLa).failed(dstLa, dstGap).execution();
        Execution c = TestObjects.job(CJ).uid("u-c").createdAt(far.minusSeconds(5)).succeeded(far.minusSeconds(5),
                far).execution();
        s.upsertExecutions(List.of(a, b, c), 1);
        Incident inc = s.openIncident(new IncidentDraft(IncidentKey.of("m", CJ, AlertType.JOB_FAILED),
                Severity.WARNING, "t", "m", "", null, dstGap), 1).incident();
        CronJobState st = new CronJobState(CJ, "cj-uid", pre1970, dstLa, far, dstGap, far.minusMillis(1));
        s.saveCronJobState(st, 1);

        assertThat(s.findExecution("u-a")).contains(a);
        assertThat(s.findExecution("u-b")).contains(b);
        assertThat(s.findExecution("u-c")).contains(c);
        assertThat(s.findIncident(inc.id()).orElseThrow().openedAt()).isEqualTo(dstGap);
        assertThat(s.findCronJobState(CJ)).contains(st);
        assertThat(s.executions(ExecutionQuery.forCronJob(CJ).startedBetween(dstLa, dstLa.plusMillis(1))).items())
                .extracting(Execution::jobUid).containsExactly("u-b");
        ExecutionStats stats = s.stats(CJ, StatsQuery.between(dstLa, dstLa.plusMillis(1)));
        assertThat(stats.total()).isEqualTo(1);
        assertThat(stats.maxDuration()).isEqualTo(Duration.ofMillis(1));
        assertThat(stats.lastSuccessAt()).isEqualTo(far);
        assertThat(stats.lastFailureAt()).isEqualTo(dstGap);

        // what is on disk is the UTC epoch millisecond, whatever the session says
        try (Connection raw = target().connect(db); Statement q = raw.createStatement()) {
            if (tzSql != null) {
                q.execute(tzSql);
            }
            try (ResultSet rs = q.executeQuery("SELECT job_uid, started_at, finished_at FROM guardian_executions "
                    + "ORDER BY job_uid")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(2)).isEqualTo(pre1970.toEpochMilli()).isEqualTo(-1L);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(2)).isEqualTo(1_710_064_799_999L);
                assertThat(rs.getLong(3)).isEqualTo(1_710_064_800_000L);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(3)).isEqualTo(253_402_300_799_000L);
            }
        }
    }

    @Test
    @DisplayName("two stores starting together on one empty database migrate once, then both write")
    void twoStoresStartTogether() throws Exception {
        for (int round = 0; round < 3; round++) {
            Settings db = target().freshDatabase();
            HistoryStore s1 = track(target().store(db));
            HistoryStore s2 = track(target().store(db));
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CyclicBarrier barrier = new CyclicBarrier(2);
                List<Future<?>> starts = new ArrayList<>();
                for (HistoryStore s : List.of(s1, s2)) {
                    starts.add(pool.submit(() -> {
                        barrier.await(30, TimeUnit.SECONDS);
                        s.start();
                        return null;
                    }));
                }
                for (Future<?> f : starts) {
                    f.get(120, TimeUnit.SECONDS);
                }
                try (Connection raw = target().connect(db)) {
                    // one row per schema version (V1 to V4), each applied once
                    assertThat(count(raw, "SELECT COUNT(*) FROM guardian_schema_history")).as("round %d", round)
                            .isEqualTo(4);
                    assertThat(count(raw, "SELECT COUNT(*) FROM guardian_fence")).isEqualTo(1);
                }

                barrier.reset();
                int perStore = 150;
                List<Future<Integer>> writes = new ArrayList<>();
                for (int k = 0; k < 2; k++) {
                    HistoryStore s = k == 0 ? s1 : s2;
                    int me = k;
                    writes.add(pool.submit(() -> {
                        barrier.await(30, TimeUnit.SECONDS);
                        int inserted = 0;
                        for (int i = 0; i < perStore; i++) {
                            Execution own = ok(CJ, "own-" + me + "-" + i, T0.plusSeconds(i), Duration.ofSeconds(1));
                            Execution shared = ok(CJ, "shared-" + i, T0.plusSeconds(i), Duration.ofSeconds(2));
                            for (UpsertResult r : s.upsertExecutions(List.of(own, shared), 1)) {
                                inserted += r == UpsertResult.INSERTED ? 1 : 0;
                            }
                        }
                        return inserted;
                    }));
                }
                int inserted = 0;
                for (Future<Integer> f : writes) {
                    inserted += f.get(120, TimeUnit.SECONDS);
                }
                assertThat(inserted).isEqualTo(3 * perStore);
                assertThat(s1.executionCount()).isEqualTo(3 * perStore);
                assertThat(s2.executionCount()).isEqualTo(3 * perStore);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName("a store refuses a schema newer than it knows, with a clear message")
    void newerSchemaRefused() throws Exception {
        Settings db = target().freshDatabase();
        started(db).close();
        try (Connection raw = target().connect(db); Statement st = raw.createStatement()) {
            st.execute("INSERT INTO guardian_schema_history (version, description, checksum, installed_at, "
                    + "execution_ms) VALUES (999, 'from the future', 'x', 0, 0)");
        }
        for (Settings s : List.of(db, db.with("storage.migrate", "false"))) {
            HistoryStore store = track(target().store(s));
            assertThatThrownBy(store::start).isInstanceOf(StoreUnavailableException.class)
                    .hasMessageContaining("schema is at version 999")
                    .hasMessageContaining("newer than the version this guardian-store-jdbc knows (4)")
                    .hasMessageContaining("refusing to run");
            assertThat(store.health().up()).isFalse();
        }
    }

    /**
     * The SHA-256 of every script as the releases that kept them under {@code db/migration/<dialect>/} shipped and
     * recorded them in {@code guardian_schema_history} (read from those jars' scripts before the move).
     */
    private static final Map<String, List<String>> CHECKSUMS_UNDER_DB_MIGRATION = Map.of(
            "postgres", List.of("7b9d9d7a74a3f0a78cf1b1b9d95b0e28a5ca9ba5b978dab58e8fce1fbff78dc8",
                    "e173f7ad7da79cbbb9fe619e96b15e51e5b932067534a1abc4fe1eb269491be6",
                    "f96787c6597d4d78c82cd86db7d9681e715ca8c43f2bd8b4db6c460b4be23fa7"),
            "mysql", List.of("5d303238225bc771ecddcb4a1938aabd5ef5befc7d18d02040b78843368eff83",
                    "dbfbeb861af600d969ebc7b8dd44e1d2d973322bb6458ac3b1c02434b8171967",
                    "61ed16c6579072fffd44f8539e22c2ff0c994c967394ade615fe2d5dddf601f4"),
            "mariadb", List.of("bb5e390436ecf7892c11f3cfd49495e0eb9948c5dccf3252b57581740dab21f2",
                    "6dff007ea72cf06a943828ebc689cb6201e6cc0c812c7d3eedfc6bb4e81eb467",
                    "220eefbdf2a813fa49934ac138aa7d60b54fbde0a135543232995483cd898865"),
            "sqlite", List.of("3138c73209b504f0d016a34efe7abcc7b120d99a15ed3369be6d26c199c652fa",
                    "12233f550b4292af6700a369c67f014321de7525ccc666edb5be66b204237159",
                    "678621e62db364ea6907ab3137fb2f8ae6b46c7ab6625f27796ff70d95a86ae0"));
    private static final List<String> STEP_SCRIPTS = List.of("V1__init", "V2__lazy_histogram",
            "V3__schedule_change");

    @Test
    @DisplayName("the scripts live under io/cronjobguardian/store/<dialect>/migration, none under db/migration, and "
            + "hash as the old layout recorded them")
    void scriptsLiveUnderTheProjectsPackage() throws Exception {
        ClassLoader cl = JdbcStoreScenarios.class.getClassLoader();
        String dialect = expectedDialect();
        for (int v = 1; v <= STEP_SCRIPTS.size(); v++) {
            String script = STEP_SCRIPTS.get(v - 1) + ".sql";
            String path = "io/cronjobguardian/store/" + dialect + "/migration/" + script;
            try (java.io.InputStream in = cl.getResourceAsStream(path)) {
                assertThat(in).as(path).isNotNull();
                byte[] sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .replace("\r\n", "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(sql)))
                        .as("%s is byte for byte the script the old layout applied (never edit a released script)",
                                path)
                        .isEqualTo(CHECKSUMS_UNDER_DB_MIGRATION.get(dialect).get(v - 1));
            }
            assertThat(cl.getResource("db/migration/" + dialect + "/" + script)).as("old location").isNull();
        }
    }

    @Test
    @DisplayName("a database migrated while the scripts were under db/migration opens unchanged: nothing is applied "
            + "again, its data stays, writes go on")
    void databaseMigratedByTheOldLayoutOpensUnchanged() throws Exception {
        Settings db = target().freshDatabase();
        Execution before = ok(CJ, "old-layout-1", T0, Duration.ofSeconds(30));
        try (HistoryStore s = started(db)) {
            s.upsertExecution(before, 1);
        }
        // the history rows exactly as the old layout's migrator wrote them (same schema: same scripts, see above)
        List<String> legacy = CHECKSUMS_UNDER_DB_MIGRATION.get(expectedDialect());
        try (Connection raw = target().connect(db); Statement st = raw.createStatement()) {
            st.execute("DELETE FROM guardian_schema_history");
            dropVersionFourColumns(st);   // the old layout shipped versions 1 to 3
            for (int v = 1; v <= legacy.size(); v++) {
                st.execute("INSERT INTO guardian_schema_history (version, description, checksum, installed_at, "
                        + "execution_ms) VALUES (" + v + ", '" + STEP_SCRIPTS.get(v - 1).substring(4) + "', '"
                        + legacy.get(v - 1) + "', " + (1_000 + v) + ", 7)");
            }
            if (!raw.getAutoCommit()) {
                raw.commit();
            }
        }
        HistoryStore s = started(db);
        assertThat(s.findExecution(before.jobUid())).isPresent();
        Execution after = ok(CJ, "new-layout-1", T0.plusSeconds(3600), Duration.ofSeconds(40));
        s.upsertExecution(after, 1);
        assertThat(s.stats(CJ, StatsQuery.between(T0.minusSeconds(1), T0.plusSeconds(7200))).total())
                .isEqualTo(2);
        try (Connection raw = target().connect(db); Statement st = raw.createStatement();
             ResultSet rs = st.executeQuery("SELECT version, checksum, installed_at FROM guardian_schema_history "
                     + "ORDER BY version")) {
            for (int v = 1; v <= legacy.size(); v++) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(v);
                assertThat(rs.getString(2)).isEqualTo(legacy.get(v - 1));
                assertThat(rs.getLong(3)).as("version %d was not applied again", v).isEqualTo(1_000 + v);
            }
            while (rs.next()) {
                assertThat(rs.getInt(1)).as("only versions the old layout never shipped are applied now")
                        .isGreaterThan(legacy.size());
            }
        }
    }

    @Test
    @DisplayName("storage.migrate=false leaves the schema to the DBA: an empty database is refused, a prepared one works")
    void migrateFalse() throws Exception {
        Settings db = target().freshDatabase();
        Settings noMigrate = db.with("storage.migrate", "false");
        HistoryStore refused = track(target().store(noMigrate));
        assertThatThrownBy(refused::start).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("storage.migrate=false")
                .hasMessageContaining("io/cronjobguardian/store/" + expectedDialect() + "/migration");
        try (Connection raw = target().connect(db)) {
            assertThat(tableExists(raw, "guardian_executions")).as("nothing was created").isFalse();
        }

        started(db).close(); // a DBA (here: a migrating store) prepares the schema

        HistoryStore s = started(noMigrate);
        assertThat(s.upsertExecution(ok(CJ, "u1", T0, Duration.ofSeconds(1)), 1)).isEqualTo(UpsertResult.INSERTED);
        assertThat(s.executionCount()).isEqualTo(1);
    }

    private static boolean tableExists(Connection c, String table) {
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM " + table).close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    @DisplayName("starting again after a failed start works; start is idempotent; close makes operations fail")
    void lifecycle() {
        Settings db = target().freshDatabase();
        HistoryStore s = track(target().store(db));
        assertThat(s.health().up()).isFalse();
        assertThat(s.health().detail()).contains("not started");
        assertThatThrownBy(s::executionCount).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("start()");
        s.start();
        s.start();
        assertThat(s.executionCount()).isZero();
        s.close();
        assertThatThrownBy(s::executionCount).isInstanceOf(StoreUnavailableException.class)
                .hasMessageContaining("closed");
        s.close();
    }

    @Test
    @DisplayName("10,000 executions of one CronJob: counts, mean and percentiles equal Percentiles over the same data")
    void tenThousandExecutions() {
        HistoryStore s = started(target().freshDatabase());
        Random random = new Random(42);
        List<Duration> durations = new ArrayList<>();
        List<Execution> batch = new ArrayList<>();
        long succeeded = 0;
        for (int i = 0; i < 10_000; i++) {
            // a long-tailed distribution with many ties, 1 ms .. ~1 h
            long ms = 1 + (long) Math.floor(Math.exp(random.nextDouble() * 15));
            Duration d = Duration.ofMillis(ms);
            Instant start = T0.plusSeconds(i * 60L);
            boolean ok = random.nextInt(10) != 0;
            batch.add(ok ? ok(CJ, String.format("u-%05d", i), start, d) : failed(CJ, String.format("u-%05d", i),
                    start, d));
            durations.add(d);
            succeeded += ok ? 1 : 0;
            if (batch.size() == 1_000) {
                assertThat(s.upsertExecutions(batch, 1)).containsOnly(UpsertResult.INSERTED);
                batch.clear();
            }
        }
        // noise that must not count: another CronJob, running and manual runs
        s.upsertExecution(ok(CronJobRef.of("team-a", "backup2"), "other", T0, Duration.ofHours(9)), 1);
        s.upsertExecution(Execution.of(TestObjects.job(CJ).uid("running").running(T0.plusSeconds(5)).build()), 1);
        s.upsertExecution(TestObjects.job(CJ).uid("manual").manual().succeeded(T0, Duration.ofHours(7)).execution(),
                1);

        StatsQuery window = StatsQuery.between(T0, T0.plusSeconds(10_000 * 60L));
        ExecutionStats st = s.stats(CJ, window);

        assertThat(st.total()).isEqualTo(10_000);
        assertThat(st.succeeded()).isEqualTo(succeeded);
        assertThat(st.failed()).isEqualTo(10_000 - succeeded);
        assertClose(st.avg(), Percentiles.mean(durations), "avg");
        assertClose(st.p50(), Percentiles.interpolated(durations, 0.50), "p50");
        assertClose(st.p95(), Percentiles.interpolated(durations, 0.95), "p95");
        assertClose(st.p99(), Percentiles.interpolated(durations, 0.99), "p99");
        assertThat(st.maxDuration()).isEqualTo(durations.stream().max(Duration::compareTo).orElseThrow());
        Map<CronJobRef, ExecutionStats> bulk = s.stats(List.of(CJ, CronJobRef.of("team-a", "backup2")), window);
        assertThat(bulk.get(CJ)).isEqualTo(st);
        assertThat(bulk.get(CronJobRef.of("team-a", "backup2")).total()).isEqualTo(1);

        // a sub-window checks the window is applied inside the percentile computation too
        List<Duration> firstHalf = durations.subList(0, 5_000);
        ExecutionStats half = s.stats(CJ, StatsQuery.between(T0, T0.plusSeconds(5_000 * 60L)));
        assertThat(half.total()).isEqualTo(5_000);
        assertClose(half.p95(), Percentiles.interpolated(firstHalf, 0.95), "p95 of the first half");
    }

    private static void assertClose(Duration actual, Duration expected, String what) {
        assertThat(actual).as(what).isNotNull();
        assertThat(Math.abs(actual.minus(expected).toNanos())).as("%s: %s vs expected %s", what, actual, expected)
                .isLessThanOrEqualTo(HistoryStoreContract.TOLERANCE_NANOS);
    }

    @Test
    @DisplayName("SQL-significant text is data, never SQL: quotes, wildcards, comments and injections match nothing else")
    void sqlSignificantCharacters() {
        HistoryStore s = started(target().freshDatabase());
        List<String> nasty = List.of("x' OR '1'='1", "x\" OR \"1\"=\"1", "back%", "back_p", "b\\", "\\'; DROP TABLE "
                + "guardian_executions; --", "/* c */", "`backup`", "$1", "?", ":name", "{0}", "'", "''", "\\\\",
                "line\nbreak", "tab\there", "ünï©ødé 🚀");
        s.upsertExecution(ok(CJ, "plain", T0, Duration.ofSeconds(1)), 1);
        s.openIncident(new IncidentDraft(IncidentKey.of("monitor", CJ, AlertType.JOB_FAILED), Severity.CRITICAL,
                "t", "m", "", null, T0), 1);
        s.recordChannelResult("slack", true, T0, null);
        int i = 0;
        for (String n : nasty) {
            CronJobRef ref = CronJobRef.of("ns", n);
            Execution e = new Execution(TestObjects.job(ref).uid("uid-" + n).name("job-" + i).ownerUid(n)
                    .scheduled(T0).failed(T0, Duration.ofMillis(100 + i)).condition(n, n).exitCode(2, n).build(),
                    n, List.of(n, n + n), n);
            assertThat(s.upsertExecution(e, 1)).as("insert %s", n).isEqualTo(UpsertResult.INSERTED);
            assertThat(s.upsertExecution(e, 1)).as("again %s", n).isEqualTo(UpsertResult.UNCHANGED);
            assertThat(s.findExecution("uid-" + n)).as("find %s", n).contains(e);
            assertThat(s.executions(ExecutionQuery.forCronJob(ref).withDetails(true)).items()).containsExactly(e);
            assertThat(s.executions(ExecutionQuery.all().cronJobUid(n)).items()).extracting(Execution::jobUid)
                    .containsExactly("uid-" + n);
            assertThat(s.stats(ref, StatsQuery.between(T0, T0.plusSeconds(1))).total()).isEqualTo(1);
            IncidentKey k = new IncidentKey(n, ref, AlertType.JOB_FAILED, n.length() > 100 ? "" : n);
            Incident inc = s.openIncident(new IncidentDraft(k, Severity.WARNING, n, n, n, null, T0), 1).incident();
            assertThat(s.findOpenIncident(k)).contains(inc);
            assertThat(s.incidents(IncidentQuery.all().monitor(n)).items()).containsExactly(inc);
            s.recordChannelResult(n, false, T0, n);
            assertThat(s.channelStats().get(n).lastError()).isEqualTo(n);
            i++;
        }
        // nothing matched more than it should: wildcards and injections found only themselves
        assertThat(s.stats(CJ, StatsQuery.between(T0, T0.plusSeconds(1))).total()).isEqualTo(1);
        assertThat(s.executionCount()).isEqualTo(1 + nasty.size());
        assertThat(s.incidents(IncidentQuery.all().monitor("monitor")).total()).isEqualTo(1);
        assertThat(s.incidents(IncidentQuery.all()).total()).isEqualTo(1 + nasty.size());
        assertThat(s.channelStats()).hasSize(1 + nasty.size());
        assertThat(s.findExecution("uid-back%")).isPresent();
        assertThat(s.findExecution("uid-backup")).isEmpty();
        assertThat(s.executions(ExecutionQuery.forCronJob(CronJobRef.of("ns", "backup"))).total()).isZero();
    }

    @Test
    @DisplayName("random writes, transitions and deletions: stats over any window equal the in-memory reference")
    void statsMatchTheReferenceAfterRandomHistory() {
        HistoryStore s = started(target().freshDatabase());
        io.cronjobguardian.testkit.InMemoryHistoryStore ref = new io.cronjobguardian.testkit.InMemoryHistoryStore();
        Random random = new Random(2024);
        List<CronJobRef> cjs = List.of(CJ, CronJobRef.of("team-a", "report"), CronJobRef.of("team-b", "backup"));
        Instant base = Instant.parse("2024-01-03T17:23:11.123Z"); // not at a week or day boundary
        long span = Duration.ofDays(7 * 12).toMillis();
        List<Execution> known = new ArrayList<>();
        int uid = 0;
        for (int round = 0; round < 40; round++) {
            List<Execution> batch = new ArrayList<>();
            for (int k = 0; k < 25; k++) {
                int choice = random.nextInt(10);
                if (choice < 6 || known.isEmpty()) { // a new run: finished, running, manual, not started yet
                    CronJobRef cj = cjs.get(random.nextInt(cjs.size()));
                    Instant created = base.plusMillis((long) (random.nextDouble() * span));
                    var b = TestObjects.job(cj).uid("r-" + uid++).ownerUid("owner-" + random.nextInt(2))
                            .createdAt(created).manual(random.nextInt(6) == 0);
                    int kind = random.nextInt(8);
                    Duration d = Duration.ofMillis(random.nextInt(3) == 0 ? random.nextInt(40) * 1000L
                            : 1 + (long) Math.floor(Math.exp(random.nextDouble() * 12)));
                    Execution e = kind == 0 ? Execution.of(b.notStarted().build())
                            : kind == 1 ? b.running(created.plusMillis(random.nextInt(5_000))).execution()
                            : kind < 6 ? b.succeeded(created, d).execution() : b.failed(created, d).execution();
                    batch.add(e);
                    known.add(e);
                } else { // a change of a known run: finishes, starts late, or finishes differently
                    Execution old = known.get(random.nextInt(known.size()));
                    Instant start = old.job().startedAt() != null ? old.job().startedAt()
                            : old.job().createdAt().plusMillis(random.nextInt(90_000));
                    Duration d = Duration.ofMillis(1 + random.nextInt(200_000));
                    Execution e = random.nextBoolean() ? TestObjects.job(old.job()).succeeded(start, d).execution()
                            : TestObjects.job(old.job()).failed(start, d).execution();
                    batch.add(e);
                }
            }
            assertThat(s.upsertExecutions(batch, 1)).as("round %d", round).isEqualTo(ref.upsertExecutions(batch, 1));
            if (round % 9 == 8) {
                Instant cutoff = base.plusMillis((long) (random.nextDouble() * span / 3));
                CronJobRef cj = random.nextBoolean() ? null : cjs.get(random.nextInt(cjs.size()));
                assertThat(s.deleteExecutionsBefore(cj, cutoff, 1)).isEqualTo(ref.deleteExecutionsBefore(cj, cutoff,
                        1));
            }
            if (round == 30) {
                assertThat(s.deleteExecutions(cjs.get(1), "owner-1", 1)).isEqualTo(ref.deleteExecutions(cjs.get(1),
                        "owner-1", 1));
            }
            if (round == 35) {
                assertThat(s.deleteExecutions(cjs.get(2), null, 1)).isEqualTo(ref.deleteExecutions(cjs.get(2), null,
                        1));
            }
        }
        assertThat(s.executionCount()).isEqualTo(ref.executionCount());
        List<StatsQuery> windows = new ArrayList<>(List.of(
                StatsQuery.between(base.minusSeconds(86_400), base.plusMillis(span).plusSeconds(86_400)),
                StatsQuery.between(Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z")),
                StatsQuery.between(base.plus(Duration.ofDays(20)), base.plus(Duration.ofDays(23)))));
        for (int i = 0; i < 12; i++) {
            Instant a = base.plusMillis((long) (random.nextDouble() * span));
            windows.add(StatsQuery.between(a, a.plusMillis(1 + (long) (random.nextDouble() * span))));
        }
        for (StatsQuery w : windows) {
            for (StatsQuery q : List.of(w, w.includeManual(true))) {
                for (CronJobRef cj : cjs) {
                    assertSameStats(s.stats(cj, q), ref.stats(cj, q), cj + " " + q);
                }
                Map<CronJobRef, ExecutionStats> bulk = s.stats(cjs, q);
                for (CronJobRef cj : cjs) {
                    assertSameStats(bulk.get(cj), ref.stats(cj, q), "bulk " + cj + " " + q);
                }
            }
        }
    }

    private static void assertSameStats(ExecutionStats actual, ExecutionStats expected, String what) {
        assertThat(actual.total()).as("%s total", what).isEqualTo(expected.total());
        assertThat(actual.succeeded()).as("%s succeeded", what).isEqualTo(expected.succeeded());
        assertThat(actual.maxDuration()).as("%s max", what).isEqualTo(expected.maxDuration());
        assertThat(actual.lastSuccessAt()).as("%s lastSuccessAt", what).isEqualTo(expected.lastSuccessAt());
        assertThat(actual.lastFailureAt()).as("%s lastFailureAt", what).isEqualTo(expected.lastFailureAt());
        if (expected.isEmpty()) {
            assertThat(actual.p50()).as(what).isNull();
            return;
        }
        assertClose(actual.avg(), expected.avg(), what + " avg");
        assertClose(actual.p50(), expected.p50(), what + " p50");
        assertClose(actual.p95(), expected.p95(), what + " p95");
        assertClose(actual.p99(), expected.p99(), what + " p99");
    }

    @Test
    @DisplayName("three years recorded week by week by two replicas, with late changes and retention: stats over any "
            + "window equal the in-memory reference, and long windows are read from histogram blocks")
    void chronologicalHistoryAcrossAllBlockLevels() throws Exception {
        Settings db = target().freshDatabase();
        HistoryStore s1 = started(db);
        HistoryStore s2 = started(db); // a second replica: frontiers live in the database, not in one store
        io.cronjobguardian.testkit.InMemoryHistoryStore ref = new io.cronjobguardian.testkit.InMemoryHistoryStore();
        Random random = new Random(77);
        List<CronJobRef> cjs = List.of(CJ, CronJobRef.of("team-b", "report"));
        Instant base = Instant.parse("2023-02-14T05:06:07.089Z"); // a Tuesday: weeks since 1970 start on Thursdays
        int weeks = 160; // > 128: blocks of every level, up to 2^7 weeks
        List<Execution> known = new ArrayList<>();
        int uid = 0;
        for (int week = 0; week < weeks; week++) {
            HistoryStore writer = week % 2 == 0 ? s1 : s2;
            List<Execution> batch = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                CronJobRef cj = cjs.get(random.nextInt(cjs.size()));
                Instant created = base.plus(Duration.ofDays(7L * week)).plusMillis(random.nextInt(7 * 86_400_000));
                var b = TestObjects.job(cj).uid("c-" + uid++).ownerUid("owner").createdAt(created)
                        .manual(random.nextInt(8) == 0);
                Duration d = Duration.ofMillis(1 + (long) Math.floor(Math.exp(random.nextDouble() * 13)));
                int kind = random.nextInt(10);
                Execution e = kind == 0 ? b.running(created).execution()
                        : kind < 8 ? b.succeeded(created, d).execution() : b.failed(created, d).execution();
                batch.add(e);
                known.add(e);
            }
            if (random.nextInt(3) == 0) { // a late change: an older run (maybe many weeks back) finishes differently
                Execution old = known.get(random.nextInt(known.size()));
                Instant start = old.job().startedAt() != null ? old.job().startedAt() : old.job().createdAt();
                Duration d = Duration.ofMillis(1 + random.nextInt(900_000));
                batch.add(random.nextBoolean() ? TestObjects.job(old.job()).succeeded(start, d).execution()
                        : TestObjects.job(old.job()).failed(start, d).execution());
            }
            assertThat(writer.upsertExecutions(batch, 1)).as("week %d", week)
                    .isEqualTo(ref.upsertExecutions(batch, 1));
            if (week == 140 || week == 150) { // retention: everything before a point inside a week goes
                Instant cutoff = base.plus(Duration.ofDays(7L * (week - 130))).plusSeconds(random.nextInt(600_000));
                CronJobRef cj = week == 140 ? CJ : null;
                assertThat(writer.deleteExecutionsBefore(cj, cutoff, 1))
                        .isEqualTo(ref.deleteExecutionsBefore(cj, cutoff, 1));
            }
        }
        try (Connection raw = target().connect(db)) {
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_histogram_frontier")).isEqualTo(cjs.size());
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_duration_histogram WHERE block_level = 7"))
                    .as("128-week blocks were built").isPositive();
        }
        Instant end = base.plus(Duration.ofDays(7L * weeks));
        List<StatsQuery> windows = new ArrayList<>(List.of(StatsQuery.between(base.minusSeconds(1), end),
                StatsQuery.between(Instant.EPOCH, end.plus(Duration.ofDays(30)))));
        for (int i = 0; i < 25; i++) {
            Instant a = base.plusMillis((long) (random.nextDouble() * (end.toEpochMilli() - base.toEpochMilli())));
            long max = end.toEpochMilli() - a.toEpochMilli();
            windows.add(StatsQuery.between(a, a.plusMillis(1 + (long) (random.nextDouble() * max))));
        }
        for (StatsQuery w : windows) {
            for (StatsQuery q : List.of(w, w.includeManual(true))) {
                for (CronJobRef cj : cjs) {
                    assertSameStats(s1.stats(cj, q), ref.stats(cj, q), cj + " " + q);
                    assertSameStats(s2.stats(cj, q), ref.stats(cj, q), "replica 2 " + cj + " " + q);
                }
            }
        }
        // a CronJob deleted with all its runs loses its histogram; recorded again, it starts afresh
        assertThat(s1.deleteExecutions(CJ, null, 1)).isEqualTo(ref.deleteExecutions(CJ, null, 1));
        Execution again = ok(CJ, "again", base.plus(Duration.ofDays(7L * weeks + 1)), Duration.ofSeconds(9));
        s2.upsertExecution(again, 1);
        ref.upsertExecution(again, 1);
        for (StatsQuery q : windows) {
            assertSameStats(s1.stats(CJ, q), ref.stats(CJ, q), "after deletion " + q);
        }
    }

    /** Undoes V4__incident_attention (what a version-3 database has). */
    private void dropVersionFourColumns(Statement st) throws Exception {
        if (expectedDialect().equals("mysql") || expectedDialect().equals("mariadb")) {
            st.execute("ALTER TABLE guardian_incidents DROP INDEX guardian_incidents_silenced");
        } else {
            st.execute("DROP INDEX guardian_incidents_silenced");
        }
        for (String column : List.of("acknowledged_at", "acknowledged_by", "silenced_until", "silenced_by")) {
            st.execute("ALTER TABLE guardian_incidents DROP COLUMN " + column);
        }
    }

    /** Undoes V3__schedule_change (what a version-2 database has). */
    private static void dropVersionThreeColumns(Statement st) throws Exception {
        st.execute("ALTER TABLE guardian_cronjob_states DROP COLUMN schedule");
        st.execute("ALTER TABLE guardian_cronjob_states DROP COLUMN schedule_changed_at");
    }

    @Test
    @DisplayName("a version-2 database migrates to version 3: CronJob states keep their fields, the schedule is "
            + "unknown until written")
    void versionTwoStatesGainTheScheduleColumns() throws Exception {
        Settings db = target().freshDatabase();
        io.cronjobguardian.api.CronJobState before = new io.cronjobguardian.api.CronJobState(CJ, "uid-1", T0,
                null, null, T0.plusSeconds(60), null);
        try (HistoryStore s = started(db)) {
            s.saveCronJobState(before, 1);
        }
        try (Connection raw = target().connect(db); Statement st = raw.createStatement()) {
            st.execute("DELETE FROM guardian_schema_history WHERE version >= 3");
            dropVersionThreeColumns(st);
            dropVersionFourColumns(st);
            if (!raw.getAutoCommit()) {
                raw.commit();
            }
        }
        try (HistoryStore s = started(db)) {
            assertThat(s.findCronJobState(CJ)).contains(before);
            io.cronjobguardian.api.CronJobState seen = before.withSchedule("0 3 * * * TZ=Europe/Berlin",
                    T0.plusSeconds(120));
            s.saveCronJobState(seen, 1);
            assertThat(s.findCronJobState(CJ)).contains(seen);
        }
        try (Connection raw = target().connect(db)) {
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_schema_history")).isEqualTo(4);
        }
    }

    @Test
    @DisplayName("a version-1 database migrates to version 2: its runs keep exact stats, the histogram is rebuilt "
            + "by the next recorded run")
    void versionOneHistogramIsReplaced() throws Exception {
        Settings db = target().freshDatabase();
        io.cronjobguardian.testkit.InMemoryHistoryStore ref = new io.cronjobguardian.testkit.InMemoryHistoryStore();
        Random random = new Random(5);
        List<Execution> history = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            history.add(ok(CJ, "v1-" + i, T0.plus(Duration.ofHours(13L * i)),
                    Duration.ofMillis(1 + random.nextInt(3_600_000))));
        }
        try (HistoryStore s = started(db)) {
            s.upsertExecutions(history, 1);
            ref.upsertExecutions(history, 1);
        }
        // what version 1 left: its histogram table, no frontier, schema at version 1
        try (Connection raw = target().connect(db); Statement st = raw.createStatement()) {
            st.execute("DROP TABLE guardian_duration_histogram");
            st.execute("DROP TABLE guardian_histogram_frontier");
            st.execute("CREATE TABLE guardian_duration_buckets (namespace VARCHAR(253) NOT NULL, cronjob_name "
                    + "VARCHAR(253) NOT NULL, start_period BIGINT NOT NULL, manual BOOLEAN NOT NULL, bucket INTEGER "
                    + "NOT NULL, runs BIGINT NOT NULL, succeeded BIGINT NOT NULL, sum_ms BIGINT NOT NULL, "
                    + "PRIMARY KEY (namespace, cronjob_name, start_period, manual, bucket))");
            st.execute("INSERT INTO guardian_duration_buckets VALUES ('team-a', 'backup', 2800, " + "false"
                    + ", 7, 5, 5, 35)");
            st.execute("DELETE FROM guardian_schema_history WHERE version >= 2");
            dropVersionThreeColumns(st);
            dropVersionFourColumns(st);
            if (!raw.getAutoCommit()) {
                raw.commit();
            }
        }
        HistoryStore s = started(db);
        StatsQuery all = StatsQuery.between(T0.minusSeconds(1), T0.plus(Duration.ofDays(400)));
        StatsQuery middle = StatsQuery.between(T0.plus(Duration.ofDays(30)), T0.plus(Duration.ofDays(150)));
        try (Connection raw = target().connect(db)) {
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_schema_history")).isEqualTo(4);
            assertThat(tableExists(raw, "guardian_duration_buckets")).isFalse();
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_duration_histogram")).isZero();
        }
        for (StatsQuery q : List.of(all, middle)) {
            assertSameStats(s.stats(CJ, q), ref.stats(CJ, q), "before the next run " + q);
        }
        Execution next = ok(CJ, "v2-first", T0.plus(Duration.ofDays(300)), Duration.ofSeconds(42));
        s.upsertExecution(next, 1);
        ref.upsertExecution(next, 1);
        try (Connection raw = target().connect(db)) {
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_duration_histogram")).isPositive();
            assertThat(count(raw, "SELECT materialized_to FROM guardian_histogram_frontier"))
                    .isEqualTo(Math.floorDiv(next.startedAt().toEpochMilli(), 7L * 86_400_000));
        }
        for (StatsQuery q : List.of(all, middle)) {
            assertSameStats(s.stats(CJ, q), ref.stats(CJ, q), "after the next run " + q);
        }
    }

    private static String text(Connection c, String sql, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getString(1);
            }
        }
    }

    private static void update(Connection c, String sql, String value, Object key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, value);
            ps.setObject(2, key);
            assertThat(ps.executeUpdate()).as(sql).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("JSON columns: text the hand-written writer stored reads back as it did, new text is ASCII only")
    void jsonColumnsOfEarlierVersionsReadBack() throws Exception {
        Settings db = target().freshDatabase();
        HistoryStore s = started(db);
        Execution e = TestObjects.job(CJ).uid("u-json").failed(T0, Duration.ofSeconds(3))
                .execution("tail", LegacyJson.EVENTS, "fix it");
        s.upsertExecution(e, 1);
        IncidentDraft draft = new IncidentDraft(IncidentKey.of("m", CJ, AlertType.JOB_FAILED), Severity.CRITICAL,
                "t", "m", "", LegacyJson.CONTEXT, T0);
        Incident inc = s.openIncident(draft, 1).incident();
        long id = Long.parseLong(inc.id());
        String details = "SELECT events FROM guardian_execution_details WHERE job_uid = ?";
        String context = "SELECT context FROM guardian_incidents WHERE id = ?";
        assertThat(s.findExecution("u-json")).contains(StoredText.clean(e));
        assertThat(s.findIncident(inc.id()).map(Incident::context)).contains(StoredText.clean(draft).context());
        try (Connection raw = target().connect(db)) {
            assertThat(text(raw, details, "u-json")).matches("[\\x20-\\x7e]+");
            assertThat(text(raw, context, id)).matches("[\\x20-\\x7e]+");

            // rows written before the store cleaned text or used Jackson: NUL and lone surrogates read back as written
            update(raw, "UPDATE guardian_execution_details SET events = ? WHERE job_uid = ?", LegacyJson.EVENTS_JSON,
                    "u-json");
            assertThat(s.findExecution("u-json")).contains(e);
            String set = "UPDATE guardian_incidents SET context = ? WHERE id = ?";
            update(raw, set, LegacyJson.CONTEXT_JSON, id);
            assertThat(s.findIncident(inc.id()).map(Incident::context)).contains(LegacyJson.CONTEXT);
            update(raw, set, LegacyJson.CONTEXT_JSON_UNSORTED, id);
            assertThat(s.findIncident(inc.id()).map(Incident::context)).contains(LegacyJson.CONTEXT);
            update(raw, set, LegacyJson.CONTEXT_NAN_JSON, id);
            assertThat(s.findIncident(inc.id()).map(Incident::context))
                    .contains(LegacyJson.sparseContext(Double.NaN));
            update(raw, set, LegacyJson.CONTEXT_1E20_JSON, id);
            assertThat(s.findIncident(inc.id()).map(Incident::context)).contains(LegacyJson.sparseContext(1e20));
            update(raw, set, LegacyJson.CONTEXT_NEG_INF_JSON, id);
            assertThat(s.findIncident(inc.id()).map(Incident::context))
                    .contains(LegacyJson.sparseContext(Double.NEGATIVE_INFINITY));
        }
    }

    @Test
    @DisplayName("a value longer than its column fails the whole batch (SQLite: is stored whole), never cut short")
    void tooLongValuesAreNeverTruncated() {
        HistoryStore s = started(target().freshDatabase());
        Execution fine = ok(CJ, "fine", T0, Duration.ofSeconds(1));
        s.upsertExecution(ok(CJ, "stored-before", T0.minusSeconds(60), Duration.ofSeconds(1)), 1);
        for (String uid : List.of("u".repeat(300), "\u00e9".repeat(256))) {
            Execution tooLong = TestObjects.job(CJ).uid(uid).name("backup-long-uid").scheduled(T0.plusSeconds(60))
                    .succeeded(T0.plusSeconds(60), Duration.ofSeconds(2)).execution();
            List<Execution> batch = List.of(fine, tooLong, ok(CJ, "stored-before", T0.minusSeconds(60),
                    Duration.ofSeconds(1)));
            if (expectedDialect().equals("sqlite")) { // SQLite does not enforce VARCHAR lengths
                s.upsertExecutions(batch, 1);
                assertThat(s.findExecution(uid)).contains(tooLong);
                continue;
            }
            assertThatThrownBy(() -> s.upsertExecutions(batch, 1)).isInstanceOf(StoreUnavailableException.class);
            assertThat(s.findExecution("fine")).as("nothing of the batch is written").isEmpty();
            assertThat(s.executionCount()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a running Job becomes terminal and details move to their own table")
    void detailsLiveOutsideTheHotTable() throws Exception {
        Settings db = target().freshDatabase();
        HistoryStore s = started(db);
        Execution running = Execution.of(TestObjects.job(CJ).uid("u1").running(T0).build());
        Execution done = TestObjects.job(running.job()).failed(T0, Duration.ofSeconds(3)).execution("tail",
                List.of("Failed: x"), "fix it");
        s.upsertExecution(running, 1);
        assertThat(s.upsertExecution(done, 1)).isEqualTo(UpsertResult.UPDATED);
        try (Connection raw = target().connect(db)) {
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_executions")).isEqualTo(1);
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_execution_details")).isEqualTo(1);
            assertThat(count(raw, "SELECT duration_ms FROM guardian_executions")).isEqualTo(3_000);
        }
        assertThat(s.findExecution("u1")).contains(done);
        assertThat(s.findExecution("u1").map(Execution::state)).contains(JobState.FAILED);
    }

    @Test
    @DisplayName("runs another replica stored are updated, not duplicated, whichever way the batch is written; a "
            + "failed batch writes nothing")
    void runsAnotherReplicaStoredAreUpdatedInPlace() {
        Settings db = target().freshDatabase();
        HistoryStore s1 = started(db);
        HistoryStore s2 = started(db); // has never seen s1's Job UIDs
        io.cronjobguardian.testkit.InMemoryHistoryStore ref = new io.cronjobguardian.testkit.InMemoryHistoryStore();
        List<Execution> running = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            running.add(Execution.of(TestObjects.job(CJ).uid("r" + i).running(T0.plusSeconds(600L * i)).build()));
        }
        assertThat(s1.upsertExecutions(running, 1)).isEqualTo(ref.upsertExecutions(running, 1));

        List<Execution> mixed = new ArrayList<>();
        for (int i = 0; i < 30; i += 2) { // half of s1's runs finish, between new runs
            mixed.add(ok(CJ, "n" + i, T0.plusSeconds(600L * i + 1), Duration.ofSeconds(40 + i)));
            mixed.add(TestObjects.job(running.get(i).job()).failed(T0.plusSeconds(600L * i), Duration.ofSeconds(i + 1))
                    .execution());
        }
        mixed.add(running.get(1)); // unchanged
        assertThat(s2.upsertExecutions(mixed, 1)).isEqualTo(ref.upsertExecutions(mixed, 1));

        List<Execution> back = new ArrayList<>(); // s1 again: some of its own runs, some of s2's new ones
        for (int i = 1; i < 30; i += 4) {
            back.add(TestObjects.job(running.get(i).job()).succeeded(T0.plusSeconds(600L * i), Duration.ofSeconds(i))
                    .execution());
            back.add(ok(CJ, "n" + (i - 1), T0.plusSeconds(600L * (i - 1) + 1), Duration.ofSeconds(7)));
        }
        assertThat(s1.upsertExecutions(back, 1)).isEqualTo(ref.upsertExecutions(back, 1));

        // a batch of new runs that cannot be stored leaves nothing behind, on either path
        Execution tooLong = TestObjects.job(CJ).uid("x".repeat(300)).scheduled(T0).succeeded(T0, Duration.ofSeconds(1))
                .execution();
        if (!expectedDialect().equals("sqlite")) {
            assertThatThrownBy(() -> s2.upsertExecutions(List.of(ok(CJ, "new-1", T0, Duration.ofSeconds(1)), tooLong),
                    1)).isInstanceOf(StoreUnavailableException.class);
            assertThat(s2.findExecution("new-1")).isEmpty();
        }

        assertThat(s2.executionCount()).isEqualTo(ref.executionCount());
        for (Execution e : ref.executions(ExecutionQuery.forCronJob(CJ).page(0, 1_000)).items()) {
            assertThat(s1.findExecution(e.jobUid())).contains(e);
        }
        StatsQuery all = StatsQuery.between(T0.minusSeconds(1), T0.plus(Duration.ofDays(2)));
        assertSameStats(s1.stats(CJ, all), ref.stats(CJ, all), "s1");
        assertSameStats(s2.stats(CJ, all), ref.stats(CJ, all), "s2");
    }

    @Test
    @DisplayName("the histogram rebuilt by hand with the README's statements while a store runs: the store notices, "
            + "rebuilds it, and stays exact")
    void histogramRebuiltByHand() throws Exception {
        Settings db = target().freshDatabase();
        HistoryStore s = started(db);
        io.cronjobguardian.testkit.InMemoryHistoryStore ref = new io.cronjobguardian.testkit.InMemoryHistoryStore();
        Instant base = Instant.parse("2024-01-01T06:00:00Z");
        int uid = 0;
        for (int week = 0; week < 6; week++) {
            List<Execution> batch = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                batch.add(ok(CJ, "w" + uid++, base.plus(Duration.ofDays(7L * week + k)), Duration.ofSeconds(10 + uid)));
            }
            assertThat(s.upsertExecutions(batch, 1)).isEqualTo(ref.upsertExecutions(batch, 1));
        }
        try (Connection raw = target().connect(db)) { // guardian-store-jdbc README, "rebuild the histogram"
            raw.setAutoCommit(false);
            try (Statement st = raw.createStatement()) {
                st.executeUpdate("DELETE FROM guardian_duration_histogram");
                st.executeUpdate("DELETE FROM guardian_histogram_frontier");
                st.executeUpdate("UPDATE guardian_fence SET writes = writes + 1 WHERE id = 1");
            }
            raw.commit();
        }
        // the same store goes on: a late change below the old frontier, then later weeks
        Execution late = ok(CJ, "w3", base.plus(Duration.ofDays(3)), Duration.ofSeconds(999));
        assertThat(s.upsertExecution(late, 1)).isEqualTo(ref.upsertExecution(late, 1));
        for (int week = 6; week < 9; week++) {
            Execution e = ok(CJ, "w" + uid++, base.plus(Duration.ofDays(7L * week)), Duration.ofSeconds(uid));
            assertThat(s.upsertExecution(e, 1)).isEqualTo(ref.upsertExecution(e, 1));
        }
        s.close();
        HistoryStore again = started(db); // a fresh store reads every frontier from the database
        Execution next = ok(CJ, "w" + uid, base.plus(Duration.ofDays(7L * 10)), Duration.ofSeconds(5));
        assertThat(again.upsertExecution(next, 1)).isEqualTo(ref.upsertExecution(next, 1));
        try (Connection raw = target().connect(db)) {
            assertThat(count(raw, "SELECT COUNT(*) FROM guardian_duration_histogram WHERE block_level = 0"))
                    .as("weeks back in the histogram").isGreaterThanOrEqualTo(9);
        }
        for (int from = 0; from < 10; from += 3) {
            StatsQuery q = StatsQuery.between(base.plus(Duration.ofDays(7L * from)).minusSeconds(1),
                    base.plus(Duration.ofDays(7L * 11)));
            assertSameStats(again.stats(CJ, q), ref.stats(CJ, q), "from week " + from);
        }
    }
}
