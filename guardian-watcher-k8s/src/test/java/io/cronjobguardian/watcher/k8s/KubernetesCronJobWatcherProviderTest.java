package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.CronJobWatcherProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesCronJobWatcherProviderTest {

    @Test
    void foundByServiceLoaderUnderItsName() {
        CronJobWatcherProvider p = Providers.select(CronJobWatcherProvider.class,
                Settings.of("watcher.type", "kubernetes"), CronJobWatcherProvider.TYPE_KEY,
                CronJobWatcherProvider.ARTIFACTS);
        assertThat(p).isInstanceOf(KubernetesCronJobWatcherProvider.class);
        assertThat(p.name()).isEqualTo("kubernetes");
    }

    @Test
    void createNeitherConnectsNorStartsThreads() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        // no host client, no kubeconfig: a client would be auto-configured, but only on start()
        CronJobWatcher w = new KubernetesCronJobWatcherProvider().create(Settings.of(
                "watcher.namespaces", "ns1"), ProviderContext.defaults());
        assertThat(w).isInstanceOf(KubernetesCronJobWatcher.class);
        assertThat(w.hasSynced()).isFalse();
        assertThat(w.cronJobs()).isEmpty();
        Set<String> newThreads = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                .map(Thread::getName).filter(n -> n.contains("guardian") || n.contains("vert.x"))
                .collect(Collectors.toSet());
        assertThat(newThreads).isEmpty();
        w.close();
        assertThatThrownBy(() -> w.start(new io.cronjobguardian.testkit.RecordingWatchListener()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void createValidatesSettings() {
        assertThatThrownBy(() -> new KubernetesCronJobWatcherProvider().create(
                Settings.of("watcher.namespaceSelector", "team in ("), ProviderContext.defaults()))
                .isInstanceOf(ConfigException.class);
    }
}
