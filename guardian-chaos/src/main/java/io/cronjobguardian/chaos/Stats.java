package io.cronjobguardian.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Percentiles of measured durations (seconds), nearest-rank. */
final class Stats {

    private Stats() {
    }

    /** The nearest-rank {@code p}-th percentile of {@code xs} (not empty). */
    static double percentile(List<Double> xs, double p) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    /** {@code n=.. min .. median .. p99 .. max .. s}, or {@code n=0}. */
    static String describe(List<Double> xs) {
        if (xs == null || xs.isEmpty()) {
            return "n=0";
        }
        return String.format(Locale.ROOT, "n=%d min %.2f median %.2f p50 %.2f p99 %.2f max %.2f s", xs.size(),
                percentile(xs, 0), percentile(xs, 50), percentile(xs, 50), percentile(xs, 99), percentile(xs, 100));
    }
}
