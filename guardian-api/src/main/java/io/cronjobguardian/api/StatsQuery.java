package io.cronjobguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The window statistics are computed over: finished runs whose start time ({@link JobSnapshot#effectiveStart()})
 * lies in {@code [from, to)}.
 *
 * @param from          inclusive lower bound
 * @param to            exclusive upper bound, after {@code from}
 * @param includeManual whether manual runs count (by default they are kept out of SLO figures)
 */
public record StatsQuery(Instant from, Instant to, boolean includeManual) {

    public StatsQuery {
        from = Checks.required(from, "from");
        to = Checks.required(to, "to");
        if (!to.isAfter(from)) {
            throw new IllegalArgumentException("to (" + to + ") must be after from (" + from + ")");
        }
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
        return new StatsQuery(from, to, include);
    }
}
