package io.cronjobguardian.leader.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.testkit.TcpProxy;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standby watches the Lease and acts on what it sees instead of waiting for its next {@code retryPeriod} attempt:
 * a released Lease is taken at once, a Lease whose holder stopped renewing right after it expires. When the watch
 * fails the standby still polls, and the watch is opened again.
 */
class LeaseWatchTest {
    // Each test closes a leader once while its watch is open; see Cluster.watchLease for why the other tests poll.

    private static final Logger LOG = LoggerFactory.getLogger(LeaseWatchTest.class);

    // the project's mock API server, not fabric8's extension: fabric8's (7.8.0) blocks its only event loop for up to
    // 30 s when a watch closes while an event is being sent to it, and then fails to shut down; this one unregisters
    // closing watches at once and closes them off the event loop
    private MockApiServer api;
    KubernetesMockServer server;
    KubernetesClient client;
    private final List<Cluster> clusters = new ArrayList<>();

    @BeforeEach
    void startServer() {
        api = MockApiServer.start();
        server = api.server();
        client = api.adminClient();
    }

    @AfterEach
    void tearDown() {
        clusters.forEach(Cluster::close);
        api.close();
    }

    private Cluster cluster(String prefix, Duration lease, Duration renew, Duration retry) {
        Cluster c = new Cluster(server, prefix, lease, renew, retry);
        c.watchLease = true;
        clusters.add(c);
        return c;
    }

    private Lease lease(Cluster c) {
        return client.resources(Lease.class).inNamespace(Cluster.NAMESPACE).withName(c.leaseName).get();
    }

    /** The exact request the elector's watch makes (the mock server answers expectations before CRUD). */
    private static String watchPath(Cluster c) {
        return "/apis/coordination.k8s.io/v1/namespaces/" + Cluster.NAMESPACE + "/leases?allowWatchBookmarks=true"
                + "&fieldSelector=metadata.name%3D" + c.leaseName + "&watch=true";
    }

    /** Starts {@code a}, waits until it leads, then starts {@code b} and waits until b's watch delivered the Lease. */
    private static KubernetesLeaderElector[] leaderAndWatchingStandby(Cluster c, Duration atMost) {
        KubernetesLeaderElector a = c.start(c.candidate("pod-a"));
        await().atMost(atMost).until(a::isLeader);
        KubernetesLeaderElector b = c.start(c.candidate("pod-b"));
        // b's first attempt (immediate) finds the Lease held; its watch has delivered the Lease at least once
        await().atMost(atMost).until(() -> b.leaseEvents() > 0
                && b.currentLeader().equals(Optional.of("pod-a")));
        return new KubernetesLeaderElector[] {a, b};
    }

    @Test
    void aStandbyTakesAReleasedLeaseAtOnceNotAtItsNextRetry() {
        // retryPeriod 30 s: by polling the standby would try again 30..66 s after its first attempt
        Cluster c = cluster("watch-release", Duration.ofSeconds(80), Duration.ofSeconds(70), Duration.ofSeconds(30));
        KubernetesLeaderElector[] ab = leaderAndWatchingStandby(c, Duration.ofSeconds(10));
        KubernetesLeaderElector a = ab[0];
        KubernetesLeaderElector b = ab[1];
        long epochA = a.currentEpoch().orElseThrow();

        long t0 = System.nanoTime();
        a.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(b::isLeader);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("released Lease taken by the watching standby {} ms after close()", ms);
        assertThat(ms).as("well under retryPeriod (30 s)").isLessThan(5_000);
        assertThat(b.currentEpoch().orElseThrow()).isGreaterThan(epochA);
        assertThat(b.kicks()).isEqualTo(1);
        assertThat(lease(c).getSpec().getHolderIdentity()).isEqualTo("pod-b");
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void aStandbyTriesRightAfterAnUnrenewedLeaseExpires() {
        // the leader stops renewing (its connection black-holed); polling would try 4..8.8 s apart. A poll may still
        // happen to fall right after the expiry and win before the watch's expiry check fires (then kicks() stays 0
        // and that round proves nothing about the watch): such a round is repeated, at most 3 rounds in all
        long kicks = 0;
        for (int round = 1; round <= 3 && kicks == 0; round++) {
            kicks = standbyTakesOverAnUnrenewedLease("watch-expiry-" + round);
        }
        // the expiry check restarted the standby's term (more than once if a first attempt lost a race under load)
        assertThat(kicks).as("in one of 3 rounds the watch's expiry check, not a poll, started the take-over")
                .isPositive();
    }

    /** One round: the standby leads within 3 s of the unrenewed Lease's expiry; returns its kicks. */
    private long standbyTakesOverAnUnrenewedLease(String name) {
        Cluster c = cluster(name, Duration.ofSeconds(12), Duration.ofSeconds(10), Duration.ofSeconds(4));
        KubernetesLeaderElector a = c.start(c.proxiedCandidate("pod-a"));
        await().atMost(Duration.ofSeconds(10)).until(a::isLeader);
        KubernetesLeaderElector b = c.start(c.candidate("pod-b"));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.leaseEvents() > 0
                && b.currentLeader().equals(Optional.of("pod-a")));
        long epochA = a.currentEpoch().orElseThrow();

        c.proxies.get("pod-a").cut(TcpProxy.Mode.BLACKHOLE);
        await().atMost(c.renewDeadline.plusSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() -> !a.isLeader());
        // the last renewal that reached the server
        Lease last = lease(c);
        Instant expires = last.getSpec().getRenewTime().toInstant()
                .plusSeconds(last.getSpec().getLeaseDurationSeconds());
        await().atMost(c.leaseDuration.plusSeconds(5)).pollInterval(Duration.ofMillis(5)).until(b::isLeader);
        long lateMs = Duration.between(expires, Instant.now()).toMillis();
        LOG.info("{}: standby led {} ms after the unrenewed Lease expired ({} kicks)", name, lateMs, b.kicks());
        assertThat(lateMs).as("led after the expiry, within 3 s of it (polls are 4..8.8 s apart)")
                .isBetween(0L, 3_000L);
        assertThat(b.currentEpoch().orElseThrow()).isGreaterThan(epochA);
        assertThat(c.violations()).isEmpty();
        c.proxies.get("pod-a").restore(); // a clean close of pod-a's watch (see Cluster.watchLease)
        return b.kicks();
    }

    @Test
    void whenTheWatchCannotBeOpenedAStandbyStillTakesOverByPolling() {
        Cluster c = Cluster.aggressive(server, "watch-broken");
        c.watchLease = true;
        clusters.add(c);
        // every watch request on this Lease fails (e.g. RBAC without watch); reads and writes work
        server.expect().get().withPath(watchPath(c)).andReturn(500, "watch unavailable").always();
        KubernetesLeaderElector a = c.start(c.candidate("pod-a"));
        await().atMost(Duration.ofSeconds(5)).until(a::isLeader);
        KubernetesLeaderElector b = c.start(c.candidate("pod-b"));
        await().atMost(Duration.ofSeconds(5)).until(() -> b.watchFailures() >= 2
                && b.currentLeader().equals(Optional.of("pod-a")));

        long t0 = System.nanoTime();
        a.close();
        Duration maxPoll = KubernetesLeaderElectionConfig.maxJitteredRetry(c.retryPeriod);
        await().atMost(maxPoll.plusSeconds(2)).pollInterval(Duration.ofMillis(5)).until(b::isLeader);
        LOG.info("without a watch the standby took the released Lease after {} ms (polls every {}..{} ms)",
                (System.nanoTime() - t0) / 1_000_000, c.retryPeriod.toMillis(), maxPoll.toMillis());
        assertThat(b.leaseEvents()).as("no watch ever delivered").isZero();
        assertThat(b.kicks()).isZero();
        assertThat(c.violations()).isEmpty();
    }

    @Test
    void aWatchThatFailedIsOpenedAgainAndThenActsOnTheRelease() {
        // the first two watch requests fail; the elector opens it again after retryPeriod (2 s)
        Cluster c = cluster("watch-reopen", Duration.ofSeconds(20), Duration.ofSeconds(15), Duration.ofSeconds(2));
        KubernetesLeaderElector a = c.start(c.candidate("pod-a"));
        await().atMost(Duration.ofSeconds(10)).until(() -> a.isLeader() && a.leaseEvents() > 0); // a's watch is open
        server.expect().get().withPath(watchPath(c)).andReturn(500, "watch unavailable").times(2);
        KubernetesLeaderElector b = c.start(c.candidate("pod-b"));
        await().atMost(Duration.ofSeconds(15)).until(() -> b.watchFailures() == 2 && b.leaseEvents() > 0
                && b.currentLeader().equals(Optional.of("pod-a")));

        long t0 = System.nanoTime();
        a.close();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(b::isLeader);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        LOG.info("after {} failed watch openings the standby took the released Lease {} ms after close()",
                b.watchFailures(), ms);
        // polling never kicks; the reopened watch does (more than once when a first attempt lost a race under load)
        assertThat(b.kicks()).as("the reopened watch saw the release").isPositive();
        assertThat(c.violations()).isEmpty();
    }
}
