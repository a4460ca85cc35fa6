package io.cronjobguardian.engine.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;

/**
 * Test support: random valid cron expressions whose meaning is computed independently of the parser under test, and a
 * brute-force oracle that finds the first matching instant by scanning wall-clock minutes.
 */
final class RandomCron {

    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};
    private static final String[] DAYS = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

    /** A generated expression with the value sets it denotes. */
    record Expr(String text, BitSet minutes, BitSet hours, BitSet doms, boolean domStar, BitSet months, BitSet dows,
            boolean dowStar) {

        /** Whether a wall date-time (seconds ignored by the caller) matches, with robfig's day rule. */
        boolean matches(LocalDateTime wall) {
            if (!minutes.get(wall.getMinute()) || !hours.get(wall.getHour()) || !months.get(wall.getMonthValue())) {
                return false;
            }
            return dayMatches(wall.toLocalDate());
        }

        boolean dayMatches(LocalDate date) {
            boolean dom = doms.get(date.getDayOfMonth());
            boolean dow = dows.get(date.getDayOfWeek().getValue() % 7);
            return domStar || dowStar ? dom && dow : dom || dow;
        }

        /**
         * The first instant strictly after {@code after} whose wall time in {@code zone} matches, scanning at most
         * {@code maxDays} wall dates; empty if none. Valid for zones whose transitions are not at midnight.
         */
        Optional<Instant> bruteForceNext(Instant after, ZoneId zone, int maxDays) {
            LocalDate date = after.atZone(zone).toLocalDate();
            for (int i = 0; i <= maxDays; i++, date = date.plusDays(1)) {
                if (!months.get(date.getMonthValue()) || !dayMatches(date)) {
                    continue;
                }
                Instant from = date.atStartOfDay(zone).toInstant();
                Instant to = date.plusDays(1).atStartOfDay(zone).toInstant();
                for (Instant t = from; t.isBefore(to); t = t.plusSeconds(60)) {
                    if (!t.isAfter(after)) {
                        continue;
                    }
                    LocalDateTime wall = LocalDateTime.ofInstant(t, zone);
                    if (wall.getSecond() == 0 && wall.toLocalDate().equals(date) && matches(wall)) {
                        return Optional.of(t);
                    }
                }
            }
            return Optional.empty();
        }
    }

    private final Random random;

    RandomCron(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    Expr expression() {
        BitSet minutes = new BitSet();
        BitSet hours = new BitSet();
        BitSet doms = new BitSet();
        BitSet months = new BitSet();
        BitSet dows = new BitSet();
        String m = field(0, 59, null, minutes, 3);
        String h = field(0, 23, null, hours, 3);
        boolean[] domStar = new boolean[1];
        String dom = field(1, 31, null, doms, 5, domStar);
        String mon = field(1, 12, MONTHS, months, 6);
        boolean[] dowStar = new boolean[1];
        String dow = field(0, 6, DAYS, dows, 4, dowStar);
        return new Expr(m + " " + h + " " + dom + " " + mon + " " + dow, minutes, hours, doms, domStar[0], months,
                dows, dowStar[0]);
    }

    private String field(int min, int max, String[] names, BitSet set, int starWeight) {
        return field(min, max, names, set, starWeight, new boolean[1]);
    }

    /** One field; {@code starWeight} in 10 makes it a plain star, so sparse schedules stay rare. */
    private String field(int min, int max, String[] names, BitSet set, int starWeight, boolean[] star) {
        if (random.nextInt(10) < starWeight) {
            set.set(min, max + 1);
            star[0] = true;
            return random.nextInt(4) == 0 ? "?" : random.nextInt(6) == 0 ? "*/1" : "*";
        }
        int items = 1 + random.nextInt(3);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            int kind = random.nextInt(5);
            int a = min + random.nextInt(max - min + 1);
            int b = a + random.nextInt(max - a + 1);
            int step = 2 + random.nextInt(Math.max(1, (max - min) / 3));
            switch (kind) {
                case 0 -> {
                    parts.add(name(a, names));
                    set.set(a);
                }
                case 1 -> {
                    parts.add(name(a, names) + "-" + name(b, names));
                    set.set(a, b + 1);
                }
                case 2 -> {
                    parts.add(name(a, names) + "-" + name(b, names) + "/" + step);
                    for (int v = a; v <= b; v += step) {
                        set.set(v);
                    }
                }
                case 3 -> {
                    parts.add(name(a, names) + "/" + step);
                    for (int v = a; v <= max; v += step) {
                        set.set(v);
                    }
                }
                default -> {
                    parts.add("*/" + step);
                    for (int v = min; v <= max; v += step) {
                        set.set(v);
                    }
                }
            }
        }
        return String.join(",", parts);
    }

    private String name(int value, String[] names) {
        if (names == null || random.nextBoolean()) {
            return Integer.toString(value);
        }
        String n = names[names == MONTHS ? value - 1 : value];
        return switch (random.nextInt(3)) {
            case 0 -> n;
            case 1 -> n.toUpperCase(Locale.ROOT);
            default -> Character.toUpperCase(n.charAt(0)) + n.substring(1);
        };
    }

    /** A random instant in 2000-2040, half of them within two days of one of the zone's offset transitions. */
    Instant instant(ZoneId zone) {
        Instant base = LocalDateTime.of(2000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);
        long span = Duration.ofDays(40L * 365).getSeconds();
        Instant t = base.plusSeconds((long) (random.nextDouble() * span));
        ZoneRules rules = zone.getRules();
        if (random.nextBoolean()) {
            ZoneOffsetTransition tr = rules.nextTransition(t);
            if (tr != null) {
                t = tr.getInstant().plusSeconds(random.nextInt(4 * 86_400) - 2 * 86_400);
            }
        }
        // a mix of whole minutes, whole seconds and sub-second instants
        return switch (random.nextInt(3)) {
            case 0 -> Instant.ofEpochSecond(t.getEpochSecond() / 60 * 60);
            case 1 -> Instant.ofEpochSecond(t.getEpochSecond());
            default -> Instant.ofEpochSecond(t.getEpochSecond(), random.nextInt(1_000_000_000));
        };
    }
}
