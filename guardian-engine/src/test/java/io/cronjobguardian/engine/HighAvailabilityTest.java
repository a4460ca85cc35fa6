package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeadershipListener;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Several engines on one store and one (simulated) cluster, with a test-controlled election. */
class HighAvailabilityTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final MonitorSpec MONITOR = MonitorSpec.builder("team-a", "m")
            .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                    new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1)))
            .build();

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryHistoryStore store = new InMemoryHistoryStore();
    private final ManualElection election = ManualElection.automatic();
    private final List<Replica> replicas = new ArrayList<>();

    /** One replica: its own scheduler, watcher (fed the same cluster events), elector and store instance. */
    private final class Replica {
        final String id;
        final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
        final ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        final FreezableElector elector;
        final Guardian guardian;

        Replica(String id) {
            this.id = id;
            this.elector = new FreezableElector(election.candidate(id));
            this.guardian = Guardian.builder()
                    .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s").build())
                    .monitor(MONITOR).store(store.createPeer()).watcher(watcher).leaderElector(elector)
                    .scheduler(scheduler).build();
        }
    }

    /** Delivers leadership callbacks unless frozen: a frozen replica is paused and learns nothing. */
    private static final class FreezableElector implements LeaderElector {
        private final LeaderElector delegate;
        private volatile boolean frozen;

        FreezableElector(LeaderElector delegate) {
            this.delegate = delegate;
        }

        void freeze() {
            frozen = true;
        }

        @Override
        public void start(LeadershipListener l) {
            delegate.start(new LeadershipListener() {
                @Override
                public void onStartedLeading(long epoch) {
                    if (!frozen) {
                        l.onStartedLeading(epoch);
                    }
                }

                @Override
                public void onStoppedLeading() {
                    if (!frozen) {
                        l.onStoppedLeading();
                    }
                }

                @Override
                public void onNewLeader(String identity) {
                    if (!frozen) {
                        l.onNewLeader(identity);
                    }
                }
            });
        }

        @Override public boolean isLeader() { return delegate.isLeader(); }
        @Override public OptionalLong currentEpoch() { return delegate.currentEpoch(); }
        @Override public String identity() { return delegate.identity(); }
        @Override public Optional<String> currentLeader() { return delegate.currentLeader(); }
        @Override public boolean relinquish(long epoch) { return delegate.relinquish(epoch); }
        @Override public void close() { delegate.close(); }
    }

    private Replica replica(String id) {
        Replica r = new Replica(id);
        replicas.add(r);
        return r;
    }

    private void cluster(Consumer<ScriptableCronJobWatcher> change) {
        for (Replica r : replicas) {
            change.accept(r.watcher);
        }
    }

    private void runAll() {
        ReplicaSchedulers.runAll(replicas.stream().map(r -> r.scheduler).toList());
    }

    private void advanceAll(Duration d) {
        ReplicaSchedulers.advanceAll(clock, replicas.stream().map(r -> r.scheduler).toList(), d);
    }

    private long leaders() {
        return replicas.stream().filter(r -> r.guardian.isLeader()).count();
    }

    @AfterEach
    void closeAll() {
        replicas.forEach(r -> r.guardian.close());
    }

    @Test
    void exactlyOneOfThreeActsAndGracefulCloseHandsOverWithoutLosingOrDuplicatingRuns() {
        Replica a = replica("a");
        Replica b = replica("b");
        Replica c = replica("c");
        a.guardian.start();
        b.guardian.start();
        c.guardian.start();
        runAll();
        assertThat(leaders()).isEqualTo(1);
        assertThat(a.guardian.isLeader()).isTrue();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "ha").schedule("*/10 * * * *").creationTime(T0).build();
        cluster(w -> w.addCronJob(cj));
        int runs = 0;
        for (int slot = 1; slot <= 6; slot++) {
            advanceAll(Duration.ofMinutes(10));
            Instant s = T0.plus(Duration.ofMinutes(10L * slot));
            JobSnapshot done = TestObjects.job(cj).name("ha-" + slot).uid("ha-" + slot).scheduled(s)
                    .succeeded(s, s.plusSeconds(1)).build();
            cluster(w -> w.addJob(done));
            runs++;
            runAll();
            assertThat(leaders()).isEqualTo(1);
            if (slot == 2) {
                a.guardian.close();   // graceful: releases leadership, a standby takes over at once
                replicas.remove(a);
                runAll();
                assertThat(leaders()).isEqualTo(1);
            }
            if (slot == 4) {
                Replica leader = replicas.stream().filter(r -> r.guardian.isLeader()).findFirst().orElseThrow();
                leader.guardian.close();
                replicas.remove(leader);
                runAll();
                assertThat(leaders()).isEqualTo(1);
            }
        }
        CronJobRef ref = cj.ref();
        assertThat(store.executions(ExecutionQuery.forCronJob(ref).page(0, 100)).total()).isEqualTo(runs);
        assertThat(store.incidents(IncidentQuery.all()).items()).isEmpty();   // no phantom misses across handovers
        assertThat(store.highestEpoch()).isEqualTo(3);
    }

    @Test
    void aFrozenLeadersLateWriteIsRejectedAndItStandsDown() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.guardian.start();
        b.guardian.start();
        runAll();
        assertThat(a.guardian.isLeader()).isTrue();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "fz").schedule("0 * * * *").creationTime(T0).build();
        cluster(w -> w.addCronJob(cj));
        runAll();
        // a freezes (GC pause, partition): it keeps believing it leads; b takes over
        a.elector.freeze();
        election.elect("b");
        b.scheduler.runPending();
        assertThat(b.guardian.isLeader()).isTrue();
        assertThat(a.guardian.engine().isLeading()).isTrue();   // a's engine does not know yet
        assertThat(a.guardian.isLeader()).isFalse();   // but a no longer says it leads: its elector lost leadership
        // a Job finishes; a wakes up first and tries to record it with its old epoch
        JobSnapshot failed = TestObjects.job(cj).name("fz-1").uid("fz-1").scheduled(T0).failed(T0, T0.plusSeconds(5))
                .build();
        advanceAll(Duration.ofSeconds(10));
        cluster(w -> w.addJob(failed));
        a.scheduler.runPending();
        assertThat(a.guardian.engine().isLeading()).isFalse();   // fenced: stood down
        assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).total()).isZero();
        b.scheduler.runPending();
        assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).total()).isEqualTo(1);
        assertThat(store.incidents(IncidentQuery.open()).items()).singleElement()
                .satisfies(i -> assertThat(i.key().type()).isEqualTo(AlertType.JOB_FAILED));
        assertThat(leaders()).isEqualTo(1);
    }

    @Test
    void aNewLeaderCatchesUpOnRunsFinishedDuringTheHandoverAndDoesNotReopenIncidents() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.guardian.start();
        b.guardian.start();
        runAll();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "cu").schedule("0 * * * *").creationTime(T0).build();
        cluster(w -> w.addCronJob(cj));
        advanceAll(Duration.ofMinutes(66));   // 01:00 missed: incident opened by a
        assertThat(store.incidents(IncidentQuery.open()).items()).hasSize(1);
        String incidentId = store.incidents(IncidentQuery.open()).items().get(0).id();
        // leader lost; nobody leads while a run finishes
        election.revoke();
        runAll();
        assertThat(leaders()).isZero();
        JobSnapshot late = TestObjects.job(cj).name("cu-late").uid("cu-late").scheduled(T0.plus(Duration.ofHours(1)))
                .failed(T0.plus(Duration.ofMinutes(66)), T0.plus(Duration.ofMinutes(67))).build();
        advanceAll(Duration.ofMinutes(2));
        cluster(w -> w.addJob(late));
        runAll();
        assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).total()).isZero();   // standbys only watch
        election.elect("b");
        runAll();
        assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).total()).isEqualTo(1);   // caught up
        List<io.cronjobguardian.api.Incident> all = store.incidents(IncidentQuery.all()).items();
        assertThat(all).filteredOn(i -> i.key().type() == AlertType.MISSED_SCHEDULE).singleElement()
                .satisfies(i -> assertThat(i.id()).isEqualTo(incidentId));   // the late Job ended the streak
        assertThat(all).filteredOn(i -> i.key().type() == AlertType.JOB_FAILED).hasSize(1);
    }

    @Test
    void aLeaseWhoseEpochWentBackStillLeadsAboveTheStoresFence() {
        store.advanceEpoch(10);   // earlier terms reached 10; the Lease was then deleted and counts from 1 again
        Replica a = replica("a");
        a.guardian.start();
        runAll();
        assertThat(a.guardian.isLeader()).isTrue();
        assertThat(store.highestEpoch()).isEqualTo(11);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "reset").schedule("0 * * * *").creationTime(T0).build();
        cluster(w -> w.addCronJob(cj));
        advanceAll(Duration.ofSeconds(30));
        JobSnapshot done = TestObjects.job(cj).name("r-1").uid("r-1").scheduled(T0).succeeded(T0, T0.plusSeconds(5))
                .build();
        cluster(w -> w.addJob(done));
        runAll();
        assertThat(store.executions(ExecutionQuery.forCronJob(cj.ref())).total()).isEqualTo(1);
    }
}
