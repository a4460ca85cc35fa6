package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Restarts, catch-up, relists and the startup grace (ARCHITECTURE §6, audit weak spots 2, 3 and 9): nothing is
 * recorded twice, nothing finished while no engine ran is lost, an open incident stays the same incident, and the
 * startup grace holds evaluation back exactly as long as configured.
 */
class RestartAndCatchUpTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Consumer<GuardianConfig.Builder> NO_CONFIG = c -> { };

    private static final MonitorSpec PLAIN = MonitorSpec.of("team-a", "plain");
    private static final MonitorSpec MISSED = MonitorSpec.builder("team-a", "missed")
            .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                    new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1)))
            .build();

    /** Counts what the engine writes and records. */
    private static final class Counters {
        final AtomicInteger upserts = new AtomicInteger();
        final AtomicInteger incidentsOpened = new AtomicInteger();
        final List<String> recorded = new ArrayList<>();

        HistoryStore wrap(HistoryStore target) {
            return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                    new Class<?>[] {HistoryStore.class}, (proxy, method, args) -> {
                        if (method.getName().startsWith("upsertExecution")) {
                            upserts.incrementAndGet();
                        }
                        if (method.getName().equals("openIncident")) {
                            incidentsOpened.incrementAndGet();
                        }
                        try {
                            return method.invoke(target, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }

        EngineObserver observer() {
            return new EngineObserver() {
                @Override
                public void recorded(JobSnapshot job) {
                    recorded.add(job.uid());
                }
            };
        }
    }

    private static EngineHarness harness(ManualClock clock, List<MonitorSpec> monitors, InMemoryHistoryStore store,
            ScriptableCronJobWatcher watcher, Counters counters, Consumer<GuardianConfig.Builder> config) {
        return new EngineHarness(clock, monitors, counters.wrap(store), watcher, watcher, config,
                b -> b.observer(counters.observer()));
    }

    private static JobSnapshot finished(CronJobSnapshot cj, String uid, Instant slot, boolean ok) {
        TestObjects.JobBuilder b = TestObjects.job(cj).name(cj.ref().name() + "-" + uid).uid(uid).scheduled(slot);
        return (ok ? b.succeeded(slot, Duration.ofSeconds(30)) : b.failed(slot, Duration.ofSeconds(30))
                .exitCode(1, "Error")).build();
    }

    @Test
    void jobsThatFinishedWhileNoEngineRanAreRecordedOnceAtCatchUpAndARelistRecordsNothingTwice() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "nightly").schedule("0 * * * *").creationTime(T0).build();
        JobSnapshot before = finished(cj, "j1", T0.plus(Duration.ofHours(1)), true);
        Counters first = new Counters();
        try (EngineHarness h = harness(clock, List.of(PLAIN), store, new ScriptableCronJobWatcher(), first,
                NO_CONFIG).start()) {
            h.watcher.addCronJob(cj);
            h.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(30));
            h.watcher.addJob(before);
            h.run();
            assertThat(first.recorded).containsExactly("j1");
        }
        // no engine from 01:00:30 to 04:00; the cluster ran 02:00 (ok) and 03:00 (failed); j1 is still cached
        clock.set(T0.plus(Duration.ofHours(4)));
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(cj.withLastScheduleTime(T0.plus(Duration.ofHours(3))));
        w2.addJob(before);
        w2.addJob(finished(cj, "j2", T0.plus(Duration.ofHours(2)), true));
        w2.addJob(finished(cj, "j3", T0.plus(Duration.ofHours(3)), false));
        Counters second = new Counters();
        try (EngineHarness h = harness(clock, List.of(PLAIN), store.createPeer(), w2, second, NO_CONFIG).start()) {
            assertThat(second.recorded).as("recorded at catch-up, once each").containsExactlyInAnyOrder("j2", "j3");
            // j1 was stored already: not written again; j3's outcome is written at once, then with its context
            assertThat(second.upserts.get()).as("j2 once, j3 twice, j1 not again").isEqualTo(3);
            assertThat(h.runs(cj.ref())).isEqualTo(3);
            assertThat(h.store.findExecution("j3")).get()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.FAILED));
            List<Incident> open = h.openIncidents(AlertType.JOB_FAILED);
            assertThat(open).singleElement().satisfies(i -> assertThat(i.openedAt()).isEqualTo(h.now()));
            String id = open.get(0).id();

            h.advance(Duration.ofMinutes(1));
            h.watcher.relist();
            h.run();
            h.watcher.relist();
            h.run();
            assertThat(second.recorded).as("a relist records nothing again").containsExactlyInAnyOrder("j2", "j3");
            assertThat(second.upserts.get()).isEqualTo(3);
            assertThat(second.incidentsOpened.get()).isEqualTo(1);
            assertThat(h.runs(cj.ref())).isEqualTo(3);
            assertThat(h.allIncidents()).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo(id);
                assertThat(i.isOpen()).isTrue();
            });
        }
    }

    @Test
    void anIncidentOpenBeforeARestartIsTheSameIncidentAfterIt() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "hourly").schedule("0 * * * *").creationTime(T0).build();
        String id;
        try (EngineHarness h = new EngineHarness(clock, List.of(MISSED), store, new ScriptableCronJobWatcher(),
                NO_CONFIG).start()) {
            h.watcher.addCronJob(cj);
            h.run();
            h.advanceTo(T0.plus(Duration.ofMinutes(65)));   // 01:00 missed
            id = h.openIncidents(AlertType.MISSED_SCHEDULE).get(0).id();
        }
        clock.set(T0.plus(Duration.ofMinutes(90)));
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(cj);
        Counters counters = new Counters();
        try (EngineHarness h = harness(clock, List.of(MISSED), store.createPeer(), w2, counters, NO_CONFIG)
                .start()) {
            assertThat(h.openIncidents()).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo(id);
                assertThat(i.openedAt()).isEqualTo(T0.plus(Duration.ofMinutes(65)));
            });
            h.advanceTo(T0.plus(Duration.ofMinutes(125)));   // 02:00 missed too: still the same incident
            assertThat(h.allIncidents()).singleElement().satisfies(i -> assertThat(i.id()).isEqualTo(id));
            assertThat(counters.incidentsOpened.get()).as("not even asked to open one").isZero();
            // 03:00 runs: the one incident is resolved
            h.simulateController(cj, T0.plus(Duration.ofMinutes(185)), Duration.ofMinutes(1), s -> false);
            assertThat(h.allIncidents()).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo(id);
                assertThat(i.resolvedAt()).isEqualTo(T0.plus(Duration.ofHours(3)));
            });
        }
    }

    @Test
    void jobsRemovedByTtlWhileNoEngineRanAreNoPhantomMissesAndTheNextMissIsStillCaught() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "ttl").schedule("0 * * * *").creationTime(T0).build();
        try (EngineHarness h = new EngineHarness(clock, List.of(MISSED), store, new ScriptableCronJobWatcher(),
                NO_CONFIG).start()) {
            h.watcher.addCronJob(cj);
            h.run();
            h.simulateController(cj, T0.plus(Duration.ofMinutes(70)), Duration.ofMinutes(1), s -> false);
            assertThat(h.runs(cj.ref())).isEqualTo(1);
        }
        // down from 01:10 to 03:30; 02:00 and 03:00 ran, and their Jobs are already gone (ttlSecondsAfterFinished)
        clock.set(T0.plus(Duration.ofMinutes(210)));
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(TestObjects.cronJob(cj).lastScheduleTime(T0.plus(Duration.ofHours(3))).build());
        try (EngineHarness h = new EngineHarness(clock, List.of(MISSED), store.createPeer(), w2, NO_CONFIG)
                .start()) {
            assertThat(h.allIncidents()).as("lastScheduleTime is the floor: 02:00 and 03:00 are not missed")
                    .isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(4)).plus(Duration.ofMinutes(5)).minusMillis(1));
            assertThat(h.allIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(4)).plus(Duration.ofMinutes(5)));   // 04:00 missed
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.context().attributes()).containsEntry("missedRuns", "1")
                            .containsEntry("lastMissedSlot", T0.plus(Duration.ofHours(4)).toString()));
        }
    }

    @Test
    void startupGracePeriodHoldsEvaluationUntilExactlyStartPlusGrace() {
        Consumer<GuardianConfig.Builder> grace = c -> c.set("scheduler.startupGracePeriod", "30s");
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        CronJobSnapshot failing = TestObjects.cronJob("team-a", "failing").schedule("0 * * * *")
                .creationTime(T0.minus(Duration.ofDays(1))).lastScheduleTime(T0.minus(Duration.ofHours(1))).build();
        CronJobSnapshot missing = TestObjects.cronJob("team-a", "missing").schedule("0 * * * *")
                .creationTime(T0.minus(Duration.ofDays(1))).lastScheduleTime(T0.minus(Duration.ofHours(2))).build();
        watcher.addCronJob(failing);
        watcher.addCronJob(missing);
        watcher.addJob(finished(failing, "f1", T0.minus(Duration.ofHours(1)), false));
        Instant start = T0.plus(Duration.ofMinutes(10));
        Counters counters = new Counters();
        try (EngineHarness h = harness(new ManualClock(start), List.of(PLAIN, MISSED), new InMemoryHistoryStore(),
                watcher, counters, grace).start()) {
            assertThat(counters.recorded).as("catch-up records at once").containsExactly("f1");
            // a Job event during the grace is recorded too, but not judged
            h.advanceTo(start.plusSeconds(10));
            h.watcher.addJob(finished(failing, "f2", T0, false));   // the 00:00 slot, failed
            h.run();
            assertThat(h.store.findExecution("f2")).isPresent();
            h.advanceTo(start.plusSeconds(30).minusMillis(1));
            assertThat(h.allIncidents()).isEmpty();

            h.advanceTo(start.plusSeconds(30));
            // both monitors judge JobFailed; only one judges missed slots (00:00 of "missing": 23:00 was missed
            // too, but it is the newest missed slot that is named)
            assertThat(h.openIncidents())
                    .extracting(i -> i.key().type() + " " + i.key().cronJob().name() + " " + i.key().monitor())
                    .containsExactlyInAnyOrder("JOB_FAILED failing team-a/plain", "JOB_FAILED failing team-a/missed",
                            "MISSED_SCHEDULE missing team-a/missed");
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.context().attributes()).containsEntry("missedRuns", "2")
                            .containsEntry("lastMissedSlot", T0.toString()));
            assertThat(h.openIncidents()).allSatisfy(i -> assertThat(i.openedAt()).isEqualTo(start.plusSeconds(30)));
        }
    }

    @Test
    void aCronJobDeletedWhileNoEngineRanHasItsIncidentsResolvedAtCatchUp() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot gone = TestObjects.cronJob("team-a", "gone").schedule("0 * * * *").build();
        CronJobSnapshot stays = TestObjects.cronJob("team-a", "stays").schedule("0 * * * *").build();
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), store, new ScriptableCronJobWatcher(),
                NO_CONFIG).start()) {
            h.watcher.addCronJob(gone);
            h.watcher.addCronJob(stays);
            h.run();
            h.advance(Duration.ofMinutes(5));
            h.watcher.addJob(finished(gone, "g1", T0, false));
            h.watcher.addJob(finished(stays, "s1", T0, false));
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).hasSize(2);
        }
        Instant restart = T0.plus(Duration.ofHours(2));
        clock.set(restart);
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(stays);
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), store.createPeer(), w2, NO_CONFIG).start()) {
            assertThat(h.openIncidents()).extracting(i -> i.key().cronJob().name()).containsExactly("stays");
            assertThat(h.allIncidents()).filteredOn(i -> i.key().cronJob().equals(gone.ref())).singleElement()
                    .satisfies(i -> assertThat(i.resolvedAt()).isEqualTo(restart));
            assertThat(h.store.findCronJobState(gone.ref())).get()
                    .satisfies(st -> assertThat(st.deletedAt()).isEqualTo(restart));
            assertThat(h.runs(gone.ref())).as("retained by default").isEqualTo(1);
        }
    }

    @Test
    void incidentsOfAMonitorRemovedBeforeTheRestartAreResolvedAtCatchUp() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "cj").schedule("0 * * * *").build();
        MonitorSpec removed = MonitorSpec.of("team-a", "removed");
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN, removed), store,
                new ScriptableCronJobWatcher(), NO_CONFIG).start()) {
            h.watcher.addCronJob(cj);
            h.run();
            h.watcher.addJob(finished(cj, "x1", T0, false));
            h.run();
            assertThat(h.openIncidents()).hasSize(2);
        }
        clock.set(T0.plus(Duration.ofMinutes(30)));
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(cj);
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), store.createPeer(), w2, NO_CONFIG)
                .start()) {
            assertThat(h.openIncidents()).extracting(i -> i.key().monitor()).containsExactly("team-a/plain");
            assertThat(h.allIncidents()).filteredOn(i -> i.key().monitor().equals("team-a/removed"))
                    .singleElement().satisfies(i -> assertThat(i.resolvedAt()).isEqualTo(clock.instant()));
        }
    }

    @Test
    void aJobEventThatArrivesBeforeItsCronJobsEventIsStillRecorded() {
        Counters counters = new Counters();
        try (EngineHarness h = harness(new ManualClock(T0), List.of(PLAIN), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), counters, NO_CONFIG).start()) {
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "late").schedule("0 * * * *").build();
            h.advance(Duration.ofMinutes(2));
            JobSnapshot early = finished(cj, "e1", T0, false);
            h.watcher.addJob(early);   // the CronJob is not known yet
            h.run();
            assertThat(counters.recorded).containsExactly("e1");
            assertThat(h.store.findExecution("e1")).get().satisfies(e -> {
                assertThat(e.state()).isEqualTo(JobState.FAILED);
                assertThat(e.cronJob()).isEqualTo(cj.ref());
                assertThat(e.job().scheduledTime()).isEqualTo(T0);
            });
            assertThat(h.allIncidents()).as("nothing judges a CronJob the engine does not know").isEmpty();

            h.advance(Duration.ofSeconds(3));
            Instant arrived = h.now();
            h.watcher.addCronJob(cj);
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(arrived);
                assertThat(i.message()).contains("late-e1");
            });
            assertThat(counters.recorded).as("still once").containsExactly("e1");
            assertThat(h.runs(cj.ref())).isEqualTo(1);
        }
    }

    @Test
    void aFailedJobHandledBeforeItsCronJobsEventKeepsTheFailureContextTheMonitorAsksFor() {
        // the informer race: both objects are in the watcher's cache, the Job's event is handled first
        try (EngineHarness h = new EngineHarness(T0, List.of(PLAIN)).start()) {
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "raced").schedule("0 * * * *").build();
            h.advance(Duration.ofMinutes(2));
            h.watcher.setLogTail("r1", "connecting\nrefused\n");
            h.watcher.setEvents("r1", "BackoffLimitExceeded: gave up");
            h.watcher.addJob(finished(cj, "r1", T0, false));
            h.watcher.addCronJob(cj);
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement().satisfies(i -> {
                assertThat(i.context().logTail()).isEqualTo("connecting\nrefused\n");
                assertThat(i.context().events()).containsExactly("BackoffLimitExceeded: gave up");
            });
        }
    }

    @Test
    void aRunningJobIsRecordedAgainOnlyWhenItFinishesAndNotByRelists() {
        Counters counters = new Counters();
        try (EngineHarness h = harness(new ManualClock(T0), List.of(PLAIN), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), counters, NO_CONFIG).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "long").schedule("0 * * * *"));
            JobSnapshot running = h.runningJob(cj, T0, T0);
            assertThat(counters.upserts.get()).isEqualTo(1);
            h.watcher.relist();
            h.run();
            assertThat(counters.upserts.get()).isEqualTo(1);
            h.advance(Duration.ofMinutes(7));
            h.watcher.finishJob(running.uid(), true, 1, h.now());
            h.run();
            h.watcher.relist();
            h.run();
            assertThat(counters.upserts.get()).isEqualTo(2);
            assertThat(counters.recorded).containsExactly(running.uid());
            assertThat(h.store.findExecution(running.uid())).get().satisfies(e -> {
                assertThat(e.state()).isEqualTo(JobState.SUCCEEDED);
                assertThat(e.duration()).isEqualTo(Duration.ofMinutes(7));
            });
            // a stale RUNNING event after the terminal one (an out-of-order relist) does not go back
            h.watcher.updateJob(running);
            h.run();
            assertThat(counters.upserts.get()).isEqualTo(2);
            assertThat(h.store.findExecution(running.uid())).get()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.SUCCEEDED));
        }
    }
}
