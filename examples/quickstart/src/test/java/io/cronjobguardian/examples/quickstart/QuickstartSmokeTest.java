package io.cronjobguardian.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.examples.simulator.Behaviour;
import io.cronjobguardian.examples.simulator.Scenario;
import io.cronjobguardian.examples.simulator.SimulatedCronJob;
import io.cronjobguardian.examples.simulator.SimulatedRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart as its users start it, on the simulated cluster at 300× (a simulated hour every 12 seconds) with
 * its SQLite store, until every behaviour of {@link Scenario#quickstart()} has shown in the engine's records.
 */
class QuickstartSmokeTest {

    private static final Scenario SCENARIO = Scenario.quickstart();

    private static CronJobRef ref(String namespace, String name) {
        return CronJobRef.of(namespace, name);
    }

    private static List<Incident> incidents(Guardian g, CronJobRef ref, AlertType type) {
        return g.incidents(IncidentQuery.all().cronJob(ref).type(type).page(0, 500)).items();
    }

    private static List<Execution> executions(Guardian g, CronJobRef ref) {
        return g.executions(ExecutionQuery.forCronJob(ref).page(0, 1000)).items();
    }

    @Test
    @Timeout(300)
    void aFewSimulatedHoursRecordEveryCronJobsRunsAndRaiseTheExpectedIncidents(@TempDir Path dir) throws Exception {
        Path db = dir.resolve("quickstart.db");
        QuickstartOptions options = new QuickstartOptions(QuickstartOptions.Mode.SIMULATED, null, 300,
                Duration.ofSeconds(1), 42, db.toString(), false);
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        try (Quickstart q = new Quickstart(options, out, Map.of("GUARDIAN_HTTP_PORT", "0"), dir.toString())
                .start()) {
            Guardian g = q.guardian();
            assertThat(q.simulated()).isTrue();

            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                for (SimulatedCronJob cj : SCENARIO.cronJobs()) {
                    if (cj.behaviour().kind() != Behaviour.Kind.SUSPENDED) {
                        assertThat(executions(g, ref(cj.namespace(), cj.name()))).as("runs of %s", cj.key())
                                .isNotEmpty();
                    }
                }
                // flaky: failed runs raise JobFailed with the pod's exit code and reason
                assertThat(incidents(g, ref("payments", "ledger-sync"), AlertType.JOB_FAILED)).isNotEmpty()
                        .anySatisfy(i -> assertThat(i.message()).containsPattern("exit code (1|2|137)"));
                // retried: one successful run with two attempts
                assertThat(executions(g, ref("data", "report-builder")))
                        .anySatisfy(e -> {
                            assertThat(e.state()).isEqualTo(JobState.SUCCEEDED);
                            assertThat(e.job().attempts()).isEqualTo(2);
                        });
                // ever slower: a duration regression and a maxDuration breach
                assertThat(incidents(g, ref("data", "warehouse-load"), AlertType.DURATION_REGRESSION)).isNotEmpty();
                assertThat(incidents(g, ref("data", "warehouse-load"), AlertType.SLA_BREACHED))
                        .anySatisfy(i -> assertThat(i.key().subject()).isEqualTo("maxDuration"));
                // stops running after three runs: a missed schedule, still open
                assertThat(incidents(g, ref("ops", "cert-renewal"), AlertType.MISSED_SCHEDULE))
                        .anySatisfy(i -> assertThat(i.isOpen()).isTrue());
                // suspended from the start: suspended too long after an hour, still open
                assertThat(incidents(g, ref("ops", "legacy-cleanup"), AlertType.SUSPENDED_TOO_LONG))
                        .anySatisfy(i -> assertThat(i.isOpen()).isTrue());
            });

            // healthy CronJobs never fail
            for (String[] healthy : new String[][] {{"payments", "invoice-export"}, {"payments", "settlement-report"},
                    {"ops", "log-rotate"}}) {
                assertThat(incidents(g, ref(healthy[0], healthy[1]), AlertType.JOB_FAILED)).isEmpty();
                assertThat(executions(g, ref(healthy[0], healthy[1])))   // the newest may still run
                        .allSatisfy(e -> assertThat(e.state()).isIn(JobState.SUCCEEDED, JobState.RUNNING));
            }
            // every run the simulator finished a while ago is recorded once, with its outcome and attempts
            Instant cutoff = q.clock().instant().minus(Duration.ofMinutes(30));
            for (SimulatedCronJob cj : SCENARIO.cronJobs()) {
                Map<String, Execution> recorded = executions(g, ref(cj.namespace(), cj.name())).stream()
                        .collect(Collectors.toMap(e -> e.job().name(), e -> e));
                for (SimulatedRun run : q.simulator().runs(cj.namespace(), cj.name())) {
                    if (run.finished() && run.finishedAt().isBefore(cutoff)) {
                        assertThat(recorded).as("run %s", run.jobName()).containsKey(run.jobName());
                        Execution e = recorded.get(run.jobName());
                        assertThat(e.state()).isEqualTo(run.outcome() == SimulatedRun.Outcome.SUCCEEDED
                                ? JobState.SUCCEEDED : JobState.FAILED);
                        assertThat(e.job().attempts()).isEqualTo(run.attempts());
                        assertThat(e.job().scheduledTime()).isEqualTo(run.slot());
                    }
                }
            }

            String report = q.report();
            for (SimulatedCronJob cj : SCENARIO.cronJobs()) {
                assertThat(report).contains(cj.key());
            }
            assertThat(report).contains("leader: this engine").contains("MissedSchedule")
                    .contains("SuspendedTooLong").contains("15 */2 * * * (America/New_York)");
            assertThat(Files.exists(db)).isTrue();

            // the HTTP API serves the same CronJobs on loopback
            java.net.http.HttpResponse<String> api = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(q.http().url() + "/api/v1/cronjobs"))
                            .timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            for (SimulatedCronJob cj : SCENARIO.cronJobs()) {
                assertThat(api.body()).contains("\"name\":\"" + cj.name() + "\"");
            }
            // and the dashboard's page
            java.net.http.HttpResponse<String> page = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(q.http().dashboardUrl().orElseThrow())
                            .timeout(Duration.ofSeconds(10)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        }
        String printed = buffer.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("CronJob Guardian quickstart: simulated cluster").contains("stopped after")
                .containsPattern("HTTP API: http://127\\.0\\.0\\.1:\\d+/api/v1/cronjobs")
                .containsPattern("dashboard: http://127\\.0\\.0\\.1:\\d+/ui/");
        assertThat(Set.of(printed.split("\n"))).anyMatch(l -> l.matches("stopped after .* \\d+ runs recorded in .*"));
    }
}
