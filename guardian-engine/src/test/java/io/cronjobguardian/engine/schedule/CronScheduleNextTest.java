package io.cronjobguardian.engine.schedule;

import static io.cronjobguardian.engine.schedule.Slots.after;
import static io.cronjobguardian.engine.schedule.Slots.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** next / previous / slotsBetween on concrete dates: day rules, weekends, month ends, leap days, limits, @every. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CronScheduleNextTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    @Test
    void dayOfMonthOrDayOfWeekWhenBothAreRestricted() {
        // 13th OR Friday. October 2023: Fridays 6, 13, 20, 27; Monday 13 November is a 13th.
        assertThat(after("0 0 13 * 5", "UTC", "2023-10-01T00:00Z", 7)).containsExactly(
                "2023-10-06T00:00Z", "2023-10-13T00:00Z", "2023-10-20T00:00Z", "2023-10-27T00:00Z",
                "2023-11-03T00:00Z", "2023-11-10T00:00Z", "2023-11-13T00:00Z");
        // a step above 1 is not a star: odd days OR Fridays
        assertThat(after("0 0 */2 * FRI", "UTC", "2023-09-30T12:00Z", 6)).containsExactly(
                "2023-10-01T00:00Z", "2023-10-03T00:00Z", "2023-10-05T00:00Z", "2023-10-06T00:00Z",
                "2023-10-07T00:00Z", "2023-10-09T00:00Z");
        // 1-31 is a restriction too, so it means every day
        assertThat(after("0 0 1-31 * 5", "UTC", "2023-10-01T12:00Z", 3)).containsExactly(
                "2023-10-02T00:00Z", "2023-10-03T00:00Z", "2023-10-04T00:00Z");
    }

    @Test
    void dayOfMonthAndDayOfWeekWhenEitherIsAStar() {
        assertThat(after("0 0 * * 5", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-06T00:00Z", "2023-10-13T00:00Z");
        assertThat(after("0 0 13 * *", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-13T00:00Z", "2023-11-13T00:00Z");
        assertThat(after("0 0 13 * ?", "UTC", "2023-10-01T00:00Z", 1)).containsExactly("2023-10-13T00:00Z");
        assertThat(after("0 0 ? * FRI", "UTC", "2023-10-01T00:00Z", 1)).containsExactly("2023-10-06T00:00Z");
        // */1 keeps the star, so Fridays only (robfig issue 70)
        assertThat(after("0 0 */1 * 5", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-06T00:00Z", "2023-10-13T00:00Z");
        // both stars with a month restriction
        assertThat(after("0 0 * feb *", "UTC", "2023-10-01T00:00Z", 1)).containsExactly("2024-02-01T00:00Z");
    }

    @Test
    void weekdayOnlyScheduleHasNoSlotsAtTheWeekend() {
        CronSchedule s = CronSchedule.parse("0 9 * * 1-5", ZoneId.of("Europe/Berlin"));
        // Friday 20 October 2023, 10:00 -> Monday 23 October 09:00
        assertThat(Slots.next(s, "2023-10-20T10:00+02:00")).contains("2023-10-23T09:00+02:00");
        assertThat(Slots.previous(s, "2023-10-22T20:00+02:00")).contains("2023-10-20T09:00+02:00");
        assertThat(s.slotsBetween(at("2023-10-20T09:00+02:00"), at("2023-10-23T08:59+02:00"), 100)).isEmpty();
        // Saturday and Sunday of that weekend: nothing due; the Monday slot follows the Friday slot directly
        assertThat(s.slotsBetween(at("2023-10-19T12:00+02:00"), at("2023-10-24T12:00+02:00"), 100))
                .extracting(i -> Slots.render(i, s.zone()))
                .containsExactly("2023-10-20T09:00+02:00", "2023-10-23T09:00+02:00", "2023-10-24T09:00+02:00");
    }

    @Test
    void thirtyFirstSkipsShortMonths() {
        assertThat(after("0 0 31 * *", "UTC", "2023-01-31T00:00Z", 6)).containsExactly("2023-03-31T00:00Z",
                "2023-05-31T00:00Z", "2023-07-31T00:00Z", "2023-08-31T00:00Z", "2023-10-31T00:00Z",
                "2023-12-31T00:00Z");
        assertThat(Slots.previous(CronSchedule.parse("0 0 31 * *", UTC), "2023-07-30T00:00Z"))
                .contains("2023-05-31T00:00Z");
    }

    @Test
    void leapDayFindsLeapYears() {
        CronSchedule s = CronSchedule.parse("0 0 29 2 *", UTC);
        assertThat(after(s, "2023-03-01T00:00Z", 3))
                .containsExactly("2024-02-29T00:00Z", "2028-02-29T00:00Z", "2032-02-29T00:00Z");
        assertThat(Slots.previous(s, "2027-12-31T00:00Z")).contains("2024-02-29T00:00Z");
        // 2100 is not a leap year: the gap 2096 -> 2104 is longer than robfig's five-year horizon
        assertThat(s.next(at("2096-03-01T00:00Z"))).isEmpty();
        assertThat(Slots.next(s, "2099-03-01T00:00Z")).contains("2104-02-29T00:00Z");
        // previous still finds a slot eight years back
        assertThat(Slots.previous(s, "2104-02-28T00:00Z")).contains("2096-02-29T00:00Z");
    }

    @Test
    void unsatisfiableExpressionsHaveNoSlotsAndDoNotHang() {
        for (String expression : List.of("0 0 30 2 *", "0 0 31 4 *", "0 0 31 2,4,6,9,11 *", ", * * * *",
                "0 , * * *", "0 0 , * *", "0 0 * , *")) {
            CronSchedule s = CronSchedule.parse(expression, ZoneId.of("America/New_York"));
            assertThat(s.next(at("2023-01-01T00:00Z"))).as(expression).isEmpty();
            assertThat(s.previous(at("2023-01-01T00:00Z"))).as(expression).isEmpty();
            assertThat(s.slotsBetween(at("2020-01-01T00:00Z"), at("2030-01-01T00:00Z"), 10)).as(expression).isEmpty();
        }
    }

    @Test
    void extremeInstantsDoNotHangOrThrow() {
        CronSchedule daily = CronSchedule.parse("0 0 * * *", ZoneId.of("Europe/Berlin"));
        assertThat(daily.next(at("9999-12-31T23:59:59Z"))).contains(Instant.parse("+10000-01-01T23:00:00Z"));
        assertThat(daily.previous(Instant.parse("+10000-01-01T23:00:00Z")))
                .contains(Instant.parse("+10000-01-01T23:00:00Z"));
        CronSchedule never = CronSchedule.parse("0 0 30 2 *", UTC);
        assertThat(never.next(at("9999-12-31T23:59:59Z"))).isEmpty();
        for (CronSchedule s : List.of(daily, never, CronSchedule.parse("@every 1h", UTC))) {
            assertThat(s.next(Instant.MAX)).isEmpty();
            assertThat(s.previous(Instant.MAX)).isEmpty();
            assertThat(s.previous(Instant.MIN)).isEmpty();
            assertThat(s.slotsBetween(Instant.MAX.minusSeconds(10), Instant.MAX, 5)).isEmpty();
        }
        // the walk stops short of the years LocalDate cannot hold; a constant delay only needs Instant's range
        assertThat(daily.next(Instant.MIN)).isEmpty();
        assertThat(CronSchedule.parse("@every 1h", UTC).next(Instant.MIN)).contains(Instant.MIN.plusSeconds(3600));
    }

    @Test
    void nextIsStrictlyAfterAndPreviousIsAtOrBefore() {
        CronSchedule s = CronSchedule.parse("*/5 * * * *", UTC);
        assertThat(Slots.next(s, "2023-05-05T10:05Z")).contains("2023-05-05T10:10Z");
        assertThat(s.next(Instant.parse("2023-05-05T10:04:59.999999999Z"))).contains(at("2023-05-05T10:05Z"));
        assertThat(Slots.previous(s, "2023-05-05T10:05Z")).contains("2023-05-05T10:05Z");
        assertThat(s.previous(Instant.parse("2023-05-05T10:04:59.999999999Z"))).contains(at("2023-05-05T10:00Z"));
        assertThat(s.previous(Instant.parse("2023-05-05T10:05:00.5Z"))).contains(at("2023-05-05T10:05Z"));
    }

    @Test
    void slotsBetweenIsHalfOpenAndLimited() {
        CronSchedule s = CronSchedule.parse("0 * * * *", UTC);
        assertThat(s.slotsBetween(at("2023-05-05T10:00Z"), at("2023-05-05T13:00Z"), 10))
                .containsExactly(at("2023-05-05T11:00Z"), at("2023-05-05T12:00Z"), at("2023-05-05T13:00Z"));
        assertThat(s.slotsBetween(at("2023-05-05T10:00Z"), at("2023-05-05T13:00Z"), 2))
                .containsExactly(at("2023-05-05T11:00Z"), at("2023-05-05T12:00Z"));
        assertThat(s.slotsBetween(at("2023-05-05T10:00Z"), at("2023-05-05T13:00Z"), 0)).isEmpty();
        assertThat(s.slotsBetween(at("2023-05-05T13:00Z"), at("2023-05-05T10:00Z"), 5)).isEmpty();
        assertThatThrownBy(() -> s.slotsBetween(at("2023-05-05T10:00Z"), at("2023-05-05T13:00Z"), -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> s.slotsBetween(at("2023-05-05T10:00Z"), at("2023-05-05T13:00Z"), 1).add(Instant.EPOCH))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyNinetyMinutesIsRelativeToTheAnchor() {
        CronSchedule s = CronSchedule.parse("@every 90m", UTC);
        assertThat(s.isRelative()).isTrue();
        // the anchor is truncated to the second
        assertThat(s.next(Instant.parse("2023-10-29T01:50:30.5Z"))).contains(Instant.parse("2023-10-29T03:20:30Z"));
        assertThat(s.slotsBetween(at("2023-10-29T00:00Z"), at("2023-10-29T06:00Z"), 10)).containsExactly(
                at("2023-10-29T01:30Z"), at("2023-10-29T03:00Z"), at("2023-10-29T04:30Z"), at("2023-10-29T06:00Z"));
        // no absolute slots, so nothing to look back to
        assertThat(s.previous(at("2023-10-29T06:00Z"))).isEmpty();
        // zones and DST do not matter for a constant delay
        CronSchedule ny = CronSchedule.parse("@every 1h", ZoneId.of("America/New_York"));
        assertThat(ny.next(at("2023-11-05T01:30-04:00"))).contains(at("2023-11-05T01:30-05:00"));
    }

    @Test
    void everyIsRoundedDownToWholeSecondsAndAtLeastOneSecond() {
        Instant t = Instant.parse("2023-01-01T00:00:00.700Z");
        assertThat(CronSchedule.parse("@every 1500ms", UTC).next(t)).contains(Instant.parse("2023-01-01T00:00:01Z"));
        assertThat(CronSchedule.parse("@every 2999ms", UTC).next(t)).contains(Instant.parse("2023-01-01T00:00:02Z"));
        assertThat(CronSchedule.parse("@every 500ms", UTC).next(t)).contains(Instant.parse("2023-01-01T00:00:01Z"));
        assertThat(CronSchedule.parse("@every 0s", UTC).next(t)).contains(Instant.parse("2023-01-01T00:00:01Z"));
        // robfig treats any duration below one second, negative ones included, as one second
        assertThat(CronSchedule.parse("@every -5m", UTC).next(t)).contains(Instant.parse("2023-01-01T00:00:01Z"));
        assertThat(CronSchedule.parse("@every 1h30m", UTC).next(t)).contains(Instant.parse("2023-01-01T01:30:00Z"));
        assertThat(CronSchedule.parse("@every 1.5h", UTC).next(t)).contains(Instant.parse("2023-01-01T01:30:00Z"));
    }

    /** The JVM default zone (America/Los_Angeles under surefire) must never leak into results. */
    @Test
    void resultsDoNotDependOnTheJvmDefaultZone() {
        TimeZone original = TimeZone.getDefault();
        List<String> expressions = List.of("30 2 * * *", "0 9 * * 1-5", "*/15 * * * *", "0 0 29 2 *", "@daily");
        List<List<Instant>> reference = expressions.stream().map(CronScheduleNextTest::sample).toList();
        try {
            for (String zone : List.of("Pacific/Kiritimati", "America/St_Johns", "Australia/Lord_Howe", "UTC")) {
                TimeZone.setDefault(TimeZone.getTimeZone(zone));
                assertThat(expressions.stream().map(CronScheduleNextTest::sample).toList()).as(zone)
                        .isEqualTo(reference);
            }
        } finally {
            TimeZone.setDefault(original);
        }
    }

    private static List<Instant> sample(String expression) {
        CronSchedule s = CronSchedule.parse(expression, ZoneId.of("America/New_York"));
        List<Instant> out = new ArrayList<>(s.slotsBetween(at("2023-03-10T00:00Z"), at("2023-03-14T00:00Z"), 500));
        s.previous(at("2023-11-05T06:30Z")).ifPresent(out::add);
        return out;
    }
}
