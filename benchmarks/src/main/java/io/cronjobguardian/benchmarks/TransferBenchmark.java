package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.cli.HistoryTransfer;
import io.cronjobguardian.cli.Progress;
import io.cronjobguardian.cli.Summary;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code guardian-cli copy} at scale: N runs (default 1,000,000) recorded into a SQLite store, then copied to a fresh
 * PostgreSQL store with {@link HistoryTransfer#copy} (verification included), against the baseline of the PostgreSQL
 * store's own recording of the same rows ({@code upsertExecutions} in batches of the same size, into another fresh
 * schema, in the same run). Prints the times, the ratio, and the largest heap in use after a garbage collection
 * during the copy (flat memory: run it with a small {@code -Xmx}). Asserts nothing.
 *
 * <pre>
 * mvn -B -Pbench -Pfast -pl benchmarks -am -DskipTests verify -Dbench.main=TransferBenchmark \
 *     -Dbench.jvm=-Xmx256m -Dbench.args="runs=1000000"
 * </pre>
 */
public final class TransferBenchmark {

    private static final Instant T0 = Instant.parse("2025-01-06T00:00:00Z");

    private TransferBenchmark() {
    }

    public static void main(String[] args) {
        BenchArgs a = BenchArgs.parse(args);
        int runs = a.integer("runs", 1_000_000);
        int cronJobs = a.integer("cronjobs", 100);
        int batch = a.integer("batch", 1_000);
        if (System.getenv("GUARDIAN_TEST_PG_URL") == null) {
            System.out.println("GUARDIAN_TEST_PG_URL is not set: source .ci/db.env first");
            return;
        }
        DbTarget sqlite = DbTarget.sqlite();
        DbTarget pg = DbTarget.postgres();
        try {
            Settings sqliteDb = sqlite.freshDatabase().with("storage.sqlite.synchronous", "NORMAL");
            System.out.printf(Locale.ROOT, "TransferBenchmark: %,d runs of %,d CronJobs, batches of %,d, max heap %d MB%n",
                    runs, cronJobs, batch, Runtime.getRuntime().maxMemory() >> 20);
            long sqliteMs;
            try (HistoryStore s = sqlite.store(sqliteDb)) {
                s.start();
                sqliteMs = record(s, runs, cronJobs, batch);
            }
            System.out.printf(Locale.ROOT, "  SQLite recording (to fill the source): %,d ms (%,.0f runs/s)%n", sqliteMs,
                    runs * 1000.0 / sqliteMs);

            long baselineMs;
            try (HistoryStore s = pg.store(pg.freshDatabase())) {
                s.start();
                baselineMs = record(s, runs, cronJobs, batch);
            }
            System.out.printf(Locale.ROOT, "  PostgreSQL recording, the store's own (baseline): %,d ms (%,.0f runs/s)%n",
                    baselineMs, runs * 1000.0 / baselineMs);

            try (JdbcHistoryStore source = (JdbcHistoryStore) sqlite.store(sqliteDb.with("storage.migrate", "false"))) {
                source.start();
                long t0 = System.nanoTime();
                new HistoryTransfer(Clock.systemUTC()).export(source, java.io.OutputStream.nullOutputStream());
                long exportMs = (System.nanoTime() - t0) / 1_000_000;
                System.out.printf(Locale.ROOT, "  export of the SQLite store to a null stream (reading alone): %,d ms "
                        + "(%,.0f runs/s)%n", exportMs, runs * 1000.0 / exportMs);
            }
            try (JdbcHistoryStore source = (JdbcHistoryStore) sqlite.store(sqliteDb.with("storage.migrate", "false"));
                    JdbcHistoryStore target = (JdbcHistoryStore) pg.store(pg.freshDatabase())) {
                source.start();
                target.start();
                long[] peak = {0};
                Progress heap = new Progress() {
                    @Override
                    public void update(String what, long done, long total) {
                        Runtime rt = Runtime.getRuntime();
                        peak[0] = Math.max(peak[0], rt.totalMemory() - rt.freeMemory());
                    }

                    @Override
                    public void finish() {
                    }
                };
                HistoryTransfer t = new HistoryTransfer(Clock.systemUTC()).batchSize(batch).progress(heap);
                long t0 = System.nanoTime();
                Summary s = t.copy(source, target);
                long copyMs = (System.nanoTime() - t0) / 1_000_000;
                long t1 = System.nanoTime();
                HistoryTransfer.Verification v = t.verify(source, target);
                long verifyMs = (System.nanoTime() - t1) / 1_000_000;
                System.out.printf(Locale.ROOT, "  copy SQLite -> PostgreSQL (streaming, verification included): %,d ms "
                        + "(%,.0f runs/s): %s%n", copyMs, runs * 1000.0 / copyMs, s);
                System.out.printf(Locale.ROOT, "    of which the verification (counts + statistics of %,d CronJobs): "
                        + "about %,d ms (timed again separately: equal=%s)%n", v.cronJobs(), verifyMs, v.equal());
                long again;
                try (HistoryStore b = pg.store(pg.freshDatabase())) {
                    b.start();
                    again = record(b, runs, cronJobs, batch);
                }
                System.out.printf(Locale.ROOT, "  PostgreSQL recording again, after the copy (the machine's load moves): "
                        + "%,d ms (%,.0f runs/s)%n", again, runs * 1000.0 / again);
                double base = (baselineMs + again) / 2.0;
                System.out.printf(Locale.ROOT, "  copy / baseline (mean of the two recordings) = %.2fx (target <= 2x); "
                        + "without the verification = %.2fx%n", copyMs / base, (copyMs - verifyMs) / base);
                System.out.printf(Locale.ROOT, "  largest heap in use (sampled every 10,000 runs, garbage included) during "
                        + "the copy: %,d MB of a %,d MB maximum%n", peak[0] >> 20, Runtime.getRuntime().maxMemory() >> 20);
            }
        } finally {
            sqlite.dropAll();
            pg.dropAll();
        }
    }

    /** Records the runs in batches, as the engine does; returns the wall time in ms. */
    static long record(HistoryStore s, int runs, int cronJobs, int batch) {
        long epoch = s.claimEpoch(1);
        long t0 = System.nanoTime();
        List<Execution> buf = new ArrayList<>(batch);
        for (int i = 0; i < runs; i++) {
            buf.add(run(i, cronJobs));
            if (buf.size() == batch) {
                s.upsertExecutions(buf, epoch);
                buf.clear();
            }
        }
        if (!buf.isEmpty()) {
            s.upsertExecutions(buf, epoch);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** The i-th run: CronJobs in turn, a run every 30 s overall, 5 % failures with context, 10 % with details. */
    static Execution run(int i, int cronJobs) {
        CronJobRef cj = CronJobRef.of("ns-" + (i % cronJobs) % 7, "cj-" + (i % cronJobs));
        Instant created = T0.plus(Duration.ofSeconds(30L * i));
        boolean failed = i % 20 == 7;
        long ms = 200 + (i * 7919L) % 3_600_000;
        JobSnapshot job = new JobSnapshot(cj.namespace(), cj.name() + "-" + i, "uid-" + i, cj, "cj-uid-" + cj.name(),
                created, false, created, created.plusMillis(150), created.plusMillis(150 + ms),
                failed ? JobState.FAILED : JobState.SUCCEEDED, failed ? 2 : 1, failed ? "BackoffLimitExceeded" : null,
                failed ? "Job has reached the specified backoff limit" : null,
                failed ? new Termination("main", 1, "Error", null, "exit 1") : null);
        if (i % 10 != 0 && !failed) {
            return Execution.of(job);
        }
        return new Execution(job, "line 1\nline 2\nthe end of the log of run " + i, List.of("Pulled: ok",
                "Started: main"), failed ? "check the exit code" : null);
    }
}
