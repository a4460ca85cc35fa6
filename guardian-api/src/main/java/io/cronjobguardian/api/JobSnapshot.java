package io.cronjobguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the watcher saw of one Job at one moment.
 *
 * @param namespace        the Job's namespace
 * @param name             the Job's name
 * @param uid              the Job's UID: the identity of the run (one execution per UID)
 * @param owner            the owning CronJob (from the {@code ownerReferences} entry of kind CronJob), or
 *                         {@code null} for a Job no CronJob owns
 * @param ownerUid         the owning CronJob's UID, or {@code null} when there is no owner
 * @param scheduledTime    the schedule slot the Job was created for: from the annotation
 *                         {@code batch.kubernetes.io/cronjob-scheduled-timestamp}, else from the Job-name suffix
 *                         (minutes since the epoch); {@code null} for manual runs and Jobs without a slot
 * @param manual           {@code true} when the Job was created by hand (annotation
 *                         {@code cronjob.kubernetes.io/instantiate: manual}) rather than by the CronJob controller
 * @param createdAt        {@code metadata.creationTimestamp}
 * @param startedAt        {@code status.startTime}, or {@code null} before the Job controller started it
 * @param finishedAt       when the Job reached its terminal condition ({@code completionTime} for successes, the
 *                         {@code Failed}/{@code FailureTarget} condition time for failures), {@code null} while running
 * @param state            outcome from the Job conditions
 * @param attempts         number of pods tried ({@code succeeded + failed}, at least 1 once started, 0 before)
 * @param conditionReason  reason of the terminal condition ({@code BackoffLimitExceeded}, {@code DeadlineExceeded},
 *                         ...) or {@code null}
 * @param conditionMessage message of the terminal condition or {@code null}
 * @param lastTermination  how the last attempt ended, when known, else {@code null}
 * @param suspendedSince   when the Job was suspended ({@code lastTransitionTime} of its {@code Suspended}
 *                         condition with status {@code True}: {@code spec.suspend} set mid-run, or a Job queued
 *                         suspended by Kueue), or {@code null} while it is not suspended. Suspended time is not run
 *                         time: {@link #durationAt} stops at this instant. (Kubernetes resets {@code status.startTime}
 *                         when a suspended Job resumes, so earlier suspensions are not counted either.)
 * @param podStarted       {@code true} once a pod of the Job ran or runs (the Job's {@code status.ready}, or pods that
 *                         succeeded or failed), or when that is not known; {@code false} for a Job whose pods were
 *                         never created ({@code FailedCreate}: quota, admission) or never ran (Pending,
 *                         {@code FailedScheduling}). An active pod that is still Pending does not count.
 */
public record JobSnapshot(
        String namespace,
        String name,
        String uid,
        @Nullable CronJobRef owner,
        @Nullable String ownerUid,
        @Nullable Instant scheduledTime,
        boolean manual,
        Instant createdAt,
        @Nullable Instant startedAt,
        @Nullable Instant finishedAt,
        JobState state,
        int attempts,
        @Nullable String conditionReason,
        @Nullable String conditionMessage,
        @Nullable Termination lastTermination,
        @Nullable Instant suspendedSince,
        boolean podStarted) {

    /**
     * A Job that is not suspended and whose pods are taken to have run (the shape before suspension and pod
     * tracking were known); see the canonical constructor for the parameters.
     */
    public JobSnapshot(String namespace, String name, String uid, @Nullable CronJobRef owner, @Nullable String ownerUid,
            @Nullable Instant scheduledTime, boolean manual, Instant createdAt, @Nullable Instant startedAt,
            @Nullable Instant finishedAt, JobState state, int attempts, @Nullable String conditionReason,
            @Nullable String conditionMessage, @Nullable Termination lastTermination) {
        this(namespace, name, uid, owner, ownerUid, scheduledTime, manual, createdAt, startedAt, finishedAt, state,
                attempts, conditionReason, conditionMessage, lastTermination, null, true);
    }

    public JobSnapshot {
        Checks.maxLength(Checks.notBlank(namespace, "namespace"), CronJobRef.MAX_NAME_LENGTH, "namespace");
        Checks.maxLength(Checks.notBlank(name, "name"), CronJobRef.MAX_NAME_LENGTH, "name");
        Checks.notBlank(uid, "uid");
        if (owner != null && !owner.namespace().equals(namespace)) {
            throw new IllegalArgumentException("owner " + owner + " is not in the Job's namespace " + namespace);
        }
        scheduledTime = Checks.millis(scheduledTime);
        createdAt = Checks.required(createdAt, "createdAt");
        startedAt = Checks.millis(startedAt);
        finishedAt = Checks.millis(finishedAt);
        suspendedSince = Checks.millis(suspendedSince);
        Objects.requireNonNull(state, "state must not be null");
        Checks.nonNegative(attempts, "attempts");
        if (state.isTerminal() && finishedAt == null) {
            throw new IllegalArgumentException("a " + state + " Job needs finishedAt");
        }
        if (!state.isTerminal() && finishedAt != null) {
            throw new IllegalArgumentException("a RUNNING Job must not have finishedAt");
        }
        Checks.notBefore(finishedAt, startedAt != null ? startedAt : createdAt, "finishedAt",
                startedAt != null ? "startedAt" : "createdAt");
    }

    /** When the run began: {@link #startedAt()} if known, else {@link #createdAt()}. */
    public Instant effectiveStart() {
        return startedAt != null ? startedAt : createdAt;
    }

    /** {@code true} while the Job is suspended ({@link #suspendedSince()} is set). */
    public boolean suspended() {
        return suspendedSince != null;
    }

    /** Run time from {@link #effectiveStart()} to {@link #finishedAt()}; {@code null} while running. */
    public @Nullable Duration duration() {
        return finishedAt == null ? null : Duration.between(effectiveStart(), finishedAt);
    }

    /**
     * Running time at {@code now} (truncated to milliseconds) for an unfinished Job, or the final {@link #duration()}
     * for a finished one. A suspended Job's running time stops at {@link #suspendedSince()}: suspended time is not
     * run time.
     */
    public Duration durationAt(Instant now) {
        Duration d = duration();
        if (d != null) {
            return d;
        }
        Instant end = now.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        if (suspendedSince != null && suspendedSince.isBefore(end)) {
            end = suspendedSince;
        }
        Duration running = Duration.between(effectiveStart(), end);
        return running.isNegative() ? Duration.ZERO : running;
    }

    /** Returns a copy with {@code lastTermination} replaced. */
    public JobSnapshot withLastTermination(@Nullable Termination termination) {
        return new JobSnapshot(namespace, name, uid, owner, ownerUid, scheduledTime, manual, createdAt, startedAt,
                finishedAt, state, attempts, conditionReason, conditionMessage, termination, suspendedSince,
                podStarted);
    }

    /** Returns a copy with the condition message and termination replaced (the rest, suspension included, kept). */
    public JobSnapshot withMessages(@Nullable String newConditionMessage, @Nullable Termination termination) {
        return new JobSnapshot(namespace, name, uid, owner, ownerUid, scheduledTime, manual, createdAt, startedAt,
                finishedAt, state, attempts, conditionReason, newConditionMessage, termination, suspendedSince,
                podStarted);
    }
}
