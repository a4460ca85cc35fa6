package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.Tables.Details;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.SelectField;

import static org.jooq.impl.DSL.noCondition;

/**
 * Runs ({@code guardian_executions} and {@code guardian_execution_details}): the idempotent upsert by Job UID with
 * its merge rule, the queries, and the statistics reads. Every upsert keeps the duration histogram
 * ({@link DurationHistogram}) in step in the same transaction.
 */
final class RunsTable {

    private final Transactions tx;

    RunsTable(Transactions tx) {
        this.tx = tx;
    }

    UpsertResult upsertExecution(Execution execution, long epoch) {
        Objects.requireNonNull(execution, "execution");
        return upsertExecutions(List.of(execution), epoch).get(0);
    }

    List<UpsertResult> upsertExecutions(List<Execution> executions, long epoch) {
        Objects.requireNonNull(executions, "executions");
        List<Execution> cleaned = executions;
        for (int i = 0; i < executions.size(); i++) {
            Execution e = Objects.requireNonNull(executions.get(i), "executions must not contain null");
            Execution c = StoredText.clean(e);
            if (c != e) {
                if (cleaned == executions) {
                    cleaned = new ArrayList<>(executions);
                }
                cleaned.set(i, c);
            }
        }
        List<Execution> batch = cleaned;
        Started s = tx.started("upsertExecutions");
        return tx.write("upsertExecutions", epoch, ctx -> upsertAll(s, ctx, batch));
    }

    /** Merge rule: a terminal state is never replaced by RUNNING; details the new value lacks are kept. */
    static Execution merge(Execution old, Execution neu) {
        if (old.state().isTerminal() && neu.state() == JobState.RUNNING) {
            return old;
        }
        return new Execution(neu.job(),
                neu.logTail() != null ? neu.logTail() : old.logTail(),
                !neu.events().isEmpty() ? neu.events() : old.events(),
                neu.suggestedFix() != null ? neu.suggestedFix() : old.suggestedFix());
    }

    /**
     * The upsert of a batch, inside the fenced transaction (so no other writer interleaves). New Job UIDs are the
     * common case. Where the dialect allows, they are inserted first with {@code ON CONFLICT DO NOTHING}, and only
     * the UIDs that already existed are read back and merged. On MySQL and MariaDB a batch none of whose UIDs this
     * store wrote recently ({@link RecentUids}) is inserted as new under a savepoint (one bulk INSERT); on a
     * duplicate key it is rolled back to the savepoint and goes the other way: a primary-key probe finds the UIDs
     * that exist, those rows are read, and the rest inserted.
     */
    private List<UpsertResult> upsertAll(Started s, DSLContext ctx, List<Execution> executions) throws SQLException {
        if (executions.isEmpty()) {
            return List.of();
        }
        Map<String, Execution> first = new LinkedHashMap<>();
        executions.forEach(e -> first.putIfAbsent(e.jobUid(), e));
        if (s.dialect.insertNew() != DialectSupport.InsertNew.READ_FIRST) {
            Set<String> insertedFirst = RowBatches.insertNew(s.dialect, ctx, new ArrayList<>(first.values()));
            List<String> existing = new ArrayList<>();
            first.keySet().forEach(uid -> {
                if (!insertedFirst.contains(uid)) {
                    existing.add(uid);
                }
            });
            Map<String, Execution> stored = existing.isEmpty() ? Map.of() : loadExecutions(ctx, existing, true);
            return apply(s, ctx, new Plan(executions, first, stored, insertedFirst), true);
        }
        boolean seenBefore = s.recentUids.containsAny(first.keySet());
        s.recentUids.addAll(first.keySet());
        if (!seenBefore) {
            Plan asNew = new Plan(executions, first, Map.of(), Set.of());
            Connection c = ctx.configuration().connectionProvider().acquire();
            Savepoint sp = c.setSavepoint();
            try {
                RowBatches.insertRows(ctx, Executions.T, Executions.ALL, asNew.inserts, Mapping::executionRow);
                return apply(s, ctx, asNew, false);
            } catch (SQLException e) {
                if (!RowBatches.uniqueViolation(s.dialect, e)) {
                    throw e;
                }
                c.rollback(sp); // some were stored already: read them, as below
            }
        }
        List<String> existing = RowBatches.existingUids(ctx, new ArrayList<>(first.keySet()));
        Map<String, Execution> stored = existing.isEmpty() ? Map.of() : loadExecutions(ctx, existing, true);
        return apply(s, ctx, new Plan(executions, first, stored, Set.of()), true);
    }

    /** The writes an upsert batch needs, given what is stored (and what was inserted already). */
    private static final class Plan {
        final Map<String, Execution> stored;
        final Map<String, Execution> latest = new LinkedHashMap<>();
        final List<UpsertResult> results;
        final List<Execution> inserts = new ArrayList<>();
        final List<Execution> updates = new ArrayList<>();
        final List<Execution> detailInserts = new ArrayList<>();
        final List<Execution> detailUpdates = new ArrayList<>();

        Plan(List<Execution> executions, Map<String, Execution> first, Map<String, Execution> stored,
                Set<String> insertedFirst) {
            this.stored = stored;
            this.results = new ArrayList<>(executions.size());
            for (Execution e : executions) {
                String uid = e.jobUid();
                Execution before = latest.containsKey(uid) ? latest.get(uid) : stored.get(uid);
                if (before == null) {
                    latest.put(uid, e); // a new UID (inserted already, or to insert)
                    results.add(UpsertResult.INSERTED);
                    continue;
                }
                Execution merged = merge(before, e);
                if (merged.equals(before)) {
                    results.add(UpsertResult.UNCHANGED);
                } else {
                    latest.put(uid, merged);
                    results.add(UpsertResult.UPDATED);
                }
            }
            for (Execution e : latest.values()) {
                // what the row holds now: the stored value, the first occurrence inserted already, or nothing
                Execution old = stored.get(e.jobUid());
                if (old == null && insertedFirst.contains(e.jobUid())) {
                    old = first.get(e.jobUid()).withoutDetails();
                }
                if (old == null) {
                    inserts.add(e);
                    if (e.hasDetails()) {
                        detailInserts.add(e);
                    }
                    continue;
                }
                if (!old.job().equals(e.job())) {
                    updates.add(e);
                }
                if (!old.withJob(e.job()).equals(e)) { // details differ
                    (old.hasDetails() ? detailUpdates : detailInserts).add(e);
                }
            }
        }
    }

    /** Writes the plan (the executions' inserts only with {@code insertExecutions}), then the histogram. */
    private static List<UpsertResult> apply(Started s, DSLContext ctx, Plan plan, boolean insertExecutions)
            throws SQLException {
        if (insertExecutions) {
            RowBatches.insertRows(ctx, Executions.T, Executions.ALL, plan.inserts, Mapping::executionRow);
        }
        RowBatches.insertRows(ctx, Details.T, Details.ALL, plan.detailInserts, Mapping::detailsRow);
        RowBatches.updateRows(ctx, Executions.T, Executions.ALL, Executions.JOB_UID, plan.updates,
                Mapping::executionRow);
        RowBatches.updateRows(ctx, Details.T, Details.ALL, Details.JOB_UID, plan.detailUpdates, Mapping::detailsRow);

        // the histogram follows: changed rows below the frontier leave their old bucket and enter the new one
        List<Execution> replaced = new ArrayList<>();
        for (Execution e : plan.latest.values()) {
            Execution before = plan.stored.get(e.jobUid());
            if (before != null) {
                replaced.add(before);
            }
        }
        s.histogram.afterUpsert(ctx, replaced, plan.latest.values());
        return plan.results;
    }

    private static List<SelectField<?>> executionFields(boolean withDetails) {
        List<SelectField<?>> f = new ArrayList<>(List.of(Executions.ALL));
        if (withDetails) {
            f.add(Details.LOG_TAIL);
            f.add(Details.EVENTS);
            f.add(Details.SUGGESTED_FIX);
        }
        return f;
    }

    private static Map<String, Execution> loadExecutions(DSLContext ctx, List<String> uids, boolean withDetails) {
        Map<String, Execution> out = new HashMap<>();
        for (List<String> chunk : Sql.chunks(uids, Sql.IN_CHUNK)) {
            for (Record r : ctx.select(executionFields(withDetails)).from(Executions.T)
                    .leftJoin(Details.T).on(Details.JOB_UID.eq(Executions.JOB_UID))
                    .where(Executions.JOB_UID.in(chunk)).fetch()) {
                Execution e = Mapping.execution(r, withDetails);
                out.put(e.jobUid(), e);
            }
        }
        return out;
    }

    Optional<Execution> findExecution(String jobUid) {
        Objects.requireNonNull(jobUid, "jobUid");
        return tx.read("findExecution", ctx -> Optional.ofNullable(
                loadExecutions(ctx, List.of(jobUid), true).get(jobUid)));
    }

    Map<String, JobState> executionStates(Collection<String> jobUids) {
        Objects.requireNonNull(jobUids, "jobUids");
        List<String> list = new ArrayList<>(new LinkedHashSet<>(jobUids));
        if (list.isEmpty()) {
            return Map.of();
        }
        return tx.read("executionStates", ctx -> {
            Map<String, JobState> out = new HashMap<>();
            for (List<String> chunk : Sql.chunks(list, Sql.IN_CHUNK)) {
                ctx.select(Executions.JOB_UID, Executions.STATE).from(Executions.T)
                        .where(Executions.JOB_UID.in(chunk))
                        .forEach(r -> out.put(r.value1(), JobState.valueOf(r.value2())));
            }
            return out;
        });
    }

    private static Condition condition(ExecutionQuery q) {
        Condition c = noCondition();
        if (q.cronJob() != null) {
            c = c.and(Executions.NAMESPACE.eq(q.cronJob().namespace()))
                    .and(Executions.CRONJOB_NAME.eq(q.cronJob().name()));
        }
        if (q.cronJobUid() != null) {
            c = c.and(Executions.CRONJOB_UID.eq(q.cronJobUid()));
        }
        if (q.startedFrom() != null) {
            c = c.and(Executions.EFFECTIVE_START.ge(q.startedFrom().toEpochMilli()));
        }
        if (q.startedBefore() != null) {
            c = c.and(Executions.EFFECTIVE_START.lt(q.startedBefore().toEpochMilli()));
        }
        if (q.scheduledFrom() != null) {
            c = c.and(Executions.SCHEDULED_AT.ge(q.scheduledFrom().toEpochMilli()));
        }
        if (q.scheduledBefore() != null) {
            c = c.and(Executions.SCHEDULED_AT.lt(q.scheduledBefore().toEpochMilli()));
        }
        if (!q.states().isEmpty()) {
            List<String> states = new ArrayList<>();
            q.states().forEach(s -> states.add(s.name()));
            c = c.and(Executions.STATE.in(states));
        }
        if (!q.includeManual()) {
            c = c.and(Executions.MANUAL.isFalse());
        }
        return c;
    }

    Page<Execution> executions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        Condition c = condition(query);
        return tx.read("executions", ctx -> {
            long total = ctx.fetchCount(Executions.T, c);
            List<Execution> items = total > query.offset() ? page(ctx, query, c) : new ArrayList<>();
            return new Page<>(items, total, query.offset(), query.limit());
        });
    }

    List<Execution> findExecutions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        Condition c = condition(query);
        return tx.read("executions", ctx -> page(ctx, query, c));
    }

    /** One page of the query's executions, newest first (no count). */
    private List<Execution> page(DSLContext ctx, ExecutionQuery query, Condition c) {
        var select = query.withDetails()
                ? ctx.select(executionFields(true)).from(Executions.T).leftJoin(Details.T)
                        .on(Details.JOB_UID.eq(Executions.JOB_UID)).where(c)
                : ctx.select(executionFields(false)).from(Executions.T).where(c);
        List<Execution> items = new ArrayList<>();
        for (Record r : select.orderBy(Executions.EFFECTIVE_START.desc(), Executions.JOB_UID.asc())
                .limit(query.limit()).offset(query.offset()).fetch()) {
            items.add(Mapping.execution(r, query.withDetails()));
        }
        return items;
    }

    /** CronJobs per statement of {@link #newestFinished} (one limited index range each, joined by UNION ALL). */
    static final int NEWEST_CHUNK = 100;

    Map<CronJobRef, List<Execution>> newestFinished(Collection<CronJobRef> cronJobs, int limit) {
        Objects.requireNonNull(cronJobs, "cronJobs");
        if (limit < 1 || limit > io.cronjobguardian.api.ExecutionQuery.MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + io.cronjobguardian.api.ExecutionQuery.MAX_LIMIT
                    + ", was " + limit);
        }
        List<CronJobRef> refs = new ArrayList<>(new LinkedHashSet<>(cronJobs));
        Map<CronJobRef, List<Execution>> out = new java.util.LinkedHashMap<>();
        refs.forEach(r -> out.put(r, new ArrayList<>()));
        List<String> finished = List.of(io.cronjobguardian.api.JobState.SUCCEEDED.name(),
                io.cronjobguardian.api.JobState.FAILED.name());
        boolean embedded = tx.started("newestFinished").dialect.id().equals("sqlite");
        for (List<CronJobRef> chunk : Sql.chunks(refs, NEWEST_CHUNK)) {
            tx.read("newestFinished", ctx -> {
                if (embedded) {
                    // no round trips to save in process: one limited range read per CronJob, on one connection
                    // (measured: the union costs SQLite more CPU than the single reads)
                    for (CronJobRef ref : chunk) {
                        io.cronjobguardian.api.ExecutionQuery q = io.cronjobguardian.api.ExecutionQuery.forCronJob(ref)
                                .states(io.cronjobguardian.api.JobState.SUCCEEDED,
                                        io.cronjobguardian.api.JobState.FAILED).page(0, limit);
                        out.get(ref).addAll(page(ctx, q, condition(q)));
                    }
                    return null;
                }
                org.jooq.Select<Record> union = null;
                for (CronJobRef ref : chunk) {
                    // each part is its own derived table, so every dialect takes its ORDER BY ... LIMIT
                    org.jooq.Select<Record> part = ctx.select().from(ctx.select(Executions.ALL)
                            .from(Executions.T).where(Executions.NAMESPACE.eq(ref.namespace()))
                            .and(Executions.CRONJOB_NAME.eq(ref.name())).and(Executions.STATE.in(finished))
                            .orderBy(Executions.EFFECTIVE_START.desc(), Executions.JOB_UID.asc()).limit(limit)
                            .asTable("n"));
                    union = union == null ? part : union.unionAll(part);
                }
                for (Record r : ctx.fetch((org.jooq.ResultQuery<Record>) union)) {
                    Execution e = Mapping.execution(r, false);
                    List<Execution> list = out.get(e.job().owner());
                    if (list != null) {
                        list.add(e);
                    }
                }
                return null;
            });
        }
        java.util.Comparator<Execution> order = java.util.Comparator
                .comparing((Execution e) -> e.job().effectiveStart(), java.util.Comparator.reverseOrder())
                .thenComparing(Execution::jobUid);
        out.values().forEach(l -> l.sort(order));
        return out;
    }

    ExecutionStats stats(CronJobRef cronJob, StatsQuery window) {
        Objects.requireNonNull(cronJob, "cronJob");
        Objects.requireNonNull(window, "window");
        return tx.statsRead("stats", s -> ctx -> s.statistics.one(ctx, cronJob, window));
    }

    Map<CronJobRef, ExecutionStats> stats(Collection<CronJobRef> cronJobs, StatsQuery window) {
        Objects.requireNonNull(cronJobs, "cronJobs");
        Objects.requireNonNull(window, "window");
        List<CronJobRef> refs = new ArrayList<>(new LinkedHashSet<>(cronJobs));
        if (refs.isEmpty()) {
            return Map.of();
        }
        return tx.statsRead("stats", s -> ctx -> s.statistics.many(ctx, refs, window));
    }

    long executionCount() {
        return tx.read("executionCount", ctx -> (long) ctx.fetchCount(Executions.T));
    }

}
