package io.cronjobguardian.leader.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.testkit.TcpProxy;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaderElectorTest {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaderElectorTest.class);

    KubernetesMockServer server;
    KubernetesClient client;
    private final List<Cluster> clusters = new ArrayList<>();

    private Cluster cluster(String prefix) {
        Cluster c = Cluster.aggressive(server, prefix);
        clusters.add(c);
        return c;
    }

    @AfterEach
    void tearDown() {
        clusters.forEach(Cluster::close);
    }

    private Lease lease(Cluster c) {
        return client.resources(Lease.class).inNamespace(Cluster.NAMESPACE).withName(c.leaseName).get();
    }

    @Test
    void gracefulStopHandsOverWithinAboutOneRetryPeriod() {
        Cluster c = cluster("graceful");
        for (String id : List.of("pod-a", "pod-b", "pod-c")) {
            c.start(c.candidate(id));
        }
        KubernetesLeaderElector first = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent).get();
        long firstEpoch = first.currentEpoch().orElseThrow();
        // every candidate sees the leader
        await().atMost(Duration.ofSeconds(3)).until(() -> c.electors.values().stream()
                .allMatch(e -> e.currentLeader().equals(Optional.of(first.identity()))));

        long t0 = System.nanoTime();
        first.close();
        assertThat(first.isLeader()).isFalse();
        // released: the holder is cleared, or already a standby that took the released Lease (one retrying right
        // then may win before this read)
        assertThat(lease(c).getSpec().getHolderIdentity()).as("released: no longer held by the closed leader")
                .isNotEqualTo(first.identity());
        // a standby polls every retryPeriod..2.2 x retryPeriod (fabric8's jitter)
        KubernetesLeaderElector second = await().atMost(c.retryPeriod.multipliedBy(3).plusMillis(500))
                .pollInterval(Duration.ofMillis(10)).until(c::leader, Optional::isPresent).get();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("graceful handover {} -> {} in {} ms", first.identity(), second.identity(), ms);
        assertThat(second).isNotSameAs(first);
        assertThat(second.currentEpoch().orElseThrow()).isGreaterThan(firstEpoch);
        assertThat(c.listeners.get(first.identity()).lastTransition()).isEqualTo("stopped");
        assertThat(c.violations()).isEmpty();
        assertThat(c.samples.get()).isPositive();
    }

    @Test
    void frozenLeaderIsReplacedWithinLeaseDurationAfterItSteppedDown() {
        Cluster c = cluster("frozen");
        for (String id : List.of("pod-a", "pod-b", "pod-c")) {
            c.start(c.proxiedCandidate(id));
        }
        KubernetesLeaderElector frozen = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent)
                .get();
        long frozenEpoch = frozen.currentEpoch().orElseThrow();

        long t0 = System.nanoTime();
        c.proxies.get(frozen.identity()).cut(TcpProxy.Mode.BLACKHOLE); // requests hang, nothing is released
        await().atMost(c.renewDeadline.plusMillis(300)).pollInterval(Duration.ofMillis(10))
                .until(() -> !frozen.isLeader());
        long stepDownMs = (System.nanoTime() - t0) / 1_000_000;
        // nobody may lead before the frozen leader's Lease expires for the others
        assertThat(c.leaders()).isEmpty();
        KubernetesLeaderElector next = await().atMost(c.leaseDuration.plus(c.retryPeriod.multipliedBy(3)))
                .pollInterval(Duration.ofMillis(10)).until(c::leader, Optional::isPresent).get();
        long failoverMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("frozen leader {} stepped down after {} ms; {} leads after {} ms", frozen.identity(), stepDownMs,
                next.identity(), failoverMs);
        assertThat(stepDownMs).isLessThan(c.leaseDuration.toMillis());
        assertThat(next).isNotSameAs(frozen);
        assertThat(next.currentEpoch().orElseThrow()).isGreaterThan(frozenEpoch);
        assertThat(c.listeners.get(frozen.identity()).lastTransition()).isEqualTo("stopped");

        // back online: the old leader contends again, sees the new leader and stays a standby
        c.proxies.get(frozen.identity()).restore();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> frozen.currentLeader().equals(Optional.of(next.identity())));
        assertThat(frozen.isLeader()).isFalse();
        assertThat(c.violations()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = TcpProxy.Mode.class, names = {"BLACKHOLE", "REFUSE"})
    void apiServerLostLongerThanRenewDeadlineStepsDownThenContendsAgain(TcpProxy.Mode outage) {
        Cluster c = cluster("outage-" + outage.name().toLowerCase(java.util.Locale.ROOT));
        KubernetesLeaderElector e = c.start(c.proxiedCandidate("pod-a"));
        RecordingListener l = c.listeners.get("pod-a");
        await().atMost(Duration.ofSeconds(5)).until(e::isLeader);
        long epoch1 = e.currentEpoch().orElseThrow();

        long t0 = System.nanoTime();
        c.proxies.get("pod-a").cut(outage);
        await().atMost(c.renewDeadline.plusMillis(300)).pollInterval(Duration.ofMillis(10))
                .until(() -> l.stops() == 1);
        long stepDownMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("{}: stepped down {} ms after the API server became unreachable", outage, stepDownMs);
        assertThat(stepDownMs).isLessThan(c.leaseDuration.toMillis());
        assertThat(e.isLeader()).isFalse();
        assertThat(e.currentEpoch()).isEmpty();

        // still down a while longer: keeps trying, does not lead
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(1)).until(() -> !e.isLeader());

        c.proxies.get("pod-a").restore();
        await().atMost(c.leaseDuration.plusSeconds(3)).until(e::isLeader);
        long epoch2 = e.currentEpoch().orElseThrow();
        // the Lease still named pod-a: re-acquiring it must still start a new epoch
        assertThat(epoch2).isGreaterThan(epoch1);
        assertThat(lease(c).getSpec().getLeaseTransitions()).isEqualTo((int) epoch2);
        assertThat(l.epochs()).containsExactly(epoch1, epoch2);
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void restartWithTheSameIdentityWhileTheLeaseStillNamesItGetsAHigherEpoch() {
        Cluster c = cluster("restart");
        KubernetesLeaderElector before = c.start(c.proxiedCandidate("pod-a"));
        await().atMost(Duration.ofSeconds(5)).until(before::isLeader);
        long epoch1 = before.currentEpoch().orElseThrow();
        // crash: the release on close cannot reach the API server, the Lease keeps naming pod-a
        c.proxies.get("pod-a").cut(TcpProxy.Mode.REFUSE);
        before.close();
        assertThat(lease(c).getSpec().getHolderIdentity()).isEqualTo("pod-a");

        KubernetesLeaderElector after = c.start(c.candidate("pod-a"));
        await().atMost(Duration.ofSeconds(3)).until(after::isLeader);
        assertThat(after.currentEpoch().orElseThrow()).isGreaterThan(epoch1);
        assertThat(lease(c).getSpec().getLeaseTransitions()).isEqualTo((int) after.currentEpoch().orElseThrow());
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void epochsStrictlyIncreaseAcrossManyHandovers() {
        Cluster c = cluster("epochs");
        c.start(c.candidate("pod-a"));
        c.start(c.candidate("pod-b"));
        List<Long> epochs = new ArrayList<>();
        List<String> holders = new ArrayList<>();
        for (int round = 0; round < 6; round++) {
            KubernetesLeaderElector leader = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent)
                    .get();
            epochs.add(leader.currentEpoch().orElseThrow());
            holders.add(leader.identity());
            leader.close();
            c.start(c.candidate(leader.identity())); // the same pod comes back
        }
        LOG.info("epochs {} held by {}", epochs, holders);
        for (int i = 1; i < epochs.size(); i++) {
            assertThat(epochs.get(i)).isGreaterThan(epochs.get(i - 1));
        }
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void leaseTakenOverBehindTheLeadersBackMakesItStepDownAndTheGroupRecovers() {
        Cluster c = cluster("takeover");
        c.start(c.candidate("pod-a"));
        c.start(c.candidate("pod-b"));
        KubernetesLeaderElector leader = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent)
                .get();
        long epoch = leader.currentEpoch().orElseThrow();

        // someone else writes the Lease (a PUT with the current resourceVersion): the leader's next renewal
        // finds a foreign holder, or gets 409 if it read before our write
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(1)).ignoreExceptionsMatching(
                e -> e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 409)
                .until(() -> {
                    Lease current = lease(c);
                    current.getSpec().setHolderIdentity("intruder");
                    current.getSpec().setLeaseTransitions(current.getSpec().getLeaseTransitions() + 1);
                    current.getSpec().setRenewTime(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC));
                    current.getSpec().setLeaseDurationSeconds(2);
                    client.resource(current).update(); // 409 if a renewal came in between: read and try again
                    return true;
                });

        await().atMost(c.retryPeriod.multipliedBy(4)).pollInterval(Duration.ofMillis(10))
                .until(() -> c.leaders().isEmpty());
        await().atMost(Duration.ofSeconds(2)).until(() -> c.electors.values().stream()
                .allMatch(e -> e.currentLeader().equals(Optional.of("intruder"))));
        // the intruder never renews: after its lease expires one of the candidates leads again, with a newer epoch
        KubernetesLeaderElector again = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent)
                .get();
        assertThat(again.currentEpoch().orElseThrow()).isGreaterThan(epoch + 1);
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void concurrentWritesToTheLeaseCause409sThatAreHandled() throws Exception {
        Cluster c = cluster("conflicts");
        c.start(c.candidate("pod-a"));
        c.start(c.candidate("pod-b"));
        await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent);

        // bump the resourceVersion (an annotation) as fast as possible for 3 s: many renewals read a version that
        // is stale by the time they write, and get 409
        long until = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        int writes = 0;
        while (System.nanoTime() < until) {
            Lease l = lease(c);
            l.getMetadata().setAnnotations(java.util.Map.of("test/bump", Integer.toString(writes)));
            try {
                client.resource(l).update();
                writes++;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                assertThat(e.getCode()).isEqualTo(409); // we raced a renewal
            }
        }
        LOG.info("{} concurrent writes to the Lease", writes);
        assertThat(writes).isPositive();
        KubernetesLeaderElector leader = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent)
                .get();
        assertThat(lease(c).getSpec().getHolderIdentity()).isEqualTo(leader.identity());
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void aListenerThatThrowsDoesNotBreakTheElector() {
        Cluster c = cluster("throwing");
        KubernetesLeaderElector a = c.candidate("pod-a");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        a.start(new io.cronjobguardian.api.LeadershipListener() {
            @Override
            public void onStartedLeading(long epoch) {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            }

            @Override
            public void onStoppedLeading() {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            }

            @Override
            public void onNewLeader(String identity) {
                throw new IllegalStateException("boom");
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
        KubernetesLeaderElector b = c.start(c.candidate("pod-b"));
        a.close();
        assertThat(calls).hasValue(2);
        await().atMost(Duration.ofSeconds(3)).until(b::isLeader);
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void closeFromInsideACallbackDoesNotDeadlock() {
        Cluster c = cluster("self-close");
        KubernetesLeaderElector a = c.candidate("pod-a");
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        RecordingListener recorder = new RecordingListener();
        a.start(new io.cronjobguardian.api.LeadershipListener() {
            @Override
            public void onStartedLeading(long epoch) {
                recorder.onStartedLeading(epoch);
                a.close(); // e.g. the engine shuts down when it cannot start its leader work
                closed.countDown();
            }

            @Override
            public void onStoppedLeading() {
                recorder.onStoppedLeading();
            }

            @Override
            public void onNewLeader(String identity) {
                recorder.onNewLeader(identity);
            }
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> closed.getCount() == 0);
        await().atMost(Duration.ofSeconds(1)).until(() -> recorder.stops() == 1);
        assertThat(a.isLeader()).isFalse();
        // closed from the elector's own thread, the release is written once the callback has returned: wait for it
        await().atMost(Duration.ofSeconds(5)).until(() -> lease(c).getSpec().getHolderIdentity() == null);
        assertThat(recorder.violations).isEmpty();
    }

    @Test
    void relinquishReleasesTheLeaseAtOnceAndALoneReplicaLeadsAgainOnlyAfterLeaseDuration() {
        Cluster c = cluster("relinquish-alone");
        KubernetesLeaderElector a = c.start(c.candidate("pod-a"));
        RecordingListener l = c.listeners.get("pod-a");
        await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
        long epoch1 = a.currentEpoch().orElseThrow();

        long t0 = System.nanoTime();
        assertThat(a.relinquish(epoch1)).isTrue();
        assertThat(a.isLeader()).as("stops leading at once").isFalse();
        assertThat(a.relinquish(epoch1)).as("that term is over").isFalse();
        await().atMost(c.renewDeadline).pollInterval(Duration.ofMillis(10)).until(() -> l.stops() == 1
                && lease(c).getSpec().getHolderIdentity() == null);
        long releasedMs = (System.nanoTime() - t0) / 1_000_000;

        // nobody else contends: it leads again in a new term, after leaseDuration (x 1..1.2) and one acquisition
        await().atMost(c.leaseDuration.multipliedBy(12).dividedBy(10).plus(c.retryPeriod.multipliedBy(3)))
                .pollInterval(Duration.ofMillis(10)).until(a::isLeader);
        long againMs = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("relinquished: Lease released after {} ms, led again after {} ms", releasedMs, againMs);
        assertThat(againMs).as("contends again only after leaseDuration").isGreaterThanOrEqualTo(
                c.leaseDuration.toMillis());
        long epoch2 = a.currentEpoch().orElseThrow();
        assertThat(epoch2).isGreaterThan(epoch1);
        assertThat(lease(c).getSpec().getLeaseTransitions()).isEqualTo((int) epoch2);
        assertThat(l.epochs()).containsExactly(epoch1, epoch2);
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void aRelinquishingLeaderLeavesTheLeaseToAStandbyAndStaysAStandbyWhileItLeads() {
        Cluster c = cluster("relinquish-standby");
        for (String id : List.of("pod-a", "pod-b", "pod-c")) {
            c.start(c.candidate(id));
        }
        KubernetesLeaderElector first = await().atMost(Duration.ofSeconds(5)).until(c::leader, Optional::isPresent)
                .get();
        long firstEpoch = first.currentEpoch().orElseThrow();

        long t0 = System.nanoTime();
        assertThat(first.relinquish(firstEpoch)).isTrue();
        KubernetesLeaderElector second = await().atMost(c.retryPeriod.multipliedBy(3).plusMillis(500))
                .pollInterval(Duration.ofMillis(10)).until(c::leader, Optional::isPresent).get();
        LOG.info("relinquished: {} -> {} in {} ms", first.identity(), second.identity(),
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(second).isNotSameAs(first);
        assertThat(second.currentEpoch().orElseThrow()).isGreaterThan(firstEpoch);

        // the one that relinquished contends again (after leaseDuration) but the standby keeps the Lease
        await().during(c.leaseDuration.multipliedBy(2)).atMost(c.leaseDuration.multipliedBy(3))
                .until(() -> second.isLeader() && !first.isLeader());
        await().atMost(Duration.ofSeconds(2)).until(() -> first.currentLeader().equals(Optional.of(second.identity())));
        assertThat(c.listeners.get(first.identity()).epochs()).containsExactly(firstEpoch);
        assertThat(c.violations()).isEmpty();
    }
}
