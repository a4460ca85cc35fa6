package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.LeaderElectorContract;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The conformance suite on the fabric8 mock API server (CRUD mode), aggressive timings 2s / 1.5s / 250ms, one client
 * per candidate, a fresh Lease per test.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaderElectorContractTest extends LeaderElectorContract {

    private static final AtomicInteger TESTS = new AtomicInteger();

    KubernetesMockServer server;
    private final String leaseName = "contract-" + TESTS.incrementAndGet();

    @Override
    protected LeaderElector createCandidate(String identity) {
        KubernetesLeaderElectionConfig config = KubernetesLeaderElectionConfig.from(Settings.of(
                "leaderElection.namespace", "contract",
                "leaderElection.leaseName", leaseName,
                "leaderElection.identity", identity,
                "leaderElection.leaseDuration", "2s",
                "leaderElection.renewDeadline", "1500ms",
                "leaderElection.retryPeriod", "250ms",
                // polling only: see Cluster.watchLease (the mock server stalls when a watch closes mid-send)
                "leaderElection.watchLease", "false"));
        return new KubernetesLeaderElector(config, server::createClient, true);
    }

    /** A released Lease is taken at the standby's next attempt: retryPeriod x (1 .. 2.2) plus a margin. */
    @Override
    protected Duration handoverTimeout() {
        return Duration.ofSeconds(3);
    }

    /** A relinquished term is followed by the next after leaseDuration × (1 .. 1.2), which acquires at once. */
    @Override
    protected Duration recontendTimeout() {
        return Duration.ofSeconds(4);
    }

    @Override
    protected Duration electionTimeout() {
        return Duration.ofSeconds(5);
    }
}
