package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The JSON writer is checked against an independent parser (Jackson). */
class JsonTest {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static JsonNode parse(String json) throws Exception {
        return HttpReceiver.JSON.readTree(json);
    }

    private static String sanitized(String s) {
        return JsonTestSupport.sanitized(s);
    }

    @Test
    void everyAsciiCharacterRoundTrips() throws Exception {
        for (char c = 0; c < 0x80; c++) {
            String s = "a" + c + "b";
            String json = Json.quote(s);
            assertThat(parse(json).textValue()).as("U+%04X", (int) c).isEqualTo(s);
            assertThat(Json.firstError(json)).isEqualTo(-1);
        }
    }

    @Test
    void quotesBackslashesControlsAndMarkupAreEscaped() throws Exception {
        String s = "\"\\/\b\f\n\r\t\u0000\u001f</script><!--&\u2028\u2029";
        String json = Json.quote(s);
        assertThat(json).doesNotContain("</").doesNotContain("<!").doesNotContain("\n").doesNotContain("\u2028");
        assertThat(json).startsWith("\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0000\\u001f\\u003c/script\\u003e");
        assertThat(parse(json).textValue()).isEqualTo(s);
    }

    @Test
    void emojiStayWholeAndLoneSurrogatesBecomeTheReplacementCharacter() throws Exception {
        String emoji = "fire \uD83D\uDD25 rocket \uD83D\uDE80";
        assertThat(Json.quote(emoji)).isEqualTo("\"" + emoji + "\"");
        for (String lone : List.of("\uD800", "\uDC00", "a\uD83D", "\uDE80b", "\uDE80\uD83D", "x\uD83D\uD83D\uDE80")) {
            String json = Json.quote(lone);
            assertThat(Json.firstError(json)).as(json).isEqualTo(-1);
            assertThat(parse(json).textValue()).isEqualTo(sanitized(lone));
        }
        assertThat(parse(Json.quote("x\uD83D\uD83D\uDE80")).textValue()).isEqualTo("x\uFFFD\uD83D\uDE80");
    }

    @Test
    void randomStringsOfAnyUtf16CodeUnitsAlwaysGiveValidJson() throws Exception {
        Random random = new Random(42);
        char[] pool = {'"', '\\', '\n', '\r', '\t', '\u0000', '\u0001', '\u001f', '<', '>', '&', '/', 'a', 'Z', ' ',
            '\u2028', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D', '\uDE80', '\u00e9', '\uFFFF', '\u007f'};
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = random.nextInt(20);
            for (int k = 0; k < len; k++) {
                sb.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : pool[random.nextInt(pool.length)]);
            }
            String s = sb.toString();
            String json = new Json.Writer().beginObject().field(s, s).name("list").beginArray().value(s).endArray()
                    .endObject().toString();
            assertThat(Json.describeError(json)).as("%s", json).isNull();
            JsonNode node = parse(json);
            assertThat(node.get(sanitized(s)).textValue()).isEqualTo(sanitized(s));
            assertThat(node.get("list").get(0).textValue()).isEqualTo(sanitized(s));
        }
    }

    @Test
    void theWriterNestsAndSeparates() throws Exception {
        Map<String, Object> attributes = new TreeMap<>(Map.of("b", 2L, "a", List.of("x", true)));
        String json = new Json.Writer().beginObject()
                .field("s", "text")
                .field("n", 42L)
                .field("d", 87.5)
                .field("whole", 95.0)
                .field("nan", Double.NaN)
                .field("inf", Double.POSITIVE_INFINITY)
                .field("t", true)
                .fieldIfPresent("absent", null)
                .field("nullString", (String) null)
                .name("empty").beginObject().endObject()
                .name("arr").beginArray().value(1L).nullValue().beginArray().endArray().beginObject().field("k", "v")
                .endObject().endArray()
                .name("map").value(attributes)
                .endObject().toString();
        assertThat(Json.firstError(json)).isEqualTo(-1);
        JsonNode n = parse(json);
        assertThat(n.get("s").textValue()).isEqualTo("text");
        assertThat(n.get("n").longValue()).isEqualTo(42);
        assertThat(n.get("d").doubleValue()).isEqualTo(87.5);
        assertThat(json).contains("\"whole\":95,");
        assertThat(n.get("nan").isNull()).isTrue();
        assertThat(n.get("inf").isNull()).isTrue();
        assertThat(n.get("t").booleanValue()).isTrue();
        assertThat(n.has("absent")).isFalse();
        assertThat(n.get("nullString").isNull()).isTrue();
        assertThat(n.get("arr").size()).isEqualTo(4);
        assertThat(n.get("arr").get(3).get("k").textValue()).isEqualTo("v");
        assertThat(n.get("map").get("a").get(1).booleanValue()).isTrue();
        assertThat(json).contains("\"map\":{\"a\":[\"x\",true],\"b\":2}");
    }

    @Test
    void theWriterRefusesMalformedSequences() {
        assertThatThrownBy(() -> new Json.Writer().beginObject().value("no name"))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Json.Writer().beginArray().name("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Json.Writer().value("a").value("b")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Json.Writer().beginObject().name("x").endObject())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theValidatorAgreesWithJackson() throws Exception {
        List<String> valid = List.of("{}", "[]", "0", "-0.5e+10", "\"\\u00e9\\/\"", " {\"a\" : [1, 2, {\"b\": null}]} ",
                "true", "[false, \"x\"]", "{\"k\":\"\uD83D\uDE80\"}");
        List<String> invalid = List.of("", "{", "{\"a\":1,}", "[1,]", "{'a':1}", "01", "1.", ".5", "-", "NaN",
                "\"tab\tinside\"", "\"nl\ninside\"", "{\"a\" 1}", "[1 2]", "\"\\x41\"", "\"\\u12\"", "{} {}",
                "\"unterminated", "tru", "nul", "{\"a\":1}}");
        for (String v : valid) {
            assertThat(Json.describeError(v)).as(v).isNull();
            parse(v);
        }
        for (String v : invalid) {
            assertThat(Json.firstError(v)).as(v).isGreaterThanOrEqualTo(0);
            assertThat(Json.describeError(v)).as(v).startsWith("line 1, column ");
            assertThatThrownBy(() -> STRICT.readTree(v).requireNonNull()).as(v).isNotNull();
        }
        assertThat(Json.describeError("{\"a\":\"\uD800\"}")).contains("lone surrogate");
        assertThat(Json.describeError("{\n  \"a\": 1,\n  \"b\" 2\n}")).isEqualTo("line 3, column 7: expected ':' after a "
                + "member name");
        assertThat(Json.describeError("[".repeat(600) + "]".repeat(600))).contains("nested deeper");
    }
}
