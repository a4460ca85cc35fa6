package io.cronjobguardian.engine.schedule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.OptionalLong;

/**
 * A five-field cron schedule stored as bit sets, with robfig/cron v3's {@code SpecSchedule.Next} walk re-implemented
 * over {@code java.time}.
 *
 * <p>The walk deliberately reproduces Go's time arithmetic rather than {@code java.time}'s, because the two differ
 * exactly where Kubernetes' answers are interesting (DST gaps and overlaps):
 * <ul>
 *   <li>{@code time.Date} with a wall time that is skipped or repeated picks the offset by looking up the zone at the
 *       wall time read as UTC and, if the result falls outside that zone period, looking up again at the corrected
 *       instant ({@link #goDate}). In America/New_York this resolves a skipped 02:30 to 01:30 EST, in Europe/Berlin to
 *       03:30 CEST; a repeated 01:30 in New York resolves to the first (EDT) instant, a repeated 02:30 in Berlin to the
 *       second (CET) instant. {@code java.time} always shifts gaps forward and picks the earlier offset.</li>
 *   <li>{@code Time.Add} is absolute, {@code Time.AddDate} re-resolves wall fields through {@code time.Date}, and
 *       {@code Time.Truncate} works on absolute time since year 1 (so on UTC seconds).</li>
 * </ul>
 * Seconds are always {@code {0}} because Kubernetes uses the standard (five-field) parser.
 */
final class SpecRule {

    /** Set when a field was written as {@code *} or {@code ?} (robfig's {@code starBit}); step > 1 clears it. */
    static final long STAR = 1L << 63;

    private static final long SECONDS_PER_DAY = 86_400L;
    /** Walks never start beyond these years, so that {@link LocalDate} (±999,999,999) cannot overflow. */
    private static final int MAX_WALK_YEAR = 999_999_000;

    private static final long MIN_WALK_EPOCH = LocalDate.of(-MAX_WALK_YEAR, 1, 1).toEpochDay() * SECONDS_PER_DAY;
    private static final long MAX_WALK_EPOCH = LocalDate.of(MAX_WALK_YEAR, 1, 1).toEpochDay() * SECONDS_PER_DAY;

    final long minute;
    final long hour;
    final long dom;
    final long month;
    final long dow;

    SpecRule(long minute, long hour, long dom, long month, long dow) {
        this.minute = minute;
        this.hour = hour;
        this.dom = dom;
        this.month = month;
        this.dow = dow;
    }

    /** True when a field has no value at all (e.g. the field {@code ","}), so no instant can ever match. */
    boolean isEmpty() {
        return (minute & ~STAR) == 0 || (hour & ~STAR) == 0 || (month & ~STAR) == 0;
    }

    /**
     * robfig {@code SpecSchedule.Next}: the first activation strictly after {@code afterEpochSecond} (plus
     * {@code afterNano}), or empty when none is found before the end of the year five years after the start (robfig
     * returns the zero time there).
     */
    OptionalLong next(long afterEpochSecond, ZoneRules rules) {
        if (isEmpty() || afterEpochSecond < MIN_WALK_EPOCH || afterEpochSecond > MAX_WALK_EPOCH) {
            return OptionalLong.empty();
        }
        // Start at the upcoming whole second: t.Add(1s - t.Nanosecond()).
        Wall t = new Wall(rules, afterEpochSecond + 1);
        boolean added = false;
        int yearLimit = t.year + 5;

        wrap:
        while (true) {
            if (t.year > yearLimit) {
                return OptionalLong.empty();
            }

            while (!bit(month, t.month)) {
                if (!added) {
                    added = true;
                    t.set(t.date(t.year, t.month, 1, 0, 0, 0));
                }
                t.set(t.addDate(0, 1, 0));
                if (t.month == 1) {
                    continue wrap;
                }
            }

            while (!dayMatches(t)) {
                if (!added) {
                    added = true;
                    t.set(t.date(t.year, t.month, t.day, 0, 0, 0));
                }
                t.set(t.addDate(0, 0, 1));
                // robfig's repair for zones whose midnight is skipped: 23 → add an hour, 1 → subtract one.
                if (t.hour != 0) {
                    if (t.hour > 12) {
                        t.set(t.epochSecond + (24L - t.hour) * 3600L);
                    } else {
                        t.set(t.epochSecond - t.hour * 3600L);
                    }
                }
                if (t.day == 1) {
                    continue wrap;
                }
            }

            while (!bit(hour, t.hour)) {
                if (!added) {
                    added = true;
                    t.set(t.date(t.year, t.month, t.day, t.hour, 0, 0));
                }
                t.set(t.epochSecond + 3600L);
                if (t.hour == 0) {
                    continue wrap;
                }
            }

            while (!bit(minute, t.minute)) {
                if (!added) {
                    added = true;
                    t.set(Math.floorDiv(t.epochSecond, 60L) * 60L);
                }
                t.set(t.epochSecond + 60L);
                if (t.minute == 0) {
                    continue wrap;
                }
            }

            // The seconds field is always {0}. The walk only ever holds whole seconds, so Truncate(second) is a no-op.
            while (t.second != 0) {
                added = true;
                t.set(t.epochSecond + 1L);
                if (t.second == 0) {
                    continue wrap;
                }
            }

            return OptionalLong.of(t.epochSecond);
        }
    }

    private boolean dayMatches(Wall t) {
        boolean domMatch = bit(dom, t.day);
        boolean dowMatch = bit(dow, t.weekday);
        if ((dom & STAR) != 0 || (dow & STAR) != 0) {
            return domMatch && dowMatch;
        }
        return domMatch || dowMatch;
    }

    private static boolean bit(long bits, int value) {
        return (bits & (1L << value)) != 0;
    }

    /**
     * A Go {@code time.Time} in one location, reduced to what the walk needs: whole epoch seconds plus the wall
     * fields Go would report for them.
     */
    private static final class Wall {
        private final ZoneRules rules;
        /** The offset in force on [validFrom, validUntil), so most steps need no zone lookup. */
        private int offsetSeconds;
        private long validFrom = 1;
        private long validUntil = 0;

        long epochSecond;
        int year;
        int month;
        int day;
        int hour;
        int minute;
        int second;
        /** Go's {@code time.Weekday}: Sunday = 0. */
        int weekday;

        Wall(ZoneRules rules, long epochSecond) {
            this.rules = rules;
            set(epochSecond);
        }

        void set(long epochSecond) {
            this.epochSecond = epochSecond;
            if (epochSecond < validFrom || epochSecond >= validUntil) {
                lookUpOffset(epochSecond);
            }
            long local = epochSecond + offsetSeconds;
            long epochDay = Math.floorDiv(local, SECONDS_PER_DAY);
            int secondOfDay = (int) Math.floorMod(local, SECONDS_PER_DAY);
            LocalDate date = LocalDate.ofEpochDay(epochDay);
            year = date.getYear();
            month = date.getMonthValue();
            day = date.getDayOfMonth();
            hour = secondOfDay / 3600;
            minute = secondOfDay / 60 % 60;
            second = secondOfDay % 60;
            // 1970-01-01 (epoch day 0) was a Thursday
            weekday = (int) Math.floorMod(epochDay + 4, 7L);
        }

        private void lookUpOffset(long epochSecond) {
            Instant instant = Instant.ofEpochSecond(epochSecond);
            offsetSeconds = rules.getOffset(instant).getTotalSeconds();
            if (rules.isFixedOffset()) {
                validFrom = Long.MIN_VALUE;
                validUntil = Long.MAX_VALUE;
                return;
            }
            ZoneOffsetTransition next = rules.nextTransition(instant);
            ZoneOffsetTransition previous = rules.previousTransition(instant.plusSeconds(1));
            validUntil = next == null ? Long.MAX_VALUE : next.toEpochSecond();
            validFrom = previous == null ? Long.MIN_VALUE : previous.toEpochSecond();
            if (validFrom > epochSecond || validUntil <= epochSecond) {
                // never trust the cache over the lookup
                validFrom = 1;
                validUntil = 0;
            }
        }

        /** Go {@code t.AddDate(years, months, days)}: shift the wall date, keep the wall clock, resolve again. */
        long addDate(int years, int months, int days) {
            return date(year + years, month + months, day + days, hour, minute, second);
        }

        /**
         * Go {@code time.Date(y, mo, d, h, mi, s, 0, loc)}: fields may overflow (month 13, day 32, day 0) and are
         * normalised; the wall time is then resolved to an instant the way Go does it, which for a skipped or repeated
         * wall time is not what {@code java.time} would choose.
         */
        long date(int y, int mo, int d, int h, int mi, int s) {
            int m0 = mo - 1;
            int normYear = y + Math.floorDiv(m0, 12);
            int normMonth = Math.floorMod(m0, 12) + 1;
            long days = LocalDate.of(normYear, normMonth, 1).toEpochDay() + (d - 1L);
            long wallAsUtc = days * SECONDS_PER_DAY + h * 3600L + mi * 60L + s;
            return goDate(wallAsUtc, rules);
        }
    }

    /**
     * Resolves a wall time (given as its seconds when read as UTC) the way Go's {@code time.Date} does: look up the
     * offset in force at {@code wallAsUtc}; if the corrected instant lies outside that offset's period, use the offset
     * in force at the corrected instant instead. Both cases reduce to {@code wall - offset(wall - offset(wall))}.
     */
    static long goDate(long wallAsUtc, ZoneRules rules) {
        int guess = rules.getOffset(Instant.ofEpochSecond(wallAsUtc)).getTotalSeconds();
        if (guess == 0) {
            return wallAsUtc;
        }
        int actual = rules.getOffset(Instant.ofEpochSecond(wallAsUtc - guess)).getTotalSeconds();
        return wallAsUtc - actual;
    }
}
