package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.DELETED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.pod;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.terminated;
import static io.cronjobguardian.watcher.k8s.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No terminal transition is lost when the watch drops. The mock API server's watches are closed from the server
 * side while the watcher's client is partitioned away (every request answered 503), Jobs finish in the meantime,
 * then the partition heals. Two outcomes of a real outage are covered: the watch resumes from its last
 * resourceVersion (short outage), or the versions were compacted during an API-server restart, the resumed watch
 * gets {@code ERROR 410 Gone} and the informer must relist.
 */
class WatchOutageTest extends WatcherTestSupport {

    private static final String NS = "ns1";
    private static final Instant SLOT = MockCluster.now().minusSeconds(3600);

    private Job running(String name) {
        return cluster.createRunningJob(NS, "backup", name, SLOT, false);
    }

    /** Before the outage: a CronJob and five running Jobs, all delivered; both watches have carried events. */
    private KubernetesCronJobWatcher watchingFiveRunningJobs() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        running("backup-1");
        running("backup-2");
        running("backup-3");
        KubernetesCronJobWatcher w = startWatcher();
        cluster.createCronJob(NS, "report", "0 * * * *");
        running("backup-4");
        running("backup-5");
        for (int i = 1; i <= 5; i++) {
            events.awaitJob(ADDED, NS, "backup-" + i, j -> j.state() == JobState.RUNNING, TIMEOUT);
        }
        events.awaitCronJob(ADDED, CronJobRef.of(NS, "report"), c -> true, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> cluster.api.openWatchCount() >= 2);
        return w;
    }

    /** During the outage: every kind of terminal transition, plus a Job that starts and finishes unseen. */
    private void finishJobsWhileDisconnected() {
        Instant end = SLOT.plusSeconds(120);
        cluster.finishJob(NS, "backup-1", true, 0, end);
        Job two = cluster.admin.batch().v1().jobs().inNamespace(NS).withName("backup-2").get();
        cluster.createPod(two, "backup-2-oomkd", SLOT, pod("Failed", terminated("main", 137, "OOMKilled", null, null)));
        cluster.finishJob(NS, "backup-2", false, 1, end);
        cluster.updateJobStatus(NS, "backup-3", s -> new JobStatusBuilder(s).withFailed(1).build());
        cluster.finishJob(NS, "backup-3", true, 1, end);
        cluster.updateJobStatus(NS, "backup-4", s -> new JobStatusBuilder(s).withFailed(7).withActive(0)
                .withConditions(condition("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline", end))
                .build());
        running("backup-6");
        cluster.finishJob(NS, "backup-6", true, 0, end);
    }

    private void assertEveryTerminalTransitionDeliveredOnce() {
        JobSnapshot one = events.awaitJob(UPDATED, NS, "backup-1", j -> j.state().isTerminal(), TIMEOUT);
        assertThat(one.state()).isEqualTo(JobState.SUCCEEDED);
        JobSnapshot two = events.awaitJob(UPDATED, NS, "backup-2", j -> j.state().isTerminal(), TIMEOUT);
        assertThat(two.state()).isEqualTo(JobState.FAILED);
        assertThat(two.lastTermination()).isEqualTo(new Termination("main", 137, "OOMKilled", null, null));
        JobSnapshot three = events.awaitJob(UPDATED, NS, "backup-3", j -> j.state().isTerminal(), TIMEOUT);
        assertThat(three.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(three.attempts()).isEqualTo(2);
        JobSnapshot four = events.awaitJob(UPDATED, NS, "backup-4", j -> j.state().isTerminal(), TIMEOUT);
        assertThat(four.state()).isEqualTo(JobState.FAILED);
        assertThat(four.conditionReason()).isEqualTo("DeadlineExceeded");
        JobSnapshot six = events.awaitJob(ADDED, NS, "backup-6", j -> true, TIMEOUT);
        assertThat(six.state()).as("first seen already finished").isEqualTo(JobState.SUCCEEDED);
        for (String name : List.of("backup-1", "backup-2", "backup-3", "backup-4", "backup-6")) {
            assertThat(events.events(e -> e.isJob(NS, name) && e.job().state().isTerminal()))
                    .as("terminal deliveries of " + name).hasSize(1);
        }
        assertThat(events.events(e -> e.isJob(NS, "backup-3") && e.job().state() == JobState.FAILED)).isEmpty();
    }

    @Test
    void droppedWatchResumesFromItsResourceVersionAndDeliversEveryTransition() {
        KubernetesCronJobWatcher w = watchingFiveRunningJobs();

        cluster.api.partition(true);
        assertThat(cluster.api.dropWatches()).isGreaterThanOrEqualTo(2);
        finishJobsWhileDisconnected();
        await().pollDelay(java.time.Duration.ofMillis(300)).atMost(TIMEOUT).until(() -> cluster.api.requestsUnderTest()
                .stream().anyMatch(p -> p.contains("watch=true")));
        cluster.api.clearRequestsUnderTest();
        cluster.api.partition(false);

        assertEveryTerminalTransitionDeliveredOnce();
        assertThat(events.events(e -> e.isJob(NS, "backup-5"))).extracting(Event::type).containsExactly(ADDED);
        assertThat(w.relistCount()).as("a resumed watch needs no relist").isZero();
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("/jobs?"))
                .allSatisfy(p -> assertThat(p).contains("watch=true").containsPattern("resourceVersion=[1-9]"));
        assertThat(w.jobs(CronJobRef.of(NS, "backup"))).hasSize(6);
    }

    @Test
    void expiredResourceVersionAfterApiServerRestartForcesARelistThatLosesNothing() {
        KubernetesCronJobWatcher w = watchingFiveRunningJobs();

        cluster.api.partition(true);
        assertThat(cluster.api.dropWatches()).isGreaterThanOrEqualTo(2);
        finishJobsWhileDisconnected();
        cluster.deleteJob(NS, "backup-5");
        cluster.deleteCronJob(NS, "report");
        cluster.createCronJob(NS, "cleanup", "0 4 * * *");
        // the restarted API server has compacted every version the watcher knows
        cluster.api.compact();
        cluster.api.clearRequestsUnderTest();
        cluster.api.partition(false);

        assertEveryTerminalTransitionDeliveredOnce();
        // deleted while unseen: DELETED with the last state the watcher knew
        assertThat(events.awaitJob(DELETED, NS, "backup-5", j -> true, TIMEOUT).state()).isEqualTo(JobState.RUNNING);
        events.awaitCronJob(DELETED, CronJobRef.of(NS, "report"), c -> true, TIMEOUT);
        events.awaitCronJob(ADDED, CronJobRef.of(NS, "cleanup"), c -> true, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> w.relistCount() >= 2);
        // the informers listed again (a GET without watch=true) after the 410
        // (the sequence is: watch from the old version -> ERROR 410 -> LIST -> watch from the list's version)
        // (paged by watcher.listPageSize, default 500)
        assertThat(cluster.api.requestsUnderTest()).contains("GET /apis/batch/v1/jobs?limit=500",
                "GET /apis/batch/v1/cronjobs?limit=500");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(w.jobs(CronJobRef.of(NS, "backup")))
                .extracting(JobSnapshot::name)
                .containsExactlyInAnyOrder("backup-1", "backup-2", "backup-3", "backup-4", "backup-6"));
        assertThat(w.cronJob(CronJobRef.of(NS, "report"))).isEmpty();
    }

    @Test
    void aTerminalStateSeenOnlyInTheDeletedEventIsDeliveredBeforeTheDeletion() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        startWatcher();
        running("backup-7");
        events.awaitJob(ADDED, NS, "backup-7", j -> true, TIMEOUT);
        cluster.api.loseModifiedEventsOf("backup-7");
        cluster.finishJob(NS, "backup-7", false, 3, SLOT.plusSeconds(60));
        cluster.deleteJob(NS, "backup-7");

        JobSnapshot deleted = events.awaitJob(DELETED, NS, "backup-7", j -> true, TIMEOUT);
        assertThat(deleted.state()).isEqualTo(JobState.FAILED);
        assertThat(events.events(e -> e.isJob(NS, "backup-7"))).extracting(e -> e.type() + " " + e.job().state())
                .containsExactly("ADDED RUNNING", "UPDATED FAILED", "DELETED FAILED");
        assertThat(events.events(e -> e.isJob(NS, "backup-7")).get(1).job().lastTermination().reason())
                .isEqualTo("BackoffLimitExceeded");
    }
}
