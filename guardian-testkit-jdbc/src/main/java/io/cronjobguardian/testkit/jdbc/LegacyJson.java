package io.cronjobguardian.testkit.jdbc;

import io.cronjobguardian.api.AlertContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * JSON column values exactly as the store's first, hand-written JSON writer (before Jackson) produced them, copied
 * from its output, with the values they stand for. Rows already in a database hold such text: it must read back
 * the same, and the new writer must produce the same text for the same values.
 */
public final class LegacyJson {

    /** {@link #EVENTS} as an events column: quotes, controls, DEL, non-ASCII, an emoji, lone surrogates, markup. */
    public static final String EVENTS_JSON =
            "[\"\",\"plain\",\"quote \\\" backslash \\\\ slash /\","
            + "\"ctl \\u0000\\u0001\\t\\r\\n\\u0008\\u000c\\u007f\","
            + "\"\\u00fcn\\u00ef\\u00a9\\u00f8d\\u00e9 \\u65e5\\u672c\\u8a9e \\ud83d\\ude80\","
            + "\"lone \\ud800 surrogate \\udc00\",\"'; DROP TABLE x; --\","
            + "\"<b>&amp;</b> \\u2028\\u2029\"]";

    /** The events behind {@link #EVENTS_JSON}. */
    public static final List<String> EVENTS = List.of("", "plain", "quote \" backslash \\ slash /",
            "ctl \u0000\u0001\t\r\n\b\f\u007f", "ünï©ødé 日本語 \uD83D\uDE80", "lone \uD800 surrogate \uDC00",
            "'; DROP TABLE x; --", "<b>&amp;</b> \u2028\u2029");

    /** {@link #CONTEXT} as an incident's context column (attributes in key order). */
    public static final String CONTEXT_JSON =
            "{\"jobName\":\"backup-29500000\",\"exitCode\":137,\"reason\":\"OOMKilled\","
            + "\"message\":\"msg \\\"x\\\"\\u0000\","
            + "\"logTail\":\"log\\ntail \\ude80 end \\ud83d\\ude80\",\"events\":[\"a\","
            + "\"Warning\\tBackOff\"],\"podStatus\":\"Failed\",\"suggestedFix\":\"fix <it> & go\","
            + "\"successRate\":66.5,\"lastDuration\":\"PT1.500000007S\","
            + "\"attributes\":{\"k\":\"v\",\"lone\\ud83d\":\"\\ud83d\\ude80\","
            + "\"\\u00fc\":\"\\u0000\"}}";

    /** The same context as the old writer wrote it with the attributes in another order. */
    public static final String CONTEXT_JSON_UNSORTED =
            "{\"jobName\":\"backup-29500000\",\"exitCode\":137,\"reason\":\"OOMKilled\","
            + "\"message\":\"msg \\\"x\\\"\\u0000\","
            + "\"logTail\":\"log\\ntail \\ude80 end \\ud83d\\ude80\",\"events\":[\"a\","
            + "\"Warning\\tBackOff\"],\"podStatus\":\"Failed\",\"suggestedFix\":\"fix <it> & go\","
            + "\"successRate\":66.5,\"lastDuration\":\"PT1.500000007S\","
            + "\"attributes\":{\"k\":\"v\",\"\\u00fc\":\"\\u0000\","
            + "\"lone\\ud83d\":\"\\ud83d\\ude80\"}}";

    /** The context behind {@link #CONTEXT_JSON}. */
    public static final AlertContext CONTEXT = new AlertContext("backup-29500000", 137, "OOMKilled",
            "msg \"x\"\u0000", "log\ntail \uDE80 end \uD83D\uDE80", List.of("a", "Warning\tBackOff"), "Failed",
            "fix <it> & go", 66.5, Duration.parse("PT1.500000007S"),
            Map.of("k", "v", "lone\uD83D", "\uD83D\uDE80", "ü", "\u0000"));

    /** A context with no exit code, no events or attributes and a success rate of NaN (written as a string). */
    public static final String CONTEXT_NAN_JSON =
            "{\"jobName\":\"backup-29500000\",\"exitCode\":null,\"reason\":\"OOMKilled\","
            + "\"message\":\"msg \\\"x\\\"\\u0000\","
            + "\"logTail\":\"log\\ntail \\ude80 end \\ud83d\\ude80\",\"events\":[],"
            + "\"podStatus\":\"Failed\",\"suggestedFix\":\"fix <it> & go\",\"successRate\":\"NaN\","
            + "\"lastDuration\":\"PT1.500000007S\",\"attributes\":{}}";

    /** A context with a success rate of 1e20 (exponent notation). */
    public static final String CONTEXT_1E20_JSON =
            "{\"jobName\":\"backup-29500000\",\"exitCode\":null,\"reason\":\"OOMKilled\","
            + "\"message\":\"msg \\\"x\\\"\\u0000\","
            + "\"logTail\":\"log\\ntail \\ude80 end \\ud83d\\ude80\",\"events\":[],"
            + "\"podStatus\":\"Failed\",\"suggestedFix\":\"fix <it> & go\",\"successRate\":1.0E20,"
            + "\"lastDuration\":\"PT1.500000007S\",\"attributes\":{}}";

    /** A context with a success rate of minus infinity (written as a string). */
    public static final String CONTEXT_NEG_INF_JSON =
            "{\"jobName\":\"backup-29500000\",\"exitCode\":null,\"reason\":\"OOMKilled\","
            + "\"message\":\"msg \\\"x\\\"\\u0000\","
            + "\"logTail\":\"log\\ntail \\ude80 end \\ud83d\\ude80\",\"events\":[],"
            + "\"podStatus\":\"Failed\",\"suggestedFix\":\"fix <it> & go\","
            + "\"successRate\":\"-Infinity\",\"lastDuration\":\"PT1.500000007S\",\"attributes\":{}}";

    /** {@link #CONTEXT} with no exit code, events or attributes and this success rate. */
    public static AlertContext sparseContext(Double successRate) {
        return new AlertContext("backup-29500000", null, "OOMKilled", "msg \"x\"\u0000",
                "log\ntail \uDE80 end \uD83D\uDE80", List.of(), "Failed", "fix <it> & go", successRate,
                Duration.parse("PT1.500000007S"), Map.of());
    }

    /** SQLite's {@code json_each} parameter for two CronJob references. */
    public static final String REFS_JSON = "[[\"ns\",\"name\"],[\"prod\",\"nightly-backup\"]]";

    private LegacyJson() {
    }
}
