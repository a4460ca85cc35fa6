package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;

/**
 * What differs between the supported databases, in one small object per database. Everything else (tables, queries,
 * transactions) is shared. Chosen by {@link #detect(Connection)} from the connection's metadata, which tells MariaDB
 * and MySQL apart even when MariaDB is reached through MySQL Connector/J.
 */
public abstract class DialectSupport {

    /** How percentiles are computed in the database. All strategies give the {@code ExecutionStats} definition. */
    public enum PercentileStrategy {
        /** PostgreSQL: {@code percentile_cont(array[...]) WITHIN GROUP (ORDER BY ...)} as an aggregate (one sort). */
        ORDERED_SET_AGGREGATE,
        /** MariaDB: {@code percentile_cont(p) WITHIN GROUP (ORDER BY ...) OVER (PARTITION BY ...)}. */
        WINDOW_FUNCTION,
        /** SQLite 3.51+: the {@code percentile_cont(x, p)} aggregate function. */
        SQLITE_FUNCTION,
        /**
         * Portable: {@code row_number()} and {@code count(*)} windows pick the two neighbouring ranks in the
         * database; only those two values per percentile come back and are interpolated (MySQL 8, older SQLite).
         */
        RANK_EMULATION
    }

    DialectSupport() {
    }

    /** {@code postgres}, {@code mysql}, {@code mariadb} or {@code sqlite}. */
    public abstract String id();

    /** The jOOQ dialect. */
    public abstract SQLDialect sqlDialect();

    /**
     * Resource folder of the migration scripts, e.g. {@code io/cronjobguardian/store/postgres/migration}: under the
     * project's own package path, never under {@code db/migration}, the location a host's Flyway (and Spring Boot)
     * scans by default. The folder moved in 0.1.0 without changing a script, so the version numbers and checksums
     * recorded in {@code guardian_schema_history} by the old layout stay valid.
     */
    public String migrationFolder() {
        return "io/cronjobguardian/store/" + id() + "/migration";
    }

    /** Whether DDL takes part in transactions (a failed migration then leaves nothing behind). */
    abstract boolean transactionalDdl();

    /** The percentile strategy on this connection (may probe the database). */
    abstract PercentileStrategy percentileStrategy(Connection connection);

    /**
     * Takes the migration lock on this connection; for transactional-DDL databases inside the migration
     * transaction. Returns what releases it (nothing for transaction-scoped locks).
     */
    abstract AutoCloseable lockForMigration(Connection connection, long timeoutSeconds) throws SQLException;

    /** Begins the migration transaction of a transactional-DDL database. */
    void beginMigration(Connection c) throws SQLException {
        c.setAutoCommit(false);
    }

    /** Commits the migration transaction. */
    void commitMigration(Connection c) throws SQLException {
        c.commit();
        c.setAutoCommit(true);
    }

    /** Rolls the migration transaction back. */
    void rollbackMigration(Connection c) throws SQLException {
        c.rollback();
        c.setAutoCommit(true);
    }

    /** Whether {@code INSERT ... RETURNING} gives generated ids (else {@code lastID()} on the same connection). */
    abstract boolean insertReturning();

    /** How new executions are inserted without reading first. */
    enum InsertNew {
        /**
         * Probe which Job UIDs exist, read those rows, then insert the rest (MySQL, MariaDB: {@code INSERT IGNORE}
         * would also swallow other errors, and a plain batch INSERT keeps MariaDB's bulk protocol).
         */
        READ_FIRST,
        /** {@code INSERT ... VALUES (...), ... ON CONFLICT (job_uid) DO NOTHING RETURNING job_uid} (PostgreSQL). */
        MULTI_ROW_RETURNING,
        /** A JDBC batch of {@code INSERT ... ON CONFLICT (job_uid) DO NOTHING}, per-row counts (SQLite). */
        BATCH_COUNTS
    }

    /** How new executions are inserted without reading first. */
    InsertNew insertNew() {
        return InsertNew.READ_FIRST;
    }

    /** The statement that adds to {@code rows} duration-histogram rows, creating missing ones (9 parameters each). */
    String histogramIncrementSql(int rows) {
        return DurationHistogram.onConflictSql(rows);
    }

    /**
     * Whether many rows per statement beat a JDBC batch of one-row statements (no per-statement preparation
     * cost on the server, fewer round trips).
     */
    boolean multiRowUpserts() {
        return false;
    }

    /** Whether writers in this JVM must be serialised by a lock (SQLite: one writer at a time per file). */
    boolean serializeWritesInProcess() {
        return false;
    }

    /** How many CronJobs one bulk statistics statement may name (bind-variable limits). */
    int maxRefsPerStatement() {
        return 10_000;
    }

    /**
     * A condition that matches the given CronJobs' rows; it may match more (the caller keeps only the CronJobs asked
     * for).
     */
    Condition refsIn(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        return Sql.rowIn(namespace, name, refs);
    }

    /** A condition that matches the given CronJobs' rows and no others (for statements that write). */
    Condition refsExactly(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        return refsIn(namespace, name, refs);
    }

    /**
     * Whether one CronJob's statistics over a window without whole histogram weeks also go through bucket counts and
     * ranks (two short statements) rather than the percentile strategy (one statement): for databases whose
     * percentile functions or window sorts are slow on large partitions.
     */
    boolean singleStatsByBuckets() {
        return false;
    }

    /**
     * The executions table as the rank step of the histogram statistics reads it: the rows of one CronJob's
     * duration bucket in duration order, which the {@code guardian_executions_cj_bucket} index holds.
     */
    org.jooq.Table<?> bucketRankSource() {
        return Tables.Executions.T;
    }

    /** Session tuning before a statistics query, inside its transaction. */
    void prepareStatistics(DSLContext ctx) {
    }

    /** Whether the statistics query runs in a transaction (needed for {@link #prepareStatistics}). */
    boolean statisticsNeedTransaction() {
        return false;
    }

    /**
     * Statements run once on each connection the store uses, before its first transaction there, so that the server
     * ends the session when it sits inside a transaction, waiting for its client, longer than
     * {@code idleInTransaction}: a writer frozen after taking the fence row (process paused, VM suspended, network
     * cut) then holds that row lock no longer than this. Empty where the database has no such timeout per session.
     */
    List<String> sessionSetup(Duration idleInTransaction) {
        return List.of();
    }

    /**
     * A statement run first in every write transaction, for databases that can bound only a session's idle time as a
     * whole (MySQL's {@code wait_timeout}), or {@code null}. {@link #endWrite()} undoes it.
     */
    String beginWrite(Duration idleInTransaction) {
        return null;
    }

    /** The statement run after every write transaction that ran {@link #beginWrite}, or {@code null}. */
    String endWrite() {
        return null;
    }

    /** Whole seconds, rounded up (the MySQL family's session timeouts are in seconds). */
    static long seconds(Duration d) {
        return Math.max(1, (d.toMillis() + 999) / 1000);
    }

    /** Deadlocks, serialisation failures, busy databases: the transaction may simply be retried. */
    abstract boolean isTransient(SQLException e);

    /** A unique or primary-key violation. */
    abstract boolean isUniqueViolation(SQLException e);

    /** Checks the server version is one this store supports. */
    void checkVersion(DatabaseMetaData md) throws SQLException {
    }

    @Override
    public String toString() {
        return id();
    }

    // ---------------------------------------------------------------- lookup

    /** The dialect with this id ({@code postgres}, {@code mysql}, {@code mariadb}, {@code sqlite}). */
    public static DialectSupport forId(String id) {
        switch (id.toLowerCase(Locale.ROOT)) {
            case "postgres": case "postgresql": return new PostgresDialect();
            case "mysql": return new MySqlDialect();
            case "mariadb": return new MariaDbDialect();
            case "sqlite": return new SqliteDialect();
            default: throw new IllegalArgumentException("unknown dialect \"" + id
                    + "\"; known: postgres, mysql, mariadb, sqlite");
        }
    }

    /**
     * Detects the dialect from the connection's metadata. MariaDB is recognised by its product name or, through
     * MySQL Connector/J (which reports {@code MySQL}), by the {@code -MariaDB} suffix of the version.
     *
     * @throws StoreUnavailableException for a database that is not supported
     */
    public static DialectSupport detect(Connection connection) throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        String product = String.valueOf(md.getDatabaseProductName());
        String version = String.valueOf(md.getDatabaseProductVersion());
        DialectSupport d = fromProduct(product, version);
        if (d == null) {
            throw new StoreUnavailableException("unsupported database \"" + product + " " + version
                    + "\"; supported: PostgreSQL 11+, MySQL 8.0.17+, MariaDB 10.3+, SQLite 3.25+");
        }
        d.checkVersion(md);
        return d;
    }

    /** The dialect for a product name and version as JDBC metadata reports them, or {@code null}. */
    static DialectSupport fromProduct(String product, String version) {
        String p = product.toLowerCase(Locale.ROOT);
        String v = version.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) {
            return new PostgresDialect();
        }
        if (p.contains("mariadb") || (p.contains("mysql") && v.contains("mariadb"))) {
            return new MariaDbDialect();
        }
        if (p.contains("mysql")) {
            return new MySqlDialect();
        }
        if (p.contains("sqlite")) {
            return new SqliteDialect();
        }
        return null;
    }

    static boolean hasCause(Throwable t, Class<?> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }
}
