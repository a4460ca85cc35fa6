package io.cronjobguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One stored run of a CronJob: the Job as last seen, plus the failure context captured for it. Identified by
 * {@link JobSnapshot#uid()}.
 *
 * <p>{@link #logTail()}, {@link #events()} and {@link #suggestedFix()} are "details": stores keep them out of the
 * hot table, list queries return them only when asked ({@link ExecutionQuery#withDetails()}), and retention may
 * drop them before the run itself.
 *
 * @param job          the Job; must have an {@link JobSnapshot#owner() owner}
 * @param logTail      the last lines of the log of the last attempt, capped, or {@code null}
 * @param events       Kubernetes events of the Job and its pods, rendered {@code "Reason: message"}, capped
 * @param suggestedFix the suggestion computed for a failed run, or {@code null}
 */
public record Execution(
        JobSnapshot job,
        @Nullable String logTail,
        List<String> events,
        @Nullable String suggestedFix) {

    public Execution {
        Objects.requireNonNull(job, "job must not be null");
        if (job.owner() == null) {
            throw new IllegalArgumentException("an execution needs a Job owned by a CronJob (Job " + job.namespace()
                    + "/" + job.name() + " has no owner)");
        }
        events = Checks.list(events, "events");
    }

    /** An execution without details. */
    public static Execution of(JobSnapshot job) {
        return new Execution(job, null, List.of(), null);
    }

    /** The owning CronJob. */
    public CronJobRef cronJob() {
        return job.owner();
    }

    /** The Job UID, the execution's identity. */
    public String jobUid() {
        return job.uid();
    }

    /** Shortcut for {@code job().state()}. */
    public JobState state() {
        return job.state();
    }

    /** Shortcut for {@code job().effectiveStart()}. */
    public Instant startedAt() {
        return job.effectiveStart();
    }

    /** Shortcut for {@code job().duration()}: {@code null} while running. */
    public @Nullable Duration duration() {
        return job.duration();
    }

    /** {@code true} when log tail, events or suggested fix is present. */
    public boolean hasDetails() {
        return logTail != null || !events.isEmpty() || suggestedFix != null;
    }

    /** Returns a copy without details. */
    public Execution withoutDetails() {
        return new Execution(job, null, List.of(), null);
    }

    /** Returns a copy with the given job. */
    public Execution withJob(JobSnapshot newJob) {
        return new Execution(newJob, logTail, events, suggestedFix);
    }
}
