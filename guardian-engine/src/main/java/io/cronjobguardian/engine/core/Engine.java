package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeadershipListener;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.api.WatchListener;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.TaskScheduler;
import io.cronjobguardian.engine.time.TimerGroup;
import io.cronjobguardian.engine.NotLeaderException;
import io.cronjobguardian.engine.PruneResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader-side engine: records runs, evaluates monitors, opens and resolves incidents, prunes history. Every
 * replica runs one; it acts only while leading (or in single-replica mode, where it leads from the start).
 *
 * <p>All state changes happen on the {@link TaskScheduler}'s thread; the watcher and elector listeners returned by
 * {@link #watchListener()} and {@link #leadershipListener(LeaderElector)} only enqueue. On gaining leadership the engine waits
 * for the watcher to sync, records finished Jobs the store does not have, and evaluates after
 * {@code scheduler.startupGracePeriod}; on losing it (or when the store rejects a write as fenced) it cancels
 * every timer and forgets its caches.
 *
 * <p>Leading or not, every engine keeps the terminal Job snapshots it sees ({@link SeenRuns}: the last hour, at
 * most 10,000), so that a run whose Job finished and was deleted while nobody led, or while its write failed, is
 * still recorded: at catch-up, or by the retry of the failed write. One row the store rejects never holds back the
 * others: it is recorded without its optional text, or skipped, with an ERROR log and a counter.
 *
 * <p>Leadership follows the ability to act. A term starts only while the elector still leads it (a late
 * {@code onStartedLeading} is ignored) and takes its store epoch in one atomic {@link HistoryStore#claimEpoch}. When
 * the store keeps failing ({@link StoreUnavailableException}, no store operation of the leader succeeding) for longer
 * than {@code leaderElection.renewDeadline}, or rejects a write as fenced, the engine stops acting and
 * {@linkplain LeaderElector#relinquish relinquishes} the term, so that a replica that can act takes over; its elector
 * contends again later. Leading alone (no elector), a store failure only retries (there is nobody to hand over to),
 * and a fenced engine stands aside until the store's epoch has stayed put for a while (see {@link #leadAlone()}).
 */
public final class Engine {

    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    private static final Duration SYNC_POLL = Duration.ofMillis(200);
    private static final Duration RETRY_MIN = Duration.ofSeconds(1);
    private static final Duration RETRY_MAX = Duration.ofMinutes(1);
    /** From this failed attempt on, a row the store reports unavailable for is also tried without its details. */
    static final int BARE_AFTER_FAILURES = 2;
    /**
     * From this failed attempt on, a row the store still reports unavailable for (without its details too) is
     * skipped, provided other rows were written since its first failure: the store takes writes, not this one.
     */
    static final int SKIP_AFTER_FAILURES = 5;
    /** The term of an engine leading alone (no elector): its store epoch is simply the next one. */
    private static final long ALONE = 0;
    /** How long a fenced engine leading alone first waits for the store's epoch to stay put; doubles up to the max. */
    private static final Duration ALONE_QUIET_MIN = Duration.ofMinutes(1);
    private static final Duration ALONE_QUIET_MAX = Duration.ofMinutes(30);

    private final Clock clock;
    private final TaskScheduler scheduler;
    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final GuardianConfig config;
    private final List<MonitorSpec> monitors;
    private final Set<String> monitorIds;
    private final Evaluator evaluator;
    private final Reconciler reconciler;
    private final Recorder recorder;
    private final IncidentListener listener;
    private final EngineObserver observer;
    private final TimerGroup<CronJobRef> evalTimers;
    private final TimerGroup<CronJobRef> retryTimers;
    private final TimerGroup<String> systemTimers;
    private final Map<CronJobRef, Tracked> tracked = new HashMap<>();
    private final Map<CronJobRef, Duration> backoff = new HashMap<>();
    /** Terminal Job snapshots this replica saw, kept whether it leads or not (see {@link SeenRuns}). */
    private final SeenRuns seen = new SeenRuns();
    /** Job UID → failed attempts to write its row in this term. */
    private final Map<String, RowFailures> rowFailures = new HashMap<>();
    /** Backoff of the retries of rows left pending, per CronJob. */
    private final Map<CronJobRef, Duration> rowBackoff = new HashMap<>();
    private Duration systemBackoff = RETRY_MIN;
    /** Reads failure context off this thread, or {@code null} to read it here. */
    private final @Nullable ContextReader contextReader;
    /** Job UID → failure context read for its run and not yet settled in the store (bounded). */
    private final Map<String, ContextReader.Context> readContexts = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, ContextReader.Context> eldest) {
            return size() > 2000;
        }
    };
    /** Job UIDs whose failure context (or stuck events) is being read in this term. */
    private final Set<String> reading = new HashSet<>();
    /** Running Job UID → whether it is suspended and whether a pod of it ran (changes are judged at once). */
    private final Map<String, String> liveShapes = new HashMap<>();
    /** Running Job UID → the events read for it while stuck. */
    private final Map<String, List<String>> stuckEvents = new HashMap<>();

    /**
     * When each watch event queued for this thread and not yet applied was handed over, oldest first. Judging by
     * the clock while events that happened before it still wait in the queue (a burst of Jobs at the top of the hour,
     * a slow store) would call a slot missed whose Job's creation is among them: deadlines are judged as of the
     * oldest waiting event instead ({@link #observedUntil}).
     */
    private final java.util.concurrent.ConcurrentLinkedDeque<Instant> queuedEvents =
            new java.util.concurrent.ConcurrentLinkedDeque<>();
    /** How soon a judgement held back by queued events is looked at again (the queue is applied meanwhile). */
    static final Duration BACKLOG_RECHECK = Duration.ofSeconds(1);

    private boolean leading;
    private boolean caughtUp;
    /** The elector's term this engine holds or is taking ({@link #ALONE} without an elector). */
    private long term;
    private long epoch;
    /** The elector this engine's leadership comes from; {@code null} while it leads alone. */
    private volatile @Nullable LeaderElector elector;
    /** Start of the current run of store failures (no store operation of the leader succeeded since), or null. */
    private @Nullable Instant failingSince;
    private boolean failureReported;
    private Duration aloneQuiet = ALONE_QUIET_MIN;
    private Instant aloneSince = Instant.MIN;
    private volatile @Nullable Instant failingSinceView;
    private volatile @Nullable String lastFailureView;
    private volatile @Nullable String standingAsideView;
    private Instant heldUntil = Instant.MIN;
    /** When the purge timer for deleted CronJobs (purge-after-days) is armed, or {@code null}. */
    private Instant purgeDue;
    private volatile boolean leaderView;
    private volatile long epochView;
    private volatile boolean caughtUpView;

    /**
     * @param monitors the monitors (immutable for the engine's life)
     */
    public Engine(TaskScheduler scheduler, HistoryStore store, CronJobWatcher watcher, GuardianConfig config,
            List<MonitorSpec> monitors, IncidentListener listener, EngineObserver observer) {
        this(scheduler, store, watcher, config, monitors, listener, observer, null);
    }

    /**
     * @param monitors      the monitors (immutable for the engine's life)
     * @param contextReader reads failure context (log tails, events) off the engine thread and hands it back; its
     *                      owner closes it. {@code null} reads on the engine thread (as a test driving the engine
     *                      step by step may want)
     */
    public Engine(TaskScheduler scheduler, HistoryStore store, CronJobWatcher watcher, GuardianConfig config,
            List<MonitorSpec> monitors, IncidentListener listener, EngineObserver observer,
            @Nullable ContextReader contextReader) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = scheduler.clock();
        this.store = Objects.requireNonNull(store, "store");
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.config = Objects.requireNonNull(config, "config");
        this.evaluator = new Evaluator(config.scheduler().observationGrace());
        this.monitors = List.copyOf(monitors);
        this.monitorIds = this.monitors.stream().map(MonitorSpec::id).collect(Collectors.toUnmodifiableSet());
        this.listener = listener == null ? IncidentListener.NONE : listener;
        this.observer = observer == null ? EngineObserver.NONE : observer;
        this.reconciler = new Reconciler(store, this.listener);
        this.contextReader = contextReader;
        this.recorder = new Recorder(store, watcher, config, contextReader == null ? null : this::failureContext);
        this.evalTimers = new TimerGroup<>(scheduler);
        this.retryTimers = new TimerGroup<>(scheduler);
        this.systemTimers = new TimerGroup<>(scheduler);
    }

    // ================================================================ listeners (any thread)

    /** The listener to start the watcher with; it only enqueues. */
    public WatchListener watchListener() {
        return new WatchListener() {
            @Override
            public void onCronJob(WatchEventType type, CronJobSnapshot cronJob) {
                queued(() -> Engine.this.onCronJob(type, cronJob));
            }

            @Override
            public void onJob(WatchEventType type, JobSnapshot job) {
                queued(() -> Engine.this.onJob(type, job));
            }
        };
    }

    /** Queues a watch event for this thread, remembering when it was handed over (see {@link #queuedEvents}). */
    private void queued(Runnable apply) {
        queuedEvents.addLast(clock.instant());
        try {
            scheduler.execute(() -> {
                queuedEvents.pollFirst();   // events run in the order they were queued: this one's instant
                apply.run();
            });
        } catch (RuntimeException e) {
            queuedEvents.pollLast();
            throw e;
        }
    }

    /**
     * The instant up to which this engine has applied what the watcher told: the clock, or, while watch events
     * wait in the queue, when the oldest of them was handed over. Engine thread.
     */
    Instant observedUntil(Instant now) {
        Instant oldest = queuedEvents.peekFirst();
        return oldest != null && oldest.isBefore(now) ? oldest : now;
    }

    /**
     * The listener to start {@code leaderElector} with; it only enqueues. The engine asks that elector whether a
     * term is still current before and after taking its store epoch, and relinquishes terms through it.
     */
    public LeadershipListener leadershipListener(LeaderElector leaderElector) {
        this.elector = Objects.requireNonNull(leaderElector, "leaderElector");
        return new LeadershipListener() {
            @Override
            public void onStartedLeading(long newEpoch) {
                scheduler.execute(() -> startLeading(newEpoch));
            }

            @Override
            public void onStoppedLeading() {
                scheduler.execute(() -> stopLeading("leadership lost"));
            }

            @Override
            public void onNewLeader(String identity) {
                LOG.info("leader is now {}", identity == null ? "(none)" : identity);
            }
        };
    }

    /**
     * Single-replica mode: lead from now on, with an epoch above the store's (so that a previous process still
     * running, e.g. during a rolling deployment, is fenced off: the newer process wins).
     *
     * <p>When this engine is fenced in turn (another process on the same store took a newer epoch), it stands aside
     * and leads again, with a new epoch, only once the store's highest epoch has stayed put for a quiet period (1 min,
     * doubling at each further fencing up to 30 min; back to 1 min after leading for longer than that): the other
     * process is then taken to be gone (a rolling deployment's old instance exits well within it; after a rollback
     * the remaining instance resumes). Should two single-replica processes really run on one store, they take turns
     * at ever longer intervals, each fenced write rejected by the store; such a deployment needs leader election.
     */
    public void leadAlone() {
        scheduler.execute(() -> startLeading(ALONE));
    }

    /** {@code true} while this engine acts as leader. Any thread. */
    public boolean isLeading() {
        return leaderView;
    }

    /** The epoch of the current term (meaningful while leading). Any thread. */
    public long epoch() {
        return epochView;
    }

    /** {@code true} once the current term's catch-up is done. Any thread. */
    public boolean isCaughtUp() {
        return caughtUpView;
    }

    /** The monitors. */
    public List<MonitorSpec> monitors() {
        return monitors;
    }

    /** Stops acting (used on close). Engine thread. */
    public void shutdown() {
        stopLeading("shutting down");
    }

    /**
     * Why this engine cannot do a leader's work although it was given leadership, or empty: its store operations
     * have been failing since some instant, or (leading alone) another process fenced it. Any thread.
     */
    public Optional<String> leadershipProblem() {
        Instant since = failingSinceView;
        if (since != null) {
            Duration limit = config.leaderElection().renewDeadline();
            return Optional.of("the leader's store operations have been failing since " + since + " ("
                    + lastFailureView + "); " + (elector == null ? "single replica: retrying"
                    : "leadership is given up once they have failed for leaderElection.renewDeadline (" + limit + ")"));
        }
        return Optional.ofNullable(standingAsideView);
    }

    /**
     * Stands down because the store rejected a write of the term with {@code writeEpoch} as stale (a write made
     * by a collaborator such as the alert dispatcher; the engine's own writes are handled where they fail), and
     * relinquishes the term. Nothing happens when that term is over already. Engine thread.
     */
    public void fenced(long writeEpoch, String reason) {
        if (leading && writeEpoch == epoch) {
            fencedOut("fenced: " + reason);
        }
    }

    // ================================================================ leadership (engine thread)

    void startLeading(long termEpoch) {
        if (leading && termEpoch == term) {
            return;
        }
        if (leading) {
            stopLeading("new term " + termEpoch);
        }
        clearStoreFailures();   // a new term gets the whole renewDeadline
        term = termEpoch;
        takeTerm(termEpoch);
    }

    /**
     * Takes a term: only while the elector still leads it (a late start of a term already lost must not raise the
     * store's fence above the real leader's), with a store epoch taken in one atomic claim (strictly above every
     * epoch the store has seen, so that two terms never share one and the previous leader is fenced off), and then
     * only if the term is still current (it may have ended during the claim).
     */
    private void takeTerm(long termEpoch) {
        String over = termOver(termEpoch);
        if (over != null) {
            LOG.warn("ignoring the start of leadership term {}: {} (a late notification); the store's fence is left "
                    + "alone", termEpoch, over);
            return;
        }
        long newEpoch;
        try {
            newEpoch = store.claimEpoch(termEpoch);
        } catch (StaleEpochException e) {
            fencedOut("cannot take a store epoch for term " + termEpoch + ": " + e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.warn("cannot fence the store for leadership term {} ({}); retrying", termEpoch, e.toString());
            storeFailed(e);
            systemTimers.arm("lead", clock.instant().plus(nextSystemBackoff()), () -> takeTerm(termEpoch));
            return;
        }
        storeSucceeded();
        over = termOver(termEpoch);
        if (over != null) {
            LOG.warn("leadership term {} ended while the store was fenced for epoch {} ({}); not acting", termEpoch,
                    newEpoch, over);
            return;
        }
        leading = true;
        caughtUp = false;
        term = termEpoch;
        epoch = newEpoch;
        epochView = newEpoch;
        leaderView = true;
        standingAsideView = null;
        aloneSince = clock.instant();
        heldUntil = clock.instant().plus(config.scheduler().startupGracePeriod());
        LOG.info("leading with epoch {}{}; evaluation held until {}", newEpoch,
                elector == null ? " (single replica)" : " (leadership term " + termEpoch + ")", heldUntil);
        observer.leadership(true, newEpoch);
        awaitSyncThenCatchUp();
    }

    /** Why the elector no longer leads the term, or {@code null} while it does (always while leading alone). */
    private @Nullable String termOver(long termEpoch) {
        LeaderElector el = elector;
        if (el == null) {
            return null;
        }
        OptionalLong current = el.currentEpoch();
        if (!el.isLeader() || current.isEmpty()) {
            return "the elector no longer leads";
        }
        if (current.getAsLong() != termEpoch) {
            return "the elector leads term " + current.getAsLong() + " now";
        }
        return null;
    }

    /**
     * The store rejected a write as stale: another replica (or process) leads with a newer epoch. Stops acting and,
     * with an elector, relinquishes the term so that leadership and the ability to act come together again;
     * leading alone, stands aside (see {@link #leadAlone()}).
     */
    private void fencedOut(String reason) {
        long t = term;
        stopLeading(reason);
        if (elector != null) {
            relinquish(t, reason);
        } else {
            standAside();
        }
    }

    /**
     * Gives the term up through the elector. An elector that cannot relinquish keeps leadership: the engine then
     * tries to act in that term again after a backoff rather than idle while holding it.
     */
    private void relinquish(long termEpoch, String reason) {
        LeaderElector el = Objects.requireNonNull(elector);
        boolean done;
        try {
            done = el.relinquish(termEpoch);
        } catch (RuntimeException e) {
            LOG.warn("relinquishing leadership term {} failed: {}", termEpoch, e.toString());
            done = false;
        }
        if (done) {
            LOG.warn("gave up leadership term {} so that a replica that can act takes over: {}", termEpoch, reason);
        } else if (termOver(termEpoch) == null) {
            Duration d = nextSystemBackoff();
            LOG.warn("the leader elector kept leadership term {} (it cannot relinquish); acting in it again in {}",
                    termEpoch, d);
            systemTimers.arm("lead", clock.instant().plus(d), () -> takeTerm(termEpoch));
        }
    }

    /** Leading alone and fenced: leads again once the store's epoch has stayed put for the quiet period. */
    private void standAside() {
        Instant now = clock.instant();
        if (Duration.between(aloneSince, now).compareTo(ALONE_QUIET_MAX) > 0) {
            aloneQuiet = ALONE_QUIET_MIN;   // led for long: this is a new situation, not a ping-pong
        }
        Duration wait = aloneQuiet;
        aloneQuiet = wait.multipliedBy(2).compareTo(ALONE_QUIET_MAX) > 0 ? ALONE_QUIET_MAX : wait.multipliedBy(2);
        long seen;
        try {
            seen = store.highestEpoch();
        } catch (RuntimeException e) {
            seen = -1;
        }
        String why = "not leading: another process took a newer epoch" + (seen >= 0 ? " (" + seen + ")" : "")
                + " on this store; leading again once the store's epoch has stayed put for " + wait;
        standingAsideView = why;
        LOG.error("single replica fenced: {}. Two engines without leader election share the store (during a rolling "
                + "deployment the newer one leads); run one replica per store or enable leader election", why);
        long seenEpoch = seen;
        systemTimers.arm("alone", now.plus(wait), () -> leadAgainIfQuiet(seenEpoch, wait));
    }

    private void leadAgainIfQuiet(long seen, Duration wait) {
        long highest;
        try {
            highest = store.highestEpoch();
        } catch (RuntimeException e) {
            LOG.warn("cannot read the store's epoch ({}); retrying", e.toString());
            systemTimers.arm("alone", clock.instant().plus(nextSystemBackoff()), () -> leadAgainIfQuiet(seen, wait));
            return;
        }
        if (highest != seen) {
            LOG.info("the store's epoch moved to {}: another process started leading meanwhile; waiting another {}",
                    highest, wait);
            standingAsideView = "not leading: another process took a newer epoch (" + highest + ") on this store; "
                    + "leading again once the store's epoch has stayed put for " + wait;
            systemTimers.arm("alone", clock.instant().plus(wait), () -> leadAgainIfQuiet(highest, wait));
            return;
        }
        LOG.warn("the store's epoch stayed at {} for {}: the process that fenced this one is taken to be gone; "
                + "leading again", seen, wait);
        startLeading(ALONE);
    }

    // ---------------------------------------------------------------- store failures (engine thread)

    /**
     * A store operation of the leader failed. Only {@link StoreUnavailableException} counts (the store cannot be
     * reached or cannot complete the operation), not a bug. Once they have been failing for longer than
     * {@code leaderElection.renewDeadline}, with no success in between, the leader gives up its term.
     */
    private void storeFailed(RuntimeException e) {
        if (!(e instanceof StoreUnavailableException)) {
            return;
        }
        if (failingSince == null) {
            failingSince = clock.instant();
            failingSinceView = failingSince;
        }
        lastFailureView = e.getMessage();
        systemTimers.arm("unwritable", failingSince.plus(config.leaderElection().renewDeadline()),
                this::checkUnwritable);
    }

    /**
     * A store operation of the leader succeeded: the store is reachable. It does not end the count while a run's
     * write that failed as unavailable is still pending and no run has been written since (reads answer, writes
     * do not: e.g. a database that turned read-only).
     */
    private void storeSucceeded() {
        if (writesBlocked()) {
            return;
        }
        if (failingSince != null) {
            LOG.info("the store answers again after failing since {}", failingSince);
            clearStoreFailures();
        }
    }

    private void clearStoreFailures() {
        failingSince = null;
        failingSinceView = null;
        lastFailureView = null;
        failureReported = false;
        systemTimers.cancel("unwritable");
    }

    private void checkUnwritable() {
        if (failingSince == null) {
            return;
        }
        Duration limit = config.leaderElection().renewDeadline();
        Duration failing = Duration.between(failingSince, clock.instant());
        if (failing.compareTo(limit) < 0) {
            systemTimers.arm("unwritable", failingSince.plus(limit), this::checkUnwritable);
            return;
        }
        String why = "the store has been failing for " + failing + ", longer than leaderElection.renewDeadline ("
                + limit + "): " + lastFailureView;
        if (elector == null) {
            if (!failureReported) {
                failureReported = true;
                LOG.error("{}; single replica: nobody to hand over to, retrying", why);
            }
            return;
        }
        if (!leading && systemTimers.dueAt("lead") == null) {
            return;   // not leading nor taking a term
        }
        long t = term;
        stopLeading(why);
        relinquish(t, why);
    }

    void stopLeading(String reason) {
        systemTimers.cancelAll();
        clearStoreFailures();
        purgeDue = null;
        if (!leading) {
            return;
        }
        leading = false;
        caughtUp = false;
        caughtUpView = false;
        leaderView = false;
        evalTimers.cancelAll();
        retryTimers.cancelAll();
        tracked.clear();
        backoff.clear();
        recorder.reset();
        liveShapes.clear();
        stuckEvents.clear();
        readContexts.clear();
        reading.clear();
        LOG.info("stopped leading (epoch {}): {}", epoch, reason);
        observer.leadership(false, epoch);
    }

    private void awaitSyncThenCatchUp() {
        if (!leading) {
            return;
        }
        if (!watcher.hasSynced()) {
            systemTimers.arm("sync", clock.instant().plus(SYNC_POLL), this::awaitSyncThenCatchUp);
            return;
        }
        catchUp();
    }

    /** Tracks every cached CronJob, records finished Jobs the store lacks, then evaluates after the grace. */
    private void catchUp() {
        if (!leading) {
            return;
        }
        try {
            Instant now = clock.instant();
            rowFailures.clear();
            rowBackoff.clear();
            expireSeen(now);
            Map<CronJobRef, CronJobState> states = new HashMap<>();
            for (CronJobState st : store.cronJobStates()) {
                states.put(st.ref(), st);
            }
            List<CronJobState> changedStates = new ArrayList<>();
            for (CronJobSnapshot s : watcher.cronJobs()) {
                Tracked t = new Tracked(s);
                t.monitors = matching(s);
                t.state = states.remove(s.ref());
                tracked.put(s.ref(), t);
                // every stored state was read above: none to look up one by one; the changed ones are saved together
                reconcileState(t, false, now, changedStates);
            }
            store.saveCronJobStates(changedStates, epoch);
            for (CronJobState gone : states.values()) {
                if (gone.deletedAt() == null) {
                    LOG.info("{} was deleted while no leader watched; marking it deleted", gone.ref());
                    store.saveCronJobState(gone.withDeletedAt(now), epoch);
                    resolveAll(gone.ref(), now);
                }
            }
            // the cached Jobs, then the runs this replica saw finish whose Jobs are gone; one bad row does not stop
            // the others (it is left pending and retried per CronJob, or recorded without details, or skipped)
            int recorded = 0;
            int fromMemory = 0;
            List<CronJobRef> pending = new ArrayList<>();
            Map<CronJobRef, List<JobSnapshot>> kept = seen.byOwner();
            for (Tracked t : tracked.values()) {
                CronJobRef ref = t.snapshot.ref();
                Rows rows = recordRuns(t, t.monitors, watcher.jobs(ref), kept.getOrDefault(ref, List.of()));
                recorded += rows.recorded;
                fromMemory += rows.fromMemory;
                if (rows.pending) {
                    pending.add(ref);
                }
            }
            for (CronJobRef owner : seen.owners()) {
                if (!tracked.containsKey(owner)) {
                    dropSeen(owner);
                }
            }
            caughtUp = true;
            caughtUpView = true;
            systemBackoff = RETRY_MIN;
            pending.forEach(this::armRowRetry);
            LOG.info("caught up: {} CronJobs tracked, {} runs recorded ({} of them from Jobs seen finishing and gone "
                    + "since){}", tracked.size(), recorded, fromMemory,
                    pending.isEmpty() ? "" : "; runs of " + pending.size() + " CronJobs left to retry");
            systemTimers.arm("held", heldUntil.isAfter(now) ? heldUntil : now, this::evaluateAll);
            armSweep();
            systemTimers.arm("prune", now, this::prune);
            storeSucceeded();
        } catch (StaleEpochException e) {
            fencedOut("fenced during catch-up: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("catch-up failed ({}); retrying", e.toString());
            storeFailed(e);
            tracked.clear();
            recorder.reset();
            systemTimers.arm("catchup", clock.instant().plus(nextSystemBackoff()), this::catchUp);
        }
    }

    private void armSweep() {
        systemTimers.arm("sweep", clock.instant().plus(config.scheduler().safetySweepInterval()), () -> {
            evaluateAll();
            armSweep();
        });
    }

    // ================================================================ events (engine thread)

    void onCronJob(WatchEventType type, CronJobSnapshot s) {
        if (!leading || !caughtUp) {
            return;
        }
        CronJobRef ref = s.ref();
        guard(ref, () -> {
            if (type == WatchEventType.DELETED) {
                deleted(s);
                return;
            }
            track(s);
            evaluate(ref);
        });
    }

    void onJob(WatchEventType type, JobSnapshot job) {
        if (job.owner() == null) {
            return;
        }
        if (job.state().isTerminal()) {
            // every replica keeps what it saw finish: a Job may finish and be deleted before a leader records it
            Instant now = clock.instant();
            seen.put(job, now);
            expireSeen(now);
        }
        if (!leading || !caughtUp) {
            return;
        }
        boolean deleted = type == WatchEventType.DELETED;
        // a running Job whose pod started, or that was suspended or resumed, changes what is judged (JobStuck,
        // maxDuration) without a new state to record
        boolean live = job.state() == JobState.RUNNING && !deleted;
        String shape = live ? (job.suspended() ? "suspended" : "active") + (job.podStarted() ? "+pod" : "") : null;
        String before = live ? liveShapes.put(job.uid(), shape) : liveShapes.remove(job.uid());
        boolean reshaped = live && !shape.equals(before);   // also the first sight of it in this term
        if (!live) {
            stuckEvents.remove(job.uid());
        }
        if (deleted && (!job.state().isTerminal() || recorder.isRecorded(job))) {
            recorder.forget(job.uid());
            seen.remove(job.uid());
            if (!job.state().isTerminal()) {
                evaluateGuarded(job.owner());   // a running Job is gone: what it held (JobStuck) is judged again
            }
            return;
        }
        // a DELETED event that reaches here carries a terminal state not recorded yet (its write failed, or the
        // Job finished and went between two events): it is recorded now, or kept in memory until it is
        CronJobRef ref = job.owner();
        guard(ref, () -> {
            Tracked t = tracked.get(ref);
            if (t != null && ofResetIncarnation(t, job)) {
                seen.remove(job.uid());
                return;
            }
            // the CronJob's own event may still be queued while it is already in the cache (separate informers):
            // its monitors decide which failure context is fetched
            List<MonitorSpec> ms = t != null ? t.monitors
                    : watcher.cronJob(ref).map(this::matching).orElse(List.of());
            Row r = recordRow(job, ms);
            if (r == Row.PENDING) {
                armRowRetry(ref);
                return;
            }
            if (deleted) {
                recorder.forget(job.uid());
            }
            if (r == Row.RECORDED || r == Row.REFINED) {
                if (r == Row.RECORDED && job.state().isTerminal()) {
                    observer.recorded(job);
                }
                evaluate(ref);
            } else if (reshaped) {
                evaluate(ref);
            }
        });
    }

    private void evaluateGuarded(CronJobRef ref) {
        guard(ref, () -> evaluate(ref));
    }

    /**
     * The events of a Job that is stuck without a running pod (and of its pods), read once per Job and kept while
     * it runs: what an alert about it shows ({@code FailedCreate}, {@code FailedScheduling}).
     */
    private @Nullable List<String> stuckEventsOf(JobSnapshot job) {
        List<String> known = stuckEvents.get(job.uid());
        if (known != null || contextReader == null) {
            return known != null ? known : stuckEvents.computeIfAbsent(job.uid(), uid -> readEventsHere(job));
        }
        if (reading.add(job.uid())) {
            long readEpoch = epoch;
            CronJobRef ref = job.owner();
            contextReader.readEvents(job, Recorder.MAX_EVENTS, events -> scheduler.execute(() -> {
                if (!leading || epoch != readEpoch) {
                    return;   // leadership changed while reading: the next term reads again
                }
                reading.remove(job.uid());
                stuckEvents.put(job.uid(), events);
                evaluateGuarded(ref);
            }));
        }
        return null;
    }

    private List<String> readEventsHere(JobSnapshot job) {
        try {
            return List.copyOf(watcher.fetchEvents(job, Recorder.MAX_EVENTS));
        } catch (RuntimeException e) {
            LOG.warn("could not read the events of stuck Job {}/{}: {}", job.namespace(), job.name(), e.toString());
            return List.of();
        }
    }

    /**
     * The failure context read for a run ({@link Recorder.ContextSource}): what was read, or {@code null} while a
     * read, started now if none runs, is in flight. The read runs off this thread; its result comes back to this
     * thread, which records the run then (and evaluates and alerts after that, as for any recorded run) unless
     * leadership changed meanwhile: then the work is dropped and the next leader records the run.
     */
    private ContextReader.@Nullable Context failureContext(JobSnapshot job, @Nullable io.cronjobguardian.api.LogRequest log,
            boolean events) {
        ContextReader.Context read = readContexts.get(job.uid());
        if (read != null) {
            return read;
        }
        if (reading.add(job.uid())) {
            long readEpoch = epoch;
            Objects.requireNonNull(contextReader).read(job, log, events, Recorder.MAX_EVENTS,
                    c -> scheduler.execute(() -> contextRead(job, readEpoch, c)));
        }
        return null;
    }

    /** Engine thread: the failure context of {@code job}'s run was read; records the run with it. */
    private void contextRead(JobSnapshot job, long readEpoch, ContextReader.Context context) {
        if (!leading || epoch != readEpoch) {
            LOG.debug("dropping the failure context read for Job {}/{}: leadership changed meanwhile",
                    job.namespace(), job.name());
            return;   // stopLeading forgot the reads of that term; the next leader records the run
        }
        reading.remove(job.uid());
        readContexts.put(job.uid(), context);
        if (!caughtUp) {
            return;   // the catch-up being retried records the run with it
        }
        CronJobRef ref = job.owner();
        guard(ref, () -> {
            Tracked t = tracked.get(ref);
            if (t != null && ofResetIncarnation(t, job)) {
                readContexts.remove(job.uid());
                return;
            }
            List<MonitorSpec> ms = t != null ? t.monitors
                    : watcher.cronJob(ref).map(this::matching).orElse(List.of());
            // the newest snapshot of the run (its final termination may have come while the context was read)
            JobSnapshot run = job;
            for (JobSnapshot j : watcher.jobs(ref)) {
                if (j.uid().equals(job.uid()) && j.state() == job.state()) {
                    run = j;
                }
            }
            Row r = recordRow(run, ms);
            if (r == Row.PENDING) {
                armRowRetry(ref);
                return;
            }
            if (r == Row.RECORDED || r == Row.REFINED) {
                if (r == Row.RECORDED) {
                    observer.recorded(run);
                }
                evaluate(ref);
            }
        });
    }

    // ================================================================ recording (engine thread)

    /** What an attempt to record a row came to. */
    private enum Row {
        /** Written, and the store changed. */
        RECORDED,
        /**
         * A finished run the store had in this state, written again with its final termination or finish time
         * (not a new run: not counted again).
         */
        REFINED,
        /** Nothing to write, the store had it, or given up on (skipped). */
        UNCHANGED,
        /** Not written: retried later with backoff. */
        PENDING,
        /** Not written yet: its failure context is being read; recorded when the read is done. */
        AWAITING
    }

    /** Failed attempts to write one row in this term. */
    private static final class RowFailures {
        /** {@link Recorder#writes()} at the first failure. */
        final long writesAtFirst;
        int count;
        /** The last failure was {@link StoreUnavailableException}. */
        boolean unavailable;

        RowFailures(long writesAtFirst) {
            this.writesAtFirst = writesAtFirst;
        }
    }

    /** What {@link #recordRuns} did. */
    private static final class Rows {
        int recorded;
        int fromMemory;
        boolean pending;
    }

    /**
     * Records a CronJob's cached Jobs, then the terminal snapshots this replica kept of its Jobs that are no longer
     * cached (finished and deleted while this replica did not lead, or while their write failed), in the order
     * they finished. A row that fails is left pending, the others are still recorded.
     *
     * @param kept the CronJob's kept terminal snapshots ({@link SeenRuns#of}), in the order they finished
     */
    private Rows recordRuns(Tracked t, List<MonitorSpec> ms, Collection<JobSnapshot> cached,
            List<JobSnapshot> kept) {
        CronJobRef ref = t.snapshot.ref();
        Set<String> inCache = new HashSet<>();
        List<String> uids = new ArrayList<>();
        for (JobSnapshot j : cached) {
            inCache.add(j.uid());
            uids.add(j.uid());
        }
        List<JobSnapshot> gone = new ArrayList<>();
        for (JobSnapshot j : kept) {
            if (!inCache.contains(j.uid())) {
                gone.add(j);
                uids.add(j.uid());
            }
        }
        recorder.prime(uids);
        Rows rows = new Rows();
        List<JobSnapshot> all = new ArrayList<>(cached);
        all.addAll(gone);
        for (JobSnapshot j : all) {
            if (ofResetIncarnation(t, j)) {
                seen.remove(j.uid());
                continue;
            }
            Row r = recordRow(j, ms);
            if (r == Row.PENDING) {
                rows.pending = true;
            } else if (r == Row.RECORDED) {
                rows.recorded++;
                if (!inCache.contains(j.uid())) {
                    rows.fromMemory++;
                    LOG.info("{}: recorded Job {} ({}, finished {}) from memory: the Job was deleted before its "
                            + "run was recorded", ref, j.name(), j.state(), j.finishedAt());
                }
                if (j.state().isTerminal()) {
                    observer.recorded(j);
                }
            }
        }
        return rows;
    }

    /**
     * Records one state of a Job, isolating a failure of its row so that one bad row never stalls the others. A
     * failure other than {@link StoreUnavailableException} (a value the store refuses) is deterministic: the row
     * is written again at once without its optional text (log tail, events, suggested fix, termination and
     * condition messages), and skipped when even that fails. A {@code StoreUnavailableException} may mean the
     * store or the row: the row is left pending and retried with backoff; from its
     * {@value #BARE_AFTER_FAILURES}nd failure on it is also tried without its optional text, and from its
     * {@value #SKIP_AFTER_FAILURES}th it is skipped when other rows were written since its first failure. A row
     * recorded without details or skipped is logged at ERROR and counted ({@link EngineObserver#recordFailure}).
     *
     * @throws StaleEpochException when the store rejects this term's epoch
     */
    private Row recordRow(JobSnapshot j, List<MonitorSpec> ms) {
        Row written = recorder.isRecorded(j) ? Row.REFINED : Row.RECORDED;
        try {
            Recorder.Recorded done = recorder.record(j, ms, epoch);
            if (done == Recorder.Recorded.AWAITING_CONTEXT) {
                return Row.AWAITING;
            }
            settled(j);
            return done == Recorder.Recorded.CHANGED ? written : Row.UNCHANGED;
        } catch (StaleEpochException e) {
            throw e;
        } catch (RuntimeException e) {
            return rowFailed(j, e, written);
        }
    }

    private Row rowFailed(JobSnapshot j, RuntimeException failure, Row written) {
        CronJobRef ref = j.owner();
        RowFailures f = rowFailures.computeIfAbsent(j.uid(), k -> new RowFailures(recorder.writes()));
        f.count++;
        f.unavailable = failure instanceof StoreUnavailableException;
        if (failure instanceof StoreUnavailableException && f.count < BARE_AFTER_FAILURES) {
            LOG.warn("{}: recording Job {} ({}) failed: {}; retrying", ref, j.name(), j.state(), failure.toString());
            storeFailed(failure);
            return Row.PENDING;
        }
        try {
            boolean changed = recorder.recordWithoutDetails(j, epoch);
            LOG.error("{}: the store rejected the run of Job {} ({}): {}; recorded it without its log tail, events "
                    + "and messages", ref, j.name(), j.state(), failure.toString());
            observer.recordFailure(ref, "without_details");
            settled(j);
            return changed ? written : Row.UNCHANGED;
        } catch (StaleEpochException e) {
            throw e;
        } catch (RuntimeException e) {
            boolean rowSpecific = !(e instanceof StoreUnavailableException)
                    || (f.count >= SKIP_AFTER_FAILURES && recorder.writes() > f.writesAtFirst);
            if (!rowSpecific) {
                LOG.warn("{}: recording Job {} ({}) failed {} times, the last without its details too: {}; retrying",
                        ref, j.name(), j.state(), f.count, e.toString());
                f.unavailable = true;
                storeFailed(e);
                return Row.PENDING;
            }
            LOG.error("{}: the store rejects the run of Job {} ({}) even without its details ({}; with them: {}); "
                    + "it is not recorded", ref, j.name(), j.state(), e.toString(), failure.toString());
            observer.recordFailure(ref, "skipped");
            recorder.skip(j);
            settled(j);
            return Row.UNCHANGED;
        }
    }

    /** A run's write failed as unavailable and is still pending, and no run has been written since. */
    private boolean writesBlocked() {
        long writes = recorder.writes();
        for (RowFailures f : rowFailures.values()) {
            if (f.unavailable && writes == f.writesAtFirst) {
                return true;
            }
        }
        return false;
    }

    /** The store has this state of the Job (or it was given up on): nothing about it is left to retry. */
    private void settled(JobSnapshot j) {
        rowFailures.remove(j.uid());
        readContexts.remove(j.uid());
        if (j.state().isTerminal()) {
            seen.remove(j.uid());
        }
    }

    /** Retries a CronJob's pending rows after a backoff of its own (evaluations that succeed do not reset it). */
    private void armRowRetry(CronJobRef ref) {
        Duration d = rowBackoff.merge(ref, RETRY_MIN, (a, b) -> a.multipliedBy(2).compareTo(RETRY_MAX) > 0
                ? RETRY_MAX : a.multipliedBy(2));
        retryTimers.arm(ref, clock.instant().plus(d), () -> resync(ref));
    }

    /**
     * Forgets the kept snapshots of a CronJob that is gone: the runs of a CronJob no longer in the cluster are not
     * recorded from memory.
     */
    private void dropSeen(CronJobRef ref) {
        List<JobSnapshot> kept = seen.of(ref);
        if (kept.isEmpty()) {
            return;
        }
        kept.forEach(j -> seen.remove(j.uid()));
        LOG.info("{} is gone: {} finished runs seen but not recorded are not recorded ({})", ref, kept.size(),
                kept.stream().map(JobSnapshot::name).collect(Collectors.joining(", ")));
    }

    /**
     * Drops kept snapshots past their age or beyond the capacity. On a leader that caught up, what is left is a
     * run whose write kept failing: it is lost (ERROR, counted). On a standby it is routine (the leader of the
     * time recorded it): DEBUG, counted.
     */
    private void expireSeen(Instant now) {
        List<SeenRuns.Evicted> gone = seen.expire(now);
        if (gone.isEmpty()) {
            return;
        }
        if (leading && caughtUp) {
            for (SeenRuns.Evicted e : gone) {
                JobSnapshot j = e.job();
                LOG.error("{}: the run of Job {} ({}, finished {}) was never recorded: its write kept failing until "
                        + "it was dropped from memory ({})", j.owner(), j.name(), j.state(), j.finishedAt(),
                        e.reason() == SeenRuns.Eviction.AGE ? "seen " + SeenRuns.MAX_AGE + " ago"
                                : "more than " + SeenRuns.MAX_SIZE + " kept");
                observer.recordFailure(j.owner(), "lost");
                rowFailures.remove(j.uid());
            }
            return;
        }
        Map<SeenRuns.Eviction, Integer> byReason = new java.util.EnumMap<>(SeenRuns.Eviction.class);
        gone.forEach(e -> byReason.merge(e.reason(), 1, Integer::sum));
        byReason.forEach((reason, n) -> {
            LOG.debug("dropped {} terminal Job snapshots kept for a future leader ({})", n,
                    reason == SeenRuns.Eviction.AGE ? "seen " + SeenRuns.MAX_AGE + " ago or earlier"
                            : "more than " + SeenRuns.MAX_SIZE + " kept");
            observer.seenRunsEvicted(reason.name().toLowerCase(java.util.Locale.ROOT), n);
        });
    }

    /**
     * A Job of an earlier incarnation of the CronJob (orphaned when it was deleted) whose monitors asked for
     * {@code onRecreation: reset}: its history was deleted, so it must not be recorded back.
     */
    private static boolean ofResetIncarnation(Tracked t, JobSnapshot j) {
        return j.ownerUid() != null && !j.ownerUid().equals(t.snapshot.uid()) && t.monitors.stream()
                .anyMatch(m -> m.dataRetention().onRecreation() == MonitorSpec.OnRecreation.RESET);
    }

    private void track(CronJobSnapshot s) {
        Tracked t = tracked.get(s.ref());
        boolean isNew = t == null;
        if (isNew) {
            t = new Tracked(s);
            tracked.put(s.ref(), t);
        } else {
            t.update(s);
        }
        t.monitors = matching(s);
        reconcileState(t, isNew && t.state == null, clock.instant());
    }

    /** Brings the persisted state of a CronJob up to date: first sight, recreation, suspension, resumption. */
    private void reconcileState(Tracked t, boolean load, Instant now) {
        reconcileState(t, load, now, null);
    }

    /**
     * @param toSave where a changed state goes to be saved by the caller (with others, in few round trips), or
     *               {@code null} to save it here
     */
    private void reconcileState(Tracked t, boolean load, Instant now, @Nullable List<CronJobState> toSave) {
        CronJobSnapshot s = t.snapshot;
        CronJobState st = t.state;
        if (st == null && load) {
            st = store.findCronJobState(s.ref()).orElse(null);
        }
        CronJobState before = st;
        if (st == null) {
            st = new CronJobState(s.ref(), s.uid(), now, s.suspended() ? now : null, null, null);
        } else if (!st.uid().equals(s.uid())) {
            boolean reset = t.monitors.stream()
                    .anyMatch(m -> m.dataRetention().onRecreation() == MonitorSpec.OnRecreation.RESET);
            if (reset) {
                long n = store.deleteExecutions(s.ref(), s.uid(), epoch);
                LOG.info("{} was recreated (uid {} -> {}); onRecreation=reset deleted {} runs of the old one",
                        s.ref(), st.uid(), s.uid(), n);
            }
            st = new CronJobState(s.ref(), s.uid(), now, s.suspended() ? now : null, null, null);
        } else {
            if (st.deletedAt() != null) {
                st = st.withDeletedAt(null);
            }
            if (s.suspended() && st.suspendedSince() == null) {
                st = st.withSuspendedSince(now);
            } else if (!s.suspended() && st.suspendedSince() != null) {
                // resumed: slots that passed while suspended are not judged
                st = st.withSuspendedSince(null).withMissedSlotsFloor(now);
            }
        }
        st = withSchedule(st, s, now);
        if (!st.equals(before)) {
            if (toSave != null) {
                toSave.add(st);
            } else {
                store.saveCronJobState(st, epoch);
            }
        }
        t.state = st;
    }

    /**
     * Records the CronJob's schedule in its state. When it differs from the one recorded (spec.schedule or
     * spec.timeZone changed, seen by a watch event or, at catch-up, changed while no leader watched), the change
     * time is now: Kubernetes schedules the new expression from the change on, so its earlier slots are never judged
     * as missed (ADR 0002). A state without a recorded schedule (new, or written before the field existed) just
     * takes it.
     */
    private static CronJobState withSchedule(CronJobState st, CronJobSnapshot s, Instant now) {
        String schedule = CronJobState.scheduleOf(s);
        if (st.schedule() == null) {
            return st.withSchedule(schedule, st.scheduleChangedAt());
        }
        if (st.schedule().equals(schedule)) {
            return st;
        }
        LOG.info("{}: schedule changed from \"{}\" to \"{}\"; slots up to {} are not judged as missed", s.ref(),
                st.schedule(), schedule, now);
        return st.withSchedule(schedule, now);
    }

    private void deleted(CronJobSnapshot s) {
        CronJobRef ref = s.ref();
        Tracked t = tracked.remove(ref);
        evalTimers.cancel(ref);
        retryTimers.cancel(ref);
        backoff.remove(ref);
        rowBackoff.remove(ref);
        dropSeen(ref);
        List<MonitorSpec> ms = t != null ? t.monitors : matching(s);
        Instant now = clock.instant();
        resolveAll(ref, now);
        observer.forgotten(ref);
        boolean purge = ms.stream()
                .anyMatch(m -> m.dataRetention().onCronJobDeletion() == MonitorSpec.OnCronJobDeletion.PURGE);
        if (purge) {
            long n = store.deleteExecutions(ref, null, epoch);
            store.deleteCronJobState(ref, epoch);
            LOG.info("{} deleted; onCronJobDeletion=purge deleted {} runs", ref, n);
            return;
        }
        CronJobState st = t != null && t.state != null ? t.state
                : store.findCronJobState(ref).orElse(new CronJobState(ref, s.uid(), now, null, null, null));
        CronJobState gone = st.withDeletedAt(now);
        gone = RetentionPolicy.withPurgeAt(gone, RetentionPolicy.purgeAfter(ms).map(now::plus).orElse(null));
        store.saveCronJobState(gone, epoch);
        armPurge(gone.purgeAt());
    }

    /** Resolves every open incident of a CronJob (it is gone). */
    private void resolveAll(CronJobRef ref, Instant now) {
        for (Incident i : store.incidents(IncidentQuery.open().cronJob(ref)).items()) {
            store.resolveIncident(i.id(), now, epoch).ifPresent(r -> listener.resolvedWithoutMonitor(r, epoch));
        }
    }

    private List<MonitorSpec> matching(CronJobSnapshot s) {
        Map<String, String> nsLabels = watcher.namespaceLabels(s.ref().namespace()).orElse(Map.of());
        Set<String> ignored = config.ignoredNamespaces();
        List<MonitorSpec> out = new ArrayList<>();
        for (MonitorSpec m : monitors) {
            if (m.matches(s, nsLabels, ignored)) {
                out.add(m);
            }
        }
        return out;
    }

    // ================================================================ evaluation (engine thread)

    /** Evaluates one CronJob for every monitor that selects it, then re-arms its timer. */
    void evaluate(CronJobRef ref) {
        evaluate(ref, clock.instant(), null);
    }

    /**
     * When to evaluate again: {@code wake}, unless what held a judgement back is watch events still queued (the
     * judgement's instant lies behind the clock and {@code wake} is already due): then {@link #BACKLOG_RECHECK}
     * from now, so that the queue is applied meanwhile instead of being re-judged after every event.
     */
    private Instant notBeforeBacklogRecheck(@Nullable Instant wake, Instant judgedAt) {
        Instant clockNow = clock.instant();
        if (wake != null && judgedAt.isBefore(clockNow) && !wake.isAfter(clockNow)) {
            return clockNow.plus(BACKLOG_RECHECK);
        }
        return wake;
    }

    /**
     * Evaluates one CronJob at {@code now}.
     *
     * @param pass the statistics of the evaluate-all pass this evaluation is part of, or {@code null}
     */
    private void evaluate(CronJobRef ref, Instant now, PassReads pass) {
        if (!leading || !caughtUp) {
            return;
        }
        if (now.isBefore(heldUntil)) {
            return;   // the end of the startup grace evaluates everything
        }
        if (!watcher.hasSynced()) {
            return;   // closed (shutting down): its empty cache would read as "no Jobs" (false MissedSchedule)
        }
        Tracked t = tracked.get(ref);
        if (t == null) {
            return;
        }
        long started = System.nanoTime();
        // judged as of what was applied: a Job's creation still queued is not a missed slot
        Instant observed = observedUntil(now);
        guard(ref, () -> {
            Facts f = new Facts(store, watcher, ref, now, recorder::transientDetails, pass, this::stuckEventsOf)
                    .observedUntil(observed).awaitingContext(reading::contains);
            Map<IncidentKey, Incident> open = new LinkedHashMap<>();
            for (Incident i : pass != null ? pass.openIncidents(ref)
                    : store.incidents(IncidentQuery.open().cronJob(ref)).items()) {
                open.put(i.key(), i);
            }
            Instant wake = null;
            Set<String> selecting = new HashSet<>();
            for (MonitorSpec m : t.monitors) {
                selecting.add(m.id());
                Evaluation ev = evaluator.evaluate(m, t, f);
                Instant held = reconciler.apply(m, ev, open, now, epoch);
                wake = earliest(wake, earliest(ev.wakeAt(), held));
            }
            for (Incident i : open.values()) {
                if (!selecting.contains(i.key().monitor())) {
                    store.resolveIncident(i.id(), now, epoch).ifPresent(r -> {
                        LOG.info("resolved {}: {} no longer selects {}", r.id(), i.key().monitor(), ref);
                        listener.resolvedWithoutMonitor(r, epoch);
                    });
                }
            }
            wake = notBeforeBacklogRecheck(wake, observed);
            if (wake != null) {
                evalTimers.arm(ref, wake, () -> evaluate(ref));
            } else {
                evalTimers.cancel(ref);
            }
            backoff.remove(ref);
            Map<io.cronjobguardian.api.Severity, Integer> bySeverity = new java.util.EnumMap<>(
                    io.cronjobguardian.api.Severity.class);
            for (io.cronjobguardian.api.Severity sev : io.cronjobguardian.api.Severity.values()) {
                bySeverity.put(sev, 0);
            }
            for (Incident i : open.values()) {
                if (selecting.contains(i.key().monitor())) {
                    bySeverity.merge(i.severity(), 1, Integer::sum);
                }
            }
            observer.evaluated(ref, Duration.ofNanos(System.nanoTime() - started), bySeverity);
        });
    }

    /**
     * Evaluates every tracked CronJob and resolves incidents left open for CronJobs no longer tracked. The pass
     * judges every CronJob at the instant it starts (nothing is recorded while it runs: both happen on this
     * thread), so that the CronJobs ask for the same statistics windows and {@link PassReads} can read a common
     * window for many CronJobs in one bulk query instead of one query per CronJob.
     */
    void evaluateAll() {
        if (!leading || !caughtUp) {
            return;
        }
        Instant passNow = clock.instant();
        expireSeen(passNow);
        List<CronJobRef> order = new ArrayList<>(tracked.keySet());
        // CronJobs of one schedule period ask for the same SLA windows (derived from the period): next to each
        // other, they share PassReads' bulk reads
        order.sort(java.util.Comparator.comparingLong(r -> evaluator.periodSeconds(tracked.get(r))));
        PassReads pass = new PassReads(store, order);
        for (int i = 0; i < order.size(); i++) {
            if (!leading) {
                return;   // fenced by a write of this pass: the caches are gone
            }
            CronJobRef ref = order.get(i);
            Tracked t = tracked.get(ref);
            t.monitors = matching(t.snapshot);   // namespace labels may have changed without a CronJob event
            pass.at(i);
            evaluate(ref, passNow, pass);
        }
        if (!leading) {
            return;   // fenced by the last evaluation: nothing is tracked any more, every incident would look orphaned
        }
        try {
            Instant now = clock.instant();
            for (Incident i : store.incidents(IncidentQuery.open()).items()) {
                boolean known = tracked.containsKey(i.key().cronJob());
                if (!known || !monitorIds.contains(i.key().monitor())) {
                    store.resolveIncident(i.id(), now, epoch).ifPresent(r -> listener.resolvedWithoutMonitor(r, epoch));
                }
            }
            storeSucceeded();
        } catch (StaleEpochException e) {
            fencedOut("fenced: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("sweeping orphaned incidents failed: {}", e.toString());
            storeFailed(e);
        }
    }

    /**
     * Re-records the cached Jobs of a CronJob and the kept snapshots of its Jobs that are gone, and evaluates it
     * (after a store failure).
     */
    private void resync(CronJobRef ref) {
        if (!leading || !caughtUp) {
            return;
        }
        guard(ref, () -> {
            CronJobSnapshot s = watcher.cronJob(ref).orElse(null);
            if (s == null) {
                dropSeen(ref);
                return;
            }
            track(s);
            Tracked t = tracked.get(ref);
            Rows rows = recordRuns(t, t.monitors, watcher.jobs(ref), seen.of(ref));
            evaluate(ref);
            if (rows.pending) {
                armRowRetry(ref);
            } else {
                rowBackoff.remove(ref);
            }
        });
    }

    /**
     * Runs an action for one CronJob; on a stale epoch stands down and relinquishes, on any other failure retries
     * with backoff (a store failure also counts towards giving up leadership, a success ends the count).
     */
    private void guard(CronJobRef ref, Runnable action) {
        try {
            action.run();
            storeSucceeded();
        } catch (StaleEpochException e) {
            fencedOut("fenced: " + e.getMessage());
        } catch (RuntimeException e) {
            storeFailed(e);
            Duration d = backoff.merge(ref, RETRY_MIN, (a, b) -> a.multipliedBy(2).compareTo(RETRY_MAX) > 0
                    ? RETRY_MAX : a.multipliedBy(2));
            LOG.warn("{}: {}; retrying in {}", ref, e.toString(), d);
            retryTimers.arm(ref, clock.instant().plus(d), () -> resync(ref));
        }
    }

    // ================================================================ retention (engine thread)

    /** Applies retention: per CronJob, for deleted CronJobs, and the global maximum; then re-arms itself. */
    void prune() {
        if (!leading || !caughtUp) {
            return;
        }
        pruneAndRearm();
    }

    /**
     * Runs retention now (as the prune timer does, which is re-armed from now) and returns what it deleted.
     * Engine thread.
     *
     * @throws NotLeaderException   when this engine does not lead, has not caught up yet, or was fenced meanwhile
     * @throws IllegalStateException a store failure (logged; the prune timer retries as usual)
     */
    public PruneResult pruneNow() {
        requireLeading("prune");
        PruneResult p = pruneAndRearm();
        if (p == null && !leading) {
            throw new NotLeaderException("prune: another replica took over meanwhile (this one was fenced)");
        }
        if (p == null) {
            throw new IllegalStateException("retention failed; see the log (the prune timer retries)");
        }
        return p;
    }

    /**
     * Deletes every stored run of a CronJob (its history, as the operator's "delete history" did), then judges it
     * again. The CronJob's state and incidents stay; Jobs still in the cluster are recorded again when they change.
     * Engine thread.
     *
     * @return the runs deleted
     * @throws NotLeaderException when this engine does not lead, or has not caught up yet
     */
    public long deleteHistory(CronJobRef ref) {
        requireLeading("delete history");
        try {
            long n = store.deleteExecutions(ref, null, epoch);
            storeSucceeded();
            LOG.info("{}: history deleted on request ({} runs)", ref, n);
            if (tracked.containsKey(ref)) {
                evaluateGuarded(ref);
            }
            return n;
        } catch (StaleEpochException e) {
            fencedOut("fenced while deleting history: " + e.getMessage());
            throw new NotLeaderException("delete history: another replica took over meanwhile (this one was fenced)");
        }
    }

    /**
     * Records that {@code by} acknowledged an open incident: its reminders stop; an escalation of its severity and
     * its resolution are still announced. Engine thread.
     *
     * @return the incident as stored; empty when there is no open incident with this id
     * @throws NotLeaderException when this engine does not lead, or has not caught up yet
     */
    public Optional<Incident> acknowledgeIncident(String incidentId, String by) {
        requireLeading("acknowledge");
        try {
            Optional<Incident> i = store.acknowledgeIncident(incidentId, by, clock.instant(), epoch);
            storeSucceeded();
            i.ifPresent(x -> LOG.info("{} {} acknowledged by {}", x.key().asString(), x.id(), by));
            return i;
        } catch (StaleEpochException e) {
            fencedOut("fenced while acknowledging an incident: " + e.getMessage());
            throw new NotLeaderException("acknowledge: another replica took over meanwhile (this one was fenced)");
        }
    }

    /**
     * Silences an open incident until {@code until} ({@code null} lifts the silence): its openings and reminders wait
     * until then, its resolution does not. Engine thread.
     *
     * @return the incident as stored; empty when there is no open incident with this id
     * @throws NotLeaderException when this engine does not lead, or has not caught up yet
     */
    public Optional<Incident> silenceIncident(String incidentId, @Nullable Instant until, String by) {
        requireLeading("silence");
        try {
            Optional<Incident> i = store.silenceIncident(incidentId, until, by, epoch);
            storeSucceeded();
            i.ifPresent(x -> LOG.info("{} {} {} by {}", x.key().asString(), x.id(),
                    until == null ? "no longer silenced" : "silenced until " + until, by));
            return i;
        } catch (StaleEpochException e) {
            fencedOut("fenced while silencing an incident: " + e.getMessage());
            throw new NotLeaderException("silence: another replica took over meanwhile (this one was fenced)");
        }
    }

    private void requireLeading(String what) {
        if (!leading) {
            throw new NotLeaderException(what + ": this replica does not lead");
        }
        if (!caughtUp) {
            throw new NotLeaderException(what + ": this replica leads but has not caught up yet; try again shortly");
        }
    }

    /** One retention pass; {@code null} when it failed (logged; retried by the timer). */
    private @Nullable PruneResult pruneAndRearm() {
        Instant now = clock.instant();
        GuardianConfig.Retention r = config.retention();
        try {
            long runs = 0;
            long details = 0;
            Instant nextPurge = null;
            // CronJobs kept equally long are pruned together: a few statements per 200 CronJobs, not per CronJob
            Map<Integer, List<CronJobRef>> byRunDays = new java.util.TreeMap<>();
            Map<Integer, List<CronJobRef>> byLogDays = new java.util.TreeMap<>();
            for (Tracked t : tracked.values()) {
                CronJobRef ref = t.snapshot.ref();
                byRunDays.computeIfAbsent(RetentionPolicy.runDays(r, t.monitors), d -> new ArrayList<>()).add(ref);
                byLogDays.computeIfAbsent(RetentionPolicy.logDays(r, t.monitors), d -> new ArrayList<>()).add(ref);
            }
            for (CronJobState st : store.cronJobStates()) {
                if (tracked.containsKey(st.ref())) {
                    continue;
                }
                Instant purgeAt = RetentionPolicy.purgeAt(st);
                if (purgeAt != null && !now.isBefore(purgeAt)) {
                    runs += purge(st, now);
                    continue;
                }
                if (purgeAt != null && (nextPurge == null || purgeAt.isBefore(nextPurge))) {
                    nextPurge = purgeAt;
                }
                byRunDays.computeIfAbsent(r.defaultDays(), d -> new ArrayList<>()).add(st.ref());
                byLogDays.computeIfAbsent(RetentionPolicy.logDays(r, List.of()), d -> new ArrayList<>()).add(st.ref());
            }
            for (Map.Entry<Integer, List<CronJobRef>> e : byRunDays.entrySet()) {
                runs += store.pruneExecutions(e.getValue(), now.minus(Duration.ofDays(e.getKey())), epoch);
            }
            for (Map.Entry<Integer, List<CronJobRef>> e : byLogDays.entrySet()) {
                details += store.pruneDetails(e.getValue(), now.minus(Duration.ofDays(e.getKey())), epoch);
            }
            runs += store.deleteExecutionsBefore(null, now.minus(Duration.ofDays(r.maxDays())), epoch);
            long incidents = store.deleteResolvedIncidentsBefore(now.minus(Duration.ofDays(r.maxDays())), epoch);
            if (runs + details + incidents > 0) {
                LOG.info("retention: deleted {} runs, details of {} runs, {} resolved incidents", runs, details,
                        incidents);
            }
            systemBackoff = RETRY_MIN;
            systemTimers.arm("prune", now.plus(config.scheduler().pruneInterval()), this::prune);
            armPurge(nextPurge);
            storeSucceeded();
            return new PruneResult(runs, details, incidents);
        } catch (StaleEpochException e) {
            fencedOut("fenced during pruning: " + e.getMessage());
            return null;
        } catch (RuntimeException e) {
            LOG.warn("retention failed ({}); retrying", e.toString());
            storeFailed(e);
            systemTimers.arm("prune", now.plus(nextSystemBackoff()), this::prune);
            return null;
        }
    }

    /** Deletes a deleted CronJob's runs and state (onCronJobDeletion=purge-after-days); returns the runs deleted. */
    private long purge(CronJobState st, Instant now) {
        long n = store.deleteExecutions(st.ref(), null, epoch);
        store.deleteCronJobState(st.ref(), epoch);
        LOG.info("{} purged {} after its deletion ({} runs)", st.ref(), Duration.between(st.deletedAt(), now), n);
        return n;
    }

    /**
     * Arms the purge timer for {@code at} unless an earlier one is armed: a purge-after-days delay ends at an exact
     * instant, not at the next prune.
     */
    private void armPurge(Instant at) {
        if (at == null || (purgeDue != null && !purgeDue.isAfter(at))) {
            return;
        }
        purgeDue = at;
        systemTimers.arm("purge", at, this::purgeDeleted);
    }

    /** Purges every deleted CronJob whose purge instant has come, then arms the timer for the next one. */
    private void purgeDeleted() {
        purgeDue = null;
        if (!leading || !caughtUp) {
            return;
        }
        Instant now = clock.instant();
        try {
            Instant next = null;
            for (CronJobState st : store.cronJobStates()) {
                Instant purgeAt = RetentionPolicy.purgeAt(st);
                if (purgeAt == null || tracked.containsKey(st.ref())) {
                    continue;
                }
                if (!now.isBefore(purgeAt)) {
                    purge(st, now);
                } else if (next == null || purgeAt.isBefore(next)) {
                    next = purgeAt;
                }
            }
            armPurge(next);
            storeSucceeded();
        } catch (StaleEpochException e) {
            fencedOut("fenced during purging: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("purging deleted CronJobs failed ({}); retrying", e.toString());
            storeFailed(e);
            armPurge(now.plus(nextSystemBackoff()));
        }
    }

    // ================================================================ helpers

    private Duration nextSystemBackoff() {
        Duration d = systemBackoff;
        systemBackoff = d.multipliedBy(2).compareTo(RETRY_MAX) > 0 ? RETRY_MAX : d.multipliedBy(2);
        return d;
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.isBefore(b) ? a : b;
    }

    /** For tests and the query API: the CronJobs the leader tracks. Engine thread. */
    Set<CronJobRef> trackedRefs() {
        return tracked.keySet();
    }
}
