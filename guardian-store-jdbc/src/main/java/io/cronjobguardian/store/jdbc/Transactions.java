package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.GuardianException;
import io.cronjobguardian.api.StoreUnavailableException;
import java.io.EOFException;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How {@link JdbcHistoryStore} talks to its database: every operation is one transaction, run here. A
 * {@linkplain #write fenced write} first takes the fence ({@link Fencing#take}), a {@linkplain #completion completion}
 * takes the fence's lock without checking the epoch, a {@linkplain #read read} takes no lock. Transient conflicts
 * (deadlocks, serialization failures) are retried a few times; any other failure becomes a
 * {@link StoreUnavailableException} that says what failed, with no secret in it.
 *
 * <p>Holds what the store has between start() and close() ({@link Started}); the store's lifecycle sets it. Logs as
 * {@link JdbcHistoryStore}.
 */
final class Transactions {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcHistoryStore.class);
    private static final int MAX_ATTEMPTS = 4;

    private final String name;
    private final PoolSpec poolSpec;
    private final org.jooq.conf.Settings jooqSettings;
    /** Test hook: runs in a write's transaction right after the fence was taken (see {@link #afterFence}). */
    private volatile Runnable afterFence;
    private volatile Started started;
    private volatile boolean closed;

    Transactions(String name, PoolSpec poolSpec, org.jooq.conf.Settings jooqSettings) {
        this.name = name;
        this.poolSpec = poolSpec;
        this.jooqSettings = jooqSettings;
    }

    /** What start() opened; {@code null} before. */
    Started current() {
        return started;
    }

    boolean isClosed() {
        return closed;
    }

    /** start(): from now on operations run on {@code s}. */
    void open(Started s) {
        this.started = s;
    }

    /** close(): from now on operations are refused. */
    void markClosed() {
        this.closed = true;
    }

    @FunctionalInterface
    interface Work<T> {
        T run(DSLContext ctx) throws SQLException;
    }

    Started started(String op) {
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
    <T> T write(String op, long epoch, Work<T> work) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be >= 0, was " + epoch);
        }
        Started s = started(op);
        return run(s, op, true, ctx -> {
            Fencing.take(s, ctx, epoch);
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
     * A write that records what a claimant did under its own claim: not fenced (see the HistoryStore contract), but
     * serialised with every other write through the fence row's lock, taken without checking the epoch.
     */
    <T> T completion(String op, Work<T> work) {
        Started s = started(op);
        return run(s, op, true, ctx -> {
            Fencing.take(s, ctx, Fencing.NO_EPOCH);
            return work.run(ctx);
        });
    }

    /** A read in one transaction (consistent across its statements). */
    <T> T read(String op, Work<T> work) {
        return run(started(op), op, false, work);
    }

    <T> T run(Started s, String op, boolean write, Work<T> work) {
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
    StoreUnavailableException unavailable(String op, Throwable e) {
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

    /** A read of the statistics: in a transaction the dialect prepares first where it needs one. */
    <T> T statsRead(String op, java.util.function.Function<Started, Work<T>> work) {
        Started s = started(op);
        Work<T> w = work.apply(s);
        return run(s, op, false, ctx -> {
            if (s.dialect.statisticsNeedTransaction()) {
                s.dialect.prepareStatistics(ctx);
            }
            return w.run(ctx);
        });
    }

}
