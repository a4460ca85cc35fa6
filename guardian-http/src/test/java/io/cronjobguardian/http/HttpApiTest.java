package io.cronjobguardian.http;

import static io.cronjobguardian.http.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The read endpoints over real HTTP on loopback, against a real Guardian after recorded runs: statuses, one
 * CronJob, executions, one execution, alerts, monitors, channels, leader, config, paging and every client error.
 */
class HttpApiTest {

    /** team-a/alpha: two successes and one failure; team-a/beta: one success; team-b/gamma: no run. */
    private static Fixture withRuns() {
        Fixture f = Fixture.plain();
        CronJobSnapshot alpha = f.cronJob("team-a", "alpha");
        CronJobSnapshot beta = f.cronJob("team-a", "beta");
        f.cronJob("team-b", "gamma");
        f.run(alpha, T0, true);
        f.run(beta, T0, true);
        f.run(alpha, T0.plus(Duration.ofHours(1)), true);
        f.run(alpha, T0.plus(Duration.ofHours(2)), false);
        return f;
    }

    private static List<String> names(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(i -> out.add(i.get("namespace").asText() + "/" + i.get("name").asText()));
        return out;
    }

    @Test
    void cronJobStatusesAfterRunsWithFiltersSortAndPaging() {
        try (Fixture f = withRuns()) {
            Fixture.Reply r = f.get("/api/v1/cronjobs");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue(HttpResponse.JSON);
            assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
            JsonNode body = r.json();
            assertThat(names(body.get("items"))).containsExactly("team-a/alpha", "team-a/beta", "team-b/gamma");
            JsonNode alpha = body.get("items").get(0);
            assertThat(alpha.get("status").asText()).isEqualTo("critical");
            assertThat(alpha.get("lastRunStatus").asText()).isEqualTo("failed");
            assertThat(alpha.get("activeAlerts").asInt()).isEqualTo(1);
            assertThat(alpha.get("successRate").asDouble()).isCloseTo(66.67, org.assertj.core.data.Offset.offset(0.01));
            assertThat(alpha.get("monitors").get(0).asText()).isEqualTo("team-a/all");
            assertThat(body.get("items").get(2).get("successRate").isNull()).as("no run is no data, not 0 %").isTrue();
            assertThat(body.get("summary").get("total").asInt()).isEqualTo(3);
            assertThat(body.get("summary").get("critical").asInt()).isEqualTo(1);
            assertThat(body.get("pagination").get("total").asInt()).isEqualTo(3);
            assertThat(body.get("pagination").get("hasMore").asBoolean()).isFalse();

            assertThat(names(f.get("/api/v1/cronjobs?namespace=team-a").json().get("items")))
                    .containsExactly("team-a/alpha", "team-a/beta");
            assertThat(names(f.get("/api/v1/cronjobs?status=critical").json().get("items")))
                    .containsExactly("team-a/alpha");
            assertThat(names(f.get("/api/v1/cronjobs?search=ET").json().get("items"))).containsExactly("team-a/beta");
            assertThat(names(f.get("/api/v1/cronjobs?sort=name&order=desc").json().get("items")))
                    .containsExactly("team-b/gamma", "team-a/beta", "team-a/alpha");
            assertThat(names(f.get("/api/v1/cronjobs?sort=successRate").json().get("items")))
                    .containsExactly("team-a/alpha", "team-a/beta", "team-b/gamma");

            JsonNode page = f.get("/api/v1/cronjobs?limit=1&offset=1").json();
            assertThat(names(page.get("items"))).containsExactly("team-a/beta");
            assertThat(page.get("pagination").get("hasMore").asBoolean()).isTrue();
            assertThat(page.get("pagination").get("limit").asInt()).isEqualTo(1);
            assertThat(f.get("/api/v1/cronjobs?offset=10").json().get("items")).isEmpty();
        }
    }

    @Test
    void oneCronJobWithItsStatisticsLastRunAndAlerts() {
        try (Fixture f = withRuns()) {
            JsonNode cj = f.get("/api/v1/cronjobs/team-a/alpha").json();
            assertThat(cj.get("name").asText()).isEqualTo("alpha");
            assertThat(cj.get("stats").get("total").asInt()).isEqualTo(3);
            assertThat(cj.get("stats").get("succeeded").asInt()).isEqualTo(2);
            assertThat(cj.get("stats").get("failed").asInt()).isEqualTo(1);
            assertThat(cj.get("stats").get("p50Seconds").asDouble()).isEqualTo(30.0);
            assertThat(cj.get("stats30d").get("total").asInt()).isEqualTo(3);
            assertThat(cj.get("lastExecution").get("status").asText()).isEqualTo("failed");
            assertThat(cj.get("lastExecution").get("exitCode").asInt()).isEqualTo(3);
            assertThat(cj.get("alerts")).singleElement().satisfies(a -> {
                assertThat(a.get("type").asText()).isEqualTo("JobFailed");
                assertThat(a.get("open").asBoolean()).isTrue();
            });
            JsonNode gamma = f.get("/api/v1/cronjobs/team-b/gamma").json();
            assertThat(gamma.get("lastExecution").isNull()).isTrue();
            assertThat(gamma.get("stats").get("successRate").isNull()).isTrue();

            Fixture.Reply missing = f.get("/api/v1/cronjobs/team-a/nope");
            assertThat(missing.status()).isEqualTo(404);
            assertThat(missing.json().get("error").asText()).contains("team-a/nope");
        }
    }

    @Test
    void executionsPageAndFilterAndOneExecutionHasItsLogTailAndEvents() {
        try (Fixture f = withRuns()) {
            JsonNode all = f.get("/api/v1/cronjobs/team-a/alpha/executions").json();
            assertThat(all.get("pagination").get("total").asInt()).isEqualTo(3);
            assertThat(all.get("items").get(0).get("status").asText()).as("newest first").isEqualTo("failed");

            JsonNode page = f.get("/api/v1/cronjobs/team-a/alpha/executions?limit=2&offset=0").json();
            assertThat(page.get("items")).hasSize(2);
            assertThat(page.get("pagination").get("hasMore").asBoolean()).isTrue();
            JsonNode last = f.get("/api/v1/cronjobs/team-a/alpha/executions?limit=2&offset=2").json();
            assertThat(last.get("items")).hasSize(1);
            assertThat(last.get("pagination").get("hasMore").asBoolean()).isFalse();

            JsonNode failed = f.get("/api/v1/cronjobs/team-a/alpha/executions?status=failed").json();
            assertThat(failed.get("items")).singleElement()
                    .satisfies(e -> assertThat(e.get("exitCode").asInt()).isEqualTo(3));
            JsonNode since = f.get("/api/v1/cronjobs/team-a/alpha/executions?since="
                    + T0.plus(Duration.ofMinutes(30))).json();
            assertThat(since.get("pagination").get("total").asInt()).isEqualTo(2);

            String uid = failed.get("items").get(0).get("jobUid").asText();
            JsonNode one = f.get("/api/v1/executions/" + uid).json();
            assertThat(one.get("logTail").asText()).contains("boom: disk full");
            assertThat(one.get("events").get(0).asText()).contains("BackoffLimitExceeded");
            assertThat(one.get("termination").get("exitCode").asInt()).isEqualTo(3);
            assertThat(one.get("durationSeconds").asDouble()).isEqualTo(30.0);

            JsonNode byName = f.get("/api/v1/cronjobs/team-a/alpha/executions/"
                    + one.get("jobName").asText()).json();
            assertThat(byName.get("jobUid").asText()).as("the operator's path by Job name").isEqualTo(uid);
            assertThat(byName.get("logTail").asText()).contains("boom: disk full");
            assertThat(f.get("/api/v1/cronjobs/team-a/beta/executions/" + one.get("jobName").asText()).status())
                    .as("a Job name of another CronJob").isEqualTo(404);
            assertThat(f.get("/api/v1/executions/no-such-uid").status()).isEqualTo(404);
            assertThat(f.get("/api/v1/cronjobs/team-a/nope/executions").status()).isEqualTo(404);
            assertThat(f.get("/api/v1/cronjobs/team-b/gamma/executions").json().get("items")).isEmpty();
        }
    }

    @Test
    void alertsOpenAndAllWithPagingAndTheirNotifications() {
        try (Fixture f = withRuns()) {
            JsonNode open = f.get("/api/v1/alerts").json();
            assertThat(open.get("items")).singleElement().satisfies(a -> {
                assertThat(a.get("cronjob").asText()).isEqualTo("alpha");
                assertThat(a.get("context").get("exitCode").asInt()).isEqualTo(3);
            });
            // the next success resolves it: no open alert, one in "all"
            CronJobSnapshot alpha = f.watcher.cronJob(io.cronjobguardian.api.CronJobRef.of("team-a", "alpha"))
                    .orElseThrow();
            f.run(alpha, T0.plus(Duration.ofHours(3)), true);
            assertThat(f.get("/api/v1/alerts?state=open").json().get("items")).isEmpty();
            JsonNode all = f.get("/api/v1/alerts?state=all&namespace=team-a&cronjob=alpha").json();
            assertThat(all.get("items")).singleElement()
                    .satisfies(a -> assertThat(a.get("resolvedAt").isNull()).isFalse());
            assertThat(f.get("/api/v1/alerts?state=all&namespace=team-b").json().get("items")).isEmpty();
            assertThat(f.get("/api/v1/alerts?state=all&type=DeadManTriggered").json().get("items")).isEmpty();
            String id = all.get("items").get(0).get("id").asText();
            JsonNode notes = f.get("/api/v1/alerts/" + id + "/notifications").json();
            assertThat(notes.get("incidentId").asText()).isEqualTo(id);
            assertThat(notes.get("items")).isNotEmpty()
                    .allSatisfy(n -> assertThat(n.get("channel").asText()).isEqualTo("ops"));
            assertThat(f.get("/api/v1/alerts?state=resolved").status()).isEqualTo(400);
        }
    }

    @Test
    void monitorsChannelsLeaderHealthAndStats() {
        try (Fixture f = withRuns()) {
            JsonNode monitors = f.get("/api/v1/monitors").json();
            assertThat(monitors.get("items")).singleElement().satisfies(m -> {
                assertThat(m.get("id").asText()).isEqualTo("team-a/all");
                assertThat(m.get("cronJobCount").asInt()).isEqualTo(2);
                assertThat(m.get("activeAlerts").asInt()).isEqualTo(1);
            });
            assertThat(names(f.get("/api/v1/monitors/team-a/all").json().get("cronJobs")))
                    .containsExactly("team-a/alpha", "team-a/beta");
            assertThat(f.get("/api/v1/monitors/team-a/none").status()).isEqualTo(404);

            JsonNode channels = f.get("/api/v1/channels").json();
            assertThat(channels.get("items")).singleElement().satisfies(c -> {
                assertThat(c.get("name").asText()).isEqualTo("ops");
                assertThat(c.get("stats").get("alertsSentTotal").asLong())
                        .isEqualTo(f.guardian.channelStats().getOrDefault("ops",
                                io.cronjobguardian.api.ChannelStats.empty("ops")).sent());
            });

            JsonNode leader = f.get("/api/v1/leader").json();
            assertThat(leader.get("leader").asBoolean()).isTrue();
            assertThat(leader.get("identity").asText()).startsWith("standalone-");
            assertThat(leader.get("leaderIdentity").asText()).isEqualTo(leader.get("identity").asText());
            assertThat(leader.get("epoch").isNumber()).isTrue();

            JsonNode health = f.get("/api/v1/health").json();
            assertThat(health.get("status").asText()).isEqualTo("healthy");
            assertThat(health.get("ready").asBoolean()).isTrue();

            JsonNode stats = f.get("/api/v1/stats").json();
            assertThat(stats.get("totalCronJobs").asInt()).isEqualTo(3);
            assertThat(stats.get("totalMonitors").asInt()).isEqualTo(1);
            assertThat(stats.get("activeAlerts").asInt()).isEqualTo(1);
            assertThat(stats.get("executionsRecorded24h").asInt()).isEqualTo(4);
        }
    }

    @Test
    void configIsServedWithSecretsRedacted() {
        try (Fixture f = new Fixture(c -> c.set("http.token", Fixture.TOKEN)
                .set("channels.hook.type", "webhook").set("channels.hook.url", "https://h.example/secret-path")
                .set("channels.hook.enabled", "false"), s -> { })) {
            Fixture.Reply r = f.get("/api/v1/config");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).doesNotContain(Fixture.TOKEN).doesNotContain("secret-path");
            JsonNode items = r.json().get("items");
            JsonNode token = find(items, "http.token");
            assertThat(token.get("value").asText()).isEqualTo("******");
            assertThat(token.get("set").asBoolean()).isTrue();
            assertThat(find(items, "channels.hook.url").get("value").asText()).isEqualTo("******");
            assertThat(find(items, "http.port").get("value").asText()).isEqualTo("8080");
            assertThat(find(items, "http.port").get("set").asBoolean()).isFalse();
            assertThat(find(items, "storage.logStorageEnabled").get("value").asText()).isEqualTo("true");
        }
    }

    private static JsonNode find(JsonNode items, String key) {
        for (JsonNode i : items) {
            if (i.get("key").asText().equals(key)) {
                return i;
            }
        }
        throw new AssertionError("no key " + key + " in " + items);
    }

    @Test
    void badInputGetsAClearJsonErrorAndNeverAStackTrace() {
        try (Fixture f = withRuns()) {
            for (String bad : List.of("/api/v1/cronjobs?limit=0", "/api/v1/cronjobs?limit=1001",
                    "/api/v1/cronjobs?limit=ten", "/api/v1/cronjobs?offset=-1", "/api/v1/cronjobs?limt=5",
                    "/api/v1/cronjobs?status=sad", "/api/v1/cronjobs?sort=age", "/api/v1/cronjobs?limit=1&limit=2",
                    "/api/v1/cronjobs/team-a/alpha/executions?since=yesterday",
                    "/api/v1/cronjobs/team-a/alpha/executions?status=meh",
                    "/api/v1/alerts?limit=-3", "/api/v1/alerts?cronjob=alpha", "/api/v1/leader?x=1")) {
                Fixture.Reply r = f.get(bad);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(bad).isNotBlank();
                assertThat(r.json().get("status").asInt()).isEqualTo(400);
                assertThat(r.body()).as(bad).doesNotContain("Exception").doesNotContain("\tat ");
            }
            Fixture.Reply unknown = f.get("/api/v1/nothing-here");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).contains("/api/v1/nothing-here");
            assertThat(f.get("/").status()).isEqualTo(404);

            Fixture.Reply wrong = f.send("DELETE", "/api/v1/cronjobs", null, List.of());
            assertThat(wrong.status()).isEqualTo(405);
            assertThat(wrong.headers().firstValue("Allow")).hasValue("GET, HEAD");
            assertThat(wrong.json().get("error").asText()).contains("DELETE");
            assertThat(f.send("PUT", "/healthz", "{}", List.of()).status()).isEqualTo(405);

            Fixture.Reply withBody = f.send("GET", "/api/v1/cronjobs", "{}", List.of());
            assertThat(withBody.status()).isEqualTo(400);

            Fixture.Reply head = f.send("HEAD", "/api/v1/cronjobs", null, List.of());
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
        }
    }

    @Test
    void aStoreOutageOnAReadIsA503WithoutDetails() {
        try (Fixture f = withRuns()) {
            f.store.database().setUnavailable(true);
            try {
                Fixture.Reply r = f.get("/api/v1/cronjobs/team-a/alpha/executions");
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.json().get("error").asText()).contains("unavailable");
                assertThat(r.body()).doesNotContain("Exception");
            } finally {
                f.store.database().setUnavailable(false);
            }
            assertThat(f.get("/api/v1/cronjobs/team-a/alpha/executions").status()).isEqualTo(200);
        }
    }

    @Test
    void runningJobsAreListedWithHowLongTheyRun() {
        try (Fixture f = Fixture.plain()) {
            CronJobSnapshot cj = f.cronJob("team-a", "slow");
            f.scheduler.advanceTo(T0.plus(Duration.ofMinutes(10)));
            JobSnapshot running = io.cronjobguardian.testkit.TestObjects.job(cj).name("slow-1").uid("slow-1")
                    .scheduled(T0).running(T0).build();
            f.watcher.addJob(running);
            f.scheduler.runPending();
            JsonNode item = f.get("/api/v1/cronjobs").json().get("items").get(0);
            assertThat(item.get("activeJobs")).singleElement().satisfies(j -> {
                assertThat(j.get("name").asText()).isEqualTo("slow-1");
                assertThat(j.get("runningForSeconds").asDouble()).isEqualTo(600.0);
            });
            assertThat(f.get("/api/v1/cronjobs").json().get("summary").get("running").asInt()).isEqualTo(1);
        }
    }
}
