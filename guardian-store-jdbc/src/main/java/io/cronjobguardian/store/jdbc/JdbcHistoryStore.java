package io.cronjobguardian.store.jdbc;

import static io.cronjobguardian.store.jdbc.Sql.millis;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.selectCount;
import static org.jooq.impl.DSL.val;

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
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.api.UpsertResult;
import io.cronjobguardian.store.jdbc.DialectSupport.PercentileStrategy;
import io.cronjobguardian.store.jdbc.Tables.ChannelStatsT;
import io.cronjobguardian.store.jdbc.Tables.CronJobStates;
import io.cronjobguardian.store.jdbc.Tables.Details;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import io.cronjobguardian.store.jdbc.Tables.Fence;
import io.cronjobguardian.store.jdbc.Tables.Incidents;
import io.cronjobguardian.store.jdbc.Tables.Notifications;
import java.io.EOFException;
import java.math.BigInteger;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.SelectField;
import org.jooq.UpdateSetMoreStep;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
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
 */
public final class JdbcHistoryStore implements HistoryStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryStore.class);
    private static final int MAX_ATTEMPTS = 4;
    private static final int IN_CHUNK = 500;

    private final String name;
    private final DataSource hostDataSource;
    private final PoolSpec poolSpec;
    private final Clock clock;
    private final boolean migrate;
    private final String expectedDialect;
    private final ClassLoader migrationLoader;
    private final Duration migrationLockTimeout;
    private final Duration idleInTransactionTimeout;
    private final org.jooq.conf.Settings jooqSettings;
    /** Test hook: runs in a write's transaction right after the fence was taken (see {@link #afterFence}). */
    private volatile Runnable afterFence;
    /** Test hook: the dialect whose session bounds are used instead of the detected one's (see {@link #guardAs}). */
    private volatile String guardDialect;

    private final Object lifecycle = new Object();
    private volatile Started started;
    private volatile boolean closed;

    /** What exists between start() and close(). */
    private static final class Started {
        final DataSource dataSource;
        final HikariDataSource pool;
        final Connection anchor;
        final DialectSupport dialect;
        final Statistics statistics;
        final DurationHistogram histogram;
        final ReentrantLock writeLock;
        final RecentUids recentUids; // only where new executions are not inserted with ON CONFLICT DO NOTHING
        final String database;
        final int schemaVersion;
        final List<String> sessionSetup; // run once per physical connection
        final Set<Connection> preparedSessions; // physical connections set up already (weak: the pool replaces them)
        final String beginWrite;
        final String endWrite;

        Started(DataSource dataSource, HikariDataSource pool, Connection anchor, DialectSupport dialect,
                Statistics statistics, String database, int schemaVersion, Duration idleInTransaction,
                DialectSupport guard) {
            this.dataSource = dataSource;
            this.pool = pool;
            this.anchor = anchor;
            this.dialect = dialect;
            this.statistics = statistics;
            this.histogram = statistics.histogram(); // one histogram: its reads and writes share the layout
            this.writeLock = dialect.serializeWritesInProcess() ? new ReentrantLock(true) : null;
            this.recentUids = dialect.insertNew() == DialectSupport.InsertNew.READ_FIRST ? new RecentUids() : null;
            this.database = database;
            this.schemaVersion = schemaVersion;
            boolean bounded = !idleInTransaction.isZero();
            this.sessionSetup = bounded ? guard.sessionSetup(idleInTransaction) : List.of();
            this.preparedSessions = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
            this.beginWrite = bounded ? guard.beginWrite(idleInTransaction) : null;
            this.endWrite = beginWrite != null ? guard.endWrite() : null;
        }
    }

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
        this.jooqSettings = new org.jooq.conf.Settings()
                .withExecuteLogging(false)
                .withFetchWarnings(false)
                .withRenderSchema(false)
                .withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_QUOTED)
                .withRenderFormatted(false);
    }

    /** Starts a builder. */
    public static Builder builder() {
        return new Builder();
    }

    // ================================================================= lifecycle

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException(name + ": the store is closed");
            }
            if (started != null) {
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
                started = new Started(ds, pool, anchor, dialect, new Statistics(dialect, strategy), database,
                        version, idleInTransactionTimeout,
                        guardDialect == null ? dialect : DialectSupport.forId(guardDialect));
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
                throw unavailable("start", e);
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
            if (closed) {
                return;
            }
            closed = true;
            Started s = started;
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
        if (closed) {
            return StoreHealth.down(name + ": closed", now);
        }
        Started s = started;
        if (s == null) {
            return StoreHealth.down(name + ": not started", now);
        }
        try (Connection c = s.dataSource.getConnection()) {
            if (!c.isValid(5)) {
                return StoreHealth.down(name + ": " + s.database + " did not answer a validity check", now);
            }
            return StoreHealth.up(name + ": " + s.database + ", schema version " + s.schemaVersion + pool(s), now);
        } catch (SQLException | RuntimeException e) {
            return StoreHealth.down(unavailable("health check", e).getMessage(), now);
        }
    }

    private String pool(Started s) {
        OptionalInt open = openConnections();
        return open.isPresent() ? ", " + open.getAsInt() + " connections open" : "";
    }

    @Override
    public OptionalInt openConnections() {
        Started s = started;
        if (s == null || closed) {
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

    /** The detected dialect; empty before start. */
    public Optional<DialectSupport> dialect() {
        Started s = started;
        return s == null ? Optional.empty() : Optional.of(s.dialect);
    }

    /** The percentile strategy in use; empty before start. */
    public Optional<PercentileStrategy> percentileStrategy() {
        Started s = started;
        return s == null ? Optional.empty() : Optional.of(s.statistics.strategy());
    }

    @Override
    public String toString() {
        return "JdbcHistoryStore{" + name + ", " + (poolSpec != null ? poolSpec.redactedUrl() : "host DataSource")
                + (started != null ? ", " + started.database : "") + (closed ? ", closed" : "") + "}";
    }

    // ================================================================= transactions

    @FunctionalInterface
    private interface Work<T> {
        T run(DSLContext ctx) throws SQLException;
    }

    private Started started(String op) {
        Started s = started;
        if (closed) {
            throw new StoreUnavailableException(name + ": " + op + " refused: the store is closed");
        }
        if (s == null) {
            throw new IllegalStateException(name + ": " + op + " before start(): call start() first");
        }
        return s;
    }

    private DSLContext dsl(Started s, Connection c) {
        return DSL.using(c, s.dialect.sqlDialect(), jooqSettings);
    }

    /** A write: one transaction that first checks and raises the fence. */
    private <T> T write(String op, long epoch, Work<T> work) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
        Started s = started(op);
        return run(s, op, true, ctx -> {
            takeFence(s, ctx, epoch);
            Runnable hook = afterFence;
            if (hook != null) {
                hook.run();
            }
            return work.run(ctx);
        });
    }

    /**
     * Test hook: {@code hook} runs inside every fenced write's transaction right after the fence row was taken
     * (locked), on the writing thread; blocking in it freezes the writer there. {@code null} removes it.
     */
    void afterFence(Runnable hook) {
        this.afterFence = hook;
    }

    /**
     * Test hook, before {@link #start()}: bound sessions as the dialect {@code dialectId} does, whatever the database
     * (MySQL's {@code wait_timeout} during writes can so be tested on MariaDB, which has {@code wait_timeout} too).
     */
    void guardAs(String dialectId) {
        this.guardDialect = dialectId;
    }

    /**
     * A write that records what a claimant did under its own claim: not fenced (see the HistoryStore contract), but
     * serialised with every other write through the fence row's lock, taken without checking the epoch.
     */
    private <T> T completion(String op, Work<T> work) {
        Started s = started(op);
        return run(s, op, true, ctx -> {
            takeFence(s, ctx, NO_EPOCH);
            return work.run(ctx);
        });
    }

    /** A read in one transaction (consistent across its statements). */
    private <T> T read(String op, Work<T> work) {
        return run(started(op), op, false, work);
    }

    private <T> T run(Started s, String op, boolean write, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            ReentrantLock lock = write ? s.writeLock : null;
            if (lock != null) {
                lock.lock();
            }
            try {
                return once(s, write, work);
            } catch (GuardianException | IllegalArgumentException e) {
                throw e;
            } catch (SQLException | RuntimeException e) {
                SQLException sql = sqlCause(e);
                if (sql != null && s.dialect.isTransient(sql) && attempt < MAX_ATTEMPTS) {
                    LOG.debug("{}: {} hit a transient conflict ({}), retrying", name, op, sql.getMessage());
                    pause(attempt);
                    continue;
                }
                throw unavailable(op, e);
            } finally {
                if (lock != null) {
                    lock.unlock();
                }
            }
        }
    }

    private <T> T once(Started s, boolean write, Work<T> work) throws SQLException {
        try (Connection c = s.dataSource.getConnection()) {
            prepareSession(s, c);
            boolean auto = c.getAutoCommit();
            if (auto) {
                c.setAutoCommit(false);
            }
            DSLContext ctx = dsl(s, c);
            String endWrite = null;
            try {
                if (write && s.beginWrite != null) {
                    execute(c, s.beginWrite);
                    endWrite = s.endWrite;
                }
                T result = work.run(ctx);
                c.commit();
                FrontierCache.Tx tx = (FrontierCache.Tx) ctx.data(FrontierCache.TX_KEY);
                if (tx != null) {
                    s.histogram.frontierCache().committed(tx);
                }
                return result;
            } catch (Throwable t) {
                if (ctx.data(FrontierCache.TX_KEY) != null) {
                    s.histogram.frontierCache().invalidate(); // a write failed, or its commit is in doubt
                }
                try {
                    c.rollback();
                } catch (SQLException r) {
                    t.addSuppressed(r);
                }
                throw t;
            } finally {
                if (endWrite != null) {
                    try {
                        execute(c, endWrite);
                    } catch (SQLException e) {
                        LOG.debug("{}: restoring the session after a write failed (the pool discards a broken "
                                + "connection)", name, e);
                    }
                }
                if (auto) {
                    try {
                        c.setAutoCommit(true);
                    } catch (SQLException ignored) {
                        // the connection is broken; the pool discards it
                    }
                }
            }
        }
    }

    /**
     * Runs the dialect's {@link DialectSupport#sessionSetup session setup} on this connection unless its physical
     * connection had it already. A setup that fails fails the operation (the session would not be bounded).
     */
    private static void prepareSession(Started s, Connection c) throws SQLException {
        if (s.sessionSetup.isEmpty()) {
            return;
        }
        Connection physical = c.isWrapperFor(Connection.class) ? c.unwrap(Connection.class) : c;
        if (s.preparedSessions.contains(physical)) {
            return;
        }
        for (String sql : s.sessionSetup) {
            execute(c, sql);
        }
        if (!c.getAutoCommit()) {
            c.commit(); // PostgreSQL: a SET in a transaction that rolls back is undone with it
        }
        s.preparedSessions.add(physical);
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (java.sql.Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(10L * attempt * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while retrying", e);
        }
    }

    private static SQLException sqlCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException) {
                return (SQLException) c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }

    /** A StoreUnavailableException that says what failed and why, with no secret in it. */
    private StoreUnavailableException unavailable(String op, Throwable e) {
        String why = describe(e);
        String kind = isConnectionProblem(e) ? "database unreachable" : "database error";
        String msg = name + ": " + op + " failed (" + kind + "): " + why;
        if (poolSpec != null) {
            msg = Redaction.secret(msg, poolSpec.password());
        }
        return new StoreUnavailableException(msg, e);
    }

    static boolean isConnectionProblem(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException
                    || c instanceof SQLRecoverableException || c instanceof SocketException
                    || c instanceof EOFException || c instanceof java.net.ConnectException) {
                return true;
            }
            if (c instanceof SQLException) {
                String state = ((SQLException) c).getSQLState();
                if (state != null && state.startsWith("08")) {
                    return true;
                }
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Set<String> parts = new LinkedHashSet<>();
        for (Throwable c = e; c != null && parts.size() < 4; c = c.getCause()) {
            String m = c.getMessage();
            if (c instanceof DataAccessException && c.getCause() != null) {
                continue; // jOOQ repeats the SQL and the cause's message
            }
            parts.add(m == null ? c.getClass().getSimpleName() : m.trim());
            if (c.getCause() == c) {
                break;
            }
        }
        return String.join(" <- ", parts);
    }

    // ================================================================= fencing

    /** {@link #takeFence}'s epoch for writes recording what a claimant did: the epoch is neither checked nor raised. */
    private static final long NO_EPOCH = -1;

    /**
     * Takes the fence row's lock for this transaction and adds one to its write count; with an epoch, first checks
     * that it is not below the fence's and raises the fence to it. Tells the transaction's {@link FrontierCache.Tx}
     * (put into the jOOQ context's data) whether another writer committed since this store's last write: the
     * count is raised on the condition that it still holds what this store left, and read back only when it does not.
     */
    private static void takeFence(Started s, DSLContext ctx, long epoch) {
        FrontierCache.Tx tx = s.histogram.frontierCache().begin();
        ctx.data(FrontierCache.TX_KEY, tx);
        if (tx.expectedWrites() >= 0 && raiseFence(ctx, epoch, tx.expectedWrites()) == 1) {
            tx.matched();
            return;
        }
        if (raiseFence(ctx, epoch, -1) == 0) {
            Long current = ctx.select(Fence.EPOCH).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.EPOCH);
            if (current == null) {
                throw new StoreUnavailableException("the fence row (guardian_fence, id 1) is missing: the schema was "
                        + "not created by the migration scripts");
            }
            throw new StaleEpochException(epoch, current);
        }
        tx.counted(ctx.select(Fence.WRITES).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.WRITES));
    }

    /**
     * {@code UPDATE guardian_fence SET [epoch = ?,] writes = writes + 1 WHERE id = 1 [AND epoch <= ?]
     * [AND writes = ?]}: the number of rows it changed (0 or 1).
     */
    private static int raiseFence(DSLContext ctx, long epoch, long expectedWrites) {
        UpdateSetMoreStep<Record> u = ctx.update(Fence.T).set(Fence.WRITES, Fence.WRITES.plus(inline(1L)));
        if (epoch != NO_EPOCH) {
            u = u.set(Fence.EPOCH, val(epoch));
        }
        Condition where = Fence.ID.eq(inline(1));
        if (epoch != NO_EPOCH) {
            where = where.and(Fence.EPOCH.le(val(epoch)));
        }
        if (expectedWrites >= 0) {
            where = where.and(Fence.WRITES.eq(val(expectedWrites)));
        }
        return u.where(where).execute();
    }

    @Override
    public long advanceEpoch(long epoch) {
        return write("advanceEpoch", epoch, ctx -> epoch);
    }

    /**
     * One transaction on the fence row: {@code UPDATE guardian_fence SET epoch = GREATEST(?, epoch + 1) WHERE id = 1},
     * then the epoch read back under the row lock the update took. Concurrent claims from any store instance queue
     * on that lock, so each sees the one before it and none returns the same epoch. The write count is left alone:
     * no table but the fence changes.
     */
    @Override
    public long claimEpoch(long atLeast) {
        Started s = started("claimEpoch");
        return run(s, "claimEpoch", true, ctx -> {
            int changed = ctx.update(Fence.T)
                    .set(Fence.EPOCH, DSL.greatest(val(atLeast), Fence.EPOCH.plus(inline(1L))))
                    .where(Fence.ID.eq(inline(1)))
                    .execute();
            Long epoch = changed == 1
                    ? ctx.select(Fence.EPOCH).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.EPOCH)
                    : null;
            if (epoch == null) {
                throw new StoreUnavailableException("the fence row (guardian_fence, id 1) is missing: the schema was "
                        + "not created by the migration scripts");
            }
            return epoch;
        });
    }

    @Override
    public long highestEpoch() {
        return read("highestEpoch", ctx -> {
            Long e = ctx.select(Fence.EPOCH).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.EPOCH);
            return e == null ? 0L : e;
        });
    }

    // ================================================================= executions

    @Override
    public UpsertResult upsertExecution(Execution execution, long epoch) {
        Objects.requireNonNull(execution, "execution");
        return upsertExecutions(List.of(execution), epoch).get(0);
    }

    @Override
    public List<UpsertResult> upsertExecutions(List<Execution> executions, long epoch) {
        Objects.requireNonNull(executions, "executions");
        List<Execution> cleaned = executions;
        for (int i = 0; i < executions.size(); i++) {
            Execution e = Objects.requireNonNull(executions.get(i), "executions must not contain null");
            Execution c = StoredText.clean(e);
            if (c != e) {
                if (cleaned == executions) {
                    cleaned = new ArrayList<>(executions);
                }
                cleaned.set(i, c);
            }
        }
        List<Execution> batch = cleaned;
        Started s = started("upsertExecutions");
        return write("upsertExecutions", epoch, ctx -> upsertAll(s, ctx, batch));
    }

    /** Merge rule: a terminal state is never replaced by RUNNING; details the new value lacks are kept. */
    static Execution merge(Execution old, Execution neu) {
        if (old.state().isTerminal() && neu.state() == JobState.RUNNING) {
            return old;
        }
        return new Execution(neu.job(),
                neu.logTail() != null ? neu.logTail() : old.logTail(),
                !neu.events().isEmpty() ? neu.events() : old.events(),
                neu.suggestedFix() != null ? neu.suggestedFix() : old.suggestedFix());
    }

    /**
     * The upsert of a batch, inside the fenced transaction (so no other writer interleaves). New Job UIDs are the
     * common case. Where the dialect allows, they are inserted first with {@code ON CONFLICT DO NOTHING}, and only
     * the UIDs that already existed are read back and merged. On MySQL and MariaDB a batch none of whose UIDs this
     * store wrote recently ({@link RecentUids}) is inserted as new under a savepoint (one bulk INSERT); on a
     * duplicate key it is rolled back to the savepoint and goes the other way: a primary-key probe finds the UIDs
     * that exist, those rows are read, and the rest inserted.
     */
    private List<UpsertResult> upsertAll(Started s, DSLContext ctx, List<Execution> executions) throws SQLException {
        if (executions.isEmpty()) {
            return List.of();
        }
        Map<String, Execution> first = new LinkedHashMap<>();
        executions.forEach(e -> first.putIfAbsent(e.jobUid(), e));
        if (s.dialect.insertNew() != DialectSupport.InsertNew.READ_FIRST) {
            Set<String> insertedFirst = insertNew(s.dialect, ctx, new ArrayList<>(first.values()));
            List<String> existing = new ArrayList<>();
            first.keySet().forEach(uid -> {
                if (!insertedFirst.contains(uid)) {
                    existing.add(uid);
                }
            });
            Map<String, Execution> stored = existing.isEmpty() ? Map.of() : loadExecutions(ctx, existing, true);
            return apply(s, ctx, new Plan(executions, first, stored, insertedFirst), true);
        }
        boolean seenBefore = s.recentUids.containsAny(first.keySet());
        s.recentUids.addAll(first.keySet());
        if (!seenBefore) {
            Plan asNew = new Plan(executions, first, Map.of(), Set.of());
            Connection c = ctx.configuration().connectionProvider().acquire();
            Savepoint sp = c.setSavepoint();
            try {
                insertRows(ctx, Executions.T, Executions.ALL, asNew.inserts, Mapping::executionRow);
                return apply(s, ctx, asNew, false);
            } catch (SQLException e) {
                if (!uniqueViolation(s.dialect, e)) {
                    throw e;
                }
                c.rollback(sp); // some were stored already: read them, as below
            }
        }
        List<String> existing = existingUids(ctx, new ArrayList<>(first.keySet()));
        Map<String, Execution> stored = existing.isEmpty() ? Map.of() : loadExecutions(ctx, existing, true);
        return apply(s, ctx, new Plan(executions, first, stored, Set.of()), true);
    }

    private static boolean uniqueViolation(DialectSupport dialect, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException x) {
                for (SQLException n = x; n != null; n = n.getNextException()) {
                    if (dialect.isUniqueViolation(n)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The writes an upsert batch needs, given what is stored (and what was inserted already). */
    private static final class Plan {
        final Map<String, Execution> stored;
        final Map<String, Execution> latest = new LinkedHashMap<>();
        final List<UpsertResult> results;
        final List<Execution> inserts = new ArrayList<>();
        final List<Execution> updates = new ArrayList<>();
        final List<Execution> detailInserts = new ArrayList<>();
        final List<Execution> detailUpdates = new ArrayList<>();

        Plan(List<Execution> executions, Map<String, Execution> first, Map<String, Execution> stored,
                Set<String> insertedFirst) {
            this.stored = stored;
            this.results = new ArrayList<>(executions.size());
            for (Execution e : executions) {
                String uid = e.jobUid();
                Execution before = latest.containsKey(uid) ? latest.get(uid) : stored.get(uid);
                if (before == null) {
                    latest.put(uid, e); // a new UID (inserted already, or to insert)
                    results.add(UpsertResult.INSERTED);
                    continue;
                }
                Execution merged = merge(before, e);
                if (merged.equals(before)) {
                    results.add(UpsertResult.UNCHANGED);
                } else {
                    latest.put(uid, merged);
                    results.add(UpsertResult.UPDATED);
                }
            }
            for (Execution e : latest.values()) {
                // what the row holds now: the stored value, the first occurrence inserted already, or nothing
                Execution old = stored.get(e.jobUid());
                if (old == null && insertedFirst.contains(e.jobUid())) {
                    old = first.get(e.jobUid()).withoutDetails();
                }
                if (old == null) {
                    inserts.add(e);
                    if (e.hasDetails()) {
                        detailInserts.add(e);
                    }
                    continue;
                }
                if (!old.job().equals(e.job())) {
                    updates.add(e);
                }
                if (!old.withJob(e.job()).equals(e)) { // details differ
                    (old.hasDetails() ? detailUpdates : detailInserts).add(e);
                }
            }
        }
    }

    /** Writes the plan (the executions' inserts only with {@code insertExecutions}), then the histogram. */
    private static List<UpsertResult> apply(Started s, DSLContext ctx, Plan plan, boolean insertExecutions)
            throws SQLException {
        if (insertExecutions) {
            insertRows(ctx, Executions.T, Executions.ALL, plan.inserts, Mapping::executionRow);
        }
        insertRows(ctx, Details.T, Details.ALL, plan.detailInserts, Mapping::detailsRow);
        updateRows(ctx, Executions.T, Executions.ALL, Executions.JOB_UID, plan.updates, Mapping::executionRow);
        updateRows(ctx, Details.T, Details.ALL, Details.JOB_UID, plan.detailUpdates, Mapping::detailsRow);

        // the histogram follows: changed rows below the frontier leave their old bucket and enter the new one
        List<Execution> replaced = new ArrayList<>();
        for (Execution e : plan.latest.values()) {
            Execution before = plan.stored.get(e.jobUid());
            if (before != null) {
                replaced.add(before);
            }
        }
        s.histogram.afterUpsert(ctx, replaced, plan.latest.values());
        return plan.results;
    }

    /**
     * Inserts the executions (without details) whose Job UID is not stored yet and returns those UIDs: on PostgreSQL
     * {@code INSERT ... VALUES (...), ... ON CONFLICT (job_uid) DO NOTHING RETURNING job_uid}, a hundred rows per
     * statement; on SQLite a JDBC batch of one-row {@code INSERT ... ON CONFLICT DO NOTHING} with its per-row
     * counts.
     */
    private static Set<String> insertNew(DialectSupport dialect, DSLContext ctx, List<Execution> executions)
            throws SQLException {
        Set<String> inserted = new HashSet<>();
        Connection c = ctx.configuration().connectionProvider().acquire();
        Field<?>[] fields = Executions.ALL;
        int[] types = sqlTypes(fields);
        if (dialect.insertNew() == DialectSupport.InsertNew.BATCH_COUNTS) {
            String sql = insertIgnoreSql(1);
            sql = sql.substring(0, sql.indexOf(" RETURNING "));
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (Execution e : executions) {
                    List<Object> v = Mapping.executionRow(e);
                    for (int i = 0; i < fields.length; i++) {
                        bind(ps, i + 1, v.get(i), types[i]);
                    }
                    ps.addBatch();
                }
                int[] counts = ps.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    if (counts[i] == 1) {
                        inserted.add(executions.get(i).jobUid());
                    } else if (counts[i] != 0) {
                        throw new SQLException("unexpected update count " + counts[i] + " from a batch insert");
                    }
                }
            }
            return inserted;
        }
        int perStatement = 100;
        String fullSql = null;
        for (List<Execution> chunk : Sql.chunks(executions, perStatement)) {
            String sql = chunk.size() == perStatement && fullSql != null ? fullSql : insertIgnoreSql(chunk.size());
            if (chunk.size() == perStatement) {
                fullSql = sql;
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int p = 1;
                for (Execution e : chunk) {
                    List<Object> v = Mapping.executionRow(e);
                    for (int i = 0; i < fields.length; i++) {
                        bind(ps, p++, v.get(i), types[i]);
                    }
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        inserted.add(rs.getString(1));
                    }
                }
            }
        }
        return inserted;
    }

    private static String insertIgnoreSql(int rows) {
        StringBuilder sb = new StringBuilder("INSERT INTO ").append(Executions.NAME).append(" (");
        StringBuilder one = new StringBuilder("(");
        for (int i = 0; i < Executions.ALL.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(Executions.ALL[i].getName());
            one.append(i == 0 ? "?" : ", ?");
        }
        one.append(')');
        sb.append(") VALUES ");
        for (int r = 0; r < rows; r++) {
            sb.append(r == 0 ? "" : ", ").append(one);
        }
        return sb.append(" ON CONFLICT (").append(Executions.JOB_UID.getName()).append(") DO NOTHING RETURNING ")
                .append(Executions.JOB_UID.getName()).toString();
    }

    private interface RowFn {
        List<Object> values(Execution e);
    }


    /**
     * A JDBC batch of one INSERT statement that jOOQ renders for the dialect: the hot path of recording, with no
     * per-value overhead beyond the driver's.
     */
    private static void insertRows(DSLContext ctx, org.jooq.Table<Record> table, Field<?>[] fields,
            List<Execution> rows, RowFn fn) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        Object[] placeholders = new Object[fields.length];
        String sql = ctx.render(ctx.insertInto(table, fields).values(placeholders));
        batch(ctx, sql, fields, rows, fn, null);
    }

    /** A JDBC batch of one UPDATE statement: all columns but the key (the first field), by key. */
    @SuppressWarnings("unchecked")
    private static void updateRows(DSLContext ctx, org.jooq.Table<Record> table, Field<?>[] fields,
            Field<String> key, List<Execution> rows, RowFn fn) throws SQLException {
        if (rows.isEmpty()) {
            return;
        }
        UpdateSetMoreStep<Record> u = null;
        for (int i = 1; i < fields.length; i++) {
            Field<Object> f = (Field<Object>) fields[i];
            u = u == null ? ctx.update(table).set(f, (Object) null) : u.set(f, (Object) null);
        }
        String sql = ctx.render(u.where(key.eq((String) null)));
        batch(ctx, sql, fields, rows, fn, key);
    }

    /**
     * Executes {@code sql} once per row as a JDBC batch. Parameters are the row's values in field order, or, with
     * {@code keyLast}, all but the first followed by the first (UPDATE ... WHERE key = ?).
     */
    private static void batch(DSLContext ctx, String sql, Field<?>[] fields, List<Execution> rows, RowFn fn,
            Field<String> keyLast) throws SQLException {
        Connection c = ctx.configuration().connectionProvider().acquire();
        int[] types = sqlTypes(fields);
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int n = 0;
            for (Execution e : rows) {
                List<Object> v = fn.values(e);
                int p = 1;
                for (int i = keyLast == null ? 0 : 1; i < fields.length; i++) {
                    bind(ps, p++, v.get(i), types[i]);
                }
                if (keyLast != null) {
                    bind(ps, p, v.get(0), types[0]);
                }
                ps.addBatch();
                if (++n % 1_000 == 0) {
                    ps.executeBatch();
                }
            }
            if (n % 1_000 != 0) {
                ps.executeBatch();
            }
        }
    }

    /**
     * The JDBC types of the fields, for {@code setNull}. Asked once per statement: jOOQ's {@code getSQLType()} is
     * too slow to ask per value (it was a quarter of a 500-row batch's time on MariaDB).
     */
    private static int[] sqlTypes(Field<?>[] fields) {
        int[] types = new int[fields.length];
        for (int i = 0; i < fields.length; i++) {
            types[i] = fields[i].getDataType().getSQLType();
        }
        return types;
    }

    /**
     * Binds one value. A null text value goes through {@code setString}, not {@code setNull}: MariaDB Connector/J
     * sends {@code setNull} with another parameter type than strings, and a type that changes between the rows of a
     * batch splits the bulk INSERT into several round trips.
     */
    private static void bind(PreparedStatement ps, int index, Object value, int sqlType) throws SQLException {
        if (value == null) {
            switch (sqlType) {
                case java.sql.Types.VARCHAR, java.sql.Types.CHAR, java.sql.Types.LONGVARCHAR, java.sql.Types.CLOB,
                        java.sql.Types.NVARCHAR, java.sql.Types.NCHAR, java.sql.Types.LONGNVARCHAR,
                        java.sql.Types.NCLOB -> ps.setString(index, null);
                default -> ps.setNull(index, sqlType);
            }
        } else if (value instanceof String) {
            ps.setString(index, (String) value);
        } else if (value instanceof Long) {
            ps.setLong(index, (Long) value);
        } else if (value instanceof Integer) {
            ps.setInt(index, (Integer) value);
        } else if (value instanceof Boolean) {
            ps.setBoolean(index, (Boolean) value);
        } else {
            ps.setObject(index, value);
        }
    }

    private static List<SelectField<?>> executionFields(boolean withDetails) {
        List<SelectField<?>> f = new ArrayList<>(List.of(Executions.ALL));
        if (withDetails) {
            f.add(Details.LOG_TAIL);
            f.add(Details.EVENTS);
            f.add(Details.SUGGESTED_FIX);
        }
        return f;
    }

    /**
     * The Job UIDs of {@code uids} that are stored: a primary-key probe in plain JDBC (the common batch is all new
     * runs, and rendering and binding a 500-value IN list through jOOQ cost more than the server's work).
     */
    private static List<String> existingUids(DSLContext ctx, List<String> uids) throws SQLException {
        List<String> out = new ArrayList<>();
        Connection c = ctx.configuration().connectionProvider().acquire();
        for (List<String> chunk : Sql.chunks(uids, IN_CHUNK)) {
            StringBuilder sql = new StringBuilder("SELECT ").append(Executions.JOB_UID.getName()).append(" FROM ")
                    .append(Executions.NAME).append(" WHERE ").append(Executions.JOB_UID.getName()).append(" IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            try (PreparedStatement ps = c.prepareStatement(sql.append(')').toString())) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, Execution> loadExecutions(DSLContext ctx, List<String> uids, boolean withDetails) {
        Map<String, Execution> out = new HashMap<>();
        for (List<String> chunk : Sql.chunks(uids, IN_CHUNK)) {
            for (Record r : ctx.select(executionFields(withDetails)).from(Executions.T)
                    .leftJoin(Details.T).on(Details.JOB_UID.eq(Executions.JOB_UID))
                    .where(Executions.JOB_UID.in(chunk)).fetch()) {
                Execution e = Mapping.execution(r, withDetails);
                out.put(e.jobUid(), e);
            }
        }
        return out;
    }

    @Override
    public Optional<Execution> findExecution(String jobUid) {
        Objects.requireNonNull(jobUid, "jobUid");
        return read("findExecution", ctx -> Optional.ofNullable(
                loadExecutions(ctx, List.of(jobUid), true).get(jobUid)));
    }

    @Override
    public Map<String, JobState> executionStates(Collection<String> jobUids) {
        Objects.requireNonNull(jobUids, "jobUids");
        List<String> list = new ArrayList<>(new LinkedHashSet<>(jobUids));
        if (list.isEmpty()) {
            return Map.of();
        }
        return read("executionStates", ctx -> {
            Map<String, JobState> out = new HashMap<>();
            for (List<String> chunk : Sql.chunks(list, IN_CHUNK)) {
                ctx.select(Executions.JOB_UID, Executions.STATE).from(Executions.T)
                        .where(Executions.JOB_UID.in(chunk))
                        .forEach(r -> out.put(r.value1(), JobState.valueOf(r.value2())));
            }
            return out;
        });
    }

    private static Condition condition(ExecutionQuery q) {
        Condition c = noCondition();
        if (q.cronJob() != null) {
            c = c.and(Executions.NAMESPACE.eq(q.cronJob().namespace()))
                    .and(Executions.CRONJOB_NAME.eq(q.cronJob().name()));
        }
        if (q.cronJobUid() != null) {
            c = c.and(Executions.CRONJOB_UID.eq(q.cronJobUid()));
        }
        if (q.startedFrom() != null) {
            c = c.and(Executions.EFFECTIVE_START.ge(q.startedFrom().toEpochMilli()));
        }
        if (q.startedBefore() != null) {
            c = c.and(Executions.EFFECTIVE_START.lt(q.startedBefore().toEpochMilli()));
        }
        if (q.scheduledFrom() != null) {
            c = c.and(Executions.SCHEDULED_AT.ge(q.scheduledFrom().toEpochMilli()));
        }
        if (q.scheduledBefore() != null) {
            c = c.and(Executions.SCHEDULED_AT.lt(q.scheduledBefore().toEpochMilli()));
        }
        if (!q.states().isEmpty()) {
            List<String> states = new ArrayList<>();
            q.states().forEach(s -> states.add(s.name()));
            c = c.and(Executions.STATE.in(states));
        }
        if (!q.includeManual()) {
            c = c.and(Executions.MANUAL.isFalse());
        }
        return c;
    }

    @Override
    public Page<Execution> executions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        Condition c = condition(query);
        return read("executions", ctx -> {
            long total = ctx.fetchCount(Executions.T, c);
            List<Execution> items = total > query.offset() ? page(ctx, query, c) : new ArrayList<>();
            return new Page<>(items, total, query.offset(), query.limit());
        });
    }

    @Override
    public List<Execution> findExecutions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        Condition c = condition(query);
        return read("executions", ctx -> page(ctx, query, c));
    }

    /** One page of the query's executions, newest first (no count). */
    private List<Execution> page(DSLContext ctx, ExecutionQuery query, Condition c) {
        var select = query.withDetails()
                ? ctx.select(executionFields(true)).from(Executions.T).leftJoin(Details.T)
                        .on(Details.JOB_UID.eq(Executions.JOB_UID)).where(c)
                : ctx.select(executionFields(false)).from(Executions.T).where(c);
        List<Execution> items = new ArrayList<>();
        for (Record r : select.orderBy(Executions.EFFECTIVE_START.desc(), Executions.JOB_UID.asc())
                .limit(query.limit()).offset(query.offset()).fetch()) {
            items.add(Mapping.execution(r, query.withDetails()));
        }
        return items;
    }

    @Override
    public ExecutionStats stats(CronJobRef cronJob, StatsQuery window) {
        Objects.requireNonNull(cronJob, "cronJob");
        Objects.requireNonNull(window, "window");
        return statsRead("stats", s -> ctx -> s.statistics.one(ctx, cronJob, window));
    }

    @Override
    public Map<CronJobRef, ExecutionStats> stats(Collection<CronJobRef> cronJobs, StatsQuery window) {
        Objects.requireNonNull(cronJobs, "cronJobs");
        Objects.requireNonNull(window, "window");
        List<CronJobRef> refs = new ArrayList<>(new LinkedHashSet<>(cronJobs));
        if (refs.isEmpty()) {
            return Map.of();
        }
        return statsRead("stats", s -> ctx -> s.statistics.many(ctx, refs, window));
    }

    private <T> T statsRead(String op, java.util.function.Function<Started, Work<T>> work) {
        Started s = started(op);
        Work<T> w = work.apply(s);
        return run(s, op, false, ctx -> {
            if (s.dialect.statisticsNeedTransaction()) {
                s.dialect.prepareStatistics(ctx);
            }
            return w.run(ctx);
        });
    }

    @Override
    public long executionCount() {
        return read("executionCount", ctx -> (long) ctx.fetchCount(Executions.T));
    }

    // ================================================================= retention

    private static Condition startedBefore(@Nullable CronJobRef cronJob, Instant cutoff) {
        Condition c = Executions.EFFECTIVE_START.lt(cutoff.toEpochMilli());
        if (cronJob != null) {
            c = c.and(Executions.NAMESPACE.eq(cronJob.namespace())).and(Executions.CRONJOB_NAME.eq(cronJob.name()));
        }
        return c;
    }

    @Override
    public long deleteExecutionsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        Condition c = startedBefore(cronJob, cutoff);
        long cutoffPeriod = DurationBuckets.period(cutoff.toEpochMilli());
        Started s = started("deleteExecutionsBefore");
        return write("deleteExecutionsBefore", epoch, ctx -> {
            s.histogram.beforeDelete(ctx, c, cronJob, cutoffPeriod);
            return deleteExecutionsWhere(ctx, c);
        });
    }

    @Override
    public long deleteExecutions(CronJobRef cronJob, @Nullable String keepUid, long epoch) {
        Objects.requireNonNull(cronJob, "cronJob");
        Condition c = Executions.NAMESPACE.eq(cronJob.namespace()).and(Executions.CRONJOB_NAME.eq(cronJob.name()));
        if (keepUid != null) {
            c = c.and(Executions.CRONJOB_UID.isNull().or(Executions.CRONJOB_UID.ne(keepUid)));
        }
        Condition cond = c;
        Started s = started("deleteExecutions");
        return write("deleteExecutions", epoch, ctx -> {
            if (keepUid == null) {
                s.histogram.forget(ctx, cronJob);
            } else {
                s.histogram.beforeDelete(ctx, cond, cronJob, Long.MIN_VALUE);
            }
            return deleteExecutionsWhere(ctx, cond);
        });
    }

    private static long deleteExecutionsWhere(DSLContext ctx, Condition c) {
        ctx.deleteFrom(Details.T)
                .where(Details.JOB_UID.in(DSL.select(Executions.JOB_UID).from(Executions.T).where(c)))
                .execute();
        return ctx.deleteFrom(Executions.T).where(c).execute();
    }

    @Override
    public long deleteDetailsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        Condition c = startedBefore(cronJob, cutoff);
        return write("deleteDetailsBefore", epoch, ctx -> (long) ctx.deleteFrom(Details.T)
                .where(Details.JOB_UID.in(DSL.select(Executions.JOB_UID).from(Executions.T).where(c)))
                .execute());
    }

    @Override
    public long deleteResolvedIncidentsBefore(Instant cutoff, long epoch) {
        Objects.requireNonNull(cutoff, "cutoff");
        long cut = cutoff.toEpochMilli();
        return write("deleteResolvedIncidentsBefore", epoch, ctx -> {
            List<Long> ids = ctx.select(Incidents.ID).from(Incidents.T)
                    .where(Incidents.RESOLVED_AT.lt(cut)).fetch(Incidents.ID);
            long deleted = 0;
            for (List<Long> chunk : Sql.chunks(ids, IN_CHUNK)) {
                List<String> asText = new ArrayList<>();
                chunk.forEach(id -> asText.add(Long.toString(id)));
                ctx.deleteFrom(Notifications.T).where(Notifications.INCIDENT_ID.in(asText)).execute();
                deleted += ctx.deleteFrom(Incidents.T).where(Incidents.ID.in(chunk)).execute();
            }
            return deleted;
        });
    }

    // ================================================================= incidents

    private static Optional<Long> incidentId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Incident> loadIncident(DSLContext ctx, long id) {
        return ctx.select(Incidents.ALL).from(Incidents.T).where(Incidents.ID.eq(id)).fetchOptional()
                .map(Mapping::incident);
    }

    /** Inserts a row and returns its generated id, by RETURNING or LAST_INSERT_ID()/last_insert_rowid(). */
    private long insertReturningId(Started s, DSLContext ctx, org.jooq.Table<Record> table, Field<Long> id,
            Map<Field<?>, Object> values) {
        var insert = ctx.insertInto(table).set(values);
        if (s.dialect.insertReturning()) {
            return insert.returningResult(id).fetchOne().value1();
        }
        insert.execute();
        BigInteger last = ctx.lastID();
        return last.longValueExact();
    }

    @Override
    public OpenIncidentResult openIncident(IncidentDraft given, long epoch) {
        IncidentDraft draft = StoredText.clean(Objects.requireNonNull(given, "draft"));
        String openKey = Mapping.openKey(draft.key());
        Started s = started("openIncident");
        return write("openIncident", epoch, ctx -> {
            Optional<Incident> open = ctx.select(Incidents.ALL).from(Incidents.T)
                    .where(Incidents.OPEN_KEY.eq(openKey)).fetchOptional().map(Mapping::incident);
            if (open.isPresent()) {
                return new OpenIncidentResult(open.get(), false);
            }
            IncidentKey k = draft.key();
            Map<Field<?>, Object> v = new LinkedHashMap<>();
            v.put(Incidents.MONITOR, k.monitor());
            v.put(Incidents.NAMESPACE, k.cronJob().namespace());
            v.put(Incidents.CRONJOB_NAME, k.cronJob().name());
            v.put(Incidents.ALERT_TYPE, k.type().name());
            v.put(Incidents.SUBJECT, k.subject());
            v.put(Incidents.OPEN_KEY, openKey);
            v.put(Incidents.SEVERITY, draft.severity().name());
            v.put(Incidents.TITLE, draft.title());
            v.put(Incidents.MESSAGE, draft.message());
            v.put(Incidents.SIGNATURE, draft.signature());
            v.put(Incidents.CONTEXT, Mapping.context(draft.context()));
            v.put(Incidents.OPENED_AT, draft.openedAt().toEpochMilli());
            v.put(Incidents.LAST_NOTIFIED_AT, null);
            v.put(Incidents.NOTIFICATION_COUNT, 0);
            v.put(Incidents.RESOLVED_AT, null);
            v.put(Incidents.VERSION, 0L);
            long id = insertReturningId(s, ctx, Incidents.T, Incidents.ID, v);
            return new OpenIncidentResult(new Incident(Long.toString(id), k, draft.severity(), draft.title(),
                    draft.message(), draft.signature(), draft.context(), draft.openedAt(), null, 0, null, 0), true);
        });
    }

    @Override
    public Optional<Incident> findOpenIncident(IncidentKey key) {
        Objects.requireNonNull(key, "key");
        String openKey = Mapping.openKey(key);
        return read("findOpenIncident", ctx -> ctx.select(Incidents.ALL).from(Incidents.T)
                .where(Incidents.OPEN_KEY.eq(openKey)).fetchOptional().map(Mapping::incident));
    }

    @Override
    public Optional<Incident> findIncident(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        Optional<Long> id = incidentId(incidentId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return read("findIncident", ctx -> loadIncident(ctx, id.get()));
    }

    @Override
    public Optional<Incident> updateIncident(Incident given, long epoch) {
        Incident updated = StoredText.clean(Objects.requireNonNull(given, "updated"));
        Optional<Long> id = incidentId(updated.id());
        return write("updateIncident", epoch, ctx -> {
            if (id.isEmpty()) {
                return Optional.<Incident>empty();
            }
            int n = ctx.update(Incidents.T)
                    .set(Incidents.SEVERITY, updated.severity().name())
                    .set(Incidents.TITLE, updated.title())
                    .set(Incidents.MESSAGE, updated.message())
                    .set(Incidents.SIGNATURE, updated.signature())
                    .set(Incidents.CONTEXT, Mapping.context(updated.context()))
                    .set(Incidents.LAST_NOTIFIED_AT, millis(updated.lastNotifiedAt()))
                    .set(Incidents.NOTIFICATION_COUNT, updated.notificationCount())
                    .set(Incidents.VERSION, Incidents.VERSION.plus(inline(1L)))
                    .where(Incidents.ID.eq(id.get()))
                    .and(Incidents.VERSION.eq(updated.version()))
                    .and(Incidents.RESOLVED_AT.isNull())
                    .execute();
            return n == 0 ? Optional.<Incident>empty() : loadIncident(ctx, id.get());
        });
    }

    @Override
    public Optional<Incident> resolveIncident(String incidentId, Instant resolvedAt, long epoch) {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
        Optional<Long> id = incidentId(incidentId);
        long at = resolvedAt.toEpochMilli();
        return write("resolveIncident", epoch, ctx -> {
            if (id.isEmpty()) {
                return Optional.<Incident>empty();
            }
            Optional<Incident> current = loadIncident(ctx, id.get());
            if (current.isPresent() && at < current.get().openedAt().toEpochMilli()) {
                throw new IllegalArgumentException("resolvedAt (" + resolvedAt + ") must not be before openedAt ("
                        + current.get().openedAt() + ") of incident " + incidentId);
            }
            if (current.isEmpty() || !current.get().isOpen()) {
                return Optional.<Incident>empty();
            }
            int n = ctx.update(Incidents.T)
                    .set(Incidents.RESOLVED_AT, at)
                    .set(Incidents.OPEN_KEY, (String) null)
                    .set(Incidents.VERSION, Incidents.VERSION.plus(inline(1L)))
                    .where(Incidents.ID.eq(id.get()))
                    .and(Incidents.RESOLVED_AT.isNull())
                    .execute();
            return n == 0 ? Optional.<Incident>empty() : loadIncident(ctx, id.get());
        });
    }

    @Override
    public Page<Incident> incidents(IncidentQuery query) {
        Objects.requireNonNull(query, "query");
        Condition c = noCondition();
        if (query.openOnly()) {
            c = c.and(Incidents.RESOLVED_AT.isNull());
        }
        if (query.cronJob() != null) {
            c = c.and(Incidents.NAMESPACE.eq(query.cronJob().namespace()))
                    .and(Incidents.CRONJOB_NAME.eq(query.cronJob().name()));
        }
        if (query.monitor() != null) {
            c = c.and(Incidents.MONITOR.eq(query.monitor()));
        }
        if (query.type() != null) {
            c = c.and(Incidents.ALERT_TYPE.eq(query.type().name()));
        }
        if (query.openedFrom() != null) {
            c = c.and(Incidents.OPENED_AT.ge(query.openedFrom().toEpochMilli()));
        }
        if (query.resolvedFrom() != null) {
            c = c.and(Incidents.RESOLVED_AT.ge(query.resolvedFrom().toEpochMilli()));
        }
        Condition cond = c;
        return read("incidents", ctx -> {
            long total = ctx.fetchCount(Incidents.T, cond);
            List<Incident> items = new ArrayList<>();
            if (total > query.offset()) {
                ctx.select(Incidents.ALL).from(Incidents.T).where(cond)
                        .orderBy(Incidents.OPENED_AT.desc(), Incidents.ID.desc())
                        .limit(query.limit()).offset(query.offset())
                        .forEach(r -> items.add(Mapping.incident(r)));
            }
            return new Page<>(items, total, query.offset(), query.limit());
        });
    }

    // ================================================================= notification outbox

    private static Optional<Notification> loadNotification(DSLContext ctx, long id) {
        return ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.ID.eq(id)).fetchOptional()
                .map(Mapping::notification);
    }

    private static Condition claimable(long now) {
        return Notifications.STATUS.eq(inline(NotificationStatus.PENDING.name())).and(Notifications.DUE_AT.le(now))
                .or(Notifications.STATUS.eq(inline(NotificationStatus.CLAIMED.name()))
                        .and(Notifications.CLAIM_EXPIRES_AT.le(now)));
    }

    /** Columns of {@code guardian_notifications} seen as {@code o}, for a correlated subquery on the same table. */
    private static final org.jooq.Table<Record> OTHER = Notifications.T.as("o");
    private static final Field<Long> OTHER_ID = DSL.field(DSL.name("o", "id"), Long.class);
    private static final Field<String> OTHER_INCIDENT = DSL.field(DSL.name("o", "incident_id"), String.class);
    private static final Field<String> OTHER_CHANNEL = DSL.field(DSL.name("o", "channel"), String.class);
    private static final Field<String> OTHER_STATUS = DSL.field(DSL.name("o", "status"), String.class);

    /**
     * A resolution waits until every other notification of its incident and channel is final (see
     * {@link HistoryStore#claimNotification}). Only ever checked by a SELECT (MySQL cannot name the table an UPDATE
     * changes in a subquery): once final, those notifications stay final, so the check holds for the UPDATE after it.
     */
    private static Condition notOvertaking() {
        return Notifications.KIND.ne(inline(io.cronjobguardian.api.NotificationKind.RESOLVED.name()))
                .or(DSL.notExists(DSL.selectOne().from(OTHER)
                .where(OTHER_INCIDENT.eq(Notifications.INCIDENT_ID))
                .and(OTHER_CHANNEL.eq(Notifications.CHANNEL))
                .and(OTHER_ID.ne(Notifications.ID))
                .and(OTHER_STATUS.in(inline(NotificationStatus.PENDING.name()),
                        inline(NotificationStatus.CLAIMED.name())))));
    }

    @Override
    public Optional<Notification> enqueueNotification(NotificationDraft draft, long epoch) {
        Objects.requireNonNull(draft, "draft");
        Started s = started("enqueueNotification");
        return write("enqueueNotification", epoch, ctx -> {
            boolean exists = ctx.fetchExists(Notifications.T, Notifications.INCIDENT_ID.eq(draft.incidentId())
                    .and(Notifications.CHANNEL.eq(draft.channel()))
                    .and(Notifications.KIND.eq(draft.kind().name()))
                    .and(Notifications.SEQ.eq(draft.sequence())));
            if (exists) {
                return Optional.<Notification>empty();
            }
            long now = clock.millis();
            Map<Field<?>, Object> v = new LinkedHashMap<>();
            v.put(Notifications.INCIDENT_ID, draft.incidentId());
            v.put(Notifications.CHANNEL, draft.channel());
            v.put(Notifications.KIND, draft.kind().name());
            v.put(Notifications.SEQ, draft.sequence());
            v.put(Notifications.STATUS, NotificationStatus.PENDING.name());
            v.put(Notifications.ATTEMPTS, 0);
            v.put(Notifications.DUE_AT, draft.dueAt().toEpochMilli());
            v.put(Notifications.CLAIMED_BY, null);
            v.put(Notifications.CLAIM_EXPIRES_AT, null);
            v.put(Notifications.LAST_ERROR, null);
            v.put(Notifications.CREATED_AT, now);
            v.put(Notifications.SENT_AT, null);
            long id = insertReturningId(s, ctx, Notifications.T, Notifications.ID, v);
            return Optional.of(new Notification(id, draft.incidentId(), draft.channel(), draft.kind(),
                    draft.sequence(), NotificationStatus.PENDING, 0, draft.dueAt(), null, null, null,
                    Instant.ofEpochMilli(now), null));
        });
    }

    private static void checkClaim(String claimant, Duration claimTtl) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(claimTtl, "claimTtl");
        if (claimant.isBlank()) {
            throw new IllegalArgumentException("claimant must not be blank");
        }
        if (claimTtl.isNegative() || claimTtl.isZero()) {
            throw new IllegalArgumentException("claimTtl must be positive, was " + claimTtl);
        }
    }

    @Override
    public Optional<Notification> claimNotification(long notificationId, String claimant, Instant now,
            Duration claimTtl, long epoch) {
        checkClaim(claimant, claimTtl);
        Objects.requireNonNull(now, "now");
        long n = now.toEpochMilli();
        long expires = now.plus(claimTtl).toEpochMilli();
        return write("claimNotification", epoch, ctx -> {
            if (!ctx.fetchExists(Notifications.T, Notifications.ID.eq(notificationId).and(notOvertaking()))) {
                return Optional.<Notification>empty();
            }
            int changed = ctx.update(Notifications.T)
                    .set(Notifications.STATUS, NotificationStatus.CLAIMED.name())
                    .set(Notifications.CLAIMED_BY, claimant)
                    .set(Notifications.CLAIM_EXPIRES_AT, expires)
                    .where(Notifications.ID.eq(notificationId))
                    .and(claimable(n))
                    .execute();
            return changed == 0 ? Optional.<Notification>empty() : loadNotification(ctx, notificationId);
        });
    }

    @Override
    public List<Notification> claimDueNotifications(String claimant, Instant now, Duration claimTtl, int limit,
            long epoch) {
        checkClaim(claimant, claimTtl);
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        long n = now.toEpochMilli();
        long expires = now.plus(claimTtl).toEpochMilli();
        return write("claimDueNotifications", epoch, ctx -> {
            List<Long> ids = ctx.select(Notifications.ID).from(Notifications.T).where(claimable(n))
                    .and(notOvertaking())
                    .orderBy(Notifications.DUE_AT.asc(), Notifications.ID.asc()).limit(limit)
                    .fetch(Notifications.ID);
            if (ids.isEmpty()) {
                return List.<Notification>of();
            }
            ctx.update(Notifications.T)
                    .set(Notifications.STATUS, NotificationStatus.CLAIMED.name())
                    .set(Notifications.CLAIMED_BY, claimant)
                    .set(Notifications.CLAIM_EXPIRES_AT, expires)
                    .where(Notifications.ID.in(ids))
                    .and(claimable(n))
                    .execute();
            List<Notification> out = new ArrayList<>();
            ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.ID.in(ids))
                    .and(Notifications.CLAIMED_BY.eq(claimant))
                    .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                    .orderBy(Notifications.DUE_AT.asc(), Notifications.ID.asc())
                    .forEach(r -> out.add(Mapping.notification(r)));
            return out;
        });
    }

    @Override
    public boolean markNotificationSent(long notificationId, String claimant, Instant sentAt) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(sentAt, "sentAt");
        return completion("markNotificationSent", ctx -> ctx.update(Notifications.T)
                .set(Notifications.STATUS, NotificationStatus.SENT.name())
                .set(Notifications.SENT_AT, sentAt.toEpochMilli())
                .set(Notifications.ATTEMPTS, Notifications.ATTEMPTS.plus(inline(1)))
                .set(Notifications.CLAIM_EXPIRES_AT, (Long) null)
                .where(Notifications.ID.eq(notificationId))
                .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                .and(Notifications.CLAIMED_BY.eq(claimant))
                .execute() == 1);
    }

    @Override
    public boolean markNotificationFailed(long notificationId, String claimant, String error,
            @Nullable Instant retryAt) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(error, "error");
        NotificationStatus next = retryAt == null ? NotificationStatus.FAILED : NotificationStatus.PENDING;
        return completion("markNotificationFailed", ctx -> {
            // a retry is PENDING again and unclaimed; a final failure keeps who gave up on it
            var update = ctx.update(Notifications.T)
                    .set(Notifications.STATUS, next.name())
                    .set(Notifications.ATTEMPTS, Notifications.ATTEMPTS.plus(inline(1)))
                    .set(Notifications.LAST_ERROR, error)
                    .set(Notifications.CLAIM_EXPIRES_AT, (Long) null);
            if (retryAt != null) {
                update = update.set(Notifications.DUE_AT, retryAt.toEpochMilli())
                        .set(Notifications.CLAIMED_BY, (String) null);
            }
            return update.where(Notifications.ID.eq(notificationId))
                    .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                    .and(Notifications.CLAIMED_BY.eq(claimant))
                    .execute() == 1;
        });
    }

    @Override
    public Set<Long> extendClaims(Collection<Long> notificationIds, String claimant, Instant until) {
        Objects.requireNonNull(notificationIds, "notificationIds");
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(until, "until");
        if (notificationIds.isEmpty()) {
            return Set.of();
        }
        List<Long> ids = List.copyOf(new LinkedHashSet<>(notificationIds));
        return completion("extendClaims", ctx -> {
            Condition held = Notifications.ID.in(ids)
                    .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                    .and(Notifications.CLAIMED_BY.eq(claimant));
            ctx.update(Notifications.T).set(Notifications.CLAIM_EXPIRES_AT, until.toEpochMilli()).where(held)
                    .execute();
            return new LinkedHashSet<>(ctx.select(Notifications.ID).from(Notifications.T).where(held)
                    .orderBy(Notifications.ID.asc()).fetch(Notifications.ID));
        });
    }

    @Override
    public int releaseClaims(Collection<Long> notificationIds, String claimant) {
        Objects.requireNonNull(notificationIds, "notificationIds");
        Objects.requireNonNull(claimant, "claimant");
        if (notificationIds.isEmpty()) {
            return 0;
        }
        List<Long> ids = List.copyOf(new LinkedHashSet<>(notificationIds));
        return completion("releaseClaims", ctx -> ctx.update(Notifications.T)
                .set(Notifications.STATUS, NotificationStatus.PENDING.name())
                .set(Notifications.CLAIMED_BY, (String) null)
                .set(Notifications.CLAIM_EXPIRES_AT, (Long) null)
                .where(Notifications.ID.in(ids))
                .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                .and(Notifications.CLAIMED_BY.eq(claimant))
                .execute());
    }

    @Override
    public List<Notification> notifications(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        return read("notifications", ctx -> {
            List<Notification> out = new ArrayList<>();
            ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.INCIDENT_ID.eq(incidentId))
                    .orderBy(Notifications.ID.asc()).forEach(r -> out.add(Mapping.notification(r)));
            return out;
        });
    }

    @Override
    public List<Notification> pendingNotifications(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return read("pendingNotifications", ctx -> {
            List<Notification> out = new ArrayList<>();
            ctx.select(Notifications.ALL).from(Notifications.T)
                    .where(Notifications.STATUS.in(NotificationStatus.PENDING.name(),
                            NotificationStatus.CLAIMED.name()))
                    .orderBy(Notifications.DUE_AT.asc(), Notifications.ID.asc()).limit(limit)
                    .forEach(r -> out.add(Mapping.notification(r)));
            return out;
        });
    }

    // ================================================================= channel stats

    @Override
    public void recordChannelResult(String channel, boolean success, Instant at, @Nullable String given) {
        String error = StoredText.clean(given);
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(at, "at");
        if (channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank");
        }
        long t = at.toEpochMilli();
        completion("recordChannelResult", ctx -> {
            boolean exists = ctx.fetchExists(ChannelStatsT.T, ChannelStatsT.CHANNEL.eq(channel));
            if (!exists) {
                ctx.insertInto(ChannelStatsT.T, ChannelStatsT.ALL).values(channel, success ? 1L : 0L,
                        success ? 0L : 1L, success ? 0 : 1, success ? t : null, success ? null : t,
                        success ? null : error).execute();
            } else if (success) {
                ctx.update(ChannelStatsT.T)
                        .set(ChannelStatsT.SENT, ChannelStatsT.SENT.plus(inline(1L)))
                        .set(ChannelStatsT.CONSECUTIVE_FAILURES, 0)
                        .set(ChannelStatsT.LAST_SENT_AT, t)
                        .where(ChannelStatsT.CHANNEL.eq(channel)).execute();
            } else {
                ctx.update(ChannelStatsT.T)
                        .set(ChannelStatsT.FAILED, ChannelStatsT.FAILED.plus(inline(1L)))
                        .set(ChannelStatsT.CONSECUTIVE_FAILURES, ChannelStatsT.CONSECUTIVE_FAILURES.plus(inline(1)))
                        .set(ChannelStatsT.LAST_FAILURE_AT, t)
                        .set(ChannelStatsT.LAST_ERROR, error)
                        .where(ChannelStatsT.CHANNEL.eq(channel)).execute();
            }
            return null;
        });
    }

    @Override
    public Map<String, ChannelStats> channelStats() {
        return read("channelStats", ctx -> {
            Map<String, ChannelStats> out = new LinkedHashMap<>();
            ctx.select(ChannelStatsT.ALL).from(ChannelStatsT.T).orderBy(ChannelStatsT.CHANNEL)
                    .forEach(r -> out.put(r.get(ChannelStatsT.CHANNEL), Mapping.channelStats(r)));
            return out;
        });
    }

    // ================================================================= CronJob state

    private static Condition stateKey(CronJobRef ref) {
        return CronJobStates.NAMESPACE.eq(ref.namespace()).and(CronJobStates.CRONJOB_NAME.eq(ref.name()));
    }

    @Override
    public void saveCronJobState(CronJobState state, long epoch) {
        Objects.requireNonNull(state, "state");
        write("saveCronJobState", epoch, ctx -> {
            int n = ctx.update(CronJobStates.T)
                    .set(CronJobStates.UID, state.uid())
                    .set(CronJobStates.FIRST_SEEN_AT, state.firstSeenAt().toEpochMilli())
                    .set(CronJobStates.SUSPENDED_SINCE, millis(state.suspendedSince()))
                    .set(CronJobStates.DELETED_AT, millis(state.deletedAt()))
                    .set(CronJobStates.MISSED_SLOTS_FLOOR, millis(state.missedSlotsFloor()))
                    .set(CronJobStates.PURGE_AT, millis(state.purgeAt()))
                    .set(CronJobStates.SCHEDULE, state.schedule())
                    .set(CronJobStates.SCHEDULE_CHANGED_AT, millis(state.scheduleChangedAt()))
                    .where(stateKey(state.ref()))
                    .execute();
            if (n == 0) {
                ctx.insertInto(CronJobStates.T, CronJobStates.ALL).values(state.ref().namespace(),
                        state.ref().name(), state.uid(), state.firstSeenAt().toEpochMilli(),
                        millis(state.suspendedSince()), millis(state.deletedAt()),
                        millis(state.missedSlotsFloor()), millis(state.purgeAt()), state.schedule(),
                        millis(state.scheduleChangedAt())).execute();
            }
            return null;
        });
    }

    @Override
    public Optional<CronJobState> findCronJobState(CronJobRef ref) {
        Objects.requireNonNull(ref, "ref");
        return read("findCronJobState", ctx -> ctx.select(CronJobStates.ALL).from(CronJobStates.T)
                .where(stateKey(ref)).fetchOptional().map(Mapping::cronJobState));
    }

    @Override
    public List<CronJobState> cronJobStates() {
        return read("cronJobStates", ctx -> {
            List<CronJobState> out = new ArrayList<>();
            ctx.select(CronJobStates.ALL).from(CronJobStates.T)
                    .orderBy(CronJobStates.NAMESPACE, CronJobStates.CRONJOB_NAME)
                    .forEach(r -> out.add(Mapping.cronJobState(r)));
            return out;
        });
    }

    @Override
    public boolean deleteCronJobState(CronJobRef ref, long epoch) {
        Objects.requireNonNull(ref, "ref");
        return write("deleteCronJobState", epoch, ctx -> ctx.deleteFrom(CronJobStates.T).where(stateKey(ref))
                .execute() > 0);
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
