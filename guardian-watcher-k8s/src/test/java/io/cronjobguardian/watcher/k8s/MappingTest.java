package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Termination;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.TimeZone;

import static io.cronjobguardian.watcher.k8s.FailureContextTest.terminated;
import static io.cronjobguardian.watcher.k8s.FailureContextTest.waiting;
import static io.cronjobguardian.watcher.k8s.MockCluster.condition;
import static org.assertj.core.api.Assertions.assertThat;

/** The pure mapping rules, without a server. */
class MappingTest {

    private static final Instant NOW = Instant.parse("2026-01-15T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneId.of("UTC"));

    private static JobBuilder job(String name) {
        return new JobBuilder().withNewMetadata().withName(name).withNamespace("ns").withUid("uid-" + name)
                .withCreationTimestamp("2026-01-15T10:00:00Z")
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
                        .withName("backup").withUid("cj-uid").withController(true).build())
                .endMetadata();
    }

    @Test
    void timesAreParsedIndependentlyOfTheDefaultZone() {
        assertThat(TimeZone.getDefault().getID()).as("surefire runs tests in a non-UTC zone")
                .isEqualTo("America/Los_Angeles");
        assertThat(Mapping.parseTime("2024-03-10T10:00:00Z")).isEqualTo(Instant.parse("2024-03-10T10:00:00Z"));
        assertThat(Mapping.parseTime("2024-03-10T03:00:00-07:00")).isEqualTo(Instant.parse("2024-03-10T10:00:00Z"));
        assertThat(Mapping.parseTime("2024-03-10T10:00:00.123456Z")).isEqualTo(Instant.parse("2024-03-10T10:00:00.123456Z"));
        assertThat(Mapping.parseTime("yesterday")).isNull();
        assertThat(Mapping.parseTime(" ")).isNull();
    }

    @Test
    void stateComesFromConditionsOnly() {
        Instant t = Instant.parse("2026-01-15T10:05:00Z");
        Job running = job("a").withNewStatus().withFailed(5).withSucceeded(0).withStartTime("2026-01-15T10:00:00Z")
                .endStatus().build();
        assertThat(Mapping.outcome(running).state()).isEqualTo(JobState.RUNNING);

        Job notTrue = job("b").withNewStatus().withConditions(new io.fabric8.kubernetes.api.model.batch.v1
                .JobConditionBuilder(condition("Failed", "BackoffLimitExceeded", "x", t)).withStatus("False").build())
                .endStatus().build();
        assertThat(Mapping.outcome(notTrue).state()).isEqualTo(JobState.RUNNING);

        Job suspended = job("c").withNewStatus().withConditions(condition("Suspended", "JobSuspended", "x", t))
                .endStatus().build();
        assertThat(Mapping.outcome(suspended).state()).isEqualTo(JobState.RUNNING);

        Job target = job("d").withNewStatus().withConditions(condition("FailureTarget", "PodFailurePolicy", "x", t))
                .endStatus().build();
        assertThat(Mapping.outcome(target)).satisfies(o -> {
            assertThat(o.state()).isEqualTo(JobState.FAILED);
            assertThat(o.finishedAt()).isEqualTo(t);
            assertThat(o.condition().getReason()).isEqualTo("PodFailurePolicy");
        });

        Job met = job("e").withNewStatus().withConditions(condition("SuccessCriteriaMet", "SuccessPolicy", "x", t))
                .endStatus().build();
        assertThat(Mapping.outcome(met).state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(Mapping.outcome(met).finishedAt()).isEqualTo(t);

        Job complete = job("f").withNewStatus().withCompletionTime("2026-01-15T10:06:00Z")
                .withConditions(condition("SuccessCriteriaMet", "CompletionsReached", "x", t),
                        condition("Complete", "CompletionsReached", "x", t.plusSeconds(30))).endStatus().build();
        assertThat(Mapping.outcome(complete).finishedAt()).as("completionTime for successes")
                .isEqualTo(Instant.parse("2026-01-15T10:06:00Z"));

        Job failed = job("g").withNewStatus().withConditions(condition("FailureTarget", "DeadlineExceeded", "x", t),
                condition("Failed", "DeadlineExceeded", "y", t.plusSeconds(3))).endStatus().build();
        assertThat(Mapping.outcome(failed).finishedAt()).as("the final Failed condition wins")
                .isEqualTo(t.plusSeconds(3));
        assertThat(Mapping.outcome(failed).condition().getType()).isEqualTo("Failed");
    }

    @Test
    void attemptsCountSucceededFailedUncountedAndActiveWhileRunning() {
        Job retry = job("a").withNewStatus().withStartTime("2026-01-15T10:00:00Z").withFailed(1).withSucceeded(1)
                .withCompletionTime("2026-01-15T10:02:00Z")
                .withConditions(condition("Complete", null, null, Instant.parse("2026-01-15T10:02:00Z")))
                .endStatus().build();
        assertThat(Mapping.attempts(retry, JobState.SUCCEEDED)).isEqualTo(2);
        Job runningSecond = job("b").withNewStatus().withStartTime("2026-01-15T10:00:00Z").withFailed(1)
                .withActive(1).endStatus().build();
        assertThat(Mapping.attempts(runningSecond, JobState.RUNNING)).isEqualTo(2);
        Job uncounted = job("c").withNewStatus().withStartTime("2026-01-15T10:00:00Z").withFailed(1)
                .withNewUncountedTerminatedPods().withFailed("p2", "p3").endUncountedTerminatedPods().endStatus()
                .build();
        assertThat(Mapping.attempts(uncounted, JobState.FAILED)).isEqualTo(3);
        assertThat(Mapping.attempts(job("d").withNewStatus().withStartTime("2026-01-15T10:00:00Z").endStatus()
                .build(), JobState.RUNNING)).isEqualTo(1);
        assertThat(Mapping.attempts(job("e").build(), JobState.RUNNING)).isZero();
    }

    @Test
    void scheduledSlotFromAnnotationThenOwnerNameSuffix() {
        Job annotated = job("backup-29384640").editMetadata().addToAnnotations(Mapping.SCHEDULED_TIMESTAMP_ANNOTATION,
                "2025-11-13T00:00:00-08:00").endMetadata().build();
        assertThat(Mapping.scheduledTime(annotated, Mapping.cronJobOwner(annotated), false))
                .isEqualTo(Instant.parse("2025-11-13T08:00:00Z"));
        Job minutes = job("backup-29384640").build();
        assertThat(Mapping.scheduledTime(minutes, Mapping.cronJobOwner(minutes), false))
                .isEqualTo(Instant.ofEpochSecond(29384640L * 60));
        Job legacySeconds = job("backup-1763020800").build();
        assertThat(Mapping.scheduledTime(legacySeconds, Mapping.cronJobOwner(legacySeconds), false))
                .as("the pre-1.21 controller used seconds").isEqualTo(Instant.ofEpochSecond(1763020800L));
        Job otherPrefix = job("restore-29384640").build();
        assertThat(Mapping.scheduledTime(otherPrefix, Mapping.cronJobOwner(otherPrefix), false)).isNull();
        Job notNumeric = job("backup-manual-1").build();
        assertThat(Mapping.scheduledTime(notNumeric, Mapping.cronJobOwner(notNumeric), false)).isNull();
        assertThat(Mapping.scheduledTime(minutes, null, false)).as("no owner").isNull();
        assertThat(Mapping.scheduledTime(annotated, Mapping.cronJobOwner(annotated), true)).as("manual").isNull();
        Job badAnnotation = job("backup-29384640").editMetadata()
                .addToAnnotations(Mapping.SCHEDULED_TIMESTAMP_ANNOTATION, "garbage").endMetadata().build();
        assertThat(Mapping.scheduledTime(badAnnotation, Mapping.cronJobOwner(badAnnotation), false))
                .isEqualTo(Instant.ofEpochSecond(29384640L * 60));
    }

    @Test
    void ownerIsTheCronJobReferencePreferringTheController() {
        Job j = new JobBuilder().withNewMetadata().withName("x").withNamespace("ns").withUid("u")
                .addToOwnerReferences(new OwnerReferenceBuilder().withKind("Workflow").withName("wf").withUid("w")
                        .build())
                .addToOwnerReferences(new OwnerReferenceBuilder().withKind("CronJob").withName("old").withUid("o")
                        .withController(false).build())
                .addToOwnerReferences(new OwnerReferenceBuilder().withKind("CronJob").withName("backup").withUid("c")
                        .withController(true).build())
                .endMetadata().build();
        assertThat(Mapping.cronJobOwner(j).getName()).isEqualTo("backup");
    }

    @Test
    void failedJobSnapshotEndsNoEarlierThanItStarted() {
        Job skewed = job("backup-1").withNewStatus().withStartTime("2026-01-15T10:00:10Z").withFailed(1)
                .withConditions(condition("Failed", "BackoffLimitExceeded", "m", Instant.parse("2026-01-15T10:00:09Z")))
                .endStatus().build();
        JobSnapshot s = Mapping.job(skewed, null, null, CLOCK);
        assertThat(s.finishedAt()).isEqualTo(s.startedAt());
        Job noTime = job("backup-2").withNewStatus().withStartTime("2026-01-15T10:00:00Z")
                .withConditions(new io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder().withType("Failed")
                        .withStatus("True").build()).endStatus().build();
        assertThat(Mapping.job(noTime, null, null, CLOCK).finishedAt()).as("first seen now").isEqualTo(NOW);
        assertThat(Mapping.job(noTime, null, NOW.minusSeconds(5), CLOCK).finishedAt()).as("stable once delivered")
                .isEqualTo(NOW.minusSeconds(5));
        Termination t = new Termination("main", 1, "Error", null, null);
        assertThat(Mapping.job(noTime, t, null, CLOCK).lastTermination()).isEqualTo(t);
        Job success = job("backup-3").withNewStatus().withStartTime("2026-01-15T10:00:00Z")
                .withCompletionTime("2026-01-15T10:01:00Z").withConditions(condition("Complete", null, null,
                        Instant.parse("2026-01-15T10:01:00Z"))).endStatus().build();
        assertThat(Mapping.job(success, t, null, CLOCK).lastTermination()).as("only failures carry one").isNull();
    }

    @Test
    void cronJobSnapshot() {
        CronJob cj = new CronJobBuilder().withNewMetadata().withName("backup").withNamespace("ns").withUid("u1")
                .withCreationTimestamp("2026-01-01T00:00:00Z").addToLabels("team", "ops").endMetadata()
                .withNewSpec().withSchedule(" CRON_TZ=Europe/Berlin 0 3 * * * ").withConcurrencyPolicy("Replace")
                .withStartingDeadlineSeconds(-1L).withTimeZone("").endSpec()
                .build();
        CronJobSnapshot s = Mapping.cronJob(cj, CLOCK);
        assertThat(s.schedule()).isEqualTo("CRON_TZ=Europe/Berlin 0 3 * * *");
        assertThat(s.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.REPLACE);
        assertThat(s.startingDeadlineSeconds()).isNull();
        assertThat(s.timeZone()).isNull();
        assertThat(s.suspended()).isFalse();
        assertThat(s.activeJobNames()).isEmpty();
        assertThat(s.labels()).containsEntry("team", "ops");
        CronJob weird = new CronJobBuilder(cj).editSpec().withConcurrencyPolicy("Sometimes").endSpec().build();
        assertThat(Mapping.cronJob(weird, CLOCK).concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.ALLOW);
        CronJob noSchedule = new CronJobBuilder(cj).editSpec().withSchedule(null).endSpec().build();
        assertThat(Mapping.cronJob(noSchedule, CLOCK)).isNull();
    }

    // ------------------------------------------------------------------------------------------------ pods

    private static Pod pod(String name, String created, String started, io.fabric8.kubernetes.api.model.PodStatus st) {
        if (st.getStartTime() == null) {
            st.setStartTime(started);
        }
        return new PodBuilder().withNewMetadata().withName(name).withCreationTimestamp(created)
                .addToOwnerReferences(new OwnerReferenceBuilder().withKind("Job").withName("j").withUid("job-uid")
                        .build()).endMetadata()
                .withNewSpec().addToContainers(new ContainerBuilder().withName("main").build())
                .addToContainers(new ContainerBuilder().withName("helper").build()).endSpec()
                .withStatus(st).build();
    }

    @Test
    void newestPodIsTheLastAttemptAndForeignPodsAreIgnored() {
        Pod first = pod("j-aaaaa", "2026-01-15T10:00:00Z", "2026-01-15T10:00:01Z", new PodStatusBuilder().build());
        Pod second = pod("j-bbbbb", "2026-01-15T10:00:20Z", "2026-01-15T10:00:21Z", new PodStatusBuilder().build());
        Pod sameSecondLaterStart = pod("j-00000", "2026-01-15T10:00:20Z", "2026-01-15T10:00:25Z",
                new PodStatusBuilder().build());
        Pod foreign = new PodBuilder(pod("j-zzzzz", "2026-01-15T11:00:00Z", null, new PodStatusBuilder().build()))
                .editMetadata().withOwnerReferences(new OwnerReferenceBuilder().withKind("Job").withName("j")
                        .withUid("older-job-with-same-name").build()).endMetadata().build();
        assertThat(Mapping.podsOfJob(List.of(first, foreign, second, sameSecondLaterStart), "job-uid"))
                .extracting(p -> p.getMetadata().getName()).containsExactly("j-00000", "j-bbbbb", "j-aaaaa");
    }

    @Test
    void terminationPrefersPodReasonThenFailedTerminationThenWaitingThenPreviousRun() {
        // app containers in spec order: main before helper, even when statuses come in another order
        Pod twoFailed = pod("p", "2026-01-15T10:00:00Z", null, new PodStatusBuilder().withPhase("Failed")
                .withContainerStatuses(terminated("helper", 2, "Error", null, null),
                        terminated("main", 137, "OOMKilled", null, null)).build());
        assertThat(Mapping.termination(twoFailed)).isEqualTo(new Termination("main", 137, "OOMKilled", null, null));
        // a container that completed is not the failure
        Pod oneCompleted = pod("p", "2026-01-15T10:00:00Z", null, new PodStatusBuilder().withPhase("Failed")
                .withContainerStatuses(terminated("main", 0, "Completed", null, null),
                        terminated("helper", 1, "Error", null, "boom")).build());
        assertThat(Mapping.termination(oneCompleted)).isEqualTo(new Termination("helper", 1, "Error", null, "boom"));
        // benign waiting reasons are not failures
        Pod starting = pod("p", "2026-01-15T10:00:00Z", null, new PodStatusBuilder().withPhase("Pending")
                .withContainerStatuses(waiting("main", "ContainerCreating", null)).build());
        assertThat(Mapping.termination(starting)).isNull();
        // a previous failed run when nothing else tells
        Pod restarted = pod("p", "2026-01-15T10:00:00Z", null, new PodStatusBuilder().withPhase("Running")
                .withContainerStatuses(new io.fabric8.kubernetes.api.model.ContainerStatusBuilder().withName("main")
                        .withNewState().withNewRunning().endRunning().endState()
                        .withNewLastState().withNewTerminated().withExitCode(139).withReason("Error").endTerminated()
                        .endLastState().build()).build());
        assertThat(Mapping.termination(restarted)).isEqualTo(new Termination("main", 139, "Error", null, null));
        assertThat(Mapping.termination(restarted).effectiveSignal()).isEqualTo(11);
        // a native sidecar (init container with restartPolicy Always) killed at the end is not blamed first
        Pod withSidecar = new PodBuilder(pod("p", "2026-01-15T10:00:00Z", null, new PodStatusBuilder()
                .withPhase("Failed")
                .withInitContainerStatuses(terminated("proxy", 143, "Error", null, null))
                .withContainerStatuses(terminated("main", 1, "Error", null, null)).build()))
                .editSpec().addToInitContainers(new ContainerBuilder().withName("proxy").withRestartPolicy("Always")
                        .build()).endSpec().build();
        assertThat(Mapping.termination(withSidecar).container()).isEqualTo("main");
        Pod noStatus = new PodBuilder().withNewMetadata().withName("p").endMetadata().build();
        assertThat(Mapping.termination(noStatus)).isNull();
    }
}
