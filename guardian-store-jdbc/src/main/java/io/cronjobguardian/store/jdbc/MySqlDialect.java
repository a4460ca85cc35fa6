package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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

    @Override
    String bucketIncrementSql() {
        return BucketDeltas.onDuplicateKeySql();
    }

    @Override
    boolean insertReturning() {
        return false; // Connector/J rejects RETURNING; LAST_INSERT_ID() works with every driver
    }

    @Override
    int maxRefsPerStatement() {
        return 15_000; // two (namespace, name) lists of binds stay below the 65,535 placeholders of the protocol
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
