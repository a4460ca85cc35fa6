package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.CronJobWatcherProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Provider {@code kubernetes} ({@code watcher.type=kubernetes}): creates a {@link KubernetesCronJobWatcher} on the
 * host's {@link KubernetesClient} when the {@link ProviderContext} holds one, else on a client it builds (and
 * closes) itself from {@code watcher.kubeconfig}/{@code watcher.context} or fabric8's auto-configuration.
 * {@link #create} validates the settings and connects nowhere.
 */
public final class KubernetesCronJobWatcherProvider implements CronJobWatcherProvider {

    /** The provider name. */
    public static final String NAME = "kubernetes";

    /** For {@link java.util.ServiceLoader}. */
    public KubernetesCronJobWatcherProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public CronJobWatcher create(Settings settings, ProviderContext context) {
        KubernetesWatcherConfig config = KubernetesWatcherConfig.from(settings);
        KubernetesClient client = context.lookup(KubernetesClient.class).orElse(null);
        return new KubernetesCronJobWatcher(config, client, context.clock());
    }
}
