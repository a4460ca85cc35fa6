package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.core.IncidentListener;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.watcher.k8s.KubernetesCronJobWatcher;
import io.cronjobguardian.watcher.k8s.KubernetesWatcherConfig;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.lang.management.ManagementFactory;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Watcher and engine together at scale: {@link Guardian} on the real {@link KubernetesCronJobWatcher} (slim item
 * store, paged lists) against fabric8's in-process mock API server holding {@link WatcherBenchmark}'s realistic
 * objects (CronJobs of about 13 KB of JSON, three Jobs of about 10 KB each per CronJob, the newest Job of every 4th
 * CronJob failed), on SQLite (a temporary file) and PostgreSQL ({@code GUARDIAN_TEST_PG_URL}). Prints figures;
 * asserts nothing.
 *
 * <p>For each size and database, on a fresh database: a <b>first start</b> (empty store: the engine records the
 * listed Jobs and writes every CronJob's state) and a <b>restart</b> (a new client, watcher and engine on the same
 * database, as after a deployment or a failover). For each: heap used after full GCs before {@code start()} and
 * after every CronJob was evaluated and the engine thread went idle (the difference is what watcher, engine and store
 * client hold; the mock server's pre-serialized data is in the heap throughout and cancels out), time from
 * {@code start()} to the watcher's {@code hasSynced()}, to {@code health().ready()}, to every CronJob evaluated once,
 * and to the engine idle.
 *
 * <p>The mock API server answers CronJob and Job lists from pre-serialized objects, in pages honouring
 * {@code limit}/{@code continue} as a real API server does (the CRUD mock ignores {@code limit}, and a single list
 * of 200,000 whole objects does not fit a benchmark heap), watches as a real API server after a list (open,
 * silent), and pod lists with an empty list.
 *
 * <p>Arguments ({@code key=value}): {@code cronjobs=10000} (sizes, comma-separated), {@code only=sqlite,postgres},
 * {@code namespaces=50}, {@code runs=first,restart}, {@code limitMinutes=15} (per phase), {@code histogram=true}
 * (prints the classes whose live heap grew most, from two class histograms).
 */
public final class ClusterBenchmark {

    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final BenchArgs args;
    private final Duration phaseLimit;
    private final List<String> rows = new ArrayList<>();

    private ClusterBenchmark(BenchArgs args) {
        this.args = args;
        this.phaseLimit = Duration.ofMinutes(args.integer("limitMinutes", 15));
    }

    /**
     * Runs the benchmark.
     *
     * @param argv {@code cronjobs=10000,50000}, {@code only=sqlite,postgres}, {@code namespaces=50}
     * @throws Exception on any failure
     */
    public static void main(String[] argv) throws Exception {
        new ClusterBenchmark(BenchArgs.parse(argv)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        long t0 = System.nanoTime();
        System.out.printf("CronJob Guardian cluster benchmark: engine on the real watcher  (JVM %s, %d cores, load "
                + "average %.1f, max heap %d MB, args %s)%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().maxMemory() >> 20, args);
        for (String size : args.string("cronjobs", "10000").split(",")) {
            measure(Integer.parseInt(size.trim().replace("_", "")));
        }
        System.out.println();
        System.out.println("| CronJobs (+ Jobs) | database | run | heap added (watcher + engine) | per CronJob | "
                + "start() → hasSynced() | → ready | → every CronJob evaluated | → engine idle | load average |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        System.out.printf("%ntotal time %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    // ------------------------------------------------------------------------------------------------ one size

    private void measure(int cronJobs) throws Exception {
        int namespaces = Math.max(1, args.integer("namespaces", 50));
        PagedDispatcher dispatcher = new PagedDispatcher();
        long g0 = System.nanoTime();
        int failed = dispatcher.populate(cronJobs, namespaces);
        System.out.printf("%,d CronJobs and %,d Jobs (%,d failed) in %d namespaces generated in %,d ms (%,.0f MiB of "
                + "JSON held by the mock server)%n", cronJobs, 3 * cronJobs, failed, namespaces,
                (System.nanoTime() - g0) / 1_000_000, dispatcher.bytes() / 1048576.0);
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        try {
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withTrustCerts(true)
                    .withHttp2Disable(true).withRequestTimeout(60_000).build();
            List<Object[]> targets = new ArrayList<>();
            if (args.lists("only", "sqlite")) {
                targets.add(new Object[] {"SQLite", (Supplier<DbTarget>) DbTarget::sqlite});
            }
            if (args.lists("only", "postgres")) {
                String url = System.getenv("GUARDIAN_TEST_PG_URL");
                if (url != null && !url.isBlank()) {
                    targets.add(new Object[] {"PostgreSQL", (Supplier<DbTarget>) DbTarget::postgres});
                } else {
                    System.out.println("PostgreSQL skipped: GUARDIAN_TEST_PG_URL is not set");
                }
            }
            for (Object[] t : targets) {
                String db = (String) t[0];
                @SuppressWarnings("unchecked")
                DbTarget target = ((Supplier<DbTarget>) t[1]).get();
                try {
                    Settings settings = target.freshDatabase();
                    // the engine's clock runs in real time from the instant the objects were made for; one clock
                    // for every run on this database (a restart must not see time go back)
                    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(),
                            WatcherBenchmark.NOW));
                    for (String run : args.string("runs", "first,restart").split(",")) {
                        once(cronJobs, namespaces, db, run.trim().equals("first") ? "first start" : "restart",
                                target, settings, config, dispatcher, clock);
                    }
                } finally {
                    target.dropAll();
                }
            }
        } finally {
            server.destroy();
        }
    }

    private void once(int cronJobs, int namespaces, String db, String label, DbTarget target, Settings settings,
            Config config, PagedDispatcher dispatcher, Clock clock) throws Exception {
        Probe probe = new Probe(cronJobs);
        long heapBefore = heapUsed();
        Map<String, long[]> histogramBefore = "true".equals(args.string("histogram", ""))
                ? classHistogram() : null;
        long pods0 = dispatcher.podLists.get();
        long lists0 = dispatcher.listPages.get();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        KubernetesCronJobWatcher watcher = new KubernetesCronJobWatcher(KubernetesWatcherConfig.defaults(), client,
                clock);
        HistoryStore store = target.store(settings);
        SystemTaskScheduler scheduler = new SystemTaskScheduler(clock, "bench-engine");
        GuardianConfig gc = GuardianConfig.builder().noEnvironment()
                .set("scheduler.startupGracePeriod", Duration.ZERO)
                .set("scheduler.safetySweepInterval", Duration.ofDays(1))
                .build();
        Guardian guardian = Guardian.builder().config(gc).loadMonitorFiles(false).monitors(monitors(namespaces))
                .store(store).watcher(watcher).scheduler(scheduler).observer(probe).incidentListener(probe).build();
        long synced = 0;
        long ready = 0;
        long t0 = System.nanoTime();
        long idle;
        long heapAfter;
        long deadline = t0 + phaseLimit.toNanos();
        try {
            guardian.start();
            while (probe.allEvaluatedAt == 0 && System.nanoTime() < deadline) {
                long now = System.nanoTime();
                if (synced == 0 && watcher.hasSynced()) {
                    synced = now;
                }
                if (ready == 0 && guardian.health().ready()) {
                    ready = now;
                }
                Thread.sleep(5);
            }
            if (probe.allEvaluatedAt == 0) {
                System.out.printf("%-10s %,d CronJobs %s: only %,d CronJobs evaluated within %s; figures are "
                        + "partial%n", db, cronJobs, label, probe.evaluatedOnce.size(), phaseLimit);
            }
            if (synced == 0 && watcher.hasSynced()) {
                synced = probe.allEvaluatedAt;
            }
            if (ready == 0 && guardian.health().ready()) {
                ready = probe.allEvaluatedAt;
            }
            idle = awaitIdle(scheduler, phaseLimit);
            // the failure-context reads that follow sync (2 pod lists per failed Job) are part of what is held
            long podDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (dispatcher.podLists.get() - pods0 < 2L * dispatcher.failed && System.nanoTime() < podDeadline) {
                Thread.sleep(20);
            }
            awaitIdle(scheduler, phaseLimit);
            probe.evaluatedOnce.clear(); // the benchmark's own bookkeeping is not part of the figure
            heapAfter = heapUsed();
            if (histogramBefore != null) {
                printGrowth(histogramBefore, classHistogram(), db + " " + cronJobs + " " + label);
            }
        } finally {
            guardian.close();
            store.close();
            client.close();
        }
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        long added = heapAfter - heapBefore;
        System.out.printf("%-10s %,d CronJobs %s: heap %.1f MiB before start, %.1f MiB after the full evaluation: "
                + "+%.1f MiB (%.1f KB per CronJob with its Jobs); hasSynced() %s, ready %s, every CronJob evaluated "
                + "%s (%,d evaluations, %,d Jobs recorded, %,d incidents opened), engine idle %s; %,d list pages, "
                + "%,d pod lists; load average %.1f%n", db, cronJobs, label, heapBefore / 1048576.0,
                heapAfter / 1048576.0, added / 1048576.0, added / 1000.0 / cronJobs, ms(synced - t0),
                ms(ready - t0), ms(probe.allEvaluatedAt == 0 ? -1 : probe.allEvaluatedAt - t0),
                probe.evaluations.get(), probe.recorded.get(), probe.opened.get(), ms(idle - t0),
                dispatcher.listPages.get() - lists0, dispatcher.podLists.get() - pods0, load);
        rows.add(String.format("| %,d (+ %,d) | %s | %s | %,.1f MiB | %,.1f KB | %s | %s | %s | %s | %.1f |",
                cronJobs, 3 * cronJobs, db, label, added / 1048576.0, added / 1000.0 / cronJobs, ms(synced - t0),
                ms(ready - t0), ms(probe.allEvaluatedAt == 0 ? -1 : probe.allEvaluatedAt - t0), ms(idle - t0),
                load));
    }

    /** One monitor per namespace: dead-man's switch from the schedule plus 26 h, SLA defaults, 2 h maximum. */
    private static List<MonitorSpec> monitors(int namespaces) {
        List<MonitorSpec> out = new ArrayList<>();
        for (int ns = 0; ns < namespaces; ns++) {
            out.add(MonitorSpec.builder("team-" + ns, "jobs")
                    .deadManSwitch(new MonitorSpec.DeadManSwitch(true, Duration.ofHours(26),
                            MonitorSpec.AutoFromSchedule.on()))
                    .sla(MonitorSpec.Sla.defaults().withMaxDuration(Duration.ofHours(2)))
                    .build());
        }
        return out;
    }

    /** Counts evaluations; notes when every CronJob has been evaluated once. Called on the engine thread. */
    private static final class Probe implements EngineObserver, IncidentListener {
        final int expected;
        final Set<CronJobRef> evaluatedOnce = ConcurrentHashMap.newKeySet();
        final AtomicInteger evaluations = new AtomicInteger();
        final AtomicInteger recorded = new AtomicInteger();
        final AtomicInteger opened = new AtomicInteger();
        volatile long allEvaluatedAt;

        Probe(int expected) {
            this.expected = expected;
        }

        @Override
        public void evaluated(CronJobRef ref, Duration took, Map<Severity, Integer> openBySeverity) {
            evaluations.incrementAndGet();
            if (allEvaluatedAt == 0 && evaluatedOnce.add(ref) && evaluatedOnce.size() == expected) {
                allEvaluatedAt = System.nanoTime();
            }
        }

        @Override
        public void opened(Incident incident, MonitorSpec monitor, long epoch) {
            opened.incrementAndGet();
        }

        @Override
        public void resolved(Incident incident, MonitorSpec monitor, long epoch) {
        }

        @Override
        public void resolvedWithoutMonitor(Incident incident, long epoch) {
        }

        @Override
        public void recorded(io.cronjobguardian.api.JobSnapshot job) {
            recorded.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------------------------------------ the server

    /**
     * Answers CronJob and Job lists (every namespace) from pre-serialized objects in pages, watches as an API server
     * does after a list (open, silent), pod lists with an empty list; everything else goes to the CRUD mock.
     */
    static final class PagedDispatcher extends KubernetesCrudDispatcher {
        private static final String NAME = "qqnameqq";
        private static final String UID = "qquidqq";
        private static final String JOB_UID = "qqjobuidqq";
        private static final String RV = "qqrvqq";
        final AtomicLong podLists = new AtomicLong();
        final AtomicLong listPages = new AtomicLong();
        final List<String> cronJobs = new ArrayList<>();
        final List<String> jobs = new ArrayList<>();
        int failed;

        /**
         * Makes {@code n} CronJobs with 3 Jobs each. Building an object with {@link WatcherBenchmark}'s builders
         * costs milliseconds, so each of the 600 distinct shapes (schedule, image tag, shard and namespace repeat
         * every 600 CronJobs) is built once with marker strings as name, UID and resource version, serialized, and
         * the markers are replaced per CronJob: the same JSON {@link WatcherBenchmark} would make for it.
         */
        int populate(int n, int namespaces) {
            int shapes = Math.min(n, 600 % namespaces == 0 ? 600 : 600 * namespaces);
            String[] cjTemplates = new String[shapes];
            String[][] jobTemplates = new String[shapes][3];
            String created = WatcherBenchmark.NOW.minus(30, ChronoUnit.DAYS).toString();
            for (int t = 0; t < shapes; t++) {
                String ns = "team-" + (t % namespaces);
                CronJob cj = WatcherBenchmark.cronJob(ns, NAME, t);
                cj.getMetadata().setUid(UID);
                cj.getMetadata().setResourceVersion(RV);
                cj.getMetadata().setCreationTimestamp(created);
                cjTemplates[t] = Serialization.asJson(cj);
                for (int k = 0; k < 3; k++) {
                    Job job = WatcherBenchmark.job(cj, k, k == 2 && t % 4 == 0);
                    job.getMetadata().setUid(JOB_UID);
                    job.getMetadata().setResourceVersion(RV);
                    job.getMetadata().setCreationTimestamp(job.getMetadata().getAnnotations()
                            .get("batch.kubernetes.io/cronjob-scheduled-timestamp"));
                    jobTemplates[t][k] = Serialization.asJson(job);
                }
            }
            long rv = 1;
            for (int i = 0; i < n; i++) {
                int t = i % shapes;
                String ns = "team-" + (i % namespaces);
                String name = "job-" + i;
                String uid = UUID.nameUUIDFromBytes((ns + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
                cronJobs.add(cjTemplates[t].replace(NAME, name).replace(UID, uid).replace(RV, Long.toString(rv++)));
                failed += i % 4 == 0 ? 1 : 0;
                for (int k = 0; k < 3; k++) {
                    // WatcherBenchmark.job derives the controller UID from the CronJob's UID
                    String templateController = UUID.nameUUIDFromBytes((UID + k).getBytes()).toString();
                    String controller = UUID.nameUUIDFromBytes((uid + k).getBytes()).toString();
                    String jobUid = UUID.nameUUIDFromBytes((uid + "/" + k).getBytes(StandardCharsets.UTF_8))
                            .toString();
                    jobs.add(jobTemplates[t][k].replace(NAME, name).replace(templateController, controller)
                            .replace(JOB_UID, jobUid).replace(UID, uid).replace(RV, Long.toString(rv++)));
                }
            }
            check(n - 1, namespaces, created);
            return failed;
        }

        /** The JSON made from a template equals the JSON of the object built directly (checked for one CronJob). */
        private void check(int i, int namespaces, String created) {
            String ns = "team-" + (i % namespaces);
            String name = "job-" + i;
            CronJob cj = WatcherBenchmark.cronJob(ns, name, i);
            cj.getMetadata().setUid(UUID.nameUUIDFromBytes((ns + "/" + name).getBytes(StandardCharsets.UTF_8))
                    .toString());
            Job job = WatcherBenchmark.job(cj, 2, i % 4 == 0);
            String jsonOfJob = jobs.get(3 * i + 2);
            try {
                com.fasterxml.jackson.databind.JsonNode made = Serialization.jsonMapper().readTree(jsonOfJob);
                com.fasterxml.jackson.databind.JsonNode direct = Serialization.jsonMapper().readTree(Serialization.asJson(job));
                ((com.fasterxml.jackson.databind.node.ObjectNode) made.get("metadata")).remove(
                        List.of("uid", "resourceVersion", "creationTimestamp"));
                com.fasterxml.jackson.databind.JsonNode madeCj = Serialization.jsonMapper().readTree(cronJobs.get(i));
                ((com.fasterxml.jackson.databind.node.ObjectNode) madeCj.get("metadata")).remove(
                        List.of("resourceVersion", "creationTimestamp"));
                if (!made.equals(direct) || !madeCj.equals(Serialization.jsonMapper().readTree(Serialization.asJson(cj)))) {
                    throw new IllegalStateException("templated JSON differs from the direct object for " + name);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        long bytes() {
            long b = 0;
            for (String s : cronJobs) {
                b += s.length();
            }
            for (String s : jobs) {
                b += s.length();
            }
            return b;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (path.contains("watch=true")) {
                return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                });
            }
            if (path.contains("/pods?")) {
                podLists.incrementAndGet();
                return new MockResponse().setResponseCode(200).setBody("{\"apiVersion\":\"v1\",\"kind\":\"PodList\","
                        + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}");
            }
            if ("GET".equals(request.getMethod())) {
                if (path.startsWith("/apis/batch/v1/cronjobs")) {
                    return page(path, cronJobs, "CronJobList");
                }
                if (path.startsWith("/apis/batch/v1/jobs")) {
                    return page(path, jobs, "JobList");
                }
            }
            return super.dispatch(request);
        }

        private MockResponse page(String path, List<String> items, String kind) {
            listPages.incrementAndGet();
            Map<String, String> query = query(path);
            int limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : Integer.MAX_VALUE;
            int from = query.containsKey("continue") ? Integer.parseInt(query.get("continue")) : 0;
            int to = (int) Math.min(items.size(), (long) from + limit);
            StringBuilder sb = new StringBuilder(64 + (to - from) * 11_000);
            sb.append("{\"apiVersion\":\"batch/v1\",\"kind\":\"").append(kind)
                    .append("\",\"metadata\":{\"resourceVersion\":\"").append(4L * (cronJobs.size() + 1)).append('"');
            if (to < items.size()) {
                sb.append(",\"continue\":\"").append(to).append("\",\"remainingItemCount\":")
                        .append(items.size() - to);
            }
            sb.append("},\"items\":[");
            for (int i = from; i < to; i++) {
                if (i > from) {
                    sb.append(',');
                }
                sb.append(items.get(i));
            }
            sb.append("]}");
            return new MockResponse().setResponseCode(200).setBody(sb.toString());
        }

        private static Map<String, String> query(String path) {
            Map<String, String> out = new HashMap<>();
            int q = path.indexOf('?');
            if (q < 0) {
                return out;
            }
            for (String kv : path.substring(q + 1).split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    out.put(kv.substring(0, eq), URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return out;
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static long awaitIdle(SystemTaskScheduler scheduler, Duration limit) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        scheduler.execute(done::countDown);
        if (!done.await(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            System.out.println("engine thread still busy after " + limit);
        }
        return System.nanoTime();
    }

    /** Class name → {instances, bytes} of the live heap ({@code jcmd GC.class_histogram}, a full GC first). */
    private static Map<String, long[]> classHistogram() throws Exception {
        String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
        Map<String, long[]> out = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 4 && f[0].endsWith(":")) {
                out.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }

    /** The classes whose live heap grew most between two histograms. */
    private static void printGrowth(Map<String, long[]> before, Map<String, long[]> after, String what) {
        List<Map.Entry<String, long[]>> growth = new ArrayList<>();
        after.forEach((k, v) -> {
            long[] b = before.getOrDefault(k, new long[2]);
            growth.add(Map.entry(k, new long[] {v[0] - b[0], v[1] - b[1]}));
        });
        growth.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        System.out.printf("heap growth by class, %s (instances, bytes):%n", what);
        for (int i = 0; i < Math.min(30, growth.size()); i++) {
            System.out.printf("  %,12d %,14d  %s%n", growth.get(i).getValue()[0], growth.get(i).getValue()[1],
                    growth.get(i).getKey());
        }
    }

    private static long heapUsed() throws InterruptedException {
        Thread.sleep(500);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(150);
            min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    private static String ms(long nanos) {
        if (nanos < 0) {
            return "n/a";
        }
        double ms = nanos / 1e6;
        return ms >= 1000 ? String.format("%.1f s", ms / 1000) : String.format("%.0f ms", ms);
    }
}
