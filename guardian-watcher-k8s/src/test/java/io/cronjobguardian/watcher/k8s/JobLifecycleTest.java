package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.DELETED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.MockCluster.condition;
import static io.cronjobguardian.watcher.k8s.MockCluster.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The mapping rules of ARCHITECTURE.md §5, end to end through informers on the mock API server. */
class JobLifecycleTest extends WatcherTestSupport {

    private static final CronJobRef BACKUP = CronJobRef.of("ns1", "backup");

    private static String jobName(String cronJob, Instant slot) {
        return cronJob + "-" + slot.getEpochSecond() / 60;
    }

    @Test
    void cronJobSnapshotCarriesSpecAndStatus() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        cluster.editCronJob("ns1", "backup", cj -> new CronJobBuilder(cj).editSpec().withTimeZone("Europe/Berlin")
                .withStartingDeadlineSeconds(120L).withConcurrencyPolicy("Forbid").withSuspend(false).endSpec()
                .build());
        startWatcher();
        CronJobSnapshot added = events.awaitCronJob(ADDED, BACKUP, c -> true, TIMEOUT);
        CronJob raw = cluster.admin.batch().v1().cronjobs().inNamespace("ns1").withName("backup").get();
        assertThat(added.uid()).isEqualTo(raw.getMetadata().getUid());
        assertThat(added.labels()).containsEntry("app", "backup");
        assertThat(added.schedule()).isEqualTo("*/5 * * * *");
        assertThat(added.timeZone()).isEqualTo("Europe/Berlin");
        assertThat(added.startingDeadlineSeconds()).isEqualTo(120L);
        assertThat(added.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.FORBID);
        assertThat(added.suspended()).isFalse();
        assertThat(added.creationTime()).isEqualTo(Instant.parse(raw.getMetadata().getCreationTimestamp()));
        assertThat(added.lastScheduleTime()).isNull();

        Instant scheduled = Instant.parse("2026-03-29T01:00:00Z");
        cluster.updateCronJobStatus("ns1", "backup", cj -> {
            if (cj.getStatus() == null) {
                cj.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus());
            }
            cj.getStatus().setLastScheduleTime("2026-03-29T03:00:00+02:00");
            cj.getStatus().setLastSuccessfulTime("2026-03-29T00:59:30Z");
            cj.getStatus().setActive(List.of(new ObjectReferenceBuilder().withKind("Job").withName("backup-1")
                    .withNamespace("ns1").build()));
            return cj;
        });
        CronJobSnapshot updated = events.awaitCronJob(UPDATED, BACKUP, c -> c.lastScheduleTime() != null, TIMEOUT);
        assertThat(updated.lastScheduleTime()).isEqualTo(scheduled);
        assertThat(updated.lastSuccessfulTime()).isEqualTo(Instant.parse("2026-03-29T00:59:30Z"));
        assertThat(updated.activeJobNames()).containsExactly("backup-1");

        cluster.editCronJob("ns1", "backup", cj -> new CronJobBuilder(cj).editSpec().withSuspend(true).endSpec().build());
        events.awaitCronJob(UPDATED, BACKUP, CronJobSnapshot::suspended, TIMEOUT);
        cluster.deleteCronJob("ns1", "backup");
        events.awaitCronJob(DELETED, BACKUP, c -> true, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> watcher().cronJob(BACKUP).isEmpty());
    }

    private KubernetesCronJobWatcher current;

    private KubernetesCronJobWatcher watcher() {
        return current;
    }

    @Override
    KubernetesCronJobWatcher startWatcher(String... settings) {
        current = super.startWatcher(settings);
        return current;
    }

    @Test
    void successfulRunFromAddedToSucceeded() {
        CronJob cj = cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(60);
        String name = jobName("backup", slot);
        cluster.createRunningJob("ns1", "backup", name, slot, false);

        JobSnapshot running = events.awaitJob(ADDED, "ns1", name, j -> true, TIMEOUT);
        assertThat(running.state()).isEqualTo(JobState.RUNNING);
        assertThat(running.owner()).isEqualTo(BACKUP);
        assertThat(running.ownerUid()).isEqualTo(cj.getMetadata().getUid());
        assertThat(running.scheduledTime()).isEqualTo(slot);
        assertThat(running.manual()).isFalse();
        assertThat(running.startedAt()).isEqualTo(slot);
        assertThat(running.finishedAt()).isNull();
        assertThat(running.attempts()).isEqualTo(1);

        cluster.finishJob("ns1", name, true, 0, slot.plusSeconds(42));
        JobSnapshot done = events.awaitJob(UPDATED, "ns1", name, j -> j.state().isTerminal(), TIMEOUT);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.finishedAt()).isEqualTo(slot.plusSeconds(42));
        assertThat(done.duration()).isEqualTo(Duration.ofSeconds(42));
        assertThat(done.attempts()).isEqualTo(1);
        assertThat(done.conditionReason()).isEqualTo("CompletionsReached");
        assertThat(done.lastTermination()).isNull();
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(watcher().jobs(BACKUP)).containsExactly(done));

        cluster.deleteJob("ns1", name);
        events.awaitJob(DELETED, "ns1", name, j -> j.state() == JobState.SUCCEEDED, TIMEOUT);
        await().atMost(TIMEOUT).until(() -> watcher().jobs(BACKUP).isEmpty());
    }

    @Test
    void retryThatSucceedsIsOneSuccessfulRunWithTwoAttempts() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(120);
        String name = jobName("backup", slot);
        cluster.createRunningJob("ns1", "backup", name, slot, false);
        events.awaitJob(ADDED, "ns1", name, j -> true, TIMEOUT);

        // first pod fails, the Job controller starts a second one: status.failed = 1, no terminal condition
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).withFailed(1).withActive(1).build());
        JobSnapshot retrying = events.awaitJob(UPDATED, "ns1", name, j -> j.attempts() == 2, TIMEOUT);
        assertThat(retrying.state()).isEqualTo(JobState.RUNNING);

        cluster.finishJob("ns1", name, true, 1, slot.plusSeconds(90));
        JobSnapshot done = events.awaitJob(UPDATED, "ns1", name, j -> j.state().isTerminal(), TIMEOUT);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        assertThat(done.finishedAt()).isEqualTo(slot.plusSeconds(90));
        assertThat(events.jobEvents(done.uid())).noneMatch(e -> e.job().state() == JobState.FAILED);
    }

    @Test
    void failedCountAloneNeverMakesAJobFailed() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        String name = "backup-29000000";
        cluster.createRunningJob("ns1", "backup", name, null, false);
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).withFailed(3).withActive(0).build());
        JobSnapshot j = events.awaitJob(UPDATED, "ns1", name, x -> x.attempts() == 3, TIMEOUT);
        assertThat(j.state()).isEqualTo(JobState.RUNNING);
        assertThat(j.finishedAt()).isNull();
    }

    @Test
    void kubernetes131OrderingFailureTargetThenFailed() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(300);
        String name = jobName("backup", slot);
        cluster.createRunningJob("ns1", "backup", name, slot, false);
        events.awaitJob(ADDED, "ns1", name, j -> true, TIMEOUT);

        Instant target = slot.plusSeconds(100);
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).withFailed(7).withActive(0)
                .withConditions(condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit", target))
                .build());
        JobSnapshot failing = events.awaitJob(UPDATED, "ns1", name, j -> j.state().isTerminal(), TIMEOUT);
        assertThat(failing.state()).isEqualTo(JobState.FAILED);
        assertThat(failing.finishedAt()).isEqualTo(target);
        assertThat(failing.conditionReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(failing.attempts()).isEqualTo(7);

        Instant failed = slot.plusSeconds(103);
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).addToConditions(
                condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", failed)).build());
        JobSnapshot done = events.awaitJob(UPDATED, "ns1", name, j -> failed.equals(j.finishedAt()), TIMEOUT);
        assertThat(done.state()).isEqualTo(JobState.FAILED);
        assertThat(events.jobEvents(done.uid())).extracting(e -> e.job().state())
                .containsExactly(JobState.RUNNING, JobState.FAILED, JobState.FAILED);
        assertThat(events.jobEvents(done.uid())).extracting(Event::type).containsExactly(ADDED, UPDATED, UPDATED);
    }

    @Test
    void kubernetes131OrderingSuccessCriteriaMetThenComplete() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        Instant slot = MockCluster.now().minusSeconds(300);
        String name = jobName("backup", slot);
        cluster.createRunningJob("ns1", "backup", name, slot, false);
        events.awaitJob(ADDED, "ns1", name, j -> true, TIMEOUT);

        Instant met = slot.plusSeconds(60);
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).withSucceeded(1).withActive(0)
                .withConditions(condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods", met))
                .build());
        JobSnapshot succeeding = events.awaitJob(UPDATED, "ns1", name, j -> j.state().isTerminal(), TIMEOUT);
        assertThat(succeeding.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(succeeding.finishedAt()).isEqualTo(met);

        Instant complete = slot.plusSeconds(62);
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).withCompletionTime(ts(complete))
                .addToConditions(condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", complete))
                .build());
        JobSnapshot done = events.awaitJob(UPDATED, "ns1", name, j -> complete.equals(j.finishedAt()), TIMEOUT);
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(1);
    }

    @Test
    void manualRunIsFlaggedAndHasNoSlot() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        cluster.createRunningJob("ns1", "backup", "backup-manual-x7k2p", null, true);
        JobSnapshot j = events.awaitJob(ADDED, "ns1", "backup-manual-x7k2p", x -> true, TIMEOUT);
        assertThat(j.manual()).isTrue();
        assertThat(j.scheduledTime()).isNull();
        assertThat(j.owner()).isEqualTo(BACKUP);
    }

    @Test
    void slotFromNameSuffixWhenTheAnnotationIsMissingElseNull() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        startWatcher();
        // the controller names Jobs <cronjob>-<scheduled minutes since the epoch>
        cluster.createRunningJob("ns1", "backup", "backup-29384640", null, false);
        assertThat(events.awaitJob(ADDED, "ns1", "backup-29384640", x -> true, TIMEOUT).scheduledTime())
                .isEqualTo(Instant.ofEpochSecond(29384640L * 60));
        // no annotation and no numeric suffix
        cluster.createRunningJob("ns1", "backup", "backup-adhoc", null, false);
        assertThat(events.awaitJob(ADDED, "ns1", "backup-adhoc", x -> true, TIMEOUT).scheduledTime()).isNull();
        // annotation with the CronJob's offset (spec.timeZone) wins over the name
        cluster.createJob("ns1", "backup", "backup-29384645", null, false,
                Map.of(Mapping.SCHEDULED_TIMESTAMP_ANNOTATION, "2025-11-13T08:00:00-08:00"));
        assertThat(events.awaitJob(ADDED, "ns1", "backup-29384645", x -> true, TIMEOUT).scheduledTime())
                .isEqualTo(Instant.parse("2025-11-13T16:00:00Z"));
    }

    @Test
    void jobWithoutOwnerIsDeliveredWithNullOwner() {
        startWatcher();
        Job created = cluster.createRunningJob("ns1", null, "adhoc-29384640", null, false);
        JobSnapshot j = events.awaitJob(ADDED, "ns1", "adhoc-29384640", x -> true, TIMEOUT);
        assertThat(j.owner()).isNull();
        assertThat(j.ownerUid()).isNull();
        assertThat(j.scheduledTime()).as("no owner, so the suffix is not trusted").isNull();
        assertThat(j.uid()).isEqualTo(created.getMetadata().getUid());
        cluster.finishJob("ns1", "adhoc-29384640", true, 0, MockCluster.now());
        events.awaitJob(UPDATED, "ns1", "adhoc-29384640", x -> x.state() == JobState.SUCCEEDED, TIMEOUT);
    }

    @Test
    void unchangedSnapshotsAreNotRedeliveredAndObjectsStartWithAdded() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        Instant slot = MockCluster.now().minusSeconds(60);
        String name = jobName("backup", slot);
        cluster.createRunningJob("ns1", "backup", name, slot, false);
        startWatcher();
        events.awaitJob(ADDED, "ns1", name, j -> true, TIMEOUT);
        // a status change the snapshot does not show (ready count) is not an event
        cluster.updateJobStatus("ns1", name, s -> new JobStatusBuilder(s).withReady(1).build());
        cluster.finishJob("ns1", name, true, 0, slot.plusSeconds(5));
        events.awaitJob(UPDATED, "ns1", name, j -> j.state().isTerminal(), TIMEOUT);
        List<Event> jobEvents = events.events(e -> e.isJob("ns1", name));
        assertThat(jobEvents).extracting(Event::type).containsExactly(ADDED, UPDATED);
        assertThat(events.sawConcurrentCalls()).isFalse();
    }

    @Test
    void listenerExceptionsAreLoggedAndDeliveryGoesOn() {
        cluster.createCronJob("ns1", "a", "* * * * *");
        cluster.createCronJob("ns1", "b", "* * * * *");
        KubernetesCronJobWatcher w = newWatcher();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        w.start(new io.cronjobguardian.api.WatchListener() {
            @Override
            public void onCronJob(WatchEventType type, CronJobSnapshot cronJob) {
                seen.add(cronJob.ref().name());
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onJob(WatchEventType type, JobSnapshot job) {
                throw new IllegalStateException("listener bug");
            }
        });
        await().atMost(TIMEOUT).until(w::hasSynced);
        assertThat(seen).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void resyncRedeliversUnchangedObjectsAsUpdatedWithoutReadingPodsAgain() {
        cluster.createCronJob("ns1", "backup", "*/5 * * * *");
        Instant slot = MockCluster.now().minusSeconds(600);
        cluster.createRunningJob("ns1", "backup", "backup-1", slot, false);
        cluster.finishJob("ns1", "backup-1", false, 2, slot.plusSeconds(30));
        KubernetesCronJobWatcher w = new KubernetesCronJobWatcher(KubernetesWatcherConfig.defaults()
                .withResyncPeriod(Duration.ofMillis(500)), cluster.newWatcherClient(), java.time.Clock.systemUTC());
        try {
            w.start(events);
            JobSnapshot added = events.awaitJob(ADDED, "ns1", "backup-1", j -> j.state() == JobState.FAILED, TIMEOUT);
            JobSnapshot resynced = events.awaitJob(UPDATED, "ns1", "backup-1", j -> true, TIMEOUT);
            assertThat(resynced).isEqualTo(added);
            events.awaitCronJob(UPDATED, BACKUP, c -> true, TIMEOUT);
            long podReads = cluster.api.requestsUnderTest().stream().filter(p -> p.contains("/pods?")).count();
            assertThat(podReads).as("pods are read when the Job is first seen FAILED, not on resync").isBetween(1L, 2L);
        } finally {
            w.close();
        }
    }
}
