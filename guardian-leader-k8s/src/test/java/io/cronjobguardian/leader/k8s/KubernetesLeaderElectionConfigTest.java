package io.cronjobguardian.leader.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.Settings;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesLeaderElectionConfigTest {

    private static final Function<String, String> NO_ENV = k -> null;
    private static final Path NO_FILE = Path.of("/nonexistent/namespace");

    private static KubernetesLeaderElectionConfig timings(String lease, String renew, String retry) {
        return KubernetesLeaderElectionConfig.from(Settings.of(
                "leaderElection.leaseDuration", lease,
                "leaderElection.renewDeadline", renew,
                "leaderElection.retryPeriod", retry), NO_ENV, NO_FILE);
    }

    @Test
    void defaults() {
        KubernetesLeaderElectionConfig c = KubernetesLeaderElectionConfig.from(Settings.empty(),
                Map.of("POD_NAME", "guardian-7d9f", "POD_NAMESPACE", "ops")::get, NO_FILE);
        assertThat(c.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(c.leaseName()).isEqualTo("cronjob-guardian-leader");
        assertThat(c.namespace()).isEqualTo("ops");
        assertThat(c.identity()).matches("guardian-7d9f-[a-z0-9]{5}");
        assertThat(c.watchLease()).isTrue();
        assertThat(KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.watchLease", "false"), NO_ENV,
                NO_FILE).watchLease()).isFalse();
    }

    @ParameterizedTest(name = "{0}/{1}/{2} -> {3}")
    @CsvSource({
            // lease, renew, retry, offending key
            "15s, 15s, 2s, leaderElection.renewDeadline",
            "10s, 12s, 2s, leaderElection.renewDeadline",
            "15s, 10s, 5s, leaderElection.retryPeriod",
            "15s, 4400ms, 2s, leaderElection.retryPeriod", // fabric8: renewDeadline must exceed 2s + ceil(2.4s)
            "2s, 1500ms, 700ms, leaderElection.retryPeriod",
            "1500ms, 1s, 250ms, leaderElection.leaseDuration", // Lease.spec.leaseDurationSeconds is an integer
            "0s, 1s, 250ms, leaderElection.leaseDuration",
            "15s, 0s, 2s, leaderElection.renewDeadline",
            "15s, 10s, 0s, leaderElection.retryPeriod",
            "fifteen, 10s, 2s, leaderElection.leaseDuration",
    })
    void invalidTimingsAreRejectedNamingTheKey(String lease, String renew, String retry, String key) {
        Throwable t = catchThrowable(() -> timings(lease, renew, retry));
        assertThat(t).isInstanceOf(ConfigException.class).hasMessageStartingWith(key + ": ");
        assertThat(((ConfigException) t).key()).isEqualTo(key);
    }

    @Test
    void theMessageStatesTheRule() {
        assertThatThrownBy(() -> timings("15s", "15s", "2s"))
                .hasMessageContaining("leaderElection.leaseDuration > leaderElection.renewDeadline > "
                        + "leaderElection.retryPeriod + ceil(1.2 x leaderElection.retryPeriod)");
        assertThatThrownBy(() -> timings("15s", "4s", "2s"))
                .hasMessageContaining("leaderElection.retryPeriod: 2s is too long for leaderElection.renewDeadline (4s)")
                .hasMessageContaining("up to 4s400ms");
    }

    @Test
    void validTimingsFromTheSeedAndTheTests() {
        assertThat(timings("15s", "10s", "2s").renewDeadline()).isEqualTo(Duration.ofSeconds(10));
        assertThat(timings("10s", "8s", "1s").leaseDuration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(timings("4s", "3s", "500ms").retryPeriod()).isEqualTo(Duration.ofMillis(500));
        assertThat(timings("2s", "1500ms", "250ms").requestTimeout()).isEqualTo(Duration.ofMillis(375));
        assertThat(timings("PT15S", "PT10S", "PT2S").leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    }

    /** We accept exactly what fabric8's LeaderElectorBuilder accepts (for whole-second lease durations). */
    @Test
    void validationMatchesFabric8sBuilder() {
        int checked = 0;
        for (long lease : new long[] {1, 2, 3, 15}) {
            for (long renew = 1; renew <= lease * 1000 + 500; renew += 97) {
                for (long retry = 1; retry <= renew; retry += 61) {
                    String l = lease + "s";
                    String rn = renew + "ms";
                    String rt = retry + "ms";
                    boolean ours = catchThrowable(() -> timings(l, rn, rt)) == null;
                    boolean theirs = fabric8Accepts(Duration.ofSeconds(lease), Duration.ofMillis(renew),
                            Duration.ofMillis(retry));
                    assertThat(ours).as("%ds/%dms/%dms", lease, renew, retry).isEqualTo(theirs);
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static boolean fabric8Accepts(Duration lease, Duration renew, Duration retry) {
        try {
            new LeaderElectorBuilder(null, Runnable::run).withConfig(new LeaderElectionConfigBuilder()
                    .withName("x").withLock(new LeaseLock("ns", "x", "id"))
                    .withLeaseDuration(lease).withRenewDeadline(renew).withRetryPeriod(retry)
                    .withLeaderCallbacks(new LeaderCallbacks(() -> { }, () -> { }, id -> { })).build());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void namespaceComesFromConfigThenEnvThenServiceAccountFileThenDefault(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("namespace");
        Files.writeString(file, "from-file\n");
        Function<String, String> env = Map.of("POD_NAMESPACE", "from-env")::get;
        assertThat(KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.namespace", "from-config"), env,
                file).namespace()).isEqualTo("from-config");
        assertThat(KubernetesLeaderElectionConfig.from(Settings.empty(), env, file).namespace()).isEqualTo("from-env");
        assertThat(KubernetesLeaderElectionConfig.from(Settings.empty(), NO_ENV, file).namespace())
                .isEqualTo("from-file");
        assertThat(KubernetesLeaderElectionConfig.from(Settings.empty(), NO_ENV, NO_FILE).namespace())
                .isEqualTo("default");
    }

    @Test
    void identityIsPodNameThenHostnameWithARandomSuffixOrTheConfiguredValueAsIs() {
        KubernetesLeaderElectionConfig a = KubernetesLeaderElectionConfig.from(Settings.empty(),
                Map.of("POD_NAME", "pod-1", "HOSTNAME", "host-1")::get, NO_FILE);
        KubernetesLeaderElectionConfig b = KubernetesLeaderElectionConfig.from(Settings.empty(),
                Map.of("POD_NAME", "pod-1", "HOSTNAME", "host-1")::get, NO_FILE);
        assertThat(a.identity()).startsWith("pod-1-").isNotEqualTo(b.identity());
        assertThat(KubernetesLeaderElectionConfig.from(Settings.empty(), Map.of("HOSTNAME", "host-1")::get, NO_FILE)
                .identity()).startsWith("host-1-");
        assertThat(KubernetesLeaderElectionConfig.from(Settings.empty(), NO_ENV, NO_FILE).identity()).isNotBlank();
        assertThat(KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.identity", "replica-0"),
                Map.of("POD_NAME", "pod-1")::get, NO_FILE).identity()).isEqualTo("replica-0");
    }

    @Test
    void invalidNamesAreRejected() {
        assertThatThrownBy(() -> KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.leaseName",
                "Not_A_Name"), NO_ENV, NO_FILE)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("leaderElection.leaseName: ");
        assertThatThrownBy(() -> KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.namespace",
                "a.b"), NO_ENV, NO_FILE)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("leaderElection.namespace: ");
        assertThat(KubernetesLeaderElectionConfig.from(Settings.of("leader-election.lease-name", "my.lease-1"),
                NO_ENV, NO_FILE).leaseName()).isEqualTo("my.lease-1");
    }

    @Test
    void requestTimeoutIsBoundedByRenewDeadline() {
        assertThatThrownBy(() -> KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.requestTimeout",
                "11s"), NO_ENV, NO_FILE)).hasMessageStartingWith("leaderElection.requestTimeout: ");
        assertThat(KubernetesLeaderElectionConfig.from(Settings.of("leaderElection.requestTimeout", "1s"), NO_ENV,
                NO_FILE).requestTimeout()).isEqualTo(Duration.ofSeconds(1));
    }
}
