package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.store.jdbc.Tables.Details;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import io.cronjobguardian.store.jdbc.Tables.Incidents;
import io.cronjobguardian.store.jdbc.Tables.Notifications;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Retention: deleting old runs (with the histogram upkeep their buckets need, in the same transaction), their
 * details, and resolved incidents with their notifications. Every delete is a fenced write.
 */
final class Retention {

    private final Transactions tx;

    Retention(Transactions tx) {
        this.tx = tx;
    }

    private static Condition startedBefore(@Nullable CronJobRef cronJob, Instant cutoff) {
        Condition c = Executions.EFFECTIVE_START.lt(cutoff.toEpochMilli());
        if (cronJob != null) {
            c = c.and(Executions.NAMESPACE.eq(cronJob.namespace())).and(Executions.CRONJOB_NAME.eq(cronJob.name()));
        }
        return c;
    }

    long deleteExecutionsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        Condition c = startedBefore(cronJob, cutoff);
        long cutoffPeriod = DurationBuckets.period(cutoff.toEpochMilli());
        Started s = tx.started("deleteExecutionsBefore");
        return tx.write("deleteExecutionsBefore", epoch, ctx -> {
            s.histogram.beforeDelete(ctx, c, cronJob, cutoffPeriod);
            return deleteExecutionsWhere(ctx, c);
        });
    }

    /** CronJobs per statement of a grouped prune (3 parameters each). */
    static final int PRUNE_CHUNK = 200;

    /** Runs of any of these CronJobs started before the cutoff: one index range per CronJob. */
    private static Condition startedBefore(List<CronJobRef> cronJobs, Instant cutoff) {
        long cut = cutoff.toEpochMilli();
        List<Condition> any = new ArrayList<>(cronJobs.size());
        for (CronJobRef ref : cronJobs) {
            any.add(Executions.NAMESPACE.eq(ref.namespace()).and(Executions.CRONJOB_NAME.eq(ref.name()))
                    .and(Executions.EFFECTIVE_START.lt(cut)));
        }
        return DSL.or(any);
    }

    long pruneExecutions(java.util.Collection<CronJobRef> cronJobs, Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        long cutoffPeriod = DurationBuckets.period(cutoff.toEpochMilli());
        long n = 0;
        // one transaction per chunk: short transactions, and what a failure leaves undone the next prune does
        for (List<CronJobRef> chunk : Sql.chunks(new ArrayList<>(new java.util.LinkedHashSet<>(cronJobs)),
                PRUNE_CHUNK)) {
            Condition c = startedBefore(chunk, cutoff);
            Started s = tx.started("pruneExecutions");
            n += tx.write("pruneExecutions", epoch, ctx -> {
                s.histogram.beforeDelete(ctx, c, chunk, cutoffPeriod);
                return deleteExecutionsWhere(ctx, c);
            });
        }
        return n;
    }

    long pruneDetails(java.util.Collection<CronJobRef> cronJobs, Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        long n = 0;
        for (List<CronJobRef> chunk : Sql.chunks(new ArrayList<>(new java.util.LinkedHashSet<>(cronJobs)),
                PRUNE_CHUNK)) {
            Condition c = startedBefore(chunk, cutoff);
            n += tx.write("pruneDetails", epoch, ctx -> (long) ctx.deleteFrom(Details.T)
                    .where(Details.JOB_UID.in(DSL.select(Executions.JOB_UID).from(Executions.T).where(c)))
                    .execute());
        }
        return n;
    }

    long deleteExecutions(CronJobRef cronJob, @Nullable String keepUid, long epoch) {
        Objects.requireNonNull(cronJob, "cronJob");
        Condition c = Executions.NAMESPACE.eq(cronJob.namespace()).and(Executions.CRONJOB_NAME.eq(cronJob.name()));
        if (keepUid != null) {
            c = c.and(Executions.CRONJOB_UID.isNull().or(Executions.CRONJOB_UID.ne(keepUid)));
        }
        Condition cond = c;
        Started s = tx.started("deleteExecutions");
        return tx.write("deleteExecutions", epoch, ctx -> {
            if (keepUid == null) {
                s.histogram.forget(ctx, cronJob);
            } else {
                s.histogram.beforeDelete(ctx, cond, cronJob, Long.MIN_VALUE);
            }
            return deleteExecutionsWhere(ctx, cond);
        });
    }

    private static long deleteExecutionsWhere(DSLContext ctx, Condition c) {
        ctx.deleteFrom(Details.T)
                .where(Details.JOB_UID.in(DSL.select(Executions.JOB_UID).from(Executions.T).where(c)))
                .execute();
        return ctx.deleteFrom(Executions.T).where(c).execute();
    }

    long deleteDetailsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        Condition c = startedBefore(cronJob, cutoff);
        return tx.write("deleteDetailsBefore", epoch, ctx -> (long) ctx.deleteFrom(Details.T)
                .where(Details.JOB_UID.in(DSL.select(Executions.JOB_UID).from(Executions.T).where(c)))
                .execute());
    }

    long deleteResolvedIncidentsBefore(Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        long cut = cutoff.toEpochMilli();
        return tx.write("deleteResolvedIncidentsBefore", epoch, ctx -> {
            List<Long> ids = ctx.select(Incidents.ID).from(Incidents.T)
                    .where(Incidents.RESOLVED_AT.lt(cut)).fetch(Incidents.ID);
            long deleted = 0;
            for (List<Long> chunk : Sql.chunks(ids, Sql.IN_CHUNK)) {
                List<String> asText = new ArrayList<>();
                chunk.forEach(id -> asText.add(Long.toString(id)));
                ctx.deleteFrom(Notifications.T).where(Notifications.INCIDENT_ID.in(asText)).execute();
                deleted += ctx.deleteFrom(Incidents.T).where(Incidents.ID.in(chunk)).execute();
            }
            return deleted;
        });
    }
}
