package io.cronjobguardian.store.jdbc;

/**
 * The exact duration histogram behind fast statistics over long windows.
 *
 * <p>Every finished execution is counted in {@code guardian_duration_buckets} under (CronJob, week of its start,
 * manual flag, duration bucket), in the same transaction that writes it. Buckets are log-linear: durations below
 * 64 ms have a bucket each; above, every power of two is split into 32 buckets (about 3 % wide). Bucket numbers grow
 * with the duration, so cumulative counts in bucket order give ranks: the statistics of a window read the histogram
 * of its whole weeks, count the few raw rows of its partial weeks, and then fetch only the rows of the bucket that
 * holds each wanted rank, sorted, at the right offset. The result is the exact value, as from a full sort.
 */
public final class DurationBuckets {

    /** Length of a histogram period: 7 days, in milliseconds. */
    public static final long PERIOD_MS = 7L * 24 * 60 * 60 * 1000;

    private static final int LINEAR = 64;
    private static final int SUB_BITS = 5;
    private static final int SUB = 1 << SUB_BITS;

    private DurationBuckets() {
    }

    /** The bucket of a duration in milliseconds (non-decreasing in the duration). */
    public static int bucket(long durationMs) {
        if (durationMs < LINEAR) {
            return (int) Math.max(0, durationMs);
        }
        int e = 63 - Long.numberOfLeadingZeros(durationMs); // >= 6
        int sub = (int) ((durationMs >>> (e - SUB_BITS)) & (SUB - 1));
        return LINEAR + (e - 6) * SUB + sub;
    }

    /** The period (week since the epoch, rounded down) of a start time in epoch milliseconds. */
    public static long period(long startMs) {
        return Math.floorDiv(startMs, PERIOD_MS);
    }
}
