package io.cronjobguardian.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration key table is generated from {@link GuardianConfig#knownKeys()} (weak spot 36: the
 * operator's docs diverged from its code). The table lives between {@value #BEGIN} and {@value #END} in the
 * repository's {@code README.md}; this test fails when it differs from what {@link #table()} generates, and
 * rewrites it when run with {@code -Dguardian.regenerateDocs=true} (see {@link #REGENERATE}).
 */
class ReadmeConfigKeysTest {

    static final String BEGIN = "<!-- config-keys:begin (generated from GuardianConfig.knownKeys(); do not edit) -->";
    static final String END = "<!-- config-keys:end -->";
    static final String REGENERATE = "mvn -o -q -Pfast -pl guardian-engine -am verify -Dtest=ReadmeConfigKeysTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dguardian.regenerateDocs=true";

    /** Rows for key groups handed through to providers, which {@link GuardianConfig#knownKeys()} does not list. */
    private static final List<String> PASS_THROUGH = List.of(
            "| `watcher.*` | | passed to the watcher provider, see [guardian-watcher-k8s](guardian-watcher-k8s/README.md)"
                    + " (`namespaces`, `namespaceSelector`, …) |",
            "| `channels.<name>.type` + `channels.<name>.*` | | alert channels, see "
                    + "[ALERT-CHANNELS.md](guardian-engine/ALERT-CHANNELS.md) |");

    /** The generated table: header, one row per known key in documentation order, then the pass-through groups. */
    static String table() {
        List<String> lines = new ArrayList<>();
        lines.add("| key | default | accepted |");
        lines.add("|---|---|---|");
        for (ConfigKey k : GuardianConfig.knownKeys()) {
            String def = k.defaultValue() == null ? "–" : "`" + cell(k.defaultValue()) + "`";
            lines.add("| `" + k.key() + "` | " + def + " | " + cell(k.accepted()) + " — " + cell(k.description())
                    + (k.secret() ? " (secret: never printed)" : "") + " |");
        }
        lines.addAll(PASS_THROUGH);
        return String.join("\n", lines);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static Path readme() {
        Path p = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("README.md")) && Files.isDirectory(p.resolve("guardian-engine"))) {
                return p.resolve("README.md");
            }
        }
        throw new IllegalStateException("README.md of the repository not found above " + Path.of("").toAbsolutePath());
    }

    @Test
    void theReadmeKeyTableIsGeneratedFromKnownKeys() throws IOException {
        Path readme = readme();
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int b = text.indexOf(BEGIN);
        int e = text.indexOf(END);
        if (b < 0 || e < b) {
            fail(readme + " lacks the markers " + BEGIN + " and " + END + " around the configuration key table");
        }
        String current = text.substring(b + BEGIN.length(), e).strip();
        String generated = table();
        if (current.equals(generated)) {
            return;
        }
        if (Boolean.getBoolean("guardian.regenerateDocs")) {
            Files.writeString(readme, text.substring(0, b + BEGIN.length()) + "\n" + generated + "\n"
                    + text.substring(e), StandardCharsets.UTF_8);
            return;
        }
        assertThat(current).as("README.md's configuration key table differs from GuardianConfig.knownKeys(); "
                + "regenerate it with:%n  %s%n", REGENERATE).isEqualTo(generated);
    }
}
