package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.RecordingWatchListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;

/** A fresh mock cluster per test, and watchers on it that are closed after the test. */
abstract class WatcherTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    MockCluster cluster;
    RecordingWatchListener events;
    private final List<KubernetesCronJobWatcher> watchers = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = new MockCluster();
        events = new RecordingWatchListener();
    }

    @AfterEach
    void stopCluster() {
        watchers.forEach(KubernetesCronJobWatcher::close);
        cluster.close();
    }

    /** A watcher on the host-supplied client (not started). */
    KubernetesCronJobWatcher newWatcher(String... settings) {
        KubernetesCronJobWatcher w = new KubernetesCronJobWatcher(KubernetesWatcherConfig.from(Settings.of(settings)),
                cluster.newWatcherClient(), Clock.systemUTC());
        watchers.add(w);
        return w;
    }

    /**
     * A started watcher that has synced and whose watches are open. (A real API server sends a watch every change
     * after the listed version, however late it opens; the CRUD mock can only replay the current state when it
     * opens, so a Job created and finished before that would arrive as one ADDED.)
     */
    KubernetesCronJobWatcher startWatcher(String... settings) {
        KubernetesCronJobWatcher w = newWatcher(settings);
        w.start(events);
        await().atMost(TIMEOUT).until(w::hasSynced);
        await().atMost(TIMEOUT).until(() -> cluster.api.openWatchCount() >= w.informers().size());
        return w;
    }
}
