package io.cronjobguardian.api;

import java.time.Instant;

/**
 * A filter over incidents with paging; results are ordered newest first by {@code openedAt}, ties by id.
 *
 * @param openOnly   only open incidents
 * @param cronJob    only incidents of this CronJob, or {@code null}
 * @param monitor    only incidents of this monitor, or {@code null}
 * @param type       only this type, or {@code null}
 * @param openedFrom only incidents opened at or after this instant, or {@code null}
 * @param resolvedFrom only incidents resolved at or after this instant (so only resolved ones), or {@code null}
 * @param offset     rows to skip
 * @param limit      page size, 1 to {@link ExecutionQuery#MAX_LIMIT}
 */
public record IncidentQuery(
        boolean openOnly,
        @Nullable CronJobRef cronJob,
        @Nullable String monitor,
        @Nullable AlertType type,
        @Nullable Instant openedFrom,
        @Nullable Instant resolvedFrom,
        int offset,
        int limit) {

    public IncidentQuery {
        openedFrom = Checks.millis(openedFrom);
        resolvedFrom = Checks.millis(resolvedFrom);
        Checks.nonNegative(offset, "offset");
        if (limit < 1 || limit > ExecutionQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + ExecutionQuery.MAX_LIMIT
                    + ", was " + limit);
        }
    }

    /** Open incidents, any CronJob, first page of {@link ExecutionQuery#MAX_LIMIT}. */
    public static IncidentQuery open() {
        return new IncidentQuery(true, null, null, null, null, null, 0, ExecutionQuery.MAX_LIMIT);
    }

    /** All incidents (open and resolved), first page of {@link ExecutionQuery#DEFAULT_LIMIT}. */
    public static IncidentQuery all() {
        return new IncidentQuery(false, null, null, null, null, null, 0, ExecutionQuery.DEFAULT_LIMIT);
    }

    /** Restricts to one CronJob. */
    public IncidentQuery cronJob(@Nullable CronJobRef ref) {
        return new IncidentQuery(openOnly, ref, monitor, type, openedFrom, resolvedFrom, offset, limit);
    }

    /** Restricts to one monitor. */
    public IncidentQuery monitor(@Nullable String id) {
        return new IncidentQuery(openOnly, cronJob, id, type, openedFrom, resolvedFrom, offset, limit);
    }

    /** Restricts to one type. */
    public IncidentQuery type(@Nullable AlertType t) {
        return new IncidentQuery(openOnly, cronJob, monitor, t, openedFrom, resolvedFrom, offset, limit);
    }

    /** Restricts to incidents opened at or after {@code from}. */
    public IncidentQuery openedFrom(@Nullable Instant from) {
        return new IncidentQuery(openOnly, cronJob, monitor, type, from, resolvedFrom, offset, limit);
    }

    /** Restricts to incidents resolved at or after {@code from}. */
    public IncidentQuery resolvedFrom(@Nullable Instant from) {
        return new IncidentQuery(openOnly, cronJob, monitor, type, openedFrom, from, offset, limit);
    }

    /** Sets offset and page size. */
    public IncidentQuery page(int newOffset, int newLimit) {
        return new IncidentQuery(openOnly, cronJob, monitor, type, openedFrom, resolvedFrom, newOffset, newLimit);
    }

    /** {@code true} when the incident passes every filter (paging aside). */
    public boolean matches(Incident i) {
        return (!openOnly || i.isOpen())
                && (cronJob == null || cronJob.equals(i.key().cronJob()))
                && (monitor == null || monitor.equals(i.key().monitor()))
                && (type == null || type == i.key().type())
                && (openedFrom == null || !i.openedAt().isBefore(openedFrom))
                && (resolvedFrom == null || (i.resolvedAt() != null && !i.resolvedAt().isBefore(resolvedFrom)));
    }
}
