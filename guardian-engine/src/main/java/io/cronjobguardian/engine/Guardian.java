package io.cronjobguardian.engine;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.CronJobWatcherProvider;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeaderElectorProvider;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.ContextReader;
import io.cronjobguardian.engine.core.Engine;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.core.IncidentListener;
import io.cronjobguardian.engine.core.StatusService;
import io.cronjobguardian.engine.metrics.GuardianMetrics;
import io.cronjobguardian.engine.alert.AlertPipeline;
import io.cronjobguardian.engine.alert.SuggestedFixes;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpecLoader;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.engine.time.TaskScheduler;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CronJob monitoring engine, embedded in a host service.
 *
 * <pre>{@code
 * try (Guardian guardian = Guardian.builder()
 *         .config(GuardianConfig.builder().file(Path.of("guardian.yaml")).build())
 *         .monitor(MonitorSpec.builder("team-a", "backups")
 *                 .deadManSwitch(MonitorSpec.DeadManSwitch.fromSchedule())
 *                 .sla(MonitorSpec.Sla.defaults())
 *                 .build())
 *         .build()
 *         .start()) {
 *     guardian.statuses().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Whatever is not handed to the builder is found through {@link java.util.ServiceLoader} (see
 * {@link Providers}): the store by {@code storage.type} (SQLite when nothing else is configured), the watcher by
 * {@code watcher.type}, and, when {@code leaderElection.enabled} is true, the elector by
 * {@code leaderElection.type}. Without an elector the engine leads alone (one replica). Components given to the
 * builder or created from providers are started by {@link #start()} and closed by {@link #close()}.
 *
 * <p>Every replica serves the query methods and {@link #health()}; only the leader records runs, evaluates,
 * opens and resolves incidents and prunes history. All methods are thread-safe.
 */
public final class Guardian implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Guardian.class);

    private final GuardianConfig config;
    private final List<MonitorSpec> monitors;
    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final LeaderElector elector;
    private final List<AlertChannel> channels;
    private final TaskScheduler scheduler;
    private final Engine engine;
    private final StatusService status;
    private final Duration shutdownTimeout;
    private final GuardianMetrics metrics;
    /** Guardian's own meters when the host gave no registry: idle until a registry is attached. */
    private final io.micrometer.core.instrument.composite.CompositeMeterRegistry ownMeters;   // or null
    private final AlertPipeline alerts;
    private final ContextReader contextReader;
    /** This replica's identity: the elector's, or a random one when it leads alone. */
    private final String identity;
    private final Object lifecycle = new Object();
    private volatile boolean started;
    private volatile boolean closed;

    private Guardian(Builder b, GuardianConfig config, List<MonitorSpec> monitors, HistoryStore store,
            CronJobWatcher watcher, LeaderElector elector, TaskScheduler scheduler, List<AlertChannel> channels) {
        this.config = config;
        this.monitors = List.copyOf(monitors);
        this.store = store;
        this.watcher = watcher;
        this.elector = elector;
        this.channels = List.copyOf(channels);
        this.scheduler = scheduler;
        this.shutdownTimeout = b.shutdownTimeout;
        List<EngineObserver> observers = new ArrayList<>();
        Map<String, AlertChannel> byName = new LinkedHashMap<>();
        for (AlertChannel c : channels) {
            if (byName.put(c.name(), c) != null) {
                throw new ConfigException("channels", "two alert channels are named \"" + c.name() + "\"");
            }
        }
        this.identity = elector != null ? elector.identity() : "standalone-" + java.util.UUID.randomUUID();
        this.alerts = new AlertPipeline(store, byName, config, scheduler, identity, b.synchronousDelivery);
        observers.add(alerts);
        // without a host registry, meters go to Guardian's own composite, idle until a registry is attached
        // (attachMeterRegistry: guardian-http's standalone server serving /metrics)
        this.ownMeters = b.meterRegistry == null ? new io.micrometer.core.instrument.composite.CompositeMeterRegistry()
                : null;
        MeterRegistry meters = b.meterRegistry != null ? b.meterRegistry : ownMeters;
        this.metrics = new GuardianMetrics(store, watcher, scheduler.clock()).leaderStatusFrom(this::isLeader);
        if (ownMeters != null) {
            metrics.onlyWhile(() -> !ownMeters.getRegistries().isEmpty());
        }
        metrics.bindTo(meters);
        alerts.bindTo(meters);
        observers.add(metrics);
        observers.add(b.observer);
        if (b.contextReadExecutor != null) {
            this.contextReader = ContextReader.on(watcher, b.contextReadExecutor, b.contextReadTimeout);
        } else if (scheduler instanceof ManualTaskScheduler) {
            // a test drives the engine step by step: reads run inline, their results still come back as tasks
            this.contextReader = ContextReader.on(watcher, Runnable::run, b.contextReadTimeout);
        } else {
            this.contextReader = ContextReader.pooled(watcher, ContextReader.DEFAULT_THREADS,
                    ContextReader.DEFAULT_QUEUE, b.contextReadTimeout);
        }
        this.engine = new Engine(scheduler, store, watcher, config, this.monitors,
                IncidentListener.all(List.of(alerts, b.incidentListener)), EngineObserver.all(observers),
                contextReader);
        // a dispatcher claim rejected as stale stands the engine down like any other fenced write
        alerts.onFenced(e -> engine.fenced(e, "an alert dispatch claim was rejected"));
        this.status = new StatusService(scheduler.clock(), store, watcher, this.monitors,
                config.ignoredNamespaces());
        if (metrics != null) {
            metrics.percentilesFrom(status::durationPercentiles);
        }
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the store (migrations), the watcher and the elector (or leads alone without one). Returns once they
     * are started; the watcher's initial sync and the leader's catch-up continue in the background (see
     * {@link #health()}).
     *
     * @return this
     * @throws io.cronjobguardian.api.StoreUnavailableException when the store cannot be reached or migrated
     * @throws IllegalStateException when already started or closed
     */
    public Guardian start() {
        synchronized (lifecycle) {
            if (started || closed) {
                throw new IllegalStateException(closed ? "closed" : "already started");
            }
            store.start();
            watcher.start(engine.watchListener());
            if (elector != null) {
                elector.start(engine.leadershipListener(elector));
            } else {
                engine.leadAlone();
            }
            started = true;
            LOG.info("CronJob Guardian started: {} monitor(s), {}; channels: {}; configuration: {}",
                    monitors.size(), elector == null ? "single replica" : "leader election as " + elector.identity(),
                    channelSummary(), config.describe());
            return this;
        }
    }

    /**
     * Stops gracefully: stops taking new events, lets the engine finish what it is doing (at most
     * {@code shutdownTimeout}, default 10 s), releases leadership so a standby takes over at once, and closes the
     * components. Idempotent.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // the engine stops leading before the watcher closes: a closed watcher's cache is empty, and an evaluation
        // that ran on it would judge every CronJob as having no Jobs (false MissedSchedule, JobStuck resolved)
        CountDownLatch drained = new CountDownLatch(1);
        scheduler.execute(() -> {
            engine.shutdown();
            drained.countDown();
        });
        if (scheduler instanceof ManualTaskScheduler) {
            ((ManualTaskScheduler) scheduler).runPending();
        }
        long deadline = System.nanoTime() + shutdownTimeout.toNanos();
        try {
            if (!drained.await(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("engine did not finish its work within {}; closing anyway", shutdownTimeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly("watcher", watcher::close);
        closeQuietly("failure-context reads", contextReader::close);
        // deliveries in flight are recorded before leadership is released, so the next leader does not resend them
        if (!alerts.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            LOG.warn("{} alert deliveries still in flight after {}; they will be retried", alerts.inFlight(),
                    shutdownTimeout);
        }
        if (elector != null) {
            closeQuietly("leader elector", elector::close);
        }
        closeQuietly("scheduler", scheduler::close);
        closeQuietly("alerts", alerts::close);
        for (AlertChannel c : channels) {
            closeQuietly("channel " + c.name(), c::close);
        }
        closeQuietly("store", store::close);
        if (metrics != null) {
            closeQuietly("meters", metrics::close);
        }
        LOG.info("CronJob Guardian stopped");
    }

    /** {@code ops (webhook, "Team ops webhook"), pager (pagerduty, disabled)}, or {@code none}. */
    private String channelSummary() {
        List<String> parts = new ArrayList<>();
        for (AlertChannel c : channels) {
            StringBuilder sb = new StringBuilder(c.name()).append(" (").append(c.type());
            if (config.channelNames().contains(c.name())) {
                config.channelSettings(c.name()).get("description").map(String::trim).filter(d -> !d.isEmpty())
                        .ifPresent(d -> sb.append(", \"").append(d).append('"'));
                if (!config.channelSettings(c.name()).getBoolean("enabled", true)) {
                    sb.append(", disabled");
                }
            }
            parts.add(sb.append(')').toString());
        }
        return parts.isEmpty() ? "none" : String.join(", ", parts);
    }

    private static void closeQuietly(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("closing the {} failed: {}", what, e.toString());
        }
    }

    // ---------------------------------------------------------------- queries (any replica)

    /** Status of one CronJob over all monitors that select it; empty when the watcher does not see it. */
    public Optional<CronJobStatus> status(CronJobRef ref) {
        return status.cronJob(ref);
    }

    /** Status of every watched CronJob, ordered by namespace and name. */
    public List<CronJobStatus> statuses() {
        return status.cronJobs();
    }

    /** Status of one monitor with the CronJobs it selects. */
    public Optional<MonitorStatus> monitorStatus(String monitorId) {
        return status.monitor(monitorId);
    }

    /** Status of every monitor. */
    public List<MonitorStatus> monitorStatuses() {
        return status.monitors();
    }

    /** Recorded runs matching the query, newest first. */
    public Page<Execution> executions(ExecutionQuery query) {
        return store.executions(query);
    }

    /** One recorded run, with log tail, events and suggested fix when stored. */
    public Optional<Execution> execution(String jobUid) {
        return store.findExecution(jobUid);
    }

    /** Statistics of one CronJob over a window. */
    public ExecutionStats stats(CronJobRef ref, StatsQuery window) {
        return store.stats(ref, window);
    }

    /** Incidents matching the query (open and past), newest first. */
    public Page<Incident> incidents(IncidentQuery query) {
        return store.incidents(query);
    }

    /** The delivery statistics of every channel that has sent or failed, by channel name. */
    public Map<String, ChannelStats> channelStats() {
        return store.channelStats();
    }

    /**
     * Every alert channel with its type, {@code description}, routing settings, delivery statistics and the result
     * of its test on save ({@code testOnSave}); configured channels first, in configuration order.
     */
    public List<ChannelStatus> channelStatuses() {
        return alerts.channelStatuses();
    }

    /** The outbox entries of one incident: which channels were (or will be) told what, and how it went. */
    public List<Notification> notifications(String incidentId) {
        return store.notifications(incidentId);
    }

    /**
     * Sends a test message to one channel now and records the result in its statistics.
     *
     * @throws IllegalArgumentException for an unknown channel
     */
    public DeliveryResult sendTestAlert(String channelName) {
        return alerts.sendTest(channelName);
    }

    /**
     * Tests one suggested-fix pattern on a sample failure: only this pattern is tried (built-ins are not), so a
     * match means this pattern matched.
     *
     * @return the rendered suggestion, or empty when the pattern does not match
     */
    public Optional<String> testFixPattern(MonitorSpec.SuggestedFixPattern pattern, SuggestedFixes.Failure sample) {
        return SuggestedFixes.only(List.of(pattern)).match(sample).map(SuggestedFixes.Suggestion::text);
    }

    /** The names of the configured alert channels. */
    public java.util.Set<String> channelNames() {
        return alerts.channels().keySet();
    }

    /** The monitors in force. */
    public List<MonitorSpec> monitors() {
        return monitors;
    }

    /** The configuration in force. */
    public GuardianConfig config() {
        return config;
    }

    /**
     * {@code true} while this replica leads (and acts): its engine acts as leader and its elector (if any) still
     * holds leadership. The elector's view counts too because the engine learns that leadership ended through its
     * own task queue: an engine thread that is busy or stalled (a long GC pause, a hung call) would otherwise go on
     * saying it leads after its elector stepped down and another replica took over.
     */
    public boolean isLeader() {
        return engine.isLeading() && (elector == null || elector.isLeader());
    }

    // ---------------------------------------------------------------- operations (the leader)

    /**
     * Runs retention now, on the engine's thread, as the prune timer does ({@code scheduler.pruneInterval}; the timer
     * is re-armed from now), and tells what it deleted.
     *
     * @return completes with what was deleted; exceptionally with {@link NotLeaderException} when this replica does
     *         not lead (or has not caught up, or was fenced meanwhile), with {@link IllegalStateException} when the
     *         store failed (the timer retries), or when Guardian is not started or closed
     */
    public CompletableFuture<PruneResult> pruneNow() {
        return onEngineThread(engine::pruneNow);
    }

    /**
     * Deletes every stored run of a CronJob (its history), on the engine's thread, then judges it again. Its state
     * and incidents stay; Jobs still in the cluster are recorded again when they change.
     *
     * @return completes with the number of runs deleted; exceptionally as {@link #pruneNow()}
     */
    public CompletableFuture<Long> deleteHistory(CronJobRef ref) {
        Objects.requireNonNull(ref, "ref");
        return onEngineThread(() -> engine.deleteHistory(ref));
    }

    /**
     * Adds a registry to Guardian's meters when the host gave none to the builder (guardian-http's standalone server
     * does this to serve {@code /metrics}). Until one is attached those meters are idle: no per-CronJob gauges, no
     * store reads for them.
     *
     * @return {@code false} (and nothing changes) when the host gave its own registry to the builder: the meters are
     *         there
     */
    public boolean attachMeterRegistry(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (ownMeters == null) {
            return false;
        }
        ownMeters.add(registry);
        onEngineThread(() -> {   // refused (harmlessly) before start: leadership publishes them then
            metrics.refresh();
            return null;
        });
        return true;
    }

    /** Removes a registry added by {@link #attachMeterRegistry}. */
    public void detachMeterRegistry(MeterRegistry registry) {
        if (ownMeters != null) {
            ownMeters.remove(Objects.requireNonNull(registry, "registry"));
        }
    }

    /** The longest silence {@link #silenceIncident} takes. */
    public static final Duration MAX_SILENCE = Duration.ofDays(90);

    /**
     * Acknowledges an open incident on behalf of {@code by}, on the engine's thread: its reminders stop; an
     * escalation of its severity and its resolution are still announced. Acknowledging again replaces who and when.
     *
     * @return completes with the incident as stored, or empty when no open incident has this id; exceptionally as
     *         {@link #pruneNow()}
     */
    public CompletableFuture<Optional<Incident>> acknowledgeIncident(String incidentId, String by) {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(by, "by");
        return onEngineThread(() -> engine.acknowledgeIncident(incidentId, by));
    }

    /**
     * Silences an open incident for {@code duration} from now on behalf of {@code by} (zero lifts a silence), on the
     * engine's thread: its openings and reminders not yet sent wait until the silence ends, then go out if it is still
     * open; its resolution goes out at once (nothing is sent for one that was never announced).
     *
     * @return completes with the incident as stored, or empty when no open incident has this id; exceptionally as
     *         {@link #pruneNow()}
     * @throws IllegalArgumentException when the duration is negative or longer than {@link #MAX_SILENCE}
     */
    public CompletableFuture<Optional<Incident>> silenceIncident(String incidentId, Duration duration, String by) {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(by, "by");
        if (duration.isNegative() || duration.compareTo(MAX_SILENCE) > 0) {
            throw new IllegalArgumentException("a silence lasts from 0 (lifts it) to " + MAX_SILENCE.toDays()
                    + " days, was " + duration);
        }
        return onEngineThread(() -> {
            Optional<Incident> i = engine.silenceIncident(incidentId,
                    duration.isZero() ? null : scheduler.clock().instant().plus(duration), by);
            i.ifPresent(alerts::silenceChanged);
            return i;
        });
    }

    /**
     * Suspends or resumes a CronJob in the cluster ({@code spec.suspend}) through the watcher; the watch then
     * delivers the change as usual. Any replica: the cluster is the source of truth, nothing is written to the
     * store here.
     *
     * @return the CronJob as the cluster has it afterwards
     * @throws java.util.NoSuchElementException when the cluster has no such CronJob
     * @throws UnsupportedOperationException    when the watcher does not write to its cluster
     * @throws IllegalStateException            when Guardian is not running, or the cluster refused (RBAC, outage)
     */
    public io.cronjobguardian.api.CronJobSnapshot setSuspended(CronJobRef ref, boolean suspended) {
        Objects.requireNonNull(ref, "ref");
        requireRunning();
        return watcher.setSuspended(ref, suspended);
    }

    /**
     * Starts a manual run of a CronJob now (a Job from its template, owned by it and marked manual, as
     * {@code kubectl create job --from=cronjob/<name>} does); its run is recorded as a manual run. Any replica.
     *
     * @return the name of the Job created
     * @throws java.util.NoSuchElementException when the cluster has no such CronJob
     * @throws UnsupportedOperationException    when the watcher does not write to its cluster
     * @throws IllegalStateException            when Guardian is not running, or the cluster refused (RBAC, outage)
     */
    public String triggerRun(CronJobRef ref) {
        Objects.requireNonNull(ref, "ref");
        requireRunning();
        return watcher.triggerJob(ref);
    }

    private void requireRunning() {
        if (!started || closed) {
            throw new IllegalStateException(closed ? "closed" : "not started");
        }
    }

    private <T> CompletableFuture<T> onEngineThread(java.util.function.Supplier<T> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        synchronized (lifecycle) {
            if (!started || closed) {
                result.completeExceptionally(new IllegalStateException(closed ? "closed" : "not started"));
                return result;
            }
        }
        try {
            scheduler.execute(() -> {
                try {
                    result.complete(operation.get());
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(new IllegalStateException("engine thread unavailable: " + e, e));
        }
        return result;
    }

    /**
     * Who leads, as this replica sees it: its own identity, whether it leads ({@link #isLeader()}), the identity of
     * the leader it last saw (itself while it leads; empty when unknown, and always empty for a standby without
     * leader election) and the epoch of the term it leads (empty on a standby). Any replica; no store round trip.
     */
    public Leadership leadership() {
        boolean leader = isLeader();
        long epoch = engine.epoch();
        String current = leader ? identity : elector != null ? elector.currentLeader().orElse(null) : null;
        return new Leadership(identity, leader, current, leader ? Long.valueOf(epoch) : null);
    }

    /**
     * Liveness and readiness. Live: started, not closed. Ready: live, the watcher has synced, the store answers,
     * and, if this replica was given leadership, it can act on it: not ready while the leader's store operations
     * keep failing (until they succeed again, or it gives leadership up after {@code leaderElection.renewDeadline}),
     * nor while a single replica stands aside after another process fenced it. Checks the store now (one round
     * trip).
     */
    public GuardianHealth health() {
        List<String> reasons = new ArrayList<>();
        boolean live = started && !closed;
        if (!started) {
            reasons.add("not started");
        }
        if (closed) {
            reasons.add("closed");
        }
        boolean synced = watcher.hasSynced();
        if (!synced) {
            reasons.add("watcher has not synced yet");
        }
        StoreHealth sh = store.health();
        if (!sh.up()) {
            reasons.add("store unreachable: " + sh.detail());
        }
        boolean leader = isLeader();
        if (leader && !engine.isCaughtUp()) {
            reasons.add("leader is catching up");
        }
        Optional<String> problem = engine.leadershipProblem();
        problem.ifPresent(reasons::add);
        return new GuardianHealth(live, live && synced && sh.up() && problem.isEmpty(), leader, reasons);
    }

    /** The engine, for the metrics binder and tests in this module. */
    Engine engine() {
        return engine;
    }

    // ---------------------------------------------------------------- builder

    /** Builds a {@link Guardian}. Every setting is optional. */
    public static final class Builder {
        private GuardianConfig config;
        private final List<MonitorSpec> monitors = new ArrayList<>();
        private HistoryStore store;
        private CronJobWatcher watcher;
        private LeaderElector elector;
        private final List<AlertChannel> channels = new ArrayList<>();
        private Clock clock;
        private TaskScheduler scheduler;
        private final Map<Class<?>, Object> services = new LinkedHashMap<>();
        private IncidentListener incidentListener = IncidentListener.NONE;
        private EngineObserver observer = EngineObserver.NONE;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private boolean loadMonitorFiles = true;
        private MeterRegistry meterRegistry;
        private boolean synchronousDelivery;
        private java.util.concurrent.Executor contextReadExecutor;
        private Duration contextReadTimeout = ContextReader.DEFAULT_TIMEOUT;

        private Builder() {
        }

        /** The configuration (default: {@code GuardianConfig.builder().build()}: environment and defaults). */
        public Builder config(GuardianConfig value) {
            this.config = Objects.requireNonNull(value, "config");
            return this;
        }

        /** Adds monitors (besides those of {@code monitors.files}). */
        public Builder monitor(MonitorSpec... specs) {
            monitors.addAll(List.of(specs));
            return this;
        }

        /** Adds monitors (besides those of {@code monitors.files}). */
        public Builder monitors(Collection<MonitorSpec> specs) {
            monitors.addAll(specs);
            return this;
        }

        /** Whether the files of {@code monitors.files} are loaded (default true). */
        public Builder loadMonitorFiles(boolean value) {
            this.loadMonitorFiles = value;
            return this;
        }

        /** The history store (default: chosen by {@code storage.type}). */
        public Builder store(HistoryStore value) {
            this.store = Objects.requireNonNull(value, "store");
            return this;
        }

        /** The watcher (default: chosen by {@code watcher.type}). */
        public Builder watcher(CronJobWatcher value) {
            this.watcher = Objects.requireNonNull(value, "watcher");
            return this;
        }

        /** The leader elector (default: chosen by {@code leaderElection.type} when {@code leaderElection.enabled}). */
        public Builder leaderElector(LeaderElector value) {
            this.elector = Objects.requireNonNull(value, "elector");
            return this;
        }

        /** Adds alert channels (besides those configured under {@code channels.*}). */
        public Builder alertChannel(AlertChannel... values) {
            channels.addAll(List.of(values));
            return this;
        }

        /** The clock every time reading goes through (default: system UTC clock, or the scheduler's). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Where the engine's work runs (default: a {@link SystemTaskScheduler} on the clock). Tests pass a
         * {@link ManualTaskScheduler} to run the engine step by step.
         */
        public Builder scheduler(TaskScheduler value) {
            this.scheduler = Objects.requireNonNull(value, "scheduler");
            return this;
        }

        /** A host object providers may use (a {@code DataSource}, a {@code KubernetesClient}, ...). */
        public <T> Builder service(Class<T> type, T instance) {
            services.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(instance, "instance"));
            return this;
        }

        /** The host's registry; the engine's meters (see {@link GuardianMetrics}) are bound to it. */
        public Builder meterRegistry(MeterRegistry value) {
            this.meterRegistry = Objects.requireNonNull(value, "meterRegistry");
            return this;
        }

        /**
         * Deliver alerts on the engine's thread instead of one thread per channel. Only for tests that drive the
         * engine with a {@link ManualTaskScheduler}: in production a slow channel would then delay everything.
         */
        public Builder synchronousAlertDelivery(boolean value) {
            this.synchronousDelivery = value;
            return this;
        }

        /**
         * Where the failure context of a failed run (log tail, events) is read: off the engine thread, so that a
         * slow API server does not stall recording, timers and alerts. Default: a pool of the engine's own
         * ({@value ContextReader#DEFAULT_THREADS} threads, {@value ContextReader#DEFAULT_QUEUE} queued reads); with a
         * {@link ManualTaskScheduler}, the thread that starts the read (results still come back as engine tasks).
         * The engine does not shut a given executor down.
         */
        public Builder contextReadExecutor(java.util.concurrent.Executor value) {
            this.contextReadExecutor = Objects.requireNonNull(value, "contextReadExecutor");
            return this;
        }

        /**
         * How long one read of failure context may take (default 30 s); a read that takes longer is left out and
         * the run is recorded and alerted without it.
         */
        public Builder contextReadTimeout(Duration value) {
            Objects.requireNonNull(value, "contextReadTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("contextReadTimeout must be positive: " + value);
            }
            this.contextReadTimeout = value;
            return this;
        }

        /** Told about every incident the leader opens, changes and resolves. */
        public Builder incidentListener(IncidentListener value) {
            this.incidentListener = Objects.requireNonNull(value, "incidentListener");
            return this;
        }

        /** Told what the engine does (metrics). */
        public Builder observer(EngineObserver value) {
            this.observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /** How long {@link Guardian#close()} waits for the engine to finish (default 10 s). */
        public Builder shutdownTimeout(Duration value) {
            this.shutdownTimeout = Objects.requireNonNull(value, "shutdownTimeout");
            return this;
        }

        /**
         * Resolves the configuration, monitors and components (no connection is opened yet).
         *
         * @throws io.cronjobguardian.api.ConfigException for invalid configuration, an invalid monitor file, or a
         *         missing provider (naming the artifact to add)
         */
        public Guardian build() {
            GuardianConfig cfg = config != null ? config : GuardianConfig.builder().build();
            Clock clk = scheduler != null ? scheduler.clock() : clock != null ? clock : Clock.systemUTC();
            TaskScheduler sched = scheduler != null ? scheduler : new SystemTaskScheduler(clk, "engine");
            List<MonitorSpec> all = new ArrayList<>(monitors);
            if (loadMonitorFiles && !cfg.monitorFiles().isEmpty()) {
                MonitorSpecLoader.Result r = MonitorSpecLoader.forConfig(cfg).load(cfg.monitorFiles());
                r.warnings().forEach(w -> LOG.warn("monitor files: {}", w));
                all.addAll(r.monitors());
            }
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (MonitorSpec m : all) {
                if (!ids.add(m.id())) {
                    throw new io.cronjobguardian.api.ConfigException("monitors", "two monitors have the id " + m.id());
                }
            }
            io.cronjobguardian.engine.core.RetentionPolicy.deadManWindowsBeyondRetention(cfg.retention(), all)
                    .forEach(w -> LOG.warn("{}", w));
            ProviderContext.Builder ctx = ProviderContext.builder().clock(clk);
            services.forEach((type, obj) -> register(ctx, type, obj));
            ProviderContext context = ctx.build();
            Settings settings = cfg.settings();
            if (all.stream().anyMatch(m -> m.selector().namespaceSelector() != null
                    && !m.selector().namespaceSelector().isEmpty()) && !settings.contains("watcher.watchNamespaces")) {
                // a monitor selects namespaces by label: the watcher must watch Namespaces to know their labels
                settings = settings.with("watcher.watchNamespaces", "true");
            }
            HistoryStore st = store;
            if (st == null) {
                HistoryStoreProvider provider = Providers.select(HistoryStoreProvider.class, settings,
                        HistoryStoreProvider.TYPE_KEY, HistoryStoreProvider.ARTIFACTS);
                if (elector == null) {
                    cfg.checkStoreForLeaderElection(provider.name());
                }
                st = provider.create(settings, context);
            }
            CronJobWatcher w = watcher != null ? watcher
                    : Providers.select(CronJobWatcherProvider.class, settings, CronJobWatcherProvider.TYPE_KEY,
                            CronJobWatcherProvider.ARTIFACTS).create(settings, context);
            LeaderElector el = elector;
            if (el == null && cfg.leaderElection().enabled()) {
                el = Providers.select(LeaderElectorProvider.class, settings, LeaderElectorProvider.TYPE_KEY,
                        LeaderElectorProvider.ARTIFACTS).create(settings, context);
            }
            List<AlertChannel> chans = new ArrayList<>(channels);
            for (String name : cfg.channelNames()) {
                Settings cs = cfg.channelSettings(name).with("name", name);
                String type = cs.require("type");
                AlertChannelProvider p = Providers.byName(AlertChannelProvider.class, type).orElseThrow(() ->
                        new ConfigException("channels." + name + ".type", "no alert channel type \"" + type
                                + "\" on the classpath; add " + CHANNEL_ARTIFACTS.getOrDefault(
                                        type.toLowerCase(java.util.Locale.ROOT), AlertChannelProvider.ARTIFACTS)));
                chans.add(p.create(cs, context));
            }
            return new Guardian(this, cfg, all, st, w, el, sched, chans);
        }

        /** Channel types of this project that live in their own artifact, and that artifact. */
        private static final Map<String, String> CHANNEL_ARTIFACTS = Map.of("email",
                "io.cronjobguardian:guardian-alert-email (the email channel; it brings Jakarta Mail)");

        @SuppressWarnings("unchecked")
        private static <T> void register(ProviderContext.Builder ctx, Class<T> type, Object obj) {
            ctx.service(type, (T) obj);
        }
    }
}
