package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Settings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubernetesWatcherConfigTest {

    private static KubernetesWatcherConfig of(String... kv) {
        return KubernetesWatcherConfig.from(Settings.of(kv));
    }

    @Test
    void defaults() {
        KubernetesWatcherConfig c = KubernetesWatcherConfig.defaults();
        assertThat(c.namespaces()).isEmpty();
        assertThat(c.namespaceSelector()).isNull();
        assertThat(c.ignoredNamespaces()).isEmpty();
        assertThat(c.watchNamespaces()).isFalse();
        assertThat(c.resyncPeriod()).isZero();
        assertThat(c.kubeconfig()).isNull();
        assertThat(c.context()).isNull();
        assertThat(c.failureContext()).isTrue();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.listPageSize()).isEqualTo(500);
        assertThat(c.slimItemStore()).isTrue();
    }

    @Test
    void readsEveryKeyLoosely(@TempDir Path dir) throws IOException {
        Path kubeconfig = Files.writeString(dir.resolve("config"), "apiVersion: v1\nkind: Config\n");
        KubernetesWatcherConfig c = of("watcher.namespaces", " ns1, ns2 ,,ns3", "watcher.ignored-namespaces", "ns3",
                "watcher.resync_period", "10m", "watcher.kubeconfig", kubeconfig.toString(), "watcher.context", "prod",
                "watcher.failureContext", "off", "watcher.requestTimeout", "5s", "watcher.watchNamespaces", "yes",
                "watcher.list-page-size", "0");
        assertThat(c.namespaces()).containsExactly("ns1", "ns2");
        assertThat(c.ignoredNamespaces()).containsExactly("ns3");
        assertThat(c.resyncPeriod()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.kubeconfig()).isEqualTo(kubeconfig);
        assertThat(c.context()).isEqualTo("prod");
        assertThat(c.failureContext()).isFalse();
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.watchNamespaces()).isTrue();
        assertThat(c.listPageSize()).isZero();
        assertThat(c.toString()).contains("ns1").doesNotContain("token");
    }

    @Test
    void selectorImpliesWatchingNamespaces() {
        KubernetesWatcherConfig c = of("watcher.namespaceSelector", "team in (a,b),!legacy");
        assertThat(c.namespaceSelector()).isEqualTo("team in (a,b),!legacy");
        assertThat(c.watchNamespaces()).isTrue();
        assertThat(c.parsedNamespaceSelector().matches(java.util.Map.of("team", "a"))).isTrue();
    }

    @Test
    void invalidValuesNameTheKeyAndWhatIsAccepted() {
        assertThatThrownBy(() -> of("watcher.namespaces", "Prod_NS"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("watcher.namespaces:")
                .hasMessageContaining("Prod_NS").hasMessageContaining("DNS labels");
        assertThatThrownBy(() -> of("watcher.namespaces", "a", "watcher.namespaceSelector", "team=x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> of("watcher.namespaceSelector", "team in (a"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("watcher.namespaceSelector:")
                .hasMessageContaining("accepted");
        assertThatThrownBy(() -> of("watcher.namespaces", "a", "watcher.ignoredNamespaces", "a"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("nothing would be watched");
        assertThatThrownBy(() -> of("watcher.resyncPeriod", "10s"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("0 (off) or 1m to 1d");
        assertThatThrownBy(() -> of("watcher.resyncPeriod", "2d")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> of("watcher.kubeconfig", "/nonexistent/kubeconfig"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("watcher.kubeconfig:");
        assertThatThrownBy(() -> of("watcher.failureContext", "maybe")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> of("watcher.requestTimeout", "10m")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> of("watcher.listPageSize", "-1")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.listPageSize:");
        assertThatThrownBy(() -> of("watcher.listPageSize", "many")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("watcher.listPageSize:");
    }
}
