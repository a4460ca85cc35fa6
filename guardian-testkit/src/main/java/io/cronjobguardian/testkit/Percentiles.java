package io.cronjobguardian.testkit;

import java.time.Duration;
import java.util.Collection;
import java.util.Objects;

/**
 * The one percentile definition every {@link io.cronjobguardian.api.HistoryStore} uses (see
 * {@link io.cronjobguardian.api.ExecutionStats}): linear interpolation between closest ranks, like PostgreSQL's
 * {@code percentile_cont}. For sorted values {@code v[0..n-1]} and fraction {@code p}, take {@code h = p * (n - 1)}
 * and return {@code v[floor(h)] + (h - floor(h)) * (v[ceil(h)] - v[floor(h)])}.
 *
 * <p>Tests use it to compute the values a store must return; stores that compute in memory may use it directly.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The interpolated percentile of already sorted values.
     *
     * @param sorted values in ascending order, at least one
     * @param p      fraction between 0 and 1 (0.95 for P95)
     * @return the interpolated value
     * @throws IllegalArgumentException when {@code sorted} is empty or {@code p} is outside {@code [0, 1]}
     */
    public static double interpolated(double[] sorted, double p) {
        Objects.requireNonNull(sorted, "sorted");
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values: the percentile of an empty set is undefined");
        }
        if (Double.isNaN(p) || p < 0.0 || p > 1.0) {
            throw new IllegalArgumentException("p must be between 0 and 1, was " + p);
        }
        double h = p * (sorted.length - 1);
        int lo = (int) Math.floor(h);
        int hi = (int) Math.ceil(h);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /**
     * The interpolated percentile of durations in any order, computed in milliseconds like the stores do.
     *
     * @param durations at least one duration
     * @param p         fraction between 0 and 1
     * @return the percentile, fractions of a millisecond kept to the nanosecond
     */
    public static Duration interpolated(Collection<Duration> durations, double p) {
        return millisToDuration(interpolated(sortedMillis(durations), p));
    }

    /** The arithmetic mean of durations in milliseconds, as a {@link Duration} (nanosecond rounding). */
    public static Duration mean(Collection<Duration> durations) {
        double[] ms = sortedMillis(durations);
        if (ms.length == 0) {
            throw new IllegalArgumentException("no values: the mean of an empty set is undefined");
        }
        double sum = 0;
        for (double v : ms) {
            sum += v;
        }
        return millisToDuration(sum / ms.length);
    }

    /** The durations in (fractional) milliseconds, sorted ascending. */
    public static double[] sortedMillis(Collection<Duration> durations) {
        Objects.requireNonNull(durations, "durations");
        return durations.stream().mapToDouble(Percentiles::toMillis).sorted().toArray();
    }

    /** A duration in milliseconds, fractions included. */
    public static double toMillis(Duration d) {
        return d.getSeconds() * 1000.0 + d.getNano() / 1_000_000.0;
    }

    /** Milliseconds (with fractions) as a {@link Duration}, rounded to the nearest nanosecond. */
    public static Duration millisToDuration(double millis) {
        if (Double.isNaN(millis) || Double.isInfinite(millis)) {
            throw new IllegalArgumentException("not a finite number of milliseconds: " + millis);
        }
        long wholeMs = (long) Math.floor(millis);
        long nanos = Math.round((millis - wholeMs) * 1_000_000.0);
        return Duration.ofMillis(wholeMs).plusNanos(nanos);
    }
}
