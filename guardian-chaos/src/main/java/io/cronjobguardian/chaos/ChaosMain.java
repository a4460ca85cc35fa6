package io.cronjobguardian.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line of a full run:
 * {@code mvn -B -Pchaos -pl guardian-chaos -am -DskipTests verify -Dchaos.args="seed=42 faults=kill,freeze rounds=20
 * profile=default db=postgres"}. Prints the narrative, the figures and, as its last line, the summary; exits 1 when a
 * promise was broken, 2 when the run could not be carried out.
 */
public final class ChaosMain {

    private ChaosMain() {
    }

    /**
     * Runs one chaos run.
     *
     * @param args {@code key=value} words, see {@link ChaosOptions#parse}
     */
    public static void main(String[] args) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Path workdir = Path.of(System.getProperty("chaos.workdir", "target/chaos-run"))
                .resolve("seed-" + options.seed() + "-" + System.currentTimeMillis());
        try {
            ChaosRun.Result r = new ChaosRun(options, workdir, classpath(), System.getenv(), System.out).run();
            System.exit(r.ok() ? 0 : 1);
        } catch (RuntimeException e) {
            System.out.println("chaos run failed: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * The classpath of the child JVMs: the module's classes and the runtime classpath written by
     * maven-dependency-plugin ({@code -Dchaos.classes}, {@code -Dchaos.classpath}), else this JVM's own.
     */
    static String classpath() {
        String file = System.getProperty("chaos.classpath");
        String classes = System.getProperty("chaos.classes");
        if (file != null && classes != null && Files.isRegularFile(Path.of(file))) {
            try {
                return classes + java.io.File.pathSeparator
                        + Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return System.getProperty("java.class.path");
    }
}
