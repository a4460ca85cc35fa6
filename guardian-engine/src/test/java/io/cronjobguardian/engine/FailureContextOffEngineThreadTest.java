package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.WatchListener;
import io.cronjobguardian.engine.core.IncidentListener;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The failure context of a run (log tail and events, read from the API server when a failed run is recorded) is
 * read off the engine thread: while the reads for one CronJob's failure hang (a slow API server), other CronJobs'
 * runs are recorded and alerted and timers fire; when the reads finish, or time out, the run is recorded, then
 * evaluated, then alerted, with what was read.
 */
@org.junit.jupiter.api.Timeout(60)
class FailureContextOffEngineThreadTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ExecutorService reads = Executors.newFixedThreadPool(3);

    @AfterEach
    void stopReads() throws InterruptedException {
        reads.shutdownNow();
        reads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Reads of the Jobs named in {@link #blocked} wait for {@link #release}; everything else is the delegate. */
    static final class SlowReadsWatcher implements CronJobWatcher {
        final ScriptableCronJobWatcher delegate;
        final Set<String> blocked = ConcurrentHashMap.newKeySet();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered;
        final List<Thread> readThreads = new CopyOnWriteArrayList<>();

        SlowReadsWatcher(ScriptableCronJobWatcher delegate, int blockedReads) {
            this.delegate = delegate;
            this.entered = new CountDownLatch(blockedReads);
        }

        private void maybeBlock(JobSnapshot job) {
            readThreads.add(Thread.currentThread());
            if (blocked.contains(job.name())) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("read interrupted", e);
                }
            }
        }

        @Override
        public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
            maybeBlock(job);
            return delegate.fetchLogTail(job, request);
        }

        @Override
        public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
            maybeBlock(job);
            return delegate.fetchEvents(job, maxEvents);
        }

        @Override
        public void start(WatchListener listener) {
            delegate.start(listener);
        }

        @Override
        public boolean hasSynced() {
            return delegate.hasSynced();
        }

        @Override
        public Collection<CronJobSnapshot> cronJobs() {
            return delegate.cronJobs();
        }

        @Override
        public Optional<CronJobSnapshot> cronJob(CronJobRef ref) {
            return delegate.cronJob(ref);
        }

        @Override
        public Collection<JobSnapshot> jobs(CronJobRef owner) {
            return delegate.jobs(owner);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    /** What the store had of the run when its incident was opened: recorded → evaluated → alerted. */
    private final List<String> openedWithRunRecorded = new CopyOnWriteArrayList<>();

    private EngineHarness harness(SlowReadsWatcher slow, InMemoryHistoryStore store, Duration readTimeout,
            MonitorSpec m) {
        return new EngineHarness(new ManualClock(T0), List.of(m), store, slow.delegate, slow, c -> { },
                gb -> gb.contextReadExecutor(reads).contextReadTimeout(readTimeout)
                        .incidentListener(new IncidentListener() {
                            @Override
                            public void opened(Incident incident, MonitorSpec monitor, long epoch) {
                                String job = incident.context().jobName();
                                boolean recorded = store.executions(io.cronjobguardian.api.ExecutionQuery
                                        .forCronJob(incident.key().cronJob())).items().stream()
                                        .anyMatch(e -> e.job().name().equals(job));
                                openedWithRunRecorded.add(incident.key().type().wireName() + ":" + job + ":"
                                        + recorded);
                            }
                        })).start();
    }

    private static JobSnapshot failed(EngineHarness h, CronJobSnapshot cj, String name, String log) {
        JobSnapshot j = TestObjects.job(cj).name(name).uid("uid-" + name).scheduled(h.now().minusSeconds(60))
                .failed(h.now().minusSeconds(60), h.now()).exitCode(1, "Error").build();
        h.watcher.setLogTail(j.uid(), log);
        h.watcher.setEvents(j.uid(), "BackOff: Back-off restarting failed container");
        h.watcher.addJob(j);
        return j;
    }

    @Test
    void aHangingContextReadStallsNeitherOtherRunsNorTimersAndItsRunIsRecordedThenAlertedWhenItFinishes() {
        SlowReadsWatcher slow = new SlowReadsWatcher(new ScriptableCronJobWatcher(), 2);
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        MonitorSpec m = MonitorSpec.builder("team-a", "m").stuckJob(new MonitorSpec.StuckJob(true,
                Duration.ofMinutes(10))).build();
        try (EngineHarness h = harness(slow, store, Duration.ofMinutes(5), m)) {
            CronJobSnapshot a = h.addCronJob(TestObjects.cronJob("team-a", "a").schedule("0 * * * *").creationTime(T0));
            CronJobSnapshot b = h.addCronJob(TestObjects.cronJob("team-a", "b").schedule("0 * * * *").creationTime(T0));
            CronJobSnapshot c = h.addCronJob(TestObjects.cronJob("team-a", "c").schedule("0 * * * *").creationTime(T0));
            h.advance(Duration.ofMinutes(5));
            slow.blocked.add("a-1");
            // c has a Job whose pod never starts: its JobStuck timer falls due at 00:15
            h.watcher.addJob(TestObjects.job(c).name("c-1").uid("uid-c-1").scheduled(h.now()).createdAt(h.now())
                    .running(h.now()).podStarted(false).build());
            failed(h, a, "a-1", "a log\nConnection refused\n");
            h.run();
            awaitEntered(slow);   // both reads of a's failure (log tail and events) hang, in parallel

            // meanwhile the engine thread works: b's failure is recorded and alerted
            failed(h, b, "b-1", "b log\n");
            await().atMost(WAIT).until(() -> {
                h.run();
                return h.runs(b.ref()) == 1 && hasIncident(h, b.ref(), AlertType.JOB_FAILED);
            });
            // and timers fire: c's Job is stuck at 00:15 exactly
            h.advanceTo(T0.plus(Duration.ofMinutes(15)));
            await().atMost(WAIT).until(() -> {
                h.run();   // the stuck Job's events are read off the engine thread too
                return !h.openIncidents(AlertType.JOB_STUCK).isEmpty();
            });
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(T0.plus(Duration.ofMinutes(15))));
            // a's outcome is in the store at once (a failover now would not lose it), without its context; its
            // alert waits for the context
            assertThat(h.runs(a.ref())).isEqualTo(1);
            assertThat(store.findExecution("uid-a-1")).hasValueSatisfying(e -> {
                assertThat(e.state()).isEqualTo(io.cronjobguardian.api.JobState.FAILED);
                assertThat(e.logTail()).isNull();
            });
            assertThat(hasIncident(h, a.ref(), AlertType.JOB_FAILED)).isFalse();
            assertThat(slow.readThreads).doesNotContain(Thread.currentThread());

            slow.release.countDown();
            await().atMost(WAIT).until(() -> {
                h.run();
                return hasIncident(h, a.ref(), AlertType.JOB_FAILED);
            });
            assertThat(h.runs(a.ref())).isEqualTo(1);
            Incident i = h.openIncidents(AlertType.JOB_FAILED).stream()
                    .filter(x -> x.key().cronJob().equals(a.ref())).findFirst().orElseThrow();
            assertThat(i.context().logTail()).contains("Connection refused");
            assertThat(i.context().events()).containsExactly("BackOff: Back-off restarting failed container");
            assertThat(openedWithRunRecorded).contains("JobFailed:a-1:true", "JobFailed:b-1:true");
        }
    }

    @Test
    void aContextReadThatTimesOutStillRecordsAndAlertsTheRunWithoutIt() {
        SlowReadsWatcher slow = new SlowReadsWatcher(new ScriptableCronJobWatcher(), 2);
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        try (EngineHarness h = harness(slow, store, Duration.ofMillis(300), MonitorSpec.of("team-a", "m"))) {
            CronJobSnapshot a = h.addCronJob(TestObjects.cronJob("team-a", "a").schedule("0 * * * *").creationTime(T0));
            h.advance(Duration.ofMinutes(5));
            slow.blocked.add("a-1");
            failed(h, a, "a-1", "never read\n");
            h.run();
            awaitEntered(slow);
            await().atMost(WAIT).until(() -> {
                h.run();
                return hasIncident(h, a.ref(), AlertType.JOB_FAILED);
            });
            assertThat(h.runs(a.ref())).isEqualTo(1);
            Incident i = h.openIncidents(AlertType.JOB_FAILED).get(0);
            assertThat(i.context().logTail()).isNull();
            assertThat(i.context().events()).isEmpty();
            assertThat(i.message()).contains("a-1").contains("exit code 1");
            assertThat(openedWithRunRecorded).containsExactly("JobFailed:a-1:true");
        } finally {
            slow.release.countDown();
        }
    }

    @Test
    void contextReadFinishingAfterLeadershipEndsIsDroppedAndTheNextTermRecordsTheRun() {
        SlowReadsWatcher slow = new SlowReadsWatcher(new ScriptableCronJobWatcher(), 2);
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        try (EngineHarness h = harness(slow, store, Duration.ofMinutes(5), MonitorSpec.of("team-a", "m"))) {
            CronJobSnapshot a = h.addCronJob(TestObjects.cronJob("team-a", "a").schedule("0 * * * *").creationTime(T0));
            h.advance(Duration.ofMinutes(5));
            slow.blocked.add("a-1");
            failed(h, a, "a-1", "late\n");
            h.run();
            awaitEntered(slow);
            // another process took a newer epoch on the store: this term is fenced at its next write
            store.createPeer().claimEpoch(0);
            slow.blocked.clear();
            slow.release.countDown();
            await().atMost(WAIT).untilAsserted(() -> {
                h.run();
                assertThat(h.guardian.isLeader()).isFalse();
            });
            // the outcome was written at once, before the fence; the context read after it was not
            assertThat(h.runs(a.ref())).as("the failure recorded once, before the fence").isEqualTo(1);
            assertThat(store.findExecution("uid-a-1")).hasValueSatisfying(e -> {
                assertThat(e.state()).isEqualTo(io.cronjobguardian.api.JobState.FAILED);
                assertThat(e.logTail()).as("the fenced term wrote nothing after the fence").isNull();
            });
        }
    }

    private static void awaitEntered(SlowReadsWatcher slow) {
        try {
            assertThat(slow.entered.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("both reads of the failure run at once").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static boolean hasIncident(EngineHarness h, CronJobRef ref, AlertType type) {
        return h.openIncidents(type).stream().anyMatch(i -> i.key().cronJob().equals(ref));
    }
}
