package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class SuspensionAndMaintenanceTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static MonitorSpec.DeadManSwitch missed(Duration buffer) {
        return new MonitorSpec.DeadManSwitch(true, null, new MonitorSpec.AutoFromSchedule(true, buffer, 1));
    }

    @Test
    void suspendedCronJobIsNotJudgedAndSlotsWhileSuspendedAreNotCountedAfterResume() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m").deadManSwitch(missed(Duration.ofMinutes(5))).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "s").schedule("0 * * * *")
                    .creationTime(T0).suspended(true));
            h.advance(Duration.ofHours(5));
            assertThat(h.openIncidents()).isEmpty();
            assertThat(h.guardian.status(cj.ref())).get()
                    .satisfies(s -> assertThat(s.state()).isEqualTo(HealthState.SUSPENDED));
            h.watcher.setSuspended(cj.ref(), false);   // resumed at 05:00
            h.run();
            h.advanceTo(T0.plus(Duration.ofHours(6)).plusSeconds(299));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(6)).plusSeconds(300));   // 06:00 missed: the first slot after resume
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("Missed 1 scheduled run"));
        }
    }

    @Test
    void suspendedTooLongIsMeasuredFromAPersistedSuspensionTimeAcrossRestarts() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m")
                .suspendedHandling(new MonitorSpec.SuspendedHandling(true, Duration.ofHours(24))).build();
        InMemoryHistoryStore store = new InMemoryHistoryStore();   // the restarted engine gets a peer instance
        ScriptableCronJobWatcher w1 = new ScriptableCronJobWatcher();
        ManualClock clock = new ManualClock(T0);
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "paused").schedule("0 * * * *").creationTime(T0)
                .suspended(true).build();
        try (EngineHarness h = new EngineHarness(clock, List.of(m), store, w1, c -> { }).start()) {
            h.watcher.addCronJob(cj);
            h.run();
            h.advance(Duration.ofHours(10));
            assertThat(h.openIncidents()).isEmpty();
        }
        // the engine restarts 10 hours later: the clock of the suspension must not restart with it
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(cj);
        try (EngineHarness h = new EngineHarness(clock, List.of(m), store.createPeer(), w2, c -> { }).start()) {
            h.advanceTo(T0.plus(Duration.ofHours(24)).minusSeconds(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(24)));
            assertThat(h.openIncidents(AlertType.SUSPENDED_TOO_LONG)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(T0.plus(Duration.ofHours(24))));
            h.watcher.setSuspended(cj.ref(), false);
            h.run();
            assertThat(h.openIncidents()).isEmpty();
        }
    }

    @Test
    void maintenanceWindowHoldsOpeningsBackUntilItClosesButNeverResolutions() {
        // daily window 02:00-04:00 Europe/Berlin (00:00-02:00 UTC in June)
        MonitorSpec m = MonitorSpec.builder("team-a", "m").deadManSwitch(missed(Duration.ofMinutes(5)))
                .maintenanceWindow(new MonitorSpec.MaintenanceWindow("nightly", "0 2 * * *", Duration.ofHours(2),
                        ZoneId.of("Europe/Berlin"), true))
                .build();
        Instant start = Instant.parse("2026-05-31T23:00:00Z");
        try (EngineHarness h = new EngineHarness(start, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "mw").schedule("30 * * * *")
                    .creationTime(start));
            h.simulateController(cj, Instant.parse("2026-05-31T23:40:00Z"), Duration.ofMinutes(1), s -> false);
            // 00:30 UTC missed, inside the window: held back
            h.advanceTo(Instant.parse("2026-06-01T01:59:59Z"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-01T02:00:00Z"));   // window closed, misses persist: opened
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(Instant.parse("2026-06-01T02:00:00Z")));
            // next night: the incident is open when the window starts; a run inside the window resolves it
            h.advanceTo(Instant.parse("2026-06-02T00:30:00Z"));
            h.finishedRun(cj, Instant.parse("2026-06-02T00:30:00Z"), Duration.ofSeconds(0), true);
            assertThat(h.openIncidents()).isEmpty();
        }
    }

    @Test
    void jobFailedIsHeldBackByAMaintenanceWindowToo() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m")
                .maintenanceWindow(new MonitorSpec.MaintenanceWindow("weekly", "@weekly", Duration.ofDays(2),
                        ZoneId.of("UTC"), true))
                .build();
        Instant sunday = Instant.parse("2026-06-07T00:00:00Z");
        try (EngineHarness h = new EngineHarness(sunday.plus(Duration.ofHours(1)), List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "f").schedule("0 * * * *"));
            h.finishedRun(cj, sunday, Duration.ofSeconds(5), false);
            assertThat(h.openIncidents()).isEmpty();   // a 2-day window (longer than a day) is seen
            h.advanceTo(sunday.plus(Duration.ofDays(2)));
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).hasSize(1);
        }
    }
}
