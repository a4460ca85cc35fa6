package io.cronjobguardian.engine;

import java.util.List;

/**
 * Summary of one monitor: counts over the CronJobs it selects, and their statuses.
 *
 * @param id            the monitor id ({@code namespace/name})
 * @param total         CronJobs selected
 * @param healthy       of those, healthy
 * @param warning       of those, with a warning
 * @param critical      of those, critical
 * @param suspended     of those, suspended
 * @param unknown       of those, not judged yet
 * @param running       of those, with at least one running Job
 * @param activeAlerts  open incidents raised by this monitor
 * @param cronJobs      status of each selected CronJob, as seen by this monitor, ordered by namespace and name
 */
public record MonitorStatus(
        String id,
        int total,
        int healthy,
        int warning,
        int critical,
        int suspended,
        int unknown,
        int running,
        int activeAlerts,
        List<CronJobStatus> cronJobs) {

    public MonitorStatus {
        cronJobs = List.copyOf(cronJobs);
    }

    /** Builds the summary counts from the statuses. */
    public static MonitorStatus of(String id, List<CronJobStatus> statuses) {
        int healthy = 0, warning = 0, critical = 0, suspended = 0, unknown = 0, running = 0, alerts = 0;
        for (CronJobStatus s : statuses) {
            switch (s.state()) {
                case HEALTHY: healthy++; break;
                case WARNING: warning++; break;
                case CRITICAL: critical++; break;
                case SUSPENDED: suspended++; break;
                default: unknown++; break;
            }
            if (!s.activeJobs().isEmpty()) {
                running++;
            }
            alerts += s.openIncidents().size();
        }
        return new MonitorStatus(id, statuses.size(), healthy, warning, critical, suspended, unknown, running, alerts,
                statuses);
    }
}
