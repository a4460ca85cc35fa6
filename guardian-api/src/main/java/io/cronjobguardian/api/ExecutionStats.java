package io.cronjobguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * Statistics of one CronJob over a {@link StatsQuery} window.
 *
 * <p>Counted are finished runs (SUCCEEDED or FAILED, or only SUCCEEDED with {@link StatsQuery#successfulOnly()})
 * started in the window; running Jobs are not counted. Durations are those of the counted runs (a failed run lasts
 * until its Failed condition).
 * Percentiles use one definition on every store: linear interpolation between closest ranks, like PostgreSQL's
 * {@code percentile_cont}: for sorted values {@code v[0..n-1]} and fraction {@code p}, take position
 * {@code h = p * (n - 1)} and return {@code v[floor(h)] + (h - floor(h)) * (v[ceil(h)] - v[floor(h)])}.
 * Stores keep durations in milliseconds, so interpolated values may carry fractions of a millisecond.
 *
 * <p>"No data" is not 0 % and not 100 %: with no finished run in the window {@link #successRate()} is empty and the
 * duration figures are {@code null}.
 *
 * @param cronJob       the CronJob
 * @param from          window start (inclusive)
 * @param to            window end (exclusive)
 * @param total         finished runs in the window
 * @param succeeded     of those, successful
 * @param failed        of those, failed
 * @param avg           mean duration, or {@code null} without runs
 * @param p50           median duration, or {@code null} without runs
 * @param p95           95th percentile, or {@code null} without runs
 * @param p99           99th percentile, or {@code null} without runs
 * @param maxDuration   longest duration, or {@code null} without runs
 * @param lastSuccessAt finish time of the newest successful run of the CronJob over <em>all</em> stored history
 *                      (not only the window), or {@code null}
 * @param lastFailureAt finish time of the newest failed run over all stored history, or {@code null}
 * @param percentiles   the duration percentiles the query asked for ({@link StatsQuery#percentiles()}), by percent
 *                      (1 to 99), in ascending order; empty without runs. {@code null} (the 13-argument
 *                      constructor) means P50, P95 and P99 from the fields above.
 */
public record ExecutionStats(
        CronJobRef cronJob,
        Instant from,
        Instant to,
        long total,
        long succeeded,
        long failed,
        @Nullable Duration avg,
        @Nullable Duration p50,
        @Nullable Duration p95,
        @Nullable Duration p99,
        @Nullable Duration maxDuration,
        @Nullable Instant lastSuccessAt,
        @Nullable Instant lastFailureAt,
        Map<Integer, Duration> percentiles) {

    public ExecutionStats {
        Objects.requireNonNull(cronJob, "cronJob must not be null");
        from = Checks.required(from, "from");
        to = Checks.required(to, "to");
        Checks.nonNegative(total, "total");
        Checks.nonNegative(succeeded, "succeeded");
        Checks.nonNegative(failed, "failed");
        if (succeeded + failed != total) {
            throw new IllegalArgumentException("succeeded (" + succeeded + ") + failed (" + failed
                    + ") must equal total (" + total + ")");
        }
        lastSuccessAt = Checks.millis(lastSuccessAt);
        lastFailureAt = Checks.millis(lastFailureAt);
        TreeMap<Integer, Duration> ps = new TreeMap<>();
        if (percentiles == null) {
            putIfPresent(ps, 50, p50);
            putIfPresent(ps, 95, p95);
            putIfPresent(ps, 99, p99);
        } else {
            percentiles.forEach((k, v) -> {
                Objects.requireNonNull(k, "percentiles must not contain a null key");
                Objects.requireNonNull(v, "percentiles must not contain a null value");
                if (k < 1 || k > 99) {
                    throw new IllegalArgumentException("percentiles must be between 1 and 99, was " + k);
                }
                ps.put(k, v);
            });
        }
        percentiles = Collections.unmodifiableSortedMap(ps);
    }

    /**
     * Statistics with P50, P95 and P99 as the reported {@link #percentiles()} (the constructor before percentiles
     * became configurable).
     */
    public ExecutionStats(CronJobRef cronJob, Instant from, Instant to, long total, long succeeded, long failed,
            @Nullable Duration avg, @Nullable Duration p50, @Nullable Duration p95, @Nullable Duration p99,
            @Nullable Duration maxDuration, @Nullable Instant lastSuccessAt, @Nullable Instant lastFailureAt) {
        this(cronJob, from, to, total, succeeded, failed, avg, p50, p95, p99, maxDuration, lastSuccessAt,
                lastFailureAt, null);
    }

    private static void putIfPresent(Map<Integer, Duration> m, int p, @Nullable Duration d) {
        if (d != null) {
            m.put(p, d);
        }
    }

    /** The reported percentile {@code p} (in percent), or {@code null} when not asked for or without runs. */
    public @Nullable Duration percentile(int p) {
        return percentiles.get(p);
    }

    /** Statistics of a window without any run. */
    public static ExecutionStats empty(CronJobRef cronJob, StatsQuery window, @Nullable Instant lastSuccessAt,
            @Nullable Instant lastFailureAt) {
        return new ExecutionStats(cronJob, window.from(), window.to(), 0, 0, 0, null, null, null, null, null,
                lastSuccessAt, lastFailureAt, Map.of());
    }

    /** Success rate in percent (0–100), empty when the window holds no finished run. */
    public OptionalDouble successRate() {
        return total == 0 ? OptionalDouble.empty() : OptionalDouble.of(succeeded * 100.0 / total);
    }

    /** {@code true} when the window holds no finished run. */
    public boolean isEmpty() {
        return total == 0;
    }
}
