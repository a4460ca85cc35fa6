package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SLA defaults that follow the schedule (issue 13, item 9): the success rate's minimum runs and the regression's
 * recent window and minimum samples are derived from the schedule's period when they are not set, and failed runs
 * stay out of the regression's P95.
 */
class ScheduleAwareSlaTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static MonitorSpec withSla(MonitorSpec.Sla sla) {
        return MonitorSpec.builder("team-a", "sla").sla(sla).build();
    }

    @Test
    void aDailyJobWhoseDurationDoublesOpensDurationRegressionWithDefaultSettings() {
        try (EngineHarness h = new EngineHarness(T0, List.of(withSla(MonitorSpec.Sla.defaults()))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "nightly").schedule("0 3 * * *"));
            h.advanceTo(T0.plus(Duration.ofDays(20)).plus(Duration.ofHours(4)));
            for (int d = 6; d <= 20; d++) {   // one run a night, 10 minutes; the last three take 20 minutes
                h.finishedRun(cj, T0.plus(Duration.ofDays(d)).plus(Duration.ofHours(3)),
                        Duration.ofMinutes(d >= 18 ? 20 : 10), true);
            }
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).singleElement().satisfies(i -> {
                assertThat(i.signature()).isEqualTo("slower");
                assertThat(i.message()).contains("increased by 100%").contains("over the last 6d");
            });
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();
        }
    }

    @Test
    void theRegressionThresholdAndBaselineWindowDecide() {
        // the scenario of the test above opens DurationRegression (+100 %) with the defaults (50 %, 14 days)
        MonitorSpec.Sla higher = new MonitorSpec.Sla(true, 95, 7, null, null, 150, 14, null, null, null, null);
        MonitorSpec.Sla shortBaseline = new MonitorSpec.Sla(true, 95, 7, null, null, 50, 3, null, null, null, null);
        for (MonitorSpec.Sla sla : List.of(higher, shortBaseline)) {
            try (EngineHarness h = new EngineHarness(T0, List.of(withSla(sla))).start()) {
                CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "nightly").schedule("0 3 * * *"));
                h.advanceTo(T0.plus(Duration.ofDays(20)).plus(Duration.ofHours(4)));
                for (int d = 6; d <= 20; d++) {
                    h.finishedRun(cj, T0.plus(Duration.ofDays(d)).plus(Duration.ofHours(3)),
                            Duration.ofMinutes(d >= 18 ? 20 : 10), true);
                }
                // +100 % is below a 150 % threshold; a 3-day baseline is not longer than the derived recent window
                assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).as("%s", sla).isEmpty();
            }
        }
    }

    @Test
    void explicitRegressionSettingsStillWin() {
        MonitorSpec.Sla sla = new MonitorSpec.Sla(true, 95, 7, null, null, 50, 14, Duration.ofDays(1), 5, null,
                null);
        try (EngineHarness h = new EngineHarness(T0, List.of(withSla(sla))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "nightly").schedule("0 3 * * *"));
            h.advanceTo(T0.plus(Duration.ofDays(20)).plus(Duration.ofHours(4)));
            for (int d = 6; d <= 20; d++) {
                h.finishedRun(cj, T0.plus(Duration.ofDays(d)).plus(Duration.ofHours(3)),
                        Duration.ofMinutes(d >= 18 ? 20 : 10), true);
            }
            // 1 day holds one run of a daily job, fewer than the 5 samples asked for: no data, no alert
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).isEmpty();
        }
    }

    @Test
    void aWeeklyJobWithA7DayWindowBreachesItsSuccessRate() {
        MonitorSpec m = withSla(MonitorSpec.Sla.defaults().withSuccessRate(95, 7));
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            // 2026-06-01 is a Monday
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "weekly").schedule("0 3 * * 1"));
            for (int w = 0; w < 3; w++) {
                Instant slot = T0.plus(Duration.ofDays(7L * w)).plus(Duration.ofHours(3));
                h.advanceTo(slot.plus(Duration.ofHours(1)));
                h.finishedRun(cj, slot, Duration.ofMinutes(30), true);
                assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();
            }
            Instant slot = T0.plus(Duration.ofDays(21)).plus(Duration.ofHours(3));
            h.advanceTo(slot.plus(Duration.ofHours(1)));
            h.finishedRun(cj, slot, Duration.ofMinutes(5), false);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).singleElement().satisfies(i -> {
                assertThat(i.key().subject()).isEqualTo("successRate");
                assertThat(i.message()).contains("0.0%").contains("(0 of 1 runs");
            });
            // the next week's success: the failure has left the window
            Instant next = slot.plus(Duration.ofDays(7));
            h.advanceTo(next.plus(Duration.ofHours(1)));
            h.finishedRun(cj, next, Duration.ofMinutes(30), true);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).isEmpty();
        }
    }

    @Test
    void failedQuickRunsDoNotLowerTheRecentP95() {
        MonitorSpec m = withSla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7));
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "storm").schedule("0 * * * *"));
            h.advance(Duration.ofDays(10));
            Instant now = h.now();
            for (int i = 0; i < 10; i++) {   // baseline: 60 s successes, 2 to 9 days ago
                h.finishedRun(cj, now.minus(Duration.ofDays(2 + (i % 7))).minus(Duration.ofMinutes(i)),
                        Duration.ofSeconds(60), true);
            }
            for (int i = 0; i < 20; i++) {   // the last day: a crash storm of runs failing after 1 s
                h.finishedRun(cj, now.minus(Duration.ofMinutes(20 + 30L * i)), Duration.ofSeconds(1), false);
            }
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).isEmpty();
            for (int i = 0; i < 5; i++) {   // and successes as long as ever
                h.finishedRun(cj, now.minus(Duration.ofMinutes(5 + 30L * i)), Duration.ofSeconds(60), true);
            }
            assertThat(h.openIncidents(AlertType.DURATION_REGRESSION)).isEmpty();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
        }
    }
}
