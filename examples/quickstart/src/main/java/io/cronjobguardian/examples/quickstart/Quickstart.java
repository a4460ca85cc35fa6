package io.cronjobguardian.examples.quickstart;

import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.GuardianHealth;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.examples.simulator.AcceleratedClock;
import io.cronjobguardian.examples.simulator.ClusterSimulator;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.cronjobguardian.examples.simulator.Scenario;
import io.cronjobguardian.http.GuardianHttpServer;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The quickstart: the engine on the embedded SQLite store, watching a real cluster when a kubeconfig is found and a
 * simulated one otherwise, with a live status table.
 *
 * <p>Simulated: the fabric8 mock API server, the {@link ClusterSimulator} running {@link Scenario#quickstart()} (eight
 * CronJobs: healthy, flaky, retried, ever slower, missing its schedule, suspended, one in America/New_York) on an
 * {@link AcceleratedClock} (60× by default), and one monitor per namespace (dead-man's switch from the schedule,
 * SLA, maxDuration, duration regression, suspended-too-long, a maintenance window). History goes to
 * {@code ./guardian-data/quickstart-simulated.db}, recreated on each start because simulated time runs ahead of the
 * wall clock.
 *
 * <p>Real cluster: the kubeconfig's current context (or the in-cluster configuration), the system clock, one monitor
 * over every namespace (missed schedules with a 1 h grace, default SLA), history in
 * {@code ./guardian-data/guardian.db}. It only reads (list/watch CronJobs, Jobs; get pods, logs, events).
 *
 * <p>Stops on Ctrl-C (a shutdown hook closes the engine, the simulator and the mock server) or after
 * {@code --duration}. See {@link QuickstartOptions#USAGE}.
 */
public final class Quickstart implements AutoCloseable {

    /** The simulated mode's database file, recreated on each start. */
    public static final Path SIMULATED_DATABASE = Path.of("guardian-data", "quickstart-simulated.db");
    /** The real mode's database file (the engine's default). */
    public static final Path CLUSTER_DATABASE = Path.of("guardian-data", "guardian.db");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final QuickstartOptions options;
    private final PrintStream out;
    private final Map<String, String> env;
    private final String userHome;
    private Clock clock;
    private AcceleratedClock accelerated;
    private MockApiServer api;
    private ClusterSimulator simulator;
    private KubernetesClient clusterClient;
    private Guardian guardian;
    private GuardianHttpServer http;
    private Path database;
    private String description;
    private long startNanos;
    private boolean closed;

    /**
     * A quickstart, not started.
     *
     * @param options  what to run
     * @param out      where the tables go
     * @param env      the environment (kubeconfig discovery, {@code GUARDIAN_*} configuration)
     * @param userHome the user's home folder ({@code ~/.kube/config})
     */
    public Quickstart(QuickstartOptions options, PrintStream out, Map<String, String> env, String userHome) {
        this.options = Objects.requireNonNull(options, "options");
        this.out = Objects.requireNonNull(out, "out");
        this.env = Map.copyOf(env);
        this.userHome = Objects.requireNonNull(userHome, "userHome");
    }

    /** Runs the quickstart until Ctrl-C or {@code --duration}. */
    public static void main(String[] args) throws InterruptedException {
        QuickstartOptions options;
        try {
            options = QuickstartOptions.parse(args, System.getenv());
        } catch (QuickstartOptions.HelpRequested e) {
            System.out.println(QuickstartOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            throw e;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                // let the main thread close everything (bounded: the engine waits at most 10 s for its work)
                stopped.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "quickstart-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        Quickstart q = new Quickstart(options, System.out, System.getenv(), System.getProperty("user.home"));
        try {
            q.start();
            q.printUntil(stop);
        } finally {
            q.close();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down (Ctrl-C): the hook is running
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /** Whether {@code start()} chooses the simulated cluster. */
    public boolean simulated() {
        switch (options.mode()) {
            case SIMULATED:
                return true;
            case CLUSTER:
                return false;
            default:
                return QuickstartOptions.findKubeconfig(env, userHome) == null
                        && env.get("KUBERNETES_SERVICE_HOST") == null;
        }
    }

    /**
     * Starts the cluster (or connects to it) and the engine.
     *
     * @return this
     */
    public synchronized Quickstart start() {
        if (guardian != null || closed) {
            throw new IllegalStateException("already started");
        }
        startNanos = System.nanoTime();
        try {
            if (simulated()) {
                startSimulated();
            } else {
                startCluster();
            }
            http = startHttp();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        out.println("CronJob Guardian quickstart: " + description);
        out.println("engine " + (guardian.health().ready() ? "ready" : "started (not ready yet)") + " after "
                + StatusTable.human(Duration.ofNanos(System.nanoTime() - startNanos)));
        out.println("HTTP API: " + http.url() + "/api/v1/cronjobs (also /readyz, /api/v1/alerts, "
                + "/api/v1/openapi.yaml)");
        http.dashboardUrl().ifPresent(u -> out.println("dashboard: " + u + " (open it in a browser)"));
        out.println("history: SQLite " + database.toAbsolutePath() + "; a status table every "
                + StatusTable.human(options.refresh()) + (options.duration() == null ? "; Ctrl-C to stop"
                : "; stopping after " + StatusTable.human(options.duration())));
        startNanos = System.nanoTime();   // --duration counts from here
        return this;
    }

    private void startSimulated() {
        Scenario scenario = Scenario.quickstart();
        // simulated time stands still until the engine is up, however long that takes on a busy machine
        accelerated = AcceleratedClock.paused(Instant.now(), options.speed());
        clock = accelerated;
        api = MockApiServer.start(clock);
        simulator = ClusterSimulator.builder(api, clock).seed(options.seed()).cronJobs(scenario.cronJobs()).build();
        simulator.createCronJobs();
        database = options.database() != null ? Path.of(options.database()) : SIMULATED_DATABASE;
        if (options.database() == null) {
            deleteDatabase(database);
        }
        guardian = Guardian.builder()
                .config(config(database))
                .monitors(scenario.monitors())
                // timers re-check the accelerated clock every 50 ms of real time
                .scheduler(new SystemTaskScheduler(clock, "quickstart", Duration.ofMillis(50)))
                .service(KubernetesClient.class, api.newClient())
                .build()
                .start();
        awaitReady(Duration.ofSeconds(60));
        accelerated.start();
        simulator.start();
        description = "simulated cluster (fabric8 mock API server at " + api.url() + "), "
                + scenario.cronJobs().size() + " CronJobs in " + Scenario.PAYMENTS + ", " + Scenario.DATA + ", "
                + Scenario.OPS + ", " + fmt(options.speed()) + "x real time, seed " + options.seed();
    }

    /**
     * The read-only HTTP API on {@code http.port} (default 8080, loopback only; {@code GUARDIAN_HTTP_PORT} changes
     * it), or on any free port when that one is taken.
     */
    private GuardianHttpServer startHttp() {
        try {
            return GuardianHttpServer.builder(guardian).build().start();
        } catch (UncheckedIOException e) {
            out.println("HTTP port " + guardian.config().settings().getInt("http.port", 8080, 0, 65535)
                    + " is taken (" + e.getMessage() + "); using a free one");
            return GuardianHttpServer.builder(guardian).port(0).build().start();
        }
    }

    /** Waits (bounded) until the engine has synced its watcher and reached its store. */
    private void awaitReady(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!guardian.health().ready() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void startCluster() {
        clock = Clock.systemUTC();
        Path kubeconfig = QuickstartOptions.findKubeconfig(env, userHome);
        String kubeconfigVar = env.get("KUBECONFIG");
        boolean merged = kubeconfigVar != null && kubeconfigVar.contains(java.io.File.pathSeparator);
        // one file: read exactly that one; a KUBECONFIG list or none (in-cluster): fabric8's auto-configuration
        Config k8sConfig = kubeconfig != null && !merged ? Config.fromKubeconfig(kubeconfig.toFile())
                : Config.autoConfigure(null);
        clusterClient = new KubernetesClientBuilder().withConfig(k8sConfig).build();
        database = options.database() != null ? Path.of(options.database()) : CLUSTER_DATABASE;
        MonitorSpec everything = MonitorSpec.builder("default", "all-cronjobs")
                .selector(new MonitorSpec.Selector(Map.of(), List.of(), List.of(), List.of(), null, true))
                .deadManSwitch(MonitorSpec.DeadManSwitch.fromSchedule())
                .sla(MonitorSpec.Sla.defaults())
                .build();
        guardian = Guardian.builder()
                .config(config(database))
                .monitor(everything)
                .clock(clock)
                .service(KubernetesClient.class, clusterClient)
                .build()
                .start();
        description = "cluster " + clusterClient.getMasterUrl() + (kubeconfig != null ? " (kubeconfig " + kubeconfig
                + ")" : " (in-cluster configuration)") + ", every namespace, real time";
    }

    private GuardianConfig config(Path db) {
        // the test database variables of this repository are not engine settings; leave them out
        Map<String, String> engineEnv = new HashMap<>(env);
        engineEnv.keySet().removeIf(k -> k.startsWith("GUARDIAN_TEST_"));
        return GuardianConfig.builder()
                .environment(engineEnv)
                .storageType("sqlite")
                .sqlitePath(db.toString())
                .set("storage.logStorageEnabled", true)
                .set("storage.eventStorageEnabled", true)
                .build();
    }

    private static void deleteDatabase(Path db) {
        try {
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                Files.deleteIfExists(Path.of(db + suffix));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot recreate " + db + ": " + e.getMessage(), e);
        }
    }

    /**
     * Prints a status table every {@code --refresh} until {@code stop} opens or {@code --duration} has passed.
     */
    public void printUntil(CountDownLatch stop) throws InterruptedException {
        long deadline = options.duration() == null ? Long.MAX_VALUE
                : startNanos + options.duration().toNanos();
        boolean clear = options.clear() && System.console() != null && !"dumb".equals(env.get("TERM"));
        while (true) {
            long left = deadline - System.nanoTime();
            long wait = Math.min(options.refresh().toNanos(), Math.max(0, left));
            if (stop.await(wait, TimeUnit.NANOSECONDS)) {
                out.println();
                out.println("Ctrl-C: stopping");
                return;
            }
            if (clear) {
                out.print("\033[H\033[2J");
            }
            out.print(report());
            out.flush();
            if (System.nanoTime() >= deadline) {
                return;
            }
        }
    }

    /** The header, the status table and the open incidents. */
    public String report() {
        Instant now = clock.instant();
        GuardianHealth h = guardian.health();
        StringBuilder sb = new StringBuilder();
        sb.append('\n').append("== ").append(TIME.format(now));
        if (accelerated != null) {
            sb.append(" (simulated, ").append(fmt(accelerated.factor())).append("x, +")
                    .append(StatusTable.human(accelerated.elapsed())).append(")");
        }
        sb.append(" | leader: ").append(h.leader() ? "this engine" : "no")
                .append(" | health: ").append(h.ready() ? "ready" : h.live() ? "live, not ready" : "not live");
        if (!h.reasons().isEmpty()) {
            sb.append(" (").append(String.join("; ", h.reasons())).append(')');
        }
        sb.append(" | runs recorded: ").append(runsRecorded()).append(" ==\n");
        sb.append(StatusTable.render(guardian.statuses(), now, 12));
        return sb.toString();
    }

    /** Runs in the store. */
    public long runsRecorded() {
        return guardian.executions(ExecutionQuery.all().page(0, 1)).total();
    }

    /** Stops the engine, the simulator and the mock server. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        String summary = null;
        if (guardian != null) {
            try {
                long open = guardian.incidents(IncidentQuery.open().page(0, 1)).total();
                summary = "stopped after " + StatusTable.human(Duration.ofNanos(System.nanoTime() - startNanos))
                        + (accelerated != null ? " (" + StatusTable.human(accelerated.elapsed()) + " simulated)" : "")
                        + ": " + runsRecorded() + " runs recorded in " + database + ", " + open + " incident(s) open";
            } catch (RuntimeException e) {
                summary = "stopped";
            }
        }
        if (simulator != null) {
            simulator.close(); // no more watch events in flight while the engine's watches close
        }
        if (http != null) {
            http.close();
        }
        if (guardian != null) {
            guardian.close();
        }
        if (api != null) {
            api.close();
        }
        if (clusterClient != null) {
            clusterClient.close();
        }
        if (summary != null) {
            out.println(summary);
        }
    }

    // ------------------------------------------------------------------------------------------------ access

    /** The HTTP API's server (after {@link #start()}). */
    public GuardianHttpServer http() {
        return http;
    }

    /** The engine (after {@link #start()}). */
    public Guardian guardian() {
        return guardian;
    }

    /** The simulator, or {@code null} with a real cluster. */
    public ClusterSimulator simulator() {
        return simulator;
    }

    /** The engine's clock. */
    public Clock clock() {
        return clock;
    }

    /** The SQLite file. */
    public Path database() {
        return database;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
