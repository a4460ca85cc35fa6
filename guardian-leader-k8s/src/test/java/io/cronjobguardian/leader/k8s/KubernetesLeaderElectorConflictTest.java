package io.cronjobguardian.leader.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.Settings;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scripted API answers (expectations mode): every write of the Lease is answered with 409 Conflict. */
@EnableKubernetesMockClient(https = false)
class KubernetesLeaderElectorConflictTest {

    private static final String PATH = "/apis/coordination.k8s.io/v1/namespaces/ns1/leases/conflict";

    KubernetesMockServer server;
    private KubernetesLeaderElector elector;

    @AfterEach
    void close() {
        if (elector != null) {
            elector.close();
        }
    }

    private static Lease heldBy(String holder, int transitions, String resourceVersion) {
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        return new LeaseBuilder().withNewMetadata().withName("conflict").withNamespace("ns1")
                .withResourceVersion(resourceVersion).endMetadata()
                .withNewSpec().withHolderIdentity(holder).withLeaseDurationSeconds(2).withAcquireTime(now)
                .withRenewTime(now).withLeaseTransitions(transitions).endSpec().build();
    }

    private KubernetesLeaderElector start(RecordingListener listener) {
        elector = new KubernetesLeaderElector(KubernetesLeaderElectionConfig.from(Settings.of(
                "leaderElection.namespace", "ns1", "leaderElection.leaseName", "conflict",
                "leaderElection.identity", "pod-a", "leaderElection.leaseDuration", "2s",
                "leaderElection.renewDeadline", "1500ms", "leaderElection.retryPeriod", "250ms")),
                server::createClient, true);
        elector.start(listener);
        return elector;
    }

    private void putAnswers409Always() {
        server.expect().put().withPath(PATH)
                .andReturn(409, new StatusBuilder().withCode(409).withReason("Conflict").withMessage(
                        "Operation cannot be fulfilled on leases.coordination.k8s.io \"conflict\": the object has "
                                + "been modified").build())
                .always();
    }

    /**
     * A restarted pod whose identity is still the Lease holder must not lead when its write is rejected
     * (fabric8's {@code noDualLeaderOnRestartAfterConflictTest}, here through our epoch-bumping lock).
     */
    @Test
    void restartedHolderWhoseWriteGets409NeverLeads() {
        server.expect().get().withPath(PATH).andReturn(200, heldBy("pod-a", 3, "7")).always();
        putAnswers409Always();
        RecordingListener l = new RecordingListener();
        KubernetesLeaderElector e = start(l);

        await().atMost(Duration.ofSeconds(3)).until(() -> server.getRequestCount() >= 6); // it keeps trying
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofMillis(1500)).until(() -> !e.isLeader());
        assertThat(l.starts()).isZero();
        assertThat(e.currentEpoch()).isEmpty();
        assertThat(l.violations).isEmpty();
    }

    /** The renewals get 409: the leader keeps leading until renewDeadline, then steps down and does not lead again. */
    @Test
    void renewalsAnswered409MakeTheLeaderStepDownAtTheRenewDeadline() {
        server.expect().get().withPath(PATH).andReturn(200, heldBy("someone-else", 3, "7")).once();
        server.expect().get().withPath(PATH).andReturn(200, heldBy("", 3, "8")).once(); // released by someone-else
        server.expect().get().withPath(PATH).andReturn(200, heldBy("pod-a", 4, "9")).always();
        server.expect().put().withPath(PATH).andReturn(200, heldBy("pod-a", 4, "9")).once(); // our acquisition
        putAnswers409Always();
        RecordingListener l = new RecordingListener();
        KubernetesLeaderElector e = start(l);

        await().atMost(Duration.ofSeconds(3)).until(e::isLeader);
        long t0 = System.nanoTime();
        assertThat(e.currentEpoch()).hasValue(4);
        await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(10)).until(() -> !e.isLeader());
        long ledMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ledMs).isLessThanOrEqualTo(1500);
        await().atMost(Duration.ofSeconds(1)).until(() -> l.stops() == 1);
        // every later acquisition attempt is rejected as well
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofMillis(1500)).until(() -> !e.isLeader());
        assertThat(l.epochs()).containsExactly(4L);
        assertThat(l.violations).isEmpty();
    }
}
