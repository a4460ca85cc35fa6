package io.cronjobguardian.engine.schedule;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * robfig/cron v3 {@code ParseStandard} (minute, hour, day-of-month, month, day-of-week, plus descriptors) re-implemented
 * so that it accepts exactly the expressions Kubernetes accepts and rejects the rest with a message that names the
 * field, the value and the allowed range.
 *
 * <p>robfig's quirks are kept on purpose, because a CronJob that exists in a cluster was accepted by this parser and
 * must not be unmonitorable here: empty list items are ignored ({@code "1,,2"}, even {@code ","} which matches nothing);
 * {@code *} and {@code ?} ignore anything after a hyphen ({@code "*-5"} is {@code *}); {@code a/n} means
 * {@code a-max/n}; {@code *}{@code /1} keeps the "star" flag that makes day-of-month and day-of-week combine with AND,
 * any step above 1 clears it; numbers may carry a {@code +} sign and leading zeros; the day-of-week range is 0-6
 * (7 is rejected); descriptors are case-sensitive and must not carry surrounding blanks unless a {@code TZ=} prefix
 * was trimmed away.
 */
final class CronParser {

    /** One cron field's bounds and value names. */
    private record Field(String name, int min, int max, Map<String, Integer> names, String allowed) {
    }

    private static final Field MINUTE = new Field("minute", 0, 59, Map.of(), "0-59");
    private static final Field HOUR = new Field("hour", 0, 23, Map.of(), "0-23");
    private static final Field DOM = new Field("day-of-month", 1, 31, Map.of(), "1-31");
    private static final Field MONTH = new Field("month", 1, 12, Map.ofEntries(
            Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4),
            Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12)),
            "1-12 or JAN-DEC");
    private static final Field DOW = new Field("day-of-week", 0, 6, Map.of(
            "sun", 0, "mon", 1, "tue", 2, "wed", 3, "thu", 4, "fri", 5, "sat", 6),
            "0-6 or SUN-SAT, 0 = Sunday");

    private static final String FIELD_LIST = "minute hour day-of-month month day-of-week";
    private static final String DESCRIPTORS = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, "
            + "@every <duration>";
    private static final String EVERY = "@every ";
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private CronParser() {
    }

    /** The parse result: the effective zone and exactly one of a spec rule or an {@code @every} delay. */
    record Parsed(ZoneId zone, SpecRule spec, long everySeconds) {
    }

    static Parsed parse(String expression, ZoneId zone) {
        if (expression.isEmpty()) {
            throw new IllegalArgumentException("Invalid cron expression: it is empty (expected five fields "
                    + FIELD_LIST + ", or one of " + DESCRIPTORS + ")");
        }
        String spec = expression;
        ZoneId effective = zone;
        if (spec.startsWith("TZ=") || spec.startsWith("CRON_TZ=")) {
            int space = spec.indexOf(' ');
            int eq = spec.indexOf('=');
            if (space < 0) {
                throw invalid(expression, "the " + spec.substring(0, eq + 1)
                        + " prefix must be followed by a space and then the schedule");
            }
            String name = spec.substring(eq + 1, space);
            effective = loadLocation(expression, spec.substring(0, eq + 1), name, zone);
            spec = goTrimSpace(spec.substring(space));
        }

        if (spec.startsWith("@")) {
            return descriptor(expression, spec, effective);
        }

        List<String> fields = goFields(spec);
        if (fields.size() != 5) {
            throw invalid(expression, "expected exactly 5 fields (" + FIELD_LIST + "), found " + fields.size()
                    + (fields.size() == 6 ? " (Kubernetes has no seconds or year field)" : ""));
        }
        long minute = field(expression, fields.get(0), MINUTE);
        long hour = field(expression, fields.get(1), HOUR);
        long dom = field(expression, fields.get(2), DOM);
        long month = field(expression, fields.get(3), MONTH);
        long dow = field(expression, fields.get(4), DOW);
        return new Parsed(effective, new SpecRule(minute, hour, dom, month, dow), 0);
    }

    private static Parsed descriptor(String expression, String spec, ZoneId zone) {
        long star = SpecRule.STAR;
        long allDom = bits(1, 31, 1) | star;
        long allMonths = bits(1, 12, 1) | star;
        long allDow = bits(0, 6, 1) | star;
        long allHours = bits(0, 23, 1) | star;
        switch (spec) {
            case "@yearly":
            case "@annually":
                return new Parsed(zone, new SpecRule(1L, 1L, 1L << 1, 1L << 1, allDow), 0);
            case "@monthly":
                return new Parsed(zone, new SpecRule(1L, 1L, 1L << 1, allMonths, allDow), 0);
            case "@weekly":
                return new Parsed(zone, new SpecRule(1L, 1L, allDom, allMonths, 1L), 0);
            case "@daily":
            case "@midnight":
                return new Parsed(zone, new SpecRule(1L, 1L, allDom, allMonths, allDow), 0);
            case "@hourly":
                return new Parsed(zone, new SpecRule(1L, allHours, allDom, allMonths, allDow), 0);
            default:
                break;
        }
        if (spec.startsWith(EVERY)) {
            long nanos;
            try {
                nanos = GoDuration.parseNanos(spec.substring(EVERY.length()));
            } catch (IllegalArgumentException e) {
                throw invalid(expression, "@every: " + e.getMessage());
            }
            // robfig Every(): below one second means one second; fractions of a second are dropped.
            if (nanos < NANOS_PER_SECOND) {
                nanos = NANOS_PER_SECOND;
            }
            return new Parsed(zone, null, nanos / NANOS_PER_SECOND);
        }
        String hint = "";
        String lower = spec.toLowerCase(Locale.ROOT);
        if (!lower.equals(spec) || !spec.strip().equals(spec) || lower.startsWith("@every")) {
            hint = " (descriptors are lower-case, take no extra blanks, and @every needs exactly one space before "
                    + "its duration)";
        }
        throw invalid(expression, "unknown descriptor \"" + spec + "\"; supported: " + DESCRIPTORS + hint);
    }

    private static ZoneId loadLocation(String expression, String prefix, String name, ZoneId zone) {
        // Go time.LoadLocation: "" and "UTC" are UTC, "Local" is the process zone (the zone argument stands for it).
        if (name.isEmpty() || name.equals("UTC")) {
            return ZoneOffset.UTC;
        }
        if (name.equals("Local")) {
            return zone;
        }
        if (!name.contains("..") && name.charAt(0) != '/' && name.charAt(0) != '\\'
                && ZoneId.getAvailableZoneIds().contains(name)) {
            return ZoneId.of(name);
        }
        throw invalid(expression, "unknown time zone \"" + name + "\" in the " + prefix
                + " prefix (expected an IANA name such as Europe/Berlin)");
    }

    /** One comma-separated field. Empty list items are skipped, as Go's strings.FieldsFunc does. */
    private static long field(String expression, String text, Field f) {
        long result = 0;
        int start = 0;
        for (int i = 0; i <= text.length(); i++) {
            if (i == text.length() || text.charAt(i) == ',') {
                if (i > start) {
                    result |= range(expression, text, text.substring(start, i), f);
                }
                start = i + 1;
            }
        }
        return result;
    }

    /** {@code number | name | * | ?}, optionally {@code -number}, optionally {@code /step}. */
    private static long range(String expression, String fieldText, String expr, Field f) {
        List<String> rangeAndStep = goSplit(expr, '/');
        List<String> lowAndHigh = goSplit(rangeAndStep.get(0), '-');
        boolean single = lowAndHigh.size() == 1;
        long start;
        long end;
        long step;
        long extra = 0;
        String low = lowAndHigh.get(0);
        if (low.equals("*") || low.equals("?")) {
            start = f.min();
            end = f.max();
            extra = SpecRule.STAR;
        } else {
            start = intOrName(expression, fieldText, low, f);
            if (lowAndHigh.size() == 1) {
                end = start;
            } else if (lowAndHigh.size() == 2) {
                end = intOrName(expression, fieldText, lowAndHigh.get(1), f);
            } else {
                throw fieldError(expression, fieldText, f, "\"" + expr + "\" has too many hyphens");
            }
        }
        if (rangeAndStep.size() == 1) {
            step = 1;
        } else if (rangeAndStep.size() == 2) {
            step = number(expression, fieldText, rangeAndStep.get(1), f, "step");
            if (single) {
                end = f.max();
            }
            if (step > 1) {
                extra = 0;
            }
        } else {
            throw fieldError(expression, fieldText, f, "\"" + expr + "\" has too many slashes");
        }
        if (start < f.min()) {
            throw fieldError(expression, fieldText, f, "value " + start + " is below the minimum " + f.min());
        }
        if (end > f.max()) {
            String hint = f == DOW && end == 7 ? "; Kubernetes' cron parser does not accept 7 for Sunday, use 0 or SUN"
                    : "";
            throw fieldError(expression, fieldText, f, "value " + end + " is above the maximum " + f.max() + hint);
        }
        if (start > end) {
            throw fieldError(expression, fieldText, f, "range " + expr + " is reversed (start " + start
                    + " is after end " + end + ")");
        }
        if (step == 0) {
            throw fieldError(expression, fieldText, f, "step of \"" + expr + "\" must be a positive number, not 0");
        }
        return bits(start, end, step) | extra;
    }

    private static long intOrName(String expression, String fieldText, String text, Field f) {
        Integer named = f.names().get(goToLower(text));
        if (named != null) {
            return named;
        }
        return number(expression, fieldText, text, f, "value");
    }

    /** Go {@code strconv.Atoi}: optional sign, ASCII digits, fits in 64 bits; then robfig rejects negatives. */
    private static long number(String expression, String fieldText, String text, Field f, String what) {
        boolean ok = !text.isEmpty();
        int digitsFrom = !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-') ? 1 : 0;
        if (digitsFrom == text.length()) {
            ok = false;
        }
        for (int i = digitsFrom; ok && i < text.length(); i++) {
            char c = text.charAt(i);
            ok = c >= '0' && c <= '9';
        }
        long value = 0;
        if (ok) {
            try {
                value = Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw fieldError(expression, fieldText, f, what + " \"" + text + "\" is out of range");
            }
        }
        if (!ok) {
            String expected = f.names().isEmpty() || what.equals("step") ? "a number"
                    : "a number or a " + (f == MONTH ? "month name (JAN-DEC)" : "day name (SUN-SAT)");
            throw fieldError(expression, fieldText, f, what + " \"" + text + "\" is not " + expected);
        }
        if (value < 0) {
            throw fieldError(expression, fieldText, f, what + " " + value + " is negative");
        }
        return value;
    }

    /** robfig getBits: every step-th value from start to end inclusive. */
    private static long bits(long start, long end, long step) {
        long bits = 0;
        for (long i = start; i <= end; i += step) {
            bits |= 1L << i;
            if (step > end - i) {
                break;
            }
        }
        return bits;
    }

    private static IllegalArgumentException fieldError(String expression, String fieldText, Field f, String problem) {
        return invalid(expression, f.name() + " field \"" + fieldText + "\": " + problem + " (allowed: "
                + f.allowed() + ", with lists a,b ranges a-b steps */n a-b/n a/n, and * or ?)");
    }

    private static IllegalArgumentException invalid(String expression, String problem) {
        return new IllegalArgumentException("Invalid cron expression \"" + expression + "\": " + problem);
    }

    /** Go {@code strings.ToLower}: simple per-code-point lower-casing (so U+0130 becomes a plain {@code i}). */
    static String goToLower(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().map(Character::toLowerCase).forEach(out::appendCodePoint);
        return out.toString();
    }

    /** Go {@code strings.Split(s, sep)} for a one-character separator: keeps empty parts. */
    private static List<String> goSplit(String s, char sep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == sep) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }

    /** Go {@code strings.Fields}: split around runs of Unicode white space, no empty parts. */
    static List<String> goFields(String s) {
        List<String> fields = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < s.length(); i++) {
            if (goIsSpace(s.charAt(i))) {
                if (start >= 0) {
                    fields.add(s.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
        }
        if (start >= 0) {
            fields.add(s.substring(start));
        }
        return fields;
    }

    /** Go {@code strings.TrimSpace}. */
    static String goTrimSpace(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && goIsSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && goIsSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /** Go {@code unicode.IsSpace}: ASCII blanks, U+0085, U+00A0 and the Unicode White_Space characters. */
    static boolean goIsSpace(char c) {
        switch (c) {
            case '\t':
            case '\n':
            case '\u000b':
            case '\f':
            case '\r':
            case ' ':
            case '\u0085':
            case '\u00a0':
            case '\u1680':
            case '\u2028':
            case '\u2029':
            case '\u202f':
            case '\u205f':
            case '\u3000':
                return true;
            default:
                return c >= '\u2000' && c <= '\u200a';
        }
    }
}
