package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Termination;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.stream.Stream;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/** FAILED Jobs are delivered with the last attempt's termination, read from the newest pod on demand. */
class FailureContextTest extends WatcherTestSupport {

    private static final String NS = "ns1";

    static ContainerStatus terminated(String name, int exitCode, String reason, Integer signal, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewTerminated().withExitCode(exitCode)
                .withReason(reason).withSignal(signal).withMessage(message).endTerminated().endState().build();
    }

    static ContainerStatus waiting(String name, String reason, String message) {
        return new ContainerStatusBuilder().withName(name).withNewState().withNewWaiting().withReason(reason)
                .withMessage(message).endWaiting().endState().build();
    }

    static PodStatus pod(String phase, ContainerStatus... main) {
        return new PodStatusBuilder().withPhase(phase).withContainerStatuses(main).build();
    }

    static Stream<Arguments> failures() {
        ContainerStatus crashLoop = new ContainerStatusBuilder(waiting("main", "CrashLoopBackOff",
                "back-off 5m0s restarting failed container=main pod=p"))
                .withNewLastState().withNewTerminated().withExitCode(2).withReason("Error").endTerminated()
                .endLastState().build();
        return Stream.of(
                Arguments.of("OOMKilled exit 137", pod("Failed", terminated("main", 137, "OOMKilled", null, null)),
                        "BackoffLimitExceeded", new Termination("main", 137, "OOMKilled", null, null), 9),
                Arguments.of("Error exit 1", pod("Failed", terminated("main", 1, "Error", null, "disk full"),
                        terminated("helper", 0, "Completed", null, null)),
                        "BackoffLimitExceeded", new Termination("main", 1, "Error", null, "disk full"), null),
                Arguments.of("killed by signal", pod("Failed", terminated("main", 137, "Error", 9, null)),
                        "BackoffLimitExceeded", new Termination("main", 137, "Error", 9, null), 9),
                Arguments.of("ImagePullBackOff", pod("Pending", waiting("main", "ImagePullBackOff",
                        "Back-off pulling image \"registry.local/backup:nope\"")),
                        "DeadlineExceeded", new Termination("main", null, "ImagePullBackOff", null,
                                "Back-off pulling image \"registry.local/backup:nope\""), null),
                Arguments.of("ErrImagePull", pod("Pending", waiting("main", "ErrImagePull", "manifest unknown")),
                        "DeadlineExceeded", new Termination("main", null, "ErrImagePull", null, "manifest unknown"),
                        null),
                Arguments.of("CreateContainerConfigError", pod("Pending", waiting("main",
                        "CreateContainerConfigError", "secret \"db-password\" not found")),
                        "DeadlineExceeded", new Termination("main", null, "CreateContainerConfigError", null,
                                "secret \"db-password\" not found"), null),
                Arguments.of("CrashLoopBackOff", pod("Running", crashLoop), "DeadlineExceeded",
                        new Termination("main", 2, "CrashLoopBackOff", null,
                                "back-off 5m0s restarting failed container=main pod=p"), null),
                Arguments.of("Evicted", new PodStatusBuilder().withPhase("Failed").withReason("Evicted")
                        .withMessage("The node was low on resource: memory.").build(), "BackoffLimitExceeded",
                        new Termination(null, null, "Evicted", null, "The node was low on resource: memory."), null),
                Arguments.of("Evicted with a killed container", new PodStatusBuilder().withPhase("Failed")
                        .withReason("Evicted").withMessage("The node was low on resource: ephemeral-storage.")
                        .withContainerStatuses(terminated("main", 137, "ContainerStatusUnknown", null, null)).build(),
                        "BackoffLimitExceeded", new Termination("main", 137, "Evicted", null,
                                "The node was low on resource: ephemeral-storage."), 9),
                Arguments.of("init container failed", new PodStatusBuilder().withPhase("Failed")
                        .withInitContainerStatuses(terminated("setup", 3, "Error", null, "migration failed"))
                        .withContainerStatuses(waiting("main", "PodInitializing", null)).build(),
                        "BackoffLimitExceeded", new Termination("setup", 3, "Error", null, "migration failed"), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void failedJobCarriesTheNewestPodsTermination(String title, PodStatus newest, String jobReason,
            Termination expected, Integer signal) {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        KubernetesCronJobWatcher watcher = startWatcher();
        Instant slot = MockCluster.now().minusSeconds(600);
        Job job = cluster.createRunningJob(NS, "backup", "backup-29000000", slot, false);
        events.awaitJob(ADDED, NS, "backup-29000000", j -> true, TIMEOUT);
        // an older attempt that failed differently, and the newest attempt (started later)
        cluster.createPod(job, "backup-29000000-aaaaa", slot.plusSeconds(1),
                pod("Failed", terminated("main", 42, "Error", null, "older attempt")));
        cluster.createPod(job, "backup-29000000-zzzzz", slot.plusSeconds(60), newest);

        Instant failedAt = slot.plusSeconds(120);
        cluster.updateJobStatus(NS, "backup-29000000", s -> new JobStatusBuilder(s).withFailed(2).withActive(0)
                .withConditions(condition("FailureTarget", jobReason, "Job failed: " + jobReason, failedAt),
                        condition("Failed", jobReason, "Job failed: " + jobReason, failedAt))
                .build());

        JobSnapshot failed = events.awaitJob(UPDATED, NS, "backup-29000000", j -> j.state() == JobState.FAILED,
                TIMEOUT);
        assertThat(failed.conditionReason()).isEqualTo(jobReason);
        assertThat(failed.conditionMessage()).isEqualTo("Job failed: " + jobReason);
        assertThat(failed.finishedAt()).isEqualTo(failedAt);
        Termination t = failed.lastTermination();
        assertThat(t).as("lastTermination").isNotNull();
        assertThat(t.container()).as("container").isEqualTo(expected.container());
        assertThat(t.exitCode()).as("exitCode").isEqualTo(expected.exitCode());
        assertThat(t.reason()).as("reason").isEqualTo(expected.reason());
        assertThat(t.signal()).as("signal").isEqualTo(expected.signal());
        assertThat(t.message()).as("message").isEqualTo(expected.message());
        assertThat(t.effectiveSignal()).as("effectiveSignal").isEqualTo(signal);
        // the first FAILED delivery already carries the termination
        assertThat(events.jobEvents(failed.uid())).filteredOn(e -> e.job().state() == JobState.FAILED)
                .allSatisfy(e -> assertThat(e.job().lastTermination()).isEqualTo(t));
        // pods were read once, by label, in the Job's namespace; never watched
        assertThat(cluster.api.requestsUnderTest()).filteredOn(p -> p.contains("pods")).isNotEmpty()
                .allSatisfy(p -> assertThat(p).startsWith("GET /api/v1/namespaces/ns1/pods?labelSelector=")
                        .doesNotContain("watch=true"));
        // the cache holds what was delivered
        assertThat(watcher.jobs(io.cronjobguardian.api.CronJobRef.of(NS, "backup"))).containsExactly(failed);
    }

    @Test
    void deadlineExceededWithNoPodLeftFallsBackToTheJobCondition() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(600);
        cluster.createRunningJob(NS, "backup", "backup-29000001", slot, false);
        events.awaitJob(ADDED, NS, "backup-29000001", j -> true, TIMEOUT);
        Instant at = slot.plusSeconds(300);
        cluster.updateJobStatus(NS, "backup-29000001", s -> new JobStatusBuilder(s).withFailed(1).withActive(0)
                .withConditions(condition("Failed", "DeadlineExceeded",
                        "Job was active longer than specified deadline", at)).build());
        JobSnapshot failed = events.awaitJob(UPDATED, NS, "backup-29000001", j -> j.state() == JobState.FAILED,
                TIMEOUT);
        assertThat(failed.conditionReason()).isEqualTo("DeadlineExceeded");
        assertThat(failed.duration()).hasSeconds(300);
        assertThat(failed.lastTermination()).isEqualTo(new Termination(null, null, "DeadlineExceeded", null,
                "Job was active longer than specified deadline"));
    }

    @Test
    void failureContextCanBeTurnedOff() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        startWatcher("watcher.failureContext", "false");
        Instant slot = MockCluster.now().minusSeconds(600);
        Job job = cluster.createRunningJob(NS, "backup", "backup-29000002", slot, false);
        cluster.createPod(job, "backup-29000002-abcde", slot, pod("Failed", terminated("main", 1, "Error", null, null)));
        cluster.finishJob(NS, "backup-29000002", false, 1, slot.plusSeconds(10));
        JobSnapshot failed = events.awaitJob(UPDATED, NS, "backup-29000002", j -> j.state() == JobState.FAILED,
                TIMEOUT);
        assertThat(failed.lastTermination().container()).as("from the Job condition only").isNull();
        assertThat(cluster.api.requestsUnderTest()).noneMatch(p -> p.contains("/pods"));
    }

    @Test
    void podReadErrorsAreLoggedAndTheFailureIsStillDelivered() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        startWatcher();
        cluster.server.expect().get().withPath("/api/v1/namespaces/ns1/pods?labelSelector=job-name%3Dbackup-29000003")
                .andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcd timeout\"}").always();
        Instant slot = MockCluster.now().minusSeconds(600);
        cluster.createRunningJob(NS, "backup", "backup-29000003", slot, false);
        cluster.finishJob(NS, "backup-29000003", false, 2, slot.plusSeconds(10));
        JobSnapshot failed = events.awaitJob(UPDATED, NS, "backup-29000003", j -> j.state() == JobState.FAILED,
                TIMEOUT);
        assertThat(failed.lastTermination()).isEqualTo(new Termination(null, null, "BackoffLimitExceeded", null,
                "Job has reached the specified backoff limit"));
    }

    /**
     * Kubernetes 1.31+: the Job controller sets {@code FailureTarget} while the pod is still being killed, then
     * {@code Failed} once it terminated. The second FAILED delivery carries the container's final termination and
     * the later finish time (the engine records it over the first).
     */
    @Test
    void failureTargetWhilePodsTerminateThenFailedCarriesTheFinalTermination() {
        cluster.createCronJob(NS, "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(600);
        Job job = cluster.createRunningJob(NS, "backup", "backup-29000002", slot, false);
        events.awaitJob(ADDED, NS, "backup-29000002", j -> true, TIMEOUT);
        io.fabric8.kubernetes.api.model.Pod pod = cluster.createPod(job, "backup-29000002-aaaaa", slot.plusSeconds(1),
                pod("Running", new ContainerStatusBuilder().withName("main").withNewState().withNewRunning()
                        .endRunning().endState().build()));
        Instant target = slot.plusSeconds(300);
        String message = "Job was active longer than specified deadline";
        cluster.updateJobStatus(NS, "backup-29000002", s -> new JobStatusBuilder(s)
                .withConditions(condition("FailureTarget", "DeadlineExceeded", message, target)).build());
        JobSnapshot interim = events.awaitJob(UPDATED, NS, "backup-29000002", j -> j.state() == JobState.FAILED,
                TIMEOUT);
        assertThat(interim.finishedAt()).isEqualTo(target);
        assertThat(interim.lastTermination()).isEqualTo(new Termination(null, null, "DeadlineExceeded", null, message));

        pod.setStatus(pod("Failed", terminated("main", 137, "OOMKilled", null, "killed")));
        pod.getStatus().setStartTime(MockCluster.ts(slot.plusSeconds(1)));
        cluster.admin.pods().inNamespace(NS).resource(pod).updateStatus();
        Instant failed = slot.plusSeconds(330);
        cluster.updateJobStatus(NS, "backup-29000002", s -> new JobStatusBuilder(s).withFailed(1).withActive(0)
                .addToConditions(condition("Failed", "DeadlineExceeded", message, failed)).build());
        JobSnapshot last = events.awaitJob(UPDATED, NS, "backup-29000002", j -> failed.equals(j.finishedAt()),
                TIMEOUT);
        assertThat(last.state()).isEqualTo(JobState.FAILED);
        assertThat(last.lastTermination()).isEqualTo(new Termination("main", 137, "OOMKilled", null, "killed"));
    }
}
