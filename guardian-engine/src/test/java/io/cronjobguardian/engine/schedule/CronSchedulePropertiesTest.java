package io.cronjobguardian.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Fixed-seed property tests over random valid expressions, zones and instants (half of them near DST transitions):
 * {@code next}, {@code previous} and {@code slotsBetween} agree with each other, and in zones whose whole-hour
 * transitions are not at midnight {@code next} finds exactly the first instant whose wall time matches (a brute-force
 * scan of wall-clock minutes), which is what robfig's walk yields there.
 *
 * <p>In zones with half-hour DST or transitions at midnight robfig's walk has quirks (pinned in
 * {@link CronScheduleDstTest}); there only the properties that hold for any schedule are checked.
 */
class CronSchedulePropertiesTest {

    /** Whole-hour DST at 01:00-03:00 local, a zero winter offset, southern hemisphere, half-hour offset, no DST. */
    private static final List<ZoneId> ORACLE_ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("America/New_York"),
            ZoneId.of("Europe/Berlin"), ZoneId.of("Europe/London"), ZoneId.of("America/Los_Angeles"),
            ZoneId.of("Asia/Kolkata"), ZoneId.of("Australia/Sydney"));

    /** Half-hour DST, a transition at 02:45, and transitions at midnight (robfig's midnight repair is exercised). */
    private static final List<ZoneId> QUIRK_ZONES = List.of(ZoneId.of("Australia/Lord_Howe"),
            ZoneId.of("Pacific/Chatham"),
            ZoneId.of("America/Sao_Paulo"), ZoneId.of("America/Santiago"), ZoneId.of("America/Havana"),
            ZoneId.of("Asia/Beirut"), ZoneId.of("America/Asuncion"));

    @Test
    void nextIsTheFirstMatchingWallTimeAndAgreesWithPreviousAndSlotsBetween() {
        RandomCron gen = new RandomCron(20_261_120L);
        int compared = 0;
        for (int i = 0; i < 2500; i++) {
            RandomCron.Expr expr = gen.expression();
            ZoneId zone = ORACLE_ZONES.get(gen.random().nextInt(ORACLE_ZONES.size()));
            CronSchedule schedule = CronSchedule.parse(expr.text(), zone);
            Instant t = gen.instant(zone);
            String ctx = expr.text() + " in " + zone + " after " + t;

            Optional<Instant> next = schedule.next(t);
            Optional<Instant> expected = expr.bruteForceNext(t, zone, 4 * 366);
            if (expected.isPresent()) {
                assertThat(next).as(ctx).contains(expected.get());
                compared++;
            } else if (next.isPresent()) {
                // beyond the oracle's four-year scan, but robfig still found one within its horizon
                assertThat(next.get()).as(ctx).isAfter(t.plus(Duration.ofDays(4 * 365)));
            }
            checkConsistency(schedule, t, ctx, true);
        }
        assertThat(compared).isGreaterThan(2000);
    }

    @Test
    void basicConsistencyHoldsInZonesWhereRobfigHasQuirks() {
        RandomCron gen = new RandomCron(7L);
        for (int i = 0; i < 1000; i++) {
            RandomCron.Expr expr = gen.expression();
            ZoneId zone = QUIRK_ZONES.get(gen.random().nextInt(QUIRK_ZONES.size()));
            CronSchedule schedule = CronSchedule.parse(expr.text(), zone);
            Instant t = gen.instant(zone);
            checkConsistency(schedule, t, expr.text() + " in " + zone + " after " + t, false);
        }
    }

    /**
     * Always: next(t) is a whole second after t; previous(next(t)) == next(t); previous(t) <= t; slotsBetween equals
     * chained next(). When {@code monotone}: also no slot in (t, next(t)) and next(previous(t)) == next(t).
     */
    private static void checkConsistency(CronSchedule schedule, Instant t, String ctx, boolean monotone) {
        Optional<Instant> next = schedule.next(t);
        if (next.isPresent()) {
            Instant n = next.get();
            assertThat(n).as(ctx).isAfter(t);
            assertThat(n.getNano()).as(ctx).isZero();
            assertThat(schedule.previous(n)).as(ctx).contains(n);
            if (monotone) {
                Optional<Instant> before = schedule.previous(n.minusSeconds(1));
                before.ifPresent(b -> assertThat(b).as(ctx + ": slot between t and next(t)").isBeforeOrEqualTo(t));
            }
        }
        Optional<Instant> prev = schedule.previous(t);
        prev.ifPresent(p -> {
            assertThat(p).as(ctx).isBeforeOrEqualTo(t);
            if (monotone) {
                assertThat(schedule.next(p)).as(ctx).isEqualTo(next);
            }
        });

        Instant to = t.plus(Duration.ofDays(3));
        List<Instant> chained = new ArrayList<>();
        Instant cursor = t;
        while (chained.size() < 50) {
            Optional<Instant> n = schedule.next(cursor);
            if (n.isEmpty() || n.get().isAfter(to)) {
                break;
            }
            chained.add(n.get());
            cursor = n.get();
        }
        assertThat(schedule.slotsBetween(t, to, 50)).as(ctx).isEqualTo(chained);
    }
}
