package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.cronjobguardian.api.CronJobRef;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;

/**
 * MySQL 8+: DDL commits implicitly, so migrations are serialised by {@code GET_LOCK}; no {@code percentile_cont},
 * so percentiles use the rank emulation; generated ids through {@code LAST_INSERT_ID()}.
 */
class MySqlDialect extends DialectSupport {

    @Override
    public String id() {
        return "mysql";
    }

    @Override
    public SQLDialect sqlDialect() {
        return SQLDialect.MYSQL;
    }

    @Override
    boolean transactionalDdl() {
        return false;
    }

    @Override
    PercentileStrategy percentileStrategy(Connection connection) {
        return PercentileStrategy.RANK_EMULATION;
    }

    @Override
    AutoCloseable lockForMigration(Connection c, long timeoutSeconds) throws SQLException {
        // a named lock of the server, per database: DATABASE() keeps stores in different databases apart
        String lockName = "LEFT(SHA1(CONCAT('guardian_migrate.', COALESCE(DATABASE(), ''))), 40)";
        try (PreparedStatement ps = c.prepareStatement("SELECT GET_LOCK(" + lockName + ", ?)")) {
            ps.setLong(1, Math.max(1, timeoutSeconds));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getInt(1) != 1) {
                    throw new StoreUnavailableException("could not take the migration lock (GET_LOCK) within "
                            + timeoutSeconds + "s: another replica is migrating or holds it");
                }
            }
        }
        return () -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT RELEASE_LOCK(" + lockName + ")");
            }
        };
    }

    /**
     * {@code namespace IN (...) AND cronjob_name IN (...)}: a superset of the pairs that the optimizer turns into
     * index lookups (MariaDB evaluates a large row-value IN list row by row); the caller keeps only the pairs asked
     * for.
     */
    @Override
    Condition refsIn(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        Set<String> namespaces = new LinkedHashSet<>();
        Set<String> names = new LinkedHashSet<>();
        for (CronJobRef r : refs) {
            namespaces.add(r.namespace());
            names.add(r.name());
        }
        return namespace.in(namespaces).and(name.in(names));
    }

    /** The superset's index lookups, filtered by the row-value IN list. */
    @Override
    Condition refsExactly(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        return refsIn(namespace, name, refs).and(Sql.rowIn(namespace, name, refs));
    }

    @Override
    void prepareStatistics(DSLContext ctx) {
        // the histogram path reads counts, then rows at ranks: both statements must see one snapshot (InnoDB's
        // default, restated in case the host's DataSource runs READ COMMITTED)
        ctx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    }

    @Override
    boolean statisticsNeedTransaction() {
        return true;
    }

    @Override
    boolean singleStatsByBuckets() {
        return true; // window functions over one large partition are slow on MySQL and MariaDB (measured)
    }

    @Override
    boolean multiRowUpserts() {
        return true; // one round trip; measured faster than the drivers' batches here
    }

    @Override
    String histogramIncrementSql(int rows) {
        return DurationHistogram.onDuplicateKeySql(rows);
    }

    @Override
    boolean insertReturning() {
        return false; // Connector/J rejects RETURNING; LAST_INSERT_ID() works with every driver
    }

    @Override
    int maxRefsPerStatement() {
        return 15_000; // two lists of binds, twice, stay below the 65,535 placeholders of the protocol
    }

    /** Keeps the session's own {@code wait_timeout}, which {@link #endWrite()} restores after each write. */
    @Override
    List<String> sessionSetup(Duration idleInTransaction) {
        return List.of("SET @guardian_wait_timeout = @@SESSION.wait_timeout");
    }

    /**
     * MySQL 8 has no idle-in-transaction timeout; {@code wait_timeout} ends a session idle for that long, inside a
     * transaction or not. It is lowered for the time of each write only, so that pooled connections keep the
     * server's (or the session's) own idle limit between writes.
     */
    @Override
    String beginWrite(Duration idleInTransaction) {
        return "SET SESSION wait_timeout = " + seconds(idleInTransaction);
    }

    @Override
    String endWrite() {
        return "SET SESSION wait_timeout = @guardian_wait_timeout";
    }

    @Override
    boolean isTransient(SQLException e) {
        int code = e.getErrorCode();
        return code == 1213 || code == 1205 || "40001".equals(e.getSQLState());
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
        return e.getErrorCode() == 1062;
    }

    @Override
    void checkVersion(DatabaseMetaData md) throws SQLException {
        if (md.getDatabaseMajorVersion() < 8) {
            throw new StoreUnavailableException("MySQL " + md.getDatabaseProductVersion()
                    + " is too old: the store needs MySQL 8.0.17 or newer (window functions, utf8mb4_0900_bin)");
        }
    }
}
