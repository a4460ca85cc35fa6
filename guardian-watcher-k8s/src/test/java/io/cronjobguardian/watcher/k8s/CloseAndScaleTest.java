package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.testkit.RecordingWatchListener;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.cronjobguardian.watcher.k8s.FailureContextTest.pod;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.terminated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class CloseAndScaleTest extends WatcherTestSupport {

    private static Set<Thread> threads() {
        return Thread.getAllStackTraces().keySet();
    }

    private static List<String> alive(Set<Thread> ts) {
        return ts.stream().filter(Thread::isAlive).map(Thread::getName).sorted().collect(Collectors.toList());
    }

    private void failingJob(String ns) {
        cluster.createCronJob(ns, "backup", "*/5 * * * *");
        var job = cluster.createRunningJob(ns, "backup", "backup-1", MockCluster.now().minusSeconds(60), false);
        cluster.createPod(job, "backup-1-abcde", MockCluster.now(), pod("Failed", terminated("main", 1, "Error", null,
                null)));
        cluster.finishJob(ns, "backup-1", false, 1, MockCluster.now());
    }

    @Test
    void closeStopsEveryInformerAndThreadButNotTheHostsClient() {
        cluster.createNamespace("ns1", Map.of("team", "a"));
        cluster.createNamespace("ns2", Map.of("team", "a"));
        KubernetesCronJobWatcher w = startWatcher("watcher.namespaceSelector", "team=a");
        failingJob("ns1");
        events.awaitJob(WatchEventType.UPDATED, "ns1", "backup-1", j -> j.state() == JobState.FAILED, TIMEOUT);
        List<SharedIndexInformer<?>> informers = w.informers();
        assertThat(informers).hasSize(5).allMatch(SharedIndexInformer::isRunning);
        String prefix = "guardian-k8s-watcher-";
        assertThat(alive(threads())).anyMatch(n -> n.startsWith(prefix) && n.endsWith("-delivery"))
                .anyMatch(n -> n.startsWith(prefix) && n.contains("-context-"));

        w.close();
        w.close();

        assertThat(informers).noneMatch(SharedIndexInformer::isRunning);
        await().atMost(Duration.ofSeconds(10)).until(() -> alive(threads()).stream().noneMatch(n -> n.startsWith(prefix)));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.api.openWatchCount() == 0);
        // the host's client is not ours to close
        KubernetesClient host = cluster.newWatcherClient();
        assertThat(host.batch().v1().cronjobs().inNamespace("ns1").list().getItems()).hasSize(1);
    }

    @Test
    void aClientBuiltFromKubeconfigIsClosedWithEveryThreadItStarted(@TempDir Path dir) throws IOException {
        failingJob("ns1");
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), cluster.kubeconfigYaml());
        // the test's own client and the mock server have started their threads already
        cluster.admin.batch().v1().cronjobs().inNamespace("ns1").list();
        Set<Thread> before = threads();

        KubernetesCronJobWatcher w = (KubernetesCronJobWatcher) new KubernetesCronJobWatcherProvider().create(
                Settings.of("watcher.kubeconfig", kubeconfig.toString()), ProviderContext.defaults());
        RecordingWatchListener seen = new RecordingWatchListener();
        w.start(seen);
        await().atMost(TIMEOUT).until(w::hasSynced);
        seen.awaitJob(WatchEventType.ADDED, "ns1", "backup-1", j -> j.state() == JobState.FAILED, TIMEOUT);
        Set<Thread> started = threads().stream().filter(t -> !before.contains(t)).collect(Collectors.toSet());
        assertThat(alive(started)).as("threads of the watcher and its client").isNotEmpty();

        w.close();
        assertThat(w.hasSynced()).as("a closed watcher's cache tells nothing any more").isFalse();

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(alive(started)).isEmpty());
    }

    @Test
    void informersListInPagesOfListPageSize() {
        for (int i = 0; i < 5; i++) {
            cluster.createCronJob("team-0", "cj-" + i, i + " * * * *");
        }
        startWatcher("watcher.listPageSize", "2");
        assertThat(events.events(e -> e.type() == WatchEventType.ADDED && e.cronJob() != null)).hasSize(5);
        assertThat(cluster.api.requestsUnderTest()).contains("GET /apis/batch/v1/cronjobs?limit=2",
                "GET /apis/batch/v1/jobs?limit=2");

        RecordingWatchListener unpaged = new RecordingWatchListener();
        cluster.api.clearRequestsUnderTest();
        KubernetesCronJobWatcher w = newWatcher("watcher.listPageSize", "0");
        w.start(unpaged);
        await().atMost(TIMEOUT).until(w::hasSynced);
        // unpaged, fabric8 asks for the API server's cached list (resourceVersion=0), all in one response
        assertThat(cluster.api.requestsUnderTest()).contains("GET /apis/batch/v1/cronjobs?resourceVersion=0",
                "GET /apis/batch/v1/jobs?resourceVersion=0");
        assertThat(unpaged.events(e -> e.type() == WatchEventType.ADDED && e.cronJob() != null)).hasSize(5);
    }

    @Test
    void thousandCronJobsAndJobsAreAllDeliveredBeforeHasSynced() {
        int namespaces = 10;
        int perNamespace = 100;
        Instant slot = Instant.parse("2026-01-01T00:00:00Z");
        for (int n = 0; n < namespaces; n++) {
            for (int i = 0; i < perNamespace; i++) {
                String name = "cj-" + i;
                CronJob cj = cluster.createCronJob("team-" + n, name, (i % 60) + " * * * *");
                cluster.createJob("team-" + n, name, name + "-" + slot.getEpochSecond() / 60, slot, false, Map.of(),
                        null);
                assertThat(cj.getMetadata().getUid()).isNotBlank();
            }
        }
        int total = namespaces * perNamespace;

        long t0 = System.nanoTime();
        KubernetesCronJobWatcher all = startWatcher();
        long allMillis = (System.nanoTime() - t0) / 1_000_000;
        // hasSynced() promises the initial lists were delivered, not just fetched
        assertThat(events.events(e -> e.type() == WatchEventType.ADDED && e.cronJob() != null)).hasSize(total);
        assertThat(events.events(e -> e.type() == WatchEventType.ADDED && e.isJob())).hasSize(total);
        assertThat(all.cronJobs()).hasSize(total);
        assertThat(all.jobs(CronJobRef.of("team-7", "cj-42"))).singleElement()
                .satisfies(j -> assertThat(j.scheduledTime()).isEqualTo(slot));

        // the same cluster through per-namespace informers
        RecordingWatchListener perNs = new RecordingWatchListener();
        KubernetesCronJobWatcher listed = newWatcher("watcher.namespaces",
                "team-0,team-1,team-2,team-3,team-4,team-5,team-6,team-7,team-8,team-9");
        t0 = System.nanoTime();
        listed.start(perNs);
        await().atMost(Duration.ofSeconds(60)).until(listed::hasSynced);
        long listedMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(perNs.events(e -> e.cronJob() != null)).hasSize(total);
        assertThat(perNs.events(e -> e.isJob())).hasSize(total);
        assertThat(listed.informers()).hasSize(2 * namespaces);
        System.out.printf("synced %d CronJobs + %d Jobs: all namespaces %d ms, %d namespaces %d ms%n", total, total,
                allMillis, namespaces, listedMillis);
    }
}
