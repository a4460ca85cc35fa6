package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Operations only the leader carries out, asked through {@link Guardian}: prune now, delete a CronJob's history. */
class LeaderOperationsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final MonitorSpec MONITOR = MonitorSpec.builder("team-a", "m").build();

    private static <T> T done(EngineHarness h, CompletableFuture<T> f) throws Exception {
        h.run();
        assertThat(f).as("completed on the engine thread").isDone();
        return f.get();
    }

    @Test
    void deleteHistoryDeletesOneCronJobsRunsOnly() throws Exception {
        try (EngineHarness h = new EngineHarness(T0, List.of(MONITOR)).start()) {
            CronJobSnapshot a = h.addCronJob(TestObjects.cronJob("team-a", "a").schedule("*/5 * * * *")
                    .creationTime(T0));
            CronJobSnapshot b = h.addCronJob(TestObjects.cronJob("team-a", "b").schedule("*/5 * * * *")
                    .creationTime(T0));
            h.simulateController(a, T0.plus(Duration.ofMinutes(16)), Duration.ofMinutes(1), s -> false);
            h.finishedRun(b, T0.plus(Duration.ofMinutes(5)), Duration.ofMinutes(1), true);
            assertThat(h.runs(a.ref())).isEqualTo(3);

            CompletableFuture<Long> deleted = h.guardian.deleteHistory(a.ref());
            assertThat(deleted).as("runs on the engine thread, not the caller's").isNotDone();

            assertThat(done(h, deleted)).isEqualTo(3);
            assertThat(h.runs(a.ref())).isZero();
            assertThat(h.runs(b.ref())).isEqualTo(1);
            // the CronJob is still watched and judged: its next run is recorded as usual
            h.simulateController(a, T0.plus(Duration.ofMinutes(21)), Duration.ofMinutes(1), s -> false);
            assertThat(h.store.executions(ExecutionQuery.forCronJob(a.ref())).items()).hasSize(1);
        }
    }

    @Test
    void pruneNowRunsRetentionAndTellsWhatItDeleted() throws Exception {
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(MONITOR), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), c -> c.set("historyRetention.defaultDays", "1")
                        .set("scheduler.pruneInterval", "7d")).start()) {
            CronJobSnapshot a = h.addCronJob(TestObjects.cronJob("team-a", "a").schedule("0 * * * *")
                    .creationTime(T0));
            h.simulateController(a, T0.plus(Duration.ofHours(3)), Duration.ofMinutes(1), s -> false);
            assertThat(h.runs(a.ref())).isEqualTo(3);
            h.advanceTo(T0.plus(Duration.ofHours(26)).plus(Duration.ofMinutes(30)));   // 01:00 and 02:00 are older than a day
            assertThat(h.runs(a.ref())).as("the prune timer is a week away").isEqualTo(3);

            PruneResult r = done(h, h.guardian.pruneNow());

            assertThat(r.runs()).isEqualTo(2);
            assertThat(h.runs(a.ref())).as("the 03:00 run is younger than a day").isEqualTo(1);
        }
    }

    @Test
    void aStandbyRefusesWithNotLeaderAndChangesNothing() throws Exception {
        ManualClock clock = new ManualClock(T0);
        ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualElection election = ManualElection.manual();
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        CronJobSnapshot a = TestObjects.cronJob("team-a", "a").schedule("*/5 * * * *").creationTime(T0).build();
        watcher.addCronJob(a);
        store.upsertExecution(io.cronjobguardian.api.Execution.of(
                TestObjects.job(a).name("a-1").uid("u-1").scheduled(T0).running(T0).build()), 0);
        try (Guardian g = Guardian.builder()
                .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s").build())
                .monitor(MONITOR).store(store.createPeer()).watcher(watcher)
                .leaderElector(election.candidate("standby")).scheduler(scheduler).build().start()) {
            scheduler.runPending();
            assertThat(g.isLeader()).isFalse();

            CompletableFuture<Long> deleted = g.deleteHistory(a.ref());
            CompletableFuture<PruneResult> pruned = g.pruneNow();
            String incident = store.openIncident(new io.cronjobguardian.api.IncidentDraft(
                    new io.cronjobguardian.api.IncidentKey("team-a/m", a.ref(),
                            io.cronjobguardian.api.AlertType.JOB_FAILED, ""),
                    io.cronjobguardian.api.Severity.CRITICAL, "failed", "", "", null, T0), 0).incident().id();
            CompletableFuture<?> acked = g.acknowledgeIncident(incident, "alice");
            CompletableFuture<?> silenced = g.silenceIncident(incident, Duration.ofHours(1), "alice");
            scheduler.runPending();

            for (CompletableFuture<?> f : List.of(deleted, pruned, acked, silenced)) {
                assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(NotLeaderException.class);
            }
            assertThat(store.executions(ExecutionQuery.forCronJob(a.ref())).total()).isEqualTo(1);
            assertThat(store.findIncident(incident).orElseThrow()).satisfies(i -> {
                assertThat(i.acknowledgedAt()).isNull();
                assertThat(i.silencedUntil()).isNull();
            });
        }
    }

    @Test
    void aClosedGuardianRefusesAtOnce() {
        EngineHarness h = new EngineHarness(T0, List.of(MONITOR)).start();
        h.close();
        assertThat(h.guardian.pruneNow()).isCompletedExceptionally();
    }
}
