package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SlaAndFailureTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static MonitorSpec withSla(MonitorSpec.Sla sla) {
        return MonitorSpec.builder("team-a", "sla").sla(sla).build();
    }

    @Test
    void aFailedRunOpensJobFailedWithItsContextAndASuccessResolvesIt() {
        try (EngineHarness h = new EngineHarness(T0, List.of(MonitorSpec.of("team-a", "plain"))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "backup").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(2));
            JobSnapshot failed = TestObjects.job(cj).name("backup-1").uid("u1").scheduled(T0)
                    .failed(T0, T0.plusSeconds(90)).attempts(3)
                    .termination(new Termination("main", 137, "OOMKilled", null, "memory limit 128Mi"))
                    .condition("BackoffLimitExceeded", "Job has reached the specified backoff limit").build();
            h.watcher.setLogTail("u1", "line 1\nline 2\nkilled\n");
            h.watcher.setEvents("u1", "BackoffLimitExceeded: Job has reached the specified backoff limit");
            h.watcher.addJob(failed);
            h.run();
            Incident i = h.openIncidents(AlertType.JOB_FAILED).get(0);
            assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(i.message()).contains("backup-1").contains("OOMKilled").contains("exit code 137")
                    .contains("Attempts: 3");
            assertThat(i.signature()).isEqualTo("oom|OOMKilled");
            assertThat(i.context().exitCode()).isEqualTo(137);
            assertThat(i.context().logTail()).isEqualTo("line 1\nline 2\nkilled\n");
            assertThat(i.context().events()).containsExactly(
                    "BackoffLimitExceeded: Job has reached the specified backoff limit");
            assertThat(i.context().podStatus()).contains("exitCode=137").contains("signal=9");
            // storage is off by default: the run is recorded without its log
            assertThat(h.store.findExecution("u1")).get().satisfies(e -> {
                assertThat(e.state()).isEqualTo(JobState.FAILED);
                assertThat(e.logTail()).isNull();
                assertThat(e.job().lastTermination().reason()).isEqualTo("OOMKilled");
            });
            h.advance(Duration.ofHours(1));
            h.finishedRun(cj, T0.plus(Duration.ofHours(1)), Duration.ofSeconds(30), true);
            assertThat(h.openIncidents()).isEmpty();
        }
    }

    @Test
    void aJobThatFailsOnceAndSucceedsOnRetryIsOneSuccessfulRunAndNoIncident() {
        try (EngineHarness h = new EngineHarness(T0, List.of(MonitorSpec.of("team-a", "plain"))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "retry").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(5));
            h.watcher.simulateRun(TestObjects.job(cj).name("retry-1").uid("r1").scheduled(T0), T0, 1, true,
                    T0.plusSeconds(200));
            h.run();
            assertThat(h.allIncidents()).isEmpty();
            assertThat(h.store.executions(ExecutionQuery.forCronJob(cj.ref())).items()).singleElement()
                    .satisfies(e -> {
                        assertThat(e.state()).isEqualTo(JobState.SUCCEEDED);
                        assertThat(e.job().attempts()).isEqualTo(2);
                    });
        }
    }

    @Test
    void consecutiveFailureThresholdDelaysJobFailed() {
        MonitorSpec m = withSla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7).withMaxConsecutiveFailures(3));
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "x").schedule("0 * * * *"));
            for (int i = 1; i <= 2; i++) {
                h.advance(Duration.ofHours(1));
                h.finishedRun(cj, h.now().minusSeconds(60), Duration.ofSeconds(10), false);
            }
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            h.advance(Duration.ofHours(1));
            h.finishedRun(cj, h.now().minusSeconds(60), Duration.ofSeconds(10), false);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("3 runs in a row failed"));
        }
    }

    @Test
    void successRateNeedsEnoughRunsAndNoDataIsNotABreach() {
        MonitorSpec m = withSla(MonitorSpec.Sla.defaults());   // 95 % over 7 days, at least 3 runs
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "sr").schedule("0 * * * *"));
            h.advance(Duration.ofDays(2));
            assertThat(h.openIncidents()).isEmpty();   // no data
            h.finishedRun(cj, h.now().minusSeconds(600), Duration.ofSeconds(10), false);
            h.advance(Duration.ofMinutes(1));
            h.finishedRun(cj, h.now().minusSeconds(500), Duration.ofSeconds(10), true);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();   // 2 runs < minimum 3
            h.advance(Duration.ofMinutes(1));
            h.finishedRun(cj, h.now().minusSeconds(400), Duration.ofSeconds(10), true);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).singleElement().satisfies(i -> {
                assertThat(i.key().subject()).isEqualTo("successRate");
                assertThat(i.severity()).isEqualTo(Severity.WARNING);
                assertThat(i.message()).contains("66.7%").contains("95.0%");
                assertThat(i.context().successRate()).isCloseTo(66.67, org.assertj.core.data.Offset.offset(0.01));
            });
            // the failure leaves the 7-day window: the safety sweep resolves the breach
            h.advance(Duration.ofDays(7).plusMinutes(1));
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();
        }
    }

    @Test
    void maxDurationOnAFinishedRunAndOnARunStillGoing() {
        MonitorSpec m = withSla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7).withMaxDuration(Duration.ofMinutes(5)));
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "slow").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(11));
            h.finishedRun(cj, T0, Duration.ofMinutes(10), true);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("took 10m"));
            h.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(1));
            h.finishedRun(cj, T0.plus(Duration.ofHours(1)), Duration.ofSeconds(1), true);
            h.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(3));
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();
            Instant start = T0.plus(Duration.ofHours(2));
            h.advanceTo(start);
            h.runningJob(cj, start, start);
            h.advanceTo(start.plus(Duration.ofMinutes(5)));
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();
            h.advanceTo(start.plus(Duration.ofMinutes(5)).plusMillis(1));   // the timer fires when the run exceeds 5m
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("has been running for"));
        }
    }

    @Test
    void durationRegressionInBothDirections() {
        MonitorSpec m = withSla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7));   // +-50 %, baseline 14 d, recent 1 d, min 5
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "reg").schedule("0 * * * *"));
            h.advance(Duration.ofDays(10));
            Instant now = h.now();
            for (int i = 0; i < 10; i++) {   // baseline: 60 s runs, 2 to 9 days ago
                Instant s = now.minus(Duration.ofDays(2 + (i % 7))).minus(Duration.ofMinutes(i));
                h.finishedRun(cj, s, Duration.ofSeconds(60), true);
            }
            for (int i = 0; i < 4; i++) {   // recent: 120 s runs, but only 4 of them
                h.finishedRun(cj, now.minus(Duration.ofHours(i + 1)), Duration.ofSeconds(120), true);
            }
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).isEmpty();
            h.finishedRun(cj, now.minus(Duration.ofMinutes(30)), Duration.ofSeconds(120), true);
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).singleElement().satisfies(i -> {
                assertThat(i.signature()).isEqualTo("slower");
                assertThat(i.message()).contains("increased by 100%");
            });
        }
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "fast").schedule("0 * * * *"));
            h.advance(Duration.ofDays(10));
            Instant now = h.now();
            for (int i = 0; i < 6; i++) {
                h.finishedRun(cj, now.minus(Duration.ofDays(3)).minus(Duration.ofHours(i)), Duration.ofSeconds(300), true);
                h.finishedRun(cj, now.minus(Duration.ofHours(i + 1)), Duration.ofSeconds(100), true);
            }
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).singleElement()
                    .satisfies(i -> assertThat(i.signature()).isEqualTo("faster"));
        }
    }
}
