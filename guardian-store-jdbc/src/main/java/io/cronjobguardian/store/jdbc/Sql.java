package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.row;

import io.cronjobguardian.api.CronJobRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Row2;

/** Small SQL helpers shared by the store. */
final class Sql {

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

    /** Splits a list into chunks of at most {@code size}. */
    static <T> List<List<T>> chunks(List<T> list, int size) {
        List<List<T>> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            out.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return out;
    }
}
