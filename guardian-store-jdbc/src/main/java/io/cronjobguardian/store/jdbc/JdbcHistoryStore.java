package io.cronjobguardian.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.GuardianException;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.DialectSupport.PercentileStrategy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import javax.sql.DataSource;
import org.jooq.conf.RenderQuotedNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link HistoryStore} for SQL databases: one jOOQ implementation for PostgreSQL, MySQL, MariaDB and SQLite,
 * with the differences in a {@link DialectSupport} detected from the connection.
 *
 * <p>Creating a store does not connect; {@link #start()} opens the pool (or takes the host's {@link DataSource}),
 * detects the dialect, and migrates the schema. Every write runs in one transaction that first checks and raises the
 * leader-epoch fence row; that row lock is held to commit, which makes the epoch check atomic with the write and
 * serialises writers across replicas. A database that cannot be reached makes operations fail with
 * {@link StoreUnavailableException}; the pool reconnects by itself once it is back.
 *
 * <p>A writer frozen inside its transaction (process paused, VM suspended, cut off from the database) would keep the
 * fence row locked, and every other writer waiting, for as long as the server keeps its session. With an
 * {@linkplain Builder#idleInTransactionTimeout idle-in-transaction timeout} the server ends such a session after that
 * long instead: each connection the store uses is set up once for it (PostgreSQL
 * {@code idle_in_transaction_session_timeout}, MariaDB {@code idle_transaction_timeout}; on MySQL, which has
 * neither, {@code wait_timeout} is lowered for the time of each write). The frozen writer's transaction is rolled back
 * with its session, so when it wakes its write fails and applies nothing, and the next writer waits at most that
 * long for the fence.
 *
 * <p>This class is the lifecycle (start, close, health) and a facade: each concern lives in a package-private
 * collaborator of this package, which a reader can take alone. {@code Transactions} runs every operation as one
 * transaction (retries, session bounds, error messages) and {@code Fencing} is the epoch fence every write takes
 * first; {@code RunsTable} (with {@code RowBatches} and the {@code DurationHistogram} upkeep) records and reads
 * runs, {@code Retention} deletes old data, and {@code IncidentsTable}, {@code Outbox}, {@code ChannelStatsTable}
 * and {@code CronJobStatesTable} keep the rest.
 */
public final class JdbcHistoryStore implements HistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryStore.class);

    private final String name;
    private final DataSource hostDataSource;
    private final PoolSpec poolSpec;
    private final Clock clock;
    private final boolean migrate;
    private final String expectedDialect;
    private final ClassLoader migrationLoader;
    private final Duration migrationLockTimeout;
    private final Duration idleInTransactionTimeout;
    /** Test hook: the dialect whose session bounds are used instead of the detected one's (see {@link #guardAs}). */
    private volatile String guardDialect;

    private final Object lifecycle = new Object();
    /** Runs every operation; holds what start() opened. */
    private final Transactions tx;
    private final Fencing fencing;
    private final RunsTable runs;
    private final Retention retention;
    private final IncidentsTable incidents;
    private final Outbox outbox;
    private final ChannelStatsTable channels;
    private final CronJobStatesTable states;
    private final StoreTransfer transfer;

    private JdbcHistoryStore(Builder b) {
        if ((b.dataSource == null) == (b.pool == null)) {
            throw new IllegalArgumentException("give the store either a DataSource or a PoolSpec");
        }
        this.name = b.name;
        this.hostDataSource = b.dataSource;
        this.poolSpec = b.pool;
        this.clock = b.clock;
        this.migrate = b.migrate;
        this.expectedDialect = b.expectedDialect;
        this.migrationLoader = b.migrationLoader;
        this.migrationLockTimeout = b.migrationLockTimeout;
        this.idleInTransactionTimeout = b.idleInTransactionTimeout;
        org.jooq.conf.Settings jooqSettings = new org.jooq.conf.Settings()
                .withExecuteLogging(false)
                .withFetchWarnings(false)
                .withRenderSchema(false)
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
                .withRenderFormatted(false);
        this.tx = new Transactions(name, poolSpec, jooqSettings);
        this.fencing = new Fencing(tx);
        this.runs = new RunsTable(tx);
        this.retention = new Retention(tx);
        this.incidents = new IncidentsTable(tx);
        this.outbox = new Outbox(tx, clock);
        this.channels = new ChannelStatsTable(tx);
        this.states = new CronJobStatesTable(tx);
        this.transfer = new StoreTransfer(tx);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    // ================================================================= lifecycle

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (tx.isClosed()) {
                throw new IllegalStateException(name + ": the store is closed");
            }
            if (tx.current() != null) {
                return;
            }
            HikariDataSource pool = null;
            Connection anchor = null;
            try {
                DataSource ds = hostDataSource;
                if (ds == null) {
                    poolSpec.prepare();
                    anchor = poolSpec.openAnchor();
                    pool = poolSpec.open();
                    ds = pool;
                }
                DialectSupport dialect;
                PercentileStrategy strategy;
                String database;
                int version;
                try (Connection c = ds.getConnection()) {
                    dialect = DialectSupport.detect(c);
                    DatabaseMetaData md = c.getMetaData();
                    database = md.getDatabaseProductName() + " " + md.getDatabaseProductVersion();
                    checkExpected(dialect, database);
                    strategy = dialect.percentileStrategy(c);
                    Migrator m = new Migrator(dialect, migrationLoader, clock, name,
                            Math.max(1, migrationLockTimeout.toSeconds()));
                    version = migrate ? m.migrate(c) : m.verify(c);
                }
                Started started = new Started(ds, pool, anchor, dialect, new Statistics(dialect, strategy), database,
                        version, idleInTransactionTimeout,
                        guardDialect == null ? dialect : DialectSupport.forId(guardDialect));
                tx.open(started);
                LOG.info("{}: connected to {} via {}; dialect {}, percentiles by {}, schema version {}{}{}", name,
                        database, pool != null ? "pool " + poolSpec.poolName() + " (" + poolSpec.redactedUrl()
                                + ", up to " + poolSpec.maximumPoolSize() + " connections)" : "the host's DataSource",
                        dialect.id(), strategy, version, migrate ? "" : " (storage.migrate=false: verified only)",
                        started.sessionSetup.isEmpty() && started.beginWrite == null ? ""
                                : "; sessions idle in a transaction end after "
                                        + idleInTransactionTimeout.toMillis() + " ms");
            } catch (RuntimeException | SQLException e) {
                closeQuietly(pool, anchor);
                if (e instanceof GuardianException || e instanceof IllegalArgumentException) {
                    throw (RuntimeException) e;
                }
                throw tx.unavailable("start", e);
            }
        }
    }

    private void checkExpected(DialectSupport detected, String database) {
        if (expectedDialect == null || expectedDialect.equals(detected.id())) {
            return;
        }
        boolean mysqlFamily = Set.of("mysql", "mariadb").containsAll(Set.of(expectedDialect, detected.id()));
        if (mysqlFamily) {
            LOG.info("{}: configured for {}, the server is {}: using the {} dialect", name, expectedDialect,
                    database, detected.id());
            return;
        }
        throw new StoreUnavailableException(name + ": configured for " + expectedDialect + " but the database is "
                + database + "; use the store module of that database");
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (tx.isClosed()) {
                return;
            }
            tx.markClosed();
            Started s = tx.current();
            if (s != null) {
                closeQuietly(s.pool, s.anchor);
                LOG.info("{}: closed", name);
            }
        }
    }

    private void closeQuietly(HikariDataSource pool, Connection anchor) {
        if (pool != null) {
            try {
                pool.close();
            } catch (RuntimeException e) {
                LOG.debug("{}: closing the pool failed", name, e);
            }
        }
        if (anchor != null) {
            try {
                anchor.close();
            } catch (SQLException e) {
                LOG.debug("{}: closing the anchor connection failed", name, e);
            }
        }
    }

    @Override
    public StoreHealth health() {
        Instant now = clock.instant();
        if (tx.isClosed()) {
            return StoreHealth.down(name + ": closed", now);
        }
        Started s = tx.current();
        if (s == null) {
            return StoreHealth.down(name + ": not started", now);
        }
        try (Connection c = s.dataSource.getConnection()) {
            if (!c.isValid(5)) {
                return StoreHealth.down(name + ": " + s.database + " did not answer a validity check", now);
            }
            return StoreHealth.up(name + ": " + s.database + ", schema version " + s.schemaVersion + pool(s), now);
        } catch (SQLException | RuntimeException e) {
            return StoreHealth.down(tx.unavailable("health check", e).getMessage(), now);
        }
    }

    private String pool(Started s) {
        OptionalInt open = openConnections();
        return open.isPresent() ? ", " + open.getAsInt() + " connections open" : "";
    }

    @Override
    public OptionalInt openConnections() {
        Started s = tx.current();
        if (s == null || tx.isClosed()) {
            return OptionalInt.empty();
        }
        HikariDataSource h = s.pool;
        if (h == null && s.dataSource instanceof HikariDataSource) {
            h = (HikariDataSource) s.dataSource;
        }
        if (h == null || h.getHikariPoolMXBean() == null) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(h.getHikariPoolMXBean().getTotalConnections());
    }

    /** Bulk reads and writes for export, import and copy (see {@link StoreTransfer}); usable once started. */
    public StoreTransfer transfer() {
        return transfer;
    }

    /** The detected dialect; empty before start. */
    public Optional<DialectSupport> dialect() {
        Started s = tx.current();
        return s == null ? Optional.empty() : Optional.of(s.dialect);
    }

    /** The percentile strategy in use; empty before start. */
    public Optional<PercentileStrategy> percentileStrategy() {
        Started s = tx.current();
        return s == null ? Optional.empty() : Optional.of(s.statistics.strategy());
    }

    @Override
    public String toString() {
        return "JdbcHistoryStore{" + name + ", " + (poolSpec != null ? poolSpec.redactedUrl() : "host DataSource")
                + (tx.current() != null ? ", " + tx.current().database : "") + (tx.isClosed() ? ", closed" : "")
                + "}";
    }

    // ================================================================= test hooks

    /**
     * Test hook: {@code hook} runs inside every fenced write's transaction right after the fence row was taken
     * (locked), on the writing thread; blocking in it freezes the writer there. {@code null} removes it.
     */
    void afterFence(Runnable hook) {
        tx.afterFence(hook);
    }

    /**
     * Test hook, before {@link #start()}: bound sessions as the dialect {@code dialectId} does, whatever the database
     * (MySQL's {@code wait_timeout} during writes can so be tested on MariaDB, which has {@code wait_timeout} too).
     */
    void guardAs(String dialectId) {
        this.guardDialect = dialectId;
    }

    // ================================================================= fencing: Fencing

    @Override
    public long advanceEpoch(long epoch) {
        return fencing.advanceEpoch(epoch);
    }

    @Override
    public long claimEpoch(long atLeast) {
        return fencing.claimEpoch(atLeast);
    }

    @Override
    public long highestEpoch() {
        return fencing.highestEpoch();
    }

    // ================================================================= runs: RunsTable

    @Override
    public UpsertResult upsertExecution(Execution execution, long epoch) {
        return runs.upsertExecution(execution, epoch);
    }

    @Override
    public List<UpsertResult> upsertExecutions(List<Execution> executions, long epoch) {
        return runs.upsertExecutions(executions, epoch);
    }

    @Override
    public Optional<Execution> findExecution(String jobUid) {
        return runs.findExecution(jobUid);
    }

    @Override
    public Map<String, JobState> executionStates(Collection<String> jobUids) {
        return runs.executionStates(jobUids);
    }

    @Override
    public Page<Execution> executions(ExecutionQuery query) {
        return runs.executions(query);
    }

    @Override
    public List<Execution> findExecutions(ExecutionQuery query) {
        return runs.findExecutions(query);
    }

    @Override
    public Map<CronJobRef, List<Execution>> newestFinished(java.util.Collection<CronJobRef> cronJobs, int limit) {
        return runs.newestFinished(cronJobs, limit);
    }

    @Override
    public ExecutionStats stats(CronJobRef cronJob, StatsQuery window) {
        return runs.stats(cronJob, window);
    }

    @Override
    public Map<CronJobRef, ExecutionStats> stats(Collection<CronJobRef> cronJobs, StatsQuery window) {
        return runs.stats(cronJobs, window);
    }

    @Override
    public long executionCount() {
        return runs.executionCount();
    }

    // ================================================================= retention: Retention

    @Override
    public long deleteExecutionsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        return retention.deleteExecutionsBefore(cronJob, cutoff, epoch);
    }

    @Override
    public long deleteExecutions(CronJobRef cronJob, @Nullable String keepUid, long epoch) {
        return retention.deleteExecutions(cronJob, keepUid, epoch);
    }

    @Override
    public long deleteDetailsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        return retention.deleteDetailsBefore(cronJob, cutoff, epoch);
    }

    @Override
    public long pruneExecutions(java.util.Collection<CronJobRef> cronJobs, Instant cutoff, long epoch) {
        return retention.pruneExecutions(cronJobs, cutoff, epoch);
    }

    @Override
    public long pruneDetails(java.util.Collection<CronJobRef> cronJobs, Instant cutoff, long epoch) {
        return retention.pruneDetails(cronJobs, cutoff, epoch);
    }

    @Override
    public Optional<Incident> acknowledgeIncident(String incidentId, String by, Instant at, long epoch) {
        return incidents.acknowledgeIncident(incidentId, by, at, epoch);
    }

    @Override
    public Optional<Incident> silenceIncident(String incidentId, @Nullable Instant until, String by, long epoch) {
        return incidents.silenceIncident(incidentId, until, by, epoch);
    }

    @Override
    public long deleteResolvedIncidentsBefore(Instant cutoff, long epoch) {
        return retention.deleteResolvedIncidentsBefore(cutoff, epoch);
    }

    // ================================================================= incidents: IncidentsTable

    @Override
    public OpenIncidentResult openIncident(IncidentDraft given, long epoch) {
        return incidents.openIncident(given, epoch);
    }

    @Override
    public Optional<Incident> findOpenIncident(IncidentKey key) {
        return incidents.findOpenIncident(key);
    }

    @Override
    public Optional<Incident> findIncident(String incidentId) {
        return incidents.findIncident(incidentId);
    }

    @Override
    public Optional<Incident> updateIncident(Incident given, long epoch) {
        return incidents.updateIncident(given, epoch);
    }

    @Override
    public Optional<Incident> resolveIncident(String incidentId, Instant resolvedAt, long epoch) {
        return incidents.resolveIncident(incidentId, resolvedAt, epoch);
    }

    @Override
    public Page<Incident> incidents(IncidentQuery query) {
        return incidents.incidents(query);
    }

    // ================================================================= notification outbox: Outbox

    @Override
    public Optional<Notification> enqueueNotification(NotificationDraft draft, long epoch) {
        return outbox.enqueueNotification(draft, epoch);
    }

    @Override
    public Optional<Notification> claimNotification(long notificationId, String claimant, Instant now,
            Duration claimTtl, long epoch) {
        return outbox.claimNotification(notificationId, claimant, now, claimTtl, epoch);
    }

    @Override
    public List<Notification> claimDueNotifications(String claimant, Instant now, Duration claimTtl, int limit,
            long epoch) {
        return outbox.claimDueNotifications(claimant, now, claimTtl, limit, epoch);
    }

    @Override
    public boolean markNotificationSent(long notificationId, String claimant, Instant sentAt) {
        return outbox.markNotificationSent(notificationId, claimant, sentAt);
    }

    @Override
    public boolean markNotificationFailed(long notificationId, String claimant, String error,
            @Nullable Instant retryAt) {
        return outbox.markNotificationFailed(notificationId, claimant, error, retryAt);
    }

    @Override
    public Set<Long> extendClaims(Collection<Long> notificationIds, String claimant, Instant until) {
        return outbox.extendClaims(notificationIds, claimant, until);
    }

    @Override
    public int releaseClaims(Collection<Long> notificationIds, String claimant) {
        return outbox.releaseClaims(notificationIds, claimant);
    }

    @Override
    public List<Notification> notifications(String incidentId) {
        return outbox.notifications(incidentId);
    }

    @Override
    public List<Notification> pendingNotifications(int limit) {
        return outbox.pendingNotifications(limit);
    }

    // ================================================================= channel stats: ChannelStatsTable

    @Override
    public void recordChannelResult(String channel, boolean success, Instant at, @Nullable String given) {
        channels.recordChannelResult(channel, success, at, given);
    }

    @Override
    public Map<String, ChannelStats> channelStats() {
        return channels.channelStats();
    }

    // ================================================================= CronJob state: CronJobStatesTable

    @Override
    public void saveCronJobState(CronJobState state, long epoch) {
        states.saveCronJobState(state, epoch);
    }

    @Override
    public void saveCronJobStates(java.util.Collection<CronJobState> states, long epoch) {
        this.states.saveCronJobStates(states, epoch);
    }

    @Override
    public Optional<CronJobState> findCronJobState(CronJobRef ref) {
        return states.findCronJobState(ref);
    }

    @Override
    public List<CronJobState> cronJobStates() {
        return states.cronJobStates();
    }

    @Override
    public boolean deleteCronJobState(CronJobRef ref, long epoch) {
        return states.deleteCronJobState(ref, epoch);
    }

    // ================================================================= builder

    /** Builds a {@link JdbcHistoryStore}. */
    public static final class Builder {
        private String name = "jdbc-store";
        private DataSource dataSource;
        private PoolSpec pool;
        private Clock clock = Clock.systemUTC();
        private boolean migrate = true;
        private String expectedDialect;
        private ClassLoader migrationLoader;
        private Duration migrationLockTimeout = Duration.ofMinutes(2);
        private Duration idleInTransactionTimeout = Duration.ZERO;

        private Builder() {
        }

        /** Name used in log lines and messages (e.g. {@code postgres}). */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /** Use the host's DataSource; the store never closes it. */
        public Builder dataSource(DataSource value) {
            this.dataSource = value;
            return this;
        }

        /** Let the store build (at start) and close its own pool. */
        public Builder pool(PoolSpec value) {
            this.pool = value;
            return this;
        }

        /** The clock (from the ProviderContext). */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /** Apply migrations at start (default); {@code false} only verifies the schema version. */
        public Builder migrate(boolean value) {
            this.migrate = value;
            return this;
        }

        /** The dialect the configuration asked for; a different database fails start (MySQL/MariaDB mix). */
        public Builder expectedDialect(String value) {
            this.expectedDialect = value;
            return this;
        }

        /** Where the migration scripts are looked up first. */
        public Builder migrationClassLoader(ClassLoader value) {
            this.migrationLoader = value;
            return this;
        }

        /** How long start() waits for another replica's migration. */
        public Builder migrationLockTimeout(Duration value) {
            this.migrationLockTimeout = Objects.requireNonNull(value, "migrationLockTimeout");
            return this;
        }

        /**
         * How long the server may keep a session of this store that waits inside a transaction for its client
         * (default {@code 0}: as long as the server's own settings allow). Bounds how long a writer frozen inside a
         * write can keep the others waiting on the fence. Applied to every connection the store uses, the host's
         * DataSource's included; not supported by SQLite (one process writes it).
         */
        public Builder idleInTransactionTimeout(Duration value) {
            Objects.requireNonNull(value, "idleInTransactionTimeout");
            if (value.isNegative()) {
                throw new IllegalArgumentException("idleInTransactionTimeout must not be negative, was " + value);
            }
            this.idleInTransactionTimeout = value;
            return this;
        }

        /** Builds the store; nothing connects until {@link JdbcHistoryStore#start()}. */
        public JdbcHistoryStore build() {
            return new JdbcHistoryStore(this);
        }
    }
}
