package io.cronjobguardian.testkit;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.JobSnapshot;

import java.time.Duration;
import java.time.Instant;

/** Runs the watcher conformance suite against {@link ScriptableCronJobWatcher}, which plays the cluster too. */
class ScriptableCronJobWatcherContractTest extends CronJobWatcherContract {

    private ScriptableCronJobWatcher cluster;

    @Override
    protected CronJobWatcher createWatcher() {
        cluster = new ScriptableCronJobWatcher();
        return cluster;
    }

    @Override
    protected void createCronJob(String namespace, String name, String schedule) {
        cluster.putCronJob(TestObjects.cronJob(namespace, name).schedule(schedule).build());
    }

    @Override
    protected void setSuspended(String namespace, String name, boolean suspended) {
        cluster.setSuspended(CronJobRef.of(namespace, name), suspended);
    }

    @Override
    protected void deleteCronJob(String namespace, String name) {
        cluster.deleteCronJob(CronJobRef.of(namespace, name));
    }

    @Override
    protected void createJob(String namespace, String cronJobName, String jobName, Instant scheduledTime,
            boolean manual) {
        CronJobRef ref = CronJobRef.of(namespace, cronJobName);
        TestObjects.JobBuilder b = cluster.cronJob(ref).map(TestObjects::job).orElseGet(() -> TestObjects.job(ref))
                .name(jobName).scheduled(scheduledTime).manual(manual);
        Instant start = scheduledTime != null ? scheduledTime.plusSeconds(1) : TestObjects.DEFAULT_TIME;
        cluster.putJob(b.running(start).build());
    }

    @Override
    protected void finishJob(String namespace, String jobName, boolean succeeded, int failedAttempts,
            Instant finishedAt) {
        JobSnapshot job = cluster.job(namespace, jobName).orElseThrow();
        cluster.finishJob(job.uid(), succeeded, succeeded ? failedAttempts + 1 : failedAttempts, finishedAt);
    }

    @Override
    protected void deleteJob(String namespace, String jobName) {
        cluster.job(namespace, jobName).ifPresent(j -> cluster.deleteJob(j.uid()));
    }

    @Override
    protected Duration quietPeriod() {
        return Duration.ofMillis(100);
    }
}
