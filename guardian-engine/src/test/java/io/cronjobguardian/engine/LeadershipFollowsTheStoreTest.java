package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeadershipListener;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ManualLeaderElector;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leadership follows the ability to act: a leader that cannot write for longer than {@code renewDeadline}, or that
 * the store fenced, gives its term up so that a replica that can act leads; a late start of a term already lost
 * never raises the fence above the real leader; two starts never share an epoch. Several engines on one in-memory
 * database, each through its own {@link StoreLink} (which the test can cut, or hook), with a test-controlled
 * election, manual clock and schedulers.
 */
class LeadershipFollowsTheStoreTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    /** The default {@code leaderElection.renewDeadline}. */
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(10);
    private static final MonitorSpec MONITOR = MonitorSpec.builder("team-a", "m")
            .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                    new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1)))
            .build();

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryHistoryStore store = new InMemoryHistoryStore(clock);
    private final ManualElection election = ManualElection.automatic();
    private final List<Replica> replicas = new ArrayList<>();
    private final CronJobSnapshot cronJob = TestObjects.cronJob("team-a", "lead").schedule("0 * * * *")
            .creationTime(T0).build();
    private int jobs;

    /** A replica's own connection to the shared database: the test can cut it, or run a hook before an operation. */
    private final class StoreLink implements InvocationHandler {
        final HistoryStore target = store.createPeer();
        final Map<String, Runnable> before = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean cut;
        /** Only writes fail (a database that turned read-only, e.g. a demoted primary); reads still answer. */
        volatile boolean cutWrites;

        HistoryStore proxy() {
            return (HistoryStore) Proxy.newProxyInstance(HistoryStore.class.getClassLoader(),
                    new Class<?>[] {HistoryStore.class}, this);
        }

        /** Runs {@code hook} once, before the first call of any of these operations. */
        void once(Set<String> operations, Runnable hook) {
            boolean[] ran = {false};
            for (String op : operations) {
                before.put(op, () -> {
                    operations.forEach(before::remove);
                    if (!ran[0]) {
                        ran[0] = true;
                        hook.run();
                    }
                });
            }
        }

        /** The next call of this operation throws the exception instead of reaching the database. */
        void failNext(String operation, RuntimeException e) {
            before.put(operation, () -> {
                before.remove(operation);
                throw e;
            });
        }

        long calls(String operation) {
            return calls.stream().filter(operation::equals).count();
        }

        @Override
        public Object invoke(Object proxy, Method m, Object[] args) throws Throwable {
            calls.add(m.getName());
            Runnable hook = before.get(m.getName());
            if (hook != null) {
                hook.run();
            }
            if (cutWrites && m.getDeclaringClass() == HistoryStore.class && isWrite(m.getName())) {
                throw new StoreUnavailableException(m.getName() + ": the database is read-only (test)");
            }
            if (cut && m.getDeclaringClass() == HistoryStore.class && !m.getName().equals("close")) {
                if (m.getName().equals("health")) {
                    return StoreHealth.down("cut off (test)", clock.instant());
                }
                throw new StoreUnavailableException(m.getName() + ": cut off from the database (test)");
            }
            try {
                return m.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** A manual elector whose callbacks the test can hold back (a replica that hears of a change late). */
    private static final class HoldingElector implements LeaderElector {
        private final ManualLeaderElector delegate;
        private final List<Consumer<LeadershipListener>> held = new ArrayList<>();
        private LeadershipListener target;
        private boolean holding;

        HoldingElector(ManualLeaderElector delegate) {
            this.delegate = delegate;
        }

        synchronized void hold() {
            holding = true;
        }

        void release() {
            List<Consumer<LeadershipListener>> calls;
            synchronized (this) {
                holding = false;
                calls = new ArrayList<>(held);
                held.clear();
            }
            calls.forEach(c -> c.accept(target));
        }

        private void pass(Consumer<LeadershipListener> call) {
            synchronized (this) {
                if (holding) {
                    held.add(call);
                    return;
                }
            }
            call.accept(target);
        }

        @Override
        public void start(LeadershipListener l) {
            this.target = l;
            delegate.start(new LeadershipListener() {
                @Override
                public void onStartedLeading(long epoch) {
                    pass(x -> x.onStartedLeading(epoch));
                }

                @Override
                public void onStoppedLeading() {
                    pass(LeadershipListener::onStoppedLeading);
                }

                @Override
                public void onNewLeader(String identity) {
                    pass(x -> x.onNewLeader(identity));
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

    /** One replica: its scheduler, watcher (fed the same cluster), store link, elector (or none), meters. */
    private static boolean isWrite(String operation) {
        return operation.matches("(upsert|open|update|resolve|enqueue|save|delete|claim|advance|mark|record|extend"
                + "|release).*");
    }

    private final class Replica {
        final String id;
        final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
        final ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
        final StoreLink link = new StoreLink();
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        /** The epochs this replica's engine started acting with. */
        final List<Long> actedWith = new CopyOnWriteArrayList<>();
        final HoldingElector elector;
        final Guardian guardian;

        Replica(String id, boolean elected) {
            this.id = id;
            this.elector = elected ? new HoldingElector(election.candidate(id)) : null;
            Guardian.Builder b = Guardian.builder()
                    .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s").build())
                    .monitor(MONITOR).store(link.proxy()).watcher(watcher).scheduler(scheduler).meterRegistry(meters)
                    .observer(new EngineObserver() {
                        @Override
                        public void leadership(boolean leading, long epoch) {
                            if (leading) {
                                actedWith.add(epoch);
                            }
                        }
                    });
            if (elected) {
                b.leaderElector(elector);
            }
            this.guardian = b.build();
        }

        long epoch() {
            return guardian.engine().epoch();
        }

        /** Its {@code cronjob_guardian_leader_status} gauge says it leads. */
        boolean gaugeSaysLeader() {
            Gauge g = meters.find("cronjob.guardian.leader.status").gauge();
            return g != null && g.value() == 1.0;
        }

        @Override
        public String toString() {
            return id;
        }
    }

    private Replica replica(String id) {
        Replica r = new Replica(id, true);
        replicas.add(r);
        return r;
    }

    private Replica aloneReplica(String id) {
        Replica r = new Replica(id, false);
        replicas.add(r);
        return r;
    }

    private void runAll() {
        ReplicaSchedulers.runAll(replicas.stream().map(r -> r.scheduler).toList());
    }

    private void advanceAll(Duration d) {
        ReplicaSchedulers.advanceAll(clock, replicas.stream().map(r -> r.scheduler).toList(), d);
    }

    private List<Replica> leaders() {
        return replicas.stream().filter(r -> r.guardian.isLeader()).toList();
    }

    private void startAll() {
        replicas.forEach(r -> r.guardian.start());
        runAll();
        replicas.forEach(r -> r.watcher.addCronJob(cronJob));
        runAll();
    }

    /** A Job of the CronJob that succeeded just now, seen by every replica. */
    private JobSnapshot jobFinishes() {
        return jobFinishes(true);
    }

    private JobSnapshot jobFinishes(boolean succeeded) {
        Instant now = clock.instant();
        int n = ++jobs;
        TestObjects.JobBuilder b = TestObjects.job(cronJob).name("lead-" + n).uid("lead-" + n)
                .scheduled(now.minusSeconds(5));
        JobSnapshot j = (succeeded ? b.succeeded(now.minusSeconds(5), now) : b.failed(now.minusSeconds(5), now))
                .build();
        replicas.forEach(r -> r.watcher.addJob(j));
        runAll();
        return j;
    }

    private long recorded() {
        return store.executions(ExecutionQuery.forCronJob(cronJob.ref())).total();
    }

    @AfterEach
    void closeAll() {
        replicas.forEach(r -> r.guardian.close());
    }

    // ================================================================ a leader that cannot write

    @Test
    void aLeaderWhoseWritesFailForLongerThanRenewDeadlineHandsOverToAReplicaThatCanWrite() {
        Replica a = replica("a");
        Replica b = replica("b");
        startAll();
        assertThat(leaders()).containsExactly(a);

        a.link.cut = true;   // a loses the database; b (and the Lease) are fine
        advanceAll(Duration.ofSeconds(1));
        Instant firstFailure = clock.instant();
        jobFinishes();
        assertThat(recorded()).isZero();
        GuardianHealth failing = a.guardian.health();
        assertThat(failing.ready()).isFalse();
        assertThat(failing.leader()).isTrue();
        assertThat(failing.reasons()).anySatisfy(r -> assertThat(r)
                .startsWith("the leader's store operations have been failing since " + firstFailure));

        advanceAll(RENEW_DEADLINE.minusSeconds(1));   // retried meanwhile (1 s, 2 s, 4 s backoff), still failing
        assertThat(election.leader()).as("leader before renewDeadline").hasValue("a");
        assertThat(a.guardian.isLeader()).isTrue();

        advanceAll(Duration.ofSeconds(2));
        assertThat(election.leader()).as("leader after renewDeadline").hasValue("b");
        assertThat(leaders()).containsExactly(b);
        assertThat(b.gaugeSaysLeader()).isTrue();
        assertThat(a.gaugeSaysLeader()).isFalse();
        assertThat(recorded()).as("recorded by the new leader's catch-up").isEqualTo(1);
        assertThat(a.guardian.health().reasons()).noneMatch(r -> r.startsWith("the leader's store"));

        // a's database comes back: it is a standby now, b keeps leading and recording
        a.link.cut = false;
        advanceAll(Duration.ofMinutes(1));
        jobFinishes();
        assertThat(leaders()).containsExactly(b);
        assertThat(recorded()).isEqualTo(2);
        assertThat(a.guardian.health().ready()).isTrue();
    }

    @Test
    void aLeaderThatCanReadButNotRecordHandsOverAfterRenewDeadline() {
        // reads succeed, so only the failed recordings (left pending and retried per row) tell the engine that it
        // cannot act: they must count towards giving up leadership just as a failed evaluation does
        Replica a = replica("a");
        Replica b = replica("b");
        startAll();
        assertThat(leaders()).containsExactly(a);

        a.link.cutWrites = true;
        jobFinishes(false);
        assertThat(recorded()).isZero();
        advanceAll(RENEW_DEADLINE.minusSeconds(1));
        assertThat(election.leader()).as("leader before renewDeadline").hasValue("a");

        advanceAll(Duration.ofSeconds(2));
        assertThat(election.leader()).as("leader after renewDeadline").hasValue("b");
        assertThat(leaders()).containsExactly(b);
        assertThat(recorded()).as("recorded by the new leader from what it saw").isEqualTo(1);
    }

    @Test
    void aSuccessfulWriteEndsTheCountSoThatIntermittentFailuresDoNotHandOver() {
        Replica a = replica("a");
        replica("b");
        startAll();
        a.link.cut = true;
        jobFinishes();                                // fails at t
        advanceAll(Duration.ofSeconds(5));            // retries at t+1 and t+3 fail
        a.link.cut = false;
        advanceAll(Duration.ofSeconds(3));            // the retry at t+7 succeeds
        assertThat(recorded()).isEqualTo(1);
        assertThat(a.guardian.health().ready()).isTrue();
        a.link.cut = true;
        jobFinishes();                                // fails again at t+8: a new count starts
        advanceAll(RENEW_DEADLINE.minusSeconds(2));   // t+16: 8 s into this run of failures
        assertThat(election.leader()).hasValue("a");
        advanceAll(Duration.ofSeconds(3));            // t+19: 11 s of failing
        assertThat(election.leader()).hasValue("b");
        assertThat(recorded()).isEqualTo(2);
    }

    @Test
    void aLoneReplicaThatGaveUpLeadershipLeadsAgainOnceItsStoreIsBack() {
        Replica a = replica("a");
        startAll();
        long firstEpoch = a.epoch();
        a.link.cut = true;
        jobFinishes();
        advanceAll(RENEW_DEADLINE.plusSeconds(1));
        // it gave the term up; nobody else contends, so it got a new term, which it cannot act on either
        assertThat(election.lastEpoch()).isGreaterThan(1);
        assertThat(a.guardian.isLeader()).isFalse();
        assertThat(a.guardian.health().ready()).isFalse();
        advanceAll(Duration.ofMinutes(2));

        a.link.cut = false;
        advanceAll(RENEW_DEADLINE.plusSeconds(15));
        assertThat(a.guardian.isLeader()).isTrue();
        assertThat(a.gaugeSaysLeader()).isTrue();
        assertThat(a.epoch()).isGreaterThan(firstEpoch);
        assertThat(recorded()).isEqualTo(1);
        assertThat(a.guardian.health().ready()).isTrue();
    }

    // ================================================================ a fenced leader

    @Test
    void aFencedLeaderGivesUpItsTermAndAnotherReplicaLeads() {
        Replica a = replica("a");
        Replica b = replica("b");
        startAll();
        assertThat(leaders()).containsExactly(a);
        // something raised the fence above a's epoch (e.g. a stale start elsewhere) while a keeps the Lease
        long foreign = store.advanceEpoch(a.epoch() + 10);

        jobFinishes();   // a's write is rejected as stale

        assertThat(election.leader()).as("the fenced leader gave its term up").hasValue("b");
        assertThat(leaders()).containsExactly(b);
        assertThat(b.gaugeSaysLeader()).isTrue();
        assertThat(a.gaugeSaysLeader()).isFalse();
        assertThat(b.epoch()).isGreaterThan(foreign);
        assertThat(recorded()).isEqualTo(1);
    }

    @Test
    void aLeaderFencedThroughItsAlertDispatcherGivesUpItsTermToo() {
        Replica a = replica("a");
        Replica b = replica("b");
        startAll();
        assertThat(leaders()).containsExactly(a);
        // the dispatcher polls every 5 s: its next claim finds the fence raised
        a.link.once(Set.of("claimDueNotifications"), () -> store.advanceEpoch(a.epoch() + 10));

        advanceAll(Duration.ofSeconds(6));

        assertThat(election.leader()).hasValue("b");
        assertThat(leaders()).containsExactly(b);
        assertThat(b.gaugeSaysLeader()).isTrue();
    }

    @Test
    void aLoneFencedReplicaLeadsAgainWithANewEpoch() {
        Replica a = replica("a");
        startAll();
        long foreign = store.advanceEpoch(a.epoch() + 10);

        jobFinishes();

        assertThat(a.guardian.isLeader()).isTrue();
        assertThat(a.gaugeSaysLeader()).isTrue();
        assertThat(a.epoch()).isGreaterThan(foreign);
        assertThat(recorded()).isEqualTo(1);
    }

    @Test
    void aLeaderFencedInTheLastEvaluationOfASweepWritesNothingMoreAndLeavesOpenIncidentsAlone() {
        Replica a = replica("a");
        Replica b = replica("b");
        startAll();
        jobFinishes(false);
        List<Incident> open = store.incidents(IncidentQuery.open()).items();
        assertThat(open).singleElement().satisfies(i -> assertThat(i.key().type()).isEqualTo(AlertType.JOB_FAILED));
        advanceAll(Duration.ofMinutes(4));   // the safety sweep runs every 5 min
        // the sweep's only evaluation is fenced (its first store operation is rejected)
        a.link.failNext("incidents", new StaleEpochException(a.epoch(), a.epoch() + 1));

        advanceAll(Duration.ofMinutes(2));

        assertThat(a.link.calls("resolveIncident")).as("a's resolutions").isZero();
        assertThat(store.incidents(IncidentQuery.open()).items()).as("still open")
                .extracting(Incident::id).containsExactly(open.get(0).id());
        assertThat(leaders()).containsExactly(b);
    }

    // ================================================================ stale starts

    @Test
    void aLateStartOfATermAlreadyLostDoesNotFenceTheRealLeader() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.elector.hold();   // a's engine hears of leadership changes late
        startAll();         // a is elected (term 1) but its engine does not know yet
        election.elect("b");   // a loses term 1; b leads term 2
        runAll();
        assertThat(leaders()).containsExactly(b);
        long bEpoch = b.epoch();

        a.elector.release();   // now a's engine gets onStartedLeading(1), then onStoppedLeading
        runAll();

        assertThat(store.highestEpoch()).as("the fence").isEqualTo(bEpoch);
        assertThat(a.actedWith).as("epochs a acted with").isEmpty();
        jobFinishes();
        assertThat(recorded()).as("the real leader's writes succeed").isEqualTo(1);
        assertThat(leaders()).containsExactly(b);
        assertThat(b.epoch()).isEqualTo(bEpoch);
    }

    @Test
    void aTermThatEndsWhileItsEpochIsTakenDoesNotAct() {
        Replica a = replica("a");
        Replica b = replica("b");
        a.link.once(Set.of("claimEpoch", "advanceEpoch"), () -> election.elect("b"));

        startAll();   // a takes a store epoch for term 1; meanwhile b is elected

        assertThat(a.actedWith).as("epochs a acted with").isEmpty();
        assertThat(leaders()).containsExactly(b);
        jobFinishes();
        assertThat(recorded()).isEqualTo(1);
        assertThat(b.epoch()).isEqualTo(store.highestEpoch());
    }

    @Test
    void twoStartsAtOnceNeverShareAnEpochAndTheNewerOneLeads() {
        Replica a = aloneReplica("a");
        Replica b = aloneReplica("b");
        // two single-replica processes on one store (a rolling deployment): b starts while a fences the store
        a.link.once(Set.of("claimEpoch", "advanceEpoch"), b.scheduler::runPending);
        a.guardian.start();
        b.guardian.start();
        a.scheduler.runPending();

        assertThat(a.actedWith).hasSize(1);
        assertThat(b.actedWith).hasSize(1);
        assertThat(a.actedWith.get(0)).as("a's epoch").isNotEqualTo(b.actedWith.get(0));

        // the one with the newer epoch leads; the other one's first write is rejected and it stands aside
        Replica newer = a.epoch() > b.epoch() ? a : b;
        Replica older = newer == a ? b : a;
        replicas.forEach(r -> r.watcher.addCronJob(cronJob));
        runAll();
        jobFinishes();
        assertThat(leaders()).containsExactly(newer);
        assertThat(recorded()).isEqualTo(1);
        GuardianHealth h = older.guardian.health();
        assertThat(h.ready()).isFalse();
        assertThat(h.reasons()).anySatisfy(r -> assertThat(r)
                .startsWith("not leading: another process took a newer epoch (" + newer.epoch() + ")"));
    }

    @Test
    void aFencedSingleReplicaLeadsAgainOnlyOnceTheStoresEpochHasStayedPut() {
        Replica a = aloneReplica("a");
        startAll();
        long first = a.epoch();
        store.advanceEpoch(first + 1);   // a newer process started on the same store
        jobFinishes();                   // a's write is rejected: it stands aside
        assertThat(a.guardian.isLeader()).isFalse();
        assertThat(recorded()).isZero();

        advanceAll(Duration.ofSeconds(45));
        store.advanceEpoch(first + 2);   // the other process restarted: it is alive, the wait starts again
        advanceAll(Duration.ofSeconds(20));   // 65 s after the fencing
        assertThat(a.guardian.isLeader()).isFalse();
        assertThat(a.guardian.health().ready()).isFalse();

        advanceAll(Duration.ofSeconds(60));   // the epoch stayed put for a minute: the other one is gone
        assertThat(a.guardian.isLeader()).isTrue();
        assertThat(a.epoch()).isEqualTo(first + 3);
        assertThat(recorded()).as("caught up").isEqualTo(1);
        assertThat(a.guardian.health().ready()).isTrue();
    }
}
