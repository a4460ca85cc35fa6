package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.ZoneId;
import java.util.List;

/** What the leader keeps about one CronJob. Engine thread only. */
final class Tracked {

    CronJobSnapshot snapshot;
    /** The parsed schedule, or {@code null} when it cannot be parsed (see {@link #problem}). */
    CronSchedule schedule;
    /** Why the CronJob cannot be judged by its schedule, or {@code null}. */
    String problem;
    List<MonitorSpec> monitors = List.of();
    CronJobState state;

    Tracked(CronJobSnapshot snapshot) {
        update(snapshot);
    }

    /** Replaces the snapshot and re-parses the schedule when it changed. */
    void update(CronJobSnapshot s) {
        boolean scheduleChanged = snapshot == null || !snapshot.schedule().equals(s.schedule())
                || !java.util.Objects.equals(snapshot.timeZone(), s.timeZone());
        snapshot = s;
        if (scheduleChanged) {
            parse();
        }
    }

    private void parse() {
        schedule = null;
        problem = null;
        ZoneId zone = ZoneId.of("UTC");
        if (snapshot.timeZone() != null) {
            try {
                zone = ZoneId.of(snapshot.timeZone());
            } catch (java.time.DateTimeException e) {
                problem = "unknown time zone \"" + snapshot.timeZone() + "\" in spec.timeZone";
                return;
            }
        }
        try {
            schedule = CronSchedule.parse(snapshot.schedule(), zone);
        } catch (IllegalArgumentException e) {
            problem = "invalid schedule \"" + snapshot.schedule() + "\": " + e.getMessage();
        }
    }

    /** Parses a CronJob's schedule in its zone; {@code null} when it cannot be parsed. */
    static CronSchedule scheduleOf(CronJobSnapshot s) {
        return new Tracked(s).schedule;
    }
}
