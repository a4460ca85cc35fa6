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
import java.util.Comparator;
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
    /**
     * Runs read beyond those asked for by {@link #recentFinished(int)}, so that older runs that finished late
     * (overlapping runs) are sorted into place; also what RanTooOften judges ({@link #finishedRead()}: the newest
     * {@code 1 + slack} runs cover its {@link Evaluator#RAN_TOO_OFTEN_SLOTS} slots). The run that finished last is
     * found whatever the slack (the store's newest finish time is checked); the slack only orders the ones before
     * it. Every evaluation reads these rows, so the slack is what the checks need, not more.
     */
    static final int FINISH_ORDER_SLACK = Evaluator.RAN_TOO_OFTEN_SLOTS;
    /** The run that finished last first; ties: the later start first. Finished runs always have a finish time. */
    private static final Comparator<Execution> LAST_FINISHED_FIRST = Comparator
            .comparing((Execution e) -> e.job().finishedAt(), Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(e -> e.job().effectiveStart(), Comparator.reverseOrder());

    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final CronJobRef ref;
    private final Instant now;
    /** The instant up to which the watcher's events were applied (at most {@link #now}). */
    private Instant observedUntil;
    private final Map<StatsQuery, ExecutionStats> stats = new HashMap<>();
    private List<Execution> recent;
    private int recentLimit;
    private Set<Instant> scheduledSince;
    private Instant scheduledFloor;
    private List<Execution> storedScheduled;
    private Instant storedScheduledFrom;
    /** Disjoint intervals {@code [start, end)} in which a run was active, by start; see {@link #activeAt}. */
    private List<Instant[]> active;
    private Instant activeFloor;
    private Collection<JobSnapshot> jobs;
    private final Map<String, Optional<Execution>> detailed = new HashMap<>();
    private final java.util.function.Function<String, Optional<Execution>> transientDetails;
    /** The statistics of the evaluation pass this evaluation is part of, or {@code null}. */
    private final PassReads pass;
    /** Events of a stuck Job and its pods (kept by the engine), empty while not read. */
    private final java.util.function.Function<JobSnapshot, List<String>> stuckEvents;

    /**
     * @param pass the statistics of the evaluate-all pass this evaluation is part of ({@code null} for an
     *             evaluation of its own)
     */
    Facts(HistoryStore store, CronJobWatcher watcher, CronJobRef ref, Instant now,
            java.util.function.Function<String, Optional<Execution>> transientDetails, PassReads pass) {
        this(store, watcher, ref, now, transientDetails, pass, j -> List.of());
    }

    /**
     * @param pass        the statistics of the evaluate-all pass this evaluation is part of ({@code null} for an
     *                    evaluation of its own)
     * @param stuckEvents the events of a stuck Job and its pods ({@code FailedCreate}, {@code FailedScheduling}),
     *                    as far as read
     */
    Facts(HistoryStore store, CronJobWatcher watcher, CronJobRef ref, Instant now,
            java.util.function.Function<String, Optional<Execution>> transientDetails, PassReads pass,
            java.util.function.Function<JobSnapshot, List<String>> stuckEvents) {
        this.stuckEvents = stuckEvents;
        this.store = store;
        this.watcher = watcher;
        this.ref = ref;
        this.now = now;
        this.observedUntil = now;
        this.transientDetails = transientDetails;
        this.pass = pass;
    }

    CronJobRef ref() {
        return ref;
    }

    Instant now() {
        return now;
    }

    /**
     * The instant up to which the watcher's events were applied: {@link #now}, or earlier while events wait in the
     * engine's queue. Deadlines (a slot's window, the dead-man's limit, a run's maximum duration) are judged as of
     * this instant, so that an event still queued (a Job created, a run finished) is never taken for its absence.
     */
    Instant observedUntil() {
        return observedUntil;
    }

    /** Job UIDs whose failure context is being read (their JobFailed waits for it). */
    private java.util.function.Predicate<String> awaitingContext = uid -> false;

    /** Sets which runs' failure context is still being read. */
    Facts awaitingContext(java.util.function.Predicate<String> reading) {
        this.awaitingContext = reading;
        return this;
    }

    /**
     * {@code true} while the failure context (log tail, events) of this run is being read: its outcome is in the
     * store, the alert about it waits for the context.
     */
    boolean awaitingContext(String jobUid) {
        return awaitingContext.test(jobUid);
    }

    /** Sets {@link #observedUntil} (at most {@link #now}). */
    Facts observedUntil(Instant instant) {
        this.observedUntil = instant.isBefore(now) ? instant : now;
        return this;
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
        return anyStats().lastSuccessAt();
    }

    /** Statistics of any window already read (their all-history fields are the same), else of the last day. */
    private ExecutionStats anyStats() {
        return stats.isEmpty() ? statsLast(Duration.ofDays(1)) : stats.values().iterator().next();
    }

    /**
     * The {@code n} runs that finished last (manual ones included), the last to finish first: with
     * {@code concurrencyPolicy: Allow} an older run that retries can finish after a newer one, and the CronJob's
     * latest outcome is the run that finished last, not the one started last.
     *
     * <p>The store pages by start time, so this reads {@link #FINISH_ORDER_SLACK} more runs than asked and sorts
     * them by finish time (ties: the later start first, then the store's order). A run missing from that page
     * started before all of them; when the store's newest finish time ({@code lastSuccessAt}/{@code
     * lastFailureAt}, over all history) is later than every finish on the page, such a run finished last, and the
     * read is widened to {@link #MAX_RECENT} runs. A run started before {@link #MAX_RECENT} newer runs that still
     * finishes among the last {@code n} is not seen (except as the last one, which the widened read checks).
     */
    List<Execution> recentFinished(int n) {
        int want = Math.min(Math.max(n, 1), MAX_RECENT);
        if (recent == null || recentLimit < want) {
            int read = Math.min(MAX_RECENT, want + FINISH_ORDER_SLACK);
            List<Execution> page = finishedByStart(read);
            if (page.size() == read && read < MAX_RECENT && finishedLaterThan(page)) {
                page = finishedByStart(MAX_RECENT);
            }
            List<Execution> sorted = new ArrayList<>(page);
            sorted.sort(LAST_FINISHED_FIRST);   // stable: equal runs keep the store's order
            recent = sorted;
            recentLimit = want;
        }
        return recent.size() <= want ? recent : recent.subList(0, want);
    }

    /**
     * Every finished run {@link #recentFinished(int)} has read in this evaluation (at least
     * {@link #FINISH_ORDER_SLACK} + 1 of the newest by start, manual ones included), the last to finish first; reads
     * them first if nothing asked yet. No read of its own beyond that.
     */
    List<Execution> finishedRead() {
        recentFinished(1);
        return recent;
    }

    private List<Execution> finishedByStart(int limit) {
        if (pass != null) {
            return pass.newestFinished(ref, limit);
        }
        return store.findExecutions(ExecutionQuery.forCronJob(ref).states(JobState.SUCCEEDED, JobState.FAILED)
                .page(0, limit));
    }

    /** Whether a stored run finished later than every run of the page (so it is not on the page). */
    private boolean finishedLaterThan(List<Execution> page) {
        Instant newestOnPage = null;
        for (Execution e : page) {
            Instant t = e.job().finishedAt();
            if (t != null && (newestOnPage == null || t.isAfter(newestOnPage))) {
                newestOnPage = t;
            }
        }
        ExecutionStats any = anyStats();
        for (Instant t : new Instant[] {any.lastSuccessAt(), any.lastFailureAt()}) {
            if (t != null && (newestOnPage == null || t.isAfter(newestOnPage))) {
                return true;
            }
        }
        return false;
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

    /**
     * Stored runs (manual ones included) whose slot is at or after {@code from}, newest first, at most
     * {@link #MAX_SCHEDULED}: one read serves every later call of this evaluation with a later {@code from} (the
     * list may then start earlier than asked).
     */
    List<Execution> storedScheduledSince(Instant from) {
        if (storedScheduled == null || storedScheduledFrom.isAfter(from)) {
            storedScheduled = store.findExecutions(ExecutionQuery.forCronJob(ref)
                    .scheduledBetween(from, null).page(0, MAX_SCHEDULED));
            storedScheduledFrom = from;
        }
        return storedScheduled;
    }

    /**
     * Whether a run of the CronJob was active at {@code slot} (after {@code floor}): a cached Job that had started
     * and not finished, or a stored run (its Job may be gone: TTL, history limits) scheduled at or after the floor,
     * or the newest stored run started before the floor (one row, read at the first call). A stored run that never
     * finished and is no longer cached has no known end and does not count: Kubernetes no longer counts it active
     * either. Built once per evaluation; no store read per slot.
     */
    boolean activeAt(Instant slot, Instant floor) {
        if (active == null || !activeFloor.equals(floor)) {
            active = activeIntervals(floor);
            activeFloor = floor;
        }
        int lo = 0;
        int hi = active.size() - 1;
        int found = -1;
        while (lo <= hi) {   // the last interval starting at or before the slot
            int mid = (lo + hi) >>> 1;
            if (!active.get(mid)[0].isAfter(slot)) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && active.get(found)[1].isAfter(slot);
    }

    private List<Instant[]> activeIntervals(Instant floor) {
        Map<String, Instant[]> byUid = new HashMap<>();
        List<Execution> runs = new ArrayList<>(storedScheduledSince(floor));
        runs.addAll(store.findExecutions(ExecutionQuery.forCronJob(ref).startedBetween(null, floor)
                .states(JobState.SUCCEEDED, JobState.FAILED).page(0, 1)));
        for (Execution e : runs) {
            JobSnapshot j = e.job();
            if (j.finishedAt() != null) {
                byUid.put(j.uid(), new Instant[] {j.effectiveStart(), j.finishedAt()});
            }
        }
        for (JobSnapshot j : cachedJobs()) {   // a cached Job counts from its creation, as in status.active
            byUid.put(j.uid(), new Instant[] {j.effectiveStart(), j.finishedAt() != null ? j.finishedAt()
                    : Instant.MAX});
        }
        List<Instant[]> sorted = new ArrayList<>(byUid.values());
        sorted.sort(Comparator.comparing((Instant[] i) -> i[0]));
        List<Instant[]> merged = new ArrayList<>();
        for (Instant[] i : sorted) {
            Instant[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && !i[0].isAfter(last[1])) {
                if (i[1].isAfter(last[1])) {
                    last[1] = i[1];
                }
            } else {
                merged.add(new Instant[] {i[0], i[1]});
            }
        }
        return merged;
    }

    /** Scheduled slots that have a Job (stored or cached), for slots after {@code floor}. */
    Set<Instant> scheduledSlotsAfter(Instant floor) {
        if (scheduledSince == null || scheduledFloor.isAfter(floor)) {
            Set<Instant> s = new HashSet<>();
            List<Execution> stored = storedScheduledSince(floor);
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

    /** Events of a stuck Job and its pods, oldest first, or {@code null} while they are being read. */
    List<String> stuckEvents(JobSnapshot job) {
        return stuckEvents.apply(job);
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
