package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertContext;
import java.time.Duration;
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
}
