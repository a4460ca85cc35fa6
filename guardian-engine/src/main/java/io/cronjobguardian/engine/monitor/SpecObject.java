package io.cronjobguardian.engine.monitor;

import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.config.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One mapping of a monitor document, read field by field with typed accessors ({@link #string}, {@link #integer},
 * {@link #duration}, {@link #obj}, ...). Each accessor reports a value of the wrong type or out of range to the
 * document's {@link Problems} with its full path ({@code spec.sla.minSuccessRate}) and the accepted values, and
 * remembers the field as asked for, so that {@link #finish()} can report the rest as unknown (with a hint for the
 * fields the operator's CRD retired). Used by {@link MonitorSpecLoader}.
 */
final class SpecObject {

    /** Where a document's problems go. */
    interface Problems {
        /** An error at {@code path}. */
        void error(String path, String message);

        /** An unknown field at {@code path}: an error or a warning, as the loader is configured. */
        void unknown(String path, String message);
    }

    /** How the accepted duration forms are named in messages. */
    static final String DURATION_FORMS = "Go-style durations such as 30m, 1h, 2h30m or 25h";
    private static final Map<String, String> RETIRED = Map.of(
            "remediation", "auto-remediation was removed from the operator's CRD; not supported",
            "dependencies", "dependencies were removed from the operator's CRD; not supported",
            "timezone", "removed from the operator's CRD: schedules use the CronJob's own spec.timeZone, and each "
                    + "maintenance window has its own timezone",
            "groupingKey", "removed from the operator's CRD; incidents are grouped per CronJob and alert type",
            "suppressRemediation", "remediation was removed from the operator's CRD; not supported",
            "stuckJob", "stuck Jobs are configured by spec.stuckJob (enabled, noPodAfter), their severity by "
                    + "alerting.severityOverrides.jobStuck; a run that takes too long is sla.maxDuration",
            "dependencyFailed", "this alert type was removed from the operator's CRD; not supported");

    /** Duration ranges. */
    enum Dur {
        POSITIVE("greater than 0s"), NON_NEGATIVE("0s or longer"), AT_LEAST_A_MINUTE("1m or longer");

        final String text;

        Dur(String text) {
            this.text = text;
        }

        boolean accepts(Duration d) {
            switch (this) {
                case POSITIVE: return !d.isNegative() && !d.isZero();
                case NON_NEGATIVE: return !d.isNegative();
                default: return d.compareTo(Duration.ofMinutes(1)) >= 0;
            }
        }
    }

    final Problems doc;
    final String path;
    final Map<?, ?> map;
    final Set<String> known = new LinkedHashSet<>();
    final Set<String> invalid = new LinkedHashSet<>();

    SpecObject(Problems doc, String path, Map<?, ?> map) {
        this.doc = doc;
        this.path = path;
        this.map = map;
    }

    String child(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    Object take(String field) {
        known.add(field);
        return map.get(field);
    }

    boolean hasInvalid(String field) {
        return invalid.contains(field);
    }

    void bad(String field, String message) {
        invalid.add(field);
        doc.error(child(field), message);
    }

    @Nullable String string(String field) {
        Object v = take(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Map || v instanceof Collection) {
            bad(field, "expected a text value, got " + describe(v));
            return null;
        }
        return String.valueOf(v);
    }

    @Nullable Boolean bool(String field) {
        Object v = take(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        String s = String.valueOf(v).trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        bad(field, "\"" + v + "\" is not a boolean; accepted: true or false");
        return null;
    }

    boolean bool(String field, boolean def) {
        Boolean b = bool(field);
        return b == null ? def : b;
    }

    @Nullable Integer integer(String field, int min, int max) {
        return integer(field, min, max, min + " to " + max);
    }

    @Nullable Integer integer(String field, int min, int max, String accepted) {
        Object v = take(field);
        if (v == null) {
            return null;
        }
        Integer i = integerValue(child(field), v, min, max, accepted);
        if (i == null) {
            invalid.add(field);
        }
        return i;
    }

    @Nullable Integer integerValue(String fullPath, Object v, int min, int max) {
        return integerValue(fullPath, v, min, max, min + " to " + max);
    }

    @Nullable Integer integerValue(String fullPath, Object v, int min, int max, String accepted) {
        Long n = null;
        if (v instanceof Integer || v instanceof Long) {
            n = ((Number) v).longValue();
        } else if (v instanceof Number) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && !Double.isInfinite(d)) {
                n = (long) d;
            }
        } else if (v instanceof String) {
            try {
                n = Long.parseLong(((String) v).trim());
            } catch (NumberFormatException e) {
                n = null;
            }
        }
        if (n == null) {
            doc.error(fullPath, "\"" + v + "\" is not a whole number; accepted: " + accepted);
            return null;
        }
        if (n < min || n > max) {
            doc.error(fullPath, n + " is out of range; accepted: " + accepted);
            return null;
        }
        return n.intValue();
    }

    @Nullable Double number(String field, double min, double max) {
        Object v = take(field);
        if (v == null) {
            return null;
        }
        String accepted = fmt(min) + " to " + fmt(max);
        Double d = null;
        if (v instanceof Number) {
            d = ((Number) v).doubleValue();
        } else if (v instanceof String) {
            try {
                d = Double.parseDouble(((String) v).trim());
            } catch (NumberFormatException e) {
                d = null;
            }
        }
        if (d == null || d.isNaN()) {
            bad(field, "\"" + v + "\" is not a number; accepted: " + accepted);
            return null;
        }
        if (d < min || d > max) {
            bad(field, fmt(d) + " is out of range; accepted: " + accepted);
            return null;
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    @Nullable Duration duration(String field, Dur range) {
        Object v = take(field);
        if (v == null) {
            return null;
        }
        if (v instanceof Number && ((Number) v).doubleValue() == 0) {
            v = "0";
        }
        if (!(v instanceof String)) {
            bad(field, "\"" + v + "\" is not a duration; accepted: " + DURATION_FORMS + " (a number needs a "
                    + "unit), " + range.text);
            return null;
        }
        Duration d;
        try {
            d = Settings.parseDuration((String) v);
        } catch (IllegalArgumentException e) {
            bad(field, "\"" + v + "\" is not a duration; accepted: " + DURATION_FORMS + ", " + range.text);
            return null;
        }
        if (!range.accepts(d)) {
            bad(field, v + " is out of range; accepted: " + range.text);
            return null;
        }
        return d;
    }

    List<Object> list(String field) {
        Object v = take(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            bad(field, "expected a list, got " + describe(v));
            return List.of();
        }
        return new ArrayList<>((List<?>) v);
    }

    List<String> stringList(String field) {
        List<Object> items = list(field);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (item == null || item instanceof Map || item instanceof Collection) {
                doc.error(child(field) + "[" + i + "]", "expected a text value, got " + describe(item));
            } else {
                out.add(String.valueOf(item));
            }
        }
        return out;
    }

    Map<String, String> stringMap(String field) {
        Object v = take(field);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map)) {
            bad(field, "expected a mapping of labels, got " + describe(v));
            return out;
        }
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
            Object val = e.getValue();
            String key = String.valueOf(e.getKey());
            if (val == null || val instanceof Map || val instanceof Collection) {
                doc.error(child(field) + "." + key, "expected a text value, got " + describe(val));
            } else {
                out.put(key, String.valueOf(val));
            }
        }
        return out;
    }

    @Nullable SpecObject obj(String field) {
        Object v = take(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            bad(field, "expected an object (a mapping), got " + describe(v));
            return null;
        }
        return new SpecObject(doc, child(field), (Map<?, ?>) v);
    }

    List<SpecObject> objList(String field) {
        List<Object> items = list(field);
        List<SpecObject> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String p = child(field) + "[" + i + "]";
            if (!(item instanceof Map)) {
                doc.error(p, "expected an object (a mapping), got " + describe(item));
            } else {
                out.add(new SpecObject(doc, p, (Map<?, ?>) item));
            }
        }
        return out;
    }

    /** Reports every field that no accessor asked for. */
    void finish() {
        for (Iterator<?> it = map.keySet().iterator(); it.hasNext();) {
            String key = String.valueOf(it.next());
            if (known.contains(key)) {
                continue;
            }
            String hint = RETIRED.get(key);
            String message = hint != null ? "unknown field (" + hint + ")"
                    : "unknown field" + Suggestions.didYouMean(key, known);
            doc.unknown(child(key), message);
        }
    }

    static String describe(@Nullable Object v) {
        if (v == null) {
            return "nothing";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof Collection) {
            return "a list";
        }
        return "\"" + v + "\"";
    }
}
