package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.StatsQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one evaluation of a CronJob reads, fetched lazily and at most once per evaluation (several monitors may
 * evaluate the same CronJob). Engine thread only.
 */
final class Facts {

    /** Most runs looked at when counting consecutive failures. */
    static final int MAX_RECENT = 1000;
    /** Most slot-bearing runs loaded when judging missed slots. */
    static final int MAX_SCHEDULED = ExecutionQuery.MAX_LIMIT;

    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final CronJobRef ref;
    private final Instant now;
    private final Map<StatsQuery, ExecutionStats> stats = new HashMap<>();
    private List<Execution> recent;
    private int recentLimit;
    private Set<Instant> scheduledSince;
    private Instant scheduledFloor;
    private Collection<JobSnapshot> jobs;
    private final Map<String, Optional<Execution>> detailed = new HashMap<>();
    private final java.util.function.Function<String, Optional<Execution>> transientDetails;
    /** The statistics of the evaluation pass this evaluation is part of, or {@code null}. */
    private final PassStats pass;

    /**
     * @param pass the statistics of the evaluate-all pass this evaluation is part of ({@code null} for an
     *             evaluation of its own)
     */
    Facts(HistoryStore store, CronJobWatcher watcher, CronJobRef ref, Instant now,
            java.util.function.Function<String, Optional<Execution>> transientDetails, PassStats pass) {
        this.store = store;
        this.watcher = watcher;
        this.ref = ref;
        this.now = now;
        this.transientDetails = transientDetails;
        this.pass = pass;
    }

    CronJobRef ref() {
        return ref;
    }

    Instant now() {
        return now;
    }

    /** Statistics over {@code [now - length, now)}, manual runs excluded. */
    ExecutionStats statsLast(Duration length) {
        return stats(StatsQuery.lastWindow(now, length));
    }

    ExecutionStats stats(StatsQuery q) {
        return stats.computeIfAbsent(q, k -> pass != null ? pass.stats(ref, k) : store.stats(ref, k));
    }

    /** Newest finished run's finish time of a success over all history, or {@code null}. */
    Instant lastSuccessAt() {
        ExecutionStats any = stats.isEmpty() ? statsLast(Duration.ofDays(1)) : stats.values().iterator().next();
        return any.lastSuccessAt();
    }

    /** The newest {@code n} finished runs (manual ones included), newest first. */
    List<Execution> recentFinished(int n) {
        int want = Math.min(Math.max(n, 1), MAX_RECENT);
        if (recent == null || recentLimit < want) {
            recent = store.executions(ExecutionQuery.forCronJob(ref).states(JobState.SUCCEEDED, JobState.FAILED)
                    .page(0, want)).items();
            recentLimit = want;
        }
        return recent.size() <= want ? recent : recent.subList(0, want);
    }

    /** The execution with details: failure context kept in memory (not stored) wins, else the store's. */
    Optional<Execution> withDetails(String jobUid) {
        return detailed.computeIfAbsent(jobUid, uid -> {
            Optional<Execution> stored = store.findExecution(uid);
            Optional<Execution> kept = transientDetails.apply(uid);
            if (kept.isEmpty()) {
                return stored;
            }
            Execution k = kept.get();
            return Optional.of(stored.map(s -> new Execution(s.job(), s.logTail() != null ? s.logTail() : k.logTail(),
                    s.events().isEmpty() ? k.events() : s.events(),
                    s.suggestedFix() != null ? s.suggestedFix() : k.suggestedFix())).orElse(k));
        });
    }

    /** Jobs of the CronJob in the watcher's cache. */
    Collection<JobSnapshot> cachedJobs() {
        if (jobs == null) {
            jobs = watcher.jobs(ref);
        }
        return jobs;
    }

    /** Scheduled slots that have a Job (stored or cached), for slots after {@code floor}. */
    Set<Instant> scheduledSlotsAfter(Instant floor) {
        if (scheduledSince == null || scheduledFloor.isAfter(floor)) {
            Set<Instant> s = new HashSet<>();
            List<Execution> stored = store.executions(ExecutionQuery.forCronJob(ref)
                    .scheduledBetween(floor, null).page(0, MAX_SCHEDULED)).items();
            for (Execution e : stored) {
                s.add(e.job().scheduledTime());
            }
            for (JobSnapshot j : cachedJobs()) {
                if (j.scheduledTime() != null) {
                    s.add(j.scheduledTime());
                }
            }
            scheduledSince = s;
            scheduledFloor = floor;
        }
        return scheduledSince;
    }

    /** Jobs in the cache that are running now. */
    List<JobSnapshot> runningJobs() {
        List<JobSnapshot> r = new ArrayList<>();
        for (JobSnapshot j : cachedJobs()) {
            if (j.state() == JobState.RUNNING) {
                r.add(j);
            }
        }
        return r;
    }
}
