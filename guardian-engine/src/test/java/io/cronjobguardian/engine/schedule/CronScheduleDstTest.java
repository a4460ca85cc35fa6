package io.cronjobguardian.engine.schedule;

import static io.cronjobguardian.engine.schedule.Slots.after;
import static io.cronjobguardian.engine.schedule.Slots.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Daylight-saving behaviour, exactly as robfig/cron v3's {@code Next} walks local time (the table in ADR 0001).
 * Expected values are written as local time with offset in the schedule's zone.
 *
 * <p>2023 transitions used: America/New_York springs forward on 12 March at 02:00 EST (07:00Z) and falls back on
 * 5 November at 02:00 EDT (06:00Z); Europe/Berlin springs forward on 26 March at 02:00 CET (01:00Z) and falls back on
 * 29 October at 03:00 CEST (01:00Z).
 */
class CronScheduleDstTest {

    private static final String NY = "America/New_York";
    private static final String BERLIN = "Europe/Berlin";

    /** Every listed slot is its own previous(), and previous() of the instant before it is the slot before it. */
    private static void assertPreviousAgrees(String expression, String zone, List<String> slots) {
        CronSchedule s = CronSchedule.parse(expression, ZoneId.of(zone));
        for (int i = 0; i < slots.size(); i++) {
            Instant slot = at(slots.get(i));
            assertThat(s.previous(slot)).as("previous(%s)", slots.get(i)).contains(slot);
            if (i > 0) {
                assertThat(s.previous(slot.minusSeconds(1))).as("previous(%s - 1s)", slots.get(i))
                        .contains(at(slots.get(i - 1)));
            }
        }
    }

    private static void check(String expression, String zone, String from, String... expected) {
        assertThat(after(expression, zone, from, expected.length)).as(expression + " in " + zone)
                .containsExactly(expected);
        assertPreviousAgrees(expression, zone, List.of(expected));
    }

    @Nested
    class NewYorkSpringForward {

        @Test
        void hourlySkipsTheMissingHour() {
            check("0 * * * *", NY, "2023-03-12T00:30-05:00",
                    "2023-03-12T01:00-05:00", "2023-03-12T03:00-04:00", "2023-03-12T04:00-04:00");
            check("@hourly", NY, "2023-03-12T00:30-05:00",
                    "2023-03-12T01:00-05:00", "2023-03-12T03:00-04:00");
        }

        @Test
        void everyFifteenMinutesJumpsFrom0145To0300() {
            check("*/15 * * * *", NY, "2023-03-12T01:30-05:00",
                    "2023-03-12T01:45-05:00", "2023-03-12T03:00-04:00", "2023-03-12T03:15-04:00");
        }

        @Test
        void dailySlotInTheGapDoesNotFireThatDay() {
            check("30 2 * * *", NY, "2023-03-11T12:00-05:00",
                    "2023-03-13T02:30-04:00", "2023-03-14T02:30-04:00");
            check("0 2 * * *", NY, "2023-03-11T12:00-05:00", "2023-03-13T02:00-04:00");
            check("59 2 * * *", NY, "2023-03-11T12:00-05:00", "2023-03-13T02:59-04:00");
        }

        @Test
        void dailySlotsAroundTheGapFireNormally() {
            check("30 1 * * *", NY, "2023-03-11T12:00-05:00", "2023-03-12T01:30-05:00", "2023-03-13T01:30-04:00");
            check("0 3 * * *", NY, "2023-03-11T12:00-05:00", "2023-03-12T03:00-04:00", "2023-03-13T03:00-04:00");
            check("@daily", NY, "2023-03-11T12:00-05:00", "2023-03-12T00:00-05:00", "2023-03-13T00:00-04:00");
        }

        @Test
        void weeklySlotInTheGapSkipsAWholeWeek() {
            // 2023-03-12 is a Sunday
            check("30 2 * * 0", NY, "2023-03-10T12:00-05:00", "2023-03-19T02:30-04:00");
        }
    }

    @Nested
    class NewYorkFallBack {

        @Test
        void hourlyFiresInBothOffsets() {
            check("0 * * * *", NY, "2023-11-05T00:30-04:00",
                    "2023-11-05T01:00-04:00", "2023-11-05T01:00-05:00", "2023-11-05T02:00-05:00");
        }

        @Test
        void everyFifteenMinutesRepeatsTheHour() {
            check("*/15 * * * *", NY, "2023-11-05T01:40-04:00",
                    "2023-11-05T01:45-04:00", "2023-11-05T01:00-05:00", "2023-11-05T01:15-05:00",
                    "2023-11-05T01:30-05:00", "2023-11-05T01:45-05:00", "2023-11-05T02:00-05:00");
        }

        @Test
        void dailySlotInTheOverlapFiresTwice() {
            check("30 1 * * *", NY, "2023-11-04T12:00-04:00",
                    "2023-11-05T01:30-04:00", "2023-11-05T01:30-05:00", "2023-11-06T01:30-05:00");
            // starting inside the overlap
            check("30 1 * * *", NY, "2023-11-05T01:40-04:00", "2023-11-05T01:30-05:00");
            check("30 1 * * *", NY, "2023-11-05T01:10-05:00", "2023-11-05T01:30-05:00");
            check("30 1 * * *", NY, "2023-11-05T01:40-05:00", "2023-11-06T01:30-05:00");
        }

        @Test
        void dailySlotsAroundTheOverlapFireOnce() {
            check("30 2 * * *", NY, "2023-11-04T12:00-04:00", "2023-11-05T02:30-05:00", "2023-11-06T02:30-05:00");
            check("30 0 * * *", NY, "2023-11-04T12:00-04:00", "2023-11-05T00:30-04:00", "2023-11-06T00:30-05:00");
        }

        @Test
        void weeklySlotInTheOverlapFiresTwiceThatSunday() {
            check("0 1 * * SUN", NY, "2023-11-01T00:00-04:00",
                    "2023-11-05T01:00-04:00", "2023-11-05T01:00-05:00", "2023-11-12T01:00-05:00");
        }
    }

    @Nested
    class BerlinSpringForward {

        @Test
        void hourlySkipsTheMissingHour() {
            check("0 * * * *", BERLIN, "2023-03-26T00:30+01:00",
                    "2023-03-26T01:00+01:00", "2023-03-26T03:00+02:00", "2023-03-26T04:00+02:00");
            check("30 * * * *", BERLIN, "2023-03-26T01:00+01:00", "2023-03-26T01:30+01:00", "2023-03-26T03:30+02:00");
        }

        @Test
        void everyFifteenMinutesJumpsFrom0145To0300() {
            check("*/15 * * * *", BERLIN, "2023-03-26T01:40+01:00",
                    "2023-03-26T01:45+01:00", "2023-03-26T03:00+02:00", "2023-03-26T03:15+02:00");
        }

        @Test
        void dailySlotInTheGapDoesNotFireThatDay() {
            check("30 2 * * *", BERLIN, "2023-03-25T12:00+01:00", "2023-03-27T02:30+02:00");
            check("0 2 * * *", BERLIN, "2023-03-25T12:00+01:00", "2023-03-27T02:00+02:00");
        }

        @Test
        void weeklySlotInTheGapSkipsAWholeWeek() {
            check("30 2 * * sun", BERLIN, "2023-03-20T00:00+01:00", "2023-04-02T02:30+02:00");
        }
    }

    @Nested
    class BerlinFallBack {

        @Test
        void hourlyFiresInBothOffsets() {
            check("0 * * * *", BERLIN, "2023-10-29T01:30+02:00",
                    "2023-10-29T02:00+02:00", "2023-10-29T02:00+01:00", "2023-10-29T03:00+01:00");
        }

        @Test
        void everyFifteenMinutesRepeatsTheHour() {
            check("*/15 * * * *", BERLIN, "2023-10-29T02:40+02:00",
                    "2023-10-29T02:45+02:00", "2023-10-29T02:00+01:00", "2023-10-29T02:15+01:00");
        }

        @Test
        void dailySlotInTheOverlapFiresTwice() {
            check("30 2 * * *", BERLIN, "2023-10-28T12:00+02:00",
                    "2023-10-29T02:30+02:00", "2023-10-29T02:30+01:00", "2023-10-30T02:30+01:00");
            check("30 2 * * *", BERLIN, "2023-10-29T02:40+02:00", "2023-10-29T02:30+01:00");
        }

        @Test
        void slotsAfterTheOverlapFireOnceEvenWhenTheWalkStartsInsideIt() {
            // robfig resets to the start of the hour with time.Date, which Go resolves to 02:00 CET here
            check("45 3 * * *", BERLIN, "2023-10-29T02:10+02:00", "2023-10-29T03:45+01:00");
            check("30 3 * * *", BERLIN, "2023-10-28T12:00+02:00", "2023-10-29T03:30+01:00", "2023-10-30T03:30+01:00");
        }

        @Test
        void weeklySlotInTheOverlapFiresTwiceThatSunday() {
            check("30 2 * * 0", BERLIN, "2023-10-23T00:00+02:00",
                    "2023-10-29T02:30+02:00", "2023-10-29T02:30+01:00", "2023-11-05T02:30+01:00");
        }
    }

    /**
     * Where robfig's walk is not "the first matching wall time": zones whose transitions are not whole hours at
     * 01:00-03:00. Each case was derived by stepping through robfig's {@code Next} with Go's {@code time.Date}
     * resolution; they pin Kubernetes' behaviour, not an ideal one.
     */
    @Nested
    class RobfigQuirks {

        @Test
        void lordHoweHalfHourShiftMisalignsTheHourWalk() {
            // 2023-10-01 02:00 +10:30 -> 02:30 +11:00. Stepping whole hours from midnight lands on 02:30, 03:30, ...
            // 12:30, so 12:08 that day is never visited; the slot fires the next day.
            check("8 12 * * *", "Australia/Lord_Howe", "2023-09-30T12:27+10:30",
                    "2023-10-02T12:08+11:00");
            // minute 30 and later of the same hour still fire
            check("40 12 * * *", "Australia/Lord_Howe", "2023-09-30T12:27+10:30",
                    "2023-09-30T12:40+10:30", "2023-10-01T12:40+11:00");
        }

        @Test
        void chathamHourThreeIsSkippedOnTheSpringForwardDay() {
            // 2023-09-24 02:45 +12:45 -> 03:45 +13:45: 03:45-03:59 exists, but the hour walk goes 02:00 -> 04:00
            check("50 3 * * *", "Pacific/Chatham", "2023-09-23T12:00+12:45", "2023-09-25T03:50+13:45");
        }

        @Test
        void saoPauloMidnightGapIsRepairedByTheDayWalk() {
            // robfig's own regression vectors (issue 157): 2018-11-04 00:00 -03 did not exist
            CronSchedule s = CronSchedule.parse("TZ=America/Sao_Paulo 0 9 10 * ?", ZoneId.of("UTC"));
            assertThat(s.next(at("2018-10-17T05:00-04:00"))).contains(at("2018-11-10T06:00-05:00"));
            CronSchedule t = CronSchedule.parse("TZ=America/Sao_Paulo 0 9 22 * ?", ZoneId.of("UTC"));
            assertThat(t.next(at("2018-02-14T05:00-05:00"))).contains(at("2018-02-22T07:00-05:00"));
            // a daily job on the day whose midnight is missing fires normally
            check("0 9 * * *", "America/Sao_Paulo", "2018-11-03T10:00-03:00", "2018-11-04T09:00-02:00");
        }

        @Test
        void saoPauloHourWalkAcrossTheMissingMidnightDoesNotRecheckTheDay() {
            // 23:00 -03 plus one hour is 01:00 -02: the hour never reads 0, so the walk does not go back to check the
            // day, and a Saturday-only job fires on Sunday 4 November 2018.
            check("0 9 * * 6", "America/Sao_Paulo", "2018-11-03T10:00-03:00",
                    "2018-11-04T09:00-02:00", "2018-11-10T09:00-02:00");
        }

        @Test
        void asuncionMidnightGapOnTheFirstOfAMonthMakesTheMonthWalkDrift() {
            // 2017-10-01 00:00 -04 did not exist. Go's time.Date resolves it to 2017-09-30 23:00 -04, and robfig's
            // month walk keeps day 30 and 23:00 from there on (Oct 30, Nov 30, ..., "Feb 30" = Mar 2, Apr 2, May 2),
            // so the 1 May 2018 slot is never visited from an anchor before October 2017.
            CronSchedule s = CronSchedule.parse("0 12 1 5 *", ZoneId.of("America/Asuncion"));
            assertThat(Slots.next(s, "2017-06-01T00:00-04:00")).contains("2019-05-01T12:00-04:00");
            // from an anchor after the gap it is found
            assertThat(Slots.next(s, "2017-11-01T00:00-03:00")).contains("2018-05-01T12:00-04:00");
            assertThat(Slots.previous(s, "2018-06-01T00:00-04:00")).contains("2018-05-01T12:00-04:00");
        }
    }
}
