package io.cronjobguardian.engine.alert.channel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON toolkit for alert payloads: a string escaper, a streaming {@link Writer} and a validator
 * ({@link #firstError}). Output is always valid RFC 8259 JSON:
 * <ul>
 *   <li>{@code "} and {@code \} are escaped, control characters U+0000–U+001F become {@code \n}, {@code \t},
 *       {@code \r}, {@code \b}, {@code \f} or {@code \}{@code u00XX};</li>
 *   <li>{@code <}, {@code >}, {@code &}, U+2028 and U+2029 are written as {@code \}{@code uXXXX}, so a payload
 *       embedded in HTML or JavaScript cannot close a {@code </script>} element (as Go's encoder does);</li>
 *   <li>a lone UTF-16 surrogate (half of an emoji cut in two) cannot be encoded as UTF-8 and is replaced by U+FFFD,
 *       the replacement character, so every receiver (Jackson, Go, Rust's serde, Python) decodes the same string;
 *       valid surrogate pairs (emoji) are written as they are;</li>
 *   <li>non-finite numbers (NaN, infinity) are written as {@code null}.</li>
 * </ul>
 */
public final class Json {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Json() {
    }

    /** The JSON string literal for {@code s}, quotes included; {@code null} gives {@code null}. */
    public static String quote(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        sb.append('"');
        escapeTo(s, sb);
        return sb.append('"').toString();
    }

    /** The content of the JSON string literal for {@code s}, without the surrounding quotes. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        escapeTo(s, sb);
        return sb.toString();
    }

    /** Appends the escaped content of {@code s} (no quotes) to {@code out}. */
    public static void escapeTo(CharSequence s, StringBuilder out) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '\r':
                    out.append("\\r");
                    break;
                case '\t':
                    out.append("\\t");
                    break;
                case '\b':
                    out.append("\\b");
                    break;
                case '\f':
                    out.append("\\f");
                    break;
                case '<':
                case '>':
                case '&':
                case '\u2028':
                case '\u2029':
                    unicode(c, out);
                    break;
                default:
                    if (c < 0x20) {
                        unicode(c, out);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            out.append(c).append(s.charAt(i + 1));
                            i++;
                        } else {
                            out.append('\uFFFD');
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
            }
        }
    }

    private static void unicode(char c, StringBuilder out) {
        out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                .append(HEX[c & 0xF]);
    }

    /** A JSON number for {@code n}: integers without fraction, {@code null} for NaN and infinities. */
    public static String number(Number n) {
        if (n == null) {
            return "null";
        }
        if (n instanceof Double || n instanceof Float) {
            double d = n.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return "null";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            return Double.toString(d);
        }
        return n.toString();
    }

    /**
     * Writes any of: {@code null}, {@link String}, {@link Number}, {@link Boolean}, {@link Map} (keys as strings),
     * {@link Iterable}; anything else as its {@code toString()} string.
     */
    public static String valueOf(Object value) {
        Writer w = new Writer();
        w.value(value);
        return w.toString();
    }

    /**
     * The offset of the first character that makes {@code json} invalid, or {@code -1} when it is one valid JSON
     * value (surrounded by optional whitespace). A lone surrogate character counts as invalid, since it cannot be
     * sent as UTF-8.
     */
    public static int firstError(String json) {
        return new Validator(json).errorAt();
    }

    /**
     * Why {@code json} is not valid ({@code "line 3, column 7: expected ',' or '}'"}), or {@code null} when it is.
     */
    public static String describeError(String json) {
        Validator v = new Validator(json);
        if (v.validate()) {
            return null;
        }
        int line = 1;
        int col = 1;
        for (int i = 0; i < v.pos && i < json.length(); i++) {
            if (json.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "line " + line + ", column " + col + ": " + v.problem;
    }

    /** A streaming JSON writer that inserts commas and colons itself. Not thread-safe. */
    public static final class Writer {
        private final StringBuilder sb = new StringBuilder(256);
        /** One entry per open container: [0] = is object, [1] = has elements. */
        private final Deque<boolean[]> stack = new ArrayDeque<>();
        private boolean afterName;

        /** Opens an object. */
        public Writer beginObject() {
            beforeValue();
            sb.append('{');
            stack.push(new boolean[] {true, false});
            return this;
        }

        /** Closes the current object. */
        public Writer endObject() {
            boolean[] top = stack.pop();
            if (!top[0] || afterName) {
                throw new IllegalStateException("not inside an object, or a name without value");
            }
            sb.append('}');
            return this;
        }

        /** Opens an array. */
        public Writer beginArray() {
            beforeValue();
            sb.append('[');
            stack.push(new boolean[] {false, false});
            return this;
        }

        /** Closes the current array. */
        public Writer endArray() {
            boolean[] top = stack.pop();
            if (top[0]) {
                throw new IllegalStateException("not inside an array");
            }
            sb.append(']');
            return this;
        }

        /** Writes a member name inside an object. */
        public Writer name(String name) {
            boolean[] top = stack.peek();
            if (top == null || !top[0] || afterName) {
                throw new IllegalStateException("a name must be inside an object and followed by a value");
            }
            if (top[1]) {
                sb.append(',');
            }
            top[1] = true;
            sb.append('"');
            escapeTo(name, sb);
            sb.append("\":");
            afterName = true;
            return this;
        }

        private void beforeValue() {
            if (afterName) {
                afterName = false;
                return;
            }
            boolean[] top = stack.peek();
            if (top == null) {
                if (sb.length() > 0) {
                    throw new IllegalStateException("only one top-level value");
                }
                return;
            }
            if (top[0]) {
                throw new IllegalStateException("a value inside an object needs a name");
            }
            if (top[1]) {
                sb.append(',');
            }
            top[1] = true;
        }

        /** A string value ({@code null} writes {@code null}). */
        public Writer value(String s) {
            beforeValue();
            if (s == null) {
                sb.append("null");
            } else {
                sb.append('"');
                escapeTo(s, sb);
                sb.append('"');
            }
            return this;
        }

        /** A number value ({@code null}, NaN and infinities write {@code null}). */
        public Writer value(Number n) {
            beforeValue();
            sb.append(number(n));
            return this;
        }

        /** A boolean value. */
        public Writer value(boolean b) {
            beforeValue();
            sb.append(b);
            return this;
        }

        /** {@code null}. */
        public Writer nullValue() {
            beforeValue();
            sb.append("null");
            return this;
        }

        /**
         * Any supported value: {@code null}, {@link String}, {@link Number}, {@link Boolean}, {@link Map},
         * {@link Iterable}; anything else as its string form.
         */
        public Writer value(Object v) {
            if (v == null) {
                return nullValue();
            }
            if (v instanceof String) {
                return value((String) v);
            }
            if (v instanceof Number) {
                return value((Number) v);
            }
            if (v instanceof Boolean) {
                return value(((Boolean) v).booleanValue());
            }
            if (v instanceof Map) {
                beginObject();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    name(String.valueOf(e.getKey()));
                    value(e.getValue());
                }
                return endObject();
            }
            if (v instanceof Iterable) {
                beginArray();
                for (Object o : (Iterable<?>) v) {
                    value(o);
                }
                return endArray();
            }
            return value(v.toString());
        }

        /** Already encoded JSON, inserted as one value; the caller guarantees it is valid. */
        public Writer rawValue(String json) {
            beforeValue();
            sb.append(json);
            return this;
        }

        /** {@code name: value} for a string. */
        public Writer field(String name, String value) {
            return name(name).value(value);
        }

        /** {@code name: value} for a number. */
        public Writer field(String name, Number value) {
            return name(name).value(value);
        }

        /** {@code name: value} for a boolean. */
        public Writer field(String name, boolean value) {
            return name(name).value(value);
        }

        /** {@code name: value} only when value is not {@code null}. */
        public Writer fieldIfPresent(String name, Object value) {
            return value == null ? this : name(name).value(value);
        }

        /** {@code name: [strings]}. */
        public Writer field(String name, List<String> values) {
            name(name).beginArray();
            for (String s : values) {
                value(s);
            }
            return endArray();
        }

        /** The JSON written so far. */
        @Override
        public String toString() {
            return sb.toString();
        }
    }

    /** A recursive-descent validator (RFC 8259), depth-limited. */
    private static final class Validator {
        private static final int MAX_DEPTH = 512;
        private final String s;
        private int pos;
        private String problem;

        Validator(String s) {
            this.s = s;
        }

        int errorAt() {
            return validate() ? -1 : pos;
        }

        boolean validate() {
            pos = 0;
            problem = null;
            skipWs();
            if (!value(0)) {
                return false;
            }
            skipWs();
            if (pos != s.length()) {
                return fail("unexpected text after the JSON value");
            }
            return true;
        }

        private boolean fail(String why) {
            if (problem == null) {
                problem = why;
            }
            return false;
        }

        private void skipWs() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                    pos++;
                } else {
                    break;
                }
            }
        }

        private boolean value(int depth) {
            if (depth > MAX_DEPTH) {
                return fail("nested deeper than " + MAX_DEPTH + " levels");
            }
            if (pos >= s.length()) {
                return fail("unexpected end, expected a value");
            }
            char c = s.charAt(pos);
            switch (c) {
                case '{':
                    return object(depth);
                case '[':
                    return array(depth);
                case '"':
                    return string();
                case 't':
                    return literal("true");
                case 'f':
                    return literal("false");
                case 'n':
                    return literal("null");
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    return fail("unexpected character '" + printable(c) + "', expected a value");
            }
        }

        private boolean object(int depth) {
            pos++;
            skipWs();
            if (pos < s.length() && s.charAt(pos) == '}') {
                pos++;
                return true;
            }
            while (true) {
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != '"') {
                    return fail("expected a member name in double quotes");
                }
                if (!string()) {
                    return false;
                }
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != ':') {
                    return fail("expected ':' after a member name");
                }
                pos++;
                skipWs();
                if (!value(depth + 1)) {
                    return false;
                }
                skipWs();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.charAt(pos) == '}') {
                    pos++;
                    return true;
                }
                return fail("expected ',' or '}'");
            }
        }

        private boolean array(int depth) {
            pos++;
            skipWs();
            if (pos < s.length() && s.charAt(pos) == ']') {
                pos++;
                return true;
            }
            while (true) {
                skipWs();
                if (!value(depth + 1)) {
                    return false;
                }
                skipWs();
                if (pos < s.length() && s.charAt(pos) == ',') {
                    pos++;
                    continue;
                }
                if (pos < s.length() && s.charAt(pos) == ']') {
                    pos++;
                    return true;
                }
                return fail("expected ',' or ']'");
            }
        }

        private boolean string() {
            pos++;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == '"') {
                    pos++;
                    return true;
                }
                if (c < 0x20) {
                    return fail("unescaped control character U+" + String.format("%04X", (int) c) + " in a string");
                }
                if (c == '\\') {
                    if (pos + 1 >= s.length()) {
                        return fail("unterminated escape");
                    }
                    char e = s.charAt(pos + 1);
                    if (e == 'u') {
                        if (pos + 6 > s.length()) {
                            return fail("incomplete \\u escape");
                        }
                        for (int i = pos + 2; i < pos + 6; i++) {
                            if (Character.digit(s.charAt(i), 16) < 0) {
                                pos = i;
                                return fail("invalid hex digit in \\u escape");
                            }
                        }
                        pos += 6;
                        continue;
                    }
                    if ("\"\\/bfnrt".indexOf(e) < 0) {
                        pos++;
                        return fail("invalid escape \\" + printable(e));
                    }
                    pos += 2;
                    continue;
                }
                if (Character.isHighSurrogate(c)) {
                    if (pos + 1 < s.length() && Character.isLowSurrogate(s.charAt(pos + 1))) {
                        pos += 2;
                        continue;
                    }
                    return fail("lone surrogate (not encodable as UTF-8)");
                }
                if (Character.isLowSurrogate(c)) {
                    return fail("lone surrogate (not encodable as UTF-8)");
                }
                pos++;
            }
            return fail("unterminated string");
        }

        private boolean literal(String word) {
            if (s.startsWith(word, pos)) {
                pos += word.length();
                return true;
            }
            return fail("unexpected characters, expected " + word);
        }

        private boolean number() {
            if (s.charAt(pos) == '-') {
                pos++;
            }
            if (pos >= s.length()) {
                return fail("incomplete number");
            }
            if (s.charAt(pos) == '0') {
                pos++;
            } else if (isDigit()) {
                while (isDigit()) {
                    pos++;
                }
            } else {
                return fail("invalid number");
            }
            if (pos < s.length() && s.charAt(pos) == '.') {
                pos++;
                if (!isDigit()) {
                    return fail("expected a digit after '.'");
                }
                while (isDigit()) {
                    pos++;
                }
            }
            if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
                pos++;
                if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
                    pos++;
                }
                if (!isDigit()) {
                    return fail("expected a digit in the exponent");
                }
                while (isDigit()) {
                    pos++;
                }
            }
            return true;
        }

        private boolean isDigit() {
            return pos < s.length() && s.charAt(pos) >= '0' && s.charAt(pos) <= '9';
        }

        private static String printable(char c) {
            return c < 0x20 || Character.isSurrogate(c) ? String.format("U+%04X", (int) c) : String.valueOf(c);
        }
    }
}
