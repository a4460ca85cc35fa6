package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.TcpProxy;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Candidates sharing one Lease on a mock API server, each with its own client (optionally behind a {@link TcpProxy}),
 * and a sampler that checks every 50 ms that at most one of them believes it leads.
 */
final class Cluster implements AutoCloseable {

    static final String NAMESPACE = "test";
    private static final AtomicInteger LEASES = new AtomicInteger();

    final KubernetesMockServer server;
    final String leaseName;
    final Duration leaseDuration;
    final Duration renewDeadline;
    final Duration retryPeriod;
    final Map<String, KubernetesLeaderElector> electors = new LinkedHashMap<>();
    final Map<String, RecordingListener> listeners = new LinkedHashMap<>();
    final Map<String, TcpProxy> proxies = new LinkedHashMap<>();
    /**
     * {@code leaderElection.watchLease} of the candidates; off unless a test is about the watch: the fabric8 mock
     * server (7.8.0) blocks its only event loop for up to 30 s when a watch's WebSocket closes while an event is being
     * sent to it ({@code WatchEventsListener.onClosed} waits for its sender, whose write needs that event loop), which
     * a candidate closing next to a leader renewing every 250 ms triggers often. A real API server does not do that.
     */
    boolean watchLease;
    final List<String> samplerViolations = new CopyOnWriteArrayList<>();
    final AtomicLong samples = new AtomicLong();
    private final List<KubernetesLeaderElector> all = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Thread sampler;
    private volatile boolean closed;

    Cluster(KubernetesMockServer server, String leasePrefix, Duration leaseDuration, Duration renewDeadline,
            Duration retryPeriod) {
        this.server = server;
        this.leaseName = leasePrefix + "-" + LEASES.incrementAndGet();
        this.leaseDuration = leaseDuration;
        this.renewDeadline = renewDeadline;
        this.retryPeriod = retryPeriod;
        this.sampler = new Thread(this::sample, "leader-sampler-" + leaseName);
        this.sampler.setDaemon(true);
        this.sampler.start();
    }

    /** The aggressive test timings: 2s / 1.5s / 250ms. */
    static Cluster aggressive(KubernetesMockServer server, String leasePrefix) {
        return new Cluster(server, leasePrefix, Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(250));
    }

    KubernetesLeaderElectionConfig config(String identity) {
        return KubernetesLeaderElectionConfig.from(Settings.of(
                "leaderElection.namespace", NAMESPACE,
                "leaderElection.leaseName", leaseName,
                "leaderElection.identity", identity,
                "leaderElection.leaseDuration", Settings.format(leaseDuration),
                "leaderElection.renewDeadline", Settings.format(renewDeadline),
                "leaderElection.retryPeriod", Settings.format(retryPeriod),
                "leaderElection.watchLease", Boolean.toString(watchLease)));
    }

    /** A new, not started candidate talking to the mock server directly with a client of its own. */
    KubernetesLeaderElector candidate(String identity) {
        return register(identity, new KubernetesLeaderElector(config(identity), server::createClient, true));
    }

    /** A new, not started candidate whose client goes through a proxy that the test can cut. */
    KubernetesLeaderElector proxiedCandidate(String identity) {
        TcpProxy proxy;
        try {
            URI target = URI.create(server.url("/"));
            proxy = new TcpProxy(target.getHost(), target.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        closeables.add(proxy);
        proxies.put(identity, proxy);
        Config cfg = new ConfigBuilder(Config.empty())
                .withMasterUrl(proxy.url())
                .withNamespace(NAMESPACE)
                .withTrustCerts(true)
                .build();
        return register(identity, new KubernetesLeaderElector(config(identity),
                () -> new KubernetesClientBuilder().withConfig(cfg).build(), true));
    }

    private KubernetesLeaderElector register(String identity, KubernetesLeaderElector e) {
        electors.put(identity, e);
        all.add(e);
        return e;
    }

    /** Starts a candidate with a recording listener. */
    KubernetesLeaderElector start(KubernetesLeaderElector e) {
        RecordingListener l = new RecordingListener();
        listeners.put(e.identity(), l);
        e.start(l);
        return e;
    }

    List<KubernetesLeaderElector> leaders() {
        return all.stream().filter(KubernetesLeaderElector::isLeader).collect(Collectors.toList());
    }

    Optional<KubernetesLeaderElector> leader() {
        List<KubernetesLeaderElector> l = leaders();
        return l.size() == 1 ? Optional.of(l.get(0)) : Optional.empty();
    }

    /** Every contract breach seen by the sampler and the listeners. */
    List<String> violations() {
        List<String> v = new ArrayList<>(samplerViolations);
        listeners.forEach((id, l) -> l.violations.forEach(x -> v.add(id + ": " + x)));
        return v;
    }

    private void sample() {
        while (!closed) {
            List<String> leading = all.stream().filter(KubernetesLeaderElector::isLeader)
                    .map(KubernetesLeaderElector::identity).collect(Collectors.toList());
            samples.incrementAndGet();
            if (leading.size() > 1) {
                samplerViolations.add("two leaders at once: " + leading);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
        all.forEach(KubernetesLeaderElector::close);
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                // ignore
            }
        }
    }
}
