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
        assertThat(Json.describeError("{\n  \"a\": 1,\n  \"b\" 2\n}")).startsWith("line 3, column 7: ")
                .contains("expecting a colon");
        assertThat(Json.describeError("{} {}")).isEqualTo("line 1, column 4: unexpected text after the JSON value");
        assertThat(Json.describeError(" ")).isEqualTo("line 1, column 2: unexpected end, expected a value");
        assertThat(Json.describeError("NaN")).as("no hint about parser features a template author cannot set")
                .doesNotContain("enable");
        assertThat(Json.describeError("[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH))).isNull();
        assertThat(Json.describeError("[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1)))
                .contains("nesting depth");
        assertThat(Json.describeError("[\"\uD800\", }")).as("the first problem is reported")
                .isEqualTo("line 1, column 3: lone surrogate (not encodable as UTF-8)");
        assertThat(Json.describeError("[1, }, \"\uD800\"]")).startsWith("line 1, column 5: ");
    }

    /** The characters that must never appear raw in a payload, and their escapes (lower-case hex). */
    private static final Map<String, String> HTML_SAFE = Map.of("<", "\\u003c", ">", "\\u003e", "&", "\\u0026",
            "\u2028", "\\u2028", "\u2029", "\\u2029");

    private static void assertHtmlSafe(String json) {
        HTML_SAFE.forEach((raw, escaped) -> assertThat(json).as(json).doesNotContain(raw).contains(escaped));
    }

    @Test
    void markupAndLineSeparatorsAreEscapedInEveryWritingPath() throws Exception {
        String s = "<a href='x'>&amp;</a>\u2028\u2029";
        assertHtmlSafe(Json.quote(s));
        StringBuilder content = new StringBuilder();
        Json.escapeTo(s, content);
        assertHtmlSafe(content.toString());
        String names = new Json.Writer().beginObject().name(s).value(1L).endObject().toString();
        assertHtmlSafe(names);
        String values = new Json.Writer().beginObject().field("v", s).field("l", List.of(s))
                .name("m").value(new TreeMap<>(Map.of("k", s))).endObject().toString();
        assertHtmlSafe(values);
        assertHtmlSafe(Template.jsonValue(Map.of(s, List.of(s))));
        assertThat(parse(values).get("v").textValue()).isEqualTo(s);
        assertThat(parse(names).fieldNames().next()).isEqualTo(s);
        assertThat(Json.quote("\u0000\u001f\u007f<")).as("controls and markup as lower-case \\u escapes")
                .isEqualTo("\"\\u0000\\u001f\u007f\\u003c\"");
    }

    @Test
    void numbersKeepTheirFormat() throws Exception {
        assertThat(Json.number(95.0)).isEqualTo("95");
        assertThat(Json.number(-0.0)).isEqualTo("0");
        assertThat(Json.number(87.5)).isEqualTo("87.5");
        assertThat(Json.number(1e15)).isEqualTo("1.0E15");
        assertThat(Json.number(1e20)).isEqualTo("1.0E20");
        assertThat(Json.number(0.1f)).isEqualTo(Double.toString(0.1f));
        assertThat(Json.number(7)).isEqualTo("7");
        assertThat(Json.number(Long.MIN_VALUE)).isEqualTo(Long.toString(Long.MIN_VALUE));
        assertThat(Json.number(new java.math.BigDecimal("12.50"))).isEqualTo("12.50");
        assertThat(Json.number(java.math.BigInteger.TEN.pow(30))).isEqualTo("1" + "0".repeat(30));
        assertThat(Json.number(Double.NaN)).isEqualTo("null");
        assertThat(Json.number(Float.NEGATIVE_INFINITY)).isEqualTo("null");
        assertThat(Json.number(null)).isEqualTo("null");
        assertThat(parse(Json.number(1e20)).doubleValue()).isEqualTo(1e20);
    }

    @Test
    void aFinishedWriterTakesNothingMore() {
        Json.Writer w = new Json.Writer().beginObject().endObject();
        assertThat(w.toString()).isEqualTo("{}");
        assertThatThrownBy(() -> w.beginObject()).isInstanceOf(IllegalStateException.class);
        assertThat(w.toString()).isEqualTo("{}");
        Json.Writer open = new Json.Writer().beginArray().value("a");
        assertThat(open.toString()).as("an unfinished document as written so far").isEqualTo("[\"a\"");
        assertThat(open.value("b").endArray().toString()).isEqualTo("[\"a\",\"b\"]");
    }
}
