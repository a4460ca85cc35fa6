package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Runs are not lost around failovers and store outages, and one row the store rejects does not stall the leader
 * (issue #12, items 6 and 7): standbys keep the terminal Job snapshots they see and a new leader records those the
 * store lacks; a failed terminal write is retried from memory after the Job is gone; a rejected row is recorded
 * without its details or skipped, never retried forever at the cost of every other row.
 */
class RunsAcrossOutagesTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final MonitorSpec PLAIN = MonitorSpec.of("team-a", "plain");

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryHistoryStore store = new InMemoryHistoryStore();
    private final ManualElection election = ManualElection.manual();
    private final List<Replica> replicas = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();

    /** One replica: its own scheduler and watcher (fed the same cluster events), one store. */
    private final class Replica {
        final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
        final ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        final Guardian guardian;

        Replica(String id) {
            this.guardian = Guardian.builder()
                    .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s")
                            .set("scheduler.safetySweepInterval", "1d").build())
                    .monitor(PLAIN).store(store.createPeer()).watcher(watcher)
                    .leaderElector(election.candidate(id)).scheduler(scheduler).build();
        }
    }

    @AfterEach
    void closeAll() {
        replicas.forEach(r -> r.guardian.close());
    }

    private Replica replica(String id) {
        Replica r = new Replica(id);
        replicas.add(r);
        r.guardian.start();
        return r;
    }

    private void cluster(Consumer<ScriptableCronJobWatcher> change) {
        replicas.forEach(r -> change.accept(r.watcher));
    }

    private void runAll() {
        for (int i = 0; i < 3; i++) {
            replicas.forEach(r -> r.scheduler.runPending());
        }
    }

    private EngineObserver failureCounter() {
        return new EngineObserver() {
            @Override
            public void recordFailure(CronJobRef ref, String outcome) {
                failures.add(ref.name() + " " + outcome);
            }
        };
    }

    /** A store whose every call fails with StoreUnavailableException while {@code down} is set. */
    private static HistoryStore failing(HistoryStore target, AtomicBoolean down) {
        return rejecting(target, (method, args) -> down.get(), () -> new StoreUnavailableException("store down"));
    }

    /** A store that throws {@code failure} for the calls {@code rejects} selects. */
    private static HistoryStore rejecting(HistoryStore target,
            java.util.function.BiPredicate<String, Object[]> rejects,
            java.util.function.Supplier<RuntimeException> failure) {
        return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                new Class<?>[] {HistoryStore.class}, (proxy, method, args) -> {
                    if (rejects.test(method.getName(), args)) {
                        throw failure.get();
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Selects upserts of an execution the predicate matches. */
    private static java.util.function.BiPredicate<String, Object[]> upsertOf(Predicate<Execution> which) {
        return (method, args) -> method.equals("upsertExecution") && which.test((Execution) args[0]);
    }

    @Test
    void aStandbyThatSawAJobFailAndBeDeletedWhileNobodyLedRecordsItAndOpensJobFailedWhenItLeads() {
        Replica a = replica("a");
        Replica b = replica("b");
        election.elect("a");
        runAll();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "ttl0").schedule("0 * * * *").creationTime(T0).build();
        cluster(w -> w.addCronJob(cj));
        clock.set(T0.plus(Duration.ofHours(1)));
        Instant slot = T0.plus(Duration.ofHours(1));
        TestObjects.JobBuilder job = TestObjects.job(cj).name("ttl0-1").uid("ttl0-1").scheduled(slot);
        cluster(w -> w.addJob(job.running(slot).build()));
        runAll();
        assertThat(store.findExecution("ttl0-1")).get().satisfies(e -> assertThat(e.state()).isEqualTo(JobState.RUNNING));

        // the leader dies: nobody leads while the Job fails and is deleted at once (ttlSecondsAfterFinished: 0)
        election.revoke();
        runAll();
        a.guardian.close();
        replicas.remove(a);
        clock.set(slot.plusSeconds(40));
        JobSnapshot failed = job.failed(slot, slot.plusSeconds(30))
                .termination(new Termination("main", 3, "Error", null, "disk full")).build();
        cluster(w -> w.updateJob(failed));
        cluster(w -> w.deleteJob("ttl0-1"));
        runAll();
        assertThat(b.watcher.jobs(cj.ref())).isEmpty();

        clock.set(slot.plusSeconds(50));
        election.elect("b");
        runAll();
        assertThat(b.guardian.isLeader()).isTrue();
        assertThat(store.findExecution("ttl0-1")).get().satisfies(e -> {
            assertThat(e.state()).isEqualTo(JobState.FAILED);
            assertThat(e.job().finishedAt()).isEqualTo(slot.plusSeconds(30));
        });
        assertThat(store.incidents(IncidentQuery.open()).items()).singleElement().satisfies(i -> {
            assertThat(i.key().type()).isEqualTo(AlertType.JOB_FAILED);
            assertThat(i.message()).contains("ttl0-1").contains("exit code 3").contains("disk full");
        });
    }

    @Test
    void aStandbyRecordsTheRunsItSawInTheOrderTheyFinishedSoALaterSuccessLeavesNoJobFailed() {
        Replica a = replica("a");
        Replica b = replica("b");
        election.elect("a");
        runAll();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "pair").schedule("*/10 * * * *").creationTime(T0).build();
        cluster(w -> w.addCronJob(cj));
        runAll();
        election.revoke();
        runAll();
        a.guardian.close();
        replicas.remove(a);
        // while nobody leads: 00:10 fails, 00:20 succeeds, both deleted at once; the success is seen first
        clock.set(T0.plus(Duration.ofMinutes(25)));
        JobSnapshot ok = TestObjects.job(cj).name("pair-2").uid("pair-2").scheduled(T0.plus(Duration.ofMinutes(20)))
                .succeeded(T0.plus(Duration.ofMinutes(20)), Duration.ofMinutes(1)).build();
        JobSnapshot bad = TestObjects.job(cj).name("pair-1").uid("pair-1").scheduled(T0.plus(Duration.ofMinutes(10)))
                .failed(T0.plus(Duration.ofMinutes(10)), Duration.ofMinutes(1)).exitCode(1, "Error").build();
        for (JobSnapshot j : List.of(ok, bad)) {
            cluster(w -> w.addJob(j));
            cluster(w -> w.deleteJob(j.uid()));
        }
        runAll();
        election.elect("b");
        runAll();
        assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).items()).extracting(Execution::jobUid)
                .containsExactlyInAnyOrder("pair-1", "pair-2");
        assertThat(store.incidents(IncidentQuery.all()).items()).as("the newest run succeeded").isEmpty();
    }

    @Test
    void aTerminalWriteThatFailsIsRetriedFromMemoryAfterTheJobIsDeleted() {
        AtomicBoolean down = new AtomicBoolean();
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), failing(store, down), w, c -> { }).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "flaky-db").schedule("0 * * * *")
                    .creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofHours(1)));
            JobSnapshot running = h.runningJob(cj, h.now(), h.now());
            assertThat(store.findExecution(running.uid())).get()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.RUNNING));

            down.set(true);
            h.advance(Duration.ofSeconds(30));
            h.watcher.finishJob(running.uid(), false, 1, h.now());
            h.run();
            h.watcher.deleteJob(running.uid());   // gone before the retry
            h.run();
            assertThat(store.findExecution(running.uid())).get()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.RUNNING));

            down.set(false);
            h.advance(Duration.ofMinutes(2));   // past the retry's backoff
            assertThat(store.findExecution(running.uid())).get()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.FAILED));
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains(running.name()));
        }
    }

    @Test
    void aRowTheStoreAlwaysRejectsIsSkippedAndCatchUpRecordsAndEvaluatesTheOthers() {
        CronJobSnapshot one = TestObjects.cronJob("team-a", "one").schedule("0 * * * *").creationTime(T0).build();
        CronJobSnapshot two = TestObjects.cronJob("team-a", "two").schedule("0 * * * *").creationTime(T0).build();
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        w.addCronJob(one);
        w.addCronJob(two);
        Instant slot = T0.plus(Duration.ofHours(1));
        w.addJob(TestObjects.job(one).name("one-bad").uid("one-bad").scheduled(slot)
                .failed(slot, Duration.ofMinutes(1)).exitCode(1, "Error").build());
        w.addJob(TestObjects.job(one).name("one-ok").uid("one-ok").scheduled(slot.minus(Duration.ofHours(1)))
                .succeeded(slot.minus(Duration.ofHours(1)), Duration.ofMinutes(1)).build());
        w.addJob(TestObjects.job(two).name("two-failed").uid("two-failed").scheduled(slot)
                .failed(slot, Duration.ofMinutes(1)).exitCode(2, "Error").build());
        clock.set(slot.plus(Duration.ofMinutes(5)));
        HistoryStore rejects = rejecting(store, upsertOf(e -> e.jobUid().equals("one-bad")),
                () -> new IllegalArgumentException("value rejected"));
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), rejects, w, w, c -> { },
                b -> b.observer(failureCounter())).start()) {
            assertThat(h.guardian.engine().isCaughtUp()).isTrue();
            assertThat(store.findExecution("one-ok")).isPresent();
            assertThat(store.findExecution("two-failed")).isPresent();
            assertThat(store.findExecution("one-bad")).isEmpty();
            assertThat(failures).containsExactly("one skipped");
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).as("evaluated after catch-up").singleElement()
                    .satisfies(i -> assertThat(i.key().cronJob()).isEqualTo(two.ref()));
            h.advance(Duration.ofMinutes(5));
            h.watcher.relist();
            h.run();
            assertThat(failures).as("given up on for this term: not retried").containsExactly("one skipped");
        }
    }

    @Test
    void aRowRejectedForItsTextIsRecordedWithoutItsDetailsAfterARetryWhileTheOthersAreRecordedAtOnce() {
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "nul").schedule("0 * * * *").creationTime(T0).build();
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        w.addCronJob(cj);
        Instant slot = T0.plus(Duration.ofHours(1));
        w.addJob(TestObjects.job(cj).name("nul-1").uid("nul-1").scheduled(slot.minus(Duration.ofHours(1)))
                .succeeded(slot.minus(Duration.ofHours(1)), Duration.ofMinutes(1)).build());
        w.addJob(TestObjects.job(cj).name("nul-2").uid("nul-2").scheduled(slot).failed(slot, Duration.ofMinutes(1))
                .termination(new Termination("main", 1, "Error", null, "bad byte \u0000 here")).build());
        w.setLogTail("nul-2", "log line\n");
        clock.set(slot.plus(Duration.ofMinutes(5)));
        // like PostgreSQL with a NUL in a text column: a "database error" for that row, every time
        HistoryStore rejects = rejecting(store, upsertOf(e -> {
            Termination t = e.job().lastTermination();
            return t != null && t.message() != null && t.message().indexOf('\u0000') >= 0;
        }), () -> new StoreUnavailableException("database error: invalid byte sequence for encoding UTF8: 0x00"));
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), rejects, w, w, c -> { },
                b -> b.observer(failureCounter())).start()) {
            assertThat(h.guardian.engine().isCaughtUp()).as("one row does not hold catch-up back").isTrue();
            assertThat(store.findExecution("nul-1")).isPresent();
            // its outcome is tried at once (while its context is read), then with the context: the second
            // failure of the same row is taken as the row's, and it is written without its text
            h.advance(Duration.ofSeconds(1));
            assertThat(store.findExecution("nul-2")).get().satisfies(e -> {
                assertThat(e.state()).isEqualTo(JobState.FAILED);
                assertThat(e.job().lastTermination().exitCode()).isEqualTo(1);
                assertThat(e.job().lastTermination().message()).isNull();
                assertThat(e.logTail()).isNull();
            });
            assertThat(failures).containsExactly("nul without_details");
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("nul-2").contains("exit code 1"));
        }
    }

    @Test
    void aStoreThatTakesNoWritesAtAllLeavesRowsPendingAndSkipsNothing() {
        AtomicBoolean down = new AtomicBoolean();
        HistoryStore noWrites = rejecting(store, (method, args) -> down.get() && method.equals("upsertExecution"),
                () -> new StoreUnavailableException("read-only"));
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        try (EngineHarness h = new EngineHarness(clock, List.of(PLAIN), noWrites, w, w, c -> { },
                b -> b.observer(failureCounter())).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "ro").schedule("0 * * * *")
                    .creationTime(T0));
            down.set(true);
            h.advanceTo(T0.plus(Duration.ofHours(1)));
            h.finishedRun(cj, h.now(), Duration.ofSeconds(10), false);
            h.advance(Duration.ofMinutes(10));   // many retries, each failing
            assertThat(failures).isEmpty();
            assertThat(h.runs(cj.ref())).isZero();
            down.set(false);
            h.advance(Duration.ofMinutes(2));   // past the longest backoff
            assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).items()).singleElement()
                    .satisfies(e -> assertThat(e.state()).isEqualTo(JobState.FAILED));
            assertThat(failures).isEmpty();
        }
    }
}
