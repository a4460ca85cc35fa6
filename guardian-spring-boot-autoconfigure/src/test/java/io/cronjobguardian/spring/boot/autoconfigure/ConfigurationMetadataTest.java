package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import io.cronjobguardian.engine.config.ConfigKey;
import io.cronjobguardian.engine.config.GuardianConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.mock.env.MockEnvironment;

/**
 * {@code META-INF/additional-spring-configuration-metadata.json} (what IDEs complete {@code guardian.*} keys from) is
 * generated from {@link GuardianConfig#knownKeys()} plus the starter's own keys. This test fails when the file
 * differs from what {@link #generate()} produces, and rewrites it with {@code -Dguardian.regenerateDocs=true}:
 * {@value #REGENERATE}.
 */
class ConfigurationMetadataTest {

    static final String REGENERATE = "mvn -o -q -Pfast -pl guardian-spring-boot-autoconfigure -am verify "
            + "-Dtest=ConfigurationMetadataTest -Dsurefire.failIfNoSpecifiedTests=false -Dguardian.regenerateDocs=true";
    static final Path FILE = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

    private static final Pattern INT = Pattern.compile("-?\\d+");

    /** The starter's own keys: name, type, default (or null), description. */
    private static final List<String[]> STARTER = List.of(
            new String[] {"guardian.enabled", "java.lang.Boolean", "true",
                    "Whether the starter creates and runs a Guardian."},
            new String[] {"guardian.monitors.locations", "java.util.List<java.lang.String>", null,
                    "Spring resources with CronJobMonitor YAML documents (classpath:monitors/*.yaml, file:...), "
                            + "besides MonitorSpec beans and guardian.monitors.files."},
            new String[] {"guardian.health.cache-ttl", "java.time.Duration", "1s",
                    "How long the guardian health component keeps an answer (each check is one store round trip); "
                            + "0 = not cached."},
            new String[] {"guardian.health.readiness", "java.lang.Boolean", "false",
                    "Whether the guardian health component is in the readiness group (a Guardian outage then takes "
                            + "the whole application out of service). It is never in the liveness group."},
            new String[] {"management.health.guardian.enabled", "java.lang.Boolean", "true",
                    "Whether the guardian health component is registered."});

    /** A Guardian key in kebab-case: {@code leaderElection.leaseDuration} → {@code leader-election.lease-duration}. */
    static String kebab(String key) {
        StringBuilder sb = new StringBuilder();
        char prev = 0;
        for (char c : key.toCharArray()) {
            if (Character.isUpperCase(c) && (Character.isLowerCase(prev) || Character.isDigit(prev))) {
                sb.append('-');
            }
            sb.append(Character.toLowerCase(c));
            prev = c;
        }
        return sb.toString();
    }

    static String type(ConfigKey k) {
        String d = k.defaultValue();
        if ("true".equals(d) || "false".equals(d)) {
            return "java.lang.Boolean";
        }
        if (d != null && INT.matcher(d).matches()) {
            return "java.lang.Integer";
        }
        // durations stay text: Guardian reads Go durations (1h30m), which Spring's Duration type would flag
        return "java.lang.String";
    }

    static String generate() {
        List<String> props = new ArrayList<>();
        for (ConfigKey k : GuardianConfig.knownKeys()) {
            String desc = Character.toUpperCase(k.description().charAt(0)) + k.description().substring(1)
                    + ". Accepted: " + k.accepted() + "." + (k.secret() ? " Secret: never "
                    + "printed." : "") + " Environment variable: " + k.environmentVariable() + ".";
            props.add(property("guardian." + kebab(k.key()), type(k), desc, k.defaultValue()));
        }
        for (String[] s : STARTER) {
            props.add(property(s[0], s[1], s[3], s[2]));
        }
        return "{\n  \"groups\": [\n    {\n      \"name\": \"guardian\",\n      \"description\": "
                + json("CronJob Guardian: the engine's configuration keys (see the README's table) and the "
                        + "starter's own.")
                + "\n    }\n  ],\n  \"properties\": [\n" + String.join(",\n", props) + "\n  ]\n}\n";
    }

    private static String property(String name, String type, String description, String defaultValue) {
        StringBuilder sb = new StringBuilder("    {\n      \"name\": ").append(json(name))
                .append(",\n      \"type\": ").append(json(type))
                .append(",\n      \"description\": ").append(json(description));
        if (defaultValue != null) {
            sb.append(",\n      \"defaultValue\": ");
            if (type.equals("java.lang.Boolean") || type.equals("java.lang.Integer")) {
                sb.append(defaultValue);
            } else {
                sb.append(json(defaultValue));
            }
        }
        return sb.append("\n    }").toString();
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    @Test
    void theMetadataFileIsGeneratedFromKnownKeys() throws IOException {
        String generated = generate();
        String current = Files.exists(FILE) ? Files.readString(FILE, StandardCharsets.UTF_8) : "";
        if (current.equals(generated)) {
            return;
        }
        if (Boolean.getBoolean("guardian.regenerateDocs")) {
            Files.createDirectories(FILE.getParent());
            Files.writeString(FILE, generated, StandardCharsets.UTF_8);
            return;
        }
        fail(FILE + " differs from what GuardianConfig.knownKeys() generates; regenerate it with: " + REGENERATE);
    }

    @Test
    void everyKebabNameIsAValidSpringNameThatReachesItsGuardianKey() {
        for (ConfigKey k : GuardianConfig.knownKeys()) {
            String spring = "guardian." + kebab(k.key());
            assertThat(ConfigurationPropertyName.isValid(spring)).as(spring).isTrue();
            MockEnvironment env = new MockEnvironment().withProperty(spring, "x");
            Map<String, GuardianPropertiesBridge.Value> values = GuardianPropertiesBridge.collect(env);
            assertThat(values.keySet()).as(spring).hasSize(1);
            String bridged = values.keySet().iterator().next();
            assertThat(io.cronjobguardian.api.Settings.canonical(bridged))
                    .isEqualTo(io.cronjobguardian.api.Settings.canonical(k.key()));
        }
        // the binder the starter uses for its own list key accepts the same form
        assertThat(Binder.get(new MockEnvironment().withProperty("guardian.monitors.locations", "a,b"))
                .bind("guardian.monitors.locations", Bindable.listOf(String.class)).get()).containsExactly("a", "b");
    }
}
