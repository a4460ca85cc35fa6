package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue #13 items 2, 5, 7 and 8, each written from what the CronJob controller does: a schedule change is scheduled
 * from the change on; a slot skipped under {@code Forbid} because a run was active is no miss, also after that run's
 * Job is gone; a CronJob with more than 100 missed start times is no longer scheduled by Kubernetes; two scheduled
 * Jobs for one slot (or far more scheduled runs than slots) are a RanTooOften warning.
 */
class ScheduleChangesAndRunCountsTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final String RAN_TOO_OFTEN = "RanTooOften";

    private static Instant berlin(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    private static MonitorSpec fromSchedule(Duration buffer, int threshold) {
        return MonitorSpec.builder("team-a", "deadman")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, buffer, threshold)))
                .build();
    }

    private static List<Incident> byWireName(List<Incident> incidents, String wireName) {
        return incidents.stream().filter(i -> i.key().type().wireName().equals(wireName))
                .collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- item 2: schedule changes

    @Test
    void aScheduleChangeIsJudgedFromTheChangeOnNotFromTheLastRunOfTheOldSchedule() {
        Instant ranAt = berlin("2026-06-10T03:00:00");
        Instant changedAt = berlin("2026-06-10T12:10:00");
        try (EngineHarness h = new EngineHarness(ranAt.minusSeconds(60), List.of(fromSchedule(Duration.ofMinutes(5), 1)))
                .start()) {
            CronJobSnapshot daily = h.addCronJob(TestObjects.cronJob("team-a", "report").schedule("0 3 * * *")
                    .timeZone("Europe/Berlin").creationTime(ranAt.minus(Duration.ofDays(30)))
                    .lastScheduleTime(ranAt.minus(Duration.ofDays(1))));
            h.advanceTo(ranAt.plusSeconds(30));
            h.finishedRun(daily, ranAt, Duration.ofSeconds(20), true);
            h.watcher.updateCronJob(TestObjects.cronJob(daily).lastScheduleTime(ranAt).build());
            h.run();
            h.advanceTo(changedAt);
            // 12:10: the schedule becomes every 15 minutes; Kubernetes schedules 12:15, 12:30 ... from now on
            CronJobSnapshot often = TestObjects.cronJob(daily).schedule("*/15 * * * *").lastScheduleTime(ranAt).build();
            h.watcher.updateCronJob(often);
            h.run();
            assertThat(h.openIncidents()).as("03:15 to 12:00 are slots of a schedule that did not exist then")
                    .isEmpty();
            h.advanceTo(berlin("2026-06-10T12:19:59"));
            assertThat(h.openIncidents()).isEmpty();
            // the first slot of the new schedule is judged as usual: 12:15 missed, due at 12:20
            h.advanceTo(berlin("2026-06-10T12:20:00"));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement().satisfies(i -> {
                assertThat(i.message()).contains("Missed 1 scheduled run(s)").contains("2026-06-10 12:15");
                assertThat(i.openedAt()).isEqualTo(berlin("2026-06-10T12:20:00"));
            });
        }
    }

    @Test
    void aTimeZoneChangeAlsoMovesTheFloor() {
        Instant ranAt = berlin("2026-06-10T03:00:00");
        try (EngineHarness h = new EngineHarness(ranAt.plusSeconds(60), List.of(fromSchedule(Duration.ofMinutes(5), 1)))
                .start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "tz").schedule("0 * * * *")
                    .timeZone("Europe/Berlin").creationTime(ranAt.minus(Duration.ofDays(30))).lastScheduleTime(ranAt));
            h.advanceTo(ranAt.plus(Duration.ofMinutes(31)));
            // Asia/Kolkata is +05:30: "0 * * * *" there falls at :30 Berlin time; 03:30 Berlin (07:00 Kolkata) has
            // just passed and was never a slot while the CronJob ran in Berlin time
            h.watcher.updateCronJob(TestObjects.cronJob(cj).timeZone("Asia/Kolkata").build());
            h.advanceTo(ranAt.plus(Duration.ofMinutes(90)).minusSeconds(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(ranAt.plus(Duration.ofMinutes(95)));   // 04:30 Berlin = 08:00 Kolkata missed
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("Missed 1 scheduled run(s)"));
        }
    }

    @Test
    void aScheduleChangeWhileNoReplicaRanIsJudgedFromTheFirstObservation() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        Instant ranAt = berlin("2026-06-10T03:00:00");
        ManualClock clock = new ManualClock(ranAt.minusSeconds(60));
        CronJobSnapshot daily = TestObjects.cronJob("team-a", "report").schedule("0 3 * * *")
                .timeZone("Europe/Berlin").creationTime(ranAt.minus(Duration.ofDays(30)))
                .lastScheduleTime(ranAt.minus(Duration.ofDays(1))).build();
        try (EngineHarness h = new EngineHarness(clock, List.of(fromSchedule(Duration.ofMinutes(5), 1)), store,
                new ScriptableCronJobWatcher(), c -> { }).start()) {
            h.watcher.addCronJob(daily);
            h.run();
            h.advanceTo(ranAt.plusSeconds(30));
            h.finishedRun(daily, ranAt, Duration.ofSeconds(20), true);
            h.advanceTo(berlin("2026-06-10T06:00:00"));
            assertThat(h.openIncidents()).isEmpty();
        }
        // no replica runs from 06:00 to 12:10; the schedule was changed at 12:05 (startingDeadlineSeconds: 60, so
        // Kubernetes did not start the 12:00 slot late); the next engine starts at 12:10
        Instant start = berlin("2026-06-10T12:10:00");
        clock.set(start);
        ScriptableCronJobWatcher w2 = new ScriptableCronJobWatcher();
        w2.addCronJob(TestObjects.cronJob(daily).schedule("*/15 * * * *").startingDeadlineSeconds(60L)
                .lastScheduleTime(ranAt).build());
        try (EngineHarness h = new EngineHarness(clock, List.of(fromSchedule(Duration.ofMinutes(5), 1)),
                store.createPeer(), w2, c -> { }).start()) {
            assertThat(h.openIncidents()).as("no invented misses before the first observation of the new schedule")
                    .isEmpty();
            h.advanceTo(berlin("2026-06-10T12:15:59"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(berlin("2026-06-10T12:16:00"));   // 12:15 + startingDeadlineSeconds
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("Missed 1 scheduled run(s)"));
        }
    }

    @Test
    void aScheduleChangeDoesNotRestartTheTimeSinceTheLastSuccess() {
        MonitorSpec window = MonitorSpec.builder("team-a", "window")
                .deadManSwitch(MonitorSpec.DeadManSwitch.noSuccessWithin(Duration.ofHours(24))).build();
        Instant ranAt = berlin("2026-06-10T03:00:00");
        try (EngineHarness h = new EngineHarness(ranAt.minusSeconds(60), List.of(window)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "report").schedule("0 3 * * *")
                    .timeZone("Europe/Berlin").creationTime(ranAt.minus(Duration.ofDays(30))));
            h.advanceTo(ranAt.plusSeconds(30));
            h.finishedRun(cj, ranAt, Duration.ofSeconds(20), true);   // last success 03:00:20
            h.advanceTo(berlin("2026-06-10T12:10:00"));
            h.watcher.updateCronJob(TestObjects.cronJob(cj).schedule("0 4 * * *").build());
            h.run();
            h.advanceTo(ranAt.plusSeconds(20).plus(Duration.ofHours(24)).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(ranAt.plusSeconds(20).plus(Duration.ofHours(24)));
            assertThat(h.openIncidents(AlertType.DEAD_MAN_TRIGGERED)).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- item 5: Forbid and a Job gone by TTL

    @Test
    void underForbidSlotsSkippedWhileARunWasActiveAreNotMissesAfterItsJobWasDeleted() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        Instant ten = LocalDateTime.parse("2026-06-10T10:00:00").atZone(kolkata).toInstant();
        try (EngineHarness h = new EngineHarness(ten.minusSeconds(30), List.of(fromSchedule(Duration.ofMinutes(1), 1)))
                .start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "long").schedule("*/5 * * * *")
                    .timeZone("Asia/Kolkata").concurrencyPolicy(ConcurrencyPolicy.FORBID)
                    .creationTime(ten.minus(Duration.ofDays(1))).lastScheduleTime(ten.minus(Duration.ofMinutes(5))));
            h.advanceTo(ten);
            JobSnapshot run = h.runningJob(cj, ten, ten);
            h.watcher.updateCronJob(TestObjects.cronJob(cj).lastScheduleTime(ten).activeJobs(run.name()).build());
            h.run();
            // 10:05, 10:10 and 10:15 are skipped by the controller (Forbid): the 10:00 run is still active
            h.advanceTo(ten.plus(Duration.ofMinutes(17)));
            h.watcher.finishJob(run.uid(), true, 1, ten.plus(Duration.ofMinutes(17)));
            h.run();
            // 10:18: ttlSecondsAfterFinished deletes the Job; the controller drops it from status.active
            h.advanceTo(ten.plus(Duration.ofMinutes(18)));
            h.watcher.deleteJob(run.uid());
            h.watcher.updateCronJob(TestObjects.cronJob(cj).lastScheduleTime(ten).build());
            h.run();
            assertThat(h.openIncidents()).as("slots skipped while the 10:00 run was active are not missed").isEmpty();
            h.simulateController(cj, ten.plus(Duration.ofMinutes(40)), Duration.ofMinutes(1), s -> false);
            assertThat(h.allIncidents()).isEmpty();
        }
    }

    @Test
    void underForbidARunStartedBeforeTheFloorStillCoversTheSlotsItBlockedAfterItsJobIsGone() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        Instant ten = LocalDateTime.parse("2026-06-10T10:00:00").atZone(kolkata).toInstant();
        try (EngineHarness h = new EngineHarness(ten.minusSeconds(30), List.of(fromSchedule(Duration.ofMinutes(1), 1)))
                .start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "long").schedule("*/5 * * * *")
                    .timeZone("Asia/Kolkata").concurrencyPolicy(ConcurrencyPolicy.FORBID)
                    .creationTime(ten.minus(Duration.ofDays(1))).lastScheduleTime(ten.minus(Duration.ofMinutes(5))));
            h.advanceTo(ten);
            JobSnapshot run = h.runningJob(cj, ten, ten);
            h.watcher.updateCronJob(TestObjects.cronJob(cj).lastScheduleTime(ten).activeJobs(run.name()).build());
            h.run();
            // 10:02: the schedule becomes every 3 minutes (the floor moves to 10:02, after the run's 10:00 slot);
            // 10:03 ... 10:15 are skipped by the controller while the 10:00 run is active
            h.advanceTo(ten.plus(Duration.ofMinutes(2)));
            CronJobSnapshot every3 = TestObjects.cronJob(cj).schedule("*/3 * * * *").lastScheduleTime(ten)
                    .activeJobs(run.name()).build();
            h.watcher.updateCronJob(every3);
            h.run();
            h.advanceTo(ten.plus(Duration.ofMinutes(17)));
            h.watcher.finishJob(run.uid(), true, 1, ten.plus(Duration.ofMinutes(17)));
            h.run();
            h.advanceTo(ten.plus(Duration.ofMinutes(17)).plusSeconds(30));
            h.watcher.deleteJob(run.uid());
            h.watcher.updateCronJob(TestObjects.cronJob(every3).activeJobs().build());
            h.run();
            assertThat(h.openIncidents()).as("10:03 to 10:15 were blocked by the run started at 10:00").isEmpty();
            // 10:18 is due and missed: judged as usual at 10:19
            h.advanceTo(ten.plus(Duration.ofMinutes(19)));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("Missed 1 scheduled run(s)"));
        }
    }

    // ---------------------------------------------------------------- item 7: Kubernetes stopped scheduling

    @Test
    void moreThanOneHundredMissedStartTimesSaysKubernetesStoppedScheduling() {
        Instant now = berlin("2026-06-10T12:00:30");
        try (EngineHarness h = new EngineHarness(now, List.of(fromSchedule(Duration.ofMinutes(1), 3))).start()) {
            // every minute, last scheduled 10:00: 119 start times missed since (the controller gives up above 100)
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "minutely").schedule("* * * * *")
                    .timeZone("Europe/Berlin").creationTime(now.minus(Duration.ofDays(2)))
                    .lastScheduleTime(berlin("2026-06-10T10:00:00")));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement().satisfies(i -> {
                assertThat(i.message()).contains("Kubernetes stopped scheduling this CronJob: too many missed start "
                        + "times (>100); set or decrease spec.startingDeadlineSeconds or check clock skew");
                assertThat(i.context().attributes()).containsEntry("reason", "TooManyMissedStartTimes");
            });
            assertThat(h.guardian.status(cj.ref())).get().satisfies(s -> assertThat(s.schedulingProblem())
                    .contains("too many missed start times (>100)"));
        }
    }

    @Test
    void aStartingDeadlineBoundsTheCountSoKubernetesKeepsScheduling() {
        Instant now = berlin("2026-06-10T12:00:30");
        try (EngineHarness h = new EngineHarness(now, List.of(fromSchedule(Duration.ofMinutes(1), 3))).start()) {
            // the controller counts only the last 200 s when startingDeadlineSeconds is 200: 3 start times
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "minutely").schedule("* * * * *")
                    .timeZone("Europe/Berlin").startingDeadlineSeconds(200L)
                    .creationTime(now.minus(Duration.ofDays(2))).lastScheduleTime(berlin("2026-06-10T10:00:00")));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement().satisfies(i -> {
                assertThat(i.message()).doesNotContain("Kubernetes stopped scheduling");
                assertThat(i.context().attributes()).doesNotContainKey("reason");
            });
            assertThat(h.guardian.status(cj.ref())).get()
                    .satisfies(s -> assertThat(s.schedulingProblem()).isNull());
        }
    }

    // ---------------------------------------------------------------- item 8: ran too often

    @Test
    void twoScheduledJobsForOneSlotAreAWarningNamingTheSlotThatResolvesOnceNoDuplicateIsLeft() {
        Instant nine = berlin("2026-06-10T09:00:00");
        try (EngineHarness h = new EngineHarness(nine.minusSeconds(30), List.of(MonitorSpec.of("team-a", "plain")))
                .start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "hourly").schedule("0 * * * *")
                    .timeZone("Europe/Berlin").creationTime(nine.minus(Duration.ofDays(3))));
            h.advanceTo(nine.plusSeconds(40));
            h.finishedRun(cj, nine, Duration.ofSeconds(30), true);
            assertThat(h.allIncidents()).isEmpty();
            // a second scheduled Job for 09:00 (e.g. a second controller after a cluster restore): another UID
            h.advanceTo(nine.plusSeconds(100));
            h.watcher.simulateRun(TestObjects.job(cj).name("hourly-dup").uid("dup-1").scheduled(nine),
                    nine.plusSeconds(60), 0, true, nine.plusSeconds(90));
            h.run();
            List<Incident> open = byWireName(h.openIncidents(), RAN_TOO_OFTEN);
            assertThat(open).singleElement().satisfies(i -> {
                assertThat(i.severity()).isEqualTo(Severity.WARNING);
                assertThat(i.message()).contains("2 scheduled runs").contains("2026-06-10 09:00");
                assertThat(i.context().attributes()).containsEntry("duplicateSlots", nine.toString());
            });
            // the runs go on normally: while 09:00 is among the judged slots (8 newer runs) the incident stays open
            // (the evaluation reads enough runs to see it), once it is out of the window the incident resolves
            h.simulateController(cj, nine.plus(Duration.ofHours(8)).plusSeconds(45), Duration.ofSeconds(30),
                    s -> false);
            assertThat(byWireName(h.openIncidents(), RAN_TOO_OFTEN)).hasSize(1);
            h.simulateController(cj, nine.plus(Duration.ofHours(12)), Duration.ofSeconds(30), s -> false);
            assertThat(byWireName(h.openIncidents(), RAN_TOO_OFTEN)).isEmpty();
            assertThat(byWireName(h.allIncidents(), RAN_TOO_OFTEN)).singleElement()
                    .satisfies(i -> assertThat(i.resolvedAt()).isNotNull());
        }
    }

    @Test
    void scheduledRunsFarMoreOftenThanTheScheduleAllowsAreAWarningButManualRunsAreNot() {
        Instant nine = berlin("2026-06-10T09:00:00");
        try (EngineHarness h = new EngineHarness(nine.minusSeconds(30), List.of(MonitorSpec.of("team-a", "plain")))
                .start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "daily").schedule("0 9 * * *")
                    .timeZone("Europe/Berlin").creationTime(nine.minus(Duration.ofDays(30))));
            // manual runs every ten minutes: not the schedule's business
            for (int k = 1; k <= 6; k++) {
                Instant at = nine.plus(Duration.ofMinutes(10L * k));
                h.advanceTo(at.plusSeconds(30));
                h.watcher.simulateRun(TestObjects.job(cj).name("daily-manual-" + k).uid("m" + k).manual(),
                        at, 0, true, at.plusSeconds(20));
                h.run();
            }
            assertThat(h.allIncidents()).isEmpty();
            // scheduled runs (the controller's annotation) every ten minutes for a daily schedule
            for (int k = 7; k <= 12; k++) {
                Instant at = nine.plus(Duration.ofMinutes(10L * k));
                h.advanceTo(at.plusSeconds(30));
                h.watcher.simulateRun(TestObjects.job(cj).name("daily-" + k).uid("s" + k).scheduled(at),
                        at, 0, true, at.plusSeconds(20));
                h.run();
            }
            assertThat(byWireName(h.openIncidents(), RAN_TOO_OFTEN)).singleElement().satisfies(i -> {
                assertThat(i.severity()).isEqualTo(Severity.WARNING);
                assertThat(i.message()).contains("6 scheduled runs").contains("2026-06-10 09:00");
            });
        }
    }
}
