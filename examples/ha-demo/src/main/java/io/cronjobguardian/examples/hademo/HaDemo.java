package io.cronjobguardian.examples.hademo;

import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.time.SystemTaskScheduler;
import io.cronjobguardian.examples.simulator.AcceleratedClock;
import io.cronjobguardian.examples.simulator.ClusterSimulator;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.cronjobguardian.examples.simulator.Scenario;
import io.cronjobguardian.examples.simulator.SimulatedRun;
import io.cronjobguardian.leader.k8s.KubernetesLeaderElectionConfig;
import io.cronjobguardian.leader.k8s.KubernetesLeaderElector;
import io.cronjobguardian.testkit.TcpProxy;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * Three Guardian engines in one JVM, as three replicas of a host service would run: each with its own Kubernetes
 * client (through its own loopback {@link TcpProxy}, so that one can be cut off), its own
 * {@link KubernetesLeaderElector} on one Lease, and its own connection pool to one PostgreSQL database; one simulated
 * cluster ({@link Scenario#quickstart()} on an {@link AcceleratedClock}).
 *
 * <p>The demo shows who leads, stops the leader ({@link Guardian#close()}: the Lease is released) and measures how
 * long the hand-over took, then freezes the next leader (its API server connection black-holed while its database
 * connection stays, like a paused pod or a partition) and measures how long it kept leading and how long the
 * failover took. At the end it checks that every run the simulator finished was recorded exactly once.
 *
 * <p>Timings: lease 4 s, renew deadline 3 s, retry period 500 ms ({@code leaderElection.*}). Expected: a graceful
 * hand-over within about one retry period (at most 1.1 s plus a request); a frozen leader stops leading after the
 * renew deadline (3 s) and is replaced after the lease duration plus a retry (4 to 5.1 s).
 */
public final class HaDemo {

    /** Engines. */
    static final int REPLICAS = 3;
    /** Lease timings of the demo. */
    static final Duration LEASE = Duration.ofSeconds(4);
    static final Duration RENEW_DEADLINE = Duration.ofSeconds(3);
    static final Duration RETRY = Duration.ofMillis(500);

    private final HaDemoOptions options;
    private final PrintStream out;
    private final long t0 = System.nanoTime();
    private final List<Replica> replicas = new ArrayList<>();
    private AcceleratedClock clock;
    private MockApiServer api;
    private ClusterSimulator simulator;

    /**
     * What the demo measured.
     *
     * @param firstLeader       who led first
     * @param handoverTo        who took over after the leader was closed
     * @param handover          from the start of {@code close()} until another engine led
     * @param frozenLeader      who was frozen, or {@code null} with {@code --no-freeze}
     * @param frozenSteppedDown from the freeze until the frozen engine stopped leading, or {@code null}
     * @param failoverTo        who took over from the frozen leader, or {@code null}
     * @param failover          from the freeze until another engine led, or {@code null}
     * @param epochs            the epoch of each leader in turn
     * @param finishedRuns      runs the simulator finished (until ten simulated minutes before the check)
     * @param missingRuns       of those, not recorded
     * @param duplicateRuns     Job names recorded more than once
     */
    public record Result(String firstLeader, String handoverTo, Duration handover, String frozenLeader,
            Duration frozenSteppedDown, String failoverTo, Duration failover, List<Long> epochs, int finishedRuns,
            List<String> missingRuns, List<String> duplicateRuns) {
    }

    /** One engine. */
    private static final class Replica {
        final String id;
        TcpProxy proxy;
        KubernetesLeaderElector elector;
        Guardian guardian;
        boolean closed;

        Replica(String id) {
            this.id = id;
        }

        boolean leads() {
            return !closed && guardian.isLeader();
        }
    }

    /**
     * A demo, not run.
     *
     * @param options what to run
     * @param out     where the narrative goes
     */
    public HaDemo(HaDemoOptions options, PrintStream out) {
        this.options = Objects.requireNonNull(options, "options");
        this.out = Objects.requireNonNull(out, "out");
        if (options.database() == null) {
            throw new IllegalArgumentException("no PostgreSQL database: set GUARDIAN_TEST_PG_URL, GUARDIAN_TEST_PG_USER"
                    + " and GUARDIAN_TEST_PG_PASSWORD (bash .ci/db-setup.sh starts a local server and writes them to "
                    + ".ci/db.env), or pass --pg-url, --pg-user and --pg-password");
        }
    }

    /** Runs the demo. */
    public static void main(String[] args) {
        HaDemoOptions options;
        try {
            options = HaDemoOptions.parse(args, System.getenv(), Path.of("").toAbsolutePath());
        } catch (HaDemoOptions.HelpRequested e) {
            System.out.println(HaDemoOptions.USAGE);
            return;
        }
        new HaDemo(options, System.out).run();
    }

    /**
     * Runs every step and cleans up.
     *
     * @return what was measured
     * @throws IllegalStateException when a step does not happen in time (no leader, no hand-over)
     */
    public Result run() {
        try {
            return steps();
        } finally {
            cleanUp();
        }
    }

    private Result steps() {
        HaDemoOptions.Database db = options.database();
        Scenario scenario = Scenario.quickstart();
        say("CronJob Guardian HA demo: " + REPLICAS + " engines, one PostgreSQL database, one simulated cluster");
        say("  database: " + db + ", schema " + options.schema() + " (recreated)");
        say("  cluster:  fabric8 mock API server, " + scenario.cronJobs().size() + " CronJobs, " + fmt(options.speed())
                + "x real time");
        say("  Lease:    leaseDuration " + Settings.format(LEASE) + ", renewDeadline " + Settings.format(RENEW_DEADLINE)
                + ", retryPeriod " + Settings.format(RETRY));
        recreateSchema(db);

        // simulated time stands still until every engine is up
        clock = AcceleratedClock.paused(Instant.now(), options.speed());
        api = MockApiServer.start(clock);
        simulator = ClusterSimulator.builder(api, clock).cronJobs(scenario.cronJobs()).build();
        simulator.createCronJobs();
        for (int i = 1; i <= REPLICAS; i++) {
            Replica r = startReplica("engine-" + i, scenario, db);
            replicas.add(r);
        }
        waitFor("every engine ready", Duration.ofSeconds(60),
                () -> replicas.stream().allMatch(r -> r.guardian.health().ready()));
        Replica first = waitForLeader(null, Duration.ofSeconds(30));
        List<Long> epochs = new ArrayList<>();
        epochs.add(epoch(first));
        say("leader: " + first.id + " (epoch " + epoch(first) + "); standbys: " + others(first));
        clock.start();
        simulator.start();
        say("simulated time runs: the CronJobs start");
        phase();

        // ---- graceful hand-over
        Replica stopped = first;
        say("stopping the leader " + stopped.id + ": Guardian.close() finishes its work and releases the Lease");
        long stopAt = System.nanoTime();
        Thread closer = new Thread(() -> {
            stopped.guardian.close();
            say(stopped.id + " closed after " + secs(System.nanoTime() - stopAt));
        }, "close-" + stopped.id);
        closer.start();
        Replica second = waitForLeader(stopped, LEASE.multipliedBy(4));
        Duration handover = Duration.ofNanos(System.nanoTime() - stopAt);
        say("new leader: " + second.id + " (epoch " + epoch(second) + "), " + secs(handover.toNanos())
                + " after the stop began");
        epochs.add(epoch(second));
        join(closer);
        stopped.closed = true;
        waitFor(second.id + " caught up", Duration.ofSeconds(30), () -> !catchingUp(second));
        say(second.id + " has caught up and acts, " + secs(System.nanoTime() - stopAt) + " after the stop began");
        phase();

        // ---- frozen leader
        Replica frozen = null;
        Duration steppedDown = null;
        Replica third = null;
        Duration failover = null;
        if (options.freeze()) {
            frozen = second;
            Replica f = frozen;
            say("freezing the leader " + f.id + ": its API server connection is black-holed (no renewal, no release);"
                    + " its database connection stays");
            long freezeAt = System.nanoTime();
            f.proxy.freeze();
            long[] steppedDownAt = {0};
            long[] newLeaderAt = {0};
            Replica[] successor = {null};
            waitFor("a new leader and " + f.id + " stepping down", LEASE.multipliedBy(4), () -> {
                long now = System.nanoTime();
                if (steppedDownAt[0] == 0 && !f.guardian.isLeader()) {
                    steppedDownAt[0] = now;
                }
                if (successor[0] == null) {
                    for (Replica r : replicas) {
                        if (r != f && r.leads()) {
                            successor[0] = r;
                            newLeaderAt[0] = now;
                        }
                    }
                }
                return steppedDownAt[0] != 0 && successor[0] != null;
            });
            third = successor[0];
            steppedDown = Duration.ofNanos(steppedDownAt[0] - freezeAt);
            failover = Duration.ofNanos(newLeaderAt[0] - freezeAt);
            say(f.id + " stopped leading by itself " + secs(steppedDown.toNanos()) + " after the freeze (renewDeadline "
                    + "after its last successful renewal)" + (steppedDownAt[0] < newLeaderAt[0]
                    ? ", before anyone else could take the Lease" : ""));
            say("new leader: " + third.id + " (epoch " + epoch(third) + "), " + secs(failover.toNanos())
                    + " after the freeze (the Lease had to expire)");
            epochs.add(epoch(third));
            if (steppedDownAt[0] > newLeaderAt[0]) {
                say("WARNING: two leaders for " + secs(steppedDownAt[0] - newLeaderAt[0])
                        + " (the store's epoch fence rejects the older one's writes)");
            }
            Replica next = third;
            waitFor(next.id + " caught up", Duration.ofSeconds(30), () -> !catchingUp(next));
            f.proxy.thaw();
            say(f.id + " thawed: it rejoins as a standby");
            phase();
        }

        // ---- nothing lost, nothing twice
        Replica any = replicas.stream().filter(r -> !r.closed && r.guardian.isLeader()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no leader at the end"));
        Instant until = clock.instant().minus(Duration.ofMinutes(10));
        List<SimulatedRun> finished = simulator.runs().stream()
                .filter(r -> r.finished() && r.finishedAt().isBefore(until)).collect(Collectors.toList());
        Map<String, Integer> recorded = new HashMap<>();
        for (Execution e : any.guardian.executions(ExecutionQuery.all().page(0, ExecutionQuery.MAX_LIMIT)).items()) {
            recorded.merge(e.job().namespace() + "/" + e.job().name(), 1, Integer::sum);
        }
        List<String> missing = finished.stream().map(r -> r.namespace() + "/" + r.jobName())
                .filter(n -> !recorded.containsKey(n)).sorted().collect(Collectors.toList());
        List<String> duplicates = recorded.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .sorted().collect(Collectors.toList());
        say("runs the simulator finished (until 10 simulated minutes ago): " + finished.size() + "; recorded: "
                + (finished.size() - missing.size()) + "; missing: " + missing.size() + (missing.isEmpty() ? ""
                : " " + missing) + "; recorded twice: " + duplicates.size());
        say("open incidents: " + any.guardian.incidents(IncidentQuery.open().page(0, 1)).total()
                + "; leaders in turn: " + leadersInTurn(first, second, third) + " with epochs " + epochs);
        say(String.format(Locale.ROOT, "measured: graceful hand-over %s%s", secs(handover.toNanos()),
                failover == null ? "" : ", frozen leader stepped down after " + secs(steppedDown.toNanos())
                        + ", failover " + secs(failover.toNanos())));
        return new Result(first.id, second.id, handover, frozen == null ? null : frozen.id, steppedDown,
                third == null ? null : third.id, failover, epochs, finished.size(), missing, duplicates);
    }

    private Replica startReplica(String id, Scenario scenario, HaDemoOptions.Database db) {
        Replica r = new Replica(id);
        r.proxy = TcpProxy.to(api.host(), api.port());
        KubernetesClient client = api.newClient(r.proxy.url());
        r.elector = new KubernetesLeaderElector(KubernetesLeaderElectionConfig.from(Settings.of(
                KubernetesLeaderElectionConfig.NAMESPACE_KEY, "guardian-system",
                KubernetesLeaderElectionConfig.IDENTITY_KEY, id,
                KubernetesLeaderElectionConfig.LEASE_DURATION_KEY, Settings.format(LEASE),
                KubernetesLeaderElectionConfig.RENEW_DEADLINE_KEY, Settings.format(RENEW_DEADLINE),
                KubernetesLeaderElectionConfig.RETRY_PERIOD_KEY, Settings.format(RETRY))), client);
        GuardianConfig.Builder config = GuardianConfig.builder()
                .noEnvironment()
                .storageType("postgres")
                .set("storage.postgres.url", db.url())
                .set("storage.postgres.schema", options.schema())
                .set("storage.postgres.maxOpenConns", 4)
                .leaderElection(true)
                .leaseTimings(LEASE, RENEW_DEADLINE, RETRY);
        if (db.user() != null) {
            config.set("storage.postgres.username", db.user());
        }
        if (db.password() != null) {
            config.set("storage.postgres.password", db.password());
        }
        r.guardian = Guardian.builder()
                .config(config.build())
                .monitors(scenario.monitors())
                .leaderElector(r.elector)
                .scheduler(new SystemTaskScheduler(clock, id, Duration.ofMillis(50)))
                .service(KubernetesClient.class, client)
                .build()
                .start();
        say(id + " started");
        return r;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void recreateSchema(HaDemoOptions.Database db) {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + options.schema() + " CASCADE");
            s.execute("CREATE SCHEMA " + options.schema());
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare schema " + options.schema() + " in " + db + ": "
                    + e.getMessage() + " (is PostgreSQL running? bash .ci/db-setup.sh starts one)", e);
        }
    }

    private void dropSchema(HaDemoOptions.Database db) {
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS " + options.schema() + " CASCADE");
        } catch (SQLException e) {
            say("could not drop schema " + options.schema() + ": " + e.getMessage());
        }
    }

    private static Connection connect(HaDemoOptions.Database db) throws SQLException {
        Properties p = new Properties();
        if (db.user() != null) {
            p.setProperty("user", db.user());
        }
        if (db.password() != null) {
            p.setProperty("password", db.password());
        }
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(db.url(), p);
    }

    private Replica waitForLeader(Replica except, Duration atMost) {
        Replica[] found = {null};
        waitFor("a leader", atMost, () -> {
            List<Replica> leaders = replicas.stream().filter(r -> r != except && r.leads())
                    .collect(Collectors.toList());
            if (leaders.size() == 1) {
                found[0] = leaders.get(0);
                return true;
            }
            return false;
        });
        return found[0];
    }

    private static boolean catchingUp(Replica r) {
        return r.guardian.health().reasons().stream().anyMatch(s -> s.contains("catching up"));
    }

    private static long epoch(Replica r) {
        OptionalLong e = r.elector.currentEpoch();
        return e.isPresent() ? e.getAsLong() : -1;
    }

    private String others(Replica leader) {
        return replicas.stream().filter(r -> r != leader && !r.closed).map(r -> r.id).collect(Collectors.joining(", "));
    }

    private static String leadersInTurn(Replica... leaders) {
        List<String> ids = new ArrayList<>();
        for (Replica r : leaders) {
            if (r != null) {
                ids.add(r.id);
            }
        }
        return String.join(" -> ", ids);
    }

    /** Lets the simulation run for one phase, reporting roles and records a few times. */
    private void phase() {
        long end = System.nanoTime() + options.phase().toNanos();
        long every = Math.max(2_000_000_000L, options.phase().toNanos() / 2);
        long next = System.nanoTime() + every;
        while (System.nanoTime() < end) {
            sleep(Duration.ofMillis(100));
            if (System.nanoTime() >= next || System.nanoTime() >= end) {
                next += every;
                say(roles());
            }
        }
    }

    private String roles() {
        StringBuilder sb = new StringBuilder();
        Replica reader = null;
        for (Replica r : replicas) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            if (r.closed) {
                sb.append(r.id).append(" closed");
                continue;
            }
            if (reader == null && !r.proxy.isFrozen()) {
                reader = r;
            }
            sb.append(r.id).append(r.proxy.isFrozen() ? " frozen" : "").append(r.guardian.isLeader() ? " LEADER"
                    : " standby").append(r.guardian.health().ready() ? "" : " (not ready)");
        }
        long runs = reader == null ? -1 : reader.guardian.executions(ExecutionQuery.all().page(0, 1)).total();
        return "simulated +" + human(clock.elapsed()) + " | " + sb + " | runs recorded: " + runs;
    }

    private void waitFor(String what, Duration atMost, BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + Settings.format(atMost) + " waiting for " + what);
            }
            sleep(Duration.ofMillis(5));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void join(Thread t) {
        try {
            t.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void cleanUp() {
        // the simulator first (no watch events in flight while watches close), then the engines, their clients and
        // the server, and only then the proxies the clients talk through
        if (simulator != null) {
            simulator.close();
        }
        for (Replica r : replicas) {
            if (r.proxy != null) {
                r.proxy.thaw();
            }
        }
        for (Replica r : replicas) {
            if (!r.closed && r.guardian != null) {
                r.guardian.close();
                r.closed = true;
            }
        }
        if (api != null) {
            api.close();
        }
        for (Replica r : replicas) {
            if (r.proxy != null) {
                r.proxy.close();
            }
        }
        if (!options.keepSchema() && options.database() != null && clock != null) {
            dropSchema(options.database());
        }
        say("done");
    }

    private synchronized void say(String line) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
        out.flush();
    }

    private static String secs(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String human(Duration d) {
        long s = Math.max(0, d.getSeconds());
        return s < 3600 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60)
                : String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
