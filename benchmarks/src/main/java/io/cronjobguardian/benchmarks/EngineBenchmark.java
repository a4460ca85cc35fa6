package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.engine.CronJobStatus;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.GuardianHealth;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The engine at scale: 10,000 CronJobs with a year of history, on SQLite (a temporary file) and PostgreSQL
 * ({@code GUARDIAN_TEST_PG_URL}, skipped and said so when not set). Prints figures and ratios against baselines
 * measured in the same run; asserts nothing.
 *
 * <p>Per database, on a fresh database loaded through {@code upsertExecutions} (see {@link EngineDataSet} for the
 * data), two engines are started one after the other on a {@link ScriptableCronJobWatcher} holding every CronJob and
 * the Jobs running now: the <b>first start</b> (no CronJob state stored yet) and a <b>restart</b> (states stored, as
 * after any deployment). For each: time from {@code start()} to {@code health().ready()}, to the leader having caught
 * up (the health reason {@code leader is catching up} gone), to every CronJob evaluated once (observer), and to the
 * engine thread being idle (the pass, the orphaned-incident sweep and the first retention pass done); store calls
 * per CronJob; heap used after the full evaluation. On the restarted engine then:
 * <ul>
 *   <li>Job finish → status: Jobs running at start are finished one by one in the watcher; measured until
 *       {@code guardian.status(ref)} (polled) shows the new last run, and until the engine recorded and evaluated
 *       it (observer), p50/p99;</li>
 *   <li>baselines, the naive per-CronJob loop vs the bulk path: {@code stats(ref, window)} 10,000 times vs one
 *       {@code stats(refs, window)}; the same loop plus the open incidents of each CronJob vs bulk stats plus one
 *       paged open-incident query ({@code StatusService}'s way); {@code guardian.status(ref)} 10,000 times vs one
 *       {@code guardian.statuses()}.</li>
 * </ul>
 * Arguments ({@code key=value}): {@code only=sqlite,postgres}, {@code cronjobs=10000}, {@code days=90} (history of
 * daily CronJobs), {@code hourlyDays=14}, {@code quarterDays=7}, {@code hourlyPercent=10},
 * {@code quarterPercent=2}, {@code running=300}, {@code finishes=200}, {@code batch=1000}, {@code seed=42}.
 */
public final class EngineBenchmark {

    private static final String CATCHING_UP = "leader is catching up";
    private static final Duration WINDOW = Duration.ofDays(7);
    private static final Duration PHASE_LIMIT = Duration.ofMinutes(15);

    private final BenchArgs args;
    private final EngineDataSet data;
    private final List<MonitorSpec> monitors = EngineDataSet.monitors();
    /** Row label → database → value, in the order rows were first written. */
    private final Map<String, Map<String, String>> table = new LinkedHashMap<>();
    private final List<String> databases = new ArrayList<>();

    private EngineBenchmark(BenchArgs args) {
        this.args = args;
        this.data = new EngineDataSet(arg("seed", 42), arg("cronjobs", 10_000), arg("hourlyPercent", 10),
                arg("quarterPercent", 2), arg("days", 90), arg("hourlyDays", 14), arg("quarterDays", 7),
                arg("running", 300));
    }

    public static void main(String[] argv) throws Exception {
        new EngineBenchmark(BenchArgs.parse(argv)).run();
    }

    private int arg(String key, int defaultValue) {
        return args.integer(key, defaultValue);
    }

    private boolean wanted(String db) {
        return args.lists("only", db);
    }

    private void run() throws Exception {
        long t0 = System.nanoTime();
        int[] k = data.byKind;
        System.out.printf("CronJob Guardian engine benchmark  (JVM %s, %d cores, load average %.1f, max heap %d MB, "
                + "%s)%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().maxMemory() >> 20, args);
        System.out.printf("data: %,d CronJobs in %d namespaces (%,d daily x %d days, %,d hourly x %d days, %,d every "
                + "15 min x %d days) = %,d executions; %d Jobs running at start; %d monitors (one per namespace); "
                + "seed %d%n%n", data.specs.size(), EngineDataSet.NAMESPACES, k[0], arg("days", 90), k[1],
                arg("hourlyDays", 14), k[2], arg("quarterDays", 7), data.executions, data.runningSpecs().size(),
                monitors.size(), data.seed);
        List<Object[]> targets = new ArrayList<>();
        if (wanted("sqlite")) {
            targets.add(new Object[] {"SQLite", (Supplier<DbTarget>) DbTarget::sqlite});
        }
        if (wanted("postgres")) {
            String url = System.getenv("GUARDIAN_TEST_PG_URL");
            if (url != null && !url.isBlank()) {
                targets.add(new Object[] {"PostgreSQL", (Supplier<DbTarget>) DbTarget::postgres});
            } else {
                System.out.println("PostgreSQL skipped: GUARDIAN_TEST_PG_URL is not set");
            }
        }
        for (Object[] t : targets) {
            String name = (String) t[0];
            @SuppressWarnings("unchecked")
            DbTarget target = ((Supplier<DbTarget>) t[1]).get();
            databases.add(name);
            try {
                benchmark(name, target);
            } finally {
                target.dropAll();
            }
        }
        System.out.println();
        System.out.println("================ summary ================");
        printTable();
        System.out.printf("%ntotal time %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    // ================================================================= one database

    private void benchmark(String db, DbTarget target) throws Exception {
        System.out.printf("---------------- %s ----------------%n", db);
        Settings settings = target.freshDatabase();
        int batch = arg("batch", 1000);
        long load0 = System.nanoTime();
        try (HistoryStore s = target.store(settings)) {
            s.start();
            data.history(batch, b -> s.upsertExecutions(b, 1));
            long stored = s.executionCount();
            if (stored != data.executions) {
                throw new IllegalStateException("stored " + stored + " of " + data.executions + " executions");
            }
        }
        double loadS = (System.nanoTime() - load0) / 1e9;
        long analyze0 = System.nanoTime();
        analyze(target, settings);
        System.out.printf("%-10s loaded %,d executions with upsertExecutions (batches of %d) in %.1f s (%,.0f rows/s);"
                + " ANALYZE %.1f s%n", db, data.executions, batch, loadS, data.executions / loadS,
                (System.nanoTime() - analyze0) / 1e9);
        put("history loaded (upsertExecutions, batches of " + batch + ")", db,
                String.format("%,d rows in %.0f s (%,.0f rows/s)", data.executions, loadS, data.executions / loadS));

        // the engine's clock starts at EngineDataSet.NOW and runs in real time from here
        Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), EngineDataSet.NOW));
        Started first = start(db, "first start", target, settings, clock);
        first.guardian.close();
        Started restart = start(db, "restart", target, settings, clock);
        try {
            finishLatency(db, restart, clock);
            baselines(db, restart, clock);
        } finally {
            restart.guardian.close();
        }
        System.out.println();
    }

    /** A started engine and what was measured while it started. */
    private static final class Started {
        Guardian guardian;
        ScriptableCronJobWatcher watcher;
        HistoryStore raw;
        EngineCountingStore counting;
        EngineProbe probe;
        SystemTaskScheduler scheduler;
    }

    private Started start(String db, String label, DbTarget target, Settings settings, Clock clock)
            throws Exception {
        int n = data.specs.size();
        Started s = new Started();
        s.watcher = data.watcher();
        s.raw = target.store(settings);
        s.counting = new EngineCountingStore(s.raw);
        s.probe = new EngineProbe(n);
        s.scheduler = new SystemTaskScheduler(clock, "bench-engine");
        GuardianConfig config = GuardianConfig.builder().noEnvironment()
                .set("scheduler.startupGracePeriod", Duration.ZERO)      // evaluate as soon as caught up
                .set("scheduler.safetySweepInterval", Duration.ofDays(1)) // no second pass while measuring
                .set("historyRetention.maxDays", 400)                   // keep the year of history
                .set("historyRetention.defaultDays", 400)
                .build();
        s.guardian = Guardian.builder().config(config).loadMonitorFiles(false).monitors(monitors)
                .store(s.counting.store()).watcher(s.watcher).scheduler(s.scheduler)
                .observer(s.probe).incidentListener(s.probe).build();
        AtomicReference<Map<String, Long>> atFirstEval = new AtomicReference<>();
        AtomicReference<Map<String, Long>> atAllEval = new AtomicReference<>();
        AtomicReference<Map<String, Long>> cpuAtFirstEval = new AtomicReference<>();
        AtomicReference<Map<String, Long>> cpuAtAllEval = new AtomicReference<>();
        long[] engineCpu = new long[2];
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        // both run on the engine thread, at the first and at the last evaluation of the pass
        s.probe.onFirstEvaluation(() -> {
            atFirstEval.set(s.counting.snapshot());
            cpuAtFirstEval.set(s.counting.cpuSnapshot());
            engineCpu[0] = threads.getCurrentThreadCpuTime();
        });
        s.probe.onAllEvaluated(() -> {
            atAllEval.set(s.counting.snapshot());
            cpuAtAllEval.set(s.counting.cpuSnapshot());
            engineCpu[1] = threads.getCurrentThreadCpuTime();
        });
        long heapBefore = heapUsed();

        long t0 = System.nanoTime();
        s.guardian.start();
        long started = System.nanoTime();
        long ready = 0;
        long caughtUp = 0;
        long deadline = t0 + PHASE_LIMIT.toNanos();
        while (s.probe.allEvaluatedAt() == 0 && System.nanoTime() < deadline) {
            GuardianHealth h = s.guardian.health();
            long now = System.nanoTime();
            if (ready == 0 && h.ready()) {
                ready = now;
            }
            if (caughtUp == 0 && h.leader() && !h.reasons().contains(CATCHING_UP)) {
                caughtUp = now;
            }
            Thread.sleep(2);
        }
        long allEvaluated = s.probe.allEvaluatedAt();
        if (allEvaluated == 0) {
            System.out.printf("%-10s %s: not every CronJob was evaluated within %s; figures below are partial%n", db,
                    label, PHASE_LIMIT);
        }
        if (caughtUp == 0 && allEvaluated != 0) {
            caughtUp = allEvaluated; // caught up between two polls and evaluated everything before the next
        }
        long idle = awaitIdle(s.scheduler);
        int evaluations = s.probe.evaluations.get();
        double evalMsPerCronJob = s.probe.evaluationNanos.get() / 1e6 / Math.max(1, evaluations);
        long heapAfter = heapUsed();

        Map<String, Long> end = s.counting.snapshot();
        Map<String, Long> firstEval = atFirstEval.get() == null ? end : atFirstEval.get();
        Map<String, Long> catchUpCalls = withoutHealth(firstEval);
        Map<String, Long> evalCalls = withoutHealth(EngineCountingStore.diff(firstEval,
                atAllEval.get() == null ? end : atAllEval.get()));
        long catchUpTotal = EngineCountingStore.total(catchUpCalls);
        long evalTotal = EngineCountingStore.total(evalCalls);

        System.out.printf("%-10s %s: start() returned %s, ready %s, caught up %s, every CronJob evaluated %s, "
                + "engine idle %s%n", db, label, ms(started - t0), ms(ready - t0), ms(caughtUp - t0),
                ms(allEvaluated - t0), ms(idle - t0));
        System.out.printf("%-10s %s: catch-up store calls %,d (%s)%n", db, label, catchUpTotal, catchUpCalls);
        System.out.printf("%-10s %s: evaluation pass %,d evaluations, %.2f ms each, store calls %,d = %.1f per "
                + "CronJob (%s); incidents opened %d, resolved %d%n", db, label, evaluations, evalMsPerCronJob,
                evalTotal, evalTotal / (double) n, evalCalls, s.probe.opened.get(), s.probe.resolved.get());
        if (cpuAtFirstEval.get() != null && cpuAtAllEval.get() != null) {
            Map<String, Long> storeCpu = EngineCountingStore.diff(cpuAtFirstEval.get(), cpuAtAllEval.get());
            long storeTotal = EngineCountingStore.total(storeCpu);
            Map<String, String> byMethod = new java.util.TreeMap<>();
            storeCpu.forEach((k, v) -> byMethod.put(k, String.format(Locale.ROOT, "%.0f ms", v / 1e6)));
            System.out.printf("%-10s %s: evaluation pass CPU of the engine thread %.0f ms, of it in store calls %.0f ms "
                    + "(%s)%n", db, label, (engineCpu[1] - engineCpu[0]) / 1e6, storeTotal / 1e6, byMethod);
            put(label + ": evaluation pass, engine thread CPU (in store calls)", db, String.format(Locale.ROOT,
                    "%.0f ms (%.0f ms)", (engineCpu[1] - engineCpu[0]) / 1e6, storeTotal / 1e6));
        }
        System.out.printf("%-10s %s: heap used %.0f MB before start (watcher cache, data set), %.0f MB after the "
                + "full evaluation (+%.0f MB)%n", db, label, heapBefore / 1048576.0, heapAfter / 1048576.0,
                (heapAfter - heapBefore) / 1048576.0);

        put(label + ": start() → ready", db, ms(ready - t0));
        put(label + ": start() → leader caught up", db, ms(caughtUp - t0));
        put(label + ": start() → every CronJob evaluated", db, ms(allEvaluated - t0));
        put(label + ": start() → engine idle (incl. first retention pass)", db, ms(idle - t0));
        put(label + ": store calls, catch-up / evaluation per CronJob", db,
                String.format("%,d / %.1f", catchUpTotal, evalTotal / (double) n));
        put(label + ": evaluation time per CronJob (mean)", db, String.format("%.2f ms", evalMsPerCronJob));
        put(label + ": incidents opened", db, Integer.toString(s.probe.opened.get()));
        put(label + ": heap used after full evaluation (before start)", db, String.format("%.0f MB (%.0f MB)",
                heapAfter / 1048576.0, heapBefore / 1048576.0));
        return s;
    }

    /** Waits until the engine thread has run everything queued so far; returns {@link System#nanoTime()} then. */
    private static long awaitIdle(SystemTaskScheduler scheduler) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        scheduler.execute(done::countDown);
        if (!done.await(PHASE_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
            System.out.println("engine thread still busy after " + PHASE_LIMIT);
        }
        return System.nanoTime();
    }

    private static Map<String, Long> withoutHealth(Map<String, Long> calls) {
        Map<String, Long> out = new java.util.TreeMap<>(calls);
        out.remove("health");
        return out;
    }

    // ================================================================= Job finish -> status

    private void finishLatency(String db, Started s, Clock clock) throws Exception {
        List<EngineDataSet.Spec> running = new ArrayList<>(data.runningSpecs());
        Collections.shuffle(running, new Random(data.seed + 1));
        int n = Math.min(arg("finishes", 200), running.size());
        Random r = new Random(data.seed + 2);
        long[] toStatus = new long[n];
        long[] toRecorded = new long[n];
        long[] toEvaluated = new long[n];
        int polls = 0;
        int failed = 0;
        for (int i = 0; i < n; i++) {
            EngineDataSet.Spec spec = running.get(i);
            JobSnapshot job = data.runningJob(spec);
            boolean ok = r.nextInt(10) != 0;
            failed += ok ? 0 : 1;
            Instant finishedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
            long t0 = System.nanoTime();
            s.watcher.finishJob(job.uid(), ok, ok ? 1 : 3, finishedAt);
            long deadline = t0 + Duration.ofMinutes(1).toNanos();
            CronJobStatus st;
            do {
                st = s.guardian.status(spec.ref).orElseThrow();
                polls++;
            } while ((st.lastRunAt() == null || st.lastRunAt().isBefore(finishedAt)) && System.nanoTime() < deadline);
            long seen = System.nanoTime();
            if (st.lastRunState() != (ok ? JobState.SUCCEEDED : JobState.FAILED)) {
                System.out.printf("%-10s %s: status shows %s at %s, expected %s at %s%n", db, spec.ref,
                        st.lastRunState(), st.lastRunAt(), ok ? "SUCCEEDED" : "FAILED", finishedAt);
            }
            Long evaluated;
            while (((evaluated = s.probe.lastEvaluatedAt(spec.ref)) == null || evaluated < t0)
                    && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            Long recorded = s.probe.recordedAt(job.uid());
            toStatus[i] = seen - t0;
            toRecorded[i] = recorded == null ? -1 : recorded - t0;
            toEvaluated[i] = evaluated == null ? -1 : evaluated - t0;
        }
        String line = String.format("%-10s Job finish -> status(ref) shows it: p50 %s, p99 %s, max %s (%d Jobs, %d "
                + "failed; %.1f status polls each); -> recorded p50 %s p99 %s; -> evaluated p50 %s p99 %s", db,
                ms(pct(toStatus, 50)), ms(pct(toStatus, 99)), ms(pct(toStatus, 100)), n, failed, polls / (double) n,
                ms(pct(toRecorded, 50)), ms(pct(toRecorded, 99)), ms(pct(toEvaluated, 50)),
                ms(pct(toEvaluated, 99)));
        System.out.println(line);
        put("Job finish → status(ref) shows it, p50 / p99 (n=" + n + ")", db,
                ms(pct(toStatus, 50)) + " / " + ms(pct(toStatus, 99)));
        put("Job finish → recorded / evaluated, p99", db, ms(pct(toRecorded, 99)) + " / " + ms(pct(toEvaluated, 99)));
        awaitIdle(s.scheduler);
    }

    // ================================================================= baselines

    private void baselines(String db, Started s, Clock clock) {
        HistoryStore store = s.raw;
        List<CronJobRef> refs = new ArrayList<>();
        data.specs.forEach(x -> refs.add(x.ref));
        Collections.sort(refs);
        StatsQuery window = StatsQuery.lastWindow(clock.instant(), WINDOW);
        // warm-up of every path (JIT, statement caches)
        List<CronJobRef> warm = refs.subList(0, Math.min(500, refs.size()));
        for (CronJobRef ref : warm) {
            store.stats(ref, window);
            store.incidents(IncidentQuery.open().cronJob(ref));
            s.guardian.status(ref);
        }
        store.stats(warm, window);
        s.guardian.statuses();

        // 1. statistics: one call per CronJob vs one bulk call
        long[] bulk = new long[3];
        Map<CronJobRef, ExecutionStats> bulkStats = null;
        for (int i = 0; i < bulk.length; i++) {
            long t0 = System.nanoTime();
            bulkStats = store.stats(refs, window);
            bulk[i] = System.nanoTime() - t0;
        }
        long t0 = System.nanoTime();
        int differ = 0;
        for (CronJobRef ref : refs) {
            if (!store.stats(ref, window).equals(bulkStats.get(ref))) {
                differ++;
            }
        }
        long loop = System.nanoTime() - t0;
        report(db, "stats of " + refs.size() + " CronJobs (7 days)", "stats(ref, window) per CronJob",
                "one stats(refs, window)", loop, median(bulk), differ == 0 ? "same figures" : differ + " differ");

        // 1b. the duration-regression windows count successful runs only: bulk, both outcomes vs successful only
        StatsQuery ok = window.successfulOnly(true);
        store.stats(warm, ok);
        long[] bulkOk = new long[3];
        for (int i = 0; i < bulkOk.length; i++) {
            long t1 = System.nanoTime();
            store.stats(refs, ok);
            bulkOk[i] = System.nanoTime() - t1;
        }
        System.out.printf("%-10s stats of %d CronJobs (7 days), one stats(refs, window): both outcomes %s, "
                + "successful runs only %s (%.2fx)%n", db, refs.size(), ms((long) median(bulk)),
                ms((long) median(bulkOk)), median(bulkOk) / median(bulk));
        put("bulk stats of " + refs.size() + " CronJobs (7 days): both outcomes vs successful runs only", db,
                String.format("%s vs %s", ms((long) median(bulk)), ms((long) median(bulkOk))));

        // 2. the data of every status: per CronJob stats + open incidents vs bulk stats + paged open incidents
        long[] bulk2 = new long[3];
        for (int i = 0; i < bulk2.length; i++) {
            long b0 = System.nanoTime();
            store.stats(refs, window);
            int open = 0;
            int offset = 0;
            while (true) {
                Page<Incident> page = store.incidents(IncidentQuery.open().page(offset, ExecutionQuery.MAX_LIMIT));
                open += page.items().size();
                if (!page.hasMore() || page.items().isEmpty()) {
                    break;
                }
                offset += page.items().size();
            }
            bulk2[i] = System.nanoTime() - b0;
        }
        t0 = System.nanoTime();
        for (CronJobRef ref : refs) {
            store.stats(ref, window);
            store.incidents(IncidentQuery.open().cronJob(ref));
        }
        long loop2 = System.nanoTime() - t0;
        report(db, "status data of " + refs.size() + " CronJobs", "stats + open incidents per CronJob",
                "bulk stats + paged open incidents", loop2, median(bulk2), "");

        // 3. the query API: status(ref) per CronJob vs statuses()
        long[] bulk3 = new long[3];
        int statuses = 0;
        for (int i = 0; i < bulk3.length; i++) {
            long b0 = System.nanoTime();
            statuses = s.guardian.statuses().size();
            bulk3[i] = System.nanoTime() - b0;
        }
        t0 = System.nanoTime();
        for (CronJobRef ref : refs) {
            s.guardian.status(ref);
        }
        long loop3 = System.nanoTime() - t0;
        report(db, "guardian statuses of " + statuses + " CronJobs", "status(ref) per CronJob", "statuses()",
                loop3, median(bulk3), "");
    }

    private void report(String db, String what, String naive, String bulk, long naiveNs, double bulkNs,
            String note) {
        System.out.printf("%-10s %s: %s %s, %s %s -> bulk %.1fx faster%s%n", db, what, naive, ms(naiveNs), bulk,
                ms((long) bulkNs), naiveNs / bulkNs, note.isEmpty() ? "" : " (" + note + ")");
        put(what + ": " + naive + " vs " + bulk, db,
                String.format("%s vs %s → %.1fx", ms(naiveNs), ms((long) bulkNs), naiveNs / bulkNs));
    }

    // ================================================================= helpers

    private void put(String row, String db, String value) {
        table.computeIfAbsent(row, k -> new LinkedHashMap<>()).put(db, value);
    }

    private void printTable() {
        StringBuilder head = new StringBuilder("| |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String db : databases) {
            head.append(' ').append(db).append(" |");
            rule.append("---|");
        }
        System.out.println(head);
        System.out.println(rule);
        table.forEach((row, values) -> {
            StringBuilder sb = new StringBuilder("| ").append(row).append(" |");
            for (String db : databases) {
                sb.append(' ').append(values.getOrDefault(db, "–")).append(" |");
            }
            System.out.println(sb);
        });
    }

    private static void analyze(DbTarget target, Settings settings) throws SQLException {
        try (Connection c = target.connect(settings); Statement st = c.createStatement()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            if (product.contains("postgres")) {
                st.execute("VACUUM ANALYZE");
            } else {
                st.execute("ANALYZE");
            }
        }
    }

    /** Heap in use after full collections. */
    private static long heapUsed() throws InterruptedException {
        MemoryMXBean mx = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return mx.getHeapMemoryUsage().getUsed();
    }

    private static long pct(long[] values, int p) {
        long[] v = Arrays.stream(values).filter(x -> x >= 0).sorted().toArray();
        if (v.length == 0) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }

    private static double median(long[] values) {
        long[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2.0;
    }

    private static String ms(long nanos) {
        if (nanos < 0) {
            return "n/a";
        }
        double ms = nanos / 1e6;
        if (ms >= 10_000) {
            return String.format("%.1f s", ms / 1000);
        }
        if (ms >= 100) {
            return String.format("%.0f ms", ms);
        }
        return String.format("%.1f ms", ms);
    }
}
