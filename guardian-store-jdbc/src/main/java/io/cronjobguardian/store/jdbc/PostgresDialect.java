package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.row;
import static org.jooq.impl.DSL.select;
import static org.jooq.impl.DSL.table;
import static org.jooq.impl.DSL.val;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.StoreUnavailableException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.SQLDialect;
import org.jooq.impl.SQLDataType;

/** PostgreSQL 11+: transactional DDL, advisory lock, {@code percentile_cont} aggregate, arrays for bulk lookups. */
final class PostgresDialect extends DialectSupport {

    /** First half of the advisory lock key: "GUAR". The second half is a hash of the current schema. */
    private static final int LOCK_CLASS = 0x47554152;

    @Override
    public String id() {
        return "postgres";
    }

    @Override
    public SQLDialect sqlDialect() {
        return SQLDialect.POSTGRES;
    }

    @Override
    boolean transactionalDdl() {
        return true;
    }

    @Override
    PercentileStrategy percentileStrategy(Connection connection) {
        return PercentileStrategy.ORDERED_SET_AGGREGATE;
    }

    @Override
    AutoCloseable lockForMigration(Connection c, long timeoutSeconds) throws SQLException {
        // inside the migration transaction: released by its commit or rollback
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL lock_timeout = '" + Math.max(1, timeoutSeconds) + "s'");
            s.execute("SELECT pg_advisory_xact_lock(" + LOCK_CLASS + ", hashtext(coalesce(current_schema(), '')))");
        }
        return () -> { };
    }

    @Override
    InsertNew insertNew() {
        return InsertNew.MULTI_ROW_RETURNING;
    }

    @Override
    boolean insertReturning() {
        return true;
    }

    @Override
    int maxRefsPerStatement() {
        return Integer.MAX_VALUE; // two array parameters, whatever the number of CronJobs
    }

    @Override
    Condition refsIn(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        String[] ns = new String[refs.size()];
        String[] names = new String[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            ns[i] = refs.get(i).namespace();
            names[i] = refs.get(i).name();
        }
        return row(namespace, name).in(
                select(field(name("r", "ns"), String.class), field(name("r", "nm"), String.class))
                        .from(table("unnest({0}, {1}) as r(ns, nm)",
                                val(ns, SQLDataType.VARCHAR.getArrayDataType()),
                                val(names, SQLDataType.VARCHAR.getArrayDataType()))));
    }

    /**
     * {@code (namespace, name) IN ((?, ?), ...)}: equality pairs, which the planner turns into index lookups. With
     * the {@code unnest} form a group's histogram statement took 13-90 ms while a store loaded history into a table
     * without fresh statistics (the engine benchmark's load ran at 7,000 rows/s instead of 27,000).
     */
    @Override
    Condition refsExactly(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        return Sql.rowIn(namespace, name, refs);
    }

    @Override
    void prepareStatistics(DSLContext ctx) {
        // the histogram path reads counts, then rows at ranks: both statements must see one snapshot
        ctx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
        // one in-memory sort for a million durations instead of an external merge on disk
        ctx.execute("SET LOCAL work_mem = '64MB'");
    }

    @Override
    boolean statisticsNeedTransaction() {
        return true;
    }

    /** {@code idle_in_transaction_session_timeout}: the server ends the session, and its transaction with it. */
    @Override
    List<String> sessionSetup(Duration idleInTransaction) {
        return List.of("SET idle_in_transaction_session_timeout = " + Math.max(1, idleInTransaction.toMillis()));
    }

    @Override
    boolean isTransient(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if ("40001".equals(state) || "40P01".equals(state) || "55P03".equals(state)) {
                return true;
            }
        }
        return false;
    }

    @Override
    boolean isUniqueViolation(SQLException e) {
        return "23505".equals(e.getSQLState());
    }

    @Override
    void checkVersion(DatabaseMetaData md) throws SQLException {
        if (md.getDatabaseMajorVersion() < 11) {
            throw new StoreUnavailableException("PostgreSQL " + md.getDatabaseProductVersion()
                    + " is too old: the store needs PostgreSQL 11 or newer");
        }
    }
}
