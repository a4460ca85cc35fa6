package io.cronjobguardian.testkit.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.Settings;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * A store module's part of the engine's {@code SettingsCoverageTest} (issue #13: settings accepted and ignored):
 * every {@code storage.*} key the engine documents for this store ({@link #keysToCover()}, from
 * {@code GuardianConfig.knownKeys()} through a test-scoped engine dependency) has a row showing that a non-default
 * value changes what the store does. A {@link Rows#shows} row compares what the provider makes of the settings
 * ({@link #describe}: its pool specification, URL, driver properties) with and without the value; a
 * {@link Rows#cited} row names a test of the module that proves it. Adding a row is one line in {@link #rows}.
 */
public abstract class StoreSettingsCoverage {

    /** Adds rows. */
    public interface Rows {
        /** {@code describe(base + key=value)} contains {@code fragment}; {@code describe(base)} does not. */
        void shows(String key, String value, String fragment);

        /** Proven by {@code test#method} of this module (a {@code @Test} that sets the key). */
        void cited(String key, String value, String behaviour, Class<?> test, String method);
    }

    private record Row(String key, String value, String behaviour, Check check) {
    }

    private interface Check {
        void run() throws Exception;
    }

    /** The keys to cover: this store's {@code storage.*} keys of {@code GuardianConfig.knownKeys()}. */
    protected abstract Collection<String> keysToCover();

    /** The least settings the provider accepts (e.g. a host). */
    protected abstract Settings base();

    /** What the provider makes of {@code settings}, as text (secrets redacted). */
    protected abstract String describe(Settings settings) throws Exception;

    /** The rows. */
    protected abstract void rows(Rows r);

    private Map<String, Row> table() {
        Map<String, Row> rows = new LinkedHashMap<>();
        rows(new Rows() {
            @Override
            public void shows(String key, String value, String fragment) {
                put(rows, new Row(key, value, "shows " + fragment, () -> {
                    assertThat(describe(base())).as("without " + key).doesNotContain(fragment);
                    assertThat(describe(base().with(key, value))).as(key + "=" + value).contains(fragment);
                }));
            }

            @Override
            public void cited(String key, String value, String behaviour, Class<?> test, String method) {
                put(rows, new Row(key, value, behaviour + " (" + test.getSimpleName() + "#" + method + ")", () -> {
                    Method m = null;
                    for (Class<?> c = test; c != null && m == null; c = c.getSuperclass()) {
                        for (Method candidate : c.getDeclaredMethods()) {
                            if (candidate.getName().equals(method) && candidate.getParameterCount() == 0) {
                                m = candidate;
                            }
                        }
                    }
                    assertThat(m).as(test.getSimpleName() + "#" + method).isNotNull();
                    assertThat(m.isAnnotationPresent(Test.class)).as("a @Test").isTrue();
                }));
            }
        });
        return rows;
    }

    private static void put(Map<String, Row> rows, Row r) {
        if (rows.put(r.key(), r) != null) {
            throw new IllegalStateException("two rows for " + r.key());
        }
    }

    @Test
    void everyStorageKeyOfThisStoreHasARow() {
        Map<String, Row> rows = table();
        List<String> missing = new ArrayList<>();
        for (String k : keysToCover()) {
            if (!rows.containsKey(k)) {
                missing.add("r.shows(\"" + k + "\", \"<non-default value>\", \"<what the provider makes of it>\");");
            }
        }
        assertThat(keysToCover()).as("keys to cover").isNotEmpty();
        assertThat(missing).as("storage keys without a row; add one each:%n%s",
                String.join(System.lineSeparator(), missing)).isEmpty();
        assertThat(rows.keySet()).as("rows of keys the engine no longer documents").isSubsetOf(keysToCover());
    }

    @TestFactory
    Stream<DynamicTest> eachRowChangesWhatTheStoreDoes() {
        return table().values().stream().map(r -> DynamicTest.dynamicTest(r.key() + " = " + r.value() + ": "
                + r.behaviour(), r.check()::run));
    }
}
