package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link CronJobWatcher} must pass. Extend it and implement the factory and the hooks
 * that change the (test) cluster. {@link #createWatcher()} is called once per test, before any other hook; the
 * suite starts and closes the watcher.
 *
 * <p>Instants handed to the hooks are whole seconds (Kubernetes timestamps have second precision). Events are
 * awaited for up to {@link #eventTimeout()}; that something does <em>not</em> happen is checked over
 * {@link #quietPeriod()}.
 */
@TestInstance(TestInstance.Lifecycle.PER_METHOD)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
public abstract class CronJobWatcherContract {

    /** A slot used for scheduled Jobs (whole seconds). */
    protected static final Instant SLOT = Instant.parse("2024-03-10T10:00:00Z");

    /** The watcher under test, created before each test, started by the tests. */
    protected CronJobWatcher watcher;
    /** Records what the watcher delivers. */
    protected RecordingWatchListener events;

    /** A new, not started watcher on a fresh, empty cluster (or namespace set) for this test. */
    protected abstract CronJobWatcher createWatcher();

    /** Creates a CronJob with this schedule, not suspended. */
    protected abstract void createCronJob(String namespace, String name, String schedule);

    /** Sets {@code spec.suspend} of a CronJob. */
    protected abstract void setSuspended(String namespace, String name, boolean suspended);

    /** Deletes a CronJob. */
    protected abstract void deleteCronJob(String namespace, String name);

    /** Creates a running Job owned by the CronJob, with the scheduled-timestamp annotation when scheduledTime != null, manual annotation when manual. */
    protected abstract void createJob(String namespace, String cronJobName, String jobName, Instant scheduledTime,
            boolean manual);

    /** Sets the Job's terminal status: succeeded or not, after `failedAttempts` failed pods, finishing at finishedAt. */
    protected abstract void finishJob(String namespace, String jobName, boolean succeeded, int failedAttempts,
            Instant finishedAt);

    /** Deletes a Job. */
    protected abstract void deleteJob(String namespace, String jobName);

    /** How long to wait for an event to arrive. */
    protected Duration eventTimeout() {
        return Duration.ofSeconds(10);
    }

    /** How long to watch for events that must not arrive (default 1 s). */
    protected Duration quietPeriod() {
        return Duration.ofSeconds(1);
    }

    /** The namespace the suite creates objects in (default {@code guardian-contract}). */
    protected String namespace() {
        return "guardian-contract";
    }

    @BeforeEach
    void setUpWatcher() {
        events = new RecordingWatchListener();
        watcher = createWatcher();
        assertThat(watcher).as("createWatcher result").isNotNull();
    }

    @AfterEach
    void closeWatcher() {
        if (watcher != null) {
            watcher.close();
        }
    }

    // =====================================================================================================
    // helpers
    // =====================================================================================================

    private CronJobRef ref(String name) {
        return CronJobRef.of(namespace(), name);
    }

    private void startAndSync() {
        watcher.start(events);
        Await.until(eventTimeout(), () -> "hasSynced()", watcher::hasSynced);
    }

    private CronJobSnapshot awaitCronJob(WatchEventType type, String name) {
        return events.awaitCronJob(type, ref(name), c -> true, eventTimeout());
    }

    private JobSnapshot awaitJob(String name, JobState state) {
        return events.await(e -> e.type() != WatchEventType.DELETED && e.isJob(namespace(), name)
                && e.job().state() == state, eventTimeout(), state + " event of Job " + name).job();
    }

    // =====================================================================================================
    // tests
    // =====================================================================================================

    @Test
    @DisplayName("objects that exist before start are delivered as ADDED before hasSynced() turns true")
    void initialListDeliveredAsAdded() {
        createCronJob(namespace(), "alpha", "*/5 * * * *");
        createCronJob(namespace(), "beta", "0 3 * * *");
        createJob(namespace(), "alpha", "alpha-28512345", SLOT, false);
        assertThat(watcher.hasSynced()).as("hasSynced before start").isFalse();

        startAndSync();

        assertThat(events.find(e -> e.type() == WatchEventType.ADDED && e.isCronJob(ref("alpha")))).as("alpha")
                .hasValueSatisfying(e -> assertThat(e.cronJob().schedule()).isEqualTo("*/5 * * * *"));
        assertThat(events.find(e -> e.type() == WatchEventType.ADDED && e.isCronJob(ref("beta")))).as("beta")
                .hasValueSatisfying(e -> assertThat(e.cronJob().schedule()).isEqualTo("0 3 * * *"));
        assertThat(events.find(e -> e.type() == WatchEventType.ADDED && e.isJob(namespace(), "alpha-28512345")))
                .as("job").hasValueSatisfying(e -> {
                    assertThat(e.job().owner()).isEqualTo(ref("alpha"));
                    assertThat(e.job().state()).isEqualTo(JobState.RUNNING);
                });
        assertThat(watcher.cronJobs()).extracting(CronJobSnapshot::ref).contains(ref("alpha"), ref("beta"));
        assertThat(watcher.jobs(ref("alpha"))).extracting(JobSnapshot::name).containsExactly("alpha-28512345");
    }

    @Test
    @DisplayName("CronJob added, suspended, resumed and deleted after start: ADDED, UPDATED, UPDATED, DELETED")
    void cronJobLifecycleEvents() {
        startAndSync();

        createCronJob(namespace(), "gamma", "@hourly");
        CronJobSnapshot added = awaitCronJob(WatchEventType.ADDED, "gamma");
        assertThat(added.schedule()).isEqualTo("@hourly");
        assertThat(added.suspended()).isFalse();
        assertThat(added.uid()).isNotBlank();
        Await.until(eventTimeout(), () -> "gamma in the cache", () -> watcher.cronJob(ref("gamma")).isPresent());

        setSuspended(namespace(), "gamma", true);
        CronJobSnapshot suspended = events.awaitCronJob(WatchEventType.UPDATED, ref("gamma"),
                CronJobSnapshot::suspended, eventTimeout());
        assertThat(suspended.uid()).isEqualTo(added.uid());
        Await.until(eventTimeout(), () -> "suspended gamma in the cache",
                () -> watcher.cronJob(ref("gamma")).map(CronJobSnapshot::suspended).orElse(false));

        setSuspended(namespace(), "gamma", false);
        events.await(e -> e.type() == WatchEventType.UPDATED && e.isCronJob(ref("gamma"))
                && !e.cronJob().suspended() && events.events().indexOf(e) > indexOfSuspended(),
                eventTimeout(), "UPDATED gamma resumed");

        deleteCronJob(namespace(), "gamma");
        CronJobSnapshot deleted = awaitCronJob(WatchEventType.DELETED, "gamma");
        assertThat(deleted.uid()).isEqualTo(added.uid());
        Await.until(eventTimeout(), () -> "gamma gone from the cache", () -> watcher.cronJob(ref("gamma"))
                .isEmpty());
        assertThat(watcher.cronJobs()).extracting(CronJobSnapshot::ref).doesNotContain(ref("gamma"));
    }

    private int indexOfSuspended() {
        List<Event> all = events.events();
        for (int i = 0; i < all.size(); i++) {
            Event e = all.get(i);
            if (e.type() == WatchEventType.UPDATED && e.cronJob() != null && e.cronJob().suspended()) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    @DisplayName("a Job that fails once and succeeds on retry: RUNNING then SUCCEEDED with attempts 2, in order")
    void jobSucceedsOnRetry() {
        createCronJob(namespace(), "delta", "*/5 * * * *");
        startAndSync();
        CronJobSnapshot cj = events.awaitCronJob(WatchEventType.ADDED, ref("delta"), c -> true, eventTimeout());

        createJob(namespace(), "delta", "delta-28512345", SLOT, false);
        JobSnapshot run = awaitJob("delta-28512345", JobState.RUNNING);
        assertThat(run.owner()).isEqualTo(ref("delta"));
        assertThat(run.ownerUid()).isEqualTo(cj.uid());
        assertThat(run.scheduledTime()).isEqualTo(SLOT);
        assertThat(run.manual()).isFalse();
        assertThat(run.finishedAt()).isNull();

        Instant finished = SLOT.plusSeconds(95);
        finishJob(namespace(), "delta-28512345", true, 1, finished);
        JobSnapshot done = awaitJob("delta-28512345", JobState.SUCCEEDED);

        assertThat(done.uid()).isEqualTo(run.uid());
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.finishedAt()).isEqualTo(finished);
        assertThat(done.scheduledTime()).isEqualTo(SLOT);
        assertThat(done.owner()).isEqualTo(ref("delta"));
        assertThat(done.duration()).isNotNull();
        List<Event> forJob = events.jobEvents(run.uid());
        int firstTerminal = indexOfFirst(forJob, JobState.SUCCEEDED);
        assertThat(forJob.subList(0, firstTerminal)).as("events before the terminal one")
                .allSatisfy(e -> assertThat(e.job().state()).isEqualTo(JobState.RUNNING));
        assertThat(forJob.subList(firstTerminal, forJob.size())).as("events after the terminal one")
                .allSatisfy(e -> assertThat(e.job().state()).isEqualTo(JobState.SUCCEEDED));
    }

    private static int indexOfFirst(List<Event> list, JobState state) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).job().state() == state) {
                return i;
            }
        }
        throw new AssertionError("no " + state + " event in " + list);
    }

    @Test
    @DisplayName("a Job that fails 3 times: FAILED with attempts 3 and the failure time")
    void jobFails() {
        createCronJob(namespace(), "epsilon", "*/5 * * * *");
        startAndSync();
        createJob(namespace(), "epsilon", "epsilon-28512345", SLOT, false);
        awaitJob("epsilon-28512345", JobState.RUNNING);

        Instant failedAt = SLOT.plusSeconds(300);
        finishJob(namespace(), "epsilon-28512345", false, 3, failedAt);
        JobSnapshot failed = awaitJob("epsilon-28512345", JobState.FAILED);

        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(failed.finishedAt()).isEqualTo(failedAt);
        assertThat(failed.scheduledTime()).isEqualTo(SLOT);
        assertThat(failed.duration()).isNotNull();
        Await.until(eventTimeout(), () -> "FAILED Job in the cache", () -> watcher.jobs(ref("epsilon")).stream()
                .anyMatch(j -> j.name().equals("epsilon-28512345") && j.state() == JobState.FAILED));
    }

    @Test
    @DisplayName("a manual Job is flagged manual and has no scheduled slot")
    void manualJob() {
        createCronJob(namespace(), "zeta", "*/5 * * * *");
        startAndSync();

        createJob(namespace(), "zeta", "zeta-manual-1", null, true);
        JobSnapshot manual = awaitJob("zeta-manual-1", JobState.RUNNING);

        assertThat(manual.manual()).isTrue();
        assertThat(manual.scheduledTime()).isNull();
        assertThat(manual.owner()).isEqualTo(ref("zeta"));
        finishJob(namespace(), "zeta-manual-1", true, 0, SLOT.plusSeconds(10));
        JobSnapshot done = awaitJob("zeta-manual-1", JobState.SUCCEEDED);
        assertThat(done.manual()).isTrue();
        assertThat(done.attempts()).isEqualTo(1);
    }

    @Test
    @DisplayName("cache reads: CronJobs by ref, Jobs by owner only")
    void cacheReads() {
        createCronJob(namespace(), "eta", "*/5 * * * *");
        createCronJob(namespace(), "theta", "*/10 * * * *");
        startAndSync();
        createJob(namespace(), "eta", "eta-1", SLOT, false);
        createJob(namespace(), "eta", "eta-2", SLOT.plusSeconds(300), false);
        createJob(namespace(), "theta", "theta-1", SLOT, false);

        Await.until(eventTimeout(), () -> "2 Jobs of eta in the cache", () -> watcher.jobs(ref("eta")).size() == 2);
        Await.until(eventTimeout(), () -> "1 Job of theta in the cache", () -> watcher.jobs(ref("theta")).size() == 1);

        assertThat(watcher.jobs(ref("eta"))).extracting(JobSnapshot::name).containsExactlyInAnyOrder("eta-1",
                "eta-2");
        assertThat(watcher.jobs(ref("eta"))).allSatisfy(j -> assertThat(j.owner()).isEqualTo(ref("eta")));
        assertThat(watcher.jobs(ref("theta"))).extracting(JobSnapshot::name).containsExactly("theta-1");
        assertThat(watcher.jobs(ref("nobody"))).isEmpty();
        assertThat(watcher.cronJob(ref("eta")).map(CronJobSnapshot::schedule)).contains("*/5 * * * *");
        assertThat(watcher.cronJob(ref("nobody"))).isEmpty();
        assertThat(watcher.cronJobs()).extracting(CronJobSnapshot::ref).contains(ref("eta"), ref("theta"));

        finishJob(namespace(), "eta-1", true, 0, SLOT.plusSeconds(20));
        Await.until(eventTimeout(), () -> "SUCCEEDED eta-1 in the cache", () -> watcher.jobs(ref("eta")).stream()
                .anyMatch(j -> j.name().equals("eta-1") && j.state() == JobState.SUCCEEDED));
    }

    @Test
    @DisplayName("a deleted Job is delivered as DELETED and leaves the cache")
    void deletedJob() {
        createCronJob(namespace(), "iota", "*/5 * * * *");
        startAndSync();
        createJob(namespace(), "iota", "iota-1", SLOT, false);
        JobSnapshot run = awaitJob("iota-1", JobState.RUNNING);
        Await.until(eventTimeout(), () -> "iota-1 in the cache", () -> !watcher.jobs(ref("iota")).isEmpty());

        deleteJob(namespace(), "iota-1");

        JobSnapshot deleted = events.awaitJob(WatchEventType.DELETED, namespace(), "iota-1", j -> true,
                eventTimeout());
        assertThat(deleted.uid()).isEqualTo(run.uid());
        Await.until(eventTimeout(), () -> "iota-1 gone from the cache", () -> watcher.jobs(ref("iota")).isEmpty());
    }

    @Test
    @DisplayName("start twice throws IllegalStateException")
    void startTwiceThrows() {
        watcher.start(events);

        assertThatThrownBy(() -> watcher.start(new RecordingWatchListener()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("start after close throws IllegalStateException")
    void startAfterCloseThrows() {
        watcher.close();

        assertThatThrownBy(() -> watcher.start(events)).isInstanceOf(IllegalStateException.class);
        assertThat(events.events()).isEmpty();
    }

    @Test
    @DisplayName("close stops delivery: changes after close are not delivered; close is idempotent")
    void closeStopsDelivery() {
        createCronJob(namespace(), "kappa", "*/5 * * * *");
        startAndSync();
        awaitCronJob(WatchEventType.ADDED, "kappa");

        watcher.close();
        watcher.close();
        int before = events.size();
        createCronJob(namespace(), "lambda", "*/5 * * * *");
        createJob(namespace(), "kappa", "kappa-1", SLOT, false);
        setSuspended(namespace(), "kappa", true);

        Await.sleep(quietPeriod().toMillis());
        assertThat(events.events().subList(before, events.size())).as("events delivered after close()").isEmpty();
    }

    @Test
    @DisplayName("fetchLogTail and fetchEvents return empty results for an unknown Job and never throw")
    void fetchForUnknownJob() {
        createCronJob(namespace(), "mu", "*/5 * * * *");
        startAndSync();
        JobSnapshot ghost = TestObjects.job(ref("mu")).name("mu-ghost").uid("00000000-0000-0000-0000-000000000000")
                .scheduled(SLOT).failed(SLOT, Duration.ofSeconds(5)).build();

        assertThat(watcher.fetchLogTail(ghost, LogRequest.DEFAULT)).isEmpty();
        assertThat(watcher.fetchLogTail(ghost, new LogRequest("main", true, 10, 2048))).isEmpty();
        assertThat(watcher.fetchEvents(ghost, 20)).isEmpty();
    }
}
