package io.cronjobguardian.leader.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeaderElectorProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true, https = false)
class KubernetesLeaderElectorProviderTest {

    KubernetesMockServer server;
    KubernetesClient client;

    @Test
    void isFoundThroughServiceLoaderUnderItsName() {
        LeaderElectorProvider p = Providers.select(LeaderElectorProvider.class,
                Settings.of(LeaderElectorProvider.TYPE_KEY, "kubernetes"), LeaderElectorProvider.TYPE_KEY,
                LeaderElectorProvider.ARTIFACTS);
        assertThat(p).isInstanceOf(KubernetesLeaderElectorProvider.class);
        assertThat(p.name()).isEqualTo("kubernetes");
    }

    @Test
    void createValidatesButDoesNotConnect() {
        int before = server.getRequestCount();
        LeaderElector e = new KubernetesLeaderElectorProvider().create(
                Settings.of("leaderElection.namespace", "ns1", "leaderElection.identity", "pod-x"),
                ProviderContext.builder().service(KubernetesClient.class, client).build());
        assertThat(e.identity()).isEqualTo("pod-x");
        assertThat(e.isLeader()).isFalse();
        assertThat(server.getRequestCount()).isEqualTo(before);
        e.close();
        assertThat(server.getRequestCount()).isEqualTo(before);

        // no host client: nothing is built until start
        LeaderElector own = new KubernetesLeaderElectorProvider().create(Settings.empty(), ProviderContext.defaults());
        own.close();

        assertThatThrownBy(() -> new KubernetesLeaderElectorProvider().create(
                Settings.of("leaderElection.retryPeriod", "9s"), ProviderContext.defaults()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("leaderElection.retryPeriod: ");
    }

    @Test
    void usesTheHostsClientAndDoesNotCloseIt() {
        LeaderElector e = new KubernetesLeaderElectorProvider().create(Settings.of(
                "leaderElection.namespace", "ns1", "leaderElection.identity", "pod-x",
                "leaderElection.leaseDuration", "2s", "leaderElection.renewDeadline", "1500ms",
                "leaderElection.retryPeriod", "250ms"),
                ProviderContext.builder().service(KubernetesClient.class, client).build());
        e.start(new RecordingListener());
        await().atMost(Duration.ofSeconds(5)).until(e::isLeader);
        assertThat(e.currentLeader()).hasValue("pod-x");
        e.close();
        assertThat(e.isLeader()).isFalse();
        // the host's client still works
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("still-open").endMetadata()
                .build()).create();
        assertThat(client.namespaces().withName("still-open").get()).isNotNull();
    }

    @Test
    void closesTheClientItBuilt() {
        KubernetesClient own = server.createClient();
        KubernetesLeaderElector e = new KubernetesLeaderElector(KubernetesLeaderElectionConfig.from(Settings.of(
                "leaderElection.namespace", "ns1", "leaderElection.leaseName", "owned",
                "leaderElection.identity", "pod-o", "leaderElection.leaseDuration", "2s",
                "leaderElection.renewDeadline", "1500ms", "leaderElection.retryPeriod", "250ms")), () -> own, true);
        e.start(new RecordingListener());
        await().atMost(Duration.ofSeconds(5)).until(e::isLeader);
        e.close();
        assertThat(own.getHttpClient().isClosed()).isTrue();
    }
}
