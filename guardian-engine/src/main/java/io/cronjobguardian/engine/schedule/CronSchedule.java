package io.cronjobguardian.engine.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A Kubernetes CronJob schedule with exactly the semantics of the Kubernetes CronJob controller, which parses
 * {@code spec.schedule} with robfig/cron v3 {@code cron.ParseStandard} and walks it with {@code Schedule.Next}.
 *
 * <p>Accepted syntax (and nothing else): five fields {@code minute hour day-of-month month day-of-week}; lists,
 * ranges, steps ({@code *}{@code /n}, {@code a-b/n}, {@code a/n} = {@code a-max/n}), {@code *} and {@code ?};
 * month names {@code JAN}-{@code DEC} and day names {@code SUN}-{@code SAT} in any case; day-of-week 0-6 (7 is rejected,
 * as Kubernetes rejects it); the descriptors {@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly},
 * {@code @daily}, {@code @midnight}, {@code @hourly} and {@code @every <Go duration>}; an optional
 * {@code CRON_TZ=<zone> } or {@code TZ=<zone> } prefix that overrides the zone argument.
 *
 * <p>Semantics:
 * <ul>
 *   <li>Day-of-month and day-of-week: if either field is a star ({@code *} or {@code ?}, possibly {@code *}{@code /1};
 *       any step above 1 is not a star) both must match; otherwise either may match.</li>
 *   <li>Daylight saving time follows robfig's wall-clock walk: a slot inside a spring-forward gap does not fire that
 *       day; a slot inside a fall-back overlap fires in both offsets. See
 *       {@code docs/adr/0001-kubernetes-exact-cron-schedules.md} for the table.</li>
 *   <li>{@link #next} gives up (empty) when nothing matches before the end of the fifth year after the start, as robfig
 *       does; unsatisfiable expressions such as {@code 0 0 30 2 *} therefore never hang.</li>
 *   <li>{@code @every d} is relative ({@link #isRelative()}): {@code next(t)} is {@code t} truncated to the second plus
 *       {@code d} rounded down to whole seconds (at least one second). It has no absolute slots, so {@link #previous}
 *       is always empty; Kubernetes anchors it at {@code status.lastScheduleTime} or the creation time, and so must
 *       a caller (through {@link #next} or {@link #slotsBetween}).</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe. No method reads the clock or the JVM default time zone. The walk covers
 * the years -999,999,000 to 999,999,000; beyond them {@link #next} and {@link #previous} are empty (for {@code @every}
 * only the range of {@link Instant} limits {@link #next}).
 */
public final class CronSchedule {

    /** How far {@link #previous} looks back: more than the longest gap of any schedule (Feb 29 across 2100: 8 years). */
    private static final long MAX_LOOKBACK_SECONDS = 10L * 366 * 86_400;
    private static final long YEAR_SECONDS = 366L * 86_400;

    private final String expression;
    private final ZoneId zone;
    private final ZoneRules rules;
    /** Null for {@code @every}. */
    private final SpecRule spec;
    /** Positive for {@code @every}, else 0. */
    private final long everySeconds;
    /** Slots sampled by {@link #typicalInterval()}. */
    private static final int PERIOD_SAMPLES = 9;
    /** 2001-01-01T00:00Z: where {@link #typicalInterval()} samples (a Monday, not in a DST transition). */
    private static final long PERIOD_ANCHOR = 978_307_200L;
    /** {@link #typicalInterval()}, computed on first use (a benign race: every thread computes the same value). */
    private volatile Optional<Duration> period;

    private CronSchedule(String expression, ZoneId zone, SpecRule spec, long everySeconds) {
        this.expression = expression;
        this.zone = zone;
        this.rules = zone.getRules();
        this.spec = spec;
        this.everySeconds = everySeconds;
    }

    /**
     * Parses a CronJob schedule.
     *
     * @param expression {@code spec.schedule}, exactly as stored in the CronJob
     * @param zone       {@code spec.timeZone}; pass UTC (the controller's zone) when it is unset. A {@code CRON_TZ=} or
     *                   {@code TZ=} prefix in the expression overrides it ({@code TZ=Local} keeps it).
     * @return the schedule
     * @throws IllegalArgumentException when Kubernetes would reject the expression; the message names the field, the
     *                                  value and what is allowed (or the unknown descriptor / time zone)
     * @throws NullPointerException     when an argument is null
     */
    public static CronSchedule parse(String expression, ZoneId zone) {
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(zone, "zone");
        CronParser.Parsed parsed = CronParser.parse(expression, zone);
        return new CronSchedule(expression, parsed.zone(), parsed.spec(), parsed.everySeconds());
    }

    /**
     * The first slot strictly after {@code after} (robfig {@code Next}).
     *
     * @param after any instant; its fraction of a second is ignored except that the result is strictly later
     * @return empty when there is none within robfig's five-year horizon (e.g. {@code 0 0 30 2 *}) or the result
     *         would not be representable
     */
    public Optional<Instant> next(Instant after) {
        Objects.requireNonNull(after, "after");
        return toInstant(nextSecond(after.getEpochSecond()));
    }

    /**
     * The latest slot at or before {@code atOrBefore}: the largest {@code s <= atOrBefore} that {@link #next} returns
     * when walking from shortly before it, so {@code previous(next(t)) == next(t)}. Where robfig's walk is monotone
     * (every zone whose transitions are whole hours away from midnight) also {@code next(previous(t)) == next(t)}; in
     * the zones where it is not, which slots exist depends on the anchor (see ADR 0001).
     *
     * @param atOrBefore any instant
     * @return empty for {@code @every} (a relative schedule has no absolute slots), and when no slot exists in the
     *         ten years before {@code atOrBefore}
     */
    public Optional<Instant> previous(Instant atOrBefore) {
        Objects.requireNonNull(atOrBefore, "atOrBefore");
        if (spec == null || spec.isEmpty()) {
            return Optional.empty();
        }
        // Slots are whole seconds, so "slot <= atOrBefore" is "slot second <= floor(atOrBefore)".
        long x = atOrBefore.getEpochSecond();
        // Probe ever further back until next(probe) <= x. The first such probe is at most a year before the answer,
        // well inside robfig's five-year horizon.
        long hi = x; // invariant: next(hi) > x
        long back = 60;
        while (back <= MAX_LOOKBACK_SECONDS) {
            long lo = x - back;
            OptionalLong atLo = nextSecond(lo);
            if (isAtOrBefore(atLo, x)) {
                // invariant: next(lo) <= x < next(hi); bisect until next(lo) is the last slot <= x: the slot after it
                // is > x (usually at once: the probe is less than twice the distance back), at worst down to one
                // second, where the answer is next(lo)
                boolean found = !isAtOrBefore(nextSecond(atLo.getAsLong()), x);
                while (!found && hi - lo > 1) {
                    long mid = lo + (hi - lo) / 2;
                    OptionalLong atMid = nextSecond(mid);
                    if (isAtOrBefore(atMid, x)) {
                        lo = mid;
                        if (atMid.getAsLong() != atLo.getAsLong()) {
                            atLo = atMid;
                            found = !isAtOrBefore(nextSecond(atLo.getAsLong()), x);
                        }
                    } else {
                        hi = mid;
                    }
                }
                long slot = atLo.getAsLong();
                // Where robfig's walk is not monotone (see the ADR) make sure no later slot reachable from it is <= x.
                for (int i = 0; i < 8; i++) {
                    OptionalLong following = nextSecond(slot);
                    if (!isAtOrBefore(following, x)) {
                        break;
                    }
                    slot = following.getAsLong();
                }
                return toInstant(OptionalLong.of(slot));
            }
            hi = lo;
            back = back < YEAR_SECONDS ? back * 2 : back + YEAR_SECONDS;
        }
        return Optional.empty();
    }

    private static boolean isAtOrBefore(OptionalLong second, long x) {
        return second.isPresent() && second.getAsLong() <= x;
    }

    /**
     * The slots in {@code (fromExclusive, toInclusive]}, oldest first, at most {@code limit} of them: {@link #next}
     * chained from {@code fromExclusive} (for {@code @every} that makes {@code fromExclusive} the anchor).
     *
     * @param fromExclusive the anchor; a slot equal to it is not included
     * @param toInclusive   the last instant a returned slot may have
     * @param limit         the most slots to return
     * @return an unmodifiable list, oldest first; empty when {@code toInclusive} is not after {@code fromExclusive}
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    public List<Instant> slotsBetween(Instant fromExclusive, Instant toInclusive, int limit) {
        Objects.requireNonNull(fromExclusive, "fromExclusive");
        Objects.requireNonNull(toInclusive, "toInclusive");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        List<Instant> slots = new ArrayList<>();
        Instant cursor = fromExclusive;
        while (slots.size() < limit) {
            Optional<Instant> n = next(cursor);
            if (n.isEmpty() || n.get().isAfter(toInclusive)) {
                break;
            }
            slots.add(n.get());
            cursor = n.get();
        }
        return Collections.unmodifiableList(slots);
    }

    /**
     * The expression exactly as given to {@link #parse}.
     *
     * @return the expression, including any {@code CRON_TZ=}/{@code TZ=} prefix
     */
    public String expression() {
        return expression;
    }

    /**
     * The zone the schedule is evaluated in.
     *
     * @return the {@code CRON_TZ=}/{@code TZ=} prefix's zone, else the zone given to {@link #parse}
     */
    public ZoneId zone() {
        return zone;
    }

    /**
     * Whether the schedule is relative to an anchor.
     *
     * @return true for {@code @every <duration>}, which has no absolute slots (see {@link #previous})
     */
    public boolean isRelative() {
        return spec == null;
    }

    /**
     * The typical interval between two slots, for judging how many runs a window of time holds: the mean gap
     * between {@value #PERIOD_SAMPLES} consecutive slots from a fixed anchor (Monday 2001-01-01T00:00Z), so that it
     * is a property of the schedule, not of the time it is asked. 1 day for {@code 0 3 * * *}, 30 hours for
     * {@code 0 9 * * 1-5} (Monday to the Thursday after next: 10 days, 8 gaps), 3.5 days for {@code 0 9 * * 1,4},
     * 7 days for {@code @weekly}, 15 minutes for {@code *}{@code /15 * * * *}; for {@code @every d} it is {@code d}.
     * A schedule that runs more than 8 times a day may come out shorter than its weekly average (the sample covers
     * less than a day); what the interval is used for does not tell such schedules apart. Computed once per
     * instance (about 20 µs).
     *
     * @return the interval, or empty when the schedule has fewer than two slots in five years (unsatisfiable)
     */
    public Optional<Duration> typicalInterval() {
        Optional<Duration> p = period;
        if (p == null) {
            p = computeTypicalInterval();
            period = p;
        }
        return p;
    }

    private Optional<Duration> computeTypicalInterval() {
        if (spec == null) {
            return Optional.of(Duration.ofSeconds(everySeconds));
        }
        OptionalLong first = nextSecond(PERIOD_ANCHOR);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        long last = first.getAsLong();
        int gaps = 0;
        while (gaps < PERIOD_SAMPLES - 1) {
            OptionalLong n = nextSecond(last);
            if (n.isEmpty()) {
                break;
            }
            last = n.getAsLong();
            gaps++;
        }
        return gaps == 0 ? Optional.empty() : Optional.of(Duration.ofSeconds((last - first.getAsLong()) / gaps));
    }

    private OptionalLong nextSecond(long afterSecond) {
        if (spec != null) {
            return spec.next(afterSecond, rules);
        }
        if (afterSecond > Instant.MAX.getEpochSecond() - everySeconds) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(afterSecond + everySeconds);
    }

    private static Optional<Instant> toInstant(OptionalLong second) {
        if (second.isEmpty() || second.getAsLong() > Instant.MAX.getEpochSecond()
                || second.getAsLong() < Instant.MIN.getEpochSecond()) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(second.getAsLong()));
    }

    /** Equal when the expression text and the effective zone are equal. */
    @Override
    public boolean equals(Object o) {
        return o instanceof CronSchedule other && other.expression.equals(expression) && other.zone.equals(zone);
    }

    @Override
    public int hashCode() {
        return expression.hashCode() * 31 + zone.hashCode();
    }

    @Override
    public String toString() {
        return "CronSchedule[" + expression + " in " + zone + "]";
    }
}
