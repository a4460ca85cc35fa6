package io.cronjobguardian.http;

import io.cronjobguardian.testkit.LogCapture;
import static io.cronjobguardian.http.Fixture.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ManualLeaderElector;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Actions (off, on without and with the bearer token, on a standby), request bodies, readiness and liveness, the
 * leader endpoint across replicas, {@code /metrics}, the server's settings and its graceful stop.
 */
class ActionsAndProbesTest {

    private static final String TEST = "/api/v1/channels/ops/test";

    @Test
    void actionsAreOffByDefault() {
        try (Fixture f = Fixture.plain()) {
            Fixture.Reply r = f.post(TEST, null, Fixture.TOKEN);
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).contains("actions are disabled")
                    .contains("http.actions.enabled");
            assertThat(f.get(TEST).status()).as("a GET on an action's path says the same").isEqualTo(404);
            assertThat(f.channel.messages()).isEmpty();
        }
    }

    @Test
    void anActionNeedsTheBearerTokenAndIsLoggedWithWhoDidIt() {
        try (Fixture f = Fixture.withActions(); LogCapture log = LogCapture.start()) {
            Fixture.Reply none = f.post(TEST, null, null);
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("Bearer"));
            assertThat(f.post(TEST, null, "wrong-token-0123456789").status()).isEqualTo(401);
            assertThat(f.post(TEST, null, Fixture.TOKEN + "x").status()).isEqualTo(401);
            assertThat(f.send("POST", TEST, null, List.of("Authorization", "Basic " + Fixture.TOKEN)).status())
                    .isEqualTo(401);
            assertThat(f.channel.messages()).as("nothing sent without the token").isEmpty();
            assertThat(log.text()).contains("refused: not authenticated");

            Fixture.Reply ok = f.post(TEST, "{\"reason\": \"checking the pager after the migration\"}",
                    Fixture.TOKEN);
            assertThat(ok.status()).isEqualTo(200);
            JsonNode body = ok.json();
            assertThat(body.get("success").asBoolean()).isTrue();
            assertThat(body.get("outcome").asText()).isEqualTo("delivered");
            assertThat(body.get("by").asText()).isEqualTo("bearer");
            assertThat(f.channel.messages()).hasSize(1);
            assertThat(f.guardian.channelStats().get("ops").sent()).isEqualTo(1);
            assertThat(log.text()).contains("action POST " + TEST + " by bearer")
                    .contains("checking the pager after the migration").doesNotContain(Fixture.TOKEN);

            f.channel.failNext(1, DeliveryResult.Outcome.FAILED);
            JsonNode failed = f.post(TEST, "", Fixture.TOKEN).json();
            assertThat(failed.get("success").asBoolean()).isFalse();
            assertThat(failed.get("outcome").asText()).isEqualTo("failed");

            assertThat(f.post("/api/v1/channels/nope/test", null, Fixture.TOKEN).status()).isEqualTo(404);
        }
    }

    @Test
    void actionBodiesMustBeSmallWellFormedJson() {
        try (Fixture f = Fixture.withActions()) {
            for (String bad : List.of("{", "[1]", "{\"reason\": 5}", "{\"reason\": \"x\", \"extra\": 1}",
                    "{\"reason\": \"x\"} trailing", "not json")) {
                Fixture.Reply r = f.post(TEST, bad, Fixture.TOKEN);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(bad).isNotBlank();
            }
            String huge = "{\"reason\": \"" + "x".repeat(GuardianHttpHandler.MAX_BODY_BYTES) + "\"}";
            Fixture.Reply tooLarge = f.post(TEST, huge, Fixture.TOKEN);
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(tooLarge.json().get("error").asText()).contains("larger than");
            Fixture.Reply tenMegabytes = f.post(TEST, "x".repeat(10 << 20), Fixture.TOKEN);
            assertThat(tenMegabytes.status()).isEqualTo(413);
            assertThat(f.channel.messages()).isEmpty();
            // the server still serves after refusing a large body
            assertThat(f.get("/healthz").status()).isEqualTo(200);
        }
    }

    @Test
    void aTooLargeBodyWithoutContentLengthIsRefusedToo() throws Exception {
        try (Fixture f = Fixture.withActions()) {
            byte[] big = new byte[GuardianHttpHandler.MAX_BODY_BYTES + 10];
            java.util.Arrays.fill(big, (byte) ' ');
            // a streamed body is sent chunked, without Content-Length: the handler reads at most 1 MiB + 1
            java.net.http.HttpRequest req = java.net.http.HttpRequest.newBuilder(URI.create(f.server.url() + TEST))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + Fixture.TOKEN)
                    .POST(BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
            java.net.http.HttpResponse<String> r = f.client.send(req, BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(f.channel.messages()).isEmpty();
        }
    }

    @Test
    void theServerRefusesActionsWithoutAStrongEnoughToken() {
        try (Fixture f = Fixture.plain()) {
            assertThatThrownBy(() -> GuardianHttpServer.builder(f.guardian).actionsEnabled(true).build())
                    .isInstanceOf(ConfigException.class).hasMessageContaining("http.token")
                    .hasMessageContaining("required");
            assertThatThrownBy(() -> GuardianHttpServer.builder(f.guardian).actionsEnabled(true).token("short")
                    .build()).isInstanceOf(ConfigException.class).hasMessageContaining("at least 16");
            assertThatThrownBy(() -> GuardianHttpServer.builder(f.guardian).bindAddress("no-such-host.invalid")
                    .port(0).build().start()).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("http.bindAddress");
        }
    }

    @Test
    void portBindAddressAndThreadsComeFromTheConfiguration() {
        try (Fixture f = new Fixture(c -> c.set("http.port", "0").set("http.bindAddress", "127.0.0.1")
                .set("http.threads", "2"), s -> { });
                GuardianHttpServer fromConfig = GuardianHttpServer.builder(f.guardian).build().start()) {
            assertThat(fromConfig.port()).isPositive();
            assertThat(fromConfig.url().getHost()).isEqualTo("127.0.0.1");
            assertThat(fromConfig.handler().actionsEnabled()).isFalse();
        }
    }

    @Test
    void readinessFollowsTheStoreAndTheWatcherWhileLivenessStaysUp() {
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher().delaySyncUntilMarked();
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        try (Fixture f = new Fixture(c -> { }, s -> { }, g -> { }, store, watcher, null, new ManualClock(T0))) {
            Fixture.Reply notSynced = f.get("/readyz");
            assertThat(notSynced.status()).isEqualTo(503);
            assertThat(notSynced.json().get("status").asText()).isEqualTo("DOWN");
            assertThat(notSynced.json().get("reasons").toString()).contains("watcher has not synced");
            assertThat(f.get("/healthz").status()).isEqualTo(200);

            watcher.markSynced();
            f.scheduler.advance(Duration.ofSeconds(1));   // the engine's next look at the watcher's sync
            assertThat(f.get("/readyz").status()).isEqualTo(200);
            assertThat(f.get("/readyz").json().get("reasons")).isEmpty();

            store.database().setUnavailable(true);
            Fixture.Reply down = f.get("/readyz");
            assertThat(down.status()).isEqualTo(503);
            assertThat(down.json().get("reasons").toString()).contains("store unreachable");
            assertThat(f.get("/healthz").status()).isEqualTo(200);
            assertThat(f.get("/api/v1/health").json().get("status").asText()).isEqualTo("degraded");

            store.database().setUnavailable(false);
            assertThat(f.get("/readyz").status()).isEqualTo(200);
        }
    }

    @Test
    void livenessIsDownOnceTheGuardianIsClosed() {
        try (Fixture f = Fixture.plain()) {
            f.guardian.close();
            Fixture.Reply r = f.get("/healthz");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.json().get("reasons").toString()).contains("closed");
        }
    }

    @Test
    void aStandbyServesReadsNamesTheLeaderAndSendsATestAlertSafely() {
        ManualElection election = ManualElection.manual();
        ManualLeaderElector a = election.candidate("replica-a");
        ManualLeaderElector b = election.candidate("replica-b");
        InMemoryHistoryStore storeA = new InMemoryHistoryStore();
        InMemoryHistoryStore storeB = storeA.createPeer();
        ManualClock clock = new ManualClock(T0);
        java.util.function.Consumer<io.cronjobguardian.engine.config.GuardianConfig.Builder> cfg = c -> c
                .set("http.actions.enabled", "true").set("http.token", Fixture.TOKEN);
        try (Fixture leader = new Fixture(cfg, s -> { }, g -> { }, storeA, new ScriptableCronJobWatcher(), a, clock);
                Fixture standby = new Fixture(cfg, s -> { }, g -> { }, storeB, new ScriptableCronJobWatcher(), b,
                        clock);
                LogCapture log = LogCapture.start()) {
            long epoch = election.elect("replica-a");
            leader.scheduler.runPending();
            standby.scheduler.runPending();

            JsonNode onLeader = leader.get("/api/v1/leader").json();
            assertThat(onLeader.get("identity").asText()).isEqualTo("replica-a");
            assertThat(onLeader.get("leader").asBoolean()).isTrue();
            assertThat(onLeader.get("epoch").asLong()).isEqualTo(epoch);
            JsonNode onStandby = standby.get("/api/v1/leader").json();
            assertThat(onStandby.get("identity").asText()).isEqualTo("replica-b");
            assertThat(onStandby.get("leader").asBoolean()).isFalse();
            assertThat(onStandby.get("leaderIdentity").asText()).isEqualTo("replica-a");
            assertThat(onStandby.get("epoch").isNull()).isTrue();
            assertThat(standby.get("/readyz").json().get("leader").asBoolean()).isFalse();

            // a test alert needs no leader: the standby sends it and the shared statistics count it
            Fixture.Reply sent = standby.post(TEST, null, Fixture.TOKEN);
            assertThat(sent.status()).isEqualTo(200);
            assertThat(sent.json().get("success").asBoolean()).isTrue();
            assertThat(standby.channel.messages()).hasSize(1);
            assertThat(leader.guardian.channelStats().get("ops").sent()).isEqualTo(1);
            assertThat(leader.get("/api/v1/channels").json().get("items").get(0).get("stats")
                    .get("alertsSentTotal").asLong()).isEqualTo(1);
            assertThat(log.text()).contains("action POST " + TEST + " by bearer");
        }
    }

    @Test
    void deleteHistoryAndPruneRunOnTheLeaderAndAreRefusedWith409OnAStandby() throws Exception {
        ManualElection election = ManualElection.manual();
        InMemoryHistoryStore storeA = new InMemoryHistoryStore();
        InMemoryHistoryStore storeB = storeA.createPeer();
        ManualClock clock = new ManualClock(T0);
        io.cronjobguardian.api.CronJobSnapshot cj = io.cronjobguardian.testkit.TestObjects.cronJob("team-a", "nightly")
                .schedule("0 2 * * *").creationTime(T0.minus(Duration.ofDays(3))).build();
        for (int i = 1; i <= 2; i++) {
            Instant at = T0.minus(Duration.ofDays(i));
            storeA.upsertExecution(io.cronjobguardian.api.Execution.of(io.cronjobguardian.testkit.TestObjects.job(cj)
                    .name("nightly-" + i).uid("u-" + i).scheduled(at).succeeded(at, at.plusSeconds(60)).build()), 0);
        }
        java.util.function.Consumer<io.cronjobguardian.engine.config.GuardianConfig.Builder> cfg = c -> c
                .set("http.actions.enabled", "true").set("http.token", Fixture.TOKEN);
        ScriptableCronJobWatcher watcherA = new ScriptableCronJobWatcher();
        watcherA.addCronJob(cj);
        ScriptableCronJobWatcher watcherB = new ScriptableCronJobWatcher();
        watcherB.addCronJob(cj);
        String history = "/api/v1/cronjobs/team-a/nightly/history";
        List<String> auth = List.of("Authorization", "Bearer " + Fixture.TOKEN);
        try (Fixture leader = new Fixture(cfg, s -> { }, g -> { }, storeA, watcherA,
                        election.candidate("replica-a"), clock);
                Fixture standby = new Fixture(cfg, s -> { }, g -> { }, storeB, watcherB,
                        election.candidate("replica-b"), clock);
                LogCapture log = LogCapture.start()) {
            election.elect("replica-a");
            leader.scheduler.runPending();
            standby.scheduler.runPending();

            // a standby refuses without touching the store, naming the leader
            Fixture.Reply refused = standby.send("DELETE", history, null, auth);
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().get("leader").asText()).isEqualTo("replica-a");
            assertThat(standby.post("/api/v1/admin/prune", null, Fixture.TOKEN).status()).isEqualTo(409);
            assertThat(storeA.executions(io.cronjobguardian.api.ExecutionQuery.forCronJob(cj.ref())).total())
                    .isEqualTo(2);
            // without the token, nothing either
            assertThat(leader.send("DELETE", history, null, List.of()).status()).isEqualTo(401);

            // on the leader the operation runs on its engine thread (run here while the request waits)
            Fixture.Reply deleted = leader.sendDriving("DELETE", history, null, Fixture.TOKEN);
            assertThat(deleted.status()).isEqualTo(200);
            assertThat(deleted.json().get("recordsDeleted").asLong()).isEqualTo(2);
            assertThat(storeA.executions(io.cronjobguardian.api.ExecutionQuery.forCronJob(cj.ref())).total())
                    .isZero();

            Fixture.Reply pruned = leader.sendDriving("POST", "/api/v1/admin/prune", "{\"reason\": \"disk\"}",
                    Fixture.TOKEN);
            assertThat(pruned.status()).isEqualTo(200);
            assertThat(pruned.json().get("recordsPruned").asLong()).isZero();
            assertThat(log.text()).contains("action DELETE " + history + " by bearer")
                    .contains("action POST /api/v1/admin/prune by bearer").contains("reason \"disk\"")
                    .contains("refused: this replica (replica-b) is a standby");
        }
    }

    @Test
    void anIncidentIsAcknowledgedAndSilencedOnTheLeaderAsTheCallerAndRefusedOnAStandby() throws Exception {
        ManualElection election = ManualElection.manual();
        InMemoryHistoryStore storeA = new InMemoryHistoryStore();
        InMemoryHistoryStore storeB = storeA.createPeer();
        ManualClock clock = new ManualClock(T0);
        io.cronjobguardian.api.CronJobSnapshot cj = io.cronjobguardian.testkit.TestObjects.cronJob("team-a", "nightly")
                .schedule("0 2 * * *").creationTime(T0.minus(Duration.ofDays(3))).build();
        Instant at = T0.minus(Duration.ofHours(2));
        storeA.upsertExecution(io.cronjobguardian.api.Execution.of(io.cronjobguardian.testkit.TestObjects.job(cj)
                .name("nightly-1").uid("u-1").scheduled(at).failed(at, at.plusSeconds(60)).build()), 0);
        java.util.function.Consumer<io.cronjobguardian.engine.config.GuardianConfig.Builder> cfg = c -> c
                .set("http.actions.enabled", "true").set("http.token", Fixture.TOKEN);
        ScriptableCronJobWatcher watcherA = new ScriptableCronJobWatcher();
        watcherA.addCronJob(cj);
        ScriptableCronJobWatcher watcherB = new ScriptableCronJobWatcher();
        watcherB.addCronJob(cj);
        try (Fixture leader = new Fixture(cfg, s -> { }, g -> { }, storeA, watcherA,
                        election.candidate("replica-a"), clock);
                Fixture standby = new Fixture(cfg, s -> { }, g -> { }, storeB, watcherB,
                        election.candidate("replica-b"), clock);
                LogCapture log = LogCapture.start()) {
            election.elect("replica-a");
            leader.scheduler.runPending();
            standby.scheduler.runPending();
            List<io.cronjobguardian.api.Incident> open = storeA.incidents(io.cronjobguardian.api.IncidentQuery.open())
                    .items();
            assertThat(open).as("the failed run's incident").hasSize(1);
            String id = open.get(0).id();
            String base = "/api/v1/alerts/" + id;

            assertThat(standby.post(base + "/acknowledge", null, Fixture.TOKEN).status()).isEqualTo(409);
            assertThat(standby.post(base + "/silence?for=1h", null, Fixture.TOKEN).status()).isEqualTo(409);
            assertThat(leader.post(base + "/acknowledge", null, null).status()).isEqualTo(401);
            assertThat(storeA.findIncident(id).orElseThrow().acknowledgedAt()).isNull();

            Fixture.Reply acked = leader.sendDriving("POST", base + "/acknowledge", "{\"reason\": \"on it\"}",
                    Fixture.TOKEN);
            assertThat(acked.status()).isEqualTo(200);
            assertThat(acked.json().get("acknowledgedBy").asText()).isEqualTo("bearer");
            assertThat(acked.json().get("acknowledgedAt").asText()).isEqualTo(T0.toString());

            Fixture.Reply silenced = leader.sendDriving("POST", base + "/silence?for=2h", null, Fixture.TOKEN);
            assertThat(silenced.status()).isEqualTo(200);
            assertThat(silenced.json().get("silencedUntil").asText()).isEqualTo(T0.plus(Duration.ofHours(2)).toString());
            assertThat(storeA.findIncident(id).orElseThrow().silencedUntil()).isEqualTo(T0.plus(Duration.ofHours(2)));
            // every replica reads it from the store
            assertThat(standby.get("/api/v1/alerts?state=open").json().get("items").get(0).get("silencedBy")
                    .asText()).isEqualTo("bearer");

            for (String bad : List.of("/silence", "/silence?for=0s", "/silence?for=91d", "/silence?for=soon",
                    "/silence?for=1h&for=2h", "/silence?for=1h&x=1")) {
                Fixture.Reply r = leader.sendDriving("POST", base + bad, null, Fixture.TOKEN);
                assertThat(r.status()).as(bad).isEqualTo(400);
                assertThat(r.json().get("error").asText()).as(bad).isNotBlank();
            }
            Fixture.Reply lifted = leader.sendDriving("DELETE", base + "/silence", null, Fixture.TOKEN);
            assertThat(lifted.status()).isEqualTo(200);
            assertThat(lifted.json().get("silencedUntil").isNull()).isTrue();
            assertThat(leader.sendDriving("POST", "/api/v1/alerts/nope/acknowledge", null, Fixture.TOKEN).status())
                    .isEqualTo(404);
            assertThat(log.text()).contains("action POST " + base + "/acknowledge by bearer")
                    .contains("reason \"on it\"").contains("action DELETE " + base + "/silence by bearer");
        }
    }

    @Test
    void triggerSuspendAndResumeWriteToTheClusterFromAnyReplica() {
        try (Fixture f = Fixture.withActions(); LogCapture log = LogCapture.start()) {
            io.cronjobguardian.api.CronJobSnapshot cj = f.cronJob("team-a", "alpha");
            String base = "/api/v1/cronjobs/team-a/alpha";

            Fixture.Reply suspended = f.post(base + "/suspend", "{\"reason\": \"maintenance\"}", Fixture.TOKEN);
            assertThat(suspended.status()).isEqualTo(200);
            assertThat(suspended.json().get("suspended").asBoolean()).isTrue();
            assertThat(f.watcher.cronJob(cj.ref()).orElseThrow().suspended()).isTrue();
            assertThat(f.post(base + "/resume", null, Fixture.TOKEN).json().get("suspended").asBoolean()).isFalse();
            assertThat(f.watcher.cronJob(cj.ref()).orElseThrow().suspended()).isFalse();

            Fixture.Reply triggered = f.post(base + "/trigger", null, Fixture.TOKEN);
            assertThat(triggered.status()).isEqualTo(200);
            String job = triggered.json().get("jobName").asText();
            assertThat(f.watcher.jobs(cj.ref())).anySatisfy(j -> {
                assertThat(j.name()).isEqualTo(job);
                assertThat(j.manual()).isTrue();
            });

            assertThat(f.post("/api/v1/cronjobs/team-a/none/trigger", null, Fixture.TOKEN).status()).isEqualTo(404);
            assertThat(f.post(base + "/trigger", null, null).status()).isEqualTo(401);
            assertThat(log.text()).contains("action POST " + base + "/suspend by bearer")
                    .contains("reason \"maintenance\"").contains("action POST " + base + "/trigger by bearer");
        }
    }

    @Test
    void aWatcherThatDoesNotWriteAnswers501() {
        ScriptableCronJobWatcher cluster = new ScriptableCronJobWatcher();
        io.cronjobguardian.api.CronJobWatcher readOnly = new io.cronjobguardian.api.CronJobWatcher() {
            @Override public void start(io.cronjobguardian.api.WatchListener l) { cluster.start(l); }
            @Override public boolean hasSynced() { return cluster.hasSynced(); }
            @Override public java.util.Collection<io.cronjobguardian.api.CronJobSnapshot> cronJobs() {
                return cluster.cronJobs();
            }
            @Override public java.util.Optional<io.cronjobguardian.api.CronJobSnapshot> cronJob(
                    io.cronjobguardian.api.CronJobRef ref) {
                return cluster.cronJob(ref);
            }
            @Override public java.util.Collection<io.cronjobguardian.api.JobSnapshot> jobs(
                    io.cronjobguardian.api.CronJobRef owner) {
                return cluster.jobs(owner);
            }
            @Override public java.util.Optional<String> fetchLogTail(io.cronjobguardian.api.JobSnapshot j,
                    io.cronjobguardian.api.LogRequest r) {
                return java.util.Optional.empty();
            }
            @Override public List<String> fetchEvents(io.cronjobguardian.api.JobSnapshot j, int max) {
                return List.of();
            }
            @Override public void close() { cluster.close(); }
        };
        try (Fixture f = new Fixture(c -> c.set("http.actions.enabled", "true").set("http.token", Fixture.TOKEN),
                s -> { }, g -> g.watcher(readOnly), new InMemoryHistoryStore(), cluster, null, new ManualClock(T0))) {
            f.cronJob("team-a", "alpha");
            Fixture.Reply r = f.post("/api/v1/cronjobs/team-a/alpha/suspend", null, Fixture.TOKEN);
            assertThat(r.status()).isEqualTo(501);
            assertThat(r.json().get("error").asText()).contains("does not write");
        }
    }

    @Test
    void metricsAreServedInPrometheusFormatWhenARegistryIsGiven() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Fixture f = new Fixture(c -> { }, s -> s.prometheus(registry), g -> g.meterRegistry(registry),
                new InMemoryHistoryStore(), new ScriptableCronJobWatcher(), null, new ManualClock(T0))) {
            Fixture.Reply r = f.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                    assertThat(v).startsWith("text/plain"));
            assertThat(r.body()).contains("cronjob_guardian_leader_status 1.0");
        }
    }

    @Test
    void withoutAHostRegistryTheServerAttachesItsOwnAndServesGuardiansAndTheJvmsMeters() {
        try (Fixture f = Fixture.plain()) {
            f.scheduler.runPending();
            io.cronjobguardian.api.CronJobSnapshot cj = f.cronJob("team-a", "alpha");
            f.run(cj, T0, true);
            f.scheduler.runPending();
            Fixture.Reply r = f.get("/metrics");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body()).contains("cronjob_guardian_leader_status 1.0")
                    .contains("cronjob_guardian_db_connections_open")
                    .contains("cronjob_guardian_executions_total{cronjob=\"alpha\"")
                    .contains("jvm_memory_used_bytes").contains("process_cpu_usage").contains("process_uptime_seconds");
            // a second server on the same Guardian attaches its own registry too; closing the first detaches it
            GuardianHttpServer second = GuardianHttpServer.builder(f.guardian).port(0).build().start();
            try {
                f.server.close();
                assertThat(f.guardian.attachMeterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))
                        .as("Guardian's own meters take more registries").isTrue();
            } finally {
                second.close();
            }
        }
    }

    @Test
    void metricsAreNotServedWhenTheHostKeepsGuardiansMetersInARegistryOfItsOwn() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry host =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        try (Fixture f = new Fixture(c -> { }, s -> { }, g -> g.meterRegistry(host), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), null, new ManualClock(T0))) {
            Fixture.Reply r = f.get("/metrics");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.json().get("error").asText()).contains("no Prometheus registry");
            assertThat(f.guardian.attachMeterRegistry(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))
                    .isFalse();
            assertThat(host.find("cronjob.guardian.leader.status").gauge()).isNotNull();
        }
    }

    @Test
    void underABasePathEveryRouteMovesAndAMalformedOneIsAConfigurationError() {
        try (Fixture f = new Fixture(c -> c.set("http.basePath", "/ops/guardian/"), s -> { })) {
            assertThat(f.get("/ops/guardian/healthz").status()).isEqualTo(200);
            assertThat(f.get("/ops/guardian/api/v1/cronjobs").status()).isEqualTo(200);
            assertThat(f.get("/healthz").status()).isEqualTo(404);
            assertThat(f.get("/ops/guardianx/healthz").status()).isEqualTo(404);
            Fixture.Reply unknown = f.get("/ops/guardian/api/v1/nothing");
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.json().get("error").asText()).contains("/ops/guardian/api/v1/openapi.yaml");
        }
        for (String bad : List.of("guardian", "/a//b", "/../etc", "/a/./b", "/a b", "/a?x")) {
            assertThatThrownBy(() -> GuardianHttpHandler.basePath(bad)).as(bad)
                    .isInstanceOf(io.cronjobguardian.api.ConfigException.class).hasMessageContaining("http.basePath");
        }
        assertThat(GuardianHttpHandler.basePath("/")).isEmpty();
        assertThat(GuardianHttpHandler.basePath(" /x.y_z~1/ ")).isEqualTo("/x.y_z~1");
    }

    @Test
    void closeLetsARequestInProgressFinishAndRefusesNewOnes() throws Exception {
        try (Fixture f = new Fixture(c -> c.set("http.actions.enabled", "true").set("http.token", Fixture.TOKEN),
                s -> s.stopTimeout(Duration.ofSeconds(30)))) {
            f.channel.block();
            java.util.concurrent.CompletableFuture<Fixture.Reply> inFlight = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> f.post(TEST, null, Fixture.TOKEN));
            f.channel.awaitBlocked(1, Duration.ofSeconds(10));
            java.util.concurrent.CompletableFuture<Void> closing = java.util.concurrent.CompletableFuture
                    .runAsync(f.server::close);
            // once close() has begun, a new request is answered 503 (the listener stays open until the end)
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            int status = 0;
            while (status != 503 && System.nanoTime() < deadline) {
                status = f.get("/healthz").status();
            }
            assertThat(status).isEqualTo(503);
            assertThat(closing).isNotDone();
            f.channel.release();
            assertThat(inFlight.get(10, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(200);
            closing.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(f.channel.delivered()).hasSize(1);
        }
    }

    @Test
    void closeStopsListeningAndIsIdempotent() throws Exception {
        Fixture f = Fixture.plain();
        URI url = URI.create(f.server.url() + "/healthz");
        assertThat(f.get("/healthz").status()).isEqualTo(200);
        f.close();
        f.server.close();
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        assertThatThrownBy(() -> fresh.send(java.net.http.HttpRequest.newBuilder(url)
                .timeout(Duration.ofSeconds(5)).build(), BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }
}
