package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Missed-slot judgement through the whole engine across the DST transitions of 2026 in {@code spec.timeZone}
 * America/New_York (spring 8 Mar 02:00 EST → 03:00 EDT at 07:00Z, fall 1 Nov 02:00 EDT → 01:00 EST at 06:00Z) and
 * Europe/Berlin (spring 29 Mar 02:00 CET → 03:00 CEST at 01:00Z, fall 25 Oct 03:00 CEST → 02:00 CET at 01:00Z).
 * The controller is simulated with the schedule's own slots (ADR 0001: a daily slot in a spring gap does not run
 * that day, a slot in a fall overlap runs in both offsets), so any MissedSchedule incident would be a phantom.
 */
class DstScheduleEngineTest {

    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Duration BUFFER = Duration.ofMinutes(5);
    private static final Duration RUN = Duration.ofMinutes(1);

    private static MonitorSpec missedSlots() {
        return MonitorSpec.builder("team-a", "dst")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, BUFFER, 1)))
                .build();
    }

    private static Instant local(ZoneId zone, String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(zone).toInstant();
    }

    @Test
    void theTransitionsThisTestReliesOn() {
        assertTransition(NEW_YORK, "2026-01-01T00:00:00Z", "2026-03-08T07:00:00Z", -5, -4);
        assertTransition(NEW_YORK, "2026-06-01T00:00:00Z", "2026-11-01T06:00:00Z", -4, -5);
        assertTransition(BERLIN, "2026-01-01T00:00:00Z", "2026-03-29T01:00:00Z", 1, 2);
        assertTransition(BERLIN, "2026-06-01T00:00:00Z", "2026-10-25T01:00:00Z", 2, 1);
    }

    private static void assertTransition(ZoneId zone, String after, String at, int before, int afterHours) {
        ZoneOffsetTransition t = zone.getRules().nextTransition(Instant.parse(after));
        assertThat(t.getInstant()).isEqualTo(Instant.parse(at));
        assertThat(t.getOffsetBefore()).isEqualTo(ZoneOffset.ofHours(before));
        assertThat(t.getOffsetAfter()).isEqualTo(ZoneOffset.ofHours(afterHours));
    }

    /**
     * zone, schedule, local window start and end (the CronJob is created at the start), and the number of
     * slots (= Jobs the controller creates) in the window.
     */
    static Stream<Arguments> acrossTransitions() {
        return Stream.of(
                // hourly: every real hour is a slot; the spring day has 23, the fall day 25
                Arguments.of(NEW_YORK, "0 * * * *", "2026-03-07T12:00", "2026-03-09T12:00", 47),
                Arguments.of(NEW_YORK, "0 * * * *", "2026-10-31T12:00", "2026-11-02T12:00", 49),
                Arguments.of(BERLIN, "0 * * * *", "2026-03-28T12:00", "2026-03-30T12:00", 47),
                Arguments.of(BERLIN, "0 * * * *", "2026-10-24T12:00", "2026-10-26T12:00", 49),
                // 02:30 daily: no run on the spring day in either zone; New York's 02:30 is after its overlap
                // (once), Berlin's 02:30 is inside it (twice)
                Arguments.of(NEW_YORK, "30 2 * * *", "2026-03-06T12:00", "2026-03-10T12:00", 3),
                Arguments.of(NEW_YORK, "30 2 * * *", "2026-10-30T12:00", "2026-11-03T12:00", 4),
                Arguments.of(BERLIN, "30 2 * * *", "2026-03-27T12:00", "2026-03-31T12:00", 3),
                Arguments.of(BERLIN, "30 2 * * *", "2026-10-23T12:00", "2026-10-27T12:00", 5),
                // 01:30 daily: before both spring gaps (normal); inside New York's overlap (twice), before
                // Berlin's (once)
                Arguments.of(NEW_YORK, "30 1 * * *", "2026-03-06T12:00", "2026-03-10T12:00", 4),
                Arguments.of(NEW_YORK, "30 1 * * *", "2026-10-30T12:00", "2026-11-03T12:00", 5),
                Arguments.of(BERLIN, "30 1 * * *", "2026-03-27T12:00", "2026-03-31T12:00", 4),
                Arguments.of(BERLIN, "30 1 * * *", "2026-10-23T12:00", "2026-10-27T12:00", 4));
    }

    @ParameterizedTest(name = "{0} \"{1}\" {2} .. {3}: {4} runs, no miss")
    @MethodSource("acrossTransitions")
    void noPhantomMissAndNothingDoubleCountedAcrossTheTransition(ZoneId zone, String schedule, String from,
            String to, int slots) {
        Instant start = local(zone, from);
        Instant end = local(zone, to);
        try (EngineHarness h = new EngineHarness(start, List.of(missedSlots())).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "dst").schedule(schedule)
                    .timeZone(zone.getId()).creationTime(start));
            h.simulateController(cj, end, RUN, s -> false);
            // every slot's grace has ended, and then some
            h.advanceTo(end.plus(BUFFER).plus(Duration.ofMinutes(1)));

            assertThat(h.allIncidents()).as("no MissedSchedule (or any) incident across the transition").isEmpty();
            List<Execution> runs = h.store.executions(ExecutionQuery.forCronJob(cj.ref())
                    .page(0, ExecutionQuery.MAX_LIMIT)).items();
            assertThat(runs).as("one recorded run per slot the controller scheduled").hasSize(slots);
            Set<Instant> distinctSlots = runs.stream().map(e -> e.job().scheduledTime()).collect(Collectors.toSet());
            assertThat(distinctSlots).as("each run for its own slot").hasSize(slots);
            assertThat(h.guardian.status(cj.ref())).get().satisfies(s -> {
                assertThat(s.state()).isEqualTo(HealthState.HEALTHY);
                assertThat(s.timeZone()).isEqualTo(zone.getId());
                assertThat(s.openIncidents()).isEmpty();
            });
        }
    }

    /**
     * Runs the controller from {@code start}, skipping exactly one slot: the incident opens exactly at slot + grace
     * and the next slot's Job resolves it the moment it starts.
     */
    private static void skippedSlotIsDetectedAtSlotPlusGrace(ZoneId zone, String schedule, Long startingDeadline,
            Instant start, Instant skipped, Duration grace, Instant nextSlot) {
        try (EngineHarness h = new EngineHarness(start, List.of(missedSlots())).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "dst").schedule(schedule)
                    .timeZone(zone.getId()).startingDeadlineSeconds(startingDeadline)
                    .creationTime(start));
            Instant due = skipped.plus(grace);
            h.simulateController(cj, due.minusMillis(1), RUN, s -> s.equals(skipped));
            assertThat(h.runs(cj.ref())).as("the controller ran up to the skipped slot").isPositive();
            assertThat(h.allIncidents()).as("nothing before the skipped slot's grace ends").isEmpty();

            h.advanceTo(due);
            List<Incident> open = h.openIncidents(AlertType.MISSED_SCHEDULE);
            assertThat(open).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(due);
                assertThat(i.context().attributes()).containsEntry("missedRuns", "1")
                        .containsEntry("lastMissedSlot", skipped.toString())
                        .containsEntry("timeZone", zone.getId());
                assertThat(i.message()).contains("Missed 1 scheduled run(s)").contains(skipped.toString());
            });
            assertThat(h.allIncidents()).hasSize(1);

            // the next slot runs: a Job started for a slot inside its grace ends the streak at once
            h.simulateController(cj, nextSlot, RUN, s -> false);
            assertThat(h.openIncidents()).isEmpty();
            assertThat(h.allIncidents()).singleElement()
                    .satisfies(i -> assertThat(i.resolvedAt()).isEqualTo(nextSlot));
        }
    }

    @Test
    void newYorkHourlyFirstSlotAfterTheSpringGapIsMissed() {
        // 03:00 EDT on 8 Mar is the slot after 01:00 EST: there is no 02:00
        Instant skipped = local(NEW_YORK, "2026-03-08T03:00");
        assertThat(skipped).isEqualTo(Instant.parse("2026-03-08T07:00:00Z"));
        skippedSlotIsDetectedAtSlotPlusGrace(NEW_YORK, "0 * * * *", null, local(NEW_YORK, "2026-03-07T20:00"),
                skipped, BUFFER, Instant.parse("2026-03-08T08:00:00Z"));
    }

    @Test
    void newYorkHourlySecondOneOClockOfTheFallOverlapIsMissed() {
        // 01:00 EDT (05:00Z) runs, 01:00 EST (06:00Z) is skipped
        Instant skipped = Instant.parse("2026-11-01T06:00:00Z");
        assertThat(skipped.atZone(NEW_YORK).toLocalTime().toString()).isEqualTo("01:00");
        skippedSlotIsDetectedAtSlotPlusGrace(NEW_YORK, "0 * * * *", null, local(NEW_YORK, "2026-10-31T20:00"),
                skipped, BUFFER, Instant.parse("2026-11-01T07:00:00Z"));
    }

    @Test
    void newYorkNightlyInTheOverlapRunsTwiceAndTheSecondRunMissingIsDetected() {
        // 30 1 * * *: 01:30 EDT (05:30Z) runs, 01:30 EST (06:30Z) is skipped; next slot 2 Nov 01:30 EST
        skippedSlotIsDetectedAtSlotPlusGrace(NEW_YORK, "30 1 * * *", null, local(NEW_YORK, "2026-10-30T12:00"),
                Instant.parse("2026-11-01T06:30:00Z"), BUFFER, Instant.parse("2026-11-02T06:30:00Z"));
    }

    @Test
    void newYorkNightlyInTheSpringGapCountsOneMissNotTwo() {
        // 30 2 * * *: no slot on 8 Mar; 9 Mar 02:30 EDT (06:30Z) is skipped: one miss, the gap day is no miss
        skippedSlotIsDetectedAtSlotPlusGrace(NEW_YORK, "30 2 * * *", null, local(NEW_YORK, "2026-03-06T12:00"),
                Instant.parse("2026-03-09T06:30:00Z"), BUFFER, Instant.parse("2026-03-10T06:30:00Z"));
    }

    @Test
    void berlinNightlyInTheSpringGapCountsOneMissNotTwo() {
        // 30 2 * * *: no slot on 29 Mar; 30 Mar 02:30 CEST (00:30Z) is skipped
        skippedSlotIsDetectedAtSlotPlusGrace(BERLIN, "30 2 * * *", null, local(BERLIN, "2026-03-27T12:00"),
                Instant.parse("2026-03-30T00:30:00Z"), BUFFER, Instant.parse("2026-03-31T00:30:00Z"));
    }

    @Test
    void berlinNightlySecondRunOfTheOverlapMissedWithAStartingDeadlineShorterThanTheBuffer() {
        // 30 2 * * *: 02:30 CEST (00:30Z) runs, 02:30 CET (01:30Z) is skipped; startingDeadlineSeconds 120 < 5m
        skippedSlotIsDetectedAtSlotPlusGrace(BERLIN, "30 2 * * *", 120L, local(BERLIN, "2026-10-23T12:00"),
                Instant.parse("2026-10-25T01:30:00Z"), Duration.ofSeconds(120), Instant.parse("2026-10-26T01:30:00Z"));
    }

    @Test
    void berlinHourlyRepeatedTwoOClockIsMissed() {
        // 02:00 CEST (00:00Z) runs, 02:00 CET (01:00Z) is skipped
        skippedSlotIsDetectedAtSlotPlusGrace(BERLIN, "0 * * * *", null, local(BERLIN, "2026-10-24T20:00"),
                Instant.parse("2026-10-25T01:00:00Z"), BUFFER, Instant.parse("2026-10-25T02:00:00Z"));
    }

    @Test
    void bothRunsOfTheOverlapAreSlotsOfTheirOwnAndCountAsTwoMisses() {
        // 30 1 * * * New York with threshold 2: neither 01:30 EDT (05:30Z) nor 01:30 EST (06:30Z) runs on 1 Nov.
        // Two misses in a row, so the incident opens at the second one's grace, not before
        Instant first = Instant.parse("2026-11-01T05:30:00Z");
        Instant second = Instant.parse("2026-11-01T06:30:00Z");
        Instant start = local(NEW_YORK, "2026-10-30T12:00");
        MonitorSpec twoInARow = MonitorSpec.builder("team-a", "dst")
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, BUFFER, 2)))
                .build();
        try (EngineHarness h = new EngineHarness(start, List.of(twoInARow)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "dst").schedule("30 1 * * *")
                    .timeZone(NEW_YORK.getId()).creationTime(start));
            Set<Instant> skip = new HashSet<>(List.of(first, second));
            h.simulateController(cj, second.plus(BUFFER).minusMillis(1), RUN, skip::contains);
            assertThat(h.runs(cj.ref())).isEqualTo(1);   // 31 Oct 01:30 EDT
            assertThat(h.allIncidents()).as("one miss is below the threshold of 2").isEmpty();
            h.advanceTo(second.plus(BUFFER));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(second.plus(BUFFER));
                assertThat(i.context().attributes()).containsEntry("missedRuns", "2")
                        .containsEntry("lastMissedSlot", second.toString());
                assertThat(i.message()).contains("Missed 2 scheduled run(s)");
            });
        }
    }
}
