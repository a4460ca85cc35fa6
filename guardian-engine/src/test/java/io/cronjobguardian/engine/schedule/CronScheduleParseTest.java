package io.cronjobguardian.engine.schedule;

import static io.cronjobguardian.engine.schedule.Slots.after;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What robfig/cron v3 {@code ParseStandard} (and so Kubernetes) accepts, what it rejects, and the messages we give. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CronScheduleParseTest {

    private static final ZoneId UTC = ZoneOffset.UTC;

    private static CronSchedule parse(String expression) {
        return CronSchedule.parse(expression, UTC);
    }

    /** Two expressions are the same schedule when they give the same first slots over a long window. */
    private static void assertSameSlots(String expression, String reference) {
        String from = "2023-12-30T22:17Z";
        assertThat(after(expression, "UTC", from, 40)).as(expression).isEqualTo(after(reference, "UTC", from, 40));
    }

    @Test
    void monthAndWeekdayNamesInAnyCase() {
        assertSameSlots("0 9 * JAN-MAR MON-FRI", "0 9 * 1-3 1-5");
        assertSameSlots("0 9 * jan-mar mon-fri", "0 9 * 1-3 1-5");
        assertSameSlots("0 9 * Jan,Jul Sun,sAt", "0 9 * 1,7 0,6");
        assertSameSlots("0 0 1 dec *", "0 0 1 12 *");
        assertSameSlots("0 9 * * tue-thu", "0 9 * * 2-4");
    }

    @Test
    void stepsRangesAndLists() {
        assertSameSlots("*/15 * * * *", "0,15,30,45 * * * *");
        assertSameSlots("10-40/10 * * * *", "10,20,30,40 * * * *");
        // a/n means a-max/n
        assertSameSlots("5/20 * * * *", "5,25,45 * * * *");
        assertSameSlots("0 0 * * mon/2", "0 0 * * 1,3,5");
        assertSameSlots("0 22/1 * * *", "0 22-23 * * *");
        // a step larger than the range keeps only the start
        assertSameSlots("*/100 * * * *", "0 * * * *");
    }

    @Test
    void questionMarkIsAStarInEveryField() {
        assertSameSlots("? ? ? ? ?", "* * * * *");
        assertSameSlots("0 9 ? * 1", "0 9 * * 1");
    }

    @Test
    void robfigQuirksThatKubernetesAccepts() {
        // empty list items are ignored
        assertSameSlots("1,,2 * * * *", "1,2 * * * *");
        assertSameSlots(",5, * * * *", "5 * * * *");
        // a star ignores whatever follows a hyphen
        assertSameSlots("*-5 * * * *", "* * * * *");
        assertSameSlots("?-x-y 0 * * *", "* 0 * * *");
        // names are lower-cased code point by code point, as Go does ("FR\u0130" with a dotted capital I is Friday)
        assertSameSlots("0 0 * * FR\u0130", "0 0 * * 5");
        // signs and leading zeros
        assertSameSlots("+5 08 * * *", "5 8 * * *");
        // any Unicode white space separates fields; leading and trailing blanks are ignored
        assertSameSlots("\t0\u00a09\n*\u2003*  * ", "0 9 * * *");
        // a trailing comma is an empty item too
        assertSameSlots("0 0 * jan *,", "0 0 * 1 *");
        // a field that is only commas matches nothing: day-of-month "," with a restricted day-of-week is "that weekday"
        assertSameSlots("0 0 , * 1", "0 0 * * 1");
        assertThat(parse(", * * * *").next(Slots.at("2023-01-01T00:00Z"))).isEmpty();
    }

    @Test
    void dayOfWeekSevenIsRejectedAsKubernetesRejectsIt() {
        assertThatThrownBy(() -> parse("0 0 * * 7")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("day-of-week field \"7\"")
                .hasMessageContaining("above the maximum 6")
                .hasMessageContaining("0-6 or SUN-SAT")
                .hasMessageContaining("use 0 or SUN");
        assertThatThrownBy(() -> parse("0 0 * * 5-7")).isInstanceOf(IllegalArgumentException.class);
        assertSameSlots("0 0 * * 0", "0 0 * * SUN");
    }

    @Test
    void everyDescriptor() {
        assertSameSlots("@yearly", "0 0 1 1 *");
        assertSameSlots("@annually", "0 0 1 1 *");
        assertSameSlots("@monthly", "0 0 1 * *");
        assertSameSlots("@weekly", "0 0 * * 0");
        assertSameSlots("@daily", "0 0 * * *");
        assertSameSlots("@midnight", "0 0 * * *");
        assertSameSlots("@hourly", "0 * * * *");
        assertThat(parse("@hourly").isRelative()).isFalse();
        assertThat(parse("@every 1h").isRelative()).isTrue();
    }

    @Test
    void timeZonePrefixesOverrideTheZoneArgument() {
        CronSchedule cron = CronSchedule.parse("CRON_TZ=Europe/Berlin 0 9 * * *", ZoneId.of("America/New_York"));
        assertThat(cron.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(cron.expression()).isEqualTo("CRON_TZ=Europe/Berlin 0 9 * * *");
        assertThat(Slots.next(cron, "2023-06-01T00:00Z")).contains("2023-06-01T09:00+02:00");

        CronSchedule tz = CronSchedule.parse("TZ=America/New_York @daily", UTC);
        assertThat(tz.zone()).isEqualTo(ZoneId.of("America/New_York"));
        assertThat(Slots.next(tz, "2023-06-01T12:00Z")).contains("2023-06-02T00:00-04:00");

        // Go's LoadLocation: "" and "UTC" are UTC; "Local" is the process zone, which the zone argument stands for
        assertThat(CronSchedule.parse("TZ=UTC 0 * * * *", ZoneId.of("Asia/Tokyo")).zone()).isEqualTo(UTC);
        assertThat(CronSchedule.parse("TZ= 0 * * * *", ZoneId.of("Asia/Tokyo")).zone()).isEqualTo(UTC);
        assertThat(CronSchedule.parse("TZ=Local 0 * * * *", ZoneId.of("Asia/Tokyo")).zone())
                .isEqualTo(ZoneId.of("Asia/Tokyo"));
        assertThat(CronSchedule.parse("CRON_TZ=Etc/GMT+5 0 * * * *", UTC).zone()).isEqualTo(ZoneId.of("Etc/GMT+5"));
        // without a prefix the argument is used
        assertThat(CronSchedule.parse("0 * * * *", ZoneId.of("Asia/Tokyo")).zone()).isEqualTo(ZoneId.of("Asia/Tokyo"));
        // the text after the prefix is trimmed, so surrounding blanks are fine there (not without a prefix)
        assertSameSlots("TZ=UTC    @daily  ", "@daily");
        // the prefix is case-sensitive: "tz=UTC" is just a sixth field
        assertThatThrownBy(() -> parse("tz=UTC 0 * * * *")).hasMessageContaining("found 6");
    }

    @Test
    void unknownTimeZoneIsNamed() {
        assertThatThrownBy(() -> parse("CRON_TZ=Mars/Olympus_Mons 0 * * * *"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown time zone \"Mars/Olympus_Mons\"")
                .hasMessageContaining("CRON_TZ=");
        assertThatThrownBy(() -> parse("TZ=europe/berlin 0 * * * *")).hasMessageContaining("\"europe/berlin\"");
        assertThatThrownBy(() -> parse("TZ=../../etc/passwd 0 * * * *")).hasMessageContaining("unknown time zone");
        assertThatThrownBy(() -> parse("TZ=+05:00 0 * * * *")).hasMessageContaining("unknown time zone");
        assertThatThrownBy(() -> parse("TZ=Europe/Berlin")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("followed by a space");
        assertThatThrownBy(() -> parse("TZ=Europe/Berlin ")).hasMessageContaining("found 0");
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            '1 2 3 4'                 | expected exactly 5 fields (minute hour day-of-month month day-of-week), found 4
            '0 0 * * * *'             | found 6 (Kubernetes has no seconds or year field)
            '   '                     | found 0
            '60 * * * *'              | minute field "60": value 60 is above the maximum 59 (allowed: 0-59
            '* 24 * * *'              | hour field "24": value 24 is above the maximum 23 (allowed: 0-23
            '* * 0 * *'               | day-of-month field "0": value 0 is below the minimum 1 (allowed: 1-31
            '* * 32 * *'              | day-of-month field "32": value 32 is above the maximum 31
            '* * * 0 *'               | month field "0": value 0 is below the minimum 1 (allowed: 1-12 or JAN-DEC
            '* * * 13 *'              | month field "13": value 13 is above the maximum 12
            '* * * * 8'               | day-of-week field "8": value 8 is above the maximum 6 (allowed: 0-6 or SUN-SAT
            '5-3 * * * *'             | minute field "5-3": range 5-3 is reversed (start 5 is after end 3)
            '* * * dec-jan *'         | month field "dec-jan": range dec-jan is reversed (start 12 is after end 1)
            '*/0 * * * *'             | minute field "*/0": step of "*/0" must be a positive number, not 0
            '0 0 1-5/0 * *'           | day-of-month field "1-5/0": step of "1-5/0" must be a positive number
            '* * * foo *'             | month field "foo": value "foo" is not a number or a month name (JAN-DEC)
            '* * * * funday'          | day-of-week field "funday": value "funday" is not a number or a day name (SUN-SAT)
            '* * * * monday'          | value "monday" is not a number or a day name
            'a * * * *'               | minute field "a": value "a" is not a number (allowed: 0-59
            '1-2-3 * * * *'           | minute field "1-2-3": "1-2-3" has too many hyphens
            '1/2/3 * * * *'           | minute field "1/2/3": "1/2/3" has too many slashes
            '-5 * * * *'              | minute field "-5": value "" is not a number
            '*/-1 * * * *'            | minute field "*/-1": step -1 is negative
            '*/x * * * *'             | minute field "*/x": step "x" is not a number
            '1- * * * *'              | minute field "1-": value "" is not a number
            '99999999999999999999 * * * *' | value "99999999999999999999" is out of range
            '٣ * * * *'               | minute field "٣": value "٣" is not a number
            '0 0 29 feb mon#2'        | day-of-week field "mon#2"
            '0 0 L * *'               | day-of-month field "L"
            '@fortnightly'            | unknown descriptor "@fortnightly"; supported: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, @every <duration>
            '@DAILY'                  | descriptors are lower-case
            '@daily '                 | unknown descriptor "@daily "
            ' @daily'                 | found 1
            '@every'                  | unknown descriptor "@every"
            '@every '                 | @every: invalid Go duration "": it is empty
            '@every  5m'              | @every: invalid Go duration " 5m"
            '@every 5'                | @every: invalid Go duration "5": a unit is missing
            '@every 1d'               | unknown unit "d"
            '@every 5 m'              | unknown unit " m"
            '@every 2562048h'         | invalid Go duration "2562048h": it is too large
            """)
    void invalidExpressionsAreRejectedWithAMessageNamingTheProblem(String expression, String message) {
        assertThatThrownBy(() -> parse(expression)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Invalid cron expression \"" + expression + "\": ")
                .hasMessageContaining(message);
    }

    @Test
    void emptyExpression() {
        assertThatThrownBy(() -> parse("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("it is empty");
    }

    @Test
    void nullArgumentsAreNullPointerExceptions() {
        assertThatThrownBy(() -> CronSchedule.parse(null, UTC)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("expression");
        assertThatThrownBy(() -> CronSchedule.parse("* * * * *", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("zone");
    }

    @ParameterizedTest
    @ValueSource(strings = {"* * * * *", "@every 1h", "CRON_TZ=Europe/Berlin 0 9 * * 1-5"})
    void valueSemantics(String expression) {
        CronSchedule a = CronSchedule.parse(expression, UTC);
        CronSchedule b = CronSchedule.parse(expression, UTC);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).contains(expression).contains(a.zone().getId());
    }

    @Test
    void equalityIsExpressionAndEffectiveZone() {
        assertThat(CronSchedule.parse("0 * * * *", UTC)).isNotEqualTo(CronSchedule.parse("0 * * * *",
                ZoneId.of("Europe/Berlin")));
        assertThat(CronSchedule.parse("0 * * * *", UTC)).isNotEqualTo(CronSchedule.parse("0 * * * ?", UTC));
        // the prefix decides the zone, so the argument no longer matters
        assertThat(CronSchedule.parse("TZ=Europe/Berlin 0 * * * *", UTC))
                .isEqualTo(CronSchedule.parse("TZ=Europe/Berlin 0 * * * *", ZoneId.of("Asia/Tokyo")));
    }

    /** Mangled expressions either parse or throw IllegalArgumentException; nothing else, and nothing hangs. */
    @Test
    void garbageNeverThrowsAnythingButIllegalArgumentException() {
        String[] seeds = {"*/15 9-17 * JAN-DEC MON-FRI", "@every 1h30m", "CRON_TZ=Europe/Berlin 0 0 1,15 * ?",
            "5/20 0-23/2 */3 ? sun", "@weekly", "TZ= 0 0 29 2 *"};
        String alphabet = "0123456789*/-,?@ \tLW#abcdefghijklmnopqrstuvwxyzJANFEBMONSUN=_+.µ\u00a0\u2003٣";
        Random random = new Random(42);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder s = new StringBuilder(seeds[random.nextInt(seeds.length)]);
            int edits = 1 + random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                int pos = s.length() == 0 ? 0 : random.nextInt(s.length());
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                switch (random.nextInt(3)) {
                    case 0 -> s.insert(pos, c);
                    case 1 -> {
                        if (s.length() > 0) {
                            s.deleteCharAt(pos);
                        }
                    }
                    default -> {
                        if (s.length() > 0) {
                            s.setCharAt(pos, c);
                        }
                    }
                }
            }
            String expression = s.toString();
            try {
                CronSchedule schedule = CronSchedule.parse(expression, UTC);
                schedule.next(Slots.at("2023-01-01T00:00Z"));
                schedule.previous(Slots.at("2023-01-01T00:00Z"));
                parsed++;
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).startsWith("Invalid cron expression");
            }
        }
        assertThat(parsed).isGreaterThan(300);
    }
}
