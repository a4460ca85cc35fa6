package io.cronjobguardian.engine;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Nullable;
import java.time.Instant;
import java.util.List;

/**
 * The status of one CronJob as seen by one monitor, or by all monitors together (then {@code monitors} lists them
 * all, incidents of every monitor are included and the state is the worst).
 *
 * @param ref             the CronJob
 * @param uid             its UID
 * @param schedule        {@code spec.schedule}
 * @param timeZone        the effective time zone id of the schedule
 * @param suspended       {@code spec.suspend}
 * @param state           healthy / warning / critical / suspended / unknown
 * @param monitors        ids of the monitors that select it
 * @param lastRunAt       finish time of the newest finished run, or {@code null}
 * @param lastRunState    outcome of the newest finished run, or {@code null}
 * @param lastSuccessAt   finish time of the newest success, or {@code null}
 * @param lastFailureAt   finish time of the newest failure, or {@code null}
 * @param nextScheduledAt the next slot of its schedule, or {@code null} (suspended, unsatisfiable, unparsable)
 * @param activeJobs      Jobs running now
 * @param openIncidents   open incidents
 * @param stats           statistics over the SLA window (7 days when no monitor sets one); its
 *                        {@link ExecutionStats#percentiles()} are the monitor's {@code sla.durationPercentiles}
 *                        (P50, P95, P99 by default), from the first selecting monitor with an enabled SLA
 * @param problem         why it cannot be judged (e.g. an invalid schedule or time zone), or {@code null}
 * @param schedulingProblem why Kubernetes does not start Jobs for it although it is not suspended, or {@code null}:
 *                        today "Kubernetes stopped scheduling this CronJob: too many missed start times (&gt;100);
 *                        ..." when more than 100 start times passed since {@code status.lastScheduleTime} (or
 *                        creation), counted from {@code now - startingDeadlineSeconds} when that is later
 */
public record CronJobStatus(
        CronJobRef ref,
        String uid,
        String schedule,
        String timeZone,
        boolean suspended,
        HealthState state,
        List<String> monitors,
        @Nullable Instant lastRunAt,
        @Nullable JobState lastRunState,
        @Nullable Instant lastSuccessAt,
        @Nullable Instant lastFailureAt,
        @Nullable Instant nextScheduledAt,
        List<ActiveJob> activeJobs,
        List<Incident> openIncidents,
        ExecutionStats stats,
        @Nullable String problem,
        @Nullable String schedulingProblem) {

    public CronJobStatus {
        monitors = List.copyOf(monitors);
        activeJobs = List.copyOf(activeJobs);
        openIncidents = List.copyOf(openIncidents);
    }

    /** A status without a scheduling problem. */
    public CronJobStatus(CronJobRef ref, String uid, String schedule, String timeZone, boolean suspended,
            HealthState state, List<String> monitors, @Nullable Instant lastRunAt, @Nullable JobState lastRunState,
            @Nullable Instant lastSuccessAt, @Nullable Instant lastFailureAt, @Nullable Instant nextScheduledAt,
            List<ActiveJob> activeJobs, List<Incident> openIncidents, ExecutionStats stats, @Nullable String problem) {
        this(ref, uid, schedule, timeZone, suspended, state, monitors, lastRunAt, lastRunState, lastSuccessAt,
                lastFailureAt, nextScheduledAt, activeJobs, openIncidents, stats, problem, null);
    }
}
