package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.WatchListener;
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
import org.junit.jupiter.api.Test;

/**
 * A leader being closed judges nothing once its watcher is closed: a closed watcher delivers no more events (and a
 * closed informer's cache is empty), so a slot whose Job the controller created meanwhile would look missed. Found by
 * the chaos harness: a replica in its graceful stop opened {@code MissedSchedule} for slots whose Jobs had run.
 */
class GracefulCloseTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final MonitorSpec MONITOR = MonitorSpec.builder("team-a", "deadman")
            .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                    new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(1), 1)))
            .build();

    /**
     * Like a closed informer: after {@link #close} the cache is empty. Closing also lets time run past the next
     * deadline on the engine's scheduler, as a slow close does on a real one.
     */
    private static final class EmptiedOnClose implements CronJobWatcher {
        final ScriptableCronJobWatcher delegate;
        volatile boolean closed;
        Runnable onClose = () -> { };
        volatile boolean closedWhileLeading;
        Guardian guardian;

        EmptiedOnClose(ScriptableCronJobWatcher delegate) {
            this.delegate = delegate;
        }

        @Override public void start(WatchListener listener) { delegate.start(listener); }
        @Override public boolean hasSynced() { return !closed && delegate.hasSynced(); }
        @Override public Collection<CronJobSnapshot> cronJobs() { return closed ? List.of() : delegate.cronJobs(); }
        @Override public Optional<CronJobSnapshot> cronJob(CronJobRef ref) {
            return closed ? Optional.empty() : delegate.cronJob(ref);
        }
        @Override public Collection<JobSnapshot> jobs(CronJobRef owner) {
            return closed ? List.of() : delegate.jobs(owner);
        }
        @Override public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
            return delegate.fetchLogTail(job, request);
        }
        @Override public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
            return delegate.fetchEvents(job, maxEvents);
        }

        @Override
        public void close() {
            closedWhileLeading = guardian.isLeader();
            closed = true;
            delegate.close();
            onClose.run();
        }
    }

    @Test
    void aLeaderBeingClosedStopsJudgingBeforeItsWatcherCloses() {
        ManualClock clock = new ManualClock(T0);
        ScriptableCronJobWatcher cluster = new ScriptableCronJobWatcher();
        EmptiedOnClose engineWatcher = new EmptiedOnClose(cluster);
        InMemoryHistoryStore shared = new InMemoryHistoryStore();   // outlives the Guardian's own (closed) peer
        EngineHarness h = new EngineHarness(clock, List.of(MONITOR), shared.createPeer(), cluster,
                engineWatcher, c -> { }, b -> { });
        engineWatcher.guardian = h.guardian;
        h.start();
        CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "every5").schedule("*/5 * * * *")
                .creationTime(T0));
        // every slot runs up to 00:10; at 00:14:50 the replica is asked to stop
        h.simulateController(cj, T0.plus(Duration.ofMinutes(14)).plusSeconds(50), Duration.ofMinutes(2), s -> false);
        assertThat(h.openIncidents()).isEmpty();
        assertThat(h.guardian.isLeader()).isTrue();

        // the close takes a while: meanwhile the controller creates the 00:15 Job (a closed watcher tells nobody)
        // and time runs past 00:16, that slot's deadline, with the engine thread running what is due
        engineWatcher.onClose = () -> h.scheduler.advanceTo(T0.plus(Duration.ofMinutes(16)).plusSeconds(30));
        h.guardian.close();

        assertThat(shared.incidents(IncidentQuery.open()).items())
                .as("no incident judged from a closed watcher's empty cache").isEmpty();
        assertThat(engineWatcher.closedWhileLeading).as("the engine had stopped leading when the watcher closed")
                .isFalse();
    }
}
