package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeadManSwitchTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");   // a Monday

    private static MonitorSpec fromSchedule(Duration buffer, int threshold) {
        return MonitorSpec.builder("team-a", "deadman")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, buffer, threshold)))
                .build();
    }

    @Test
    void aMissedSlotOpensAnIncidentExactlyWhenItsGraceEndsAndARunResolvesIt() {
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofMinutes(5), 1))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "hourly").schedule("0 * * * *")
                    .creationTime(T0));
            h.simulateController(cj, T0.plus(Duration.ofHours(2)).plusSeconds(1), Duration.ofMinutes(1), s -> false);
            assertThat(h.openIncidents()).isEmpty();
            // 03:00 is missed
            h.advanceTo(Instant.parse("2026-06-01T03:04:59Z"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-01T03:05:00Z"));
            List<Incident> open = h.openIncidents(AlertType.MISSED_SCHEDULE);
            assertThat(open).hasSize(1);
            Incident i = open.get(0);
            assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(i.openedAt()).isEqualTo(Instant.parse("2026-06-01T03:05:00Z"));
            assertThat(i.message()).contains("Missed 1 scheduled run").contains("2026-06-01T03:00:00Z");
            // 04:00 runs: resolved
            h.simulateController(cj, Instant.parse("2026-06-01T04:10:00Z"), Duration.ofMinutes(1), s -> false);
            assertThat(h.openIncidents()).isEmpty();
            assertThat(h.allIncidents()).hasSize(1).allSatisfy(x -> assertThat(x.resolvedAt()).isNotNull());
        }
    }

    /**
     * An engine thread behind its queue (a burst of Jobs at the top of the hour, a slow store) judges a slot as of
     * the oldest event still waiting, not by the clock: the Job created for the slot is among the waiting events.
     * Found by the chaos harness (false MissedSchedule while a replica's engine ran 5 s behind its watcher).
     */
    @Test
    void aSlotWhoseJobCreationIsStillQueuedIsNotMissed() {
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofMinutes(1), 1))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "every5").schedule("*/5 * * * *")
                    .creationTime(T0));
            JobSnapshot longRun = h.runningJob(cj, Instant.parse("2026-06-01T00:05:00Z"),
                    Instant.parse("2026-06-01T00:05:00Z"));
            h.advanceTo(Instant.parse("2026-06-01T00:09:50Z"));
            // the engine thread falls behind: the 00:05 run finishing (00:09:50) and the 00:10 Job (created at
            // 00:10:00, finished at 00:10:20 and deleted at once: gone from the cache) wait in its queue while the
            // clock passes 00:11:00, the 00:10 slot's deadline
            h.watcher.finishJob(longRun.uid(), true, 1, h.now());
            h.clock.set(Instant.parse("2026-06-01T00:10:00Z"));
            JobSnapshot next = TestObjects.job(cj).name("every5-next").uid("job-every5-next")
                    .scheduled(Instant.parse("2026-06-01T00:10:00Z"))
                    .running(Instant.parse("2026-06-01T00:10:00Z")).build();
            h.watcher.addJob(next);
            h.clock.set(Instant.parse("2026-06-01T00:10:20Z"));
            h.watcher.finishJob(next.uid(), true, 1, h.now());
            h.watcher.deleteJob(next.uid());
            h.clock.set(Instant.parse("2026-06-01T00:11:30Z"));
            assertThat(h.scheduler.pendingTasks()).as("every event still queued").isEqualTo(4);

            h.run();   // the finish is applied first (and judged), then the creation

            assertThat(h.allIncidents()).as("no slot judged missed (not even for a moment) while its Job's "
                    + "creation was queued").isEmpty();
            assertThat(h.runs(cj.ref())).isEqualTo(2);
            // and a slot that really has no Job is still judged, as soon as the queue has been applied
            h.advanceTo(Instant.parse("2026-06-01T00:16:00Z"));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(Instant.parse("2026-06-01T00:16:00Z")));
        }
    }

    @Test
    void thresholdCountsConsecutiveMissesOnly() {
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofMinutes(1), 3))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "q").schedule("*/15 * * * *")
                    .creationTime(T0.minusSeconds(1)));
            // misses at 00:15 and 00:30, run at 00:45, misses at 01:00 and 01:15: never three in a row
            h.simulateController(cj, Instant.parse("2026-06-01T01:20:00Z"), Duration.ofMinutes(1),
                    s -> !s.equals(Instant.parse("2026-06-01T00:45:00Z")) && !s.equals(T0.plusSeconds(0)));
            assertThat(h.openIncidents()).isEmpty();
            // 01:30 missed too: third in a row, due at 01:31
            h.advanceTo(Instant.parse("2026-06-01T01:30:59Z"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-01T01:31:00Z"));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("Missed 3 scheduled run(s) in a row"));
            String id = h.openIncidents(AlertType.MISSED_SCHEDULE).get(0).id();
            h.advanceTo(Instant.parse("2026-06-01T01:46:00Z"));   // a fourth miss: same incident, current message
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo(id);
                assertThat(i.message()).contains("Missed 4 scheduled run(s) in a row");
                assertThat(i.notificationCount()).isZero();
            });
        }
    }

    @Test
    void weekdayOnlyScheduleStaysQuietOverTheWeekend() {
        Instant friday = Instant.parse("2026-06-05T10:00:00Z");
        assertThat(friday.atZone(ZoneId.of("UTC")).getDayOfWeek()).isEqualTo(DayOfWeek.FRIDAY);
        try (EngineHarness h = new EngineHarness(friday, List.of(fromSchedule(Duration.ofMinutes(30), 1))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "weekdays").schedule("0 9 * * 1-5")
                    .creationTime(friday.minus(Duration.ofDays(30)))
                    .lastScheduleTime(Instant.parse("2026-06-05T09:00:00Z")));
            h.advanceTo(Instant.parse("2026-06-08T09:29:00Z"));   // Monday, before the grace of 09:00 ends
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-08T09:30:00Z"));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).hasSize(1);
            assertThat(cj.ref().name()).isEqualTo("weekdays");
        }
    }

    @Test
    void lastScheduleTimeIsTheFloorSoJobsRemovedByTtlAreNotPhantomMisses() {
        Instant now = Instant.parse("2026-06-01T12:02:00Z");
        try (EngineHarness h = new EngineHarness(now, List.of(fromSchedule(Duration.ofMinutes(1), 1))).start()) {
            // every-5-minute CronJob created long ago; its Jobs are gone (TTL) but the controller scheduled 12:00
            h.addCronJob(TestObjects.cronJob("team-a", "ttl").schedule("*/5 * * * *")
                    .creationTime(now.minus(Duration.ofDays(3)))
                    .lastScheduleTime(Instant.parse("2026-06-01T12:00:00Z")));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-01T12:05:59Z"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-01T12:06:00Z"));   // 12:05 missed
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).hasSize(1);
        }
    }

    @Test
    void startingDeadlineShorterThanTheBufferJudgesEarlier() {
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofHours(1), 1))).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "sds").schedule("0 * * * *").startingDeadlineSeconds(120L)
                    .creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(119));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(1)).plusSeconds(120));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).hasSize(1);
        }
    }

    @Test
    void aJobDeliveredJustAfterItsStartingDeadlineIsNotAMiss() {
        // ADR 0002: the observation grace (default 5 s, GuardianConfigTest) is added to startingDeadlineSeconds for
        // watch latency; the harness sets it to 0 s for the other tests, this one restores the default
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofHours(1), 1)),
                new InMemoryHistoryStore(), new ScriptableCronJobWatcher(),
                c -> c.set("scheduler.observationGrace", "5s")).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "late").schedule("0 * * * *")
                    .startingDeadlineSeconds(10L).creationTime(T0));
            Instant slot = T0.plus(Duration.ofHours(1));
            // Kubernetes creates the Job at slot + 9 s; the watch delivers it at slot + 10.5 s
            h.advanceTo(slot.plusMillis(10_500));
            h.watcher.addJob(TestObjects.job(cj).name("late-1").uid("l1").scheduled(slot)
                    .running(slot.plusSeconds(9)).build());
            h.run();
            h.advanceTo(slot.plus(Duration.ofMinutes(30)));
            assertThat(h.allIncidents()).isEmpty();
            // with no Job at all the next slot is missed once the deadline and the grace have passed
            Instant next = slot.plus(Duration.ofHours(1));
            h.advanceTo(next.plusSeconds(15).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(next.plusSeconds(15));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(next.plusSeconds(15));
                assertThat(i.message()).contains("no Job started within 10s");
            });
        }
    }

    @Test
    void theObservationGraceIsConfigurable() {
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofHours(1), 1)),
                new InMemoryHistoryStore(), new ScriptableCronJobWatcher(),
                c -> c.set("scheduler.observationGrace", "2s")).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "strict").schedule("0 * * * *").startingDeadlineSeconds(10L)
                    .creationTime(T0));
            Instant slot = T0.plus(Duration.ofHours(1));
            h.advanceTo(slot.plusSeconds(12).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(slot.plusSeconds(12));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(slot.plusSeconds(12)));
        }
    }

    @Test
    void forbidPolicyDoesNotCountSlotsSkippedWhileAJobRuns() {
        try (EngineHarness h = new EngineHarness(T0, List.of(fromSchedule(Duration.ofMinutes(1), 1))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "long").schedule("*/10 * * * *")
                    .concurrencyPolicy(io.cronjobguardian.api.ConcurrencyPolicy.FORBID)
                    .creationTime(T0.minusSeconds(5)));
            h.advanceTo(T0.plus(Duration.ofMinutes(10)));
            h.runningJob(cj, T0.plus(Duration.ofMinutes(10)), T0.plus(Duration.ofMinutes(10)));
            h.advanceTo(T0.plus(Duration.ofMinutes(35)));   // 00:20 and 00:30 skipped by the controller
            assertThat(h.openIncidents()).isEmpty();
        }
    }

    @Test
    void fixedWindowMeasuresTimeSinceTheLastSuccessNotTheLastRun() {
        MonitorSpec m = MonitorSpec.builder("team-a", "window")
                .deadManSwitch(MonitorSpec.DeadManSwitch.noSuccessWithin(Duration.ofHours(3))).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "flaky").schedule("0 * * * *")
                    .creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofMinutes(61)));
            h.finishedRun(cj, T0.plus(Duration.ofHours(1)), Duration.ofSeconds(30), true);   // success at 01:00:30
            for (int hour = 2; hour <= 4; hour++) {   // failures at 02:00, 03:00, 04:00
                h.advanceTo(T0.plus(Duration.ofHours(hour)).plusSeconds(60));
                h.finishedRun(cj, T0.plus(Duration.ofHours(hour)), Duration.ofSeconds(30), false);
            }
            // last success 01:00:30 + 3h = 04:00:30; the failures do not reset the switch
            assertThat(h.openIncidents(AlertType.DEAD_MAN_TRIGGERED)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(Instant.parse("2026-06-01T04:00:30Z")));
            h.advanceTo(T0.plus(Duration.ofHours(5)).plusSeconds(60));
            h.finishedRun(cj, T0.plus(Duration.ofHours(5)), Duration.ofSeconds(30), true);
            assertThat(h.openIncidents(AlertType.DEAD_MAN_TRIGGERED)).isEmpty();
        }
    }

    @Test
    void fixedWindowWithoutAnySuccessCountsFromCreation() {
        MonitorSpec m = MonitorSpec.builder("team-a", "window")
                .deadManSwitch(MonitorSpec.DeadManSwitch.noSuccessWithin(Duration.ofHours(2))).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "new").schedule("0 0 * * *").creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofHours(2)).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(2)));
            assertThat(h.openIncidents(AlertType.DEAD_MAN_TRIGGERED)).singleElement()
                    .satisfies(i -> assertThat(i.message()).contains("No successful run since the CronJob was created"));
        }
    }

    @Test
    void twoMonitorsOnOneCronJobEachOpenTheirOwnIncident() {
        MonitorSpec a = MonitorSpec.builder("team-a", "first")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1))).build();
        MonitorSpec b = MonitorSpec.builder("team-a", "second")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(20), 1))).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(a, b)).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "shared").schedule("0 * * * *").creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofMinutes(65)));
            assertThat(h.openIncidents()).extracting(i -> i.key().monitor()).containsExactly("team-a/first");
            h.advanceTo(T0.plus(Duration.ofMinutes(80)));
            assertThat(h.openIncidents()).extracting(i -> i.key().monitor())
                    .containsExactlyInAnyOrder("team-a/first", "team-a/second");
            assertThat(h.guardian.monitorStatus("team-a/second")).get()
                    .satisfies(ms -> assertThat(ms.activeAlerts()).isEqualTo(1));
        }
    }

    @Test
    void theOperatorsDeadManSeverityOverrideAppliesToMissedSchedulesUnlessMissedScheduleIsSet() {
        MonitorSpec.AutoFromSchedule auto = new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1);
        MonitorSpec.SeverityOverrides deadManWarning = new MonitorSpec.SeverityOverrides(null, Severity.WARNING,
                null, null, null, null);
        MonitorSpec.SeverityOverrides both = new MonitorSpec.SeverityOverrides(null, Severity.WARNING, null, null,
                Severity.CRITICAL, null);
        MonitorSpec a = MonitorSpec.builder("team-a", "a").deadManSwitch(new MonitorSpec.DeadManSwitch(true, null, auto))
                .alerting(new MonitorSpec.Alerting(true, List.of(), deadManWarning, null, Duration.ZERO,
                        MonitorSpec.IncludeContext.defaults(), List.of(), null)).build();
        MonitorSpec b = MonitorSpec.builder("team-a", "b").deadManSwitch(new MonitorSpec.DeadManSwitch(true, null, auto))
                .alerting(new MonitorSpec.Alerting(true, List.of(), both, null, Duration.ZERO,
                        MonitorSpec.IncludeContext.defaults(), List.of(), null)).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(a, b)).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "sev").schedule("0 * * * *").creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofMinutes(65)));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE))
                    .extracting(i -> i.key().monitor(), Incident::severity)
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("team-a/a", Severity.WARNING),
                            org.assertj.core.groups.Tuple.tuple("team-a/b", Severity.CRITICAL));
        }
    }

    @Test
    void statusLastSuccessfulTimeCoversSuccessesNoReplicaRecordedSoTheSwitchDoesNotTriggerFalsely() {
        MonitorSpec window = MonitorSpec.builder("team-a", "window")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, Duration.ofHours(2), null)).build();
        Instant start = T0.plus(Duration.ofHours(10));
        try (EngineHarness h = new EngineHarness(start, List.of(window)).start()) {
            // created 10 h ago; its runs were never seen (finished and removed while no replica ran, or pruned)
            // but the CronJob says its last success was 30 minutes ago
            Instant lastSuccess = start.minus(Duration.ofMinutes(30));
            h.addCronJob(TestObjects.cronJob("team-a", "unseen").schedule("0 * * * *").creationTime(T0)
                    .lastSuccessfulTime(lastSuccess));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(lastSuccess.plus(Duration.ofHours(2)).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(lastSuccess.plus(Duration.ofHours(2)));   // the limit from the status' last success
            assertThat(h.openIncidents(AlertType.DEAD_MAN_TRIGGERED)).singleElement()
                    .satisfies(i -> assertThat(i.context().attributes())
                            .containsEntry("lastSuccess", lastSuccess.toString()));
        }
    }
}
