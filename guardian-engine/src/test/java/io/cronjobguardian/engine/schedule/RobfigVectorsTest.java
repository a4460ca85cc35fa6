package io.cronjobguardian.engine.schedule;

import static io.cronjobguardian.engine.schedule.Slots.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The expectations robfig/cron v3 publishes in its own test suite ({@code spec_test.go} TestActivation, TestNext,
 * TestNextWithTz, TestErrors; {@code parser_test.go} TestRange), restated for the five-field standard parser. Specs
 * written there with a seconds field of {@code 0} are given here without it; cases with non-zero seconds do not apply
 * to Kubernetes and are left out. Times without an offset are UTC (robfig's tests use the process zone for them).
 */
class RobfigVectorsTest {

    private static Instant utc(String localDateTime) {
        return LocalDateTime.parse(localDateTime).toInstant(ZoneOffset.UTC);
    }

    /** Activation: next(time - 1s) == time exactly when the schedule fires at that time. */
    @ParameterizedTest(name = "{1} at {0}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            2012-07-09T15:00 | 0/15 * * * *     | true
            2012-07-09T15:45 | 0/15 * * * *     | true
            2012-07-09T15:40 | 0/15 * * * *     | false
            2012-07-09T15:05 | 5/15 * * * *     | true
            2012-07-09T15:20 | 5/15 * * * *     | true
            2012-07-09T15:50 | 5/15 * * * *     | true
            2012-07-15T15:00 | 0/15 * * Jul *   | true
            2012-07-15T15:00 | 0/15 * * Jun *   | false
            2012-07-15T08:30 | 30 08 ? Jul Sun  | true
            2012-07-15T08:30 | 30 08 15 Jul ?   | true
            2012-07-16T08:30 | 30 08 ? Jul Sun  | false
            2012-07-16T08:30 | 30 08 15 Jul ?   | false
            2012-07-09T15:00 | @hourly          | true
            2012-07-09T15:04 | @hourly          | false
            2012-07-09T15:00 | @daily           | false
            2012-07-09T00:00 | @daily           | true
            2012-07-09T00:00 | @weekly          | false
            2012-07-08T00:00 | @weekly          | true
            2012-07-08T01:00 | @weekly          | false
            2012-07-08T00:00 | @monthly         | false
            2012-07-01T00:00 | @monthly         | true
            2012-07-15T00:00 | * * 1,15 * Sun   | true
            2012-06-15T00:00 | * * 1,15 * Sun   | true
            2012-08-01T00:00 | * * 1,15 * Sun   | true
            2012-07-15T00:00 | * * */10 * Sun   | true
            2012-07-15T00:00 | * * * * Mon      | false
            2012-07-09T00:00 | * * 1,15 * *     | false
            2012-07-15T00:00 | * * 1,15 * *     | true
            2012-07-15T00:00 | * * */2 * Sun    | true
            """)
    void activation(String time, String spec, boolean fires) {
        CronSchedule s = CronSchedule.parse(spec, ZoneOffset.UTC);
        Instant t = utc(time);
        assertThat(s.next(t.minusSeconds(1)).filter(t::equals).isPresent()).isEqualTo(fires);
    }

    @ParameterizedTest(name = "{1} after {0}")
    @CsvSource(delimiter = '|', textBlock = """
            2012-07-09T14:45    | 0/15 * * * *             | 2012-07-09T15:00
            2012-07-09T14:59    | 0/15 * * * *             | 2012-07-09T15:00
            2012-07-09T14:59:59 | 0/15 * * * *             | 2012-07-09T15:00
            2012-07-09T15:45    | 20-35/15 * * * *         | 2012-07-09T16:20
            2012-07-09T23:46    | */15 * * * *             | 2012-07-10T00:00
            2012-07-09T23:45    | 20-35/15 * * * *         | 2012-07-10T00:20
            2012-07-09T23:35    | 0 0 9 Apr-Oct ?          | 2012-08-09T00:00
            2012-07-09T23:35    | 0 0 */5 Apr,Aug,Oct Mon  | 2012-08-01T00:00
            2012-07-09T23:35    | 0 0 */5 Oct Mon          | 2012-10-01T00:00
            2012-07-09T23:35    | 0 0 * Feb Mon            | 2013-02-04T00:00
            2012-07-09T23:35    | 0 0 * Feb Mon/2          | 2013-02-01T00:00
            2012-12-31T23:59:45 | * * * * *                | 2013-01-01T00:00
            2012-07-09T23:35    | 0 0 29 Feb ?             | 2016-02-29T00:00
            """)
    void nextInUtc(String after, String spec, String expected) {
        assertThat(CronSchedule.parse(spec, ZoneOffset.UTC).next(utc(after))).contains(utc(expected));
    }

    @ParameterizedTest(name = "{1} after {0}")
    @CsvSource(delimiter = '|', textBlock = """
            2012-03-11T00:00-05:00 | TZ=America/New_York 30 2 11 Mar ?     | 2013-03-11T02:30-04:00
            2012-03-11T00:00-05:00 | TZ=America/New_York 0 * * * ?         | 2012-03-11T01:00-05:00
            2012-03-11T01:00-05:00 | TZ=America/New_York 0 * * * ?         | 2012-03-11T03:00-04:00
            2012-03-11T03:00-04:00 | TZ=America/New_York 0 * * * ?         | 2012-03-11T04:00-04:00
            2012-03-11T04:00-04:00 | TZ=America/New_York 0 * * * ?         | 2012-03-11T05:00-04:00
            2012-03-11T00:00-05:00 | CRON_TZ=America/New_York 0 * * * ?    | 2012-03-11T01:00-05:00
            2012-03-11T01:00-05:00 | CRON_TZ=America/New_York 0 * * * ?    | 2012-03-11T03:00-04:00
            2012-03-11T03:00-04:00 | CRON_TZ=America/New_York 0 * * * ?    | 2012-03-11T04:00-04:00
            2012-03-11T04:00-04:00 | CRON_TZ=America/New_York 0 * * * ?    | 2012-03-11T05:00-04:00
            2012-03-11T00:00-05:00 | TZ=America/New_York 0 1 * * ?         | 2012-03-11T01:00-05:00
            2012-03-11T01:00-05:00 | TZ=America/New_York 0 1 * * ?         | 2012-03-12T01:00-04:00
            2012-03-11T00:00-05:00 | TZ=America/New_York 0 2 * * ?         | 2012-03-12T02:00-04:00
            2012-11-04T00:00-04:00 | TZ=America/New_York 30 2 04 Nov ?     | 2012-11-04T02:30-05:00
            2012-11-04T01:45-04:00 | TZ=America/New_York 30 1 04 Nov ?     | 2012-11-04T01:30-05:00
            2012-11-04T00:00-04:00 | TZ=America/New_York 0 * * * ?         | 2012-11-04T01:00-04:00
            2012-11-04T01:00-04:00 | TZ=America/New_York 0 * * * ?         | 2012-11-04T01:00-05:00
            2012-11-04T01:00-05:00 | TZ=America/New_York 0 * * * ?         | 2012-11-04T02:00-05:00
            2012-11-04T00:00-04:00 | TZ=America/New_York 0 1 * * ?         | 2012-11-04T01:00-04:00
            2012-11-04T01:00-04:00 | TZ=America/New_York 0 1 * * ?         | 2012-11-04T01:00-05:00
            2012-11-04T01:00-05:00 | TZ=America/New_York 0 1 * * ?         | 2012-11-05T01:00-05:00
            2012-11-04T00:00-04:00 | TZ=America/New_York 0 2 * * ?         | 2012-11-04T02:00-05:00
            2012-11-04T02:00-05:00 | TZ=America/New_York 0 2 * * ?         | 2012-11-05T02:00-05:00
            2012-11-04T00:00-04:00 | TZ=America/New_York 0 3 * * ?         | 2012-11-04T03:00-05:00
            2012-11-04T03:00-05:00 | TZ=America/New_York 0 3 * * ?         | 2012-11-05T03:00-05:00
            2012-11-04T00:00-04:00 | TZ=America/New_York 0 3 3 * ?         | 2012-12-03T03:00-05:00
            2018-10-17T05:00-04:00 | TZ=America/Sao_Paulo 0 9 10 * ?       | 2018-11-10T06:00-05:00
            2018-02-14T05:00-05:00 | TZ=America/Sao_Paulo 0 9 22 * ?       | 2018-02-22T07:00-05:00
            """)
    void nextAcrossDaylightSaving(String after, String spec, String expected) {
        // the zone argument must not matter: the prefix wins
        CronSchedule s = CronSchedule.parse(spec, ZoneId.of("Asia/Tokyo"));
        assertThat(s.next(at(after))).contains(at(expected));
    }

    /** Schedules without a prefix use the zone of the times in robfig's tests; here that is the zone argument. */
    @ParameterizedTest(name = "{1} after {0}")
    @CsvSource(delimiter = '|', textBlock = """
            2012-11-04T00:00-04:00 | 0 * * * ? | 2012-11-04T01:00-04:00
            2012-11-04T01:00-04:00 | 0 * * * ? | 2012-11-04T01:00-05:00
            2012-11-04T01:00-05:00 | 0 * * * ? | 2012-11-04T02:00-05:00
            2012-11-04T00:00-04:00 | 0 1 * * ? | 2012-11-04T01:00-04:00
            2012-11-04T01:00-04:00 | 0 1 * * ? | 2012-11-04T01:00-05:00
            2012-11-04T01:00-05:00 | 0 1 * * ? | 2012-11-05T01:00-05:00
            2012-11-04T00:00-04:00 | 0 2 * * ? | 2012-11-04T02:00-05:00
            2012-11-04T02:00-05:00 | 0 2 * * ? | 2012-11-05T02:00-05:00
            2012-11-04T00:00-04:00 | 0 3 * * ? | 2012-11-04T03:00-05:00
            2012-11-04T03:00-05:00 | 0 3 * * ? | 2012-11-05T03:00-05:00
            """)
    void nextInTheZoneArgument(String after, String spec, String expected) {
        CronSchedule s = CronSchedule.parse(spec, ZoneId.of("America/New_York"));
        assertThat(s.next(at(after))).contains(at(expected));
    }

    @ParameterizedTest(name = "{1} after {0}")
    @CsvSource(delimiter = '|', textBlock = """
            2016-01-03T13:09:03+05:30 | 14 14 * * * | 2016-01-03T14:14+05:30
            2016-01-03T04:09:03+05:30 | 14 14 * * ? | 2016-01-03T14:14+05:30
            2016-01-03T14:09:03+05:30 | 14 14 * * * | 2016-01-03T14:14+05:30
            2016-01-03T14:00+05:30    | 14 14 * * ? | 2016-01-03T14:14+05:30
            """)
    void nextWithAFixedOffsetZone(String after, String spec, String expected) {
        CronSchedule s = CronSchedule.parse(spec, ZoneOffset.ofHoursMinutes(5, 30));
        assertThat(s.next(at(after))).contains(at(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 30 Feb ?", "0 0 31 Apr ?"})
    void unsatisfiableHasNoNext(String spec) {
        assertThat(CronSchedule.parse(spec, ZoneOffset.UTC).next(utc("2012-07-09T23:35"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"xyz", "60 0 * * *", "0 60 * * *", "0 0 * * XYZ"})
    void errors(String spec) {
        assertThatThrownBy(() -> CronSchedule.parse(spec, ZoneOffset.UTC)).isInstanceOf(IllegalArgumentException.class);
    }

    /** parser_test.go TestRange, applied to the minute field (0-59): accepted ranges and the values they denote. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            5     | 5
            0     | 0
            7     | 7
            5-5   | 5
            5-6   | 5,6
            5-7   | 5,6,7
            5-6/2 | 5
            5-7/2 | 5,7
            5-7/1 | 5,6,7
            """)
    void ranges(String range, String values) {
        CronSchedule s = CronSchedule.parse(range + " 0 * * *", ZoneOffset.UTC);
        Instant cursor = utc("2012-07-09T00:00").minusSeconds(1);
        StringBuilder fired = new StringBuilder();
        for (Instant i : s.slotsBetween(cursor, utc("2012-07-09T00:59"), 60)) {
            fired.append(fired.length() == 0 ? "" : ",").append(i.atZone(ZoneOffset.UTC).getMinute());
        }
        assertThat(fired.toString()).isEqualTo(values);
    }

    @ParameterizedTest
    @ValueSource(strings = {"5--5", "jan-x", "2-x", "*/-12", "*//2", "5-3", "*/0"})
    void rangeErrors(String range) {
        assertThatThrownBy(() -> CronSchedule.parse(range + " * * * *", ZoneOffset.UTC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minute field");
    }
}
