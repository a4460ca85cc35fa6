package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpec.DataRetention;
import io.cronjobguardian.engine.monitor.MonitorSpec.OnCronJobDeletion;
import io.cronjobguardian.engine.monitor.MonitorSpec.OnRecreation;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Retention through the engine: the prune timer (at catch-up, then every {@code scheduler.pruneInterval}), the
 * global default, per-monitor retention capped by {@code historyRetention.maxDays}, log/event retention, and what
 * happens on deletion, recreation and when a monitor merely stops selecting a CronJob (audit §1.9, weak spot 23).
 */
class RetentionTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);

    /** Default 10 days, pruned hourly. */
    private static final Consumer<GuardianConfig.Builder> TEN_DAYS = c -> c
            .set("historyRetention.defaultDays", "10")
            .set("scheduler.pruneInterval", "1h");

    private static DataRetention retention(Integer days, Integer logDays, Boolean storeLogs,
            OnCronJobDeletion onDeletion, int purgeAfterDays, OnRecreation onRecreation) {
        return new DataRetention(days, logDays, storeLogs, storeLogs, null, onDeletion, purgeAfterDays, onRecreation);
    }

    private static MonitorSpec monitor(String name, Map<String, String> labels, DataRetention r) {
        return MonitorSpec.builder("team-a", name).matchLabels(labels).dataRetention(r).build();
    }

    private static Execution run(CronJobSnapshot cj, String uid, Instant start) {
        return TestObjects.job(cj).name(cj.ref().name() + "-" + uid).uid(uid).scheduled(start)
                .succeeded(start, Duration.ofSeconds(30)).execution();
    }

    private static List<String> uids(EngineHarness h, CronJobRef ref) {
        return h.store.executions(ExecutionQuery.forCronJob(ref).page(0, ExecutionQuery.MAX_LIMIT)).items().stream()
                .map(Execution::jobUid).sorted().collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- global default and prune timer

    @Test
    void defaultDaysArePrunedAtCatchUpAndThenEveryPruneInterval() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "old").schedule("0 * * * *").build();
        watcher.addCronJob(cj);
        store.upsertExecution(run(cj, "a-older-than-10d", T0.minus(Duration.ofDays(10)).minusSeconds(1)), 1);
        store.upsertExecution(run(cj, "b-10d-in-30m", T0.minus(Duration.ofDays(10)).plus(Duration.ofMinutes(30))), 1);
        store.upsertExecution(run(cj, "c-1d", T0.minus(DAY)), 1);
        try (EngineHarness h = new EngineHarness(T0, List.of(MonitorSpec.of("team-a", "plain")), store, watcher,
                TEN_DAYS).start()) {
            assertThat(uids(h, cj.ref())).as("catch-up prunes at once").containsExactly("b-10d-in-30m", "c-1d");
            // b is older than 10 days from 00:30 on, but the next prune runs at 01:00
            h.advanceTo(T0.plus(Duration.ofHours(1)).minusMillis(1));
            assertThat(uids(h, cj.ref())).containsExactly("b-10d-in-30m", "c-1d");
            h.advanceTo(T0.plus(Duration.ofHours(1)));
            assertThat(uids(h, cj.ref())).containsExactly("c-1d");
            // c is exactly 10 days old at the prune of day 9, 00:00 (kept: only older runs go), gone at the next
            h.advanceTo(T0.plus(Duration.ofDays(9)));
            assertThat(uids(h, cj.ref())).containsExactly("c-1d");
            h.advanceTo(T0.plus(Duration.ofDays(9)).plus(Duration.ofHours(1)).minusMillis(1));
            assertThat(uids(h, cj.ref())).containsExactly("c-1d");
            h.advanceTo(T0.plus(Duration.ofDays(9)).plus(Duration.ofHours(1)));
            assertThat(uids(h, cj.ref())).isEmpty();
        }
    }

    @Test
    void perMonitorRetentionLongerAndShorterThanTheDefaultAndTheLongestSelectingMonitorWins() {
        MonitorSpec longer = monitor("longer", Map.of("long", "true"),
                retention(20, null, null, null, 7, null));
        MonitorSpec shorter = monitor("shorter", Map.of("short", "true"),
                retention(5, null, null, null, 7, null));
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        CronJobSnapshot l = TestObjects.cronJob("team-a", "l").label("long", "true").build();
        CronJobSnapshot s = TestObjects.cronJob("team-a", "s").label("short", "true").build();
        CronJobSnapshot both = TestObjects.cronJob("team-a", "both").label("long", "true").label("short", "true")
                .build();
        CronJobSnapshot none = TestObjects.cronJob("team-a", "none").build();
        for (CronJobSnapshot cj : List.of(l, s, both, none)) {
            watcher.addCronJob(cj);
            for (int age : new int[] {4, 7, 15, 25}) {
                store.upsertExecution(run(cj, cj.ref().name() + "-" + age + "d", T0.minus(Duration.ofDays(age))), 1);
            }
        }
        try (EngineHarness h = new EngineHarness(T0, List.of(longer, shorter), store, watcher, TEN_DAYS).start()) {
            assertThat(uids(h, l.ref())).containsExactly("l-15d", "l-4d", "l-7d");
            assertThat(uids(h, s.ref())).containsExactly("s-4d");
            assertThat(uids(h, both.ref())).containsExactly("both-15d", "both-4d", "both-7d");
            assertThat(uids(h, none.ref())).as("no monitor: the default 10 days").containsExactly("none-4d", "none-7d");
        }
    }

    @Test
    void perMonitorRetentionIsCappedByMaxDaysAndMaxDaysBoundsRunsOfUnknownCronJobs() {
        MonitorSpec sixty = monitor("sixty", Map.of(), retention(60, null, null, null, 7, null));
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "capped").build();
        watcher.addCronJob(cj);
        CronJobSnapshot unknown = TestObjects.cronJob("team-z", "never-seen").build();   // no state, not watched
        for (int age : new int[] {25, 29, 31, 45}) {
            store.upsertExecution(run(cj, "capped-" + age + "d", T0.minus(Duration.ofDays(age))), 1);
            store.upsertExecution(run(unknown, "unknown-" + age + "d", T0.minus(Duration.ofDays(age))), 1);
        }
        try (EngineHarness h = new EngineHarness(T0, List.of(sixty), store, watcher, c -> c
                .set("historyRetention.defaultDays", "10").set("historyRetention.maxDays", "30")).start()) {
            assertThat(uids(h, cj.ref())).as("60 days asked, 30 allowed").containsExactly("capped-25d", "capped-29d");
            assertThat(uids(h, unknown.ref())).containsExactly("unknown-25d", "unknown-29d");
        }
    }

    // ---------------------------------------------------------------- logs and events

    @Test
    void logRetentionDropsDetailsButKeepsRunsGloballyAndPerMonitor() {
        MonitorSpec global = monitor("global", Map.of("logs", "global"),
                retention(null, null, true, null, 7, null));
        MonitorSpec oneDay = monitor("one-day", Map.of("logs", "one-day"),
                retention(null, 1, true, null, 7, null));
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(global, oneDay),
                new InMemoryHistoryStore(), new ScriptableCronJobWatcher(), c -> TEN_DAYS.andThen(x -> x
                        .set("storage.logRetentionDays", "3")).accept(c)).start()) {
            CronJobSnapshot g = h.addCronJob(TestObjects.cronJob("team-a", "g").label("logs", "global"));
            CronJobSnapshot o = h.addCronJob(TestObjects.cronJob("team-a", "o").label("logs", "one-day"));
            Instant gStart = T0.minus(Duration.ofDays(3)).plus(Duration.ofMinutes(30));   // 3 days old at 00:30
            Instant oStart = T0.minus(DAY).plus(Duration.ofMinutes(20));                  // 1 day old at 00:20
            JobSnapshot gJob = failed(h, g, "g-1", gStart);
            JobSnapshot oJob = failed(h, o, "o-1", oStart);
            assertThat(h.store.findExecution(gJob.uid())).get()
                    .satisfies(e -> {
                        assertThat(e.logTail()).isEqualTo("boom\n");
                        assertThat(e.events()).containsExactly("BackoffLimitExceeded: gave up");
                    });
            assertThat(h.store.findExecution(oJob.uid())).get().satisfies(e -> assertThat(e.hasDetails()).isTrue());

            h.advanceTo(T0.plus(Duration.ofHours(1)).minusMillis(1));
            assertThat(h.store.findExecution(gJob.uid())).get().satisfies(e -> assertThat(e.hasDetails()).isTrue());
            assertThat(h.store.findExecution(oJob.uid())).get().satisfies(e -> assertThat(e.hasDetails()).isTrue());
            h.advanceTo(T0.plus(Duration.ofHours(1)));   // the hourly prune
            for (JobSnapshot j : List.of(gJob, oJob)) {
                assertThat(h.store.findExecution(j.uid())).as(j.name()).get().satisfies(e -> {
                    assertThat(e.state()).isEqualTo(JobState.FAILED);
                    assertThat(e.logTail()).isNull();
                    assertThat(e.events()).isEmpty();
                });
            }
            assertThat(h.runs(g.ref())).isEqualTo(1);
            assertThat(h.runs(o.ref())).isEqualTo(1);
        }
    }

    private static JobSnapshot failed(EngineHarness h, CronJobSnapshot cj, String uid, Instant start) {
        h.watcher.setLogTail(uid, "boom\n");
        h.watcher.setEvents(uid, "BackoffLimitExceeded: gave up");
        JobSnapshot j = TestObjects.job(cj).name(cj.ref().name() + "-" + uid).uid(uid).scheduled(start)
                .failed(start, start.plusSeconds(60)).exitCode(1, "Error").build();
        h.watcher.addJob(j);
        h.run();
        return j;
    }

    // ---------------------------------------------------------------- deletion

    @Test
    void onDeletionRetainKeepsTheHistoryUnderNormalRetention() {
        MonitorSpec m = monitor("retain", Map.of(), retention(null, null, null, OnCronJobDeletion.RETAIN, 7, null));
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(m), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), TEN_DAYS).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "kept"));
            h.finishedRun(cj, T0.minus(Duration.ofDays(10)).plus(Duration.ofMinutes(30)), Duration.ofSeconds(5), true);
            h.finishedRun(cj, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), true);
            h.advance(Duration.ofMinutes(10));
            h.watcher.deleteCronJob(cj.ref());
            h.run();
            assertThat(h.runs(cj.ref())).isEqualTo(2);
            assertThat(h.store.findCronJobState(cj.ref())).get().satisfies(st -> {
                assertThat(st.deletedAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
                assertThat(st.purgeAt()).isNull();
            });
            h.advanceTo(T0.plus(Duration.ofHours(1)));   // default retention still applies to the deleted CronJob
            assertThat(h.runs(cj.ref())).isEqualTo(1);
            h.advanceTo(T0.plus(Duration.ofDays(30)));
            assertThat(h.runs(cj.ref())).isZero();
        }
    }

    @Test
    void onDeletionPurgeDeletesAtOnceOnlyThatCronJobsHistory() {
        MonitorSpec m = MonitorSpec.builder("team-a", "purge")
                .selector(new MonitorSpec.Selector(Map.of(), List.of(), List.of(), List.of("team-a", "team-b"), null,
                        false))
                .dataRetention(retention(null, null, null, OnCronJobDeletion.PURGE, 7, null)).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot gone = h.addCronJob(TestObjects.cronJob("team-a", "report"));
            CronJobSnapshot sameName = h.addCronJob(TestObjects.cronJob("team-b", "report"));
            CronJobSnapshot other = h.addCronJob(TestObjects.cronJob("team-a", "other"));
            for (CronJobSnapshot cj : List.of(gone, sameName, other)) {
                h.finishedRun(cj, T0.minus(Duration.ofHours(2)), Duration.ofSeconds(5), true);
                h.finishedRun(cj, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), false);
            }
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).hasSize(3);
            h.advance(Duration.ofMinutes(1));
            h.watcher.deleteCronJob(gone.ref());
            h.run();
            assertThat(h.runs(gone.ref())).isZero();
            assertThat(h.store.findCronJobState(gone.ref())).isEmpty();
            assertThat(h.runs(sameName.ref())).as("same name, other namespace").isEqualTo(2);
            assertThat(h.runs(other.ref())).isEqualTo(2);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).extracting(i -> i.key().cronJob())
                    .containsExactlyInAnyOrder(sameName.ref(), other.ref());
        }
    }

    private static final MonitorSpec PURGE_AFTER_2_DAYS = monitor("later", Map.of(),
            retention(null, null, null, OnCronJobDeletion.PURGE_AFTER_DAYS, 2, null));

    @Test
    void onDeletionPurgeAfterDaysPurgesExactlyNDaysAfterTheDeletion() {
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(PURGE_AFTER_2_DAYS),
                new InMemoryHistoryStore(), new ScriptableCronJobWatcher(), TEN_DAYS).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "later"));
            h.finishedRun(cj, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), true);
            Instant deletedAt = T0.plus(Duration.ofMinutes(10)).plusSeconds(7);   // off the prune grid
            h.advanceTo(deletedAt);
            h.watcher.deleteCronJob(cj.ref());
            h.run();
            Instant purgeAt = deletedAt.plus(Duration.ofDays(2));
            assertThat(h.store.findCronJobState(cj.ref())).get().satisfies(st -> {
                assertThat(st.deletedAt()).isEqualTo(deletedAt);
                assertThat(st.purgeAt()).isEqualTo(purgeAt);
            });
            h.advanceTo(purgeAt.minusMillis(1));
            assertThat(h.runs(cj.ref())).isEqualTo(1);
            h.advanceTo(purgeAt);
            assertThat(h.runs(cj.ref())).isZero();
            assertThat(h.store.findCronJobState(cj.ref())).isEmpty();
        }
    }

    @Test
    void onDeletionPurgeAfterDaysSurvivesARestartInBetween() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "later").build();
        Instant deletedAt = T0.plus(Duration.ofMinutes(10)).plusSeconds(7);
        Instant purgeAt = deletedAt.plus(Duration.ofDays(2));
        try (EngineHarness h = new EngineHarness(clock, List.of(PURGE_AFTER_2_DAYS), store,
                new ScriptableCronJobWatcher(), TEN_DAYS).start()) {
            h.watcher.addCronJob(cj);
            h.run();
            h.finishedRun(cj, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), true);
            h.advanceTo(deletedAt);
            h.watcher.deleteCronJob(cj.ref());
            h.run();
            h.advanceTo(T0.plus(DAY));
            assertThat(h.runs(cj.ref())).isEqualTo(1);
        }
        // a new engine (the CronJob is gone from the cluster) takes over a day later
        try (EngineHarness h = new EngineHarness(clock, List.of(PURGE_AFTER_2_DAYS), store.createPeer(),
                new ScriptableCronJobWatcher(), TEN_DAYS).start()) {
            assertThat(h.runs(cj.ref())).isEqualTo(1);
            h.advanceTo(purgeAt.minusMillis(1));
            assertThat(h.runs(cj.ref())).isEqualTo(1);
            h.advanceTo(purgeAt);
            assertThat(h.runs(cj.ref())).isZero();
            assertThat(h.store.findCronJobState(cj.ref())).isEmpty();
        }
    }

    @Test
    void onDeletionPurgeAfterDaysWhoseDayPassedWhileNoEngineRanPurgesAtCatchUp() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "later").build();
        try (EngineHarness h = new EngineHarness(clock, List.of(PURGE_AFTER_2_DAYS), store,
                new ScriptableCronJobWatcher(), TEN_DAYS).start()) {
            h.watcher.addCronJob(cj);
            h.run();
            h.finishedRun(cj, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), true);
            h.watcher.deleteCronJob(cj.ref());
            h.run();
        }
        clock.set(T0.plus(Duration.ofDays(3)).plusSeconds(11));
        try (EngineHarness h = new EngineHarness(clock, List.of(PURGE_AFTER_2_DAYS), store.createPeer(),
                new ScriptableCronJobWatcher(), TEN_DAYS).start()) {
            assertThat(h.runs(cj.ref())).isZero();
            assertThat(h.store.findCronJobState(cj.ref())).isEmpty();
        }
    }

    // ---------------------------------------------------------------- recreation

    private static long recreate(OnRecreation policy, boolean deleteEventSeen) {
        MonitorSpec m = monitor("recreation", Map.of(), retention(null, null, null, null, 7, policy));
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot first = h.addCronJob(TestObjects.cronJob("team-a", "again").uid("uid-1"));
            JobSnapshot a = h.finishedRun(first, T0.minus(Duration.ofHours(2)), Duration.ofSeconds(5), true);
            JobSnapshot b = h.finishedRun(first, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), false);
            h.advance(Duration.ofMinutes(5));
            if (deleteEventSeen) {
                h.watcher.deleteCronJob(first.ref());
            }
            // Kubernetes garbage-collects the Jobs of the deleted incarnation
            h.watcher.deleteJob(a.uid());
            h.watcher.deleteJob(b.uid());
            h.run();
            CronJobSnapshot second = TestObjects.cronJob(first).uid("uid-2").creationTime(h.now()).build();
            h.watcher.putCronJob(second);
            h.run();
            assertThat(h.store.findCronJobState(first.ref())).get().satisfies(st -> {
                assertThat(st.uid()).isEqualTo("uid-2");
                assertThat(st.deletedAt()).isNull();
            });
            h.advance(Duration.ofMinutes(5));
            h.finishedRun(second, h.now().minusSeconds(60), Duration.ofSeconds(5), true);
            List<Execution> runs = h.store.executions(ExecutionQuery.forCronJob(first.ref())).items();
            assertThat(runs).anySatisfy(e -> assertThat(e.job().ownerUid()).isEqualTo("uid-2"));
            if (policy == OnRecreation.RESET) {
                assertThat(runs).allSatisfy(e -> assertThat(e.job().ownerUid()).isEqualTo("uid-2"));
                assertThat(h.openIncidents()).as("the failure belonged to the old incarnation").isEmpty();
            }
            return runs.size();
        }
    }

    @Test
    void onRecreationResetDeletesTheOldUidsRuns() {
        assertThat(recreate(OnRecreation.RESET, true)).isEqualTo(1);
    }

    @Test
    void onRecreationResetAlsoWhenTheDeletionWasNotSeen() {
        assertThat(recreate(OnRecreation.RESET, false)).isEqualTo(1);
    }

    @Test
    void onRecreationRetainKeepsTheOldUidsRuns() {
        assertThat(recreate(OnRecreation.RETAIN, true)).isEqualTo(3);
        assertThat(recreate(OnRecreation.RETAIN, false)).isEqualTo(3);
    }

    @Test
    void onRecreationResetWhenTheCronJobWasRecreatedWhileNoEngineRan() {
        MonitorSpec m = monitor("recreation", Map.of(), retention(null, null, null, null, 7, OnRecreation.RESET));
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot first = TestObjects.cronJob("team-a", "again").uid("uid-1").build();
        try (EngineHarness h = new EngineHarness(clock, List.of(m), store, new ScriptableCronJobWatcher(),
                c -> { }).start()) {
            h.watcher.addCronJob(first);
            h.run();
            h.finishedRun(first, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), true);
        }
        clock.set(T0.plus(Duration.ofHours(3)));
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(TestObjects.cronJob(first).uid("uid-2").creationTime(T0.plus(Duration.ofHours(2))).build());
        try (EngineHarness h = new EngineHarness(clock, List.of(m), store.createPeer(), w2, c -> { }).start()) {
            assertThat(h.runs(first.ref())).isZero();
            assertThat(h.store.findCronJobState(first.ref())).get()
                    .satisfies(st -> assertThat(st.uid()).isEqualTo("uid-2"));
        }
    }

    @Test
    void onRecreationResetDoesNotBringBackRunsOfOrphanedJobsOfTheOldIncarnation() {
        // kubectl delete cronjob --cascade=orphan: the old incarnation's Jobs stay, owned by the old UID
        MonitorSpec m = monitor("recreation", Map.of(), retention(null, null, null, null, 7, OnRecreation.RESET));
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot first = TestObjects.cronJob("team-a", "again").uid("uid-1").creationTime(T0).build();
        JobSnapshot done = TestObjects.job(first).name("again-done").uid("old-done").scheduled(T0)
                .succeeded(T0, Duration.ofSeconds(5)).build();
        JobSnapshot running = TestObjects.job(first).name("again-running").uid("old-running")
                .scheduled(T0.plus(Duration.ofHours(1))).running(T0.plus(Duration.ofHours(1))).build();
        try (EngineHarness h = new EngineHarness(clock, List.of(m), store, new ScriptableCronJobWatcher(),
                c -> { }).start()) {
            h.watcher.addCronJob(first);
            h.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(10));
            h.watcher.addJob(done);
            h.watcher.addJob(running);
            h.run();
            assertThat(h.runs(first.ref())).isEqualTo(2);
            h.watcher.deleteCronJob(first.ref());
            h.watcher.addCronJob(TestObjects.cronJob(first).uid("uid-2").creationTime(h.now()).build());
            h.run();
            assertThat(h.runs(first.ref())).as("reset").isZero();
            // the orphaned Job of uid-1 finishes after the recreation
            h.advance(Duration.ofMinutes(1));
            h.watcher.finishJob("old-running", false, 1, h.now());
            h.run();
            assertThat(h.runs(first.ref())).as("not recorded back into the new incarnation's history").isZero();
            assertThat(h.openIncidents()).isEmpty();
        }
        // and a restart does not re-record the orphans from the cache either
        clock.set(T0.plus(Duration.ofHours(2)));
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(TestObjects.cronJob(first).uid("uid-2").creationTime(T0.plus(Duration.ofHours(1))).build());
        w2.addJob(done);
        w2.addJob(TestObjects.job(running).failed(running.effectiveStart(), T0.plus(Duration.ofMinutes(61)))
                .build());
        try (EngineHarness h = new EngineHarness(clock, List.of(m), store.createPeer(), w2, c -> { }).start()) {
            assertThat(h.runs(first.ref())).isZero();
            assertThat(h.openIncidents()).isEmpty();
        }
    }

    @Test
    void resolvedIncidentsAreKeptForMaxDaysAndOpenOnesForever() {
        MonitorSpec window = MonitorSpec.builder("team-a", "window").matchLabels(Map.of("watch", "yes"))
                .deadManSwitch(MonitorSpec.DeadManSwitch.noSuccessWithin(Duration.ofHours(1))).build();
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(MonitorSpec.of("team-a", "plain"),
                window), new InMemoryHistoryStore(), new ScriptableCronJobWatcher(), c -> c
                        .set("historyRetention.defaultDays", "10").set("historyRetention.maxDays", "30")
                        .set("scheduler.pruneInterval", "1h")).start()) {
            CronJobSnapshot healed = h.addCronJob(TestObjects.cronJob("team-a", "healed"));
            CronJobSnapshot silent = h.addCronJob(TestObjects.cronJob("team-a", "silent").label("watch", "yes")
                    .creationTime(T0));
            h.advance(Duration.ofMinutes(1));
            h.finishedRun(healed, T0, Duration.ofSeconds(5), false);
            h.advanceTo(T0.plus(Duration.ofMinutes(30)));
            h.finishedRun(healed, T0.plus(Duration.ofMinutes(29)), Duration.ofSeconds(5), true);   // resolved 00:30
            h.advanceTo(T0.plus(Duration.ofHours(1)));   // silent: no success within 1h of its creation
            String resolvedId = h.allIncidents().stream().filter(i -> i.key().cronJob().equals(healed.ref()))
                    .findFirst().orElseThrow().id();
            String openId = h.openIncidents(AlertType.DEAD_MAN_TRIGGERED).stream()
                    .filter(i -> i.key().cronJob().equals(silent.ref())).findFirst().orElseThrow().id();
            // resolved at 00:30: older than 30 days from day 30, 00:30 on; the hourly prune at 01:00 deletes it
            h.advanceTo(T0.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)).minusMillis(1));
            assertThat(h.store.findIncident(resolvedId)).isPresent();
            h.advanceTo(T0.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
            assertThat(h.store.findIncident(resolvedId)).isEmpty();
            assertThat(h.store.findIncident(openId)).get().satisfies(i -> assertThat(i.isOpen()).isTrue());
            h.advance(Duration.ofDays(60));
            assertThat(h.store.findIncident(openId)).get().satisfies(i -> {
                assertThat(i.isOpen()).isTrue();
                assertThat(i.openedAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
            });
        }
    }

    // ---------------------------------------------------------------- no longer selected

    @Test
    void aCronJobThatStopsMatchingIsNotPurgedAndItsIncidentsOfThatMonitorAreResolved() {
        MonitorSpec purging = monitor("purging", Map.of("team", "a"),
                retention(null, null, null, OnCronJobDeletion.PURGE, 7, OnRecreation.RESET));
        MonitorSpec everything = MonitorSpec.of("team-a", "everything");
        try (EngineHarness h = new EngineHarness(T0, List.of(purging, everything)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "relabelled").label("team", "a"));
            h.finishedRun(cj, T0.minus(Duration.ofHours(2)), Duration.ofSeconds(5), true);
            h.finishedRun(cj, T0.minus(Duration.ofHours(1)), Duration.ofSeconds(5), false);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).extracting(i -> i.key().monitor())
                    .containsExactlyInAnyOrder("team-a/purging", "team-a/everything");
            String purgingIncident = h.openIncidents(AlertType.JOB_FAILED).stream()
                    .filter(i -> i.key().monitor().equals("team-a/purging")).findFirst().orElseThrow().id();

            h.advance(Duration.ofMinutes(3));
            Instant relabelledAt = h.now();
            h.watcher.updateCronJob(TestObjects.cronJob("team-a", "relabelled").label("team", "b").build());
            h.run();

            assertThat(h.runs(cj.ref())).as("not purged").isEqualTo(2);
            CronJobState st = h.store.findCronJobState(cj.ref()).orElseThrow();
            assertThat(st.deletedAt()).isNull();
            assertThat(st.purgeAt()).isNull();
            assertThat(h.store.findIncident(purgingIncident)).get()
                    .satisfies(i -> assertThat(i.resolvedAt()).isEqualTo(relabelledAt));
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).extracting(i -> i.key().monitor())
                    .containsExactly("team-a/everything");
            assertThat(h.guardian.monitorStatus("team-a/purging")).get()
                    .satisfies(ms -> assertThat(ms.total()).isZero());
            // and later prunes do not purge it either
            h.advance(Duration.ofHours(2));
            assertThat(h.runs(cj.ref())).isEqualTo(2);
        }
    }
}
