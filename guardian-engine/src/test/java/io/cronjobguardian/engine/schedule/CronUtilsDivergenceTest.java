package io.cronjobguardian.engine.schedule;

import static io.cronjobguardian.engine.schedule.Slots.after;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Why the engine does not use cron-utils 9.2.1 for schedules (ADR 0001): even with the custom definition from
 * toolchain.md gotcha 11 it gives answers Kubernetes does not. Each test pins one difference; the last one pins where
 * the two agree, so a future cron-utils upgrade that changes any of this shows up here.
 */
class CronUtilsDivergenceTest {

    /** The definition from toolchain.md gotcha 11. */
    private static final CronDefinition GOTCHA_11 = CronDefinitionBuilder.defineCron()
            .withMinutes().withValidRange(0, 59).withStrictRange().and()
            .withHours().withValidRange(0, 23).withStrictRange().and()
            .withDayOfMonth().withValidRange(1, 31).supportsQuestionMark().withStrictRange().and()
            .withMonth().withValidRange(1, 12).withStrictRange().and()
            .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).supportsQuestionMark()
            .withStrictRange().and()
            .withSupportedNicknameYearly().withSupportedNicknameAnnually().withSupportedNicknameMonthly()
            .withSupportedNicknameWeekly().withSupportedNicknameDaily().withSupportedNicknameMidnight()
            .withSupportedNicknameHourly()
            .instance();

    private static List<String> cronUtils(String expression, String zone, String from, int count) {
        ExecutionTime executionTime = ExecutionTime.forCron(new CronParser(GOTCHA_11).parse(expression));
        List<String> out = new ArrayList<>();
        ZonedDateTime t = ZonedDateTime.parse(from).withZoneSameInstant(ZoneId.of(zone));
        for (int i = 0; i < count; i++) {
            Optional<ZonedDateTime> next = executionTime.nextExecution(t);
            if (next.isEmpty()) {
                break;
            }
            t = next.get();
            out.add(t.toOffsetDateTime().toString());
        }
        return out;
    }

    private static void assertCronUtilsRejects(String expression) {
        assertThatThrownBy(() -> new CronParser(GOTCHA_11).parse(expression))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dayOfMonthAndDayOfWeekBothRestrictedIsAndInCronUtilsButOrInKubernetes() {
        assertThat(cronUtils("0 0 13 * 5", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-13T00:00Z", "2024-09-13T00:00Z"); // Friday the 13th only
        assertThat(after("0 0 13 * 5", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-06T00:00Z", "2023-10-13T00:00Z"); // the 13th, or any Friday

        assertThat(cronUtils("0 0 */2 * 5", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-13T00:00Z", "2023-10-27T00:00Z");
        assertThat(after("0 0 */2 * 5", "UTC", "2023-10-01T00:00Z", 2))
                .containsExactly("2023-10-03T00:00Z", "2023-10-05T00:00Z");
    }

    @Test
    void dailySlotInAFallBackOverlapFiresOnceInCronUtilsButTwiceInKubernetes() {
        assertThat(cronUtils("30 1 * * *", "America/New_York", "2023-11-04T12:00-04:00", 2))
                .containsExactly("2023-11-05T01:30-04:00", "2023-11-06T01:30-05:00");
        assertThat(after("30 1 * * *", "America/New_York", "2023-11-04T12:00-04:00", 2))
                .containsExactly("2023-11-05T01:30-04:00", "2023-11-05T01:30-05:00");

        assertThat(cronUtils("30 2 * * *", "Europe/Berlin", "2023-10-28T12:00+02:00", 2))
                .containsExactly("2023-10-29T02:30+02:00", "2023-10-30T02:30+01:00");
        assertThat(after("30 2 * * *", "Europe/Berlin", "2023-10-28T12:00+02:00", 2))
                .containsExactly("2023-10-29T02:30+02:00", "2023-10-29T02:30+01:00");
    }

    @Test
    void cronUtilsAcceptsDayOfWeekSevenWhichKubernetesRejects() {
        assertThat(cronUtils("0 0 * * 7", "UTC", "2023-10-29T01:50Z", 1)).containsExactly("2023-11-05T00:00Z");
        assertThatThrownBy(() -> CronSchedule.parse("0 0 * * 7", ZoneId.of("UTC")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cronUtilsRejectsExpressionsKubernetesAccepts() {
        for (String expression : List.of("*-5 * * * *", "1,,2 * * * *", "@every 5m", "CRON_TZ=UTC 0 * * * *",
                "TZ=Europe/Berlin @daily")) {
            assertCronUtilsRejects(expression);
            assertThat(CronSchedule.parse(expression, ZoneId.of("UTC")).next(Slots.at("2023-01-01T00:00Z")))
                    .as(expression).isPresent();
        }
    }

    @Test
    void whereTheyAgree() {
        // spring-forward gap, hourly across both transitions, names, steps, a/n, month ends, leap day
        String[][] cases = {
            {"30 2 * * *", "America/New_York", "2023-03-11T00:00-05:00"},
            {"0 * * * *", "America/New_York", "2023-03-12T00:30-05:00"},
            {"0 * * * *", "America/New_York", "2023-11-05T00:30-04:00"},
            {"*/15 * * * *", "Europe/Berlin", "2023-10-29T01:50+02:00"},
            {"30 2 * * *", "Europe/Berlin", "2023-03-25T12:00+01:00"},
            {"0 9 * * MON-FRI", "UTC", "2023-10-01T00:00Z"},
            {"5/20 * * * *", "UTC", "2023-10-01T00:00Z"},
            {"0 0 31 * *", "UTC", "2023-10-01T00:00Z"},
            {"0 0 29 2 *", "UTC", "2023-10-01T00:00Z"},
            {"@weekly", "UTC", "2023-10-01T00:00Z"},
        };
        for (String[] c : cases) {
            assertThat(cronUtils(c[0], c[1], c[2], 4)).as(c[0] + " in " + c[1]).isEqualTo(after(c[0], c[1], c[2], 4));
        }
    }
}
