package io.cronjobguardian.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.cronjobguardian.api.Nullable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/** Writes JSON bodies with jackson-core's streaming generator. */
final class Json {

    static final JsonFactory FACTORY = JsonFactory.builder().build();

    /** Writes one JSON value. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private Json() {
    }

    static byte[] bytes(Body body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void string(JsonGenerator g, String field, @Nullable Object value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value.toString());
        }
    }

    static void instant(JsonGenerator g, String field, @Nullable Instant value) throws IOException {
        string(g, field, value);
    }

    /** A duration in seconds with millisecond precision, or null. */
    static void seconds(JsonGenerator g, String field, @Nullable Duration value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value.getSeconds() + value.getNano() / 1e9);
        }
    }

    static void integer(JsonGenerator g, String field, @Nullable Integer value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }

    static void strings(JsonGenerator g, String field, Collection<?> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (Object v : values) {
            g.writeString(String.valueOf(v));
        }
        g.writeEndArray();
    }
}
