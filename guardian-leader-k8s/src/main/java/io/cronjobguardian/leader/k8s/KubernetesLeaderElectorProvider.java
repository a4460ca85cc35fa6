package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeaderElectorProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Optional;

/**
 * Provides {@link KubernetesLeaderElector}s, named {@code kubernetes} ({@code leaderElection.type=kubernetes}).
 *
 * <p>Uses the host's {@link KubernetesClient} from {@link ProviderContext#lookup} when there is one (and never closes
 * it); otherwise the elector builds a client with fabric8's auto-configuration (in-cluster service account or
 * kubeconfig) when it starts, and closes it when it closes. {@link #create} validates the settings and neither
 * connects nor starts threads.
 */
public final class KubernetesLeaderElectorProvider implements LeaderElectorProvider {

    /** The provider name. */
    public static final String NAME = "kubernetes";

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public KubernetesLeaderElectorProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public LeaderElector create(Settings settings, ProviderContext context) {
        KubernetesLeaderElectionConfig config = KubernetesLeaderElectionConfig.from(settings);
        Optional<KubernetesClient> hostClient = context.lookup(KubernetesClient.class);
        if (hostClient.isPresent()) {
            return new KubernetesLeaderElector(config, hostClient.get());
        }
        return new KubernetesLeaderElector(config, () -> new KubernetesClientBuilder().build(), true);
    }
}
