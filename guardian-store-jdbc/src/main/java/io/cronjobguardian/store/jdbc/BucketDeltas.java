package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.when;

import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.store.jdbc.Tables.Buckets;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/** Changes to the duration histogram collected during one write transaction, applied as one JDBC batch. */
final class BucketDeltas {

    private record Key(String namespace, String name, long period, boolean manual, int bucket) {
    }

    private final Map<Key, long[]> deltas = new LinkedHashMap<>();

    /** Adds ({@code sign} = 1) or removes ({@code -1}) the contribution of a finished execution. */
    void add(Execution e, int sign) {
        Duration d = e.duration();
        if (d == null) {
            return;
        }
        long ms = d.toMillis();
        add(new Key(e.job().namespace(), e.cronJob().name(),
                DurationBuckets.period(e.startedAt().toEpochMilli()), e.job().manual(), DurationBuckets.bucket(ms)),
                sign, sign * (e.state() == JobState.SUCCEEDED ? 1L : 0L), sign * ms);
    }

    private void add(Key k, long runs, long succeeded, long sumMs) {
        long[] v = deltas.computeIfAbsent(k, x -> new long[3]);
        v[0] += runs;
        v[1] += succeeded;
        v[2] += sumMs;
    }

    /** Removes the contributions of the stored executions that match {@code where} (before they are deleted). */
    void subtractStored(DSLContext ctx, Condition where) {
        for (Record r : ctx.select(Executions.NAMESPACE, Executions.CRONJOB_NAME, Executions.START_PERIOD,
                Executions.MANUAL, Executions.DURATION_BUCKET, count(),
                sum(when(Executions.STATE.eq(inline(JobState.SUCCEEDED.name())), inline(1)).otherwise(inline(0))),
                sum(Executions.DURATION_MS))
                .from(Executions.T)
                .where(where.and(Executions.DURATION_MS.isNotNull()))
                .groupBy(Executions.NAMESPACE, Executions.CRONJOB_NAME, Executions.START_PERIOD, Executions.MANUAL,
                        Executions.DURATION_BUCKET)
                .fetch()) {
            add(new Key(r.get(0, String.class), r.get(1, String.class), r.get(2, Long.class),
                    Boolean.TRUE.equals(r.get(3, Boolean.class)), r.get(4, Integer.class)),
                    -r.get(5, Long.class), -r.get(6, Long.class), -r.get(7, Long.class));
        }
    }

    /** Applies the changes with the dialect's upsert-increment statement. */
    void apply(DSLContext ctx, DialectSupport dialect) throws SQLException {
        if (deltas.isEmpty()) {
            return;
        }
        Connection c = ctx.configuration().connectionProvider().acquire();
        try (PreparedStatement ps = c.prepareStatement(dialect.bucketIncrementSql())) {
            int n = 0;
            for (Map.Entry<Key, long[]> e : deltas.entrySet()) {
                long[] v = e.getValue();
                if (v[0] == 0 && v[1] == 0 && v[2] == 0) {
                    continue;
                }
                Key k = e.getKey();
                ps.setString(1, k.namespace());
                ps.setString(2, k.name());
                ps.setLong(3, k.period());
                ps.setBoolean(4, k.manual());
                ps.setInt(5, k.bucket());
                ps.setLong(6, v[0]);
                ps.setLong(7, v[1]);
                ps.setLong(8, v[2]);
                ps.addBatch();
                if (++n % 1_000 == 0) {
                    ps.executeBatch();
                }
            }
            if (n % 1_000 != 0) {
                ps.executeBatch();
            }
        }
        deltas.clear();
    }

    /** {@code INSERT ... ON CONFLICT DO UPDATE} adding to the counters (PostgreSQL, SQLite). */
    static String onConflictSql() {
        String t = Buckets.NAME;
        return "INSERT INTO " + t + " (namespace, cronjob_name, start_period, manual, bucket, runs, succeeded, sum_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (namespace, cronjob_name, start_period, manual, bucket)"
                + " DO UPDATE SET runs = " + t + ".runs + excluded.runs, succeeded = " + t + ".succeeded"
                + " + excluded.succeeded, sum_ms = " + t + ".sum_ms + excluded.sum_ms";
    }

    /** {@code INSERT ... ON DUPLICATE KEY UPDATE} adding to the counters (MySQL, MariaDB). */
    static String onDuplicateKeySql() {
        return "INSERT INTO " + Buckets.NAME + " (namespace, cronjob_name, start_period, manual, bucket, runs,"
                + " succeeded, sum_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE runs = runs +"
                + " VALUES(runs), succeeded = succeeded + VALUES(succeeded), sum_ms = sum_ms + VALUES(sum_ms)";
    }
}
