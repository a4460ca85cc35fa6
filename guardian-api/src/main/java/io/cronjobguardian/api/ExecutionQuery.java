package io.cronjobguardian.api;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * A filter over stored executions with paging. Results are ordered newest first by start time
 * ({@link JobSnapshot#effectiveStart()}), ties broken by Job UID, so paging is stable.
 *
 * <p>Build with {@link #forCronJob(CronJobRef)} or {@link #all()} and the {@code with...} methods:
 * <pre>{@code
 * ExecutionQuery q = ExecutionQuery.forCronJob(ref).startedSince(from).states(JobState.FAILED).page(0, 50);
 * }</pre>
 *
 * @param cronJob        only runs of this CronJob, or {@code null} for every CronJob
 * @param cronJobUid     only runs whose owner had this UID, or {@code null}
 * @param startedFrom    only runs started at or after this instant, or {@code null}
 * @param startedBefore  only runs started strictly before this instant, or {@code null}
 * @param scheduledFrom  only runs whose scheduled slot is at or after this instant, or {@code null}
 * @param scheduledBefore only runs whose scheduled slot is strictly before this instant, or {@code null}
 * @param states         only runs in one of these states (empty = all)
 * @param includeManual  whether manual runs are included
 * @param withDetails    whether log tail, events and suggested fix are loaded
 * @param offset         rows to skip, &gt;= 0
 * @param limit          page size, 1 to {@link #MAX_LIMIT}
 */
public record ExecutionQuery(
        @Nullable CronJobRef cronJob,
        @Nullable String cronJobUid,
        @Nullable Instant startedFrom,
        @Nullable Instant startedBefore,
        @Nullable Instant scheduledFrom,
        @Nullable Instant scheduledBefore,
        Set<JobState> states,
        boolean includeManual,
        boolean withDetails,
        int offset,
        int limit) {

    /** Largest page a store must serve. */
    public static final int MAX_LIMIT = 10_000;
    /** Page size when none is given. */
    public static final int DEFAULT_LIMIT = 50;

    public ExecutionQuery {
        startedFrom = Checks.millis(startedFrom);
        startedBefore = Checks.millis(startedBefore);
        scheduledFrom = Checks.millis(scheduledFrom);
        scheduledBefore = Checks.millis(scheduledBefore);
        states = states == null || states.isEmpty() ? Set.of() : Set.copyOf(states);
        Checks.nonNegative(offset, "offset");
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", was " + limit);
        }
    }

    /** Runs of one CronJob, manual runs included, no details, first page of {@link #DEFAULT_LIMIT}. */
    public static ExecutionQuery forCronJob(CronJobRef cronJob) {
        Objects.requireNonNull(cronJob, "cronJob");
        return new ExecutionQuery(cronJob, null, null, null, null, null, Set.of(), true, false, 0, DEFAULT_LIMIT);
    }

    /** Runs of every CronJob, manual runs included, no details, first page of {@link #DEFAULT_LIMIT}. */
    public static ExecutionQuery all() {
        return new ExecutionQuery(null, null, null, null, null, null, Set.of(), true, false, 0, DEFAULT_LIMIT);
    }

    /** Restricts to runs of the CronJob incarnation with this UID. */
    public ExecutionQuery cronJobUid(@Nullable String uid) {
        return new ExecutionQuery(cronJob, uid, startedFrom, startedBefore, scheduledFrom, scheduledBefore, states,
                includeManual, withDetails, offset, limit);
    }

    /** Runs started in {@code [from, before)}; either bound may be {@code null}. */
    public ExecutionQuery startedBetween(@Nullable Instant from, @Nullable Instant before) {
        return new ExecutionQuery(cronJob, cronJobUid, from, before, scheduledFrom, scheduledBefore, states,
                includeManual, withDetails, offset, limit);
    }

    /** Runs started at or after {@code from}. */
    public ExecutionQuery startedSince(@Nullable Instant from) {
        return startedBetween(from, startedBefore);
    }

    /** Runs whose scheduled slot lies in {@code [from, before)}; either bound may be {@code null}. */
    public ExecutionQuery scheduledBetween(@Nullable Instant from, @Nullable Instant before) {
        return new ExecutionQuery(cronJob, cronJobUid, startedFrom, startedBefore, from, before, states,
                includeManual, withDetails, offset, limit);
    }

    /** Runs in one of the given states (none = all). */
    public ExecutionQuery states(JobState... wanted) {
        Set<JobState> s = wanted.length == 0 ? Set.of() : EnumSet.of(wanted[0], wanted);
        return new ExecutionQuery(cronJob, cronJobUid, startedFrom, startedBefore, scheduledFrom, scheduledBefore, s,
                includeManual, withDetails, offset, limit);
    }

    /** Whether manual runs are included. */
    public ExecutionQuery includeManual(boolean include) {
        return new ExecutionQuery(cronJob, cronJobUid, startedFrom, startedBefore, scheduledFrom, scheduledBefore,
                states, include, withDetails, offset, limit);
    }

    /** Whether log tails, events and suggested fixes are loaded. */
    public ExecutionQuery withDetails(boolean load) {
        return new ExecutionQuery(cronJob, cronJobUid, startedFrom, startedBefore, scheduledFrom, scheduledBefore,
                states, includeManual, load, offset, limit);
    }

    /** Sets offset and page size. */
    public ExecutionQuery page(int newOffset, int newLimit) {
        return new ExecutionQuery(cronJob, cronJobUid, startedFrom, startedBefore, scheduledFrom, scheduledBefore,
                states, includeManual, withDetails, newOffset, newLimit);
    }

    /** {@code true} when the execution passes every filter of this query (paging aside). */
    public boolean matches(Execution e) {
        JobSnapshot j = e.job();
        Instant start = j.effectiveStart();
        return (cronJob == null || cronJob.equals(j.owner()))
                && (cronJobUid == null || cronJobUid.equals(j.ownerUid()))
                && (startedFrom == null || !start.isBefore(startedFrom))
                && (startedBefore == null || start.isBefore(startedBefore))
                && (scheduledFrom == null || (j.scheduledTime() != null && !j.scheduledTime().isBefore(scheduledFrom)))
                && (scheduledBefore == null || (j.scheduledTime() != null && j.scheduledTime().isBefore(scheduledBefore)))
                && (states.isEmpty() || states.contains(j.state()))
                && (includeManual || !j.manual());
    }
}
