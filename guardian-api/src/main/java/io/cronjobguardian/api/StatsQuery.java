package io.cronjobguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The window statistics are computed over: finished runs whose start time ({@link JobSnapshot#effectiveStart()})
 * lies in {@code [from, to)}.
 *
 * @param from           inclusive lower bound
 * @param to             exclusive upper bound, after {@code from}
 * @param includeManual  whether manual runs count (by default they are kept out of SLO figures)
 * @param successfulOnly whether only successful runs count (default {@code false}: both outcomes). With it, every
 *                       figure of the window ({@code total}, durations, percentiles) is over successful runs only
 *                       and {@code failed} is 0; a duration-regression check uses it, so that a storm of quickly
 *                       failing runs does not look "faster". {@code lastSuccessAt}/{@code lastFailureAt} are
 *                       unaffected.
 * @param percentiles    the duration percentiles wanted in {@link ExecutionStats#percentiles()}, in percent (each 1
 *                       to 99), sorted and without duplicates; default (null or empty) 50, 95, 99. P50, P95 and P99
 *                       are always computed as well (they are fields of {@link ExecutionStats}).
 */
public record StatsQuery(Instant from, Instant to, boolean includeManual, boolean successfulOnly,
        List<Integer> percentiles) {

    /** The percentiles reported when none are asked for. */
    public static final List<Integer> DEFAULT_PERCENTILES = List.of(50, 95, 99);

    public StatsQuery {
        from = Checks.required(from, "from");
        to = Checks.required(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to (" + to + ") must be after from (" + from + ")");
        }
        if (percentiles == null || percentiles.isEmpty()) {
            percentiles = DEFAULT_PERCENTILES;
        } else {
            TreeSet<Integer> sorted = new TreeSet<>();
            for (Integer p : percentiles) {
                Objects.requireNonNull(p, "percentiles must not contain null");
                if (p < 1 || p > 99) {
                    throw new IllegalArgumentException("percentiles must be between 1 and 99, was " + p);
                }
                sorted.add(p);
            }
            percentiles = List.copyOf(sorted);
        }
    }

    /**
     * A window over runs of both outcomes with the default percentiles.
     *
     * @param from          inclusive lower bound
     * @param to            exclusive upper bound, after {@code from}
     * @param includeManual whether manual runs count
     */
    public StatsQuery(Instant from, Instant to, boolean includeManual) {
        this(from, to, includeManual, false, DEFAULT_PERCENTILES);
    }

    /** The window {@code [to - length, to)} without manual runs. */
    public static StatsQuery lastWindow(Instant to, Duration length) {
        Objects.requireNonNull(length, "length");
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("length must be positive, was " + length);
        }
        return new StatsQuery(to.minus(length), to, false);
    }

    /** The window {@code [from, to)} without manual runs. */
    public static StatsQuery between(Instant from, Instant to) {
        return new StatsQuery(from, to, false);
    }

    /** Same window, manual runs included or not. */
    public StatsQuery includeManual(boolean include) {
        return new StatsQuery(from, to, include, successfulOnly, percentiles);
    }

    /** Same window, only successful runs counted or runs of both outcomes. */
    public StatsQuery successfulOnly(boolean only) {
        return new StatsQuery(from, to, includeManual, only, percentiles);
    }

    /** Same window, these duration percentiles reported (in percent, 1 to 99; null or empty: the default). */
    public StatsQuery percentiles(List<Integer> wanted) {
        return new StatsQuery(from, to, includeManual, successfulOnly, wanted);
    }

    /**
     * Every percentile a store computes for this query, as fractions in ascending order: {@link #percentiles()}
     * together with 50, 95 and 99.
     */
    public double[] fractions() {
        TreeSet<Integer> all = new TreeSet<>(DEFAULT_PERCENTILES);
        all.addAll(percentiles);
        double[] out = new double[all.size()];
        int i = 0;
        for (int p : all) {
            out[i++] = p / 100.0;
        }
        return out;
    }
}
