package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.MockCluster.ts;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Suspension and pods that never ran, mapped from the Job status as the Kubernetes Job controller writes it: the
 * {@code Suspended} condition ({@code True} while {@code spec.suspend} holds, {@code False} with reason
 * {@code JobResumed} after), and {@code status.ready}, which counts only pods that run (a Pending pod is active but
 * not ready; a Job whose pods cannot be created has none).
 */
class SuspendedAndPodlessJobTest extends WatcherTestSupport {

    @Test
    void aJobWhosePodStaysPendingHasNoPodStartedUntilOneIsReady() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(60);
        // FailedScheduling: the Job controller created one pod (active 1), it is Pending (ready 0)
        cluster.createJob("ns1", "backup", "backup-pending", slot, false, java.util.Map.of(),
                new JobStatusBuilder().withStartTime(ts(slot)).withActive(1).withReady(0).build());
        JobSnapshot pending = events.awaitJob(ADDED, "ns1", "backup-pending", j -> true, TIMEOUT);
        assertThat(pending.state()).isEqualTo(JobState.RUNNING);
        assertThat(pending.podStarted()).isFalse();
        assertThat(pending.suspended()).isFalse();

        cluster.updateJobStatus("ns1", "backup-pending", s -> new JobStatusBuilder(s).withReady(1).build());
        JobSnapshot running = events.awaitJob(UPDATED, "ns1", "backup-pending", JobSnapshot::podStarted, TIMEOUT);
        assertThat(running.state()).isEqualTo(JobState.RUNNING);

        // the pod is evicted and its replacement is Pending again: a pod did run, the Job is not stuck
        cluster.updateJobStatus("ns1", "backup-pending", s -> new JobStatusBuilder(s).withReady(0).build());
        cluster.updateJobStatus("ns1", "backup-pending", s -> new JobStatusBuilder(s).withActive(2).build());
        JobSnapshot replaced = events.awaitJob(UPDATED, "ns1", "backup-pending", j -> j.attempts() == 2, TIMEOUT);
        assertThat(replaced.podStarted()).isTrue();
    }

    @Test
    void aJobWhosePodsCannotBeCreatedHasNoPodStarted() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(60);
        // FailedCreate (quota, admission webhook): startTime set, no pod at all
        cluster.createJob("ns1", "backup", "backup-quota", slot, false, java.util.Map.of(),
                new JobStatusBuilder().withStartTime(ts(slot)).withActive(0).withReady(0).build());
        JobSnapshot j = events.awaitJob(ADDED, "ns1", "backup-quota", x -> true, TIMEOUT);
        assertThat(j.podStarted()).isFalse();
        assertThat(j.startedAt()).isEqualTo(slot);
    }

    @Test
    void theSuspendedConditionGivesTheInstantTheJobWasSuspendedAndResumingClearsIt() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(600);
        cluster.createRunningJob("ns1", "backup", "backup-s", slot, false);
        events.awaitJob(ADDED, "ns1", "backup-s", x -> true, TIMEOUT);

        Instant suspendedAt = slot.plusSeconds(120);
        cluster.updateJobStatus("ns1", "backup-s", s -> new JobStatusBuilder(s).withActive(0).withReady(0)
                .withConditions(new JobConditionBuilder().withType("Suspended").withStatus("True")
                        .withReason("JobSuspended").withMessage("Job suspended")
                        .withLastProbeTime(ts(suspendedAt)).withLastTransitionTime(ts(suspendedAt)).build())
                .build());
        JobSnapshot suspended = events.awaitJob(UPDATED, "ns1", "backup-s", JobSnapshot::suspended, TIMEOUT);
        assertThat(suspended.suspendedSince()).isEqualTo(suspendedAt);
        assertThat(suspended.state()).isEqualTo(JobState.RUNNING);
        // suspended time is not run time: the running time stops when the Job was suspended
        assertThat(suspended.durationAt(suspendedAt.plus(Duration.ofHours(5)))).isEqualTo(Duration.ofSeconds(120));

        Instant resumedAt = suspendedAt.plusSeconds(3600);
        cluster.updateJobStatus("ns1", "backup-s", s -> new JobStatusBuilder(s).withStartTime(ts(resumedAt))
                .withActive(1).withConditions(List.of(new JobConditionBuilder().withType("Suspended")
                        .withStatus("False").withReason("JobResumed").withMessage("Job resumed")
                        .withLastProbeTime(ts(resumedAt)).withLastTransitionTime(ts(resumedAt)).build()))
                .build());
        JobSnapshot resumed = events.awaitJob(UPDATED, "ns1", "backup-s", j -> !j.suspended(), TIMEOUT);
        assertThat(resumed.suspendedSince()).isNull();
        assertThat(resumed.startedAt()).isEqualTo(resumedAt);
    }
}
