package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.row;

import io.cronjobguardian.api.CronJobRef;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Row2;

/** Small SQL helpers shared by the store. */
final class Sql {

    /** IN lists are split into chunks of at most this many values. */
    static final int IN_CHUNK = 500;

    private Sql() {
    }

    static Condition rowIn(Field<String> namespace, Field<String> name, List<CronJobRef> refs) {
        List<Row2<String, String>> rows = new ArrayList<>(refs.size());
        for (CronJobRef r : refs) {
            rows.add(row(r.namespace(), r.name()));
        }
        return row(namespace, name).in(rows);
    }

    static Long millis(Instant i) {
        return i == null ? null : i.toEpochMilli();
    }

    static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    /** Inserts a row and returns its generated id, by RETURNING or LAST_INSERT_ID()/last_insert_rowid(). */
    static long insertReturningId(DialectSupport dialect, DSLContext ctx, org.jooq.Table<Record> table,
            Field<Long> id, Map<Field<?>, Object> values) {
        var insert = ctx.insertInto(table).set(values);
        if (dialect.insertReturning()) {
            return insert.returningResult(id).fetchOne().value1();
        }
        insert.execute();
        BigInteger last = ctx.lastID();
        return last.longValueExact();
    }

    /** Splits a list into chunks of at most {@code size}. */
    static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }
}
