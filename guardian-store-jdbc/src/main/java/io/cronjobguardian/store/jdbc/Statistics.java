package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.max;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.partitionBy;
import static org.jooq.impl.DSL.percentileCont;
import static org.jooq.impl.DSL.rowNumber;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.sum;
import static org.jooq.impl.DSL.when;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.store.jdbc.DialectSupport.PercentileStrategy;
import io.cronjobguardian.store.jdbc.Tables.Histogram;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record4;
import org.jooq.Record5;
import org.jooq.SelectField;
import org.jooq.Table;
import org.jooq.impl.DSL;
import org.jooq.impl.SQLDataType;

/**
 * Execution statistics computed in the database: counts, sum and maximum of durations, and the p50/p95/p99 of
 * {@link ExecutionStats} (linear interpolation between closest ranks) with the dialect's
 * {@link PercentileStrategy}. Only a handful of numbers per CronJob leave the database.
 *
 * <p>The mean is the exact integer sum divided by the count, and the rank emulation returns the two neighbouring
 * values that are interpolated here, in double arithmetic, exactly as the definition reads; the native functions
 * (PostgreSQL, MariaDB, SQLite) perform the same interpolation in the database.
 */
final class Statistics {

    /** The fractions always computed (P50, P95, P99 of {@link ExecutionStats}); a query may ask for more. */
    static final double[] FRACTIONS = {0.5, 0.95, 0.99};

    private static final String SUCCEEDED = JobState.SUCCEEDED.name();
    private static final String FAILED = JobState.FAILED.name();

    private final DialectSupport dialect;
    private final PercentileStrategy strategy;
    private final DurationHistogram histogram;

    Statistics(DialectSupport dialect, PercentileStrategy strategy) {
        this.dialect = dialect;
        this.strategy = strategy;
        this.histogram = new DurationHistogram(dialect);
    }

    PercentileStrategy strategy() {
        return strategy;
    }

    /** The duration histogram these statistics read (the store writes through the same object). */
    DurationHistogram histogram() {
        return histogram;
    }

    /**
     * Statistics of one CronJob. A window that holds at least one whole histogram week is answered from the
     * histogram (two short statements, see {@link DurationBuckets}); a shorter one by one statement over its rows.
     */
    ExecutionStats one(DSLContext ctx, CronJobRef ref, StatsQuery window) {
        long from = window.from().toEpochMilli();
        long to = window.to().toEpochMilli();
        long firstWhole = Math.max(0, -Math.floorDiv(-from, DurationBuckets.PERIOD_MS)); // ceil
        long endWhole = Math.floorDiv(to, DurationBuckets.PERIOD_MS);
        if (endWhole > firstWhole && !window.successfulOnly()) { // the histogram counts runs of both outcomes
            // only weeks below the CronJob's frontier are in the histogram; later ones are read from the runs
            endWhole = Math.min(endWhole, histogram.frontier(ctx, ref));
            if (endWhole > firstWhole) {
                return fromHistogram(ctx, ref, window, firstWhole, endWhole);
            }
        }
        if (dialect.singleStatsByBuckets()) { // no histogram weeks: bucket counts of the window's rows, then ranks
            return fromHistogram(ctx, ref, window, firstWhole, firstWhole);
        }
        return direct(ctx, ref, window);
    }

    /** One statement over the window's rows, percentiles by the dialect's strategy. */
    ExecutionStats direct(DSLContext ctx, CronJobRef ref, StatsQuery window) {
        Condition refCond = Executions.NAMESPACE.eq(ref.namespace()).and(Executions.CRONJOB_NAME.eq(ref.name()));
        List<SelectField<?>> fields = new ArrayList<>();
        fields.add(lastFinished(ref, SUCCEEDED).as("last_ok"));
        fields.add(lastFinished(ref, FAILED).as("last_fail"));
        Source src = source(refCond, window);
        fields.addAll(src.aggregates);
        Record r = ctx.select(fields).from(src.from).where(src.where).fetchOne();
        return toStats(ref, window, Sql.instant(toLong(r.get(0))), Sql.instant(toLong(r.get(1))), r, 2);
    }

    /** Statistics of many CronJobs, one statement per {@link DialectSupport#maxRefsPerStatement()} of them. */
    Map<CronJobRef, ExecutionStats> many(DSLContext ctx, List<CronJobRef> refs, StatsQuery window) {
        Map<CronJobRef, ExecutionStats> out = new HashMap<>();
        java.util.Set<CronJobRef> wanted = new java.util.HashSet<>(refs);
        for (List<CronJobRef> chunk : Sql.chunks(refs, dialect.maxRefsPerStatement())) {
            // one statement, two kinds of rows (UNION ALL, no join): the window's aggregates per CronJob (kind 0)
            // and the last success/failure over all history per CronJob (kind 1)
            Source src = source(dialect.refsIn(Executions.NAMESPACE, Executions.CRONJOB_NAME, chunk), window);
            List<SelectField<?>> aggFields = new ArrayList<>();
            aggFields.add(inline(0).as("kind"));
            aggFields.add(src.ns.as("ns"));
            aggFields.add(src.nm.as("nm"));
            aggFields.addAll(src.aggregates);
            var agg = select(aggFields).from(src.from).where(src.where).groupBy(src.ns, src.nm);

            List<SelectField<?>> ltFields = new ArrayList<>();
            ltFields.add(inline(1).as("kind"));
            ltFields.add(Executions.NAMESPACE.as("ns"));
            ltFields.add(Executions.CRONJOB_NAME.as("nm"));
            for (int k = 0; k < src.aggregates.size(); k++) {
                Field<?> f = src.aggregates.get(k);
                if (k == 0) {
                    ltFields.add(max(when(Executions.STATE.eq(inline(SUCCEEDED)), Executions.FINISHED_AT))
                            .coerce(f.getDataType()).as(f.getName()));
                } else if (k == 1) {
                    ltFields.add(max(when(Executions.STATE.eq(inline(FAILED)), Executions.FINISHED_AT))
                            .coerce(f.getDataType()).as(f.getName()));
                } else {
                    ltFields.add(DSL.castNull(f.getDataType()).as(f.getName()));
                }
            }
            var lt = select(ltFields).from(Executions.T)
                    .where(dialect.refsIn(Executions.NAMESPACE, Executions.CRONJOB_NAME, chunk))
                    .and(Executions.FINISHED_AT.isNotNull())
                    .groupBy(Executions.NAMESPACE, Executions.CRONJOB_NAME);

            Map<CronJobRef, Record> aggregates = new HashMap<>();
            Map<CronJobRef, Long[]> lasts = new HashMap<>();
            for (Record r : ctx.fetch(agg.unionAll(lt))) {
                CronJobRef ref = CronJobRef.of(r.get(1, String.class), r.get(2, String.class));
                if (!wanted.contains(ref)) { // the dialect's condition may match more CronJobs than asked for
                    continue;
                }
                if (r.get(0, Integer.class) == 0) {
                    aggregates.put(ref, r);
                } else {
                    lasts.put(ref, new Long[] {toLong(r.get(3)), toLong(r.get(4))});
                }
            }
            for (Map.Entry<CronJobRef, Long[]> e : lasts.entrySet()) {
                out.put(e.getKey(), toStats(e.getKey(), window, Sql.instant(e.getValue()[0]),
                        Sql.instant(e.getValue()[1]), aggregates.get(e.getKey()), 3));
            }
        }
        for (CronJobRef ref : refs) {
            out.computeIfAbsent(ref, k -> ExecutionStats.empty(k, window, null, null));
        }
        return out;
    }

    // ---------------------------------------------------------------- from the histogram

    /**
     * Counts per duration bucket = histogram of the whole weeks [firstWhole, endWhole) + the window's rows outside
     * them; then, for each rank wanted (the two neighbours of every percentile, and the last for the maximum), the
     * rows of its bucket in duration order at the rank's offset within the bucket. Exact, like a full sort.
     */
    private ExecutionStats fromHistogram(DSLContext ctx, CronJobRef ref, StatsQuery w, long firstWhole,
            long endWhole) {
        long from = w.from().toEpochMilli();
        long to = w.to().toEpochMilli();
        long wholeFrom = firstWhole * DurationBuckets.PERIOD_MS;
        long wholeTo = endWhole * DurationBuckets.PERIOD_MS;

        // the whole weeks: a few aligned blocks of the histogram (at most two runs of blocks per level), each run
        // its own primary-key range, so that no planner (with or without statistics) scans the CronJob's histogram
        org.jooq.Select<Record4<Integer, Long, Long, Long>> blocks = null;
        for (long[] b : DurationHistogram.cover(firstWhole, endWhole)) {
            Condition c = Histogram.NAMESPACE.eq(ref.namespace()).and(Histogram.CRONJOB_NAME.eq(ref.name()))
                    .and(Histogram.LEVEL.eq(inline((int) b[0])))
                    .and(b[2] - b[1] == 1L << b[0] ? Histogram.START_PERIOD.eq(b[1])
                            : Histogram.START_PERIOD.ge(b[1]).and(Histogram.START_PERIOD.lt(b[2])));
            if (!w.includeManual()) {
                c = c.and(Histogram.MANUAL.isFalse());
            }
            var arm = select(Histogram.BUCKET.as("hb"), Histogram.RUNS.as("hn"), Histogram.SUCCEEDED.as("hs"),
                    Histogram.SUM_MS.as("hd")).from(Histogram.T).where(c);
            blocks = blocks == null ? arm : blocks.unionAll(arm);
        }
        if (blocks == null) { // no whole weeks in the histogram: an empty arm
            blocks = select(Histogram.BUCKET.as("hb"), Histogram.RUNS.as("hn"), Histogram.SUCCEEDED.as("hs"),
                    Histogram.SUM_MS.as("hd")).from(Histogram.T).where(DSL.falseCondition());
        }
        Table<?> hist = blocks.asTable("h");
        Field<Integer> hb = field(name("h", "hb"), Integer.class);
        Condition runs = cronJob(ref).and(Executions.DURATION_MS.isNotNull());
        if (!w.includeManual()) {
            runs = runs.and(Executions.MANUAL.isFalse());
        }
        if (w.successfulOnly()) { // then the caller asked for no whole weeks: every row is an edge row
            runs = runs.and(successfulOnly());
        }
        var histogram = select(inline(0).as("kind"), hb.as("b"),
                sum(field(name("h", "hn"), Long.class)).cast(SQLDataType.BIGINT).as("n"),
                sum(field(name("h", "hs"), Long.class)).cast(SQLDataType.BIGINT).as("s"),
                sum(field(name("h", "hd"), Long.class)).cast(SQLDataType.BIGINT).as("d"))
                .from(hist).where(field(name("h", "hn"), Long.class).gt(0L)).groupBy(hb);
        // the runs before and after the whole weeks: two index ranges (one OR'ed range would scan the whole window)
        var edgeRows = edge(runs, from, Math.min(to, wholeFrom)).unionAll(edge(runs, Math.max(from, wholeTo), to));
        var lasts = select(inline(1).as("kind"), DSL.castNull(SQLDataType.INTEGER).as("b"),
                lastFinished(ref, SUCCEEDED).as("n"), lastFinished(ref, FAILED).as("s"),
                DSL.castNull(SQLDataType.BIGINT).as("d"));

        java.util.TreeMap<Integer, long[]> buckets = new java.util.TreeMap<>();
        Long lastOk = null;
        Long lastFail = null;
        for (Record r : ctx.fetch(histogram.unionAll(edgeRows).unionAll(lasts))) {
            if (r.get(0, Integer.class) == 1) {
                lastOk = r.get(2, Long.class);
                lastFail = r.get(3, Long.class);
                continue;
            }
            long[] v = buckets.computeIfAbsent(r.get(1, Integer.class), k -> new long[3]);
            v[0] += r.get(2, Long.class);
            v[1] += r.get(3, Long.class);
            v[2] += r.get(4, Long.class);
        }
        long n = 0;
        long succeeded = 0;
        long sum = 0;
        for (long[] v : buckets.values()) {
            n += v[0];
            succeeded += v[1];
            sum += v[2];
        }
        if (n == 0) {
            return ExecutionStats.empty(ref, w, Sql.instant(lastOk), Sql.instant(lastFail));
        }

        // ranks wanted -> (bucket, offset in bucket)
        double[] fractions = w.fractions();
        java.util.TreeSet<Long> ranks = new java.util.TreeSet<>();
        for (double p : fractions) {
            double h = p * (n - 1);
            ranks.add((long) Math.floor(h));
            ranks.add((long) Math.ceil(h));
        }
        ranks.add(n - 1);
        Map<Integer, long[]> slices = new java.util.LinkedHashMap<>(); // bucket -> {first offset, last offset}
        Map<Long, long[]> rankAt = new HashMap<>(); // rank -> {bucket, offset}
        long before = 0;
        for (Map.Entry<Integer, long[]> b : buckets.entrySet()) {
            long size = b.getValue()[0];
            for (long r : ranks.subSet(before, true, before + size, false)) {
                long offset = r - before;
                rankAt.put(r, new long[] {b.getKey(), offset});
                long[] slice = slices.computeIfAbsent(b.getKey(), k -> new long[] {offset, offset});
                slice[0] = Math.min(slice[0], offset);
                slice[1] = Math.max(slice[1], offset);
            }
            before += size;
        }

        Condition window = cronJob(ref).and(Executions.DURATION_MS.isNotNull())
                .and(Executions.EFFECTIVE_START.ge(from)).and(Executions.EFFECTIVE_START.lt(to));
        if (!w.includeManual()) {
            window = window.and(Executions.MANUAL.isFalse());
        }
        if (w.successfulOnly()) {
            window = window.and(successfulOnly());
        }
        org.jooq.Select<Record> refine = null;
        int i = 0;
        for (Map.Entry<Integer, long[]> slice : slices.entrySet()) {
            String alias = "x" + i++;
            Table<?> rows = select(Executions.DURATION_MS.as("d")).from(dialect.bucketRankSource())
                    .where(window.and(Executions.DURATION_BUCKET.eq(slice.getKey())))
                    .orderBy(Executions.DURATION_MS)
                    .limit(slice.getValue()[1] - slice.getValue()[0] + 1).offset(slice.getValue()[0])
                    .asTable(alias);
            var part = DSL.select(List.of(inline(slice.getKey()).as("b"), field(name(alias, "d"), Long.class)))
                    .from(rows);
            refine = refine == null ? part : refine.unionAll(part);
        }
        Map<Integer, List<Long>> values = new HashMap<>();
        for (Record r : ctx.fetch(refine)) {
            values.computeIfAbsent(r.get(0, Integer.class), k -> new ArrayList<>()).add(r.get(1, Long.class));
        }
        values.values().forEach(java.util.Collections::sort);
        java.util.function.LongUnaryOperator valueAt = r -> {
            long[] at = rankAt.get(r);
            List<Long> v = values.get((int) at[0]);
            int index = (int) (at[1] - slices.get((int) at[0])[0]);
            if (v == null || index >= v.size()) {
                throw new IllegalStateException("the duration histogram of " + ref + " disagrees with its runs "
                        + "(bucket " + at[0] + ")");
            }
            return v.get(index);
        };
        double[] pct = new double[fractions.length];
        for (int k = 0; k < fractions.length; k++) {
            double h = fractions[k] * (n - 1);
            pct[k] = interpolate(valueAt.applyAsLong((long) Math.floor(h)), valueAt.applyAsLong((long) Math.ceil(h)),
                    fractions[k], n);
        }
        return stats(ref, w, n, succeeded, (double) sum / n, fractions, pct, valueAt.applyAsLong(n - 1),
                Sql.instant(lastOk), Sql.instant(lastFail));
    }

    /** Bucket counts of the runs that started in {@code [from, to)} (no rows when the range is empty). */
    private static org.jooq.SelectHavingStep<Record5<Integer, Integer, Long, Long, Long>> edge(Condition rows,
            long from, long to) {
        Condition range = from < to ? Executions.EFFECTIVE_START.ge(from).and(Executions.EFFECTIVE_START.lt(to))
                : DSL.falseCondition();
        return select(inline(0).as("kind"), Executions.DURATION_BUCKET.as("b"),
                count().cast(SQLDataType.BIGINT).as("n"),
                sum(when(Executions.STATE.eq(inline(SUCCEEDED)), inline(1)).otherwise(inline(0)))
                        .cast(SQLDataType.BIGINT).as("s"),
                sum(Executions.DURATION_MS).cast(SQLDataType.BIGINT).as("d"))
                .from(Executions.T).where(rows.and(range)).groupBy(Executions.DURATION_BUCKET);
    }

    /**
     * Successful runs only ({@link StatsQuery#successfulOnly()}), written so that no planner uses it to pick an
     * index: {@code state = 'SUCCEEDED'} would make SQLite prefer the (namespace, cronjob_name, state) index over
     * the covering time-range index and read every successful run of the CronJob from the table.
     */
    private static Condition successfulOnly() {
        return DSL.coalesce(Executions.STATE, inline("")).eq(inline(SUCCEEDED));
    }

    private static Condition cronJob(CronJobRef ref) {
        return Executions.NAMESPACE.eq(ref.namespace()).and(Executions.CRONJOB_NAME.eq(ref.name()));
    }

    private static Field<Long> lastFinished(CronJobRef ref, String state) {
        return DSL.field(select(max(Executions.FINISHED_AT)).from(Executions.T)
                .where(Executions.NAMESPACE.eq(ref.namespace()))
                .and(Executions.CRONJOB_NAME.eq(ref.name()))
                .and(Executions.STATE.eq(inline(state))));
    }

    // ---------------------------------------------------------------- the aggregate per strategy

    /** What to select from, the grouping columns, and the aggregate columns (all named). */
    private static final class Source {
        Table<?> from;
        Condition where = DSL.noCondition();
        Field<String> ns;
        Field<String> nm;
        final List<Field<?>> aggregates = new ArrayList<>();
    }

    private Source source(Condition refCond, StatsQuery w) {
        Condition cond = refCond
                .and(Executions.DURATION_MS.isNotNull())
                .and(Executions.EFFECTIVE_START.ge(w.from().toEpochMilli()))
                .and(Executions.EFFECTIVE_START.lt(w.to().toEpochMilli()));
        if (!w.includeManual()) {
            cond = cond.and(Executions.MANUAL.isFalse());
        }
        if (w.successfulOnly()) {
            cond = cond.and(successfulOnly());
        }
        double[] fractions = w.fractions();
        Source s = new Source();
        switch (strategy) {
            case ORDERED_SET_AGGREGATE:
            case SQLITE_FUNCTION: {
                s.from = Executions.T;
                s.where = cond;
                s.ns = Executions.NAMESPACE;
                s.nm = Executions.CRONJOB_NAME;
                Field<Long> d = Executions.DURATION_MS;
                counts(s, d, Executions.STATE);
                if (strategy == PercentileStrategy.ORDERED_SET_AGGREGATE) {
                    StringBuilder array = new StringBuilder();
                    for (double f : fractions) {
                        array.append(array.length() == 0 ? "" : ", ").append(f);
                    }
                    s.aggregates.add(field("percentile_cont(array[" + array + "]::float8[]) within group (order by {0})",
                            SQLDataType.DOUBLE.getArrayDataType(), d).as("pcts"));
                } else {
                    for (int i = 0; i < fractions.length; i++) {
                        s.aggregates.add(field("percentile_cont({0}, " + fractions[i] + ")", SQLDataType.DOUBLE, d)
                                .as("p" + i));
                    }
                }
                return s;
            }
            case WINDOW_FUNCTION: {
                List<SelectField<?>> inner = baseColumns();
                for (int i = 0; i < fractions.length; i++) {
                    inner.add(percentileCont(inline(BigDecimal.valueOf(fractions[i])))
                            .withinGroupOrderBy(Executions.DURATION_MS)
                            .over(partitionBy(Executions.NAMESPACE, Executions.CRONJOB_NAME)).as("w" + i));
                }
                s.from = select(inner).from(Executions.T).where(cond).asTable("x");
                bindDerived(s);
                counts(s, field(name("x", "d"), Long.class), field(name("x", "st"), String.class));
                for (int i = 0; i < fractions.length; i++) {
                    s.aggregates.add(max(field(name("x", "w" + i), Double.class)).as("p" + i));
                }
                return s;
            }
            case RANK_EMULATION:
            default: {
                List<SelectField<?>> inner = baseColumns();
                inner.add(rowNumber().over(partitionBy(Executions.NAMESPACE, Executions.CRONJOB_NAME)
                        .orderBy(Executions.DURATION_MS)).as("rn"));
                inner.add(count().over(partitionBy(Executions.NAMESPACE, Executions.CRONJOB_NAME)).as("cnt"));
                s.from = select(inner).from(Executions.T).where(cond).asTable("x");
                bindDerived(s);
                Field<Long> d = field(name("x", "d"), Long.class);
                counts(s, d, field(name("x", "st"), String.class));
                Field<Long> rn = field(name("x", "rn"), Long.class);
                Field<Long> cnt = field(name("x", "cnt"), Long.class);
                for (int i = 0; i < fractions.length; i++) {
                    // h = p * (cnt - 1) in double precision (an "e0" literal is a double everywhere), as in Java;
                    // the lower neighbour has rank floor(h) + 1: rn - 1 <= h < rn; the upper ceil(h) + 1:
                    // rn - 2 < h <= rn - 1
                    String h = "(" + fractions[i] + "e0 * ({1} - 1))";
                    s.aggregates.add(max(field("case when {0} - 1 <= " + h + " and " + h + " < {0} then {2} end",
                            Long.class, rn, cnt, d)).as("lo" + i));
                    s.aggregates.add(max(field("case when {0} - 2 < " + h + " and " + h + " <= {0} - 1 then {2} end",
                            Long.class, rn, cnt, d)).as("hi" + i));
                }
                return s;
            }
        }
    }

    private static List<SelectField<?>> baseColumns() {
        List<SelectField<?>> inner = new ArrayList<>();
        inner.add(Executions.NAMESPACE.as("ns"));
        inner.add(Executions.CRONJOB_NAME.as("nm"));
        inner.add(Executions.DURATION_MS.as("d"));
        inner.add(Executions.STATE.as("st"));
        return inner;
    }

    private static void bindDerived(Source s) {
        s.ns = field(name("x", "ns"), String.class);
        s.nm = field(name("x", "nm"), String.class);
    }

    private static void counts(Source s, Field<Long> d, Field<String> st) {
        s.aggregates.add(count().coerce(SQLDataType.BIGINT).as("total"));
        s.aggregates.add(sum(when(st.eq(inline(SUCCEEDED)), inline(1)).otherwise(inline(0))).as("succeeded"));
        s.aggregates.add(sum(d).as("sum_ms"));
        s.aggregates.add(max(d).as("max_ms"));
    }

    // ---------------------------------------------------------------- reading the row

    /** Statistics from a row whose columns from {@code i} on are total, succeeded, sum, max, percentile columns. */
    private ExecutionStats toStats(CronJobRef ref, StatsQuery w, Instant lastOk, Instant lastFail, Record r, int i) {
        Long totalL = r == null ? null : toLong(r.get(i));
        long total = totalL == null ? 0 : totalL;
        if (total == 0) {
            return ExecutionStats.empty(ref, w, lastOk, lastFail);
        }
        long succeeded = toLong(r.get(i + 1));
        long sum = toLong(r.get(i + 2));
        long max = toLong(r.get(i + 3));
        int p = i + 4;
        double[] fractions = w.fractions();
        double[] pct = new double[fractions.length];
        switch (strategy) {
            case ORDERED_SET_AGGREGATE: {
                Object[] arr = (Object[]) r.get(p);
                for (int k = 0; k < pct.length; k++) {
                    pct[k] = ((Number) arr[k]).doubleValue();
                }
                break;
            }
            case SQLITE_FUNCTION:
            case WINDOW_FUNCTION:
                for (int k = 0; k < pct.length; k++) {
                    pct[k] = toDouble(r.get(p + k));
                }
                break;
            case RANK_EMULATION:
            default:
                for (int k = 0; k < pct.length; k++) {
                    pct[k] = interpolate(toLong(r.get(p + 2 * k)), toLong(r.get(p + 2 * k + 1)), fractions[k],
                            total);
                }
                break;
        }
        return stats(ref, w, total, succeeded, (double) sum / total, fractions, pct, max, lastOk, lastFail);
    }

    /**
     * The statistics of a non-empty window: P50/P95/P99 and the query's percentiles picked from {@code pct}, the
     * values at {@code fractions} (the query's {@link StatsQuery#fractions()}).
     */
    private static ExecutionStats stats(CronJobRef ref, StatsQuery w, long total, long succeeded, double avgMs,
            double[] fractions, double[] pct, long maxMs, Instant lastOk, Instant lastFail) {
        Map<Integer, Duration> wanted = new java.util.LinkedHashMap<>();
        for (int p : w.percentiles()) {
            wanted.put(p, millis(pct[indexOf(fractions, p)]));
        }
        return new ExecutionStats(ref, w.from(), w.to(), total, succeeded, total - succeeded, millis(avgMs),
                millis(pct[indexOf(fractions, 50)]), millis(pct[indexOf(fractions, 95)]),
                millis(pct[indexOf(fractions, 99)]), Duration.ofMillis(maxMs), lastOk, lastFail, wanted);
    }

    /** Index of percentile {@code p} (in percent) in {@code fractions}, which contains it. */
    private static int indexOf(double[] fractions, int p) {
        for (int i = 0; i < fractions.length; i++) {
            if (fractions[i] == p / 100.0) {
                return i;
            }
        }
        throw new IllegalStateException("percentile " + p + " was not computed");
    }

    /** The ExecutionStats definition, given the values at ranks floor(h) and ceil(h). */
    static double interpolate(long lo, long hi, double p, long n) {
        double h = p * (n - 1);
        double f = Math.floor(h);
        return lo + (h - f) * (hi - lo);
    }

    /** Milliseconds (with a fraction) as a Duration, rounded to the nanosecond. */
    static Duration millis(double ms) {
        double whole = Math.floor(ms);
        long nanos = Math.round((ms - whole) * 1_000_000d);
        return Duration.ofMillis((long) whole).plusNanos(nanos);
    }

    private static Long toLong(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Number) {
            return ((Number) o).longValue();
        }
        return new BigDecimal(o.toString()).longValue();
    }

    private static double toDouble(Object o) {
        if (o instanceof Number) {
            return ((Number) o).doubleValue();
        }
        return Double.parseDouble(o.toString());
    }
}
