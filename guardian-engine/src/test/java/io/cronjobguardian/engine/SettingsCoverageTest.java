package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.engine.config.ConfigKey;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every configuration key ({@link GuardianConfig#knownKeys()}) and every {@link MonitorSpec} field (record
 * components, found by reflection, nested records and lists of records included) is read somewhere that changes
 * behaviour (issue #13: settings that validate and do nothing). One row per key or field: the key, a non-default
 * value, the behaviour that differs from the default, and the proof:
 * <ul>
 *   <li>{@link #proof} rows run here: a scenario with the value, asserting the observable difference;</li>
 *   <li>{@link #cited} rows name an existing behaviour test of this module that sets the value and asserts the
 *       difference; this test checks that the test method exists and that its class mentions the key's leaf name,
 *       so a citation cannot silently rot;</li>
 *   <li>{@link #elsewhere} rows name a test in a provider module (stores, leader election) where the key is
 *       observed: every {@code storage.<db>.*} key and {@code storage.migrate} go to the store modules'
 *       {@code *SettingsCoverageTest}s, which fail themselves when one of their keys has no row there;</li>
 *   <li>{@link #pending} rows are keys a parallel change makes work (named); the lead replaces them at merge.</li>
 * </ul>
 * {@link #everyKeyAndEveryMonitorSpecFieldHasARow} fails, printing the missing rows as one-line templates, when a
 * key or field is added without one.
 */
class SettingsCoverageTest {

    /** A scenario that fails unless the value changes behaviour. */
    interface Check {
        void run() throws Exception;
    }

    /** How {@link SettingsCoverageRows} adds rows; each method adds one. */
    interface Rows {
        /** A row proven here by {@code check}. */
        void proof(String item, String value, String behaviour, Check check);

        /**
         * A row proven by an existing test method of this module that sets the value and asserts the behaviour;
         * {@code test} is the class name below {@code io.cronjobguardian.engine} ({@code alert.AlertPipelineTest}).
         */
        void cited(String item, String value, String behaviour, String test, String method);

        /**
         * A row proven in another module: {@code where} is a test source path from the repository root, which must
         * mention the key's last segment ({@code leaseDuration}).
         */
        void elsewhere(String item, String value, String behaviour, String where);

        /** A key a parallel change makes work ({@code who}); the lead replaces the row at merge. */
        void pending(String item, String value, String behaviour, String who);
    }

    private record Row(String item, String value, String behaviour, Check check) {
    }

    private static final Map<String, Row> ROWS = new LinkedHashMap<>();

    private static void add(Row r) {
        if (ROWS.put(r.item(), r) != null) {
            throw new IllegalStateException("two rows for " + r.item());
        }
    }

    /** A row proven here by {@code check}. */
    private static void proof(String item, String value, String behaviour, Check check) {
        add(new Row(item, value, behaviour, check));
    }

    /** A row proven by an existing test method of this module that sets the value and asserts the behaviour. */
    private static void cited(String item, String value, String behaviour, String testName, String method) {
        add(new Row(item, value, behaviour + " (" + testName + "#" + method + ")", () -> {
            Class<?> test = Class.forName("io.cronjobguardian.engine." + testName);
            Method m = test.getDeclaredMethod(method);
            assertThat(m.isAnnotationPresent(Test.class)).as(test.getSimpleName() + "#" + method + " is a @Test")
                    .isTrue();
            // the test must name the field, or build its record positionally (new AutoFromSchedule(true, ...))
            String src = source(test);
            String leaf = item.substring(item.lastIndexOf('.') + 1);
            List<String> names = new ArrayList<>(List.of(leaf.toLowerCase(Locale.ROOT)));
            Class<?> owner = owner(item);
            if (owner != null) {
                names.add(owner.getSimpleName().toLowerCase(Locale.ROOT) + "(");
            }
            assertThat(names).as(test.getSimpleName() + " mentions one of " + names)
                    .anyMatch(src.toLowerCase(Locale.ROOT)::contains);
        }));
    }

    /** A row proven in another module: {@code where} is a source file path from the repository root. */
    private static void elsewhere(String item, String value, String behaviour, String where) {
        add(new Row(item, value, behaviour + " (" + where.substring(where.lastIndexOf('/') + 1) + ")", () -> {
            Path p = repositoryRoot().resolve(where);
            assertThat(p).as("the test named for " + item).exists();
            String leaf = item.substring(item.lastIndexOf('.') + 1);
            assertThat(Files.readString(p, StandardCharsets.UTF_8)).as(where + " mentions " + leaf).contains(leaf);
        }));
    }

    /** A key a parallel change makes work; the lead replaces the row at merge. */
    private static void pending(String item, String value, String behaviour, String who) {
        add(new Row(item, value, behaviour + " — pending: " + who, () -> { }));
    }

    /** The {@code storage.*} keys the store providers read (observed in the store modules). */
    static Set<String> storageProviderKeys() {
        Set<String> out = new TreeSet<>();
        for (ConfigKey k : GuardianConfig.knownKeys()) {
            if (k.key().startsWith("storage.") && !ENGINE_STORAGE_KEYS.contains(k.key())) {
                out.add(k.key());
            }
        }
        return out;
    }

    /** {@code storage.*} keys the engine itself reads (the rest are the store providers'). */
    private static final Set<String> ENGINE_STORAGE_KEYS = Set.of("storage.type", "storage.logStorageEnabled",
            "storage.eventStorageEnabled", "storage.maxLogSizeKB", "storage.logRetentionDays");

    static {
        SettingsCoverageRows.define(new Rows() {
            @Override
            public void proof(String item, String value, String behaviour, Check check) {
                SettingsCoverageTest.proof(item, value, behaviour, check);
            }

            @Override
            public void cited(String item, String value, String behaviour, String test, String method) {
                SettingsCoverageTest.cited(item, value, behaviour, test, method);
            }

            @Override
            public void elsewhere(String item, String value, String behaviour, String where) {
                SettingsCoverageTest.elsewhere(item, value, behaviour, where);
            }

            @Override
            public void pending(String item, String value, String behaviour, String who) {
                SettingsCoverageTest.pending(item, value, behaviour, who);
            }
        });
    }

    // ------------------------------------------------------------------------------------------- enumeration

    /** Every known key and every MonitorSpec leaf field ({@code sla.maxDuration}, {@code alerting.channelRefs.name}). */
    static Set<String> items() {
        Set<String> out = new TreeSet<>();
        GuardianConfig.knownKeys().forEach(k -> out.add(k.key()));
        collect(MonitorSpec.class, "monitor.", out);
        return out;
    }

    private static void collect(Class<?> record, String prefix, Set<String> out) {
        for (RecordComponent c : record.getRecordComponents()) {
            Class<?> nested = nestedRecord(c.getGenericType());
            if (nested != null) {
                collect(nested, prefix + c.getName() + ".", out);
            } else {
                out.add(prefix + c.getName());
            }
        }
    }

    /** The record of the monitor package a component holds (directly or as list elements), else {@code null}. */
    private static Class<?> nestedRecord(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            return nestedRecord(p.getActualTypeArguments()[0]);
        }
        if (t instanceof Class<?> c && c.isRecord() && c.getPackageName().equals(MonitorSpec.class.getPackageName())) {
            return c;
        }
        return null;
    }

    /** The record that declares a {@code monitor.} item's last segment, or {@code null}. */
    private static Class<?> owner(String item) {
        if (!item.startsWith("monitor.")) {
            return null;
        }
        String[] seg = item.substring("monitor.".length()).split("\\.");
        Class<?> c = MonitorSpec.class;
        for (int i = 0; i < seg.length - 1; i++) {
            Class<?> next = null;
            for (RecordComponent rc : c.getRecordComponents()) {
                if (rc.getName().equals(seg[i])) {
                    next = nestedRecord(rc.getGenericType());
                }
            }
            if (next == null) {
                return null;
            }
            c = next;
        }
        return c;
    }

    @Test
    void everyKeyAndEveryMonitorSpecFieldHasARow() {
        List<String> missing = new ArrayList<>();
        for (String item : items()) {
            if (!ROWS.containsKey(item)) {
                missing.add("r.proof(\"" + item + "\", \"<non-default value>\", \"<what changes>\", () -> { ... });");
            }
        }
        assertThat(missing).as("keys / MonitorSpec fields without a row in SettingsCoverageRows; add one each:%n%s",
                String.join(System.lineSeparator(), missing)).isEmpty();
        assertThat(ROWS.keySet()).as("rows of keys or fields that no longer exist").isSubsetOf(items());
    }

    @TestFactory
    Stream<DynamicTest> eachRowChangesBehaviour() {
        return ROWS.values().stream().map(r -> DynamicTest.dynamicTest(r.item() + " = " + r.value() + ": "
                + r.behaviour(), r.check()::run));
    }

    // ------------------------------------------------------------------------------------------- helpers

    static Path repositoryRoot() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            if (Files.isDirectory(p.resolve("guardian-engine")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("repository root not found above " + Path.of("").toAbsolutePath());
    }

    private static String source(Class<?> test) throws IOException {
        Class<?> top = test;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        Path p = repositoryRoot().resolve("guardian-engine/src/test/java")
                .resolve(top.getName().replace('.', '/') + ".java");
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
