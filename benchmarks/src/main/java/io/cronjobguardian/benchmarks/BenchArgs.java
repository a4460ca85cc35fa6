package io.cronjobguardian.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code key=value} arguments of a benchmark's main class. */
final class BenchArgs {

    private final Map<String, String> values = new LinkedHashMap<>();

    private BenchArgs() {
    }

    /** Parses {@code key=value} words; words without {@code =} are ignored. */
    static BenchArgs parse(String[] argv) {
        BenchArgs a = new BenchArgs();
        for (String s : argv) {
            int eq = s.indexOf('=');
            if (eq > 0) {
                a.values.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return a;
    }

    /** An integer argument ({@code 1_000_000} allowed), or the default. */
    int integer(String key, int defaultValue) {
        return Integer.parseInt(values.getOrDefault(key, Integer.toString(defaultValue)).replace("_", ""));
    }

    /** A text argument, or the default. */
    String string(String key, String defaultValue) {
        return values.getOrDefault(key, defaultValue);
    }

    /** Whether the comma-separated list under {@code key} names {@code item}; an absent list names everything. */
    boolean lists(String key, String item) {
        String list = values.get(key);
        return list == null || Arrays.asList(list.toLowerCase(Locale.ROOT).split(",")).contains(item);
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
