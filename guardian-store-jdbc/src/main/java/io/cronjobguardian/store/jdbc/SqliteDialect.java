package io.cronjobguardian.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.jooq.SQLDialect;

/**
 * SQLite 3.25+: one writer at a time (serialised in the JVM, busy timeout across processes), migrations in an
 * exclusive transaction, native {@code percentile_cont(x, p)} when the library has it (sqlite-jdbc 3.51.2+), else the
 * rank emulation.
 */
final class SqliteDialect extends DialectSupport {

    @Override
    public String id() {
        return "sqlite";
    }

    @Override
    public SQLDialect sqlDialect() {
        return SQLDialect.SQLITE;
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    PercentileStrategy percentileStrategy(Connection connection) {
        try (Statement s = connection.createStatement()) {
            s.executeQuery("SELECT percentile_cont(1, 0.5)").close();
            return PercentileStrategy.SQLITE_FUNCTION;
        } catch (SQLException e) {
            return PercentileStrategy.RANK_EMULATION; // "no such function": an older SQLite library
        }
    }

    @Override
    AutoCloseable lockForMigration(Connection c, long timeoutSeconds) throws SQLException {
        // the migrator runs in a transaction that began with BEGIN EXCLUSIVE (see Migrator): nothing more to do
        return () -> { };
    }

    @Override
    void beginMigration(Connection c) throws SQLException {
        // EXCLUSIVE: a second store starting on the same file waits (busy timeout) until this one has migrated
        try (Statement s = c.createStatement()) {
            s.execute("BEGIN EXCLUSIVE");
        }
    }

    @Override
    void commitMigration(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("COMMIT");
        }
    }

    @Override
    void rollbackMigration(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ROLLBACK");
        }
    }

    @Override
    boolean insertReturning() {
        return false;
    }

    @Override
    boolean serializeWritesInProcess() {
        return true;
    }

    @Override
    int maxRefsPerStatement() {
        return 8_000;
    }

    @Override
    boolean isTransient(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == 5 || primary == 6; // SQLITE_BUSY, SQLITE_LOCKED
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
        String m = String.valueOf(e.getMessage()).toUpperCase(Locale.ROOT);
        return (e.getErrorCode() & 0xff) == 19 && (m.contains("UNIQUE") || m.contains("PRIMARY KEY"));
    }
}
