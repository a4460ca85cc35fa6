package io.cronjobguardian.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code deploy/prometheus/cronjob-guardian-rules.yaml} with promtool: {@code check rules} and the unit tests of
 * {@code cronjob-guardian-rules.test.yaml} (each rule fires when it should and stays quiet otherwise), and the unit
 * tests failing when a rule is weakened. promtool comes from Debian's {@code prometheus} package
 * ({@code .ci/setup-promtool.sh}); without it the tests fail under {@code CI=true} and are skipped elsewhere.
 */
class PromtoolRulesTest {

    static final Path DIR = Chart.ROOT.resolve("deploy/prometheus");
    static final Path RULES = DIR.resolve("cronjob-guardian-rules.yaml");
    static final Path TESTS = DIR.resolve("cronjob-guardian-rules.test.yaml");
    static String promtool;

    record Result(int exit, String output) {
    }

    @BeforeAll
    static void findPromtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                promtool = p.toString();
                return;
            }
        }
        String msg = "promtool is not installed (run .ci/setup-promtool.sh)";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(msg);
        }
        assumeTrue(false, msg);
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(promtool);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return new Result(p.exitValue(), out);
    }

    @Test
    void rulesAreValid() throws Exception {
        Result r = run(DIR, "check", "rules", RULES.getFileName().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 7 rules found");
    }

    @Test
    void unitTestsPass() throws Exception {
        Result r = run(DIR, "test", "rules", TESTS.getFileName().toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyRuleIsTestedFiringAndQuiet() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        Map<String, Object> tests = new Yaml().load(Files.readString(TESTS));
        List<String> names = new ArrayList<>();
        for (Object g : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<String, Object>) g).get("rules")) {
                names.add((String) ((Map<String, Object>) rule).get("alert"));
            }
        }
        assertThat(names).contains("CronJobGuardianNoLeader", "CronJobGuardianReplicasLow", "CronJobGuardianCPUHigh",
                "CronJobGuardianMemoryHigh");
        for (String name : names) {
            boolean fires = false;
            boolean quiet = false;
            for (Object t : (List<?>) tests.get("tests")) {
                for (Object a : (List<?>) ((Map<String, Object>) t).getOrDefault("alert_rule_test", List.of())) {
                    Map<String, Object> art = (Map<String, Object>) a;
                    if (name.equals(art.get("alertname"))) {
                        List<?> exp = (List<?>) art.get("exp_alerts");
                        fires |= exp != null && !exp.isEmpty();
                        quiet |= exp == null || exp.isEmpty();
                    }
                }
            }
            assertThat(fires).as("%s has a case where it fires", name).isTrue();
            assertThat(quiet).as("%s has a case where it stays quiet", name).isTrue();
        }
    }

    /** The seed's rules as written there (expression, hold time, severity, summary). */
    @Test
    @SuppressWarnings("unchecked")
    void theSeedsRulesAreThere() throws Exception {
        Map<String, Object> rules = new Yaml().load(Files.readString(RULES));
        Map<String, Map<String, Object>> byName = new java.util.HashMap<>();
        for (Object g : (List<?>) rules.get("groups")) {
            for (Object rule : (List<?>) ((Map<String, Object>) g).get("rules")) {
                byName.put((String) ((Map<String, Object>) rule).get("alert"), (Map<String, Object>) rule);
            }
        }
        assertThat(byName.get("CronJobGuardianNoLeader")).containsEntry("expr", "sum(cronjob_guardian_leader_status) == 0")
                .containsEntry("for", "1m").containsEntry("labels", Map.of("severity", "critical"))
                .containsEntry("annotations", Map.of("summary", "No CronJob Guardian leader elected"));
        assertThat(byName.get("CronJobGuardianReplicasLow"))
                .containsEntry("expr", "sum(up{job=\"cronjob-guardian\"}) < 2").containsEntry("for", "5m")
                .containsEntry("labels", Map.of("severity", "warning"))
                .containsEntry("annotations", Map.of("summary", "CronJob Guardian has fewer than 2 replicas"));
        assertThat(String.valueOf(byName.get("CronJobGuardianCPUHigh").get("expr"))).contains(">= 0.7");
        assertThat(byName.get("CronJobGuardianCPUHigh")).containsEntry("for", "2m");
        assertThat(String.valueOf(byName.get("CronJobGuardianMemoryHigh").get("expr"))).contains(">= 0.7");
        assertThat(byName.get("CronJobGuardianMemoryHigh")).containsEntry("for", "2m");
    }

    /** The unit tests can fail: weakened copies of the rules (thresholds, hold times) are caught. */
    @Test
    void weakenedRulesFailTheUnitTests(@TempDir Path tmp) throws Exception {
        String rules = Files.readString(RULES);
        Files.copy(TESTS, tmp.resolve(TESTS.getFileName()));
        List<String[]> mutations = List.of(
                new String[] {">= 0.7", ">= 0.9"},
                new String[] {"sum(cronjob_guardian_leader_status) == 0", "sum(cronjob_guardian_leader_status) == 1"},
                new String[] {"for: 1m", "for: 0m"},
                new String[] {"< 2", "< 1"},
                new String[] {"< 90", "< 70"},
                new String[] {"critical|warning", "critical|warning|info"},
                new String[] {"[10m])) > 0", "[10m])) > 1"});
        for (String[] m : mutations) {
            assertThat(rules).contains(m[0]);
            Files.writeString(tmp.resolve(RULES.getFileName()), rules.replace(m[0], m[1]));
            Result r = run(tmp, "test", "rules", TESTS.getFileName().toString());
            assertThat(r.exit()).as("rules with %s replaced by %s must fail the unit tests", m[0], m[1]).isNotZero();
        }
    }
}
