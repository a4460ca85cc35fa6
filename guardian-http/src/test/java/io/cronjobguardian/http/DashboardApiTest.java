package io.cronjobguardian.http;

import static io.cronjobguardian.http.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read-only endpoints the dashboard adds, over real HTTP: the session (role, actions, whether the credentials
 * would do), the CSV export of runs, the day x hour heatmap, the schedule's slots with the missed ones, a monitor's
 * rules, and the run count and P95 of each CronJob in the list.
 */
class DashboardApiTest {

    @Test
    void theSessionSaysWhetherActionsAreOnAndWhetherTheseCredentialsWouldDo() {
        try (Fixture f = Fixture.plain()) {
            JsonNode s = f.get("/api/v1/session").json();
            assertThat(s.get("actionsEnabled").asBoolean()).isFalse();
            assertThat(s.get("authorized").asBoolean()).isFalse();
            assertThat(s.get("leader").asBoolean()).isTrue();
            assertThat(s.get("dashboardPath").asText()).isEqualTo("/ui");
        }
        try (Fixture f = Fixture.withActions()) {
            assertThat(f.get("/api/v1/session").json().get("authorized").asBoolean()).isFalse();
            JsonNode wrong = f.send("GET", "/api/v1/session", null, List.of("Authorization", "Bearer nope-nope-nope"))
                    .json();
            assertThat(wrong.get("authorized").asBoolean()).isFalse();
            JsonNode right = f.send("GET", "/api/v1/session", null, List.of("Authorization", "Bearer "
                    + Fixture.TOKEN)).json();
            assertThat(right.get("actionsEnabled").asBoolean()).isTrue();
            assertThat(right.get("authorized").asBoolean()).isTrue();
            assertThat(right.get("caller").asText()).isEqualTo("bearer");
        }
    }

    @Test
    void theCsvExportHasEveryRunNewestFirstQuotedAndSafeForSpreadsheets() {
        try (Fixture f = Fixture.plain()) {
            CronJobSnapshot alpha = f.cronJob("team-a", "alpha");
            f.run(alpha, T0, true);
            f.run(alpha, T0.plus(Duration.ofHours(1)), false);
            // a reason a spreadsheet would run as a formula, with a comma and a quote
            f.watcher.addJob(TestObjects.job(alpha).name("alpha-x").uid("uid-x").scheduled(T0.plus(Duration.ofHours(2)))
                    .failed(T0.plus(Duration.ofHours(2)), Duration.ofSeconds(5)).condition("=HYPERLINK(\"x\",1)", "m")
                    .build());
            f.scheduler.advance(Duration.ofHours(3));
            Fixture.Reply r = f.get("/api/v1/cronjobs/team-a/alpha/executions.csv");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                    .contains("filename=\"team-a_alpha_runs.csv\"");
            String[] lines = r.body().split("\r\n");
            assertThat(lines).hasSize(4);
            assertThat(lines[0]).isEqualTo("namespace,cronjob,jobName,jobUid,status,scheduledTime,startTime,"
                    + "completionTime,durationSeconds,attempts,exitCode,reason,manual");
            assertThat(lines[1]).startsWith("team-a,alpha,alpha-x,uid-x,failed,")
                    .contains(",\"'=HYPERLINK(\"\"x\"\",1)\",");
            assertThat(lines[2]).startsWith("team-a,alpha,alpha-2,job-alpha-2,failed,2026-06-01T01:00:00Z,")
                    .contains(",30.000,1,3,Error,false");
            assertThat(lines[3]).startsWith("team-a,alpha,alpha-1,job-alpha-1,succeeded,");
            assertThat(f.get("/api/v1/cronjobs/team-a/alpha/executions.csv?status=success").body().split("\r\n"))
                    .hasSize(2);
            assertThat(f.get("/api/v1/cronjobs/team-a/nope/executions.csv").status()).isEqualTo(404);
            assertThat(f.get("/api/v1/cronjobs/team-a/alpha/executions.csv?limit=5").status()).isEqualTo(400);
        }
    }

    @Test
    void theHeatmapCountsRunsByDayAndHourInTheSchedulesZone() {
        try (Fixture f = Fixture.plain()) {
            CronJobSnapshot berlin = TestObjects.cronJob("team-a", "berlin").schedule("0 * * * *")
                    .timeZone("Europe/Berlin").creationTime(T0).build();
            f.watcher.addCronJob(berlin);
            f.scheduler.runPending();
            f.run(berlin, T0.plus(Duration.ofHours(1)), true);     // 03:00 in Berlin (CEST)
            f.run(berlin, T0.plus(Duration.ofHours(2)), false);    // 04:00
            f.run(berlin, T0.plus(Duration.ofHours(26)), true);    // next day 04:00
            JsonNode h = f.get("/api/v1/cronjobs/team-a/berlin/heatmap?days=7").json();
            assertThat(h.get("zone").asText()).isEqualTo("Europe/Berlin");
            assertThat(h.get("runs").asInt()).isEqualTo(3);
            assertThat(h.get("to").asText()).isEqualTo("2026-06-02");
            assertThat(h.get("from").asText()).isEqualTo("2026-05-27");
            assertThat(h.get("cells").toString()).isEqualTo("[{\"date\":\"2026-06-01\",\"hour\":3,\"succeeded\":1,"
                    + "\"failed\":0,\"other\":0},{\"date\":\"2026-06-01\",\"hour\":4,\"succeeded\":0,\"failed\":1,"
                    + "\"other\":0},{\"date\":\"2026-06-02\",\"hour\":4,\"succeeded\":1,\"failed\":0,\"other\":0}]");
            assertThat(f.get("/api/v1/cronjobs/team-a/berlin/heatmap?zone=UTC").json().get("cells").get(0)
                    .get("hour").asInt()).isEqualTo(1);
            assertThat(f.get("/api/v1/cronjobs/team-a/berlin/heatmap?days=93").status()).isEqualTo(400);
            assertThat(f.get("/api/v1/cronjobs/team-a/berlin/heatmap?zone=Mars/Base").status()).isEqualTo(400);
        }
    }

    @Test
    void slotsWithoutARunAfterTheFirstRecordedOneAreMissedOnceTheirWindowPassed() {
        try (Fixture f = Fixture.plain()) {
            CronJobSnapshot alpha = f.cronJob("team-a", "alpha");   // hourly, team-a/all has no dead-man: 1 h window
            f.run(alpha, T0.plus(Duration.ofHours(1)), true);
            f.run(alpha, T0.plus(Duration.ofHours(2)), false);
            // 03:00 and 04:00 never ran; 05:00 ran
            f.run(alpha, T0.plus(Duration.ofHours(5)), true);
            f.scheduler.advanceTo(T0.plus(Duration.ofHours(7)).plusSeconds(30));
            JsonNode s = f.get("/api/v1/cronjobs/team-a/alpha/slots?since=2026-06-01T00:00:00Z").json();
            List<String> states = new java.util.ArrayList<>();
            s.get("slots").forEach(x -> states.add(x.get("time").asText().substring(11, 16) + " "
                    + x.get("state").asText()));
            assertThat(states).containsExactly("00:00 unknown", "01:00 succeeded", "02:00 failed", "03:00 missed",
                    "04:00 missed", "05:00 succeeded", "06:00 missed", "07:00 pending");
            assertThat(s.get("missed").asInt()).isEqualTo(3);
            assertThat(s.get("observationWindowSeconds").asDouble()).isEqualTo(3600.0);
            assertThat(f.get("/api/v1/cronjobs/team-a/alpha/slots?since=2026-06-02T00:00:00Z").status())
                    .isEqualTo(400);
            assertThat(f.get("/api/v1/cronjobs/team-a/nope/slots").status()).isEqualTo(404);
        }
    }

    @Test
    void aMonitorsRulesAndEachCronJobsRunCountAndP95() {
        try (Fixture f = Fixture.plain()) {
            CronJobSnapshot alpha = f.cronJob("team-a", "alpha");
            f.run(alpha, T0, true);
            f.run(alpha, T0.plus(Duration.ofHours(1)), true);
            JsonNode item = f.get("/api/v1/cronjobs").json().get("items").get(0);
            assertThat(item.get("runs").asInt()).isEqualTo(2);
            assertThat(item.get("p95Seconds").asDouble()).isEqualTo(30.0);
            JsonNode spec = f.get("/api/v1/monitors/team-a/all/spec").json();
            assertThat(spec.get("id").asText()).isEqualTo("team-a/all");
            assertThat(spec.get("selector").get("scope").asText()).isEqualTo("own_namespace");
            assertThat(spec.get("alerting").get("channels").get(0).get("name").asText()).isEqualTo("ops");
            assertThat(spec.get("sla").get("enabled").asBoolean()).isFalse();
            assertThat(f.get("/api/v1/monitors/team-a/none/spec").status()).isEqualTo(404);
        }
    }

}
