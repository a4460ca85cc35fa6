package io.cronjobguardian.engine.alert.channel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * The alert payloads' JSON, on Jackson's streaming API ({@code jackson-core} only): a string quoter, a streaming
 * {@link Writer} and a validator ({@link #describeError}). Output is always valid RFC 8259 JSON:
 * <ul>
 *   <li>{@code "} and {@code \} are escaped, control characters U+0000–U+001F become {@code \n}, {@code \t},
 *       {@code \r}, {@code \b}, {@code \f} or {@code \}{@code u00xx} (lower-case hex);</li>
 *   <li>{@code <}, {@code >}, {@code &}, U+2028 and U+2029 are written as {@code \}{@code uxxxx}, so a payload
 *       embedded in HTML or JavaScript cannot close a {@code </script>} element (as Go's encoder does);</li>
 *   <li>a lone UTF-16 surrogate (half of an emoji cut in two) cannot be encoded as UTF-8 and is replaced by U+FFFD,
 *       the replacement character, so every receiver (Jackson, Go, Rust's serde, Python) decodes the same string;
 *       valid surrogate pairs (emoji) are written as they are;</li>
 *   <li>non-finite numbers (NaN, infinity) are written as {@code null}; whole doubles below 10^15 without a
 *       fraction ({@code 95}, not {@code 95.0}).</li>
 * </ul>
 * The factory is immutable and shared; every writer and validation makes its own generator or parser.
 */
final class Json {

    /** Nesting accepted by {@link #describeError} (Jackson's default is 1000). */
    static final int MAX_DEPTH = 512;

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .characterEscapes(new HtmlSafeEscapes())
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private Json() {
    }

    /** The JSON string literal for {@code s}, quotes included; {@code null} gives {@code null}. */
    static String quote(String s) {
        if (s == null) {
            return "null";
        }
        return new Writer().value(s).toString();
    }

    /** Appends the escaped content of {@code s} (the JSON string literal without its quotes) to {@code out}. */
    static void escapeTo(CharSequence s, StringBuilder out) {
        String quoted = quote(s.toString());
        out.append(quoted, 1, quoted.length() - 1);
    }

    /** A JSON number for {@code n}: whole doubles without fraction, {@code null} for NaN and infinities. */
    static String number(Number n) {
        return new Writer().value(n).toString();
    }

    /**
     * {@code s} with every lone UTF-16 surrogate replaced by U+FFFD; {@code s} itself when it has none (the common
     * case costs one scan).
     */
    static String wellFormed(String s) {
        int lone = firstLoneSurrogate(s);
        return lone < 0 ? s : replaceLoneSurrogates(s, lone);
    }

    private static String replaceLoneSurrogates(String s, int from) {
        StringBuilder sb = new StringBuilder(s.length()).append(s, 0, from);
        int n = s.length();
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                sb.append('\uFFFD');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The index of the first lone surrogate in {@code s}, or {@code -1}. */
    private static int firstLoneSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The offset of the first character that makes {@code json} invalid, or {@code -1} when it is one valid JSON
     * value (surrounded by optional whitespace). A lone surrogate character counts as invalid, since it cannot be
     * sent as UTF-8.
     */
    static int firstError(String json) {
        Problem p = check(json);
        return p == null ? -1 : p.offset;
    }

    /**
     * Why {@code json} is not valid ({@code "line 3, column 7: Unexpected character ..."}), or {@code null} when it
     * is one valid JSON value.
     */
    static String describeError(String json) {
        Problem p = check(json);
        if (p == null) {
            return null;
        }
        int line = 1;
        int col = 1;
        for (int i = 0; i < p.offset && i < json.length(); i++) {
            if (json.charAt(i) == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        return "line " + line + ", column " + col + ": " + p.why;
    }

    private record Problem(int offset, String why) {
    }

    private static Problem check(String json) {
        int lone = firstLoneSurrogate(json);
        Problem syntax = syntax(json);
        if (lone >= 0 && (syntax == null || lone <= syntax.offset)) {
            return new Problem(lone, "lone surrogate (not encodable as UTF-8)");
        }
        return syntax;
    }

    private static Problem syntax(String json) {
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() == null) {
                return new Problem(json.length(), "unexpected end, expected a value");
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return new Problem(offset(p.currentTokenLocation(), json), "unexpected text after the JSON value");
            }
            return null;
        } catch (JsonProcessingException e) {
            return new Problem(offset(e.getLocation(), json), reason(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail", e);
        }
    }

    private static int offset(JsonLocation at, String json) {
        if (at == null || at.getCharOffset() < 0) {
            return json.length();
        }
        return (int) Math.min(at.getCharOffset(), json.length());
    }

    /** Jackson's message without its hints about parser features, which a template author cannot set. */
    private static String reason(String message) {
        String m = message == null ? "invalid JSON" : message.replace('\n', ' ');
        int hint = m.indexOf(": enable `");
        return hint < 0 ? m.trim() : m.substring(0, hint).trim();
    }

    /**
     * A streaming JSON writer over a Jackson {@link JsonGenerator}: it inserts commas and colons itself, escapes as
     * the class comment says, and refuses malformed sequences with an {@link IllegalStateException}. Not
     * thread-safe.
     */
    static final class Writer {
        private final StringWriter out = new StringWriter(256);
        private final JsonGenerator g;
        private boolean afterName;
        private String result;

        Writer() {
            try {
                g = FACTORY.createGenerator(out);
            } catch (IOException e) {
                throw new IllegalStateException("writing to a string cannot fail", e);
            }
        }

        private interface Step {
            void run() throws IOException;
        }

        private Writer write(Step step) {
            if (result != null) {
                throw new IllegalStateException("only one top-level value");
            }
            try {
                step.run();
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            return this;
        }

        private void beforeValue() {
            if (afterName) {
                afterName = false;
            } else if (g.getOutputContext().inRoot() && g.getOutputContext().getEntryCount() > 0) {
                throw new IllegalStateException("only one top-level value");
            }
        }

        /** Opens an object. */
        Writer beginObject() {
            beforeValue();
            return write(g::writeStartObject);
        }

        /** Closes the current object. */
        Writer endObject() {
            if (afterName) {
                throw new IllegalStateException("a name without value");
            }
            return write(g::writeEndObject);
        }

        /** Opens an array. */
        Writer beginArray() {
            beforeValue();
            return write(g::writeStartArray);
        }

        /** Closes the current array. */
        Writer endArray() {
            return write(g::writeEndArray);
        }

        /** Writes a member name inside an object. */
        Writer name(String name) {
            write(() -> g.writeFieldName(wellFormed(name)));
            afterName = true;
            return this;
        }

        /** A string value ({@code null} writes {@code null}). */
        Writer value(String s) {
            if (s == null) {
                return nullValue();
            }
            beforeValue();
            return write(() -> g.writeString(wellFormed(s)));
        }

        /** A number value ({@code null}, NaN and infinities write {@code null}). */
        Writer value(Number n) {
            beforeValue();
            return write(() -> writeNumber(n));
        }

        private void writeNumber(Number n) throws IOException {
            if (n == null) {
                g.writeNull();
            } else if (n instanceof Double || n instanceof Float) {
                double d = n.doubleValue();
                if (!Double.isFinite(d)) {
                    g.writeNull();
                } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    g.writeNumber((long) d);
                } else {
                    g.writeNumber(d);
                }
            } else if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
                g.writeNumber(n.longValue());
            } else if (n instanceof BigDecimal) {
                g.writeNumber((BigDecimal) n);
            } else if (n instanceof BigInteger) {
                g.writeNumber((BigInteger) n);
            } else {
                g.writeNumber(n.toString());
            }
        }

        /** A boolean value. */
        Writer value(boolean b) {
            beforeValue();
            return write(() -> g.writeBoolean(b));
        }

        /** {@code null}. */
        Writer nullValue() {
            beforeValue();
            return write(g::writeNull);
        }

        /**
         * Any supported value: {@code null}, {@link String}, {@link Number}, {@link Boolean}, {@link Map} (in its
         * iteration order, keys as strings), {@link Iterable}; anything else as its string form.
         */
        Writer value(Object v) {
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
        Writer rawValue(String json) {
            beforeValue();
            return write(() -> g.writeRawValue(json));
        }

        /** {@code name: value} for a string. */
        Writer field(String name, String value) {
            return name(name).value(value);
        }

        /** {@code name: value} for a number. */
        Writer field(String name, Number value) {
            return name(name).value(value);
        }

        /** {@code name: value} for a boolean. */
        Writer field(String name, boolean value) {
            return name(name).value(value);
        }

        /** {@code name: value} only when value is not {@code null}. */
        Writer fieldIfPresent(String name, Object value) {
            return value == null ? this : name(name).value(value);
        }

        /** {@code name: [strings]}. */
        Writer field(String name, List<String> values) {
            name(name).beginArray();
            for (String s : values) {
                value(s);
            }
            return endArray();
        }

        /**
         * The JSON written so far. Once the top-level value is complete the generator is closed (its buffers go
         * back to Jackson's pool) and nothing more can be written.
         */
        @Override
        public String toString() {
            if (result != null) {
                return result;
            }
            try {
                if (g.getOutputContext().inRoot() && g.getOutputContext().getEntryCount() > 0) {
                    g.close();
                    result = out.toString();
                    return result;
                }
                g.flush();
            } catch (IOException e) {
                throw new IllegalStateException("writing to a string cannot fail", e);
            }
            return out.toString();
        }
    }

    /**
     * Jackson's standard JSON escapes plus {@code < > &} (ASCII table) and U+2028/U+2029 (per character), all as
     * {@code \}{@code uxxxx}.
     */
    private static final class HtmlSafeEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private static final SerializedString LS = new SerializedString("\\u2028");
        private static final SerializedString PS = new SerializedString("\\u2029");
        private final int[] ascii;

        HtmlSafeEscapes() {
            int[] table = standardAsciiEscapesForJSON();
            table['<'] = ESCAPE_STANDARD;
            table['>'] = ESCAPE_STANDARD;
            table['&'] = ESCAPE_STANDARD;
            this.ascii = table;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch == '\u2028') {
                return LS;
            }
            if (ch == '\u2029') {
                return PS;
            }
            return null;
        }
    }
}
