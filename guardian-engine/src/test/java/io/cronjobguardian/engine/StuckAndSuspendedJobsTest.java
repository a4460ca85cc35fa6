package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Suspended Jobs and Jobs that never get a pod, as Kubernetes runs them: a Job suspended mid-run (spec.suspend, or
 * queued by Kueue) carries the condition {@code Suspended=True} and is not running, and its {@code startTime} is
 * reset when it resumes; a Job whose pods cannot be created ({@code FailedCreate}: quota, admission) or scheduled
 * ({@code FailedScheduling}) stays active without a running pod, and with {@code concurrencyPolicy: Forbid} the
 * CronJob controller skips every later slot.
 */
class StuckAndSuspendedJobsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static CronJobSnapshot forbidCronJob(EngineHarness h) {
        return h.addCronJob(TestObjects.cronJob("team-a", "backup").schedule("0 * * * *").creationTime(T0.minusSeconds(3600))
                .concurrencyPolicy(ConcurrencyPolicy.FORBID));
    }

    private static JobSnapshot podless(CronJobSnapshot cj, String name, Instant created) {
        return TestObjects.job(cj).name(name).uid("uid-" + name).scheduled(created).createdAt(created)
                .running(created).podStarted(false).build();
    }

    @Test
    void aJobWithNoPodRunningOpensJobStuckAtTheExactDeadlineWithItsEventsAndResolvesWhenAPodRuns() {
        MonitorSpec m = MonitorSpec.of("team-a", "m");   // stuckJob on by default, 10 minutes
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = forbidCronJob(h);
            JobSnapshot job = podless(cj, "backup-29000000", T0);
            h.watcher.setEvents(job.uid(), "FailedCreate: Error creating: pods \"backup-29000000-x\" is forbidden: "
                    + "exceeded quota: compute, requested: cpu=2, used: cpu=8, limited: cpu=8");
            h.watcher.addJob(job);
            h.run();
            h.advanceTo(T0.plus(Duration.ofMinutes(10)).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofMinutes(10)));   // the engine wakes at creation + 10 min: no polling
            Incident i = h.openIncidents(AlertType.JOB_STUCK).get(0);
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).hasSize(1);
            assertThat(i.openedAt()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
            assertThat(i.severity()).isEqualTo(Severity.WARNING);
            assertThat(i.key().cronJob()).isEqualTo(cj.ref());
            assertThat(i.message()).contains("backup-29000000").contains("no pod running").contains("FailedCreate")
                    .contains("Forbid");
            assertThat(i.context().jobName()).isEqualTo("backup-29000000");
            assertThat(i.context().events()).singleElement().asString().startsWith("FailedCreate: ");

            // the quota is raised, the pod runs: resolved at once
            h.advance(Duration.ofMinutes(3));
            h.watcher.updateJob(TestObjects.job(job).podStarted(true).build());
            h.run();
            assertThat(h.openIncidents()).isEmpty();
            assertThat(h.store.incidents(IncidentQuery.all()).items()).singleElement()
                    .satisfies(r -> assertThat(r.resolvedAt()).isEqualTo(T0.plus(Duration.ofMinutes(13))));
        }
    }

    @Test
    void jobStuckResolvesWhenTheJobEndsOrIsDeleted() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m")
                .stuckJob(new MonitorSpec.StuckJob(true, Duration.ofMinutes(5))).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = forbidCronJob(h);
            JobSnapshot a = podless(cj, "backup-a", T0);
            h.watcher.addJob(a);
            h.run();
            h.advance(Duration.ofMinutes(5));
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).hasSize(1);
            h.watcher.deleteJob(a.uid());   // deleted by hand
            h.run();
            assertThat(h.openIncidents()).isEmpty();

            JobSnapshot b = podless(cj, "backup-b", h.now());
            h.watcher.addJob(b);
            h.run();
            h.advance(Duration.ofMinutes(6));
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("backup-b"));
            // activeDeadlineSeconds ends it: Failed, DeadlineExceeded
            h.watcher.updateJob(TestObjects.job(b).failed(b.effectiveStart(), h.now())
                    .condition("DeadlineExceeded", "Job was active longer than specified deadline").build());
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).isEmpty();
        }
    }

    @Test
    void aSuspendedJobIsNotStuckAndItsWaitStartsWhenItResumes() {
        MonitorSpec m = MonitorSpec.of("team-a", "m");
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = forbidCronJob(h);
            // queued by Kueue: created suspended, no startTime, no pod
            JobSnapshot queued = TestObjects.job(cj).name("backup-q").uid("uid-q").scheduled(T0).createdAt(T0)
                    .notStarted().podStarted(false).suspendedSince(T0).build();
            h.watcher.addJob(queued);
            h.run();
            h.advance(Duration.ofHours(3));
            assertThat(h.openIncidents()).isEmpty();

            // admitted at 03:00: the Job controller sets startTime; no pod yet
            Instant resumed = h.now();
            h.watcher.updateJob(TestObjects.job(queued).suspendedSince(null).running(resumed).build());
            h.run();
            h.advanceTo(resumed.plus(Duration.ofMinutes(10)).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(resumed.plus(Duration.ofMinutes(10)));
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("backup-q"));
        }
    }

    @Test
    void suspendedTimeIsNotRunTimeForMaxDuration() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m")
                .sla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7).withMaxDuration(Duration.ofMinutes(30))).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = forbidCronJob(h);
            JobSnapshot job = TestObjects.job(cj).name("backup-s").uid("uid-s").scheduled(T0).running(T0).build();
            h.watcher.addJob(job);
            h.run();
            // suspended after 10 minutes (spec.suspend: true): the Job controller deletes its pods
            h.advance(Duration.ofMinutes(10));
            h.watcher.updateJob(TestObjects.job(job).suspendedSince(h.now()).build());
            h.run();
            h.advance(Duration.ofHours(2));
            assertThat(h.openIncidents()).as("2 h suspended is not 2 h of running").isEmpty();
            assertThat(h.guardian.status(cj.ref())).get().satisfies(s -> assertThat(s.activeJobs()).singleElement()
                    .satisfies(a -> assertThat(a.runningFor()).isEqualTo(Duration.ofMinutes(10))));

            // resumed: Kubernetes resets status.startTime to now, the timer restarts
            Instant resumed = h.now();
            h.watcher.updateJob(TestObjects.job(job).suspendedSince(null).running(resumed).build());
            h.run();
            h.advanceTo(resumed.plus(Duration.ofMinutes(30)));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(resumed.plus(Duration.ofMinutes(30)).plusMillis(1));
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("backup-s").contains("running"));
        }
    }

    @Test
    void jobStuckHasItsOwnSeverityOverrideAndCanBeTurnedOff() {
        MonitorSpec.Alerting critical = new MonitorSpec.Alerting(true, List.of(),
                new MonitorSpec.SeverityOverrides(null, null, null, null, null, null, Severity.CRITICAL, null), null,
                Duration.ZERO, MonitorSpec.IncludeContext.defaults(), List.of(), null);
        MonitorSpec loud = MonitorSpec.builder("team-a", "loud").alerting(critical).build();
        MonitorSpec off = MonitorSpec.builder("team-a", "off").stuckJob(MonitorSpec.StuckJob.disabled()).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(loud, off)).start()) {
            CronJobSnapshot cj = forbidCronJob(h);
            h.watcher.addJob(podless(cj, "backup-x", T0));
            h.run();
            h.advance(Duration.ofMinutes(10));
            assertThat(h.openIncidents(AlertType.JOB_STUCK)).singleElement().satisfies(i -> {
                assertThat(i.key().monitor()).isEqualTo("team-a/loud");
                assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
            });
        }
    }
}
