package io.cronjobguardian.engine.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Test helper: slots rendered as local date-times with their offset in the schedule's zone, e.g. 2023-03-12T01:00-05:00. */
final class Slots {

    private Slots() {
    }

    static Instant at(String isoOffsetDateTime) {
        return OffsetDateTime.parse(isoOffsetDateTime).toInstant();
    }

    static String render(Instant instant, ZoneId zone) {
        return OffsetDateTime.ofInstant(instant, zone).toString();
    }

    /** The first {@code count} slots strictly after {@code from}, chained through next(). */
    static List<String> after(CronSchedule schedule, String from, int count) {
        List<String> out = new ArrayList<>();
        Instant cursor = at(from);
        for (int i = 0; i < count; i++) {
            Optional<Instant> next = schedule.next(cursor);
            if (next.isEmpty()) {
                break;
            }
            out.add(render(next.get(), schedule.zone()));
            cursor = next.get();
        }
        return out;
    }

    static List<String> after(String expression, String zone, String from, int count) {
        return after(CronSchedule.parse(expression, ZoneId.of(zone)), from, count);
    }

    static Optional<String> next(CronSchedule schedule, String after) {
        return schedule.next(at(after)).map(i -> render(i, schedule.zone()));
    }

    static Optional<String> previous(CronSchedule schedule, String atOrBefore) {
        return schedule.previous(at(atOrBefore)).map(i -> render(i, schedule.zone()));
    }
}
