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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;

/**
 * Changes to the duration histogram collected during one write transaction (one entry per histogram row), applied
 * with multi-row upsert-increment statements. Keys are unique per statement, as PostgreSQL's ON CONFLICT requires.
 */
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

    /** Applies the changes with the dialect's upsert-increment statement, up to 200 histogram rows per statement. */
    void apply(DSLContext ctx, DialectSupport dialect) throws SQLException {
        List<Map.Entry<Key, long[]>> changes = new ArrayList<>();
        for (Map.Entry<Key, long[]> e : deltas.entrySet()) {
            long[] v = e.getValue();
            if (v[0] != 0 || v[1] != 0 || v[2] != 0) {
                changes.add(e);
            }
        }
        deltas.clear();
        if (changes.isEmpty()) {
            return;
        }
        Connection c = ctx.configuration().connectionProvider().acquire();
        if (!dialect.multiRowUpserts()) {
            try (PreparedStatement ps = c.prepareStatement(dialect.bucketIncrementSql(1))) {
                for (Map.Entry<Key, long[]> e : changes) {
                    bindRow(ps, 1, e.getKey(), e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return;
        }
        for (List<Map.Entry<Key, long[]>> chunk : Sql.chunks(changes, 200)) {
            try (PreparedStatement ps = c.prepareStatement(dialect.bucketIncrementSql(chunk.size()))) {
                int p = 1;
                for (Map.Entry<Key, long[]> e : chunk) {
                    p = bindRow(ps, p, e.getKey(), e.getValue());
                }
                ps.executeUpdate();
            }
        }
    }

    private static int bindRow(PreparedStatement ps, int first, Key k, long[] v) throws SQLException {
        int p = first;
        ps.setString(p++, k.namespace());
        ps.setString(p++, k.name());
        ps.setLong(p++, k.period());
        ps.setBoolean(p++, k.manual());
        ps.setInt(p++, k.bucket());
        ps.setLong(p++, v[0]);
        ps.setLong(p++, v[1]);
        ps.setLong(p++, v[2]);
        return p;
    }

    private static String values(int rows) {
        StringBuilder sb = new StringBuilder(" VALUES ");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?)");
        }
        return sb.toString();
    }

    /** {@code INSERT ... ON CONFLICT DO UPDATE} adding to the counters (PostgreSQL, SQLite). */
    static String onConflictSql(int rows) {
        String t = Buckets.NAME;
        return "INSERT INTO " + t + " (namespace, cronjob_name, start_period, manual, bucket, runs, succeeded, sum_ms)"
                + values(rows) + " ON CONFLICT (namespace, cronjob_name, start_period, manual, bucket)"
                + " DO UPDATE SET runs = " + t + ".runs + excluded.runs, succeeded = " + t + ".succeeded"
                + " + excluded.succeeded, sum_ms = " + t + ".sum_ms + excluded.sum_ms";
    }

    /** {@code INSERT ... ON DUPLICATE KEY UPDATE} adding to the counters (MySQL, MariaDB). */
    static String onDuplicateKeySql(int rows) {
        return "INSERT INTO " + Buckets.NAME + " (namespace, cronjob_name, start_period, manual, bucket, runs,"
                + " succeeded, sum_ms)" + values(rows) + " ON DUPLICATE KEY UPDATE runs = runs +"
                + " VALUES(runs), succeeded = succeeded + VALUES(succeeded), sum_ms = sum_ms + VALUES(sum_ms)";
    }
}
