package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.Execution;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.UpdateSetMoreStep;

/**
 * The JDBC plumbing of recording runs ({@link RunsTable}'s upserts): batched INSERTs and UPDATEs of execution and
 * detail rows, the dialects' insert-if-new statements, and the primary-key probe. Plain JDBC on the transaction's
 * connection where jOOQ's per-value cost showed in the benchmarks; jOOQ renders the statements.
 */
final class RowBatches {

    private RowBatches() {
    }

    static boolean uniqueViolation(DialectSupport dialect, SQLException e) {
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

    /**
     * Inserts the executions (without details) whose Job UID is not stored yet and returns those UIDs: on PostgreSQL
     * {@code INSERT ... VALUES (...), ... ON CONFLICT (job_uid) DO NOTHING RETURNING job_uid}, a hundred rows per
     * statement; on SQLite a JDBC batch of one-row {@code INSERT ... ON CONFLICT DO NOTHING} with its per-row
     * counts.
     */
    static Set<String> insertNew(DialectSupport dialect, DSLContext ctx, List<Execution> executions)
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

    interface RowFn {
        List<Object> values(Execution e);
    }

    /**
     * A JDBC batch of one INSERT statement that jOOQ renders for the dialect: the hot path of recording, with no
     * per-value overhead beyond the driver's.
     */
    static void insertRows(DSLContext ctx, org.jooq.Table<Record> table, Field<?>[] fields,
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
    static void updateRows(DSLContext ctx, org.jooq.Table<Record> table, Field<?>[] fields,
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

    /**
     * The Job UIDs of {@code uids} that are stored: a primary-key probe in plain JDBC (the common batch is all new
     * runs, and rendering and binding a 500-value IN list through jOOQ cost more than the server's work).
     */
    static List<String> existingUids(DSLContext ctx, List<String> uids) throws SQLException {
        List<String> out = new ArrayList<>();
        Connection c = ctx.configuration().connectionProvider().acquire();
        for (List<String> chunk : Sql.chunks(uids, Sql.IN_CHUNK)) {
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

}
