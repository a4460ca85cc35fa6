package io.cronjobguardian.engine.core;

import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.Instant;
import java.util.Optional;

/**
 * Whether a monitor's maintenance windows hold alerts back at an instant. A window opens at each slot of its
 * schedule and stays open for its duration; windows of any length are seen (also those longer than a day or than
 * the schedule's period, which the operator missed).
 */
final class MaintenanceWindows {

    /** Starts looked at per window when finding one that is still open. */
    private static final int MAX_STARTS = 10_000;

    private MaintenanceWindows() {
    }

    /**
     * The instant the last open suppressing window of {@code m} closes, if one is open at {@code now}
     * ({@code start <= now < start + duration}).
     */
    static Optional<Instant> suppressedUntil(MonitorSpec m, Instant now) {
        Instant until = null;
        for (MonitorSpec.MaintenanceWindow w : m.maintenanceWindows()) {
            if (!w.suppressAlerts()) {
                continue;
            }
            Instant end = openUntil(w.cronSchedule(), w.duration(), now);
            if (end != null && (until == null || end.isAfter(until))) {
                until = end;
            }
        }
        return Optional.ofNullable(until);
    }

    /** When the window that is open at {@code now} closes, or {@code null} when none is open. */
    static Instant openUntil(CronSchedule schedule, java.time.Duration duration, Instant now) {
        Instant latestEnd = null;
        Optional<Instant> start = schedule.previous(now);
        for (int i = 0; i < MAX_STARTS && start.isPresent(); i++) {
            Instant end = start.get().plus(duration);
            if (!end.isAfter(now)) {
                break;   // this start's window is closed, and every earlier start ended earlier
            }
            if (latestEnd == null || end.isAfter(latestEnd)) {
                latestEnd = end;
            }
            start = schedule.previous(start.get().minusMillis(1));
        }
        return latestEnd;
    }
}
