package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records runs: one upsert per change of a Job's state, never a duplicate (the store upserts by Job UID). For a
 * run that failed, fetches the failure context (log tail and events) once, through a {@link ContextSource} that
 * reads it off the engine thread ({@link Recorded#AWAITING_CONTEXT} until then: the outcome is written at once,
 * without the context, and the run counts as recorded once it is written again with it); stores it when the
 * CronJob's monitors (or the global settings) ask for log/event storage, and keeps it in memory for alerts
 * otherwise. Engine thread only.
 *
 * <p>A finished run is written again, once, when its termination or finish time changes in the same state: a
 * Kubernetes 1.31+ Job is FAILED from its {@code FailureTarget} condition on, while its pods are still
 * terminating, and its {@code Failed} condition later brings the final container termination; likewise
 * {@code SuccessCriteriaMet} then {@code Complete}. The final values replace the interim ones; the failure context
 * is fetched again only when the first fetch found none, and the suggested fix follows the final termination. A
 * state loaded from the store ({@link #prime}) carries no termination to compare, so a run first recorded by an
 * earlier leader keeps the values that leader wrote.
 */
final class Recorder {

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    static final int MAX_EVENTS = 100;
    private static final int MAX_TRANSIENT = 2000;

    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final GuardianConfig config;
    /** Job UID → what the store has (as far as this leader knows), or what was given up on ({@link #skip}). */
    private final Map<String, Known> recorded = new HashMap<>();
    /** Successful execution writes, ever (lets the engine tell a bad row from a store that takes no writes). */
    private long writes;
    /** Failure context not stored (storage off) but wanted by alerts, newest last. */
    private final Map<String, Execution> transientDetails = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Execution> eldest) {
            return size() > MAX_TRANSIENT;
        }
    };

    /** Where the failure context of a run comes from: read off the engine thread, handed over when done. */
    interface ContextSource {
        /**
         * The context read for this failure, or {@code null} while it is being read (a read is then started, and
         * the engine records the run again once it is done).
         *
         * @param log    the log tail to read, or {@code null} for none
         * @param events whether to read the events of the Job and its pods
         */
        @Nullable ContextReader.Context get(JobSnapshot job, @Nullable LogRequest log, boolean events);
    }

    /** What {@link #record} did. */
    enum Recorded {
        /** Written, and the store changed. */
        CHANGED,
        /** Nothing to write, or written without change. */
        UNCHANGED,
        /**
         * The failure context is being read: the outcome is written (without it), the run is recorded for good
         * (and judged) once the context is read.
         */
        AWAITING_CONTEXT
    }

    private final ContextSource contexts;

    Recorder(HistoryStore store, CronJobWatcher watcher, GuardianConfig config) {
        this(store, watcher, config, null);
    }

    /**
     * @param contexts where failure context comes from; {@code null} reads it on the calling thread through the
     *                 watcher
     */
    Recorder(HistoryStore store, CronJobWatcher watcher, GuardianConfig config, @Nullable ContextSource contexts) {
        this.store = store;
        this.watcher = watcher;
        this.config = config;
        this.contexts = contexts != null ? contexts : this::readInline;
    }

    private ContextReader.Context readInline(JobSnapshot job, @Nullable LogRequest log, boolean events) {
        String tail = null;
        List<String> evs = List.of();
        try {
            if (log != null) {
                tail = watcher.fetchLogTail(job, log).orElse(null);
            }
            if (events) {
                evs = watcher.fetchEvents(job, MAX_EVENTS);
            }
        } catch (RuntimeException ex) {
            LOG.warn("could not fetch failure context of Job {}/{}: {}", job.namespace(), job.name(), ex.toString());
        }
        return new ContextReader.Context(tail, evs);
    }

    /** Forgets everything (leadership lost). */
    void reset() {
        recorded.clear();
        transientDetails.clear();
    }

    /**
     * What the store has of a Job as far as this leader knows: its state, and for a row this leader wrote, the
     * termination and finish time it wrote ({@code exact}), which a later snapshot of the same state may refine.
     */
    private record Known(JobState state, @Nullable Termination termination, @Nullable Instant finishedAt,
            boolean exact, boolean provisional) {

        static Known written(JobSnapshot job) {
            return new Known(job.state(), job.lastTermination(), job.finishedAt(), true, false);
        }

        static Known stateOnly(JobState state) {
            return new Known(state, null, null, false, false);
        }

        /** A failure written without its context while that is read: recorded for good once it is. */
        static Known provisional(JobSnapshot job) {
            return new Known(job.state(), job.lastTermination(), job.finishedAt(), false, true);
        }

        /** {@code true} when {@code job} is this finished run with a different termination or finish time. */
        boolean refinedBy(JobSnapshot job) {
            return exact && state == job.state() && state.isTerminal()
                    && (!Objects.equals(termination, job.lastTermination())
                            || !Objects.equals(finishedAt, job.finishedAt()));
        }
    }

    /** Loads what the store has for these Jobs, so that catch-up records only what is missing. */
    void prime(Collection<String> jobUids) {
        if (!jobUids.isEmpty()) {
            store.executionStates(jobUids).forEach((uid, state) -> {
                Known k = recorded.get(uid);
                if (k == null || k.state() != state) {
                    recorded.put(uid, Known.stateOnly(state));
                }
            });
        }
    }

    void forget(String jobUid) {
        recorded.remove(jobUid);
    }

    /**
     * {@code true} when the store already has this state for the Job (perhaps with an interim termination); a
     * failure written without its context while that is read is not recorded yet.
     */
    boolean isRecorded(JobSnapshot job) {
        Known k = recorded.get(job.uid());
        return k != null && !k.provisional() && k.state() == job.state();
    }

    /**
     * Records the Job if its state is new to the store, or if it is a finished run this leader recorded whose
     * termination or finish time changed since (the final values of a Kubernetes 1.31+ Job, see above).
     *
     * @return whether the store changed, or that the failure context is still being read
     */
    Recorded record(JobSnapshot job, List<MonitorSpec> monitors, long epoch) {
        if (job.owner() == null) {
            return Recorded.UNCHANGED;
        }
        Known known = recorded.get(job.uid());
        boolean refine = known != null && known.refinedBy(job);
        boolean provisional = known != null && known.provisional() && job.state() == JobState.FAILED;
        if (!refine && !provisional && known != null
                && (known.state() == job.state() || (known.state().isTerminal() && !job.state().isTerminal()))) {
            return Recorded.UNCHANGED;
        }
        Execution e = Execution.of(job);
        if (job.state() == JobState.FAILED) {
            e = refine ? refinedFailure(job, monitors) : withFailureContext(job, monitors);
            if (e == null) {
                if (!provisional) {
                    // the outcome does not wait for the context (a slow API server, a failover meanwhile): written
                    // now, and again with its log tail and events once they are read
                    UpsertResult r = store.upsertExecution(Execution.of(job), epoch);
                    writes++;
                    recorded.put(job.uid(), Known.provisional(job));
                    LOG.debug("recorded {} {} {} while its failure context is read: {}", job.owner(), job.name(),
                            job.state(), r);
                }
                return Recorded.AWAITING_CONTEXT;
            }
        }
        UpsertResult r = store.upsertExecution(e, epoch);
        writes++;
        recorded.put(job.uid(), Known.written(job));
        if (refine) {
            LOG.debug("recorded the final termination of {} {}: {} (was {}), finished {} (was {}): {}", job.owner(),
                    job.name(), job.lastTermination(), known.termination(), job.finishedAt(), known.finishedAt(), r);
            return r != UpsertResult.UNCHANGED ? Recorded.CHANGED : Recorded.UNCHANGED;
        }
        LOG.debug("recorded {} {} {}: {}", job.owner(), job.name(), job.state(), r);
        return r != UpsertResult.UNCHANGED ? Recorded.CHANGED : Recorded.UNCHANGED;
    }

    /**
     * Records the Job without its optional text: no log tail, events or suggested fix, and no termination or
     * condition message (after the full row was rejected). The failure context stays available to alerts from
     * memory when it was fetched.
     *
     * @return {@code true} when the store changed
     */
    boolean recordWithoutDetails(JobSnapshot job, long epoch) {
        Termination t = job.lastTermination();
        JobSnapshot bare = job.withMessages(null,
                t == null ? null : new Termination(t.container(), t.exitCode(), t.reason(), t.signal(), null));
        UpsertResult r = store.upsertExecution(Execution.of(bare), epoch);
        writes++;
        recorded.put(job.uid(), Known.written(job));
        LOG.debug("recorded {} {} {} without details: {}", job.owner(), job.name(), job.state(), r);
        return r != UpsertResult.UNCHANGED;
    }

    /** Gives up on recording this state of the Job for this term (its row cannot be written). */
    void skip(JobSnapshot job) {
        recorded.put(job.uid(), Known.stateOnly(job.state()));
    }

    /** Successful execution writes so far. */
    long writes() {
        return writes;
    }

    /** The execution with details: the store's, or the context kept in memory when it was not stored. */
    Optional<Execution> transientDetails(String jobUid) {
        return Optional.ofNullable(transientDetails.get(jobUid));
    }

    /**
     * A failed run recorded before, with its final termination: the failure context fetched then (stored, or kept
     * in memory) is reused for the suggested fix and left in the store as it is (the upsert keeps details the new
     * value lacks); when that fetch found nothing, it is fetched now ({@code null} while that read runs).
     */
    private @Nullable Execution refinedFailure(JobSnapshot job, List<MonitorSpec> monitors) {
        Optional<Execution> kept = transientDetails(job.uid());
        Execution before = kept.isPresent() ? kept.get() : store.findExecution(job.uid()).orElse(null);
        if (before == null || (before.logTail() == null && before.events().isEmpty())) {
            return withFailureContext(job, monitors);
        }
        String fix = fixes(monitors).suggest(Evaluator.failureOf(job, before.logTail(), before.events()));
        if (kept.isPresent()) {
            transientDetails.put(job.uid(), new Execution(job, before.logTail(), before.events(), fix));
        }
        return new Execution(job, null, List.of(), fix);
    }

    private static io.cronjobguardian.engine.alert.SuggestedFixes fixes(List<MonitorSpec> monitors) {
        return io.cronjobguardian.engine.alert.SuggestedFixes
                .with(monitors.isEmpty() ? List.of() : monitors.get(0).alerting().suggestedFixPatterns());
    }

    /** The run with its failure context, or {@code null} while that context is being read. */
    private @Nullable Execution withFailureContext(JobSnapshot job, List<MonitorSpec> monitors) {
        GuardianConfig.LogStorage global = config.logStorage();
        boolean storeLogs = false;
        boolean storeEvents = false;
        boolean alertLogs = false;
        boolean alertEvents = false;
        int lines = 1;
        int maxKb = global.maxLogSizeKB();
        String container = null;
        boolean initContainers = false;
        for (MonitorSpec m : monitors) {
            MonitorSpec.DataRetention r = m.dataRetention();
            storeLogs |= r.storeLogs() != null ? r.storeLogs() : global.logsEnabled();
            storeEvents |= r.storeEvents() != null ? r.storeEvents() : global.eventsEnabled();
            if (r.maxLogSizeKB() != null) {
                maxKb = Math.max(maxKb, r.maxLogSizeKB());
            }
            MonitorSpec.IncludeContext inc = m.alerting().includeContext();
            alertLogs |= inc.logs();
            alertEvents |= inc.events();
            lines = Math.max(lines, inc.logLines());
            container = container == null ? inc.logContainerName() : container;
            initContainers |= inc.includeInitContainerLogs();
        }
        if (monitors.isEmpty()) {
            storeLogs = global.logsEnabled();
            storeEvents = global.eventsEnabled();
        }
        int maxBytes = Math.max(1024, Math.min(maxKb, 10 * 1024) * 1024);
        LogRequest logRequest = storeLogs || alertLogs ? new LogRequest(container, initContainers,
                storeLogs ? LogRequest.DEFAULT.maxLines() * 200 : lines, maxBytes) : null;
        boolean wantEvents = storeEvents || alertEvents;
        ContextReader.Context read = logRequest == null && !wantEvents ? ContextReader.Context.EMPTY
                : contexts.get(job, logRequest, wantEvents);
        if (read == null) {
            return null;
        }
        String log = read.logTail();
        List<String> events = read.events();
        String fix = fixes(monitors).suggest(Evaluator.failureOf(job, log, events));
        Execution full = new Execution(job, log, events, fix);
        if ((log != null && !storeLogs) || (!events.isEmpty() && !storeEvents)) {
            transientDetails.put(job.uid(), full);
        }
        return new Execution(job, storeLogs ? log : null, storeEvents ? events : List.of(), fix);
    }
}
