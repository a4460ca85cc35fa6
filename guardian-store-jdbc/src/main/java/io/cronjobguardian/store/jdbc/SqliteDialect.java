package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import io.cronjobguardian.api.CronJobRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.SQLDialect;

/**
 * SQLite 3.25+ (a read transaction in WAL mode is one snapshot, so statistics need no isolation setting): one writer
 * at a time (serialised in the JVM, busy timeout across processes), migrations in an
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
    InsertNew insertNew() {
        return InsertNew.BATCH_COUNTS;
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
        return Integer.MAX_VALUE; // one JSON parameter, whatever the number of CronJobs
    }

    /**
     * {@code (namespace, name) IN (SELECT ... FROM json_each(?))}: one parameter instead of an OR chain (SQLite
     * limits expression depth to 1000) or thousands of binds.
     */
    @Override
    Condition refsIn(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        List<Object> pairs = new ArrayList<>(refs.size());
        for (CronJobRef r : refs) {
            pairs.add(List.of(r.namespace(), r.name()));
        }
        return row(namespace, name).in(select(field("json_extract(value, '$[0]')", String.class),
                field("json_extract(value, '$[1]')", String.class)).from(table("json_each({0})",
                val(Json.write(pairs)))));
    }

    /**
     * {@code INDEXED BY}: without {@code ANALYZE} statistics (a database that never ran it) SQLite's planner reads
     * the window's time range instead of the bucket's index entries — 100 ms instead of 0.1 ms per rank over 1M runs.
     */
    @Override
    org.jooq.Table<?> bucketRankSource() {
        return table("guardian_executions INDEXED BY guardian_executions_cj_bucket");
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
