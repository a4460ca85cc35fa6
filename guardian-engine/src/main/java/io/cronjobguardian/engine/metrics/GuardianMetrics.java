package io.cronjobguardian.engine.metrics;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.engine.core.EngineObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's meters. Every replica publishes {@code cronjob_guardian_leader_status} (1 on the leader, 0 on
 * standbys: a sum over replicas is 1) and {@code cronjob_guardian_db_connections_open}. Only the leader publishes
 * the per-CronJob gauges ({@code cronjob_guardian_success_rate},
 * {@code cronjob_guardian_duration_percentile_seconds} with a {@code percentile} tag such as {@code p95}, one per
 * percentile of the CronJob's {@code sla.durationPercentiles}, {@code cronjob_guardian_active_alerts} with a
 * {@code severity} tag), counts {@code cronjob_guardian_executions_total} and observes
 * {@code cronjob_guardian_duration_seconds}, a histogram of run durations (Micrometer timer with fixed buckets
 * from 1 second to 1 day, {@link #DURATION_BUCKETS}; {@code _bucket}, {@code _count}, {@code _sum} and {@code _max}
 * in Prometheus), once per finished run when its record is first written as finished (never again after a
 * failover or a relist), so that Prometheus can aggregate durations across replicas and CronJobs
 * ({@code histogram_quantile(0.95, sum by (le) (rate(cronjob_guardian_duration_seconds_bucket[1d])))}); a
 * replica that stops leading removes its per-CronJob gauges, and the
 * meters of a CronJob that is deleted are removed. {@code cronjob_guardian_evaluation_seconds} times evaluations.
 * {@code cronjob_guardian_record_failures_total} counts runs whose row the store rejected, by {@code outcome}
 * ({@code without_details}: recorded without log tail, events and messages; {@code skipped}: not recorded;
 * {@code lost}: kept in memory unrecorded until it aged out), and
 * {@code cronjob_guardian_seen_runs_evicted_total} the terminal Job snapshots a standby dropped from its bounded
 * memory, by {@code reason} ({@code age}, {@code capacity}).
 *
 * <p>Tags are low-cardinality: {@code namespace}, {@code cronjob}, {@code outcome}, {@code severity},
 * {@code percentile} — never a Job name or UID. The success-rate and duration gauges cover the last 7 days.
 */
public final class GuardianMetrics implements MeterBinder, EngineObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GuardianMetrics.class);
    /** Window of the success-rate and duration gauges. */
    public static final Duration WINDOW = Duration.ofDays(7);
    /**
     * Bucket bounds of the {@code cronjob_guardian_duration_seconds} histogram: 1 s, 5 s, 15 s, 30 s, 1 min, 2 min,
     * 5 min, 10 min, 15 min, 30 min, 1 h, 2 h, 4 h, 8 h, 12 h, 1 day (and {@code +Inf}).
     */
    public static final List<Duration> DURATION_BUCKETS = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2),
            Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(12),
            Duration.ofDays(1));

    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final Clock clock;
    private final AtomicLong leading = new AtomicLong();
    private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();
    private final Map<CronJobRef, List<Meter>> perCronJob = new ConcurrentHashMap<>();
    private final List<Meter> global = new ArrayList<>();
    private volatile MeterRegistry registry;
    private volatile Timer evaluation;
    private final Map<String, Counter> recordFailures = new ConcurrentHashMap<>();
    private final Map<String, Counter> seenEvicted = new ConcurrentHashMap<>();
    private volatile java.util.function.BooleanSupplier leaderStatus;
    private volatile java.util.function.BooleanSupplier attached = () -> true;
    private volatile java.util.function.Function<CronJobRef, List<Integer>> percentiles =
            ref -> StatsQuery.DEFAULT_PERCENTILES;

    /** Meters over this store and watcher, reading time from {@code clock}. */
    public GuardianMetrics(HistoryStore store, CronJobWatcher watcher, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Makes {@code cronjob_guardian_leader_status} report {@code isLeader} instead of the engine's own view (which
     * changes on the engine thread only, so it lags when that thread is busy or stalled). Call before
     * {@link #bindTo}.
     *
     * @return this
     */
    public GuardianMetrics leaderStatusFrom(java.util.function.BooleanSupplier isLeader) {
        this.leaderStatus = Objects.requireNonNull(isLeader, "isLeader");
        return this;
    }

    /**
     * Makes {@code cronjob_guardian_duration_percentile_seconds} report these percentiles of a CronJob (its
     * monitor's {@code sla.durationPercentiles}) instead of P50, P95 and P99. Call before the engine starts.
     *
     * @param perCronJob the percentiles (in percent, 1 to 99) of each CronJob
     * @return this
     */
    public GuardianMetrics percentilesFrom(java.util.function.Function<CronJobRef, List<Integer>> perCronJob) {
        this.percentiles = Objects.requireNonNull(perCronJob, "perCronJob");
        return this;
    }

    /**
     * Keeps the per-CronJob meters (and the store reads behind them) idle while {@code attached} is false: for a
     * registry that is not read yet (Guardian's own, before a server attaches one). Call before {@link #bindTo}.
     *
     * @return this
     */
    public GuardianMetrics onlyWhile(java.util.function.BooleanSupplier attached) {
        this.attached = Objects.requireNonNull(attached, "attached");
        return this;
    }

    /** The registry while meters are wanted, else {@code null}. */
    private MeterRegistry live() {
        MeterRegistry r = registry;
        return r != null && attached.getAsBoolean() ? r : null;
    }

    /** Publishes every CronJob's gauges now (a registry was just attached). Engine thread. */
    public void refresh() {
        if (leading.get() == 1) {
            leadership(true, -1);
        }
    }

    @Override
    public void bindTo(MeterRegistry r) {
        this.registry = r;
        global.add(Gauge.builder("cronjob.guardian.leader.status", this, m -> m.leaderStatus != null
                        ? (m.leaderStatus.getAsBoolean() ? 1 : 0) : m.leading.get())
                .description("1 while this replica leads, else 0").register(r));
        global.add(Gauge.builder("cronjob.guardian.db.connections.open", store,
                        s -> s.openConnections().isPresent() ? s.openConnections().getAsInt() : Double.NaN)
                .description("open connections in the history store's pool").register(r));
        evaluation = Timer.builder("cronjob.guardian.evaluation").description("time to evaluate one CronJob")
                .register(r);
        global.add(evaluation);
        for (String outcome : new String[] {"without_details", "skipped", "lost"}) {
            Counter c = Counter.builder("cronjob.guardian.record.failures")
                    .description("runs whose row the store rejected, by what became of them")
                    .tag("outcome", outcome).register(r);
            recordFailures.put(outcome, c);
            global.add(c);
        }
        for (String reason : new String[] {"age", "capacity"}) {
            Counter c = Counter.builder("cronjob.guardian.seen.runs.evicted")
                    .description("terminal Job snapshots dropped from the memory kept for a future leader")
                    .tag("reason", reason).register(r);
            seenEvicted.put(reason, c);
            global.add(c);
        }
    }

    // ---------------------------------------------------------------- EngineObserver (engine thread)

    @Override
    public void leadership(boolean isLeading, long epoch) {
        leading.set(isLeading ? 1 : 0);
        if (!isLeading) {
            for (CronJobRef ref : new ArrayList<>(perCronJob.keySet())) {
                removeGauges(ref);
            }
            return;
        }
        if (live() == null) {
            return;
        }
        try {
            Collection<CronJobSnapshot> all = watcher.cronJobs();
            List<CronJobRef> refs = new ArrayList<>();
            all.forEach(s -> refs.add(s.ref()));
            Map<List<Integer>, List<CronJobRef>> byPercentiles = new java.util.HashMap<>();
            for (CronJobRef ref : refs) {
                byPercentiles.computeIfAbsent(percentiles.apply(ref), k -> new ArrayList<>()).add(ref);
            }
            StatsQuery window = StatsQuery.lastWindow(clock.instant(), WINDOW);
            byPercentiles.forEach((ps, some) -> store.stats(some, window.percentiles(ps))
                    .forEach(this::publishStats));
        } catch (RuntimeException e) {
            LOG.debug("could not refresh gauges on gaining leadership: {}", e.toString());
        }
    }

    @Override
    public void recorded(JobSnapshot job) {
        MeterRegistry r = live();
        if (r == null || job.owner() == null || !job.state().isTerminal()) {
            return;
        }
        CronJobRef ref = job.owner();
        Counter c = Counter.builder("cronjob.guardian.executions").description("finished runs recorded")
                .tags(tags(ref).and("outcome", job.state() == JobState.SUCCEEDED ? "success" : "failed"))
                .register(r);
        track(ref, c);
        c.increment();
        Timer durations = Timer.builder("cronjob.guardian.duration")
                .description("durations of finished runs, observed once per run when it is recorded")
                .serviceLevelObjectives(DURATION_BUCKETS.toArray(new Duration[0]))
                .tags(tags(ref)).register(r);
        track(ref, durations);
        Duration took = job.duration();
        if (took != null && !took.isNegative()) {
            durations.record(took);
        }
        try {
            publishStats(ref, store.stats(ref, StatsQuery.lastWindow(clock.instant(), WINDOW)
                    .percentiles(percentiles.apply(ref))));
        } catch (RuntimeException e) {
            LOG.debug("could not refresh gauges of {}: {}", ref, e.toString());
        }
    }

    @Override
    public void evaluated(CronJobRef ref, Duration took, Map<Severity, Integer> openBySeverity) {
        Timer t = evaluation;
        if (t != null) {
            t.record(took);
        }
        openBySeverity.forEach((sev, n) -> gauge(ref, "cronjob.guardian.active.alerts",
                "open incidents of the CronJob", "severity", sev.wireName(), null, n));
    }

    @Override
    public void recordFailure(CronJobRef ref, String outcome) {
        Counter c = recordFailures.get(outcome);
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void seenRunsEvicted(String reason, int count) {
        Counter c = seenEvicted.get(reason);
        if (c != null) {
            c.increment(count);
        }
    }

    @Override
    public void forgotten(CronJobRef ref) {
        MeterRegistry r = live();
        List<Meter> meters = perCronJob.remove(ref);
        if (r != null && meters != null) {
            meters.forEach(r::remove);
        }
        values.keySet().removeIf(k -> k.startsWith(ref + "|"));
    }

    // ---------------------------------------------------------------- helpers

    private void publishStats(CronJobRef ref, ExecutionStats s) {
        double rate = s.successRate().isPresent() ? s.successRate().getAsDouble() : Double.NaN;
        gauge(ref, "cronjob.guardian.success.rate", "success rate in percent over the last 7 days (NaN without runs)",
                null, null, null, rate);
        List<Integer> wanted = s.isEmpty() ? percentiles.apply(ref) : List.copyOf(s.percentiles().keySet());
        for (int p : wanted) {
            Duration d = s.percentile(p);
            gauge(ref, "cronjob.guardian.duration.percentile", "run duration percentile over the last 7 days",
                    "percentile", "p" + p, "seconds", d == null ? Double.NaN : d.toNanos() / 1e9);
        }
    }

    private void gauge(CronJobRef ref, String name, String description, String tagKey, String tagValue,
            String baseUnit, double value) {
        MeterRegistry r = live();
        if (r == null) {
            return;
        }
        String key = ref + "|" + name + "|" + tagValue;
        AtomicLong holder = values.computeIfAbsent(key, k -> {
            AtomicLong h = new AtomicLong(Double.doubleToLongBits(Double.NaN));
            Tags tags = tags(ref);
            if (tagKey != null) {
                tags = tags.and(tagKey, tagValue);
            }
            Gauge g = Gauge.builder(name, h, a -> Double.longBitsToDouble(a.get())).description(description)
                    .baseUnit(baseUnit).tags(tags).strongReference(true).register(r);
            track(ref, g);
            return h;
        });
        holder.set(Double.doubleToLongBits(value));
    }

    private void track(CronJobRef ref, Meter m) {
        List<Meter> list = perCronJob.computeIfAbsent(ref, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
        if (!list.contains(m)) {
            list.add(m);
        }
    }

    private void removeGauges(CronJobRef ref) {
        MeterRegistry r = live();
        List<Meter> meters = perCronJob.get(ref);
        if (r == null || meters == null) {
            return;
        }
        for (Meter m : new ArrayList<>(meters)) {
            if (m instanceof Gauge) {
                r.remove(m);
                meters.remove(m);
            }
        }
        values.keySet().removeIf(k -> k.startsWith(ref + "|"));
    }

    private static Tags tags(CronJobRef ref) {
        return Tags.of("namespace", ref.namespace(), "cronjob", ref.name());
    }

    /** Removes every meter this binder registered. */
    @Override
    public void close() {
        MeterRegistry r = live();
        if (r == null) {
            return;
        }
        perCronJob.values().forEach(ms -> ms.forEach(r::remove));
        perCronJob.clear();
        values.clear();
        global.forEach(r::remove);
        global.clear();
        recordFailures.clear();
        seenEvicted.clear();
    }

    @Override
    public String toString() {
        return "GuardianMetrics[" + String.format(Locale.ROOT, "leading=%d, cronJobs=%d", leading.get(),
                perCronJob.size()) + "]";
    }
}
