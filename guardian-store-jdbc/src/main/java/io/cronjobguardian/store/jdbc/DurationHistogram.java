package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.val;
import static org.jooq.impl.DSL.when;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import io.cronjobguardian.store.jdbc.Tables.Frontier;
import io.cronjobguardian.store.jdbc.Tables.Histogram;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * The write side of the lazy, multi-level duration histogram (schema version 2); {@link Statistics} reads it.
 *
 * <p><b>What it holds.</b> For every CronJob, a <i>frontier</i> week F ({@code guardian_histogram_frontier}; 0 when
 * there is no row): every week below F is in {@code guardian_duration_histogram}, as level-0 rows (one week) and as
 * the aligned blocks of 2^L weeks (level L = 1..{@value #MAX_LEVEL}, starting at a multiple of 2^L) that lie
 * entirely below F. Weeks at and above F are not in it: statistics read those runs directly. Weeks are counted from
 * 1970-01-01 ({@link DurationBuckets#period}); runs that started before 1970 are never in the histogram.
 *
 * <p><b>Cost on the write path.</b> Recording a run of the newest week costs nothing here when the store's
 * {@link FrontierCache} knows the CronJob's frontier (no other writer committed since this store's last write),
 * else one primary-key read of the frontier per CronJob in the batch. The first run of a newer week moves the
 * frontier: the weeks it passes are added with one {@code INSERT ... SELECT ... GROUP BY} from the runs (level 0)
 * and one from the level below for each level whose blocks complete, for all the batch's CronJobs whose frontier
 * moves the same way at once. Only a run that changes below the frontier (a late finish, a correction, an import of
 * old history) updates histogram rows one by one: one upsert-increment per level. All of it runs in the caller's
 * fenced transaction, so readers see the histogram and the runs in step.
 */
final class DurationHistogram {

    /** Highest block level: blocks of 2^7 = 128 weeks (about 2.5 years). */
    static final int MAX_LEVEL = 7;

    private final DialectSupport dialect;
    private final FrontierCache cache = new FrontierCache();

    DurationHistogram(DialectSupport dialect) {
        this.dialect = dialect;
    }

    /** The start of the level-{@code level} block that holds week {@code period} (a non-negative week). */
    static long blockStart(long period, int level) {
        return period & -(1L << level);
    }

    /**
     * Aligned blocks that exactly cover the weeks {@code [from, to)} ({@code 0 <= from}), largest first where they
     * fit, as runs of same-level blocks: each element is {level, first start, last start + 2^level}. At most two
     * runs per level, whatever the length of the range.
     */
    static List<long[]> cover(long from, long to) {
        List<long[]> out = new ArrayList<>();
        long x = from;
        while (x < to) {
            int level = MAX_LEVEL;
            while (level > 0 && (blockStart(x, level) != x || x + (1L << level) > to)) {
                level--;
            }
            long size = 1L << level;
            long end = level == MAX_LEVEL ? x + (to - x) / size * size : x + size;
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[0] == level && last[2] == x) {
                last[2] = end;
            } else {
                out.add(new long[] {level, x, end});
            }
            x = end;
        }
        return out;
    }

    // ---------------------------------------------------------------- frontiers

    /** What this store knows of frontiers between its write transactions. */
    FrontierCache frontierCache() {
        return cache;
    }

    /**
     * The frontiers of these CronJobs (absent: no row, i.e. 0). In a write transaction, frontiers the
     * {@link FrontierCache} knows are not read again, and those read are remembered.
     */
    Map<CronJobRef, Long> frontiers(DSLContext ctx, Collection<CronJobRef> refs) {
        Map<CronJobRef, Long> out = new HashMap<>();
        if (refs.isEmpty()) {
            return out;
        }
        FrontierCache.Tx tx = (FrontierCache.Tx) ctx.data(FrontierCache.TX_KEY);
        Set<CronJobRef> missing = new LinkedHashSet<>(refs);
        if (tx != null) {
            Map<CronJobRef, Long> known = tx.known(missing);
            known.forEach((ref, f) -> {
                if (f != FrontierCache.NO_ROW) {
                    out.put(ref, f);
                }
            });
            missing.removeAll(known.keySet());
        }
        List<CronJobRef> list = new ArrayList<>(missing);
        for (List<CronJobRef> chunk : Sql.chunks(list, Math.min(dialect.maxRefsPerStatement(), 1_000))) {
            Condition c = chunk.size() == 1
                    ? Frontier.NAMESPACE.eq(chunk.get(0).namespace()).and(Frontier.CRONJOB_NAME.eq(chunk.get(0).name()))
                    : dialect.refsIn(Frontier.NAMESPACE, Frontier.CRONJOB_NAME, chunk);
            for (Record r : ctx.select(Frontier.NAMESPACE, Frontier.CRONJOB_NAME, Frontier.MATERIALIZED_TO)
                    .from(Frontier.T).where(c).fetch()) {
                CronJobRef ref = CronJobRef.of(r.get(0, String.class), r.get(1, String.class));
                if (missing.contains(ref)) { // the condition may match more
                    out.put(ref, r.get(2, Long.class));
                }
            }
        }
        if (tx != null) {
            for (CronJobRef ref : list) {
                Long f = out.get(ref);
                tx.saw(ref, f == null ? FrontierCache.NO_ROW : f);
            }
        }
        return out;
    }

    /** One CronJob's frontier (0 without a row). */
    long frontier(DSLContext ctx, CronJobRef ref) {
        Long f = ctx.select(Frontier.MATERIALIZED_TO).from(Frontier.T)
                .where(Frontier.NAMESPACE.eq(ref.namespace())).and(Frontier.CRONJOB_NAME.eq(ref.name()))
                .fetchOne(Frontier.MATERIALIZED_TO);
        return f == null ? 0 : f;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Keeps the histogram in step after executions were written in this transaction: {@code replaced} are the
     * stored values that changed, {@code written} their new values and the new executions. Changes below a
     * CronJob's frontier are applied as increments; then each CronJob's frontier moves up to the week of its newest
     * written run, adding the weeks it passes from the runs just written.
     */
    void afterUpsert(DSLContext ctx, Collection<Execution> replaced, Collection<Execution> written)
            throws SQLException {
        Map<CronJobRef, Long> newest = new LinkedHashMap<>();
        for (Execution e : written) {
            newest.merge(e.cronJob(), DurationBuckets.period(e.startedAt().toEpochMilli()), Math::max);
        }
        Set<CronJobRef> refs = new LinkedHashSet<>(newest.keySet());
        replaced.forEach(e -> refs.add(e.cronJob()));
        Map<CronJobRef, Long> frontiers = frontiers(ctx, refs);

        Deltas deltas = new Deltas();
        for (Execution e : replaced) {
            deltas.add(e, -1, frontiers.getOrDefault(e.cronJob(), 0L), Long.MIN_VALUE);
        }
        for (Execution e : written) {
            deltas.add(e, 1, frontiers.getOrDefault(e.cronJob(), 0L), Long.MIN_VALUE);
        }
        deltas.apply(ctx, dialect);

        // CronJobs whose frontier moves the same way (typically: all new ones, or all entering the same week) move
        // together, a few statements per group rather than per CronJob
        Map<List<Long>, List<CronJobRef>> moves = new LinkedHashMap<>();
        for (Map.Entry<CronJobRef, Long> n : newest.entrySet()) {
            Long current = frontiers.get(n.getKey());
            long from = current == null ? 0 : current;
            if (n.getValue() > from) {
                moves.computeIfAbsent(List.of(from, n.getValue(), current != null ? 1L : 0L), k -> new ArrayList<>())
                        .add(n.getKey());
            }
        }
        int perStatement = Math.min(dialect.maxRefsPerStatement(), 500);
        for (Map.Entry<List<Long>, List<CronJobRef>> m : moves.entrySet()) {
            for (List<CronJobRef> group : Sql.chunks(m.getValue(), perStatement)) {
                advance(ctx, group, m.getKey().get(0), m.getKey().get(1), m.getKey().get(2) == 1L);
            }
        }
    }

    /**
     * Adds the weeks {@code [from, to)} of these CronJobs (level 0 from their runs, level L from level L - 1 for
     * every block that completes below {@code to}) and sets their frontiers to {@code to}; {@code hasRow}: whether
     * they have frontier rows (all of them, or none).
     */
    private void advance(DSLContext ctx, List<CronJobRef> refs, long from, long to, boolean hasRow) {
        long w = DurationBuckets.PERIOD_MS;
        int weekRows = ctx.insertInto(Histogram.T, Histogram.ALL)
                .select(select(Executions.NAMESPACE, Executions.CRONJOB_NAME, inline(0), Executions.START_PERIOD,
                        Executions.MANUAL, Executions.DURATION_BUCKET, count().cast(SQLDataType.BIGINT),
                        sum(when(Executions.STATE.eq(inline(JobState.SUCCEEDED.name())), inline(1L))
                                .otherwise(inline(0L))).cast(SQLDataType.BIGINT),
                        sum(Executions.DURATION_MS).cast(SQLDataType.BIGINT))
                        .from(Executions.T)
                        .where(exactly(Executions.NAMESPACE, Executions.CRONJOB_NAME, refs))
                        .and(Executions.EFFECTIVE_START.ge(val(from * w))).and(Executions.EFFECTIVE_START.lt(val(to * w)))
                        .and(Executions.DURATION_MS.isNotNull())
                        .groupBy(Executions.NAMESPACE, Executions.CRONJOB_NAME, Executions.START_PERIOD,
                                Executions.MANUAL, Executions.DURATION_BUCKET))
                .execute();
        // CronJobs seen for the first time with no finished run before this week (the common case): no blocks
        for (int level = 1; level <= MAX_LEVEL && (hasRow || weekRows > 0); level++) {
            long size = 1L << level;
            // blocks [s, s + size) with from < s + size <= to
            long first = Math.max(0, blockStart(from, level));
            long last = to - size; // the last block's start is at most this
            if (last < 0 || blockStart(last, level) < first) {
                continue;
            }
            long end = blockStart(last, level) + size;
            Field<Long> block = Histogram.START_PERIOD.minus(Histogram.START_PERIOD.mod(inline(size)));
            ctx.insertInto(Histogram.T, Histogram.ALL)
                    .select(select(Histogram.NAMESPACE, Histogram.CRONJOB_NAME, inline(level), block,
                            Histogram.MANUAL, Histogram.BUCKET, sum(Histogram.RUNS).cast(SQLDataType.BIGINT),
                            sum(Histogram.SUCCEEDED).cast(SQLDataType.BIGINT),
                            sum(Histogram.SUM_MS).cast(SQLDataType.BIGINT))
                            .from(Histogram.T)
                            .where(exactly(Histogram.NAMESPACE, Histogram.CRONJOB_NAME, refs))
                            .and(Histogram.LEVEL.eq(inline(level - 1)))
                            .and(Histogram.START_PERIOD.ge(val(first))).and(Histogram.START_PERIOD.lt(val(end)))
                            .and(Histogram.RUNS.gt(inline(0L)))
                            .groupBy(Histogram.NAMESPACE, Histogram.CRONJOB_NAME, block, Histogram.MANUAL,
                                    Histogram.BUCKET))
                    .execute();
        }
        if (hasRow) {
            ctx.update(Frontier.T).set(Frontier.MATERIALIZED_TO, val(to))
                    .where(exactly(Frontier.NAMESPACE, Frontier.CRONJOB_NAME, refs))
                    .execute();
        } else {
            var insert = ctx.insertInto(Frontier.T, Frontier.NAMESPACE, Frontier.CRONJOB_NAME,
                    Frontier.MATERIALIZED_TO);
            for (CronJobRef ref : refs) {
                insert = insert.values(ref.namespace(), ref.name(), to);
            }
            insert.execute();
        }
        for (CronJobRef ref : refs) {
            saw(ctx, ref, to);
        }
    }

    /** Exactly these CronJobs' rows. */
    private Condition exactly(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        return refs.size() == 1
                ? namespace.eq(refs.get(0).namespace()).and(name.eq(refs.get(0).name()))
                : dialect.refsExactly(namespace, name, refs);
    }

    /**
     * Takes out of the histogram the executions matching {@code rows}, before they are deleted in the same
     * transaction. With a {@code cutoffPeriod} (retention: every matching run started before it or in it), blocks
     * that lie entirely below that week are dropped instead, and only runs of blocks reaching into it are counted.
     */
    void beforeDelete(DSLContext ctx, Condition rows, @Nullable CronJobRef cronJob, long cutoffPeriod)
            throws SQLException {
        beforeDelete(ctx, rows, cronJob == null ? null : List.of(cronJob), cutoffPeriod);
    }

    /**
     * As {@link #beforeDelete(DSLContext, Condition, CronJobRef, long)} for the rows of several CronJobs
     * ({@code null}: of every CronJob).
     */
    void beforeDelete(DSLContext ctx, Condition rows, @Nullable List<CronJobRef> cronJobs, long cutoffPeriod)
            throws SQLException {
        CronJobRef cronJob = cronJobs != null && cronJobs.size() == 1 ? cronJobs.get(0) : null;
        boolean retention = cutoffPeriod != Long.MIN_VALUE;
        long w = DurationBuckets.PERIOD_MS;
        Condition counted = rows.and(Executions.DURATION_MS.isNotNull()).and(Executions.EFFECTIVE_START.ge(0L));
        if (retention) {
            if (cutoffPeriod <= 0) {
                return; // nothing below the cutoff is in the histogram
            }
            // only blocks that reach into the cutoff's week stay: the runs of the largest such block and later
            counted = counted.and(Executions.EFFECTIVE_START.ge(blockStart(cutoffPeriod, MAX_LEVEL) * w));
            if (cronJob != null) { // one primary-key range per level
                for (int level = 0; level <= MAX_LEVEL; level++) {
                    ctx.deleteFrom(Histogram.T).where(Histogram.NAMESPACE.eq(cronJob.namespace()))
                            .and(Histogram.CRONJOB_NAME.eq(cronJob.name())).and(Histogram.LEVEL.eq(inline(level)))
                            .and(Histogram.START_PERIOD.le(cutoffPeriod - (1L << level))).execute();
                }
            } else {
                List<Condition> below = new ArrayList<>();
                for (int level = 0; level <= MAX_LEVEL; level++) {
                    below.add(Histogram.LEVEL.eq(inline(level))
                            .and(Histogram.START_PERIOD.le(cutoffPeriod - (1L << level))));
                }
                Condition which = DSL.or(below);
                if (cronJobs != null) {   // several: only theirs
                    List<Condition> theirs = new ArrayList<>(cronJobs.size());
                    for (CronJobRef ref : cronJobs) {
                        theirs.add(Histogram.NAMESPACE.eq(ref.namespace()).and(Histogram.CRONJOB_NAME.eq(ref.name())));
                    }
                    which = DSL.or(theirs).and(which);
                }
                ctx.deleteFrom(Histogram.T).where(which).execute();
            }
        }
        var groups = ctx.select(Executions.NAMESPACE, Executions.CRONJOB_NAME, Executions.START_PERIOD,
                Executions.MANUAL, Executions.DURATION_BUCKET, count(),
                sum(when(Executions.STATE.eq(inline(JobState.SUCCEEDED.name())), inline(1)).otherwise(inline(0))),
                sum(Executions.DURATION_MS))
                .from(Executions.T)
                .where(counted)
                .groupBy(Executions.NAMESPACE, Executions.CRONJOB_NAME, Executions.START_PERIOD, Executions.MANUAL,
                        Executions.DURATION_BUCKET)
                .fetch();
        if (groups.isEmpty()) {
            return;
        }
        Set<CronJobRef> refs = new LinkedHashSet<>();
        for (Record r : groups) {
            refs.add(CronJobRef.of(r.get(0, String.class), r.get(1, String.class)));
        }
        Map<CronJobRef, Long> frontiers = frontiers(ctx, refs);
        Deltas deltas = new Deltas();
        for (Record r : groups) {
            CronJobRef ref = CronJobRef.of(r.get(0, String.class), r.get(1, String.class));
            deltas.add(ref, r.get(2, Long.class), Boolean.TRUE.equals(r.get(3, Boolean.class)),
                    r.get(4, Integer.class), -r.get(5, Long.class), -r.get(6, Long.class), -r.get(7, Long.class),
                    frontiers.getOrDefault(ref, 0L), retention ? cutoffPeriod : Long.MIN_VALUE);
        }
        deltas.apply(ctx, dialect);
    }

    /** Forgets a CronJob's histogram and frontier (all its executions are being deleted). */
    void forget(DSLContext ctx, CronJobRef ref) {
        ctx.deleteFrom(Histogram.T).where(Histogram.NAMESPACE.eq(ref.namespace()))
                .and(Histogram.CRONJOB_NAME.eq(ref.name())).execute();
        ctx.deleteFrom(Frontier.T).where(Frontier.NAMESPACE.eq(ref.namespace()))
                .and(Frontier.CRONJOB_NAME.eq(ref.name())).execute();
        saw(ctx, ref, FrontierCache.NO_ROW);
    }

    private static void saw(DSLContext ctx, CronJobRef ref, long frontier) {
        FrontierCache.Tx tx = (FrontierCache.Tx) ctx.data(FrontierCache.TX_KEY);
        if (tx != null) {
            tx.saw(ref, frontier);
        }
    }

    // ---------------------------------------------------------------- increments

    /** Increments collected in one transaction, one entry per histogram row, applied as upsert-increments. */
    private static final class Deltas {

        private record Key(String namespace, String name, int level, long start, boolean manual, int bucket) {
        }

        private final Map<Key, long[]> deltas = new LinkedHashMap<>();

        /** A finished execution counted ({@code sign} 1) or taken out ({@code -1}) below the frontier. */
        void add(Execution e, int sign, long frontier, long dropBelow) {
            Duration d = e.duration();
            if (d == null) {
                return;
            }
            long ms = d.toMillis();
            add(e.cronJob(), DurationBuckets.period(e.startedAt().toEpochMilli()), e.job().manual(),
                    DurationBuckets.bucket(ms), sign, sign * (e.state() == JobState.SUCCEEDED ? 1L : 0L), sign * ms,
                    frontier, dropBelow);
        }

        /**
         * Adds to every existing block that holds the week: those entirely below the frontier, except those entirely
         * below {@code dropBelow} (being dropped).
         */
        void add(CronJobRef ref, long period, boolean manual, int bucket, long runs, long succeeded, long sumMs,
                long frontier, long dropBelow) {
            if (period < 0 || period >= frontier) {
                return;
            }
            for (int level = 0; level <= MAX_LEVEL; level++) {
                long start = blockStart(period, level);
                long end = start + (1L << level);
                if (end > frontier) {
                    break; // this block and the larger ones are not complete yet
                }
                if (end <= dropBelow) {
                    continue;
                }
                long[] v = deltas.computeIfAbsent(new Key(ref.namespace(), ref.name(), level, start, manual, bucket),
                        k -> new long[3]);
                v[0] += runs;
                v[1] += succeeded;
                v[2] += sumMs;
            }
        }

        /** Applies the changes with the dialect's upsert-increment, up to 200 histogram rows per statement. */
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
                try (PreparedStatement ps = c.prepareStatement(dialect.histogramIncrementSql(1))) {
                    for (Map.Entry<Key, long[]> e : changes) {
                        bindRow(ps, 1, e.getKey(), e.getValue());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                return;
            }
            for (List<Map.Entry<Key, long[]>> chunk : Sql.chunks(changes, 200)) {
                try (PreparedStatement ps = c.prepareStatement(dialect.histogramIncrementSql(chunk.size()))) {
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
            ps.setInt(p++, k.level());
            ps.setLong(p++, k.start());
            ps.setBoolean(p++, k.manual());
            ps.setInt(p++, k.bucket());
            ps.setLong(p++, v[0]);
            ps.setLong(p++, v[1]);
            ps.setLong(p++, v[2]);
            return p;
        }
    }

    private static String values(int rows) {
        StringBuilder sb = new StringBuilder(" VALUES ");
        for (int i = 0; i < rows; i++) {
            sb.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?, ?)");
        }
        return sb.toString();
    }

    private static final String COLUMNS = " (namespace, cronjob_name, block_level, start_period, manual, bucket, runs,"
            + " succeeded, sum_ms)";

    /** {@code INSERT ... ON CONFLICT DO UPDATE} adding to the counters (PostgreSQL, SQLite). */
    static String onConflictSql(int rows) {
        String t = Histogram.NAME;
        return "INSERT INTO " + t + COLUMNS + values(rows)
                + " ON CONFLICT (namespace, cronjob_name, block_level, start_period, manual, bucket)"
                + " DO UPDATE SET runs = " + t + ".runs + excluded.runs, succeeded = " + t + ".succeeded"
                + " + excluded.succeeded, sum_ms = " + t + ".sum_ms + excluded.sum_ms";
    }

    /** {@code INSERT ... ON DUPLICATE KEY UPDATE} adding to the counters (MySQL, MariaDB). */
    static String onDuplicateKeySql(int rows) {
        return "INSERT INTO " + Histogram.NAME + COLUMNS + values(rows) + " ON DUPLICATE KEY UPDATE runs = runs +"
                + " VALUES(runs), succeeded = succeeded + VALUES(succeeded), sum_ms = sum_ms + VALUES(sum_ms)";
    }
}
