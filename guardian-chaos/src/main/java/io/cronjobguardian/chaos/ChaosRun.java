package io.cronjobguardian.chaos;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.chaos.ChaosOptions.Fault;
import io.cronjobguardian.testkit.TcpProxy;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import io.cronjobguardian.api.AlertType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One chaos run: starts the cluster JVM ({@link SimulatorMain}), three replica JVMs ({@link ReplicaMain}) each behind
 * its own loopback {@link TcpProxy} to the database and to the API server, and the {@link Receiver} of both webhook
 * channels; injects the faults of the {@link ChaosOptions} in an order and at moments drawn from the seed; then stops
 * the simulation, lets the last leader finish, and checks the store and the receiver against the simulator's log of
 * every Job (see {@link Result}). Every process it starts is killed by process id when the run ends, however it ends
 * (and by a shutdown hook if the harness itself is stopped); a process left behind fails the run.
 *
 * <p>Every wait is bounded and derived from the Lease timings: a leader must appear within
 * {@code 3 × leaseDuration} plus {@link #SLACK} (JVM start-up on a loaded machine), a replica must start within
 * {@link #START}.
 */
public final class ChaosRun implements AutoCloseable {

    /** Replicas. */
    static final int REPLICAS = 3;
    /** How long a replica JVM may take to start (class loading, schema migration) on a loaded 2-core machine. */
    static final Duration START = Duration.ofSeconds(90);
    /** Allowance for a loaded machine on top of the mechanism's bounds. */
    static final Duration SLACK = Duration.ofSeconds(20);
    /** The database stand-in outage of {@code db-restart}. */
    static final Duration DB_RESTART = Duration.ofSeconds(30);
    /** {@code watcher.requestTimeout}: a cut API connection fails a read after this long. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** {@code shutdownTimeout} of the replicas: a graceful stop waits this long for work in flight. */
    static final Duration SHUTDOWN = Duration.ofSeconds(5);

    private static final Pattern JDBC = Pattern.compile("jdbc:(postgresql|mariadb|mysql)://([^:/?]+)(?::(\\d+))?/"
            + "([^?;]*).*");

    private final ChaosOptions options;
    private final Path workdir;
    private final PrintStream out;
    private final String classpath;
    private final long t0 = System.nanoTime();
    private final SplittableRandom random;
    private final Database database;
    private final String schema;
    private final List<Child> everyChild = Collections.synchronizedList(new ArrayList<>());
    private final List<Replica> replicas = new ArrayList<>();
    private final List<TcpProxy> proxies = new ArrayList<>();
    private final List<FaultRecord> faults = new ArrayList<>();
    /** From when (simulated) a MissedSchedule may concern a slot after the simulation stopped; set at the stop. */
    private volatile Instant afterStop;
    private final Thread shutdownHook;
    private ChaosClock clock;
    private Child simulator;
    private Receiver receiver;
    private PrintStream receiverFile;
    private HistoryStore reader;
    private boolean schemaCreated;
    private long firstLeaderWall = Long.MAX_VALUE;

    /** The database the run uses: JDBC URL parts and login. */
    record Database(String provider, String host, int port, String name, String user, String password) {
        @Override
        public String toString() {
            return provider + " " + host + ":" + port + "/" + name + " as " + user;   // never the password
        }
    }

    /** One replica: its proxies and the JVMs it has been (one per start). */
    final class Replica {
        final String id;
        final TcpProxy dbProxy;
        final TcpProxy apiProxy;
        final List<Child> incarnations = new ArrayList<>();
        boolean frozen;

        Replica(String id, TcpProxy dbProxy, TcpProxy apiProxy) {
            this.id = id;
            this.dbProxy = dbProxy;
            this.apiProxy = apiProxy;
        }

        Child current() {
            return incarnations.get(incarnations.size() - 1);
        }

        boolean ready() {
            return !incarnations.isEmpty() && current().isAlive()
                    && current().last(l -> l.startsWith("READY ")).isPresent();
        }

        /** Says it leads (its last LEADER line), alive and not frozen. */
        boolean leads() {
            return !frozen && !incarnations.isEmpty() && current().isAlive()
                    && current().last(l -> l.startsWith("LEADER ")).map(l -> l.startsWith("LEADER true"))
                    .orElse(false);
        }

        @Override
        public String toString() {
            return id;
        }
    }

    /** One injected fault and what it hit. */
    record FaultRecord(int round, Fault fault, String target, Child targetIncarnation, long faultWall, long endWall,
            String newLeader) {
    }

    /**
     * What a run found.
     *
     * @param finishedRuns        Jobs the simulator finished
     * @param recorded            of those, recorded exactly once with their outcome
     * @param lost                finished Jobs not recorded
     * @param duplicated          Jobs recorded more than once
     * @param wrongOutcome        Jobs recorded with another outcome or attempt count than they had
     * @param notificationsSent   notifications the outbox holds (any status)
     * @param delivered           of those, received at least once
     * @param notificationsLost   notifications never received (not delivered, or left pending)
     * @param duplicates          deliveries beyond the first of one notification
     * @param keyedDuplicates     of those, with the same {@code Idempotency-Key} as the first
     * @param cancelled           openings cancelled because their incident resolved before they were sent
     *                            (documented behaviour; neither delivered nor lost)
     * @param orderViolations     resolutions received before their opening, or openings missing on a channel
     * @param epochViolations     epochs with writes of two replicas, and writes of a fenced (older) epoch accepted
     *                            after a newer epoch began
     * @param leftBehind          processes still running after the run
     * @param failover            per fault kind: "last write of the old leader → first write of the new one", seconds
     * @param faultToNotification per fault kind: "fault → first notification received", seconds
     * @param recordLatency       steady state: Job finished → recorded, seconds
     * @param webhookLatency      steady state: Job failed → its opening received, seconds
     * @param problems            one line per violation, for the report
     */
    public record Result(int finishedRuns, int recorded, int lost, int duplicated, int wrongOutcome,
            int notificationsSent, int delivered, int notificationsLost, int duplicates, int keyedDuplicates,
            int cancelled, int orderViolations, int epochViolations, int leftBehind, Map<String, List<Double>> failover,
            Map<String, List<Double>> faultToNotification, List<Double> recordLatency, List<Double> webhookLatency,
            int deletedAtOnce, int missedMissing, int missedFalse, List<Double> missedLateness,
            List<String> problems) {

        /** Whether every promise held. */
        public boolean ok() {
            return lost == 0 && duplicated == 0 && wrongOutcome == 0 && notificationsLost == 0 && orderViolations == 0
                    && epochViolations == 0 && leftBehind == 0 && missedMissing == 0 && missedFalse == 0;
        }

        /** The one summary line (the run's last line). */
        public String summary() {
            return String.format(Locale.ROOT, "chaos: runs %d recorded, %d lost, %d duplicated | notifications %d "
                    + "delivered, %d lost, %d duplicates (%d keyed) | failover crash p99 %s s, freeze p99 %s s, "
                    + "graceful p99 %s s", recorded, lost, duplicated, delivered, notificationsLost, duplicates,
                    keyedDuplicates, p99(failover.get("kill")), p99(failover.get("freeze")),
                    p99(failover.get("rolling")));
        }

        private static String p99(List<Double> xs) {
            return xs == null || xs.isEmpty() ? "n/a" : String.format(Locale.ROOT, "%.2f", Stats.percentile(xs, 99));
        }
    }

    /** Log level of Guardian's loggers in the child JVMs ({@code CHAOS_REPLICA_LOG}), or {@code null}: warnings only. */
    private final String replicaLogLevel;

    /**
     * A run, not started.
     *
     * @param options   what to do
     * @param workdir   where logs and the simulator's run log go (created)
     * @param classpath the classpath of the child JVMs
     * @param env       the environment with the database variables ({@code GUARDIAN_TEST_PG_URL}, ...)
     * @param out       where the narrative goes
     * @throws IllegalStateException when no database is configured
     */
    public ChaosRun(ChaosOptions options, Path workdir, String classpath, Map<String, String> env, PrintStream out) {
        this.options = options;
        this.workdir = workdir;
        this.classpath = classpath;
        this.out = out;
        this.random = new SplittableRandom(options.seed());
        this.database = database(options.db(), env);
        this.replicaLogLevel = env.get("CHAOS_REPLICA_LOG");
        // MariaDB: a database named <database>_<suffix>, the names the test login may create (see DbTarget)
        String suffix = "chaos_" + ProcessHandle.current().pid() + "_" + Long.toString(System.currentTimeMillis(), 36);
        this.schema = database.provider().equals("postgres") ? suffix : database.name() + "_" + suffix;
        this.shutdownHook = new Thread(this::killEverything, "chaos-kill-children");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The database of {@code db} from the environment, or an error naming the variables. */
    static Database database(String db, Map<String, String> env) {
        String prefix = db.equals("postgres") ? "GUARDIAN_TEST_PG" : env.containsKey("GUARDIAN_TEST_MARIADB_URL")
                ? "GUARDIAN_TEST_MARIADB" : "GUARDIAN_TEST_MYSQL";
        String url = env.get(prefix + "_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("no " + db + " database: set " + prefix + "_URL, " + prefix + "_USER and "
                    + prefix + "_PASSWORD (bash .ci/db-setup.sh starts local servers and writes them to .ci/db.env)");
        }
        Matcher m = JDBC.matcher(url);
        if (!m.matches()) {
            throw new IllegalStateException("cannot parse " + prefix + "_URL " + url);
        }
        boolean pg = m.group(1).equals("postgresql");
        if (pg != db.equals("postgres")) {
            throw new IllegalStateException(prefix + "_URL " + url + " is not a " + db + " URL");
        }
        int port = m.group(3) != null ? Integer.parseInt(m.group(3)) : pg ? 5432 : 3306;
        return new Database(pg ? "postgres" : "mariadb", m.group(2), port, m.group(4), env.get(prefix + "_USER"),
                env.get(prefix + "_PASSWORD"));
    }

    /**
     * Runs everything and cleans up.
     *
     * @return what was found
     * @throws IllegalStateException when a step does not happen within its bound (no leader, a replica that does
     *                               not start), or the database is unreachable
     */
    public Result run() {
        try {
            return steps();
        } finally {
            close();
        }
    }

    private Result steps() {
        ChaosOptions.Profile p = options.profile();
        say("chaos run: " + options.toArgs());
        say("  " + REPLICAS + " replica JVMs, " + database.provider() + " " + database.host() + ":" + database.port()
                + "/" + database.name() + " schema " + schema + ", Lease " + p.leaseDuration().toMillis() + "/"
                + p.renewDeadline().toMillis() + "/" + p.retryPeriod().toMillis() + " ms, simulated time x"
                + options.speed());
        createSchema();
        try {
            Files.createDirectories(workdir);
            receiverFile = new PrintStream(Files.newOutputStream(workdir.resolve("deliveries.tsv")), true,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to " + workdir + ": " + e.getMessage(), e);
        }
        receiver = new Receiver(receiverFile);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        clock = new ChaosClock(now, now, options.speed());

        simulator = Child.start("simulator", classpath, childJvm(), SimulatorMain.class.getName(),
                List.of(workdir.toString(), Long.toString(options.seed()), clock.origin().toString(),
                        clock.startWall().toString(), Double.toString(clock.factor()),
                        Boolean.toString(options.deletedAtOnce())), workdir.resolve("simulator.log"));
        everyChild.add(simulator);
        String apiLine = waitForLine(simulator, "API ", START);
        String[] api = apiLine.split(" ");
        say("cluster JVM " + simulator + ": mock API server on " + api[1] + ":" + api[2]);

        for (int i = 1; i <= REPLICAS; i++) {
            TcpProxy dbProxy = TcpProxy.to(database.host(), database.port());
            TcpProxy apiProxy = TcpProxy.to(api[1], Integer.parseInt(api[2]));
            proxies.add(dbProxy);
            proxies.add(apiProxy);
            Replica r = new Replica("replica-" + i, dbProxy, apiProxy);
            replicas.add(r);
            start(r);
        }
        for (Replica r : replicas) {
            waitFor(r.id + " ready", START, r::ready);
        }
        Replica first = awaitLeader(null, leaderBound());
        firstLeaderWall = System.currentTimeMillis();
        say("all replicas ready; leader " + first.id);

        List<Fault> plan = plan();
        for (int round = 0; round < plan.size(); round++) {
            Fault f = plan.get(round);
            awaitSteady();
            // strike at a random moment of the leader's work: within one lease duration
            sleep(Duration.ofMillis(random.nextLong(options.profile().leaseDuration().toMillis() + 1)));
            say("round " + (round + 1) + "/" + plan.size() + ": " + f.word());
            inject(round + 1, f);
        }
        awaitSteady();
        return finish();
    }

    /** The faults in order: each kind once per cycle, cycles shuffled by the seed. */
    private List<Fault> plan() {
        List<Fault> plan = new ArrayList<>();
        List<Fault> kinds = new ArrayList<>(options.faults());
        while (plan.size() < options.rounds()) {
            for (int i = kinds.size() - 1; i > 0; i--) {
                Collections.swap(kinds, i, random.nextInt(i + 1));
            }
            for (Fault f : kinds) {
                if (plan.size() < options.rounds()) {
                    plan.add(f);
                }
            }
        }
        return plan;
    }

    // ------------------------------------------------------------------------------------------------ faults

    private void inject(int round, Fault f) {
        ChaosOptions.Profile p = options.profile();
        Replica leader = awaitLeader(null, leaderBound());
        switch (f) {
            case KILL: {
                Child victim = leader.current();
                long at = System.currentTimeMillis();
                victim.kill9();
                Replica next = awaitLeader(leader, leaderBound());
                faults.add(new FaultRecord(round, f, leader.id, victim, at, System.currentTimeMillis(), next.id));
                say("  kill -9 " + victim + " (leader); " + next.id + " leads after " + secs(at));
                start(leader);
                waitFor(leader.id + " ready again", START, leader::ready);
                break;
            }
            case FREEZE: {
                Child victim = leader.current();
                long at = System.currentTimeMillis();
                victim.signal("STOP");
                leader.frozen = true;
                Replica next = awaitLeader(leader, leaderBound());
                long led = System.currentTimeMillis();
                // frozen longer than leaseDuration in every case, then woken: a zombie with a stale epoch
                long frozenFor = led - at;
                if (frozenFor < p.leaseDuration().toMillis()) {
                    sleep(Duration.ofMillis(p.leaseDuration().toMillis() - frozenFor));
                }
                victim.signal("CONT");
                leader.frozen = false;
                long woke = System.currentTimeMillis();
                faults.add(new FaultRecord(round, f, leader.id, victim, at, woke, next.id));
                say("  kill -STOP " + victim + " (leader); " + next.id + " leads after " + secs(at) + "; kill -CONT after "
                        + secs(at));
                // the zombie must notice it lost the Lease (renewDeadline) and stand down; it stays a standby
                waitFor(leader.id + " standing down after waking", leaderBound(), () -> !leader.leads());
                break;
            }
            case ROLLING: {
                for (Replica r : new ArrayList<>(replicas)) {
                    boolean wasLeader = r.leads();
                    Child old = r.current();
                    long at = System.currentTimeMillis();
                    boolean graceful = old.stop(SHUTDOWN.plus(SLACK));
                    if (!graceful) {
                        say("  WARNING: " + old + " did not stop within " + SHUTDOWN.plus(SLACK).toSeconds()
                                + " s after TERM; killed");
                    }
                    String next = null;
                    if (wasLeader) {
                        next = awaitLeader(r, leaderBound()).id;
                        faults.add(new FaultRecord(round, f, r.id, old, at, System.currentTimeMillis(), next));
                        say("  graceful stop of " + old + " (leader); " + next + " leads after " + secs(at));
                    } else {
                        say("  graceful stop of " + old + " (standby)");
                    }
                    start(r);
                    waitFor(r.id + " ready again", START, r::ready);
                }
                break;
            }
            case PARTITION_DB: {
                long at = System.currentTimeMillis();
                leader.dbProxy.freeze();
                sleep(p.leaseDuration().multipliedBy(2));
                leader.dbProxy.thaw();
                faults.add(new FaultRecord(round, f, leader.id, leader.current(), at, System.currentTimeMillis(),
                        null));
                say("  " + leader.id + " (leader) cut from the database for " + secs(at));
                break;
            }
            case PARTITION_API: {
                long at = System.currentTimeMillis();
                leader.apiProxy.freeze();
                Replica next = awaitLeader(leader, leaderBound());
                waitFor(leader.id + " stepping down", leaderBound(), () -> !leader.leads());
                sleep(p.leaseDuration());
                leader.apiProxy.thaw();
                faults.add(new FaultRecord(round, f, leader.id, leader.current(), at, System.currentTimeMillis(),
                        next.id));
                say("  " + leader.id + " (leader) cut from the API server; " + next.id + " leads; healed after "
                        + secs(at));
                break;
            }
            case FREEZE_IN_TX:
            case KILL_TX: {
                Child victim = leader.current();
                InTx hit = strikeInTx(leader, victim, f == Fault.FREEZE_IN_TX);
                long at = hit.wall;
                if (f == Fault.KILL_TX) {
                    Replica next = awaitLeader(leader, leaderBound());
                    faults.add(new FaultRecord(round, f, leader.id, victim, at, System.currentTimeMillis(), next.id));
                    say("  kill -9 " + victim + " (leader) inside a fenced write (" + hit + "); " + next.id
                            + " leads after " + secs(at));
                    start(leader);
                    waitFor(leader.id + " ready again", START, leader::ready);
                    break;
                }
                leader.frozen = true;
                Replica next = awaitLeader(leader, leaderBound());
                long led = System.currentTimeMillis();
                Long gone = backendGoneAfter(hit, at);
                long frozenFor = led - at;
                if (frozenFor < p.leaseDuration().toMillis()) {
                    sleep(Duration.ofMillis(p.leaseDuration().toMillis() - frozenFor));
                }
                victim.signal("CONT");
                leader.frozen = false;
                long woke = System.currentTimeMillis();
                faults.add(new FaultRecord(round, f, leader.id, victim, at, woke, next.id));
                say("  kill -STOP " + victim + " (leader) inside a fenced write (" + hit + "); " + next.id
                        + " leads after " + secs(at) + (gone == null ? "; its session still open"
                        : "; its session was gone (fence lock released by the server) when the new leader led, "
                        + gone + " ms after the stop")
                        + "; kill -CONT after " + secs(at));
                waitFor(leader.id + " standing down after waking", leaderBound(), () -> !leader.leads());
                break;
            }
            case KILL_SEND: {
                Child victim = leader.current();
                long[] at = {0};
                receiver.beforeNextAnswer(() -> {
                    at[0] = System.currentTimeMillis();
                    victim.kill9();
                });
                try {
                    // a notification is sent when a Job fails (several a minute of simulated time)
                    waitFor("a webhook delivery from " + victim, leaderBound().plus(SLACK), () -> !victim.isAlive());
                } finally {
                    receiver.cancelBeforeNextAnswer();
                }
                Replica next = awaitLeader(leader, leaderBound());
                faults.add(new FaultRecord(round, f, leader.id, victim, at[0], System.currentTimeMillis(), next.id));
                say("  kill -9 " + victim + " (leader) while its webhook send waited for the answer; " + next.id
                        + " leads after " + secs(at[0]));
                start(leader);
                waitFor(leader.id + " ready again", START, leader::ready);
                break;
            }
            case DB_RESTART: {
                long at = System.currentTimeMillis();
                replicas.forEach(r -> r.dbProxy.freeze());
                sleep(DB_RESTART);
                replicas.forEach(r -> r.dbProxy.thaw());
                faults.add(new FaultRecord(round, f, "all", null, at, System.currentTimeMillis(), null));
                say("  every replica cut from the database for " + secs(at) + " (stand-in for a restart)");
                break;
            }
            default:
                throw new IllegalStateException("unknown fault " + f);
        }
    }

    // ------------------------------------------------------------------------------------------------ in a transaction

    /** A leader's database session seen holding the fence row's lock. */
    record InTx(long backendPid, long epoch, long wall, int polls, int misses) {
        @Override
        public String toString() {
            return "backend " + backendPid + ", fence epoch " + epoch + ", after " + polls + " polls, " + misses
                    + " near misses";
        }
    }

    /** The application name the replica's store sessions carry (PostgreSQL), to find them in pg_stat_activity. */
    private static String applicationName(Replica r) {
        return "chaos-" + r.id;
    }

    /**
     * Waits (bounded) until one of the leader's sessions is inside a fenced write — it holds the row-exclusive lock
     * an {@code UPDATE guardian_fence} takes, to its commit — then stops it ({@code freeze}) or kills it. A stop is
     * checked: if the transaction had ended just before the signal, the process is continued and the wait goes on
     * (a near miss). Prints {@code IN-TX <epoch>} to the narrative. PostgreSQL only.
     */
    private InTx strikeInTx(Replica leader, Child victim, boolean freeze) {
        if (!database.provider().equals("postgres")) {
            throw new IllegalStateException("freeze-in-tx and kill-tx need PostgreSQL (pg_locks)");
        }
        String sql = "SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                + "WHERE a.application_name = ? AND l.locktype = 'relation' AND l.granted "
                + "AND l.mode = 'RowExclusiveLock' AND l.relation = to_regclass(?) AND a.xact_start IS NOT NULL";
        long deadline = System.nanoTime() + leaderBound().plus(SLACK).toNanos();
        int polls = 0;
        int misses = 0;
        try (Connection c = connect(); java.sql.PreparedStatement q = c.prepareStatement(sql);
                java.sql.PreparedStatement epoch = c.prepareStatement("SELECT epoch FROM " + schema
                        + ".guardian_fence WHERE id = 1")) {
            q.setString(1, applicationName(leader));
            q.setString(2, schema + ".guardian_fence");
            while (System.nanoTime() < deadline) {
                polls++;
                long pid = -1;
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    if (rs.next()) {
                        pid = rs.getLong(1);
                    }
                }
                if (pid < 0) {
                    continue;
                }
                long at = System.currentTimeMillis();
                if (!freeze) {
                    victim.kill9();
                    return new InTx(pid, readEpoch(epoch), at, polls, misses);
                }
                victim.signal("STOP");
                boolean still;
                try (java.sql.ResultSet rs = q.executeQuery()) {
                    still = false;
                    while (rs.next()) {
                        still |= rs.getLong(1) == pid;
                    }
                }
                if (still) {
                    long e = readEpoch(epoch);
                    say("  IN-TX " + e + ": " + victim + " stopped inside a fenced write (backend " + pid + ")");
                    return new InTx(pid, e, at, polls, misses);
                }
                victim.signal("CONT");
                misses++;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot watch the leader's transactions: " + e.getMessage(), e);
        }
        throw new IllegalStateException("timed out waiting for " + leader.id + " inside a fenced write (" + polls
                + " polls, " + misses + " near misses)");
    }

    private static long readEpoch(java.sql.PreparedStatement epoch) throws SQLException {
        try (java.sql.ResultSet rs = epoch.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    /** Milliseconds from {@code since} until the frozen backend was gone, or null if it still exists. */
    private Long backendGoneAfter(InTx hit, long since) {
        try (Connection c = connect(); java.sql.PreparedStatement q = c.prepareStatement(
                "SELECT 1 FROM pg_stat_activity WHERE pid = ?")) {
            q.setLong(1, hit.backendPid());
            try (java.sql.ResultSet rs = q.executeQuery()) {
                return rs.next() ? null : System.currentTimeMillis() - since;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    private void start(Replica r) {
        Path settings = workdir.resolve(r.id + ".properties");
        Properties p = new Properties();
        ChaosOptions.Profile prof = options.profile();
        p.setProperty("chaos.apiUrl", r.apiProxy.url());
        p.setProperty("storage.type", database.provider());
        String pre = "storage." + database.provider();
        p.setProperty(pre + ".host", "127.0.0.1");
        p.setProperty(pre + ".port", r.dbProxy.url().replaceAll(".*:(\\d+)/$", "$1"));
        if (database.provider().equals("postgres")) {
            p.setProperty(pre + ".database", database.name());
            p.setProperty(pre + ".schema", schema);
            p.setProperty(pre + ".sslMode", "disable");
            p.setProperty(pre + ".applicationName", applicationName(r));
        } else {
            p.setProperty(pre + ".database", schema);
        }
        if (database.user() != null) {
            p.setProperty(pre + ".username", database.user());
        }
        if (database.password() != null) {
            p.setProperty(pre + ".password", database.password());
        }
        p.setProperty(pre + ".maxOpenConns", "4");
        p.setProperty("watcher.type", "kubernetes");
        p.setProperty("watcher.requestTimeout", Settings.format(REQUEST_TIMEOUT));
        p.setProperty("leaderElection.enabled", "true");
        p.setProperty("leaderElection.type", "kubernetes");
        p.setProperty("leaderElection.namespace", "guardian-system");
        p.setProperty("leaderElection.leaseName", "guardian-chaos");
        p.setProperty("leaderElection.leaseDuration", Settings.format(prof.leaseDuration()));
        p.setProperty("leaderElection.renewDeadline", Settings.format(prof.renewDeadline()));
        p.setProperty("leaderElection.retryPeriod", Settings.format(prof.retryPeriod()));
        p.setProperty("scheduler.startupGracePeriod", "0s");
        p.setProperty("rateLimits.maxAlertsPerMinute", "100000");
        p.setProperty("rateLimits.burstLimit", "10000");
        // every incident announced: no suppression of a repeated failure (default 1 h), so that "every open incident
        // has its openings" is a strict check
        p.setProperty("rateLimits.defaultSuppressDuplicatesFor", "0s");
        for (String ch : ChaosScenario.CHANNELS) {
            p.setProperty("channels." + ch + ".type", "webhook");
            p.setProperty("channels." + ch + ".url", receiver.url("/" + ch));
            p.setProperty("channels." + ch + ".timeout", "5s");
            p.setProperty("channels." + ch + ".maxAlertsPerHour", "1000000");
            p.setProperty("channels." + ch + ".burstLimit", "100000");
        }
        try (Writer w = Files.newBufferedWriter(settings, StandardCharsets.UTF_8)) {
            p.store(w, "chaos replica " + r.id);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + settings + ": " + e.getMessage(), e);
        }
        int n = r.incarnations.size();
        Child c = Child.start(r.id + "#" + n, classpath, childJvm(), ReplicaMain.class.getName(),
                List.of(r.id, settings.toString(), clock.origin().toString(), clock.startWall().toString(),
                        Double.toString(clock.factor())), workdir.resolve(r.id + "." + n + ".log"));
        everyChild.add(c);
        r.incarnations.add(c);
        r.frozen = false;
    }

    /**
     * The child JVMs' options. {@code CHAOS_REPLICA_LOG} (environment, e.g. {@code debug}) sets the log level of
     * Guardian's own loggers in every child (default: warnings only), to see what a replica did in a failed run.
     */
    private List<String> childJvm() {
        List<String> o = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Duser.timezone=America/Los_Angeles"));
        String level = replicaLogLevel;
        if (level != null && level.matches("trace|debug|info|warn|error")) {
            o.add("-Dorg.slf4j.simpleLogger.log.io.cronjobguardian=" + level);
        }
        return o;
    }

    // ------------------------------------------------------------------------------------------------ waiting

    /** {@code 3 × leaseDuration} (a Lease to expire, a retry with jitter, an engine start) plus {@link #SLACK}. */
    private Duration leaderBound() {
        return options.profile().leaseDuration().multipliedBy(3).plus(SLACK);
    }

    /** The single replica other than {@code except} that says it leads. */
    private Replica awaitLeader(Replica except, Duration atMost) {
        Replica[] found = {null};
        waitFor("a leader" + (except == null ? "" : " other than " + except.id), atMost, () -> {
            List<Replica> ls = replicas.stream().filter(r -> r != except && r.leads()).collect(Collectors.toList());
            if (ls.size() == 1) {
                found[0] = ls.get(0);
                return true;
            }
            return false;
        });
        return found[0];
    }

    /** Every replica ready and one leader. */
    private void awaitSteady() {
        for (Replica r : replicas) {
            waitFor(r.id + " ready", START, r::ready);
        }
        awaitLeader(null, leaderBound());
    }

    private String waitForLine(Child c, String prefix, Duration atMost) {
        String[] line = {null};
        waitFor(c.name + " printing \"" + prefix + "\"", atMost, () -> {
            if (!c.isAlive() && c.last(l -> l.startsWith(prefix)).isEmpty()) {
                throw new IllegalStateException(c + " exited with " + c.process.exitValue() + ":\n" + c.tail(30));
            }
            line[0] = c.last(l -> l.startsWith(prefix)).orElse(null);
            return line[0] != null;
        });
        return line[0];
    }

    private void waitFor(String what, Duration atMost, BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                StringBuilder sb = new StringBuilder("timed out after " + atMost.toSeconds() + " s waiting for " + what);
                for (Replica r : replicas) {
                    if (!r.incarnations.isEmpty()) {
                        sb.append("\n--- ").append(r.current()).append(r.current().isAlive() ? "" : " (exited)")
                                .append(":\n").append(r.current().tail(15));
                    }
                }
                throw new IllegalStateException(sb.toString());
            }
            sleep(Duration.ofMillis(20));
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    // ------------------------------------------------------------------------------------------------ checks

    /**
     * Lets the simulation run on until the stuck CronJob's first slot without a Job is past its deadline (and 1 s
     * real for the engine to judge it), so that its MissedSchedule is judged in every run: a quick run (an idle
     * machine, fast elections) would stop before that deadline. Bounded by 60 s; on timeout the run goes on and the
     * check says why it could not judge.
     */
    /** Opens the harness's own store client (straight to the database, not through a proxy), once. */
    private void openReader() {
        if (reader == null) {
            reader = Providers.byName(HistoryStoreProvider.class, database.provider()).orElseThrow()
                    .create(Settings.of(directSettings()), ProviderContext.defaults());
            reader.start();
        }
    }

    private void awaitStuckDeadline() {
        openReader();
        CronJobRef stuck = CronJobRef.of(ChaosScenario.STUCK.split("/")[0], ChaosScenario.STUCK.split("/")[1]);
        long bound = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Instant due = null;
        while (System.nanoTime() < bound) {
            if (due == null) {
                List<Execution> runs = reader.executions(ExecutionQuery.forCronJob(stuck).page(0, 50)).items();
                if (runs.size() >= ChaosScenario.STUCK_AFTER_RUNS) {
                    Instant last = runs.stream().map(e -> e.job().scheduledTime()).filter(java.util.Objects::nonNull)
                            .max(Instant::compareTo).orElse(null);
                    if (last != null) {
                        // its schedule is every minute: the next slot is the first without a Job
                        due = last.plus(Duration.ofMinutes(1)).plus(ChaosScenario.MISSED_BUFFER)
                                .plus(ChaosScenario.OBSERVATION_GRACE)
                                .plus(Duration.ofMillis((long) (1000 * clock.factor())));
                    }
                }
            }
            if (due != null && !clock.instant().isBefore(due)) {
                return;
            }
            sleep(Duration.ofMillis(100));
        }
        say("WARNING: " + ChaosScenario.STUCK + " had not reached its first deadline without a Job after 60 s");
    }

    private Result finish() {
        awaitStuckDeadline();
        // 1. the simulation stops; its log of every Job is the ground truth
        simulator.send("stop");
        String stopped = waitForLine(simulator, "STOPPED", Duration.ofSeconds(30));
        String[] st = stopped.split(" ");
        // every slot before this one got its Job (or is in skipped.tsv); from here on no CronJob is scheduled
        Instant unscheduledFrom = st.length > 1 && !st[1].equals("-") ? Instant.parse(st[1]) : clock.instant();
        List<Run> runs = readRuns();
        List<String[]> skipped = readSkipped();
        Duration missedAfter = ChaosScenario.MISSED_BUFFER.plus(ChaosScenario.OBSERVATION_GRACE);
        afterStop = unscheduledFrom.plus(missedAfter);
        // the stuck CronJob's first slot without a Job, when its deadline fell before the simulation stopped
        Instant stuckSlot = skipped.stream().filter(x -> x[0].equals(ChaosScenario.STUCK))
                .map(x -> Instant.parse(x[1])).min(Instant::compareTo)
                .filter(slot -> slot.plus(missedAfter).isBefore(unscheduledFrom)).orElse(null);
        // a Job deleted the moment it finished before any replica watched (its watcher's initial list, shortly
        // before it says SYNCED) is seen by none: counted apart
        long firstReady = replicas.stream().filter(r -> !r.incarnations.isEmpty())
                .map(r -> r.incarnations.get(0).last(l -> l.startsWith("SYNCED ")))
                .flatMap(Optional::stream).mapToLong(l -> Long.parseLong(l.split(" ")[1].trim())).min()
                .orElse(Long.MAX_VALUE);
        List<Run> unseen = runs.stream().filter(Run::finished)
                .filter(run -> (run.namespace() + "/" + run.cronJob()).equals(ChaosScenario.DELETED_AT_ONCE)
                        && run.finishedWall() < firstReady)
                .collect(Collectors.toList());
        List<Run> finished = runs.stream().filter(Run::finished).filter(run -> !unseen.contains(run))
                .collect(Collectors.toList());
        say("simulation stopped: " + runs.size() + " Jobs created, " + finished.size() + " finished (and "
                + unseen.size() + " deleted at once before any replica watched, not judged: "
                + unseen.stream().map(Run::job).collect(Collectors.joining(" ")) + ")");

        // 2. the leader records the last Jobs and sends the last notifications (bounded; then whatever is missing
        //    is missing)
        openReader();
        // quiet: the last Jobs recorded, every open incident's openings queued, nothing left to send, and still so
        // after the time a failed Job's context reads may take (the last failure may still be on its way to an
        // incident)
        Duration drain = leaderBound().plus(Duration.ofSeconds(30));
        Duration quiet = REQUEST_TIMEOUT.plus(options.profile().retryPeriod()).plusSeconds(1);
        long[] quietSince = {0};
        try {
            waitFor("every finished Job recorded and the outbox drained", drain, () -> {
                boolean done = mismatches(finished, executions()).isEmpty() && undelivered().isEmpty()
                        && openingsMissing().isEmpty() && (stuckSlot == null || !stuckIncidents().isEmpty());
                if (!done) {
                    quietSince[0] = 0;
                    return false;
                }
                if (quietSince[0] == 0) {
                    quietSince[0] = System.nanoTime();
                }
                return System.nanoTime() - quietSince[0] >= quiet.toNanos();
            });
        } catch (IllegalStateException e) {
            say("WARNING: " + e.getMessage().lines().findFirst().orElse(""));
        }
        // 3. the replicas stop gracefully (sends in flight finish), standbys first so that leadership does not move
        //    again, so nothing arrives after the count
        List<Replica> stopOrder = new ArrayList<>(replicas);
        stopOrder.sort((a, b) -> Boolean.compare(a.leads(), b.leads()));
        for (Replica r : stopOrder) {
            if (r.current().isAlive()) {
                r.current().stop(SHUTDOWN.plus(SLACK));
            }
        }

        List<String> problems = new ArrayList<>();
        // ---- runs
        List<Execution> stored = executions();
        Map<String, List<Execution>> byJob = stored.stream()
                .collect(Collectors.groupingBy(e -> e.job().namespace() + "/" + e.job().name()));
        int lost = 0;
        int duplicated = 0;
        int wrong = 0;
        int recorded = 0;
        for (Run run : finished) {
            List<Execution> es = byJob.getOrDefault(run.key(), List.of());
            if (es.isEmpty()) {
                lost++;
                problems.add("lost: " + run.key() + " " + run.outcome);
            } else if (es.size() > 1) {
                duplicated++;
                problems.add("duplicated: " + run.key() + " recorded " + es.size() + " times");
            } else if (es.get(0).state() != run.state() || es.get(0).job().attempts() != run.attempts) {
                wrong++;
                problems.add("wrong outcome: " + run.key() + " recorded " + es.get(0).state() + "/"
                        + es.get(0).job().attempts() + ", was " + run.state() + "/" + run.attempts);
            } else {
                recorded++;
            }
        }
        Set<String> created = runs.stream().map(Run::key).collect(Collectors.toSet());
        for (String k : byJob.keySet()) {
            if (!created.contains(k)) {
                wrong++;
                problems.add("recorded but never created: " + k);
            }
        }

        // Jobs deleted the moment they finished: part of every count above, shown apart (with 3 replicas one is
        // always up, so none finished and vanished unseen)
        int deletedAtOnce = (int) finished.stream()
                .filter(run -> (run.namespace() + "/" + run.cronJob()).equals(ChaosScenario.DELETED_AT_ONCE)).count();
        int deletedAtOnceRecorded = (int) finished.stream()
                .filter(run -> (run.namespace() + "/" + run.cronJob()).equals(ChaosScenario.DELETED_AT_ONCE))
                .filter(run -> byJob.getOrDefault(run.key(), List.of()).size() == 1).count();
        say("Jobs deleted right after finishing (" + ChaosScenario.DELETED_AT_ONCE + "): " + deletedAtOnce
                + " finished, " + deletedAtOnceRecorded + " recorded once");

        // ---- notifications: the outbox against the receiver, by notification id
        List<Receiver.Delivery> deliveries = receiver.deliveries();
        Map<Long, List<Receiver.Delivery>> byId = deliveries.stream()
                .collect(Collectors.groupingBy(Receiver.Delivery::notificationId));
        List<Incident> incidents = incidents();
        // ---- MissedSchedule: the stuck CronJob's opens at its deadline; no other CronJob missed a slot before the
        //      simulation stopped (after it, every CronJob is unscheduled: those incidents are not judged, nor their
        //      notifications, which the replicas' stop may cut)
        int missedMissing = 0;
        int missedFalse = 0;
        List<Double> missedLateness = new ArrayList<>();
        List<Incident> judged = new ArrayList<>();
        for (Incident inc : incidents) {
            if (inc.key().type() != AlertType.MISSED_SCHEDULE) {
                judged.add(inc);
                continue;
            }
            String cj = inc.key().cronJob().namespace() + "/" + inc.key().cronJob().name();
            boolean stuck = cj.equals(ChaosScenario.STUCK);
            if (afterTheStop(inc)) {
                continue;   // a slot after the simulation stopped
            }
            if (stuck && stuckSlot == null && afterStop != null && !inc.openedAt().isBefore(afterStop)) {
                // the stuck CronJob's first slot without a Job came after the stop (a quick run): like every
                // CronJob's, its slots after the stop are not judged
                continue;
            }
            judged.add(inc);
            if (!stuck) {
                missedFalse++;
                problems.add("false MissedSchedule: " + inc.id() + " of " + cj + " opened at " + inc.openedAt()
                        + " (every slot of it before the stop got its Job): " + inc.context().attributes());
            } else if (stuckSlot == null || inc.openedAt().isBefore(stuckSlot.plus(missedAfter))) {
                missedFalse++;
                problems.add("early MissedSchedule: " + inc.id() + " of " + cj + " opened at " + inc.openedAt()
                        + ", before the deadline of its first slot without a Job ("
                        + (stuckSlot == null ? "none" : stuckSlot.plus(missedAfter)) + ")");
            }
        }
        List<Incident> stuckIncidents = incidents.stream()
                .filter(i -> i.key().type() == AlertType.MISSED_SCHEDULE
                        && (i.key().cronJob().namespace() + "/" + i.key().cronJob().name()).equals(ChaosScenario.STUCK))
                .sorted(Comparator.comparing(Incident::openedAt)).collect(Collectors.toList());
        if (stuckSlot != null) {
            Instant deadline = stuckSlot.plus(missedAfter);
            if (stuckIncidents.isEmpty()) {
                missedMissing++;
                problems.add("missing MissedSchedule: " + ChaosScenario.STUCK + " got no Job from " + stuckSlot
                        + " on (deadline " + deadline + ", the simulation stopped at " + unscheduledFrom + ")");
            } else {
                Incident first = stuckIncidents.get(0);
                double late = (clock.toWall(first.openedAt()).toEpochMilli()
                        - clock.toWall(deadline).toEpochMilli()) / 1000.0;
                missedLateness.add(late);
                say(String.format(Locale.ROOT, "MissedSchedule of %s: first slot without a Job %s, deadline (slot + "
                        + "buffer %ds + observation grace %ds, simulated) %s; opened %s: %.2f s (real) after the "
                        + "deadline%s", ChaosScenario.STUCK, stuckSlot, ChaosScenario.MISSED_BUFFER.getSeconds(),
                        ChaosScenario.OBSERVATION_GRACE.getSeconds(), deadline, first.openedAt(), late,
                        stuckIncidents.size() > 1 ? " (" + stuckIncidents.size() + " incidents)" : ""));
                long deadlineWall = clock.toWall(deadline).toEpochMilli();
                boolean nearFault = faults.stream().anyMatch(f -> f.endWall() >= deadlineWall - 1000
                        && f.faultWall() <= clock.toWall(first.openedAt()).toEpochMilli());
                if (nearFault) {
                    say("  (a fault was in progress between the deadline and the opening)");
                }
                if (deadlineWall < firstLeaderWall) {
                    say(String.format(Locale.ROOT, "  (the deadline fell %.2f s before the first leader was elected)",
                            (firstLeaderWall - deadlineWall) / 1000.0));
                }
            }
        } else {
            say("MissedSchedule of " + ChaosScenario.STUCK + ": not expected (its first slot without a Job "
                    + "had no deadline before the simulation stopped)");
        }
        Set<Long> notJudged = new HashSet<>();
        for (Incident inc : incidents) {
            if (afterTheStop(inc)) {
                reader.notifications(inc.id()).forEach(n -> notJudged.add(n.id()));
            }
        }
        incidents = judged;
        int sent = 0;
        int delivered = 0;
        int nLost = 0;
        int dups = 0;
        int keyed = 0;
        int order = 0;
        int cancelled = 0;
        Set<Long> known = new HashSet<>(notJudged);
        for (Incident inc : incidents) {
            List<Notification> ns = reader.notifications(inc.id());
            Map<String, Long> openedAt = new HashMap<>();
            for (Notification n : ns) {
                known.add(n.id());
                sent++;
                List<Receiver.Delivery> ds = byId.getOrDefault(n.id(), List.of());
                if (ds.isEmpty() && n.status() == NotificationStatus.FAILED && n.lastError() != null
                        && n.lastError().startsWith("cancelled")) {
                    // documented: an opening still waiting when its incident resolves is cancelled, not sent (and
                    // its resolution is not announced on that channel)
                    cancelled++;
                    continue;
                }
                if (ds.isEmpty()) {
                    nLost++;
                    problems.add("notification lost: " + n.kind() + " of " + inc.id() + " (" + inc.key().type()
                            + ") on " + n.channel() + ", " + n.status() + " after " + n.attempts() + " attempts"
                            + (n.lastError() == null ? "" : ": " + n.lastError()));
                    continue;
                }
                delivered++;
                if (ds.size() > 1) {
                    dups += ds.size() - 1;
                    String k0 = ds.get(0).idempotencyKey();
                    keyed += (int) ds.stream().skip(1).filter(d -> k0 != null && k0.equals(d.idempotencyKey()))
                            .count();
                    problems.add("duplicate: " + n.kind() + " of " + inc.id() + " on " + n.channel() + " received "
                            + ds.size() + " times");
                }
                if (n.kind() == NotificationKind.OPENED) {
                    openedAt.put(n.channel(), ds.get(0).wallMillis());
                }
            }
            for (Notification n : ns) {
                List<Receiver.Delivery> ds = byId.getOrDefault(n.id(), List.of());
                if (n.kind() == NotificationKind.RESOLVED && !ds.isEmpty()) {
                    Long o = openedAt.get(n.channel());
                    if (o == null || ds.get(0).wallMillis() < o) {
                        order++;
                        problems.add("resolution of " + inc.id() + " on " + n.channel() + " received "
                                + (o == null ? "without its opening" : "before its opening"));
                    }
                }
            }
            if (inc.resolvedAt() == null) {
                for (String ch : ChaosScenario.CHANNELS) {
                    if (ns.stream().noneMatch(n -> n.kind() == NotificationKind.OPENED && n.channel().equals(ch))) {
                        order++;
                        problems.add("open incident " + inc.id() + " (" + inc.key().type() + ") has no opening on "
                                + ch);
                    }
                }
            }
        }
        for (Receiver.Delivery d : deliveries) {
            if (!known.contains(d.notificationId())) {
                problems.add("received a notification the outbox does not hold: " + d);
            }
        }
        receiver.malformed().forEach(b -> problems.add("malformed delivery: " + b));

        // ---- writers per epoch, zombies
        List<WriteLine> writes = writes();
        int epochViolations = epochViolations(writes, problems);

        // ---- figures
        Map<String, List<Double>> failover = new TreeMap<>();
        Map<String, List<Double>> toNotification = new TreeMap<>();
        for (FaultRecord f : faults) {
            if (f.newLeader() == null || f.targetIncarnation() == null) {
                continue;
            }
            Optional<WriteLine> lastOld = writes.stream().filter(w -> w.child == f.targetIncarnation() && w.ok()
                    && w.wall <= f.faultWall()).reduce((a, b) -> b);
            Optional<WriteLine> firstNew = writes.stream().filter(w -> w.ok() && w.wall > f.faultWall()
                    && w.child.name.startsWith(f.newLeader() + "#") && w.epoch >= 0).findFirst();
            if (lastOld.isPresent() && firstNew.isPresent()) {
                failover.computeIfAbsent(f.fault().word(), k -> new ArrayList<>())
                        .add((firstNew.get().wall - lastOld.get().wall) / 1000.0);
            }
            deliveries.stream().filter(d -> d.wallMillis() > f.faultWall()).findFirst()
                    .ifPresent(d -> toNotification.computeIfAbsent(f.fault().word(), k -> new ArrayList<>())
                            .add((d.wallMillis() - f.faultWall()) / 1000.0));
        }
        List<Double> recordLatency = new ArrayList<>();
        List<Double> webhookLatency = new ArrayList<>();
        Map<String, Long> firstRecorded = new HashMap<>();
        for (WriteLine w : writes) {
            if (w.ok()) {
                for (Map.Entry<String, String> e : w.jobs.entrySet()) {
                    if (e.getValue().equals("SUCCEEDED") || e.getValue().equals("FAILED")) {
                        firstRecorded.putIfAbsent(e.getKey(), w.wall);
                    }
                }
            }
        }
        Map<String, Long> firstOpening = new HashMap<>();
        for (Receiver.Delivery d : deliveries) {
            if (!"resolved".equals(d.kind()) && "JobFailed".equals(d.type()) && d.jobName() != null) {
                firstOpening.putIfAbsent(d.jobName(), d.wallMillis());
            }
        }
        for (Run run : finished) {
            if (inFaultWindow(run.finishedWall)) {
                continue;
            }
            Long rec = firstRecorded.get(run.key());
            if (rec != null) {
                recordLatency.add(Math.max(0, rec - run.finishedWall) / 1000.0);
            }
            if (run.state() == JobState.FAILED) {
                Long d = firstOpening.get(run.job);
                if (d != null) {
                    webhookLatency.add(Math.max(0, d - run.finishedWall) / 1000.0);
                }
            }
        }

        // ---- processes
        killEverything();
        int left = 0;
        for (Child c : everyChild) {
            if (c.leftBehind()) {
                left++;
                problems.add("process left behind: " + c);
            }
        }
        Result r = new Result(finished.size(), recorded, lost, duplicated, wrong, sent, delivered, nLost, dups, keyed,
                cancelled, order, epochViolations, left, failover, toNotification, recordLatency, webhookLatency,
                deletedAtOnce, missedMissing, missedFalse, missedLateness, problems);
        report(r);
        return r;
    }

    /**
     * Whether a Job that finished at {@code wall} finished outside the steady state: before the first leader (plus
     * one lease duration to catch up), or within one lease duration of a fault's window.
     */
    private boolean inFaultWindow(long wall) {
        long margin = options.profile().leaseDuration().toMillis();
        if (wall < firstLeaderWall + margin) {
            return true;
        }
        return faults.stream().anyMatch(f -> wall >= f.faultWall() - margin && wall <= f.endWall() + margin);
    }

    private void report(Result r) {
        say("faults: " + faults.stream().map(f -> f.fault().word() + "(" + f.target() + (f.newLeader() == null ? ""
                : "->" + f.newLeader()) + ")").collect(Collectors.joining(", ")));
        for (String kind : r.failover().keySet()) {
            say("failover " + kind + " (last write of the old leader -> first write of the new one): "
                    + Stats.describe(r.failover().get(kind)));
        }
        for (String kind : r.faultToNotification().keySet()) {
            say("fault " + kind + " -> first notification received: "
                    + Stats.describe(r.faultToNotification().get(kind)));
        }
        say("steady state: Job finished -> recorded " + Stats.describe(r.recordLatency()));
        say("steady state: Job failed -> webhook received " + Stats.describe(r.webhookLatency()));
        say("MissedSchedule opened after the deadline: " + Stats.describe(r.missedLateness()) + "; missing: "
                + r.missedMissing() + "; false: " + r.missedFalse());
        say("notifications in the outbox: " + r.notificationsSent() + "; openings cancelled (resolved before sent): "
                + r.cancelled());
        say("epoch violations: " + r.epochViolations() + "; order violations: " + r.orderViolations()
                + "; wrong outcomes: " + r.wrongOutcome() + "; processes left behind: " + r.leftBehind());
        int shown = 0;
        for (String p : r.problems()) {
            if (shown++ < 40) {
                say("  " + p);
            }
        }
        if (r.problems().size() > 40) {
            say("  ... " + (r.problems().size() - 40) + " more");
        }
        say("logs: " + workdir);
        out.println(r.summary());
        out.flush();
    }

    /** A line {@code W <wall> <method> <epoch> <outcome> <started> [ns/job=STATE ...]} of one replica JVM. */
    static final class WriteLine {
        final Child child;
        final long wall;
        final String method;
        final long epoch;
        final String outcome;
        /** When the call began (the line is printed when it returned). */
        final long started;
        final Map<String, String> jobs = new LinkedHashMap<>();

        WriteLine(Child child, String line) {
            this.child = child;
            String[] p = line.split(" ");
            this.wall = Long.parseLong(p[1]);
            this.method = p[2];
            this.epoch = Long.parseLong(p[3]);
            this.outcome = p[4];
            this.started = Long.parseLong(p[5]);
            for (int i = 6; i < p.length; i++) {
                int eq = p[i].lastIndexOf('=');
                jobs.put(p[i].substring(0, eq), p[i].substring(eq + 1));
            }
        }

        boolean ok() {
            return outcome.equals("ok");
        }

        String replica() {
            return child.name.substring(0, child.name.indexOf('#'));
        }
    }

    private List<WriteLine> writes() {
        List<WriteLine> all = new ArrayList<>();
        for (Replica r : replicas) {
            for (Child c : r.incarnations) {
                for (String l : c.lines()) {
                    if (l.startsWith("W ")) {
                        try {
                            all.add(new WriteLine(c, l));
                        } catch (RuntimeException e) {
                            // a line cut by kill -9
                        }
                    }
                }
            }
        }
        all.sort((a, b) -> Long.compare(a.wall, b.wall));
        return all;
    }

    /**
     * Epochs with successful fenced writes of two replicas, and successful writes of an epoch older than one another
     * replica had already begun (its {@code advanceEpoch} succeeded earlier): a zombie that wrote.
     */
    private static int epochViolations(List<WriteLine> writes, List<String> problems) {
        int n = 0;
        Map<Long, Set<String>> writers = new TreeMap<>();
        for (WriteLine w : writes) {
            if (w.ok() && w.epoch >= 0) {
                writers.computeIfAbsent(w.epoch, k -> new HashSet<>()).add(w.replica());
            }
        }
        for (Map.Entry<Long, Set<String>> e : writers.entrySet()) {
            if (e.getValue().size() > 1) {
                n++;
                problems.add("epoch " + e.getKey() + " written by " + e.getValue());
            }
        }
        long highestBegun = -1;
        long highestBegunAt = 0;
        for (WriteLine w : writes) {
            if (!w.ok() || w.epoch < 0) {
                continue;
            }
            if (w.method.equals("advanceEpoch") || w.method.equals("claimEpoch")) {
                if (w.epoch > highestBegun) {
                    highestBegun = w.epoch;
                    highestBegunAt = w.wall;
                }
            } else if (w.epoch < highestBegun && w.started >= highestBegunAt) {
                n++;
                problems.add("zombie write: " + w.child + " " + w.method + " with epoch " + w.epoch + " called after"
                        + " epoch " + highestBegun + " began, and accepted");
            } else if (w.epoch < highestBegun) {
                // called before the newer epoch began, returned after (the process was frozen or slow in between):
                // the store ordered it before the fence; not a zombie's write
                problems.add("note: " + w.child + " " + w.method + " with epoch " + w.epoch + " was in flight when "
                        + "epoch " + highestBegun + " began (called " + (highestBegunAt - w.started) + " ms before, "
                        + "returned " + (w.wall - highestBegunAt) + " ms after)");
            }
        }
        return n;
    }

    /** Differences between the finished runs and the store (empty when every run is recorded once, as it ended). */
    private static List<String> mismatches(List<Run> finished, List<Execution> stored) {
        Map<String, List<Execution>> byJob = stored.stream()
                .collect(Collectors.groupingBy(e -> e.job().namespace() + "/" + e.job().name()));
        List<String> out = new ArrayList<>();
        for (Run run : finished) {
            List<Execution> es = byJob.get(run.key());
            if (es == null || es.size() != 1 || es.get(0).state() != run.state()) {
                out.add(run.key());
            }
        }
        return out;
    }

    private List<Execution> executions() {
        List<Execution> all = new ArrayList<>();
        for (int offset = 0; offset < 1_000_000; offset += ExecutionQuery.MAX_LIMIT) {
            List<Execution> page = reader.executions(ExecutionQuery.all().page(offset, ExecutionQuery.MAX_LIMIT))
                    .items();
            all.addAll(page);
            if (page.size() < ExecutionQuery.MAX_LIMIT) {
                break;
            }
        }
        return all;
    }

    private List<Incident> incidents() {
        List<Incident> all = new ArrayList<>();
        for (int offset = 0; offset < 1_000_000; offset += ExecutionQuery.MAX_LIMIT) {
            List<Incident> page = reader.incidents(IncidentQuery.all().page(offset, ExecutionQuery.MAX_LIMIT))
                    .items();
            all.addAll(page);
            if (page.size() < ExecutionQuery.MAX_LIMIT) {
                break;
            }
        }
        return all;
    }

    /** Open incidents without an opening queued on one of the channels. */
    private List<String> openingsMissing() {
        List<String> out = new ArrayList<>();
        for (Incident i : incidents()) {
            if (i.resolvedAt() != null || afterTheStop(i)) {
                continue;
            }
            List<Notification> ns = reader.notifications(i.id());
            for (String ch : ChaosScenario.CHANNELS) {
                if (ns.stream().noneMatch(n -> n.kind() == NotificationKind.OPENED && n.channel().equals(ch))) {
                    out.add(i.id() + "/" + ch);
                }
            }
        }
        return out;
    }

    /** Notifications not yet sent (pending, claimed), over every incident. */
    private List<Notification> undelivered() {
        List<Notification> out = new ArrayList<>();
        for (Incident i : incidents()) {
            if (afterTheStop(i)) {
                continue;
            }
            for (Notification n : reader.notifications(i.id())) {
                if (n.status() == NotificationStatus.PENDING || n.status() == NotificationStatus.CLAIMED) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** One Job of the simulator's log. */
    record Run(String job, String namespace, String cronJob, String outcome, int attempts, long finishedWall) {
        String key() {
            return namespace + "/" + job;
        }

        boolean finished() {
            return !outcome.equals("RUNNING");
        }

        JobState state() {
            return outcome.equals("SUCCEEDED") ? JobState.SUCCEEDED : JobState.FAILED;
        }
    }

    /**
     * A MissedSchedule of a CronJob other than {@link ChaosScenario#STUCK} opened when slots after the simulation's
     * stop (which no CronJob gets a Job for) may have passed their deadline: not judged.
     */
    private boolean afterTheStop(Incident inc) {
        return afterStop != null && inc.key().type() == AlertType.MISSED_SCHEDULE
                && !(inc.key().cronJob().namespace() + "/" + inc.key().cronJob().name()).equals(ChaosScenario.STUCK)
                && !inc.openedAt().isBefore(afterStop);
    }

    /** Incidents of type MissedSchedule of {@link ChaosScenario#STUCK}. */
    private List<Incident> stuckIncidents() {
        return incidents().stream().filter(i -> i.key().type() == AlertType.MISSED_SCHEDULE
                && (i.key().cronJob().namespace() + "/" + i.key().cronJob().name()).equals(ChaosScenario.STUCK))
                .collect(Collectors.toList());
    }

    /** The simulator's slots that got no Job: CronJob, slot (simulated), slot (wall millis). */
    private List<String[]> readSkipped() {
        try {
            List<String[]> out = new ArrayList<>();
            for (String l : Files.readAllLines(workdir.resolve("skipped.tsv"), StandardCharsets.UTF_8)) {
                out.add(l.split("\t"));
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the simulator's skipped slots: " + e.getMessage(), e);
        }
    }

    private List<Run> readRuns() {
        try {
            List<Run> runs = new ArrayList<>();
            for (String l : Files.readAllLines(workdir.resolve("runs.tsv"), StandardCharsets.UTF_8)) {
                String[] p = l.split("\t");
                runs.add(new Run(p[0], p[1], p[2], p[3], Integer.parseInt(p[4]),
                        p[6].equals("-") ? -1 : Long.parseLong(p[6])));
            }
            return runs;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the simulator's log of runs: " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------------------ database

    private Map<String, String> directSettings() {
        Map<String, String> m = new LinkedHashMap<>();
        String pre = "storage." + database.provider();
        m.put("storage.type", database.provider());
        m.put(pre + ".host", database.host());
        m.put(pre + ".port", Integer.toString(database.port()));
        if (database.provider().equals("postgres")) {
            m.put(pre + ".database", database.name());
            m.put(pre + ".schema", schema);
            m.put(pre + ".sslMode", "disable");
        } else {
            m.put(pre + ".database", schema);
        }
        if (database.user() != null) {
            m.put(pre + ".username", database.user());
        }
        if (database.password() != null) {
            m.put(pre + ".password", database.password());
        }
        return m;
    }

    private Connection connect() throws SQLException {
        Properties p = new Properties();
        if (database.user() != null) {
            p.setProperty("user", database.user());
        }
        if (database.password() != null) {
            p.setProperty("password", database.password());
        }
        String scheme = database.provider().equals("postgres") ? "postgresql" : "mariadb";
        return DriverManager.getConnection("jdbc:" + scheme + "://" + database.host() + ":" + database.port() + "/"
                + database.name(), p);
    }

    private void createSchema() {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(database.provider().equals("postgres") ? "CREATE SCHEMA " + schema
                    : "CREATE DATABASE " + schema);
            schemaCreated = true;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create " + schema + " on " + database + ": " + e.getMessage()
                    + " (is the database running? bash .ci/db-setup.sh starts one)", e);
        }
    }

    private void dropSchema() {
        if (!schemaCreated) {
            return;
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(database.provider().equals("postgres") ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE"
                    : "DROP DATABASE IF EXISTS " + schema);
            schemaCreated = false;
        } catch (SQLException e) {
            say("could not drop " + schema + ": " + e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------------ clean-up

    /** Kills every process this run started (and their descendants), by process id. Idempotent. */
    private void killEverything() {
        List<Child> copy;
        synchronized (everyChild) {
            copy = new ArrayList<>(everyChild);
        }
        for (Child c : copy) {
            try {
                c.destroy();
            } catch (RuntimeException e) {
                // go on with the others
            }
        }
    }

    /** Kills what is left, closes the proxies and the receiver, drops the schema. Idempotent. */
    @Override
    public void close() {
        killEverything();
        if (reader != null) {
            try {
                reader.close();
            } catch (RuntimeException e) {
                // closing anyway
            }
            reader = null;
        }
        proxies.forEach(TcpProxy::close);
        if (receiver != null) {
            receiver.close();
        }
        if (receiverFile != null) {
            receiverFile.close();
        }
        dropSchema();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway
        }
    }

    private String secs(long sinceWall) {
        return String.format(Locale.ROOT, "%.2f s", (System.currentTimeMillis() - sinceWall) / 1000.0);
    }

    private synchronized void say(String line) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", (System.nanoTime() - t0) / 1e9, line);
        out.flush();
    }
}
