package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.store.jdbc.DurationBuckets;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.jdbc.TestDatabases;
import io.cronjobguardian.testkit.jdbc.TestDatabases.Engine;
import io.cronjobguardian.testkit.Percentiles;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Store benchmarks against baselines measured in the same run on the same database. Prints ratios; asserts
 * nothing. Databases: SQLite (always, a temporary file), PostgreSQL ({@code GUARDIAN_TEST_PG_URL}) and MariaDB/MySQL
 * ({@code GUARDIAN_TEST_MYSQL_URL}); a database that is not configured is skipped and said so.
 *
 * <ol>
 *   <li><b>Recording</b>: executions through {@code upsertExecutions} in batches vs raw JDBC batch INSERTs of the same
 *       rows into the same table (fresh, migrated database each).</li>
 *   <li><b>Stats of one CronJob over 1,000,000 executions</b>: {@code stats(cronJob, window)} vs loading the
 *       durations into Java with JDBC and sorting them (the same figures computed both ways).</li>
 *   <li><b>Bulk stats of 10,000 CronJobs</b> in one call vs 10,000 single calls.</li>
 * </ol>
 * Arguments ({@code key=value}): {@code only=sqlite,postgres,mysql}, {@code parts=recording,stats,bulk,prune},
 * {@code records=20000}, {@code batch=500},
 * {@code rows=1000000}, {@code cronjobs=10000}, {@code perCronJob=10}, {@code repeats=5}.
 */
public final class StoreBenchmarks {

    private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    private static final CronJobRef BIG = CronJobRef.of("bench", "one-million");
    private static final String INSERT = "INSERT INTO guardian_executions (job_uid, namespace, cronjob_name, "
            + "job_name, cronjob_uid, scheduled_at, manual, created_at, started_at, finished_at, effective_start, "
            + "duration_ms, state, attempts, condition_reason, condition_message, term_present, term_container, "
            + "term_exit_code, term_reason, term_signal, term_message, start_period, duration_bucket) VALUES (?, ?, ?, "
            + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private final BenchArgs args;
    private final List<String> summary = new ArrayList<>();

    private StoreBenchmarks(BenchArgs args) {
        this.args = args;
    }

    public static void main(String[] argv) throws Exception {
        new StoreBenchmarks(BenchArgs.parse(argv)).run();
    }

    private int arg(String key, int defaultValue) {
        return args.integer(key, defaultValue);
    }

    private boolean wanted(String db) {
        return args.lists("only", db);
    }

    private boolean part(String part) {
        return args.lists("parts", part);
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        System.out.printf("CronJob Guardian store benchmarks  (JVM %s, %d cores, load average %.2f, arguments %s)%n%n",
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), args);
        List<Object[]> dbs = new ArrayList<>();
        if (wanted("sqlite")) {
            dbs.add(new Object[] {"SQLite", (Supplier<DbTarget>) DbTarget::sqlite});
        }
        if (wanted("postgres")) {
            if (env("GUARDIAN_TEST_PG_URL")) {
                dbs.add(new Object[] {"PostgreSQL", (Supplier<DbTarget>) DbTarget::postgres});
            } else {
                skip("PostgreSQL", "GUARDIAN_TEST_PG_URL is not set");
            }
        }
        if (wanted("mysql")) {
            if (env("GUARDIAN_TEST_MYSQL_URL")) {
                boolean maria = isMariaDb();
                dbs.add(new Object[] {maria ? "MariaDB" : "MySQL", (Supplier<DbTarget>) () -> maria
                        ? DbTarget.mysqlFamily(Engine.MYSQL, "mariadb", "mariadb")
                        : DbTarget.mysqlFamily(Engine.MYSQL, "mysql", "mysql")});
            } else {
                skip("MariaDB/MySQL", "GUARDIAN_TEST_MYSQL_URL is not set");
            }
        }
        for (Object[] db : dbs) {
            String name = (String) db[0];
            @SuppressWarnings("unchecked")
            DbTarget target = ((Supplier<DbTarget>) db[1]).get();
            try {
                benchmark(name, target);
            } finally {
                target.dropAll();
            }
        }
        System.out.println();
        System.out.println("================ summary ================");
        summary.forEach(System.out::println);
        System.out.printf("total time %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static boolean env(String name) {
        String v = System.getenv(name);
        return v != null && !v.isBlank();
    }

    private void skip(String db, String why) {
        String line = String.format("%-10s skipped: %s", db, why);
        System.out.println(line);
        summary.add(line);
    }

    private static boolean isMariaDb() throws SQLException {
        try (Connection c = TestDatabases.mysql().connect()) {
            return c.getMetaData().getDatabaseProductVersion().toLowerCase(Locale.ROOT).contains("mariadb");
        }
    }

    private void benchmark(String name, DbTarget target) throws Exception {
        System.out.printf("---------------- %s ----------------%n", name);
        if (part("recording")) {
            recording(name, target);
        }
        if (part("stats")) {
            statsOverOneMillion(name, target);
        }
        if (part("bulk")) {
            bulkStats(name, target);
        }
        if (part("prune")) {
            prune(name, target);
        }
        System.out.println();
    }

    // ================================================================= 4. retention pass

    /**
     * The retention pass over many CronJobs (runs and run details, one cutoff): {@code pruneExecutions} /
     * {@code pruneDetails} (a few statements per 200 CronJobs) vs the single forms per CronJob, on the same database,
     * alternating. Each round deletes the runs of one more day (the steady state of a daily prune), so both paths
     * delete the same amount.
     */
    private void prune(String name, DbTarget target) throws Exception {
        int cronJobs = arg("pruneCronJobs", 10_000);
        int perCronJob = arg("prunePerCronJob", 10);
        int rounds = arg("pruneRounds", 3);
        Settings db = target.freshDatabase();
        try (HistoryStore s = target.store(db)) {
            s.start();
            List<CronJobRef> refs = new ArrayList<>(cronJobs);
            List<Execution> batch = new ArrayList<>();
            Random r = new Random(3);
            for (int c = 0; c < cronJobs; c++) {
                CronJobRef cj = CronJobRef.of("ns-" + (c % 20), "prune-" + c);
                refs.add(cj);
                for (int i = 0; i < perCronJob; i++) {   // one run a day, the newest today
                    batch.add(Execution.of(job(cj, "p-" + c + "-" + i, T0.minus(java.time.Duration.ofDays(i))
                            .plusSeconds(r.nextInt(3600)), duration(r), r.nextInt(10) != 0)));
                    if (batch.size() == 1000) {
                        s.upsertExecutions(batch, 1);
                        batch.clear();
                    }
                }
            }
            s.upsertExecutions(batch, 1);
            double grouped = Double.MAX_VALUE;
            double single = Double.MAX_VALUE;
            long deleted = 0;
            for (int round = 0; round < 2 * rounds; round++) {
                // each round cuts one more day off the oldest: the same amount for both paths
                Instant cutoff = T0.minus(java.time.Duration.ofDays(perCronJob - 1 - round)).minusSeconds(7200);
                long t0 = System.nanoTime();
                long n;
                if (round % 2 == 0) {
                    n = s.pruneExecutions(refs, cutoff, 1) + 0 * s.pruneDetails(refs, cutoff, 1);
                    grouped = Math.min(grouped, (System.nanoTime() - t0) / 1e9);
                } else {
                    n = 0;
                    for (CronJobRef cj : refs) {
                        n += s.deleteExecutionsBefore(cj, cutoff, 1);
                        s.deleteDetailsBefore(cj, cutoff, 1);
                    }
                    single = Math.min(single, (System.nanoTime() - t0) / 1e9);
                }
                deleted += n;
            }
            String line = String.format("%-10s retention pass over %,d CronJobs (%,d runs deleted in %d rounds): "
                    + "grouped %.2f s, per CronJob %.2f s -> %.1fx faster (best of %d each)", name, cronJobs,
                    deleted, 2 * rounds, grouped, single, single / grouped, rounds);
            System.out.println(line);
            summary.add(line);
        }
    }

    // ================================================================= 1. recording

    private void recording(String name, DbTarget target) throws Exception {
        int records = arg("records", 50_000);
        int batch = arg("batch", 500);
        // warm-up of both paths (JIT, driver caches), on their own databases
        storeInsert(target, executions("warm", 10_000), batch);
        rawInsert(target, executions("warm", 10_000), batch);

        List<Execution> rows = executions("rec", records);
        double bestStore = 0;
        double bestRaw = 0;
        for (int round = 0; round < 3; round++) {
            bestRaw = Math.max(bestRaw, rawInsert(target, rows, batch));
            bestStore = Math.max(bestStore, storeInsert(target, rows, batch));
        }
        double ratio = bestStore / bestRaw;
        String line = String.format("%-10s recording %,d executions in batches of %d: store %,.0f rows/s, raw JDBC "
                + "batch INSERT %,.0f rows/s -> %.2fx (target >= 0.7x)", name, records, batch, bestStore, bestRaw,
                ratio);
        System.out.println(line);
        summary.add(line);
    }

    /** Rows per second through the store, on a fresh migrated database. */
    private static double storeInsert(DbTarget target, List<Execution> rows, int batch) {
        Settings db = target.freshDatabase();
        try (HistoryStore s = target.store(db)) {
            s.start();
            long t0 = System.nanoTime();
            for (int i = 0; i < rows.size(); i += batch) {
                s.upsertExecutions(rows.subList(i, Math.min(rows.size(), i + batch)), 1);
            }
            long ns = System.nanoTime() - t0;
            if (s.executionCount() != rows.size()) {
                throw new IllegalStateException("store stored " + s.executionCount() + " of " + rows.size());
            }
            return rows.size() / (ns / 1e9);
        }
    }

    /** Rows per second by plain JDBC batches into the same table of a fresh migrated database. */
    private static double rawInsert(DbTarget target, List<Execution> rows, int batch) throws SQLException {
        Settings db = target.freshDatabase();
        try (HistoryStore s = target.store(db)) {
            s.start(); // the same schema, indexes included
        }
        try (Connection c = target.connect(db)) {
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(INSERT)) {
                for (int i = 0; i < rows.size(); i++) {
                    bind(ps, rows.get(i));
                    ps.addBatch();
                    if ((i + 1) % batch == 0 || i == rows.size() - 1) {
                        ps.executeBatch();
                        c.commit();
                    }
                }
            }
            long ns = System.nanoTime() - t0;
            return rows.size() / (ns / 1e9);
        }
    }

    private static void bind(PreparedStatement ps, Execution e) throws SQLException {
        JobSnapshot j = e.job();
        ps.setString(1, j.uid());
        ps.setString(2, j.namespace());
        ps.setString(3, e.cronJob().name());
        ps.setString(4, j.name());
        ps.setString(5, j.ownerUid());
        setLong(ps, 6, j.scheduledTime() == null ? null : j.scheduledTime().toEpochMilli());
        ps.setBoolean(7, j.manual());
        ps.setLong(8, j.createdAt().toEpochMilli());
        setLong(ps, 9, j.startedAt() == null ? null : j.startedAt().toEpochMilli());
        setLong(ps, 10, j.finishedAt() == null ? null : j.finishedAt().toEpochMilli());
        ps.setLong(11, j.effectiveStart().toEpochMilli());
        setLong(ps, 12, j.duration() == null ? null : j.duration().toMillis());
        ps.setString(13, j.state().name());
        ps.setInt(14, j.attempts());
        ps.setString(15, j.conditionReason());
        ps.setString(16, j.conditionMessage());
        ps.setBoolean(17, false);
        ps.setNull(18, Types.VARCHAR);
        ps.setNull(19, Types.INTEGER);
        ps.setNull(20, Types.VARCHAR);
        ps.setNull(21, Types.INTEGER);
        ps.setNull(22, Types.VARCHAR);
        ps.setLong(23, DurationBuckets.period(j.effectiveStart().toEpochMilli()));
        if (j.duration() == null) {
            ps.setNull(24, Types.INTEGER);
        } else {
            ps.setInt(24, DurationBuckets.bucket(j.duration().toMillis()));
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }

    /** Finished runs of 50 CronJobs, one a minute each, durations with a long tail. */
    private static List<Execution> executions(String prefix, int n) {
        Random r = new Random(1);
        List<Execution> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            CronJobRef cj = CronJobRef.of("bench", "job-" + (i % 50));
            out.add(Execution.of(job(cj, prefix + "-" + i, T0.plusSeconds(60L * (i / 50)), duration(r),
                    r.nextInt(20) != 0)));
        }
        return out;
    }

    private static long duration(Random r) {
        return 1 + (long) Math.floor(Math.exp(r.nextDouble() * 15)); // 1 ms .. ~55 min, many ties
    }

    private static JobSnapshot job(CronJobRef cj, String uid, Instant start, long durationMs, boolean ok) {
        return new JobSnapshot(cj.namespace(), cj.name() + "-" + uid, uid, cj, "cj-uid", start, false, start, start,
                start.plusMillis(durationMs), ok ? JobState.SUCCEEDED : JobState.FAILED, 1,
                ok ? null : "BackoffLimitExceeded", ok ? null : "Job has reached the specified backoff limit", null);
    }

    // ================================================================= 2. stats over one million

    private void statsOverOneMillion(String name, DbTarget target) throws Exception {
        int rows = arg("rows", 1_000_000);
        int repeats = arg("repeats", 5);
        Settings db = target.freshDatabase();
        try (HistoryStore s = target.store(db)) {
            s.start();
            long load0 = System.nanoTime();
            bulkLoad(s, target, db, BIG, rows, 1);
            System.out.printf("%-10s loaded %,d executions of one CronJob in %.1f s (through the store, not measured)%n", name,
                    rows, (System.nanoTime() - load0) / 1e9);
            StatsQuery window = StatsQuery.between(T0, T0.plusSeconds(60L * rows));

            ExecutionStats storeStats = null;
            long[] storeNs = new long[repeats];
            long[] naiveNs = new long[repeats];
            double[] naive = null;
            for (int i = 0; i < repeats; i++) {
                long t0 = System.nanoTime();
                naive = naiveStats(target, db, BIG, window);
                naiveNs[i] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                storeStats = s.stats(BIG, window);
                storeNs[i] = System.nanoTime() - t0;
            }
            double storeMs = median(storeNs) / 1e6;
            double naiveMs = median(naiveNs) / 1e6;
            long diffNs = Math.abs(storeStats.p95().toNanos() - Percentiles.millisToDuration(naive[2]).toNanos());
            // a window with whole weeks is answered from the duration histogram; shorter ones by the strategy
            String strategy = "histogram + bucket ranks; bulk/short windows: " + (s instanceof JdbcHistoryStore
                    ? ((JdbcHistoryStore) s).percentileStrategy().map(Enum::name).orElse("?") : "?");
            String line = String.format("%-10s stats of one CronJob over %,d executions: store %.0f ms (%s), load "
                    + "durations into Java + sort %.0f ms -> %.1fx faster (target >= 10x); p95 %s vs %s (|diff| %d ns)",
                    name, rows, storeMs, strategy, naiveMs, naiveMs / storeMs, storeStats.p95(),
                    Percentiles.millisToDuration(naive[2]), diffNs);
            System.out.println(line);
            summary.add(line);
            if (storeStats.total() != (long) naive[0]) {
                throw new IllegalStateException("store counted " + storeStats.total() + ", Java " + naive[0]);
            }
        }
    }

    /**
     * count, p50, p95, p99, mean, max: the naive way (every duration over the wire, sorted in Java). It reads only
     * the durations; the store computes more (success and failure counts too).
     */
    private static double[] naiveStats(DbTarget target, Settings db, CronJobRef cj, StatsQuery w)
            throws SQLException {
        try (Connection c = target.connect(db)) {
            c.setAutoCommit(false); // lets PostgreSQL stream with a fetch size
            try (PreparedStatement ps = c.prepareStatement("SELECT duration_ms FROM guardian_executions "
                    + "WHERE namespace = ? AND cronjob_name = ? AND effective_start >= ? AND effective_start < ? "
                    + "AND duration_ms IS NOT NULL AND manual = ?")) {
                ps.setFetchSize(10_000);
                ps.setString(1, cj.namespace());
                ps.setString(2, cj.name());
                ps.setLong(3, w.from().toEpochMilli());
                ps.setLong(4, w.to().toEpochMilli());
                ps.setBoolean(5, false);
                long[] d = new long[1024];
                int n = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (n == d.length) {
                            d = Arrays.copyOf(d, n * 2);
                        }
                        d[n++] = rs.getLong(1);
                    }
                }
                c.commit();
                long[] sorted = Arrays.copyOf(d, n);
                Arrays.sort(sorted);
                double[] v = new double[n];
                long sum = 0;
                for (int i = 0; i < n; i++) {
                    v[i] = sorted[i];
                    sum += sorted[i];
                }
                return new double[] {n, Percentiles.interpolated(v, 0.5), Percentiles.interpolated(v, 0.95),
                    Percentiles.interpolated(v, 0.99), (double) sum / n, v[n - 1]};
            }
        }
    }

    /**
     * Loads executions through the store (set-up, not measured): the store keeps its duration histogram in step
     * with every write, so rows must not be inserted behind its back.
     */
    private static void bulkLoad(HistoryStore store, DbTarget target, Settings db, CronJobRef cj, int rows,
            int cronJobs) throws SQLException {
        Random r = new Random(3);
        List<Execution> batch = new ArrayList<>(2_000);
        for (int i = 0; i < rows; i++) {
            CronJobRef ref = cronJobs == 1 ? cj : CronJobRef.of("bulk-" + (i % cronJobs) % 20,
                    "job-" + (i % cronJobs));
            int perJob = cronJobs == 1 ? i : i / cronJobs;
            batch.add(Execution.of(job(ref, "u" + i, T0.plusSeconds(60L * perJob), duration(r),
                    r.nextInt(20) != 0)));
            if (batch.size() == 2_000 || i == rows - 1) {
                store.upsertExecutions(batch, 1);
                batch.clear();
            }
        }
        try (Connection c = target.connect(db)) {
            analyze(c);
        }
    }

    private static void analyze(Connection c) throws SQLException {
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        try (Statement st = c.createStatement()) {
            if (product.contains("postgres")) {
                st.execute("VACUUM ANALYZE guardian_executions");
                st.execute("VACUUM ANALYZE guardian_duration_histogram");
            } else if (product.contains("sqlite")) {
                st.execute("ANALYZE");
            } else {
                st.execute("ANALYZE TABLE guardian_executions, guardian_duration_histogram");
            }
        }
    }

    // ================================================================= 3. bulk stats

    private void bulkStats(String name, DbTarget target) throws Exception {
        int cronJobs = arg("cronjobs", 10_000);
        int per = arg("perCronJob", 10);
        Settings db = target.freshDatabase();
        try (HistoryStore s = target.store(db)) {
            s.start();
            bulkLoad(s, target, db, null, cronJobs * per, cronJobs);
            List<CronJobRef> refs = new ArrayList<>();
            for (int i = 0; i < cronJobs; i++) {
                refs.add(CronJobRef.of("bulk-" + i % 20, "job-" + i));
            }
            StatsQuery window = StatsQuery.between(T0, T0.plusSeconds(60L * per));
            s.stats(refs.subList(0, 100), window); // warm-up
            long[] bulkNs = new long[3];
            Map<CronJobRef, ExecutionStats> bulk = null;
            for (int i = 0; i < bulkNs.length; i++) {
                long t0 = System.nanoTime();
                bulk = s.stats(refs, window);
                bulkNs[i] = System.nanoTime() - t0;
            }
            long t0 = System.nanoTime();
            for (CronJobRef ref : refs) {
                ExecutionStats one = s.stats(ref, window);
                if (!one.equals(bulk.get(ref))) {
                    throw new IllegalStateException("bulk and single stats differ for " + ref + ": " + bulk.get(ref)
                            + " vs " + one);
                }
            }
            long singlesNs = System.nanoTime() - t0;
            double bulkMs = median(bulkNs) / 1e6;
            long withRuns = bulk.values().stream().filter(x -> x.total() == per).count();
            String line = String.format("%-10s bulk stats of %,d CronJobs (%,d executions) in one call: %.0f ms; "
                    + "%,d single calls: %.0f ms -> %.1fx; every CronJob answered (%d with %d runs), equal to the "
                    + "single results", name, cronJobs, cronJobs * per, bulkMs, cronJobs, singlesNs / 1e6,
                    singlesNs / 1e6 / bulkMs, withRuns, per);
            System.out.println(line);
            summary.add(line);
        }
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    static Duration ms(double v) {
        return Percentiles.millisToDuration(v);
    }
}
