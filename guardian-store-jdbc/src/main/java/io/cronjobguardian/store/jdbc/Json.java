package io.cronjobguardian.store.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few structured values kept in text columns (event lists, alert contexts), on Jackson's streaming API. Strings
 * round-trip exactly: every character outside printable ASCII is written as a lower-case {@code \\uxxxx} escape, so
 * lone surrogates and NUL survive any database encoding. The text is the one the store wrote before it used Jackson,
 * character for character, so rows written by either read back the same.
 */
final class Json {

    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
            .disable(JsonWriteFeature.WRITE_HEX_UPPER_CASE)
            .characterEscapes(new AsciiOnlyEscapes())
            // our own rows: a long log tail in an alert context must not trip Jackson's 20M default
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
            .build();

    private Json() {
    }

    // ---------------------------------------------------------------- writing

    /**
     * {@code value} as JSON: {@code null}, {@link String}, {@link Boolean}, {@link Integer}, {@link Long},
     * {@link Double} (NaN and infinities as the strings {@link #asDouble} reads back), {@link List}, {@link Map} with
     * string keys (in iteration order).
     */
    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("writing JSON to a string failed", e);
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static void write(JsonGenerator g, Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String) {
            g.writeString((String) value);
        } else if (value instanceof Boolean) {
            g.writeBoolean((Boolean) value);
        } else if (value instanceof Integer || value instanceof Long) {
            g.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double) {
            double d = (Double) value;
            if (Double.isFinite(d)) {
                g.writeNumber(d);
            } else {
                g.writeString(Double.toString(d)); // NaN / Infinity as strings, read back by asDouble
            }
        } else if (value instanceof List) {
            g.writeStartArray();
            for (Object o : (List<Object>) value) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (value instanceof Map) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) value).entrySet()) {
                g.writeFieldName(e.getKey());
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass() + " as JSON");
        }
    }

    // ---------------------------------------------------------------- reading

    /** Parses a JSON text into String, Long, Double, Boolean, null, List and LinkedHashMap values. */
    static Object read(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() == null) {
                throw new IllegalStateException("invalid JSON: no value");
            }
            Object v = value(p);
            if (p.nextToken() != null) {
                throw new IllegalStateException("invalid JSON at " + p.currentTokenLocation().getCharOffset()
                        + ": trailing characters");
            }
            return v;
        } catch (IOException e) {
            throw new IllegalStateException("invalid JSON: " + e.getMessage(), e);
        }
    }

    private static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case START_ARRAY: {
                List<Object> out = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    out.add(value(p));
                }
                return out;
            }
            case START_OBJECT: {
                Map<String, Object> out = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    out.put(name, value(p));
                }
                return out;
            }
            default:
                throw new IllegalStateException("invalid JSON: unexpected " + t);
        }
    }

    static List<String> readStringList(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        Object v = read(text);
        if (!(v instanceof List)) {
            throw new IllegalStateException("expected a JSON array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            out.add((String) o);
        }
        return out;
    }

    static Double asDouble(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof String) {
            return Double.valueOf((String) o);
        }
        return ((Number) o).doubleValue();
    }

    /**
     * The escapes of the store's first, hand-written writer: {@code \" \\ \n \r \t} short, every other control
     * character, DEL (U+007F) and (with {@code ESCAPE_NON_ASCII}) everything above as {@code \}{@code uxxxx}.
     */
    private static final class AsciiOnlyEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        AsciiOnlyEscapes() {
            int[] table = standardAsciiEscapesForJSON();
            table['\b'] = ESCAPE_STANDARD;
            table['\f'] = ESCAPE_STANDARD;
            table[0x7f] = ESCAPE_STANDARD;
            this.ascii = table;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null;
        }
    }
}
