package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.Settings;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IllegalFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The alert template language: the subset of Go's {@code text/template} that alert templates use, so that the
 * operator's templates work unchanged, plus context-aware escaping. The fields ({@code .Title}, {@code .Logs},
 * {@code .CronJob.Namespace}, ...) are listed in {@link TemplateData}; {@code ALERT-CHANNELS.md} documents all of it.
 *
 * <h2>Syntax</h2>
 * <ul>
 *   <li>{@code {{.Title}}}, {@code {{.Context.Logs}}}: a field; {@code {{.}}} the current value (inside
 *       {@code range}/{@code with}); {@code {{$.Title}}} a field of the alert from anywhere.</li>
 *   <li>{@code {{truncate .Logs 500}}}: a function call; {@code {{.Severity | upper}}}: a pipeline, the value on the
 *       left is passed as the <em>last</em> argument (Go semantics); {@code (upper .Type)}: a sub-pipeline.</li>
 *   <li>Literals: {@code "text"} with Go escapes ({@code \n}, {@code \t}, {@code \"}, {@code \\}, {@code \}{@code uXXXX}),
 *       raw {@code `text`}, numbers, {@code true}, {@code false}, {@code nil}.</li>
 *   <li>{@code {{if p}}…{{else if q}}…{{else}}…{{end}}}, {@code {{range .Events}}…{{else}}…{{end}}},
 *       {@code {{with .Reason}}…{{end}}}; empty string, 0, false, absent and empty lists are false.</li>
 *   <li>A comment is an action whose content is enclosed in slash-star and star-slash; it prints nothing.
 *       <code>&#123;&#123;- </code> removes the whitespace before an action, <code> -&#125;&#125;</code> the
 *       whitespace after it.</li>
 * </ul>
 * Not supported (rejected with the position): variables ({@code $x :=}), {@code define}/{@code template}/
 * {@code block}, method calls.
 *
 * <h2>Functions</h2>
 * {@code truncate s n} (first n characters + {@code ...}), {@code tail s n} (last n characters, {@code ...} in
 * front), {@code upper}, {@code lower}, {@code trim}, {@code jsonEscape s} (a JSON string literal, quotes included,
 * as in the operator), {@code toJson v} (any value as JSON), {@code formatTime t [layout] [zone]} (Go layout or
 * name such as {@code "RFC3339"}, default RFC3339 in UTC), {@code humanizeDuration d} ({@code 45s}, {@code 12m},
 * {@code 3h}, {@code 2d}), {@code join list sep}, {@code default fallback value}, {@code len}, {@code eq},
 * {@code ne}, {@code not}, {@code and}, {@code or}, {@code printf format args...} ({@code %s %v %d %f %q %x %%}).
 * {@code truncate} and {@code tail} also accept their arguments the other way round, so
 * {@code {{.Logs | truncate 500}}} works.
 *
 * <h2>Escaping</h2>
 * Text written in the template is output as is. Every inserted value is escaped for where it goes
 * ({@link Escaping}): nothing for plain text, {@code & < >} for Slack, HTML entities for HTML, and for JSON by its
 * position in the output: inside a JSON string as string content, elsewhere as a complete JSON value (strings
 * quoted, numbers as numbers, absent values as {@code null}, lists as arrays). So with JSON escaping no alert
 * content can break the document; only the template's own text can, which is checked when the channel is created.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Template {

    /** How inserted values are escaped. */
    public enum Escaping {
        /** Plain text: values as they are. */
        NONE,
        /** Slack mrkdwn: {@code &}, {@code <}, {@code >} become entities (no forged mentions or links). */
        SLACK,
        /** HTML: {@code & < > " '} become entities. */
        HTML,
        /** JSON: string content inside quotes, JSON values elsewhere. */
        JSON
    }

    /** Longest output a template may produce. */
    static final int MAX_OUTPUT = 1 << 20;

    private final String source;
    private final Escaping escaping;
    private final List<Node> nodes;

    private Template(String source, Escaping escaping, List<Node> nodes) {
        this.source = source;
        this.escaping = escaping;
        this.nodes = nodes;
    }

    /**
     * Parses and checks a template: syntax, function names and argument counts, and field names against
     * {@link TemplateData}'s fields.
     *
     * @throws TemplateException with the line and column of the problem
     */
    public static Template parse(String source, Escaping escaping) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(escaping, "escaping");
        Parser p = new Parser(source);
        return new Template(source, escaping, p.parse());
    }

    /**
     * Renders the template for one alert.
     *
     * @throws TemplateException when a function fails (for example {@code truncate} given a negative length)
     */
    public String render(TemplateData data) {
        Renderer r = new Renderer(data.root());
        r.nodes(nodes, data.root());
        return r.out.toString();
    }

    /** How this template escapes inserted values. */
    public Escaping escaping() {
        return escaping;
    }

    /** The template text. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "Template[" + escaping + ", " + source.length() + " chars]";
    }

    // ------------------------------------------------------------------------------------------ value model

    /** A group of named fields ({@code .CronJob}, {@code .Context}, the alert itself). */
    static final class Struct {
        final Map<String, Object> fields;
        /** What {@code {{.CronJob}}} prints, or {@code null} when the group cannot be printed as a whole. */
        final String display;

        Struct(Map<String, Object> fields, String display) {
            this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            this.display = display;
        }
    }

    /** JSON text made by {@code jsonEscape}/{@code toJson}: inserted as is where a JSON value goes. */
    static final class RawJson {
        final String json;

        RawJson(String json) {
            this.json = json;
        }

        @Override
        public String toString() {
            return json;
        }
    }

    /** The static type of a field, used to check templates before any alert exists. */
    static final class Shape {
        enum Kind { STRING, INT, FLOAT, BOOL, TIME, DURATION, LIST, MAP, STRUCT, ANY }

        static final Shape STRING = new Shape(Kind.STRING, Map.of(), null, true);
        static final Shape INT = new Shape(Kind.INT, Map.of(), null, true);
        static final Shape FLOAT = new Shape(Kind.FLOAT, Map.of(), null, true);
        static final Shape BOOL = new Shape(Kind.BOOL, Map.of(), null, true);
        static final Shape TIME = new Shape(Kind.TIME, Map.of(), null, true);
        static final Shape DURATION = new Shape(Kind.DURATION, Map.of(), null, true);
        static final Shape ANY = new Shape(Kind.ANY, Map.of(), null, true);

        final Kind kind;
        final Map<String, Shape> fields;
        final Shape element;
        final boolean printable;

        private Shape(Kind kind, Map<String, Shape> fields, Shape element, boolean printable) {
            this.kind = kind;
            this.fields = fields;
            this.element = element;
            this.printable = printable;
        }

        static Shape list(Shape element) {
            return new Shape(Kind.LIST, Map.of(), element, true);
        }

        static Shape map(Shape element) {
            return new Shape(Kind.MAP, Map.of(), element, true);
        }

        static Shape struct(boolean printable, Map<String, Shape> fields) {
            return new Shape(Kind.STRUCT, Collections.unmodifiableMap(new LinkedHashMap<>(fields)), null, printable);
        }

        /** The field (exact name first, then ignoring case), or {@code null}. */
        Map.Entry<String, Shape> field(String name) {
            Shape s = fields.get(name);
            if (s != null) {
                return Map.entry(name, s);
            }
            for (Map.Entry<String, Shape> e : fields.entrySet()) {
                if (e.getKey().equalsIgnoreCase(name)) {
                    return e;
                }
            }
            return null;
        }

        String describe() {
            switch (kind) {
                case STRING:
                    return "a string";
                case INT:
                case FLOAT:
                    return "a number";
                case BOOL:
                    return "a boolean";
                case TIME:
                    return "a time";
                case DURATION:
                    return "a duration";
                case LIST:
                    return "a list";
                case MAP:
                    return "a map";
                case STRUCT:
                    return "a group of fields";
                default:
                    return "a value";
            }
        }
    }

    // ------------------------------------------------------------------------------------------ syntax tree

    private interface Node {
    }

    private static final class Text implements Node {
        final String text;

        Text(String text) {
            this.text = text;
        }
    }

    private static final class Print implements Node {
        final Pipeline pipeline;

        Print(Pipeline pipeline) {
            this.pipeline = pipeline;
        }
    }

    private static final class Branch implements Node {
        static final int IF = 0;
        static final int RANGE = 1;
        static final int WITH = 2;
        final int kind;
        final Pipeline pipeline;
        final List<Node> body;
        final List<Node> otherwise;

        Branch(int kind, Pipeline pipeline, List<Node> body, List<Node> otherwise) {
            this.kind = kind;
            this.pipeline = pipeline;
            this.body = body;
            this.otherwise = otherwise;
        }
    }

    private static final class Pipeline {
        final List<Expr> commands;
        final int pos;
        final Shape shape;

        Pipeline(List<Expr> commands, int pos, Shape shape) {
            this.commands = commands;
            this.pos = pos;
            this.shape = shape;
        }
    }

    private abstract static class Expr {
        final int pos;
        final Shape shape;

        Expr(int pos, Shape shape) {
            this.pos = pos;
            this.shape = shape;
        }
    }

    private static final class FieldRef extends Expr {
        final boolean fromRoot;
        final List<String> path;

        FieldRef(boolean fromRoot, List<String> path, int pos, Shape shape) {
            super(pos, shape);
            this.fromRoot = fromRoot;
            this.path = path;
        }
    }

    private static final class Literal extends Expr {
        final Object value;

        Literal(Object value, int pos, Shape shape) {
            super(pos, shape);
            this.value = value;
        }
    }

    private static final class Call extends Expr {
        final Fn fn;
        final List<Expr> args;

        Call(Fn fn, List<Expr> args, int pos) {
            super(pos, fn.result);
            this.fn = fn;
            this.args = args;
        }
    }

    private static final class Sub extends Expr {
        final Pipeline pipeline;

        Sub(Pipeline pipeline, int pos) {
            super(pos, pipeline.shape);
            this.pipeline = pipeline;
        }
    }

    // ------------------------------------------------------------------------------------------ functions

    /** A function failed; the renderer adds the position. */
    private static final class CallError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CallError(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Impl {
        Object apply(Object[] args);
    }

    private static final class Fn {
        final String name;
        final int min;
        final int max;
        final Shape result;
        final Impl impl;

        Fn(String name, int min, int max, Shape result, Impl impl) {
            this.name = name;
            this.min = min;
            this.max = max;
            this.result = result;
            this.impl = impl;
        }

        String arity() {
            if (min == max) {
                return min + (min == 1 ? " argument" : " arguments");
            }
            return max == Integer.MAX_VALUE ? "at least " + min + " arguments" : min + " to " + max + " arguments";
        }
    }

    private static final Map<String, Fn> FUNCTIONS = new TreeMap<>();

    static {
        fn("truncate", 2, 2, Shape.STRING, a -> {
            Object[] sn = stringAndCount(a, "truncate");
            String s = (String) sn[0];
            int n = (Integer) sn[1];
            return s.codePointCount(0, s.length()) <= n ? s : s.substring(0, s.offsetByCodePoints(0, n)) + "...";
        });
        fn("tail", 2, 2, Shape.STRING, a -> {
            Object[] sn = stringAndCount(a, "tail");
            String s = (String) sn[0];
            int n = (Integer) sn[1];
            int count = s.codePointCount(0, s.length());
            return count <= n ? s : "..." + s.substring(s.offsetByCodePoints(0, count - n));
        });
        fn("upper", 1, 1, Shape.STRING, a -> text(a[0]).toUpperCase(Locale.ROOT));
        fn("lower", 1, 1, Shape.STRING, a -> text(a[0]).toLowerCase(Locale.ROOT));
        fn("trim", 1, 1, Shape.STRING, a -> text(a[0]).strip());
        fn("jsonEscape", 1, 1, Shape.STRING, a -> new RawJson(Json.quote(text(a[0]))));
        fn("toJson", 1, 1, Shape.STRING, a -> new RawJson(jsonValue(a[0])));
        fn("formatTime", 1, 3, Shape.STRING, a -> {
            Instant t = time(a[0]);
            if (t == null) {
                return "";
            }
            String layout = a.length > 1 ? text(a[1]) : "RFC3339";
            ZoneId zone = ZoneOffset.UTC;
            if (a.length > 2 && !text(a[2]).isBlank()) {
                try {
                    zone = ZoneId.of(text(a[2]).trim());
                } catch (DateTimeException e) {
                    throw new CallError("formatTime: unknown time zone \"" + text(a[2]) + "\"");
                }
            }
            return GoTime.format(t, layout, zone);
        });
        fn("humanizeDuration", 1, 1, Shape.STRING, a -> {
            Duration d = duration(a[0]);
            return d == null ? "" : Texts.humanize(d);
        });
        fn("join", 2, 2, Shape.STRING, a -> {
            Object list = a[0] instanceof Collection ? a[0] : a[1];
            Object sep = list == a[0] ? a[1] : a[0];
            if (!(list instanceof Collection)) {
                return text(a[0]);
            }
            List<String> parts = new ArrayList<>();
            for (Object o : (Collection<?>) list) {
                parts.add(text(o));
            }
            return String.join(text(sep), parts);
        });
        fn("default", 2, 2, Shape.ANY, a -> truthy(a[1]) ? a[1] : a[0]);
        fn("len", 1, 1, Shape.INT, a -> {
            Object v = a[0];
            if (v == null) {
                return 0L;
            }
            if (v instanceof String) {
                return (long) ((String) v).codePointCount(0, ((String) v).length());
            }
            if (v instanceof Collection) {
                return (long) ((Collection<?>) v).size();
            }
            if (v instanceof Map) {
                return (long) ((Map<?, ?>) v).size();
            }
            throw new CallError("len: cannot take the length of " + typeName(v));
        });
        fn("eq", 2, Integer.MAX_VALUE, Shape.BOOL, a -> {
            for (int i = 1; i < a.length; i++) {
                if (same(a[0], a[i])) {
                    return true;
                }
            }
            return false;
        });
        fn("ne", 2, 2, Shape.BOOL, a -> !same(a[0], a[1]));
        fn("not", 1, 1, Shape.BOOL, a -> !truthy(a[0]));
        fn("and", 2, Integer.MAX_VALUE, Shape.ANY, a -> {
            for (Object o : a) {
                if (!truthy(o)) {
                    return o;
                }
            }
            return a[a.length - 1];
        });
        fn("or", 2, Integer.MAX_VALUE, Shape.ANY, a -> {
            for (Object o : a) {
                if (truthy(o)) {
                    return o;
                }
            }
            return a[a.length - 1];
        });
        fn("printf", 1, Integer.MAX_VALUE, Shape.STRING, a -> printf(text(a[0]), a));
    }

    private static void fn(String name, int min, int max, Shape result, Impl impl) {
        FUNCTIONS.put(name, new Fn(name, min, max, result, impl));
    }

    /** The names of the template functions, sorted. */
    static List<String> functionNames() {
        return List.copyOf(FUNCTIONS.keySet());
    }

    private static Object[] stringAndCount(Object[] a, String fn) {
        Object s = a[0];
        Object n = a[1];
        if (s instanceof Number && !(n instanceof Number)) {
            Object t = s;
            s = n;
            n = t;
        }
        long count = whole(n, fn);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new CallError(fn + ": the length must be 0 or more, was " + count);
        }
        return new Object[] {text(s), (int) count};
    }

    private static long whole(Object v, String fn) {
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double && ((Double) v) == Math.rint((Double) v) && !((Double) v).isInfinite()) {
            return ((Double) v).longValue();
        }
        if (v instanceof String) {
            try {
                return Long.parseLong(((String) v).trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new CallError(fn + ": expected a whole number, got " + typeName(v));
    }

    private static double real(Object v, String fn) {
        if (v instanceof Number) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof String) {
            try {
                return Double.parseDouble(((String) v).trim());
            } catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new CallError(fn + ": expected a number, got " + typeName(v));
    }

    private static Instant time(Object v) {
        if (v == null || (v instanceof String && ((String) v).isBlank())) {
            return null;
        }
        if (v instanceof Instant) {
            return (Instant) v;
        }
        if (v instanceof String) {
            try {
                return OffsetDateTime.parse(((String) v).trim()).toInstant();
            } catch (DateTimeException ignored) {
                // reported below
            }
        }
        throw new CallError("formatTime: expected a time, got " + typeName(v));
    }

    private static Duration duration(Object v) {
        if (v == null || (v instanceof String && ((String) v).isBlank())) {
            return null;
        }
        if (v instanceof Duration) {
            return (Duration) v;
        }
        if (v instanceof Number) {
            return Duration.ofMillis(Math.round(((Number) v).doubleValue() * 1000));
        }
        if (v instanceof String) {
            try {
                return Settings.parseDuration((String) v);
            } catch (IllegalArgumentException ignored) {
                // reported below
            }
        }
        throw new CallError("humanizeDuration: expected a duration, got " + typeName(v));
    }

    private static boolean same(Object a, Object b) {
        if (a instanceof Number && b instanceof Number) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof Boolean || b instanceof Boolean) {
            return truthy(a) == truthy(b) && (a instanceof Boolean && b instanceof Boolean);
        }
        return text(a).equals(text(b));
    }

    private static String printf(String format, Object[] a) {
        StringBuilder out = new StringBuilder();
        int next = 1;
        int n = format.length();
        for (int i = 0; i < n; i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            int j = i + 1;
            StringBuilder flags = new StringBuilder();
            while (j < n && "-+# 0".indexOf(format.charAt(j)) >= 0) {
                flags.append(format.charAt(j++));
            }
            StringBuilder width = new StringBuilder();
            while (j < n && Character.isDigit(format.charAt(j))) {
                width.append(format.charAt(j++));
            }
            String precision = "";
            if (j < n && format.charAt(j) == '.') {
                int k = j + 1;
                while (k < n && Character.isDigit(format.charAt(k))) {
                    k++;
                }
                precision = format.substring(j, k).equals(".") ? ".0" : format.substring(j, k);
                j = k;
            }
            if (j >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(j);
            i = j;
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (next >= a.length) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = a[next++];
            String left = flags.indexOf("-") >= 0 ? "-" : "";
            try {
                switch (verb) {
                    case 'v':
                    case 's':
                        out.append(String.format(Locale.ROOT, "%" + left + width + precision + "s", text(arg)));
                        break;
                    case 'q':
                        out.append(Json.quote(text(arg)));
                        break;
                    case 't':
                        out.append(truthy(arg));
                        break;
                    case 'd':
                        out.append(String.format(Locale.ROOT, "%" + flags + width + "d", whole(arg, "printf")));
                        break;
                    case 'x':
                    case 'X':
                        out.append(String.format(Locale.ROOT, "%" + flags + width + verb, whole(arg, "printf")));
                        break;
                    case 'f':
                    case 'F':
                    case 'e':
                    case 'E':
                    case 'g':
                    case 'G':
                        out.append(String.format(Locale.ROOT, "%" + flags + width + precision
                                + (verb == 'F' ? 'f' : verb), real(arg, "printf")));
                        break;
                    default:
                        out.append("%!").append(verb).append('(').append(text(arg)).append(')');
                }
            } catch (IllegalFormatException e) {
                throw new CallError("printf: invalid format \"%" + flags + width + precision + verb + "\"");
            }
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------ values

    /** The text of a value: strings as they are, numbers as Go prints them, times RFC 3339, lists comma-separated. */
    static String text(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof Double) {
            return Texts.number((Double) v);
        }
        if (v instanceof Instant) {
            return Texts.rfc3339((Instant) v);
        }
        if (v instanceof Duration) {
            return Texts.goDuration((Duration) v);
        }
        if (v instanceof Collection) {
            List<String> parts = new ArrayList<>();
            for (Object o : (Collection<?>) v) {
                parts.add(text(o));
            }
            return String.join(", ", parts);
        }
        if (v instanceof Map) {
            List<String> parts = new ArrayList<>();
            new TreeMap<>((Map<?, ?>) v).forEach((k, val) -> parts.add(k + "=" + text(val)));
            return String.join(", ", parts);
        }
        if (v instanceof Struct) {
            return ((Struct) v).display == null ? "" : ((Struct) v).display;
        }
        return v.toString();
    }

    /** The JSON form of a value. */
    static String jsonValue(Object v) {
        if (v instanceof RawJson) {
            return ((RawJson) v).json;
        }
        Json.Writer w = new Json.Writer();
        jsonValue(w, v);
        return w.toString();
    }

    /** Writes the JSON form of a value: maps by sorted key, groups in their field order, times as text. */
    private static void jsonValue(Json.Writer w, Object v) {
        if (v == null) {
            w.nullValue();
        } else if (v instanceof RawJson) {
            w.rawValue(((RawJson) v).json);
        } else if (v instanceof String) {
            w.value((String) v);
        } else if (v instanceof Number) {
            w.value((Number) v);
        } else if (v instanceof Boolean) {
            w.value(((Boolean) v).booleanValue());
        } else if (v instanceof Instant || v instanceof Duration) {
            w.value(text(v));
        } else if (v instanceof Collection) {
            w.beginArray();
            for (Object o : (Collection<?>) v) {
                jsonValue(w, o);
            }
            w.endArray();
        } else if (v instanceof Struct || v instanceof Map) {
            Map<?, ?> m = v instanceof Struct ? ((Struct) v).fields : new TreeMap<>((Map<?, ?>) v);
            w.beginObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                w.name(String.valueOf(e.getKey()));
                jsonValue(w, e.getValue());
            }
            w.endObject();
        } else {
            w.value(v.toString());
        }
    }

    /** Go's truth: false, 0, empty, absent are false. */
    static boolean truthy(Object v) {
        if (v == null) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v instanceof Number) {
            return ((Number) v).doubleValue() != 0;
        }
        if (v instanceof String) {
            return !((String) v).isEmpty();
        }
        if (v instanceof Collection) {
            return !((Collection<?>) v).isEmpty();
        }
        if (v instanceof Map) {
            return !((Map<?, ?>) v).isEmpty();
        }
        if (v instanceof Duration) {
            return !((Duration) v).isZero();
        }
        return true;
    }

    private static String typeName(Object v) {
        if (v == null) {
            return "nothing (the value is absent)";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Instant) {
            return "a time";
        }
        if (v instanceof Duration) {
            return "a duration";
        }
        if (v instanceof Collection) {
            return "a list";
        }
        if (v instanceof Map) {
            return "a map";
        }
        if (v instanceof Struct) {
            return "a group of fields";
        }
        return "JSON text";
    }

    /** The candidate closest to {@code word} (ignoring case), if it is close enough to be a typo; else null. */
    static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        String w = word.toLowerCase(Locale.ROOT);
        for (String c : candidates) {
            String lc = c.toLowerCase(Locale.ROOT);
            int d = w.length() >= 3 && (lc.startsWith(w) || w.startsWith(lc)) ? 1 : distance(w, lc);
            if (d < bestDistance) {
                bestDistance = d;
                best = c;
            }
        }
        return best != null && bestDistance <= Math.max(2, w.length() / 4) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    // ------------------------------------------------------------------------------------------ rendering

    private final class Renderer {
        final StringBuilder out = new StringBuilder(256);
        final Struct root;
        boolean inString;
        boolean escapePending;

        Renderer(Struct root) {
            this.root = root;
        }

        void nodes(List<Node> list, Object dot) {
            for (Node n : list) {
                if (n instanceof Text) {
                    literal(((Text) n).text);
                } else if (n instanceof Print) {
                    value(eval(((Print) n).pipeline, dot));
                } else {
                    Branch b = (Branch) n;
                    Object v = eval(b.pipeline, dot);
                    if (b.kind == Branch.RANGE) {
                        List<Object> items = items(v, b.pipeline.pos);
                        if (items.isEmpty()) {
                            nodes(b.otherwise, dot);
                        }
                        for (Object item : items) {
                            nodes(b.body, item);
                        }
                    } else if (truthy(v)) {
                        nodes(b.body, b.kind == Branch.WITH ? v : dot);
                    } else {
                        nodes(b.otherwise, dot);
                    }
                }
            }
        }

        private List<Object> items(Object v, int pos) {
            if (v == null) {
                return List.of();
            }
            if (v instanceof Collection) {
                return new ArrayList<>((Collection<?>) v);
            }
            if (v instanceof Map) {
                return new ArrayList<>(new TreeMap<>((Map<?, ?>) v).values());
            }
            throw new TemplateException(source, pos, "range needs a list or a map, got " + typeName(v));
        }

        Object eval(Pipeline p, Object dot) {
            Object v = null;
            for (int i = 0; i < p.commands.size(); i++) {
                Expr e = p.commands.get(i);
                v = i == 0 ? eval(e, dot) : call((Call) e, dot, v, true);
            }
            return v;
        }

        Object eval(Expr e, Object dot) {
            if (e instanceof FieldRef) {
                return lookup((FieldRef) e, dot);
            }
            if (e instanceof Literal) {
                return ((Literal) e).value;
            }
            if (e instanceof Call) {
                return call((Call) e, dot, null, false);
            }
            return eval(((Sub) e).pipeline, dot);
        }

        Object call(Call c, Object dot, Object piped, boolean hasPiped) {
            Object[] args = new Object[c.args.size() + (hasPiped ? 1 : 0)];
            for (int i = 0; i < c.args.size(); i++) {
                args[i] = eval(c.args.get(i), dot);
            }
            if (hasPiped) {
                args[args.length - 1] = piped;
            }
            try {
                return c.fn.impl.apply(args);
            } catch (CallError e) {
                throw new TemplateException(source, c.pos, e.getMessage());
            }
        }

        Object lookup(FieldRef f, Object dot) {
            Object cur = f.fromRoot ? root : dot;
            for (String name : f.path) {
                if (cur == null) {
                    return null;
                }
                if (cur instanceof Struct) {
                    cur = get(((Struct) cur).fields, name);
                } else if (cur instanceof Map) {
                    cur = get((Map<?, ?>) cur, name);
                } else {
                    throw new TemplateException(source, f.pos, "cannot read field " + name + " of " + typeName(cur));
                }
            }
            return cur;
        }

        private Object get(Map<?, ?> m, String name) {
            if (m.containsKey(name)) {
                return m.get(name);
            }
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (String.valueOf(e.getKey()).equalsIgnoreCase(name)) {
                    return e.getValue();
                }
            }
            return null;
        }

        void literal(String s) {
            append(s);
            if (escaping == Escaping.JSON) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (!inString) {
                        inString = c == '"';
                    } else if (escapePending) {
                        escapePending = false;
                    } else if (c == '\\') {
                        escapePending = true;
                    } else if (c == '"') {
                        inString = false;
                    }
                }
            }
        }

        void value(Object v) {
            switch (escaping) {
                case SLACK:
                    append(Texts.slack(text(v)));
                    break;
                case HTML:
                    append(Texts.html(text(v)));
                    break;
                case JSON:
                    if (inString) {
                        if (escapePending) {
                            // the template's own text ended in a backslash: complete it as "\\" so the value stays text
                            append("\\");
                            escapePending = false;
                        }
                        StringBuilder sb = new StringBuilder();
                        Json.escapeTo(text(v), sb);
                        append(sb.toString());
                    } else {
                        append(jsonValue(v));
                    }
                    break;
                default:
                    append(text(v));
            }
        }

        private void append(String s) {
            if (out.length() + s.length() > MAX_OUTPUT) {
                throw new TemplateException(source, 0, "the output would exceed " + MAX_OUTPUT + " characters");
            }
            out.append(s);
        }
    }

    // ------------------------------------------------------------------------------------------ parsing

    private enum T { FIELD, DOT, VAR, IDENT, STRING, NUMBER, LPAREN, RPAREN, PIPE }

    private static final class Tok {
        final T type;
        final String text;
        final Object value;
        final int pos;

        Tok(T type, String text, Object value, int pos) {
            this.type = type;
            this.text = text;
            this.value = value;
            this.pos = pos;
        }
    }

    private static final class Item {
        final boolean action;
        final boolean comment;
        String text;
        final List<Tok> toks;
        final int pos;
        final boolean trimLeft;
        final boolean trimRight;

        Item(boolean action, boolean comment, String text, List<Tok> toks, int pos, boolean trimLeft,
                boolean trimRight) {
            this.action = action;
            this.comment = comment;
            this.text = text;
            this.toks = toks;
            this.pos = pos;
            this.trimLeft = trimLeft;
            this.trimRight = trimRight;
        }

        boolean is(String keyword) {
            return action && !toks.isEmpty() && toks.get(0).type == T.IDENT && toks.get(0).text.equals(keyword);
        }
    }

    private static final class Block {
        final List<Node> nodes;
        final Item terminator;

        Block(List<Node> nodes, Item terminator) {
            this.nodes = nodes;
            this.terminator = terminator;
        }
    }

    private static final class Parser {
        private final String src;
        private final List<Item> items = new ArrayList<>();
        private int ix;

        Parser(String src) {
            this.src = src;
        }

        List<Node> parse() {
            lex();
            Block b = block(TemplateData.SHAPE);
            if (b.terminator != null) {
                throw err(b.terminator.pos, "unexpected {{" + b.terminator.toks.get(0).text + "}} without "
                        + "{{if}}, {{range}} or {{with}}");
            }
            return b.nodes;
        }

        private TemplateException err(int pos, String msg) {
            return new TemplateException(src, pos, msg);
        }

        // ---------------------------------------------------------------- lexer

        private static boolean space(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static boolean identStart(char c) {
            return Character.isLetter(c) || c == '_';
        }

        private static boolean identPart(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        private void lex() {
            int n = src.length();
            int i = 0;
            while (i < n) {
                int open = src.indexOf("{{", i);
                if (open < 0) {
                    items.add(new Item(false, false, src.substring(i), List.of(), i, false, false));
                    break;
                }
                if (open > i) {
                    items.add(new Item(false, false, src.substring(i, open), List.of(), i, false, false));
                }
                int p = open + 2;
                boolean trimLeft = false;
                if (p + 1 < n && src.charAt(p) == '-' && space(src.charAt(p + 1))) {
                    trimLeft = true;
                    p += 2;
                    while (p < n && space(src.charAt(p))) {
                        p++;
                    }
                }
                if (src.startsWith("/*", p)) {
                    int close = src.indexOf("*/", p + 2);
                    if (close < 0) {
                        throw err(open, "unclosed comment");
                    }
                    int r = close + 2;
                    int r2 = r;
                    while (r2 < n && space(src.charAt(r2))) {
                        r2++;
                    }
                    boolean trimRight = false;
                    if (r2 > r && src.startsWith("-}}", r2)) {
                        trimRight = true;
                        r = r2 + 3;
                    } else if (src.startsWith("}}", r)) {
                        r += 2;
                    } else {
                        throw err(close, "a comment must end with */}}");
                    }
                    items.add(new Item(true, true, "", List.of(), open, trimLeft, trimRight));
                    i = r;
                    continue;
                }
                List<Tok> toks = new ArrayList<>();
                boolean trimRight = false;
                while (true) {
                    int before = p;
                    while (p < n && space(src.charAt(p))) {
                        p++;
                    }
                    if (p >= n) {
                        throw err(open, "unclosed action: missing }}");
                    }
                    if (src.startsWith("}}", p)) {
                        p += 2;
                        break;
                    }
                    if (p > before && src.startsWith("-}}", p)) {
                        trimRight = true;
                        p += 3;
                        break;
                    }
                    p = token(p, toks);
                }
                items.add(new Item(true, false, "", toks, open, trimLeft, trimRight));
                i = p;
            }
            for (int k = 0; k < items.size(); k++) {
                Item it = items.get(k);
                if (it.trimLeft && k > 0 && !items.get(k - 1).action) {
                    Item t = items.get(k - 1);
                    t.text = t.text.replaceFirst("[ \\t\\r\\n]+$", "");
                }
                if (it.trimRight && k + 1 < items.size() && !items.get(k + 1).action) {
                    Item t = items.get(k + 1);
                    t.text = t.text.replaceFirst("^[ \\t\\r\\n]+", "");
                }
            }
        }

        private int token(int p, List<Tok> toks) {
            int n = src.length();
            char c = src.charAt(p);
            if (c == '.' || c == '$') {
                int start = p;
                boolean var = c == '$';
                if (var) {
                    p++;
                    if (p < n && identStart(src.charAt(p))) {
                        throw err(start, "variables ($name) are not supported; use $.Field for a field of the alert");
                    }
                }
                List<String> path = new ArrayList<>();
                while (p + 1 < n && src.charAt(p) == '.' && identStart(src.charAt(p + 1))) {
                    int s = ++p;
                    while (p < n && identPart(src.charAt(p))) {
                        p++;
                    }
                    path.add(src.substring(s, p));
                }
                if (!var && path.isEmpty()) {
                    p = start + 1;
                    toks.add(new Tok(T.DOT, ".", List.of(), start));
                    return p;
                }
                toks.add(new Tok(var ? T.VAR : T.FIELD, src.substring(start, p), List.copyOf(path), start));
                return p;
            }
            if (c == '"') {
                StringBuilder sb = new StringBuilder();
                int q = p + 1;
                while (true) {
                    if (q >= n || src.charAt(q) == '\n') {
                        throw err(p, "unterminated string");
                    }
                    char d = src.charAt(q);
                    if (d == '"') {
                        break;
                    }
                    if (d == '\\') {
                        q = escape(q, sb);
                        continue;
                    }
                    sb.append(d);
                    q++;
                }
                toks.add(new Tok(T.STRING, src.substring(p, q + 1), sb.toString(), p));
                return q + 1;
            }
            if (c == '`') {
                int close = src.indexOf('`', p + 1);
                if (close < 0) {
                    throw err(p, "unterminated raw string");
                }
                toks.add(new Tok(T.STRING, src.substring(p, close + 1), src.substring(p + 1, close), p));
                return close + 1;
            }
            if (Character.isDigit(c) || ((c == '-' || c == '+') && p + 1 < n && Character.isDigit(src.charAt(p + 1)))) {
                int q = p + 1;
                boolean real = false;
                while (q < n && (Character.isDigit(src.charAt(q)) || src.charAt(q) == '.' || src.charAt(q) == '_'
                        || src.charAt(q) == 'e' || src.charAt(q) == 'E'
                        || ((src.charAt(q) == '-' || src.charAt(q) == '+')
                            && (src.charAt(q - 1) == 'e' || src.charAt(q - 1) == 'E')))) {
                    real |= src.charAt(q) == '.' || src.charAt(q) == 'e' || src.charAt(q) == 'E';
                    q++;
                }
                String text = src.substring(p, q);
                String digits = text.replace("_", "");
                try {
                    Object value = real ? (Object) Double.parseDouble(digits) : (Object) Long.parseLong(digits);
                    toks.add(new Tok(T.NUMBER, text, value, p));
                } catch (NumberFormatException e) {
                    throw err(p, "invalid number " + text);
                }
                return q;
            }
            if (identStart(c)) {
                int q = p;
                while (q < n && identPart(src.charAt(q))) {
                    q++;
                }
                toks.add(new Tok(T.IDENT, src.substring(p, q), null, p));
                return q;
            }
            switch (c) {
                case '(':
                    toks.add(new Tok(T.LPAREN, "(", null, p));
                    return p + 1;
                case ')':
                    toks.add(new Tok(T.RPAREN, ")", null, p));
                    return p + 1;
                case '|':
                    toks.add(new Tok(T.PIPE, "|", null, p));
                    return p + 1;
                case ':':
                case '=':
                case ',':
                    throw err(p, "variables and assignments are not supported");
                case '\'':
                    throw err(p, "character constants are not supported; use a string in double quotes");
                default:
                    throw err(p, "unexpected character '" + c + "' in action");
            }
        }

        private int escape(int q, StringBuilder sb) {
            int n = src.length();
            if (q + 1 >= n) {
                throw err(q, "unterminated escape");
            }
            char e = src.charAt(q + 1);
            switch (e) {
                case 'n':
                    sb.append('\n');
                    return q + 2;
                case 't':
                    sb.append('\t');
                    return q + 2;
                case 'r':
                    sb.append('\r');
                    return q + 2;
                case 'a':
                    sb.append('\u0007');
                    return q + 2;
                case 'b':
                    sb.append('\b');
                    return q + 2;
                case 'f':
                    sb.append('\f');
                    return q + 2;
                case 'v':
                    sb.append('\u000B');
                    return q + 2;
                case '\\':
                case '"':
                case '\'':
                    sb.append(e);
                    return q + 2;
                case 'x':
                    return hex(q, 2, sb);
                case 'u':
                    return hex(q, 4, sb);
                case 'U':
                    return hex(q, 8, sb);
                default:
                    throw err(q, "unknown escape \\" + e);
            }
        }

        private int hex(int q, int digits, StringBuilder sb) {
            int start = q + 2;
            if (start + digits > src.length()) {
                throw err(q, "incomplete escape");
            }
            try {
                int cp = Integer.parseInt(src.substring(start, start + digits), 16);
                sb.appendCodePoint(cp);
            } catch (IllegalArgumentException ex) {
                throw err(q, "invalid escape " + src.substring(q, start + digits));
            }
            return start + digits;
        }

        // ---------------------------------------------------------------- parser

        private Block block(Shape dot) {
            List<Node> nodes = new ArrayList<>();
            while (ix < items.size()) {
                Item it = items.get(ix++);
                if (!it.action) {
                    if (!it.text.isEmpty()) {
                        nodes.add(new Text(it.text));
                    }
                    continue;
                }
                if (it.comment) {
                    continue;
                }
                if (it.toks.isEmpty()) {
                    throw err(it.pos, "empty action {{ }}");
                }
                Tok first = it.toks.get(0);
                if (first.type == T.IDENT) {
                    switch (first.text) {
                        case "end":
                        case "else":
                            return new Block(nodes, it);
                        case "if":
                            nodes.add(branch(Branch.IF, it, 1, dot));
                            continue;
                        case "range":
                            nodes.add(branch(Branch.RANGE, it, 1, dot));
                            continue;
                        case "with":
                            nodes.add(branch(Branch.WITH, it, 1, dot));
                            continue;
                        case "define":
                        case "template":
                        case "block":
                        case "break":
                        case "continue":
                            throw err(first.pos, "{{" + first.text + "}} is not supported");
                        default:
                            break;
                    }
                }
                Pipeline p = pipeline(it.toks, 0, it.toks.size(), dot);
                if (p.shape.kind == Shape.Kind.STRUCT && !p.shape.printable) {
                    throw err(p.pos, "cannot print " + it.toks.get(0).text + ", a group of fields; use one of: "
                            + fieldList(it.toks.get(0).text, p.shape));
                }
                nodes.add(new Print(p));
            }
            return new Block(nodes, null);
        }

        private Branch branch(int kind, Item it, int from, Shape dot) {
            String name = it.toks.get(from - 1).text;
            if (from >= it.toks.size()) {
                throw err(it.pos, "missing value after " + name);
            }
            Pipeline p = pipeline(it.toks, from, it.toks.size(), dot);
            Shape inner = dot;
            if (kind == Branch.RANGE) {
                switch (p.shape.kind) {
                    case LIST:
                    case MAP:
                        inner = p.shape.element;
                        break;
                    case ANY:
                        inner = Shape.ANY;
                        break;
                    default:
                        throw err(p.pos, "cannot range over " + p.shape.describe() + "; range needs a list such as "
                                + ".Events");
                }
            } else if (kind == Branch.WITH) {
                inner = p.shape;
            }
            Block body = block(inner);
            if (body.terminator == null) {
                throw err(it.pos, "missing {{end}} for this {{" + name + "}}");
            }
            List<Node> otherwise = List.of();
            Item term = body.terminator;
            if (term.is("else")) {
                if (term.toks.size() > 1) {
                    Tok second = term.toks.get(1);
                    if (kind == Branch.IF && second.type == T.IDENT && second.text.equals("if")) {
                        return new Branch(kind, p, body.nodes, List.of(branch(Branch.IF, term, 2, dot)));
                    }
                    throw err(second.pos, "unexpected " + second.text + " after else");
                }
                Block e = block(dot);
                if (e.terminator == null) {
                    throw err(it.pos, "missing {{end}} for this {{" + name + "}}");
                }
                if (e.terminator.is("else")) {
                    throw err(e.terminator.pos, "a second {{else}} for one {{" + name + "}}");
                }
                term = e.terminator;
                otherwise = e.nodes;
            }
            if (term.toks.size() > 1) {
                throw err(term.toks.get(1).pos, "unexpected " + term.toks.get(1).text + " after end");
            }
            return new Branch(kind, p, body.nodes, otherwise);
        }

        private Pipeline pipeline(List<Tok> t, int from, int to, Shape dot) {
            List<int[]> segments = new ArrayList<>();
            int depth = 0;
            int start = from;
            for (int i = from; i < to; i++) {
                T type = t.get(i).type;
                if (type == T.LPAREN) {
                    depth++;
                } else if (type == T.RPAREN) {
                    depth--;
                } else if (type == T.PIPE && depth == 0) {
                    segments.add(new int[] {start, i});
                    start = i + 1;
                }
            }
            segments.add(new int[] {start, to});
            List<Expr> commands = new ArrayList<>();
            for (int k = 0; k < segments.size(); k++) {
                int[] s = segments.get(k);
                if (s[0] >= s[1]) {
                    int pos = s[0] < t.size() ? t.get(s[0]).pos : t.get(t.size() - 1).pos;
                    throw err(pos, "missing command in pipeline");
                }
                Expr e = command(t, s[0], s[1], dot, k > 0 ? 1 : 0);
                if (k > 0 && !(e instanceof Call)) {
                    throw err(t.get(s[0]).pos, "only a function can follow |");
                }
                commands.add(e);
            }
            Expr last = commands.get(commands.size() - 1);
            return new Pipeline(List.copyOf(commands), t.get(from).pos, last.shape);
        }

        private Expr command(List<Tok> t, int from, int to, Shape dot, int piped) {
            Tok first = t.get(from);
            if (first.type == T.IDENT && !isConstant(first.text)) {
                Fn fn = FUNCTIONS.get(first.text);
                if (fn == null) {
                    throw unknownFunction(first);
                }
                List<Expr> args = operands(t, from + 1, to, dot);
                int count = args.size() + piped;
                if (count < fn.min || count > fn.max) {
                    throw err(first.pos, fn.name + " takes " + fn.arity() + ", got " + count
                            + (piped > 0 ? " (counting the value piped in)" : ""));
                }
                return new Call(fn, List.copyOf(args), first.pos);
            }
            List<Expr> ops = operands(t, from, to, dot);
            if (ops.size() > 1) {
                throw err(ops.get(1).pos, "unexpected argument: only functions take arguments");
            }
            return ops.get(0);
        }

        private TemplateException unknownFunction(Tok tok) {
            String s = closest(tok.text, FUNCTIONS.keySet());
            return err(tok.pos, "unknown function \"" + tok.text + "\"" + (s == null ? "" : " (did you mean " + s
                    + "?)") + "; functions: " + String.join(", ", FUNCTIONS.keySet()));
        }

        private boolean isConstant(String word) {
            return word.equals("true") || word.equals("false") || word.equals("nil");
        }

        private List<Expr> operands(List<Tok> t, int from, int to, Shape dot) {
            List<Expr> out = new ArrayList<>();
            int i = from;
            while (i < to) {
                Tok k = t.get(i);
                switch (k.type) {
                    case FIELD:
                        out.add(field(false, k, dot));
                        i++;
                        break;
                    case DOT:
                        out.add(new FieldRef(false, List.of(), k.pos, dot));
                        i++;
                        break;
                    case VAR:
                        out.add(field(true, k, TemplateData.SHAPE));
                        i++;
                        break;
                    case STRING:
                        out.add(new Literal(k.value, k.pos, Shape.STRING));
                        i++;
                        break;
                    case NUMBER:
                        out.add(new Literal(k.value, k.pos, k.value instanceof Long ? Shape.INT : Shape.FLOAT));
                        i++;
                        break;
                    case IDENT:
                        if (isConstant(k.text)) {
                            Object v = k.text.equals("nil") ? null : Boolean.valueOf(k.text);
                            out.add(new Literal(v, k.pos, v == null ? Shape.ANY : Shape.BOOL));
                            i++;
                            break;
                        }
                        if (FUNCTIONS.containsKey(k.text)) {
                            throw err(k.pos, "a function used as an argument must be in parentheses: (" + k.text
                                    + " ...)");
                        }
                        if (k.text.equals("if") || k.text.equals("range") || k.text.equals("with")
                                || k.text.equals("end") || k.text.equals("else")) {
                            throw err(k.pos, "{{" + k.text + "}} must start its own action");
                        }
                        throw unknownFunction(k);
                    case LPAREN: {
                        int depth = 0;
                        int j = i;
                        for (; j < to; j++) {
                            if (t.get(j).type == T.LPAREN) {
                                depth++;
                            } else if (t.get(j).type == T.RPAREN && --depth == 0) {
                                break;
                            }
                        }
                        if (j >= to) {
                            throw err(k.pos, "unclosed (");
                        }
                        if (j == i + 1) {
                            throw err(k.pos, "empty ()");
                        }
                        out.add(new Sub(pipeline(t, i + 1, j, dot), k.pos));
                        i = j + 1;
                        break;
                    }
                    case RPAREN:
                        throw err(k.pos, "unexpected )");
                    default:
                        throw err(k.pos, "unexpected |");
                }
            }
            return out;
        }

        @SuppressWarnings("unchecked")
        private Expr field(boolean fromRoot, Tok tok, Shape base) {
            List<String> raw = (List<String>) tok.value;
            List<String> names = new ArrayList<>();
            Shape s = base;
            StringBuilder sofar = new StringBuilder(fromRoot ? "$" : "");
            for (String name : raw) {
                switch (s.kind) {
                    case STRUCT: {
                        Map.Entry<String, Shape> e = s.field(name);
                        if (e == null) {
                            String hint = closest(name, s.fields.keySet());
                            throw err(tok.pos, "unknown field " + sofar + "." + name + (hint == null ? ""
                                    : " (did you mean " + sofar + "." + hint + "?)") + "; fields here: "
                                    + fieldList(sofar.toString(), s));
                        }
                        names.add(e.getKey());
                        s = e.getValue();
                        break;
                    }
                    case MAP:
                        names.add(name);
                        s = s.element;
                        break;
                    case ANY:
                        names.add(name);
                        break;
                    default:
                        throw err(tok.pos, "cannot read field ." + name + " of " + (sofar.length() == 0 ? "." : sofar)
                                + ", which is " + s.describe());
                }
                sofar.append('.').append(name);
            }
            return new FieldRef(fromRoot, List.copyOf(names), tok.pos, s);
        }

        private static String fieldList(String prefix, Shape s) {
            List<String> names = new ArrayList<>();
            String p = prefix.equals(".") ? "" : prefix;
            for (String f : s.fields.keySet()) {
                names.add(p + "." + f);
            }
            return String.join(", ", names);
        }
    }
}
