package io.cronjobguardian.leader.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.testkit.TcpProxy;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures failover times for the README: graceful (the leader's {@code close()} releases the Lease) and crash (the
 * leader stops renewing without releasing: its API-server connection is black-holed), with the default timings
 * 15s/10s/2s, the seed's "aggressive" 10s/8s/1s and 4s/3s/500ms. The profiles run concurrently (they are mostly
 * waiting), so this takes about as long as one default crash failover (about 20 s). The table is logged and written to
 * {@code target/failover-timings.md}; the assertions are the documented bounds.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class FailoverTimingsTest {

    private static final Logger LOG = LoggerFactory.getLogger(FailoverTimingsTest.class);

    KubernetesMockServer server;

    record Sample(String profile, String kind, long failoverMs, long stepDownMs) {
    }

    @Test
    void measureFailoverTimes() throws IOException {
        List<CompletableFuture<List<Sample>>> runs = List.of(
                CompletableFuture.supplyAsync(() -> measure("15s/10s/2s (default)", Duration.ofSeconds(15),
                        Duration.ofSeconds(10), Duration.ofSeconds(2), 1)),
                CompletableFuture.supplyAsync(() -> measure("10s/8s/1s (seed aggressive)", Duration.ofSeconds(10),
                        Duration.ofSeconds(8), Duration.ofSeconds(1), 1)),
                CompletableFuture.supplyAsync(() -> measure("4s/3s/500ms", Duration.ofSeconds(4),
                        Duration.ofSeconds(3), Duration.ofMillis(500), 3)));
        List<Sample> samples = runs.stream().flatMap(f -> f.join().stream()).collect(Collectors.toList());

        StringBuilder table = new StringBuilder("| timings (lease/renew/retry) | failover | measured | leader stepped down |\n"
                + "|---|---|---|---|\n");
        for (Sample s : samples) {
            table.append("| ").append(s.profile()).append(" | ").append(s.kind()).append(" | ")
                    .append(String.format("%.2f s", s.failoverMs() / 1000.0)).append(" | ")
                    .append(s.stepDownMs() < 0 ? "at close()" : String.format("after %.2f s", s.stepDownMs() / 1000.0))
                    .append(" |\n");
        }
        LOG.info("failover timings:\n{}", table);
        Path out = Path.of("target", "failover-timings.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table.toString());
    }

    private List<Sample> measure(String profile, Duration lease, Duration renew, Duration retry, int rounds) {
        List<Sample> samples = new ArrayList<>();
        Duration maxPoll = KubernetesLeaderElectionConfig.maxJitteredRetry(retry);
        try (Cluster c = new Cluster(server, "timings", lease, renew, retry)) {
            int n = 0;
            for (int i = 0; i < 3; i++) {
                c.start(c.proxiedCandidate("pod-" + n++));
            }
            for (int round = 0; round < rounds; round++) {
                KubernetesLeaderElector leader = await().atMost(lease.plus(maxPoll).plusSeconds(2))
                        .until(c::leader, Optional::isPresent).get();

                // graceful: close() releases the Lease
                long t0 = System.nanoTime();
                leader.close();
                KubernetesLeaderElector next = await().atMost(maxPoll.plusSeconds(1)).pollInterval(Duration.ofMillis(5))
                        .until(c::leader, Optional::isPresent).get();
                samples.add(new Sample(profile, "graceful (close)", ms(t0), -1));
                c.start(c.proxiedCandidate("pod-" + n++)); // keep 3 candidates

                // crash: the leader can no longer reach the API server and does not release
                long t1 = System.nanoTime();
                c.proxies.get(next.identity()).cut(TcpProxy.Mode.BLACKHOLE);
                await().atMost(renew.plusSeconds(1)).pollInterval(Duration.ofMillis(5)).until(() -> !next.isLeader());
                long stepDown = ms(t1);
                KubernetesLeaderElector third = await().atMost(lease.plus(maxPoll).plusSeconds(1))
                        .pollInterval(Duration.ofMillis(5)).until(c::leader, Optional::isPresent).get();
                samples.add(new Sample(profile, "crash (no renewal, no release)", ms(t1), stepDown));
                assertThat(third).isNotSameAs(next);
                assertThat(stepDown).as("the frozen leader steps down before its Lease expires")
                        .isLessThan(lease.toMillis());
                c.proxies.get(next.identity()).restore();
            }
            assertThat(c.violations()).as(profile).isEmpty();
        }
        return samples;
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
