package io.cronjobguardian.engine.schedule;

import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, which robfig/cron uses for {@code @every <duration>}: a possibly signed sequence
 * of decimal numbers, each with an optional fraction and a required unit ({@code ns}, {@code us}/{@code µs}/
 * {@code μs}, {@code ms}, {@code s}, {@code m}, {@code h}), e.g. {@code 1h30m}, {@code 1.5h}, {@code 1500ms}. The
 * bare string {@code 0} (optionally signed) is zero. There is no day unit, no whitespace, no upper-case unit.
 *
 * <p>Arithmetic is unsigned 64-bit like Go's, including its overflow checks.
 */
final class GoDuration {

    private static final long NANOS_PER_MICRO = 1_000L;
    private static final Map<String, Long> UNITS = Map.of(
            "ns", 1L,
            "us", NANOS_PER_MICRO,
            "\u00b5s", NANOS_PER_MICRO, // micro sign
            "\u03bcs", NANOS_PER_MICRO, // Greek mu
            "ms", 1_000_000L,
            "s", 1_000_000_000L,
            "m", 60_000_000_000L,
            "h", 3_600_000_000_000L);

    /** 1 << 63 as an unsigned value. */
    private static final long TWO_POW_63 = Long.MIN_VALUE;

    private GoDuration() {
    }

    /**
     * Parses a Go duration.
     *
     * @return the duration in nanoseconds (may be negative)
     * @throws IllegalArgumentException naming what is wrong with the text
     */
    static long parseNanos(String text) {
        String s = text;
        int i = 0;
        int n = s.length();
        boolean neg = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            neg = s.charAt(0) == '-';
            i = 1;
        }
        if (s.substring(i).equals("0")) {
            return 0;
        }
        if (i == n) {
            throw invalid(text, "it is empty");
        }
        long d = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (!(c == '.' || isDigit(c))) {
                throw invalid(text, "expected a number at \"" + s.substring(i) + "\"");
            }
            // [0-9]*
            int start = i;
            long v = 0;
            while (i < n && isDigit(s.charAt(i))) {
                if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_POW_63, 10)) > 0) {
                    throw invalid(text, "it is too large");
                }
                v = v * 10 + (s.charAt(i) - '0');
                if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
                    throw invalid(text, "it is too large");
                }
                i++;
            }
            boolean pre = i != start;
            // (\.[0-9]*)?
            boolean post = false;
            long f = 0;
            double scale = 1;
            if (i < n && s.charAt(i) == '.') {
                i++;
                int fracStart = i;
                boolean overflow = false;
                while (i < n && isDigit(s.charAt(i))) {
                    if (!overflow) {
                        if (Long.compareUnsigned(f, Long.MAX_VALUE / 10) > 0) {
                            overflow = true;
                        } else {
                            long y = f * 10 + (s.charAt(i) - '0');
                            if (Long.compareUnsigned(y, TWO_POW_63) > 0) {
                                overflow = true;
                            } else {
                                f = y;
                                scale *= 10;
                            }
                        }
                    }
                    i++;
                }
                post = i != fracStart;
            }
            if (!pre && !post) {
                throw invalid(text, "a number has no digits");
            }
            // unit: everything up to the next digit or '.'
            int unitStart = i;
            while (i < n && !(s.charAt(i) == '.' || isDigit(s.charAt(i)))) {
                i++;
            }
            if (i == unitStart) {
                throw invalid(text, "a unit is missing (use ns, us, ms, s, m or h)");
            }
            String u = s.substring(unitStart, i);
            Long unit = UNITS.get(u);
            if (unit == null) {
                throw invalid(text, "unknown unit \"" + u + "\" (use ns, us, ms, s, m or h)");
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_POW_63, unit)) > 0) {
                throw invalid(text, "it is too large");
            }
            v *= unit;
            if (f != 0) {
                v += (long) (unsignedToDouble(f) * ((double) unit / scale));
                if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
                    throw invalid(text, "it is too large");
                }
            }
            d += v; // wraps like Go's uint64
            if (Long.compareUnsigned(d, TWO_POW_63) > 0) {
                throw invalid(text, "it is too large");
            }
        }
        if (neg) {
            return -d;
        }
        if (Long.compareUnsigned(d, Long.MAX_VALUE) > 0) {
            throw invalid(text, "it is too large");
        }
        return d;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? (double) v : ((double) (v >>> 1)) * 2.0;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid Go duration \"" + text + "\": " + why
                + " (expected e.g. 90m, 1h30m, 1.5h or 1500ms)");
    }
}
