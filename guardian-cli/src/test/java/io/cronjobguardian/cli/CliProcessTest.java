package io.cronjobguardian.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands as a user runs them: real JVM processes ({@code java -cp <the module's class path>
 * io.cronjobguardian.cli.GuardianCli ...}), export piped into import, passwords from the environment.
 */
class CliProcessTest {

    private final Dbs dbs = new Dbs();
    private final List<Process> started = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            if (p.isAlive()) {
                p.destroyForcibly(); // only the processes this test started, by handle
            }
        }
        dbs.close();
    }

    record Result(int exit, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private Result cli(byte[] stdin, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), GuardianCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().keySet().removeIf(k -> k.startsWith("GUARDIAN_CLI_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("guardian-cli %s ended", args[0]).isTrue();
        return new Result(p.exitValue(), out.get(30, TimeUnit.SECONDS), new String(err.get(30, TimeUnit.SECONDS),
                StandardCharsets.UTF_8));
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void exportToStdoutPipedIntoImportThenCopyToPostgresWithThePasswordFromTheEnvironment() throws Exception {
        Dbs.Fresh src = dbs.fresh("sqlite");
        JdbcHistoryStore source = dbs.store(src);
        Fixtures.fill(source);
        Fixtures.Content expected = Fixtures.content(source);

        Result export = cli(null, Map.of(), "export", "--from", src.url(), "--gzip");
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stderr()).contains("exported 720 runs");
        assertThat(export.stdout()[0] & 0xff).isEqualTo(0x1f); // gzip

        Dbs.Fresh restored = dbs.fresh("sqlite");
        Result imp = cli(export.stdout(), Map.of(), "import", "--to", restored.url());
        assertThat(imp.exit()).as(imp.stderr()).isZero();
        assertThat(imp.stderr()).contains("imported 720 runs (720 new or changed), 2 incidents (2 new)");
        assertThat(Fixtures.content(dbs.store(restored))).isEqualTo(expected);

        Dbs.Fresh pg = dbs.fresh("postgres");
        Result copy = cli(null, Map.of("GUARDIAN_CLI_TO_USER", pg.user(), "GUARDIAN_CLI_TO_PASSWORD", pg.password()),
                "copy", "--from", src.url(), "--to", pg.url());
        assertThat(copy.exit()).as(copy.stderr()).isZero();
        assertThat(copy.stderr()).contains("verified: counts and per-CronJob statistics are equal");
        assertThat(copy.stderr() + copy.out()).doesNotContainIgnoringCase("password=" + pg.password())
                .doesNotContain(":" + pg.password() + "@"); // (the test server's password is a common word)
        assertThat(Fixtures.content(dbs.store(pg))).isEqualTo(expected);

        // a refused login (an unknown role: the loopback server may trust any password): exit 1, no password shown
        Result refused = cli(null, Map.of("GUARDIAN_CLI_USER", "no_such_role", "GUARDIAN_CLI_PASSWORD", "s3cret-wrong"),
                "export", "--from", pg.url());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.stderr()).startsWith("guardian-cli: cannot open jdbc:postgresql:")
                .doesNotContain("s3cret-wrong");
    }

    @Test
    void exportToAFileAndImportFromAFileAndBadInputExitsWithTheLine() throws Exception {
        Dbs.Fresh src = dbs.fresh("sqlite");
        Fixtures.fill(dbs.store(src));
        Path file = dir.resolve("backup.jsonl");
        Result export = cli(null, Map.of(), "export", "--from", src.url(), "--out", file.toString());
        assertThat(export.exit()).as(export.stderr()).isZero();
        assertThat(export.stdout()).isEmpty();
        assertThat(Files.readAllLines(file).get(0)).startsWith("{\"type\":\"header\"");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file); // no partial file left behind
        }

        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(7, "{\"type\":\"run\",");
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, lines);
        Dbs.Fresh target = dbs.fresh("sqlite");
        Result imp = cli(null, Map.of(), "import", "--to", target.url(), "--in", bad.toString());
        assertThat(imp.exit()).isEqualTo(1);
        assertThat(imp.stderr()).startsWith("guardian-cli: line 8: not valid JSON");

        Result missing = cli(null, Map.of(), "export", "--from", "jdbc:sqlite:" + dir.resolve("nope.db"));
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.stderr()).contains("no SQLite database at");
        assertThat(Files.exists(dir.resolve("nope.db"))).isFalse();

        Result usage = cli(null, Map.of(), "export");
        assertThat(usage.exit()).isEqualTo(2);
        assertThat(usage.stderr()).contains("Missing required option: '--from=<jdbc-url>'");
    }
}
