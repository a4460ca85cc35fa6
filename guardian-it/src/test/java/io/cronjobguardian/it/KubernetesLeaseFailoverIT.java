package io.cronjobguardian.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.examples.simulator.AcceleratedClock;
import io.cronjobguardian.examples.simulator.Behaviour;
import io.cronjobguardian.examples.simulator.ClusterSimulator;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.cronjobguardian.examples.simulator.SimulatedCronJob;
import io.cronjobguardian.examples.simulator.SimulatedRun;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.TcpProxy;
import io.cronjobguardian.watcher.k8s.KubernetesCronJobWatcher;
import io.cronjobguardian.watcher.k8s.KubernetesWatcherConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 6: two and three real engines in one JVM, as replicas of one service would run: each with its own fabric8
 * client (through a loopback TCP proxy the test can freeze) to ONE simulated API server, its own
 * {@code KubernetesLeaderElector} on one Lease (4s / 3s / 500ms, set through the {@code leaderElection.*} keys and
 * created by the {@code kubernetes} provider from the host client), its own {@code KubernetesCronJobWatcher}, and a
 * PostgreSQL store (created by the {@code postgres} provider from {@code storage.postgres.*}) on ONE database, a fresh
 * schema per test. A {@link ClusterSimulator} on an accelerated clock (30x: every CronJob runs every 2 s of real
 * time) creates and finishes Jobs throughout.
 *
 * <p>Proves: never two leaders (sampled every 50 ms, through {@code isLeader()} and the
 * {@code cronjob_guardian_leader_status} gauges); a graceful {@code close()} hands over within about one retry period;
 * a frozen leader (API connection black-holed AND engine thread blocked, so it cannot even step down) is replaced
 * within {@code leaseDuration + retryPeriod} (+ fabric8's jitter); when it wakes, its first write is rejected by the
 * store as stale and it stands down without recording anything; and every Job the simulator created is recorded
 * exactly once, none lost.
 *
 * <p>Bounds, all measured from the event (close() returning / the cut) to another engine's {@code isLeader()}:
 * <ul>
 *   <li>graceful: the Lease is released at the end of {@code close()}; a standby tries every
 *       {@code retryPeriod × (1 … 2.2)} (fabric8's jitter): bound {@code 3 × retryPeriod};</li>
 *   <li>frozen: the others may take the Lease {@code leaseDuration} after the frozen leader's last renewal (which was
 *       up to one {@code retryPeriod} before the cut) and try every {@code retryPeriod × (1 … 2.2)}: at most
 *       {@code leaseDuration + 2.2 × retryPeriod} after the cut; bound {@code leaseDuration + retryPeriod + 2 ×
 *       retryPeriod} (the jitter allowance);</li>
 *   <li>both plus {@link #ENGINE_START}: the new leader's engine fences the store (one write) before it says it
 *       leads.</li>
 * </ul>
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class KubernetesLeaseFailoverIT {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaseFailoverIT.class);

    static final Duration LEASE_DURATION = Duration.ofSeconds(4);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(3);
    static final Duration RETRY_PERIOD = Duration.ofMillis(500);
    /**
     * {@code watcher.requestTimeout}: a frozen replica that wakes with a failed Job queued first reads its failure
     * context (pod, log tail, events) through its still cut API connection, each read failing after this long.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Failure-context reads of one failed Job at most (pods by two labels, log tails, events of Job and pods), each
     * bounded by {@link #REQUEST_TIMEOUT}.
     */
    static final int CONTEXT_READS = 6;
    /** The new leader's engine writes the fence (advanceEpoch) before {@code isLeader()} turns true. */
    static final Duration ENGINE_START = Duration.ofMillis(300);
    static final Duration GRACEFUL_BOUND = RETRY_PERIOD.multipliedBy(3).plus(ENGINE_START);
    static final Duration FROZEN_BOUND = LEASE_DURATION.plus(RETRY_PERIOD).plus(RETRY_PERIOD.multipliedBy(2))
            .plus(ENGINE_START);
    /** Simulated seconds per real second. */
    static final double SPEED = 30;
    static final String LEASE_NAMESPACE = "guardian-system";
    private static final AtomicInteger LEASES = new AtomicInteger();

    private final DbTarget postgres = DbTarget.postgres();
    private Settings db;
    private Cluster cluster;

    @BeforeEach
    void freshSchema() {
        db = postgres.freshDatabase();
    }

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        postgres.dropAll();
    }

    @Test
    void threeEngines_gracefulHandover_frozenLeaderReplacedAndFenced_everyJobRecordedOnce() throws Exception {
        cluster = new Cluster(List.of("pod-a", "pod-b", "pod-c"));
        cluster.simulator.start();

        Replica first = cluster.awaitLeader(Duration.ofSeconds(30));
        cluster.awaitRecorded(10);

        // 1. graceful: close() releases the Lease; a standby takes over at its next attempt
        long closing = System.nanoTime();
        first.close();
        long closed = System.nanoTime();
        Replica second = await().atMost(GRACEFUL_BOUND).pollInterval(Duration.ofMillis(10))
                .until(cluster::leader, Optional::isPresent).get();
        long handover = System.nanoTime();
        LOG.info("3 engines, graceful: close() took {} ms; {} -> {} leads {} ms after close() returned",
                ms(closed - closing), first.id, second.id, ms(handover - closed));
        assertThat(second).isNotSameAs(first);
        cluster.awaitRecordedMore(10);

        // 2. frozen: the leader loses the API server and its engine thread stops; another takes over
        Freeze freeze = cluster.freeze(second);
        Replica third = await().atMost(FROZEN_BOUND).pollInterval(Duration.ofMillis(10))
                .until(() -> cluster.leaderOtherThan(second), Optional::isPresent).get();
        long failover = System.nanoTime();
        LOG.info("3 engines, frozen: {} -> {} leads {} ms after the cut ({} stopped saying it leads after {} ms)",
                second.id, third.id, ms(failover - freeze.cutNanos), second.id, freeze.steppedDownMs());

        // 3. the frozen one wakes: its first write is rejected as stale, it stands down, records nothing
        cluster.wakeAndExpectFenced(freeze, third);

        // 4. the simulation goes on under the new leader; at the end nothing is lost or doubled
        cluster.awaitRecordedMore(10);
        cluster.stopSimulationAndCheckEveryJobRecordedOnce();
        cluster.checkSampler();
    }

    @Test
    void twoEngines_frozenLeaderFencedThenLeadsAgainAfterGracefulHandover_everyJobRecordedOnce() throws Exception {
        cluster = new Cluster(List.of("pod-a", "pod-b"));
        cluster.simulator.start();

        Replica first = cluster.awaitLeader(Duration.ofSeconds(30));
        Replica other = cluster.replicas.values().stream().filter(r -> r != first).findFirst().orElseThrow();
        cluster.awaitRecorded(10);

        // 1. frozen leader replaced by the only standby
        Freeze freeze = cluster.freeze(first);
        await().atMost(FROZEN_BOUND).pollInterval(Duration.ofMillis(10)).until(other::leads);
        long failover = System.nanoTime();
        LOG.info("2 engines, frozen: {} -> {} leads {} ms after the cut ({} stopped saying it leads after {} ms)",
                first.id, other.id, ms(failover - freeze.cutNanos), first.id, freeze.steppedDownMs());

        // 2. it wakes fenced, and comes back as a standby
        cluster.wakeAndExpectFenced(freeze, other);
        cluster.awaitRecordedMore(10);

        // 3. the recovered replica takes over again when the other one shuts down, and records correctly
        long closing = System.nanoTime();
        other.close();
        long closed = System.nanoTime();
        await().atMost(GRACEFUL_BOUND).pollInterval(Duration.ofMillis(10)).until(first::leads);
        LOG.info("2 engines, graceful: close() took {} ms; {} -> {} leads {} ms after close() returned",
                ms(closed - closing), other.id, first.id, ms(System.nanoTime() - closed));
        cluster.awaitRecordedMore(10);
        cluster.stopSimulationAndCheckEveryJobRecordedOnce();
        cluster.checkSampler();
    }

    // ================================================================================================ fixture

    static long ms(long nanos) {
        return nanos / 1_000_000;
    }

    /** What the simulator runs: several CronJobs in two namespaces, every minute or two (2-4 s real). */
    static List<SimulatedCronJob> cronJobs() {
        List<SimulatedCronJob> list = new ArrayList<>();
        list.add(SimulatedCronJob.of("payments", "settle", "* * * * *", Behaviour.healthy(Duration.ofSeconds(20))));
        list.add(SimulatedCronJob.of("payments", "reconcile", "* * * * *",
                Behaviour.flaky(Duration.ofSeconds(25), 30)));
        list.add(SimulatedCronJob.of("payments", "export", "*/2 * * * *",
                Behaviour.retryThenSucceed(Duration.ofSeconds(15))));
        list.add(SimulatedCronJob.of("reports", "daily", "* * * * *", Behaviour.healthy(Duration.ofSeconds(10))));
        list.add(SimulatedCronJob.of("reports", "rollup", "*/2 * * * *", Behaviour.flaky(Duration.ofSeconds(30), 50)));
        list.add(SimulatedCronJob.of("reports", "cleanup", "* * * * *", Behaviour.healthy(Duration.ofSeconds(5))));
        // nothing is deleted by history limits: every Job stays visible, so none may be missing from the store
        return list.stream().map(c -> c.withHistoryLimits(1000, 1000)).collect(Collectors.toList());
    }

    /** A frozen leader. */
    static final class Freeze {
        final Replica replica;
        final long cutNanos;
        final int storeMark;
        final JobSnapshot queuedJob;
        volatile long steppedDownNanos;

        Freeze(Replica replica, long cutNanos, int storeMark, JobSnapshot queuedJob) {
            this.replica = replica;
            this.cutNanos = cutNanos;
            this.storeMark = storeMark;
            this.queuedJob = queuedJob;
        }

        long steppedDownMs() {
            return steppedDownNanos == 0 ? -1 : ms(steppedDownNanos - cutNanos);
        }
    }

    /** One replica of the host service. */
    final class Replica {
        final String id;
        final TcpProxy proxy;
        final KubernetesClient client;
        final SystemTaskScheduler scheduler;
        final KubernetesCronJobWatcher watcher;
        final StoreSpy spy;
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();
        final Guardian guardian;
        volatile boolean closed;
        private volatile CountDownLatch blocked;

        Replica(String id, Cluster c) {
            this.id = id;
            this.proxy = TcpProxy.to(c.api.host(), c.api.port());
            this.client = c.api.newClient(proxy.url());
            // the test holds the engine's scheduler, so that it can block the engine thread
            this.scheduler = new SystemTaskScheduler(c.clock, "engine-" + id, Duration.ofMillis(50));
            Settings settings = db
                    .with("watcher.type", "kubernetes")
                    .with("leaderElection.enabled", "true")
                    .with("leaderElection.type", "kubernetes")
                    .with("leaderElection.namespace", LEASE_NAMESPACE)
                    .with("leaderElection.leaseName", c.leaseName)
                    .with("leaderElection.identity", id)
                    .with("leaderElection.leaseDuration", Settings.format(LEASE_DURATION))
                    .with("leaderElection.renewDeadline", Settings.format(RENEW_DEADLINE))
                    .with("leaderElection.retryPeriod", Settings.format(RETRY_PERIOD))
                    .with("watcher.requestTimeout", Settings.format(REQUEST_TIMEOUT));
            GuardianConfig config = GuardianConfig.builder().noEnvironment().settings(settings).build();
            // the real watcher and store, built here (from the same keys) so that the test can look at them
            this.watcher = new KubernetesCronJobWatcher(KubernetesWatcherConfig.from(config.settings()), client,
                    c.clock);
            HistoryStore store = Providers.byName(HistoryStoreProvider.class, "postgres").orElseThrow()
                    .create(config.settings(), ProviderContext.builder().clock(c.clock).build());
            this.spy = StoreSpy.on(store);
            this.guardian = Guardian.builder()
                    .config(config)
                    .monitors(List.of(MonitorSpec.of("payments", "all-payments"),
                            MonitorSpec.of("reports", "all-reports")))
                    .store(spy.store())
                    .watcher(watcher)
                    .scheduler(scheduler)
                    .service(KubernetesClient.class, client)   // the elector comes from the provider, on this client
                    .meterRegistry(meters)
                    .shutdownTimeout(Duration.ofSeconds(5))
                    .build();
        }

        /** Says it leads (the API) — a closed replica does not. */
        boolean leads() {
            return !closed && guardian.isLeader();
        }

        /** Its {@code cronjob_guardian_leader_status} gauge (0 when gone). */
        boolean gaugeSaysLeader() {
            Gauge g = meters.find("cronjob.guardian.leader.status").gauge();
            return !closed && g != null && g.value() == 1.0;
        }

        void close() {
            guardian.close();
            closed = true;
        }

        /** Blocks the engine thread with a task that waits for a latch. */
        void blockEngine() throws InterruptedException {
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            blocked = release;
            scheduler.execute(() -> {
                entered.countDown();
                try {
                    release.await(90, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(entered.await(10, TimeUnit.SECONDS)).as("%s's engine thread is blocked", id).isTrue();
        }

        void unblockEngine() {
            blocked.countDown();
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** The API server, the simulator, the replicas and the sampler. */
    final class Cluster implements AutoCloseable {
        final AcceleratedClock clock = AcceleratedClock.startingAt(Instant.now(), SPEED);
        final MockApiServer api = MockApiServer.start(clock);
        final ClusterSimulator simulator = ClusterSimulator.builder(api, clock).seed(6).cronJobs(cronJobs()).build();
        final String leaseName = "guardian-it-" + LEASES.incrementAndGet();
        final Map<String, Replica> replicas = new LinkedHashMap<>();
        final HistoryStore reader;
        final LeaderSampler sampler;
        final LeaderSampler gaugeSampler;
        final long startedNanos = System.nanoTime();
        volatile long firstLeaderNanos;

        Cluster(List<String> ids) {
            for (String id : ids) {
                replicas.put(id, new Replica(id, this));
            }
            reader = Providers.byName(HistoryStoreProvider.class, "postgres").orElseThrow()
                    .create(db, ProviderContext.builder().clock(clock).build());
            reader.start();
            replicas.values().forEach(r -> r.guardian.start());
            sampler = new LeaderSampler(() -> view(r -> r::leads));
            gaugeSampler = new LeaderSampler(() -> view(r -> r::gaugeSaysLeader));
        }

        private Map<String, BooleanSupplier> view(Function<Replica, BooleanSupplier> f) {
            Map<String, BooleanSupplier> m = new LinkedHashMap<>();
            replicas.forEach((id, r) -> m.put(id, f.apply(r)));
            return m;
        }

        /** The one replica that says it leads, if exactly one does. */
        Optional<Replica> leader() {
            List<Replica> l = replicas.values().stream().filter(Replica::leads).collect(Collectors.toList());
            return l.size() == 1 ? Optional.of(l.get(0)) : Optional.empty();
        }

        Optional<Replica> leaderOtherThan(Replica r) {
            return leader().filter(l -> l != r);
        }

        Replica awaitLeader(Duration within) {
            Replica r = await().atMost(within).until(this::leader, Optional::isPresent).get();
            firstLeaderNanos = System.nanoTime();
            LOG.info("first leader {} after {} ms", r.id, ms(System.nanoTime() - startedNanos));
            return r;
        }

        long recordedFinished() {
            return reader.executions(ExecutionQuery.all().states(JobState.SUCCEEDED, JobState.FAILED).page(0, 1))
                    .total();
        }

        void awaitRecorded(long n) {
            await().atMost(Duration.ofSeconds(30)).until(() -> recordedFinished() >= n);
        }

        void awaitRecordedMore(long n) {
            long base = recordedFinished();
            awaitRecorded(base + n);
        }

        /**
         * Freezes the leader: blocks its engine thread, waits until its watcher has handed it a finished Job it has
         * not recorded (so the engine has a write queued for when it wakes), then black-holes its connection to the
         * API server, so its elector can neither renew nor release.
         */
        Freeze freeze(Replica leader) throws InterruptedException {
            leader.blockEngine();
            int mark = leader.spy.mark();   // nothing writes while the engine thread is blocked (no channels here)
            JobSnapshot queued = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> deliveredButNotRecorded(leader), Optional::isPresent).get();
            leader.proxy.freeze();
            Freeze f = new Freeze(leader, System.nanoTime(), mark, queued);
            Thread watch = new Thread(() -> {
                while (leader.guardian.isLeader() && System.nanoTime() - f.cutNanos < 30_000_000_000L) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                f.steppedDownNanos = System.nanoTime();
            }, "step-down-watch");
            watch.setDaemon(true);
            watch.start();
            LOG.info("froze {}: engine blocked with {} {} queued, API connection cut", leader.id, queued.name(),
                    queued.state());
            return f;
        }

        /** A finished Job the replica's watcher has delivered (so its engine has the event) that the store lacks. */
        private Optional<JobSnapshot> deliveredButNotRecorded(Replica r) {
            for (SimulatedCronJob c : simulator.cronJobs()) {
                for (JobSnapshot j : r.watcher.jobs(CronJobRef.of(c.namespace(), c.name()))) {
                    if (j.state().isTerminal() && reader.findExecution(j.uid()).map(Execution::state)
                            .orElse(null) != j.state()) {
                        return Optional.of(j);
                    }
                }
            }
            return Optional.empty();
        }

        /**
         * Lets the frozen replica run again once the new leader has recorded what the frozen one has queued: its first
         * write must be rejected as stale, after which it must stand down (no further write) and never lead.
         */
        void wakeAndExpectFenced(Freeze f, Replica newLeader) {
            Replica r = f.replica;
            await().atMost(Duration.ofSeconds(20)).until(() -> reader.findExecution(f.queuedJob.uid())
                    .map(Execution::state).orElse(null) == f.queuedJob.state());
            assertThat(r.spy.writesSince(f.storeMark)).as("writes of %s while its engine was blocked", r.id).isEmpty();
            r.unblockEngine();
            // its first write comes after the failure-context reads of a queued failed Job, which fail only after
            // their request timeout (the API connection is still cut): wait for those, plus slack for a busy machine
            await().atMost(REQUEST_TIMEOUT.multipliedBy(CONTEXT_READS).plusSeconds(10))
                    .until(() -> !r.spy.writesSince(f.storeMark).isEmpty());
            // once fenced, the engine stands down: no further write in the next second
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                    .until(() -> r.spy.writesSince(f.storeMark), w -> w.size() == 1);
            List<StoreSpy.Write> writes = r.spy.writesSince(f.storeMark);
            LOG.info("{} woke up; its writes: {}", r.id, StoreSpy.describe(writes));
            assertThat(writes).as("%s's writes after waking up", r.id).hasSize(1);
            assertThat(writes.get(0).failure()).as("%s's first write after waking up (%s)", r.id, writes.get(0))
                    .isInstanceOf(StaleEpochException.class);
            assertThat(r.guardian.isLeader()).as("%s leads after its write was fenced", r.id).isFalse();
            assertThat(newLeader.leads()).isTrue();

            // the network comes back too: it rejoins as a standby and stays one
            r.proxy.thaw();
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
                    .until(() -> !r.guardian.isLeader() && newLeader.leads());
            assertThat(r.spy.writesSince(f.storeMark)).as("%s's writes after waking up", r.id).hasSize(1);
        }

        /**
         * Stops the simulator and waits until the leader has recorded every Job the simulator created: one execution
         * per Job, in the Job's final state, nothing more.
         */
        void stopSimulationAndCheckEveryJobRecordedOnce() {
            simulator.close();
            List<SimulatedRun> runs = simulator.runs();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> mismatches(runs, allExecutions()).isEmpty());
            List<Execution> all = allExecutions();
            long finished = runs.stream().filter(SimulatedRun::finished).count();
            LOG.info("simulator created {} Jobs ({} finished); the store has {} executions", runs.size(), finished,
                    all.size());
            assertThat(finished).as("finished Jobs in the simulation").isGreaterThanOrEqualTo(30);
            assertThat(all).hasSize(runs.size());
            assertThat(all.stream().map(Execution::jobUid).distinct().count()).as("distinct Job UIDs")
                    .isEqualTo(all.size());
            assertThat(reader.executionCount()).isEqualTo(runs.size());
            assertThat(mismatches(runs, all)).isEmpty();
        }

        private List<Execution> allExecutions() {
            List<Execution> out = new ArrayList<>();
            int offset = 0;
            while (true) {
                List<Execution> page = reader.executions(ExecutionQuery.all().page(offset, 1000)).items();
                out.addAll(page);
                if (page.size() < 1000) {
                    return out;
                }
                offset += page.size();
            }
        }

        /** Differences between what the simulator did and what the store holds (empty when they agree). */
        private List<String> mismatches(List<SimulatedRun> runs, List<Execution> stored) {
            Map<String, List<Execution>> byName = stored.stream()
                    .collect(Collectors.groupingBy(e -> e.job().namespace() + "/" + e.job().name()));
            List<String> out = new ArrayList<>();
            for (SimulatedRun run : runs) {
                List<Execution> es = byName.remove(run.namespace() + "/" + run.jobName());
                if (es == null) {
                    out.add(run.jobName() + " not recorded");
                } else if (es.size() > 1) {
                    out.add(run.jobName() + " recorded " + es.size() + " times");
                } else if (run.finished()) {
                    JobState want = run.outcome() == SimulatedRun.Outcome.SUCCEEDED ? JobState.SUCCEEDED
                            : JobState.FAILED;
                    if (es.get(0).state() != want) {
                        out.add(run.jobName() + " recorded " + es.get(0).state() + ", finished " + want);
                    } else if (es.get(0).job().attempts() != run.attempts()) {
                        out.add(run.jobName() + " recorded with " + es.get(0).job().attempts() + " attempts, had "
                                + run.attempts());
                    }
                }
            }
            byName.keySet().forEach(k -> out.add(k + " recorded but never created"));
            return out;
        }

        void checkSampler() {
            assertThat(sampler.samples()).isGreaterThan(100);
            assertThat(sampler.violations()).as("isLeader() of two replicas at once").isEmpty();
            assertThat(gaugeSampler.violations()).as("leader_status gauge of two replicas at once").isEmpty();
            assertThat(leader()).as("one leader at the end").isPresent();
            // the first election is not a failover (and a cold JVM makes it slow): gaps after the first leader
            List<LeaderSampler.Gap> gaps = sampler.gapsSince(firstLeaderNanos);
            LOG.info("leaderless stretches after the first election (ms): {}",
                    gaps.stream().map(g -> g.length().toMillis()).toList());
            // every stretch without a leader (the handovers) was shorter than the frozen bound plus the sampling
            assertThat(gaps).allSatisfy(g -> assertThat(g.length())
                    .isLessThanOrEqualTo(FROZEN_BOUND.plus(LeaderSampler.PERIOD.multipliedBy(2))));
        }

        @Override
        public void close() {
            sampler.close();
            gaugeSampler.close();
            simulator.close();
            for (Replica r : replicas.values()) {
                if (r.blocked != null) {
                    r.blocked.countDown();
                }
                try {
                    r.guardian.close();
                } catch (RuntimeException e) {
                    LOG.warn("closing {}: {}", r.id, e.toString());
                }
                r.closed = true;
                r.proxy.close();
            }
            reader.close();
            api.close();
        }
    }
}
