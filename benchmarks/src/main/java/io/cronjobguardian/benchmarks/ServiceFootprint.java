package io.cronjobguardian.benchmarks;

import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference service's footprint (issue #19): the repackaged {@code java -jar} of
 * {@code examples/reference-service}, started as the chart starts it (its default {@code jvm.options}, plus
 * {@code -XX:MaxRAM} = the production values' 256Mi memory limit so that {@code MaxRAMPercentage} sizes the heap as
 * in the container), on PostgreSQL with leader election, against {@link ClusterBenchmark}'s paged mock API server
 * holding {@link WatcherBenchmark}'s realistic objects made for now ({@code -Dbench.now=now}). Measures, from
 * {@code /proc}: the process's RSS and CPU time until {@code /readyz} answers 200, until every CronJob was evaluated
 * ({@code cronjob_guardian_evaluation_seconds_count}), and then over a steady window; and the load average. Prints
 * figures; asserts nothing.
 *
 * <p>Arguments ({@code key=value}): {@code jar=} (required), {@code cronjobs=1000,10000}, {@code namespaces=50},
 * {@code steadySeconds=60}, {@code maxRam=256m}, {@code limitMinutes=15}.
 */
public final class ServiceFootprint {

    private static final String JVM_OPTIONS = "-XX:MaxRAMPercentage=60 -XX:+UseSerialGC -XX:MaxMetaspaceSize=128m "
            + "-XX:ReservedCodeCacheSize=48m -Xss512k -XX:+ExitOnOutOfMemoryError";
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final long TICKS = 100; // USER_HZ of /proc/<pid>/stat on Linux

    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its level. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final BenchArgs args;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> rows = new ArrayList<>();

    private ServiceFootprint(BenchArgs args) {
        this.args = args;
    }

    /**
     * Runs it.
     *
     * @param argv see the class comment
     * @throws Exception on any failure
     */
    public static void main(String[] argv) throws Exception {
        new ServiceFootprint(BenchArgs.parse(argv)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Path jar = Path.of(args.string("jar", ""));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("jar=" + jar + " is not the reference service's jar");
        }
        for (String size : args.string("cronjobs", "1000,10000").split(",")) {
            measure(jar, Integer.parseInt(size.trim()));
        }
        System.out.println();
        System.out.println("| CronJobs (+ Jobs) | -XX:MaxRAM | until /readyz 200: time, CPU | RSS at ready | until every CronJob "
                + "evaluated: time, CPU | RSS then | steady: CPU (mean) | RSS (max) | heap used (max) | load average |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    private void measure(Path jar, int cronJobs) throws Exception {
        int namespaces = args.integer("namespaces", 50);
        ClusterBenchmark.PagedDispatcher dispatcher = new ClusterBenchmark.PagedDispatcher();
        int failed = dispatcher.populate(cronJobs, namespaces);
        System.out.printf("%,d CronJobs, %,d Jobs (%,d failed) in %d namespaces, made for %s (%,.0f MiB of JSON)%n",
                cronJobs, 3 * cronJobs, failed, namespaces, WatcherBenchmark.NOW, dispatcher.bytes() / 1048576.0);
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        DbTarget db = DbTarget.postgres();
        Path dir = Files.createTempDirectory("guardian-footprint-");
        Process p = null;
        try {
            Settings store = db.freshDatabase();
            Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n"
                    + "clusters:\n- name: sim\n  cluster:\n    server: " + server.url("/").replaceAll("/$", "")
                    + "\ncontexts:\n- name: sim\n  context:\n    cluster: sim\n    user: sim\n    namespace: default\n"
                    + "current-context: sim\nusers:\n- name: sim\n  user:\n    token: sim\n");
            Path monitors = Files.createDirectories(dir.resolve("monitors"));
            StringBuilder m = new StringBuilder();
            for (int ns = 0; ns < namespaces; ns++) {
                m.append("---\napiVersion: guardian.illenium.net/v1alpha1\nkind: CronJobMonitor\nmetadata: {name: jobs,"
                        + " namespace: team-").append(ns).append("}\nspec:\n  deadManSwitch: {enabled: true, "
                        + "maxTimeSinceLastSuccess: 26h, autoFromSchedule: {enabled: true}}\n  sla: {enabled: true, "
                        + "maxDuration: 2h}\n");
            }
            Files.writeString(monitors.resolve("monitors.yaml"), m.toString());
            Path config = Files.writeString(dir.resolve("application.yaml"), String.join("\n",
                    "guardian:",
                    "  storage:",
                    "    type: postgres",
                    "    postgres:",
                    "      host: " + store.require("storage.postgres.host"),
                    "      port: " + store.require("storage.postgres.port"),
                    "      database: " + store.require("storage.postgres.database"),
                    "      schema: " + store.require("storage.postgres.schema"),
                    "      username: " + store.require("storage.postgres.username"),
                    "      sslMode: disable",
                    "  leaderElection:",
                    "    enabled: true",
                    "  monitors:",
                    "    locations: file:" + monitors + "/*.yaml",
                    ""));
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-XX:MaxRAM=" + args.string("maxRam", "256m"));
            cmd.addAll(List.of(JVM_OPTIONS.split(" ")));
            cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "--server.port=0",
                    "--spring.config.import=optional:file:" + config));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("GUARDIAN_") || k.startsWith("KUBERNETES_"));
            pb.environment().put("KUBECONFIG", kubeconfig.toString());
            pb.environment().put("POD_NAMESPACE", "guardian");
            pb.environment().put("POD_NAME", "cronjob-guardian-0");
            pb.environment().put("GUARDIAN_STORAGE_POSTGRES_PASSWORD", store.require("storage.postgres.password"));
            Path log = dir.resolve("service.log");
            System.out.println("service log: " + log + "; command: " + String.join(" ", cmd));
            long t0 = System.nanoTime();
            p = pb.start();
            CompletableFuture<Integer> port = new CompletableFuture<>();
            Process proc = p;
            Thread pump = new Thread(() -> pump(proc, log, port), "service-log");
            pump.setDaemon(true);
            pump.start();
            long limit = TimeUnit.MINUTES.toNanos(args.integer("limitMinutes", 15));
            String base = "http://127.0.0.1:" + port.get(limit, TimeUnit.NANOSECONDS);
            long pid = p.pid();
            while (status(base + "/readyz") != 200) {
                check(p, t0, limit, "ready");
                Thread.sleep(200);
            }
            double readyS = (System.nanoTime() - t0) / 1e9;
            double readyCpu = cpuSeconds(pid);
            long readyRss = rssKb(pid);
            while (evaluations(base) < cronJobs) {
                check(p, t0, limit, "every CronJob evaluated");
                Thread.sleep(500);
            }
            double evalS = (System.nanoTime() - t0) / 1e9;
            double evalCpu = cpuSeconds(pid);
            long evalRss = rssKb(pid);
            int steady = args.integer("steadySeconds", 60);
            double cpu0 = cpuSeconds(pid);
            long s0 = System.nanoTime();
            long maxRss = 0;
            double maxHeap = 0;
            for (int i = 0; i < steady; i++) {
                Thread.sleep(1000);
                maxRss = Math.max(maxRss, rssKb(pid));
                if (i % 10 == 0) {
                    maxHeap = Math.max(maxHeap, heapUsed(base));
                }
            }
            double steadyCpu = (cpuSeconds(pid) - cpu0) / ((System.nanoTime() - s0) / 1e9);
            String load = Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
            rows.add(String.format("| %,d (+ %,d) | %s | %.1f s, %.1f CPU-s | %,d MiB | %.1f s, %.1f CPU-s | %,d MiB | "
                    + "%.0f m | %,d MiB | %,.0f MiB | %s |", cronJobs, 3 * cronJobs, args.string("maxRam", "256m"),
                    readyS, readyCpu, readyRss / 1024, evalS, evalCpu, evalRss / 1024, steadyCpu * 1000,
                    maxRss / 1024, maxHeap / 1048576.0, load));
            System.out.println(rows.get(rows.size() - 1));
        } finally {
            if (p != null) {
                p.destroy();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            server.destroy();
            db.dropAll();
        }
    }

    private static void check(Process p, long t0, long limit, String what) {
        if (!p.isAlive()) {
            throw new IllegalStateException("the service exited (" + p.exitValue() + ") before " + what);
        }
        if (System.nanoTime() - t0 > limit) {
            throw new IllegalStateException("not " + what + " within the limit");
        }
    }

    private int status(String url) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        }
    }

    private String scrape(String base) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "";
        }
    }

    private double evaluations(String base) throws InterruptedException {
        Matcher m = Pattern.compile("(?m)^cronjob_guardian_evaluation_seconds_count(?:\\{[^}]*})? (\\S+)")
                .matcher(scrape(base));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private double heapUsed(String base) throws InterruptedException {
        Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} (\\S+)")
                .matcher(scrape(base));
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
        }
        return sum;
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    private static double cpuSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS; // utime, stime
    }

    private static void pump(Process p, Path log, CompletableFuture<Integer> port) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                Matcher m = PORT.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            port.completeExceptionally(e);
        }
        port.completeExceptionally(new IllegalStateException("the service exited before it served: see " + log));
    }
}
