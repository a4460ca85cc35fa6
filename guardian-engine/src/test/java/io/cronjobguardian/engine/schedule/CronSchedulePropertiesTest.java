package io.cronjobguardian.engine.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
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
            Supplier<String> ctx = () -> expr.text() + " in " + zone + " after " + t;

            Optional<Instant> next = schedule.next(t);
            Optional<Instant> expected = expr.bruteForceNext(t, zone, 4 * 366);
            if (expected.isPresent()) {
                require(next.equals(expected), ctx, "next", next, expected);
                compared++;
            } else if (next.isPresent()) {
                // beyond the oracle's four-year scan, but robfig still found one within its horizon
                require(next.get().isAfter(t.plus(Duration.ofDays(4 * 365))), ctx, "next beyond the scan", next, "");
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
            checkConsistency(schedule, t, () -> expr.text() + " in " + zone + " after " + t, false);
        }
    }

    /**
     * Always: next(t) is a whole second after t; previous(next(t)) == next(t); previous(t) <= t; slotsBetween equals
     * chained next(). When {@code monotone}: also no slot in (t, next(t)) and next(previous(t)) == next(t).
     */
    private static void checkConsistency(CronSchedule schedule, Instant t, Supplier<String> ctx, boolean monotone) {
        Optional<Instant> next = schedule.next(t);
        if (next.isPresent()) {
            Instant n = next.get();
            require(n.isAfter(t) && n.getNano() == 0, ctx, "next after t, whole second", n, t);
            Optional<Instant> self = schedule.previous(n);
            require(self.equals(next), ctx, "previous(next(t))", self, n);
            if (monotone) {
                Optional<Instant> before = schedule.previous(n.minusSeconds(1));
                require(before.isEmpty() || !before.get().isAfter(t), ctx, "a slot between t and next(t)", before, t);
            }
        }
        Optional<Instant> prev = schedule.previous(t);
        if (prev.isPresent()) {
            require(!prev.get().isAfter(t), ctx, "previous(t) <= t", prev, t);
            if (monotone) {
                Optional<Instant> again = schedule.next(prev.get());
                require(again.equals(next), ctx, "next(previous(t))", again, next);
            }
        }

        Instant to = t.plus(Duration.ofDays(3));
        List<Instant> chained = new ArrayList<>();
        Instant cursor = t;
        while (chained.size() < 20) {
            Optional<Instant> n = schedule.next(cursor);
            if (n.isEmpty() || n.get().isAfter(to)) {
                break;
            }
            chained.add(n.get());
            cursor = n.get();
        }
        List<Instant> between = schedule.slotsBetween(t, to, 20);
        require(between.equals(chained), ctx, "slotsBetween", between, chained);
    }

    /** Plain check in the hot loop; AssertJ only builds its message on failure. */
    private static void require(boolean ok, Supplier<String> ctx, String what, Object actual, Object expected) {
        if (!ok) {
            fail(ctx.get() + ": " + what + ": got " + actual + ", expected " + expected);
        }
    }
}
