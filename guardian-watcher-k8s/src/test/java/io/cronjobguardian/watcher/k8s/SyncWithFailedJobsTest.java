package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.pod;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.terminated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs that are already FAILED when the watcher lists them do not hold up {@code hasSynced()}: they are delivered at
 * once with the termination from their condition, and their pods are read afterwards, with a bound on parallel
 * reads, on threads of their own (a Job that fails while watched never waits behind them).
 */
class SyncWithFailedJobsTest extends WatcherTestSupport {

    private static final String NS = "ns1";
    private static final Termination OOM = new Termination("main", 137, "OOMKilled", null, null);
    private static final Termination BACKOFF = new Termination(null, null, "BackoffLimitExceeded", null,
            "Job has reached the specified backoff limit");

    /** {@code count} CronJobs, each with one Job that failed with an OOMKilled pod, named {@code prefix-i-...}. */
    private List<String> failedJobs(String prefix, int count) {
        Instant slot = MockCluster.now().minusSeconds(3600);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String cronJob = prefix + "-" + i;
            String name = cronJob + "-" + slot.getEpochSecond() / 60;
            cluster.createCronJob(NS, cronJob, "0 * * * *");
            Job job = cluster.createRunningJob(NS, cronJob, name, slot, false);
            cluster.createPod(job, name + "-abcde", slot.plusSeconds(1), pod("Failed", terminated("main", 137,
                    "OOMKilled", null, null)));
            cluster.finishJob(NS, name, false, 1, slot.plusSeconds(60));
            names.add(name);
        }
        return names;
    }

    @Test
    void hangingPodReadsNeitherDelaySyncNorALiveFailure() {
        List<String> listedFailed = failedJobs("slow", 20);
        // every pod list for these Jobs hangs (a 5 s request timeout each; read one after the other, two at a time,
        // they would hold the initial list up for 50 s or more)
        cluster.api.slowPodLists("slow-", Duration.ofSeconds(120));
        KubernetesCronJobWatcher w = newWatcher("watcher.requestTimeout", "5s");
        w.start(events);

        await().atMost(TIMEOUT).until(w::hasSynced);
        // hasSynced() still means: the initial list was delivered, the failed Jobs with their condition's termination
        for (String name : listedFailed) {
            JobSnapshot j = events.find(e -> e.isJob(NS, name)).orElseThrow().job();
            assertThat(events.events(e -> e.isJob(NS, name))).extracting(Event::type).containsExactly(ADDED);
            assertThat(j.state()).isEqualTo(JobState.FAILED);
            assertThat(j.lastTermination()).isEqualTo(BACKOFF);
        }

        // a Job that fails while watched gets its pod's termination with its FAILED delivery, even while the
        // backfill reads of the listed Jobs hang
        await().atMost(TIMEOUT).until(() -> cluster.api.openWatchCount() >= w.informers().size());
        cluster.createCronJob(NS, "live", "0 * * * *");
        Instant slot = MockCluster.now().minusSeconds(120);
        Job live = cluster.createRunningJob(NS, "live", "live-1", slot, false);
        events.awaitJob(ADDED, NS, "live-1", j -> true, TIMEOUT);
        cluster.createPod(live, "live-1-abcde", slot.plusSeconds(1), pod("Failed", terminated("main", 137,
                "OOMKilled", null, null)));
        cluster.finishJob(NS, "live-1", false, 1, slot.plusSeconds(60));
        JobSnapshot failed = events.awaitJob(UPDATED, NS, "live-1", j -> j.state() == JobState.FAILED, TIMEOUT);
        assertThat(failed.lastTermination()).isEqualTo(OOM);
        assertThat(events.events(e -> e.isJob(NS, "live-1") && e.job().state() == JobState.FAILED)).hasSize(1);
    }

    @Test
    void listedFailedJobsAreDeliveredFirstAndEnrichedWithTheirPodsTerminationAfterwards() {
        List<String> listedFailed = failedJobs("slow", 6);
        // a Job FAILED without pods (deleted, DeadlineExceeded): the pod read tells nothing more, no second event
        Instant slot = MockCluster.now().minusSeconds(3600);
        cluster.createCronJob(NS, "slow-nopods", "0 * * * *");
        cluster.createRunningJob(NS, "slow-nopods", "slow-nopods-1", slot, false);
        cluster.finishJob(NS, "slow-nopods-1", false, 1, slot.plusSeconds(60));
        cluster.api.slowPodLists("slow-", Duration.ofSeconds(1));
        KubernetesCronJobWatcher w = newWatcher();
        w.start(events);

        await().atMost(TIMEOUT).until(w::hasSynced);
        for (String name : listedFailed) {
            assertThat(events.find(e -> e.isJob(NS, name)).orElseThrow())
                    .satisfies(e -> assertThat(e.type()).isEqualTo(ADDED))
                    .satisfies(e -> assertThat(e.job().lastTermination()).isEqualTo(BACKOFF));
        }
        for (String name : listedFailed) {
            JobSnapshot enriched = events.awaitJob(UPDATED, NS, name, j -> OOM.equals(j.lastTermination()),
                    Duration.ofSeconds(30));
            JobSnapshot first = events.find(e -> e.isJob(NS, name)).orElseThrow().job();
            assertThat(enriched).isEqualTo(first.withLastTermination(OOM));
            assertThat(w.jobs(enriched.owner())).containsExactly(enriched);
        }
        // every backfill read done (the pod lists of all 7 Jobs were answered) and no further event
        await().atMost(Duration.ofSeconds(30)).until(() -> cluster.api.requestsUnderTest().stream()
                .filter(p -> p.contains("/pods?")).count() >= 7 + 1);
        assertThat(events.events(e -> e.isJob(NS, "slow-nopods-1"))).extracting(Event::type)
                .containsExactly(ADDED);
        for (String name : listedFailed) {
            assertThat(events.events(e -> e.isJob(NS, name))).extracting(Event::type).containsExactly(ADDED, UPDATED);
        }
    }

    @Test
    void withFailureContextOffListedFailedJobsAreNeverEnriched() {
        List<String> listedFailed = failedJobs("slow", 3);
        KubernetesCronJobWatcher w = newWatcher("watcher.failureContext", "false");
        w.start(events);
        await().atMost(TIMEOUT).until(w::hasSynced);
        for (String name : listedFailed) {
            assertThat(events.find(e -> e.isJob(NS, name)).orElseThrow().job().lastTermination()).isEqualTo(BACKOFF);
        }
        assertThat(cluster.api.requestsUnderTest()).noneMatch(p -> p.contains("/pods"));
    }
}
