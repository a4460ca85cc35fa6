package io.cronjobguardian.store.jdbc;

import static io.cronjobguardian.store.jdbc.Sql.millis;
import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.noCondition;

import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.store.jdbc.Tables.Incidents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;

/**
 * Incidents ({@code guardian_incidents}): opened once per key (the {@code open_key} column is unique while an
 * incident is open), updated and resolved by compare-and-set on the version, and queried newest first.
 */
final class IncidentsTable {

    private final Transactions tx;

    IncidentsTable(Transactions tx) {
        this.tx = tx;
    }

    private static Optional<Long> incidentId(String id) {
        if (id == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(id.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Incident> loadIncident(DSLContext ctx, long id) {
        return ctx.select(Incidents.ALL).from(Incidents.T).where(Incidents.ID.eq(id)).fetchOptional()
                .map(Mapping::incident);
    }

    OpenIncidentResult openIncident(IncidentDraft given, long epoch) {
        IncidentDraft draft = StoredText.clean(Objects.requireNonNull(given, "draft"));
        String openKey = Mapping.openKey(draft.key());
        Started s = tx.started("openIncident");
        return tx.write("openIncident", epoch, ctx -> {
            Optional<Incident> open = ctx.select(Incidents.ALL).from(Incidents.T)
                    .where(Incidents.OPEN_KEY.eq(openKey)).fetchOptional().map(Mapping::incident);
            if (open.isPresent()) {
                return new OpenIncidentResult(open.get(), false);
            }
            IncidentKey k = draft.key();
            Map<Field<?>, Object> v = columns(new Incident("new", k, draft.severity(), draft.title(),
                    draft.message(), draft.signature(), draft.context(), draft.openedAt(), null, 0, null, 0), openKey);
            long id = Sql.insertReturningId(s.dialect, ctx, Incidents.T, Incidents.ID, v);
            return new OpenIncidentResult(new Incident(Long.toString(id), k, draft.severity(), draft.title(),
                    draft.message(), draft.signature(), draft.context(), draft.openedAt(), null, 0, null, 0), true);
        });
    }

    Optional<Incident> findOpenIncident(IncidentKey key) {
        Objects.requireNonNull(key, "key");
        String openKey = Mapping.openKey(key);
        return tx.read("findOpenIncident", ctx -> ctx.select(Incidents.ALL).from(Incidents.T)
                .where(Incidents.OPEN_KEY.eq(openKey)).fetchOptional().map(Mapping::incident));
    }

    Optional<Incident> findIncident(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        Optional<Long> id = incidentId(incidentId);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return tx.read("findIncident", ctx -> loadIncident(ctx, id.get()));
    }

    Optional<Incident> updateIncident(Incident given, long epoch) {
        Incident updated = StoredText.clean(Objects.requireNonNull(given, "updated"));
        Optional<Long> id = incidentId(updated.id());
        return tx.write("updateIncident", epoch, ctx -> {
            if (id.isEmpty()) {
                return Optional.<Incident>empty();
            }
            int n = ctx.update(Incidents.T)
                    .set(Incidents.SEVERITY, updated.severity().name())
                    .set(Incidents.TITLE, updated.title())
                    .set(Incidents.MESSAGE, updated.message())
                    .set(Incidents.SIGNATURE, updated.signature())
                    .set(Incidents.CONTEXT, Mapping.context(updated.context()))
                    .set(Incidents.LAST_NOTIFIED_AT, millis(updated.lastNotifiedAt()))
                    .set(Incidents.NOTIFICATION_COUNT, updated.notificationCount())
                    .set(Incidents.VERSION, Incidents.VERSION.plus(inline(1L)))
                    .where(Incidents.ID.eq(id.get()))
                    .and(Incidents.VERSION.eq(updated.version()))
                    .and(Incidents.RESOLVED_AT.isNull())
                    .execute();
            return n == 0 ? Optional.<Incident>empty() : loadIncident(ctx, id.get());
        });
    }

    Optional<Incident> resolveIncident(String incidentId, Instant resolvedAt, long epoch) {
        Objects.requireNonNull(incidentId, "incidentId");
        Objects.requireNonNull(resolvedAt, "resolvedAt");
        Optional<Long> id = incidentId(incidentId);
        long at = resolvedAt.toEpochMilli();
        return tx.write("resolveIncident", epoch, ctx -> {
            if (id.isEmpty()) {
                return Optional.<Incident>empty();
            }
            Optional<Incident> current = loadIncident(ctx, id.get());
            if (current.isPresent() && at < current.get().openedAt().toEpochMilli()) {
                throw new IllegalArgumentException("resolvedAt (" + resolvedAt + ") must not be before openedAt ("
                        + current.get().openedAt() + ") of incident " + incidentId);
            }
            if (current.isEmpty() || !current.get().isOpen()) {
                return Optional.<Incident>empty();
            }
            int n = ctx.update(Incidents.T)
                    .set(Incidents.RESOLVED_AT, at)
                    .set(Incidents.OPEN_KEY, (String) null)
                    .set(Incidents.VERSION, Incidents.VERSION.plus(inline(1L)))
                    .where(Incidents.ID.eq(id.get()))
                    .and(Incidents.RESOLVED_AT.isNull())
                    .execute();
            return n == 0 ? Optional.<Incident>empty() : loadIncident(ctx, id.get());
        });
    }

    /** Every column of an incident's row but its id: what opening one writes, and what a restore writes. */
    static Map<Field<?>, Object> columns(Incident in, @io.cronjobguardian.api.Nullable String openKey) {
        IncidentKey k = in.key();
        Map<Field<?>, Object> v = new LinkedHashMap<>();
        v.put(Incidents.MONITOR, k.monitor());
        v.put(Incidents.NAMESPACE, k.cronJob().namespace());
        v.put(Incidents.CRONJOB_NAME, k.cronJob().name());
        v.put(Incidents.ALERT_TYPE, k.type().name());
        v.put(Incidents.SUBJECT, k.subject());
        v.put(Incidents.OPEN_KEY, openKey);
        v.put(Incidents.SEVERITY, in.severity().name());
        v.put(Incidents.TITLE, in.title());
        v.put(Incidents.MESSAGE, in.message());
        v.put(Incidents.SIGNATURE, in.signature());
        v.put(Incidents.CONTEXT, Mapping.context(in.context()));
        v.put(Incidents.OPENED_AT, in.openedAt().toEpochMilli());
        v.put(Incidents.LAST_NOTIFIED_AT, millis(in.lastNotifiedAt()));
        v.put(Incidents.NOTIFICATION_COUNT, in.notificationCount());
        v.put(Incidents.RESOLVED_AT, millis(in.resolvedAt()));
        v.put(Incidents.VERSION, in.version());
        v.put(Incidents.ACKNOWLEDGED_AT, millis(in.acknowledgedAt()));
        v.put(Incidents.ACKNOWLEDGED_BY, in.acknowledgedBy());
        v.put(Incidents.SILENCED_UNTIL, millis(in.silencedUntil()));
        v.put(Incidents.SILENCED_BY, in.silencedBy());
        return v;
    }

    Optional<Incident> acknowledgeIncident(String incidentId, String by, Instant at, long epoch) {
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
        return attention("acknowledgeIncident", incidentId, epoch, u -> u
                .set(Incidents.ACKNOWLEDGED_AT, at.toEpochMilli())
                .set(Incidents.ACKNOWLEDGED_BY, who(by)));
    }

    Optional<Incident> silenceIncident(String incidentId, @io.cronjobguardian.api.Nullable Instant until, String by,
            long epoch) {
        Objects.requireNonNull(by, "by");
        return attention("silenceIncident", incidentId, epoch, u -> u
                .set(Incidents.SILENCED_UNTIL, until == null ? null : until.toEpochMilli())
                .set(Incidents.SILENCED_BY, until == null ? null : who(by)));
    }

    /** Who, as stored: cleaned of what a column cannot hold, at most 253 characters. */
    private static String who(String by) {
        String c = StoredText.clean(by);
        return c.length() <= 253 ? c : c.substring(0, 253);
    }

    /** Sets columns outside the optimistic lock of an open incident; the version stays. */
    private Optional<Incident> attention(String op, String incidentId, long epoch,
            java.util.function.UnaryOperator<org.jooq.UpdateSetMoreStep<org.jooq.Record>> columns) {
        Objects.requireNonNull(incidentId, "incidentId");
        Optional<Long> id = incidentId(incidentId);
        return tx.write(op, epoch, ctx -> {
            if (id.isEmpty()) {
                return Optional.<Incident>empty();
            }
            org.jooq.UpdateSetMoreStep<org.jooq.Record> u = ctx.update(Incidents.T).set(Incidents.VERSION, Incidents.VERSION);
            int n = columns.apply(u).where(Incidents.ID.eq(id.get())).and(Incidents.RESOLVED_AT.isNull()).execute();
            return n == 0 ? Optional.<Incident>empty() : loadIncident(ctx, id.get());
        });
    }

    Page<Incident> incidents(IncidentQuery query) {
        Objects.requireNonNull(query, "query");
        Condition c = noCondition();
        if (query.openOnly()) {
            c = c.and(Incidents.RESOLVED_AT.isNull());
        }
        if (query.cronJob() != null) {
            c = c.and(Incidents.NAMESPACE.eq(query.cronJob().namespace()))
                    .and(Incidents.CRONJOB_NAME.eq(query.cronJob().name()));
        }
        if (query.monitor() != null) {
            c = c.and(Incidents.MONITOR.eq(query.monitor()));
        }
        if (query.type() != null) {
            c = c.and(Incidents.ALERT_TYPE.eq(query.type().name()));
        }
        if (query.openedFrom() != null) {
            c = c.and(Incidents.OPENED_AT.ge(query.openedFrom().toEpochMilli()));
        }
        if (query.resolvedFrom() != null) {
            c = c.and(Incidents.RESOLVED_AT.ge(query.resolvedFrom().toEpochMilli()));
        }
        Condition cond = c;
        return tx.read("incidents", ctx -> {
            long total = ctx.fetchCount(Incidents.T, cond);
            List<Incident> items = new ArrayList<>();
            if (total > query.offset()) {
                ctx.select(Incidents.ALL).from(Incidents.T).where(cond)
                        .orderBy(Incidents.OPENED_AT.desc(), Incidents.ID.desc())
                        .limit(query.limit()).offset(query.offset())
                        .forEach(r -> items.add(Mapping.incident(r)));
            }
            return new Page<>(items, total, query.offset(), query.limit());
        });
    }
}
