package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.testkit.jdbc.LegacyJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void stringsRoundTripExactlyAndEncodeAsAscii() {
        List<String> values = List.of("", "plain", "quote \" backslash \\ slash /", "ctl \u0000\u0001\t\r\n\b\f",
                "ünï©ødé 日本語 🚀", "lone \uD800 surrogate \uDC00", "'; DROP TABLE x; --");
        String json = Json.write(values);
        assertThat(json.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(json).isTrue();
        assertThat(Json.readStringList(json)).isEqualTo(values);
    }

    @Test
    void emptyEventsAreNull() {
        assertThat(Mapping.events(List.of())).isNull();
        assertThat(Json.readStringList(null)).isEmpty();
    }

    @Test
    void alertContextRoundTrips() {
        AlertContext full = new AlertContext("job", 137, "OOMKilled", "msg \"x\"", "log\ntail", List.of("a", "b"),
                "Failed", "fix", 66.5, Duration.ofMillis(1500).plusNanos(7), Map.of("k", "v", "ü", "\u0000"));
        assertThat(Mapping.context(Mapping.context(full))).isEqualTo(full);
        assertThat(Mapping.context(Mapping.context(AlertContext.EMPTY))).isEqualTo(AlertContext.EMPTY);
        AlertContext odd = new AlertContext(null, -1, null, null, null, List.of(), null, null, Double.NaN, null,
                Map.of());
        assertThat(Mapping.context(Mapping.context(odd)).successRate()).isNaN();
    }

    @Test
    void textTheHandWrittenWriterStoredReadsBackTheSame() {
        assertThat(Json.readStringList(LegacyJson.EVENTS_JSON)).isEqualTo(LegacyJson.EVENTS);
        assertThat(Mapping.context(LegacyJson.CONTEXT_JSON)).isEqualTo(LegacyJson.CONTEXT);
        assertThat(Mapping.context(LegacyJson.CONTEXT_JSON_UNSORTED)).isEqualTo(LegacyJson.CONTEXT);
        assertThat(Mapping.context(LegacyJson.CONTEXT_NAN_JSON).successRate()).isNaN();
        assertThat(Mapping.context(LegacyJson.CONTEXT_NAN_JSON)).isEqualTo(LegacyJson.sparseContext(Double.NaN));
        assertThat(Mapping.context(LegacyJson.CONTEXT_1E20_JSON)).isEqualTo(LegacyJson.sparseContext(1e20));
        assertThat(Mapping.context(LegacyJson.CONTEXT_NEG_INF_JSON))
                .isEqualTo(LegacyJson.sparseContext(Double.NEGATIVE_INFINITY));
        assertThat(Json.read(LegacyJson.REFS_JSON)).isEqualTo(List.of(List.of("ns", "name"),
                List.of("prod", "nightly-backup")));
    }

    @Test
    void theWriterProducesTheHandWrittenWritersTextCharacterForCharacter() {
        assertThat(Json.write(LegacyJson.EVENTS)).isEqualTo(LegacyJson.EVENTS_JSON);
        assertThat(Mapping.events(LegacyJson.EVENTS)).isEqualTo(LegacyJson.EVENTS_JSON);
        assertThat(Mapping.context(LegacyJson.CONTEXT)).isEqualTo(LegacyJson.CONTEXT_JSON);
        assertThat(Mapping.context(LegacyJson.sparseContext(1e20))).isEqualTo(LegacyJson.CONTEXT_1E20_JSON);
        assertThat(Mapping.context(LegacyJson.sparseContext(Double.NaN))).isEqualTo(LegacyJson.CONTEXT_NAN_JSON);
        assertThat(Mapping.context(LegacyJson.sparseContext(Double.NEGATIVE_INFINITY)))
                .isEqualTo(LegacyJson.CONTEXT_NEG_INF_JSON);
        List<Object> pairs = new ArrayList<>(List.of(List.of("ns", "name"), List.of("prod", "nightly-backup")));
        assertThat(Json.write(pairs)).isEqualTo(LegacyJson.REFS_JSON);
        Map<String, Object> mixed = new LinkedHashMap<>();
        mixed.put("b", true);
        mixed.put("n", null);
        mixed.put("i", 7);
        mixed.put("l", -9_000_000_000L);
        mixed.put("d", -0.5);
        assertThat(Json.write(mixed)).isEqualTo("{\"b\":true,\"n\":null,\"i\":7,\"l\":-9000000000,\"d\":-0.5}");
        Map<String, Object> back = new LinkedHashMap<>(mixed);
        back.put("i", 7L);
        assertThat(Json.read(Json.write(mixed))).isEqualTo(back);
    }

    @Test
    void malformedTextIsRefused() {
        for (String bad : List.of("", "[", "[\"a\",]", "{\"a\":1}}", "[1] [2]", "\"\\x\"", "{'a':1}")) {
            assertThatThrownBy(() -> Json.read(bad)).as(bad).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> Json.write(List.of(new Object()))).isInstanceOf(IllegalArgumentException.class);
    }
}
