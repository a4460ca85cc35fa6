package io.cronjobguardian.store.jdbc;

import static io.cronjobguardian.store.jdbc.Sql.millis;
import static org.jooq.impl.DSL.count;
import static org.jooq.impl.DSL.countDistinct;
import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.notExists;
import static org.jooq.impl.DSL.selectOne;
import static org.jooq.impl.DSL.table;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.store.jdbc.Tables.ChannelStatsT;
import io.cronjobguardian.store.jdbc.Tables.CronJobStates;
import io.cronjobguardian.store.jdbc.Tables.Details;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import io.cronjobguardian.store.jdbc.Tables.Incidents;
import io.cronjobguardian.store.jdbc.Tables.Notifications;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Query;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * Bulk paths for moving a store's content (export, import, copy): reads every table in pages (keyset, so memory stays
 * flat however large the store), and writes incidents with their outbox rows and channel statistics, which the
 * {@code HistoryStore} SPI cannot write as they were (it opens incidents now and enqueues notifications as pending).
 * Runs and CronJob states are written through the SPI ({@code upsertExecutions}, {@code saveCronJobStates}) so that
 * the store's invariants (the duration histogram, the merge rules) hold.
 *
 * <p>Obtained from {@link JdbcHistoryStore#transfer()} of a started store. Every page is one read transaction: an
 * export of a store that is being written is not a point-in-time snapshot (runs written meanwhile may or may not be
 * in it); every write is one fenced transaction, applied whole or not at all.
 */
public final class StoreTransfer {

    /** Row counts of the tables that hold data (the histogram is derived and not counted). */
    public record Counts(long runs, long runDetails, long incidents, long notifications, long channels,
            long cronJobStates) {
    }

    /** One incident and its outbox rows, as read or to be written. */
    public record IncidentRows(Incident incident, List<Notification> notifications) {
        public IncidentRows {
            Objects.requireNonNull(incident, "incident");
            notifications = List.copyOf(notifications);
        }
    }

    /**
     * What an incident import did.
     *
     * @param inserted      incidents written
     * @param present       incidents the store had already (same key and opening time): left as they are
     * @param conflicts     open incidents not written because the store has another open incident for the key
     *                      (one key has at most one open incident), each named
     * @param notifications outbox rows written (those the store had already are skipped)
     */
    public record IncidentImport(int inserted, int present, List<String> conflicts, int notifications) {
    }

    private final Transactions tx;

    StoreTransfer(Transactions tx) {
        this.tx = tx;
    }

    /** The detected dialect ({@code postgres}, {@code mysql}, {@code mariadb}, {@code sqlite}). */
    public String dialect() {
        return tx.started("transfer").dialect.id();
    }

    /** The schema version the store runs at. */
    public int schemaVersion() {
        return tx.started("transfer").schemaVersion;
    }

    /** Counts rows of every table that holds data. */
    public Counts counts() {
        return tx.read("counts", ctx -> new Counts(ctx.fetchCount(Executions.T), ctx.fetchCount(Details.T),
                ctx.fetchCount(Incidents.T), ctx.fetchCount(Notifications.T), ctx.fetchCount(ChannelStatsT.T),
                ctx.fetchCount(CronJobStates.T)));
    }

    /** The CronJobs that have runs, with how many (namespace, name order). */
    public Map<CronJobRef, Long> runsPerCronJob() {
        return tx.read("runsPerCronJob", ctx -> {
            Map<CronJobRef, Long> out = new LinkedHashMap<>();
            ctx.select(Executions.NAMESPACE, Executions.CRONJOB_NAME, count()).from(Executions.T)
                    .groupBy(Executions.NAMESPACE, Executions.CRONJOB_NAME)
                    .orderBy(Executions.NAMESPACE, Executions.CRONJOB_NAME)
                    .forEach(r -> out.put(CronJobRef.of(r.value1(), r.value2()), r.value3().longValue()));
            return out;
        });
    }

    /** The earliest and the latest start of a run, or empty without runs. */
    public java.util.Optional<java.time.Instant[]> runSpan() {
        return tx.read("runSpan", ctx -> {
            var r = ctx.select(org.jooq.impl.DSL.min(Executions.EFFECTIVE_START),
                    org.jooq.impl.DSL.max(Executions.EFFECTIVE_START)).from(Executions.T).fetchOne();
            if (r == null || r.value1() == null) {
                return java.util.Optional.<java.time.Instant[]>empty();
            }
            return java.util.Optional.of(new java.time.Instant[] {java.time.Instant.ofEpochMilli(r.value1()),
                java.time.Instant.ofEpochMilli(r.value2())});
        });
    }

    /** How many distinct CronJobs have runs. */
    public long cronJobsWithRuns() {
        return tx.read("cronJobsWithRuns", ctx -> ctx.select(countDistinct(Executions.NAMESPACE,
                Executions.CRONJOB_NAME)).from(Executions.T).fetchOne().value1().longValue());
    }

    /**
     * Every run with its details, oldest start first (then by Job UID), read in pages of {@code pageSize} rows (keyset
     * pagination: each page is one short read).
     */
    public void forEachExecution(int pageSize, Consumer<Execution> sink) {
        checkPage(pageSize);
        Field<?>[] fields = new Field<?>[Executions.ALL.length + 3];
        System.arraycopy(Executions.ALL, 0, fields, 0, Executions.ALL.length);
        fields[Executions.ALL.length] = Details.LOG_TAIL;
        fields[Executions.ALL.length + 1] = Details.EVENTS;
        fields[Executions.ALL.length + 2] = Details.SUGGESTED_FIX;
        Long lastStart = null;
        String lastUid = null;
        while (true) {
            Long ls = lastStart;
            String lu = lastUid;
            List<Execution> page = tx.read("exportExecutions", ctx -> {
                Condition after = ls == null ? org.jooq.impl.DSL.noCondition()
                        : Executions.EFFECTIVE_START.ge(ls) // a range the start index serves, then the ties
                                .and(Executions.EFFECTIVE_START.gt(ls).or(Executions.JOB_UID.gt(lu)));
                List<Execution> out = new ArrayList<>(pageSize);
                ctx.select(fields).from(Executions.T).leftJoin(Details.T).on(Details.JOB_UID.eq(Executions.JOB_UID))
                        .where(after).orderBy(Executions.EFFECTIVE_START, Executions.JOB_UID).limit(pageSize)
                        .forEach(r -> out.add(Mapping.execution(r, true)));
                return out;
            });
            for (Execution e : page) {
                sink.accept(e);
            }
            if (page.size() < pageSize) {
                return;
            }
            Execution last = page.get(page.size() - 1);
            lastStart = last.startedAt().toEpochMilli();
            lastUid = last.jobUid();
        }
    }

    /** Every incident with its notifications, by id, in pages of {@code pageSize} incidents. */
    public void forEachIncident(int pageSize, BiConsumer<Incident, List<Notification>> sink) {
        checkPage(pageSize);
        long lastId = Long.MIN_VALUE;
        while (true) {
            long after = lastId;
            List<IncidentRows> page = tx.read("exportIncidents", ctx -> {
                List<Incident> incidents = new ArrayList<>(pageSize);
                ctx.select(Incidents.ALL).from(Incidents.T).where(Incidents.ID.gt(after)).orderBy(Incidents.ID)
                        .limit(pageSize).forEach(r -> incidents.add(Mapping.incident(r)));
                Map<String, List<Notification>> byIncident = new HashMap<>();
                if (!incidents.isEmpty()) {
                    List<String> ids = incidents.stream().map(Incident::id).toList();
                    ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.INCIDENT_ID.in(ids))
                            .and(Notifications.KIND.ne(NotificationKind.TEST.name())).orderBy(Notifications.ID)
                            .forEach(r -> byIncident.computeIfAbsent(r.get(Notifications.INCIDENT_ID),
                                    k -> new ArrayList<>()).add(Mapping.notification(r)));
                }
                List<IncidentRows> out = new ArrayList<>(incidents.size());
                for (Incident i : incidents) {
                    out.add(new IncidentRows(i, byIncident.getOrDefault(i.id(), List.of())));
                }
                return out;
            });
            for (IncidentRows r : page) {
                sink.accept(r.incident(), r.notifications());
            }
            if (page.size() < pageSize) {
                return;
            }
            lastId = Long.parseLong(page.get(page.size() - 1).incident().id());
        }
    }

    /**
     * Notifications that belong to no stored incident (test notifications, whose incident id names the test, and
     * rows whose incident is gone), by id, in pages.
     */
    public void forEachStandaloneNotification(int pageSize, Consumer<Notification> sink) {
        checkPage(pageSize);
        long lastId = Long.MIN_VALUE;
        Table<Record> i = table(name(Incidents.NAME)).as("i");
        Field<String> iid = field(name("i", "id"), SQLDataType.BIGINT).cast(SQLDataType.VARCHAR(255));
        while (true) {
            long after = lastId;
            List<Notification> page = tx.read("exportNotifications", ctx -> {
                List<Notification> out = new ArrayList<>(pageSize);
                ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.ID.gt(after))
                        .and(Notifications.KIND.eq(NotificationKind.TEST.name())
                                .or(notExists(selectOne().from(i).where(iid.eq(Notifications.INCIDENT_ID)))))
                        .orderBy(Notifications.ID).limit(pageSize).forEach(r -> out.add(Mapping.notification(r)));
                return out;
            });
            page.forEach(sink);
            if (page.size() < pageSize) {
                return;
            }
            lastId = page.get(page.size() - 1).id();
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Writes incidents with their notifications in one fenced transaction. An incident the store has already — same
     * key and same opening instant — is left as it is (its missing notifications are added), so importing twice
     * changes nothing. A new incident keeps its id when the store has no incident with that id (a restore gives the
     * same ids), else it gets a new one. Notifications are matched by {@code (incident, channel, kind, sequence)} and
     * get new ids.
     */
    public IncidentImport importIncidents(List<IncidentRows> rows, long epoch) {
        Objects.requireNonNull(rows, "rows");
        if (rows.isEmpty()) {
            return new IncidentImport(0, 0, List.of(), 0);
        }
        List<IncidentRows> clean = new ArrayList<>(rows.size());
        for (IncidentRows r : rows) {
            List<Notification> ns = new ArrayList<>(r.notifications().size());
            r.notifications().forEach(n -> ns.add(cleanNotification(n)));
            clean.add(new IncidentRows(StoredText.clean(r.incident()), ns));
        }
        Started s = tx.started("importIncidents");
        return tx.write("importIncidents", epoch, ctx -> {
            Set<Long> openedAts = new HashSet<>();
            Set<Long> ids = new HashSet<>();
            Set<String> openKeys = new HashSet<>();
            for (IncidentRows r : clean) {
                openedAts.add(r.incident().openedAt().toEpochMilli());
                parseId(r.incident().id()).ifPresent(ids::add);
                if (r.incident().isOpen()) {
                    openKeys.add(Mapping.openKey(r.incident().key()));
                }
            }
            Map<String, Long> existing = new HashMap<>(); // natural key -> id
            for (List<Long> chunk : Sql.chunks(new ArrayList<>(openedAts), Sql.IN_CHUNK)) {
                ctx.select(Incidents.ALL).from(Incidents.T).where(Incidents.OPENED_AT.in(chunk))
                        .forEach(rec -> {
                            Incident i = Mapping.incident(rec);
                            existing.put(naturalKey(i), rec.get(Incidents.ID));
                        });
            }
            Set<Long> takenIds = new HashSet<>();
            for (List<Long> chunk : Sql.chunks(new ArrayList<>(ids), Sql.IN_CHUNK)) {
                takenIds.addAll(ctx.select(Incidents.ID).from(Incidents.T).where(Incidents.ID.in(chunk)).fetch(
                        Incidents.ID));
            }
            Set<String> openNow = new HashSet<>();
            for (List<String> chunk : Sql.chunks(new ArrayList<>(openKeys), Sql.IN_CHUNK)) {
                openNow.addAll(ctx.select(Incidents.OPEN_KEY).from(Incidents.T).where(Incidents.OPEN_KEY.in(chunk))
                        .fetch(Incidents.OPEN_KEY));
            }
            int inserted = 0;
            int present = 0;
            boolean explicitIds = false;
            List<String> conflicts = new ArrayList<>();
            Map<String, List<Notification>> toNotify = new LinkedHashMap<>(); // target incident id -> rows
            for (IncidentRows r : clean) {
                Incident in = r.incident();
                String nk = naturalKey(in);
                Long target = existing.get(nk);
                if (target != null) {
                    present++;
                } else {
                    String openKey = in.isOpen() ? Mapping.openKey(in.key()) : null;
                    if (openKey != null && !openNow.add(openKey)) {
                        conflicts.add("incident " + in.id() + " (" + in.key().asString() + ", opened " + in.openedAt()
                                + "): the store has another open incident for this key");
                        continue;
                    }
                    Map<Field<?>, Object> v = incidentValues(in, openKey);
                    java.util.Optional<Long> wanted = parseId(in.id());
                    if (wanted.isPresent() && takenIds.add(wanted.get())) {
                        v.put(Incidents.ID, wanted.get());
                        ctx.insertInto(Incidents.T).set(v).execute();
                        target = wanted.get();
                        explicitIds = true;
                    } else {
                        target = Sql.insertReturningId(s.dialect, ctx, Incidents.T, Incidents.ID, v);
                        takenIds.add(target);
                    }
                    existing.put(nk, target);
                    inserted++;
                }
                if (!r.notifications().isEmpty()) {
                    toNotify.computeIfAbsent(Long.toString(target), k -> new ArrayList<>()).addAll(r.notifications());
                }
            }
            if (explicitIds && s.dialect.id().equals("postgres")) {
                // an identity column does not move past ids given explicitly: move it, or the next openIncident fails
                ctx.fetch("SELECT setval(pg_get_serial_sequence('guardian_incidents', 'id'), "
                        + "(SELECT MAX(id) FROM guardian_incidents))");
            }
            int notified = insertMissingNotifications(ctx, toNotify);
            return new IncidentImport(inserted, present, conflicts, notified);
        });
    }

    /**
     * Writes notifications that belong to no incident (test notifications) unless the store has one with the same
     * {@code (incident, channel, kind, sequence)}, in one fenced transaction.
     *
     * @return how many were written
     */
    public int importStandaloneNotifications(List<Notification> notifications, long epoch) {
        Objects.requireNonNull(notifications, "notifications");
        if (notifications.isEmpty()) {
            return 0;
        }
        Map<String, List<Notification>> byIncident = new LinkedHashMap<>();
        for (Notification n : notifications) {
            byIncident.computeIfAbsent(n.incidentId(), k -> new ArrayList<>()).add(cleanNotification(n));
        }
        return tx.write("importNotifications", epoch, ctx -> insertMissingNotifications(ctx, byIncident));
    }

    /**
     * Writes channel statistics in one fenced transaction: a channel the store does not have is inserted; one it has
     * is replaced when {@code replace} is set (a restore: the export's figures are the truth), else kept.
     *
     * @return how many rows were inserted or replaced
     */
    public int importChannelStats(List<ChannelStats> stats, boolean replace, long epoch) {
        Objects.requireNonNull(stats, "stats");
        if (stats.isEmpty()) {
            return 0;
        }
        return tx.write("importChannelStats", epoch, ctx -> {
            Set<String> have = new HashSet<>(ctx.select(ChannelStatsT.CHANNEL).from(ChannelStatsT.T)
                    .where(ChannelStatsT.CHANNEL.in(stats.stream().map(ChannelStats::channel).toList()))
                    .fetch(ChannelStatsT.CHANNEL));
            int n = 0;
            for (ChannelStats c : stats) {
                String error = StoredText.clean(c.lastError());
                if (!have.contains(c.channel())) {
                    ctx.insertInto(ChannelStatsT.T, ChannelStatsT.ALL).values(c.channel(), c.sent(), c.failed(),
                            c.consecutiveFailures(), millis(c.lastSentAt()), millis(c.lastFailureAt()), error)
                            .execute();
                    n++;
                } else if (replace) {
                    n += ctx.update(ChannelStatsT.T).set(ChannelStatsT.SENT, c.sent())
                            .set(ChannelStatsT.FAILED, c.failed())
                            .set(ChannelStatsT.CONSECUTIVE_FAILURES, c.consecutiveFailures())
                            .set(ChannelStatsT.LAST_SENT_AT, millis(c.lastSentAt()))
                            .set(ChannelStatsT.LAST_FAILURE_AT, millis(c.lastFailureAt()))
                            .set(ChannelStatsT.LAST_ERROR, error)
                            .where(ChannelStatsT.CHANNEL.eq(c.channel())).execute();
                }
            }
            return n;
        });
    }

    // ---------------------------------------------------------------- helpers

    private static int insertMissingNotifications(DSLContext ctx, Map<String, List<Notification>> byIncident) {
        if (byIncident.isEmpty()) {
            return 0;
        }
        Set<String> have = new HashSet<>();
        for (List<String> chunk : Sql.chunks(new ArrayList<>(byIncident.keySet()), Sql.IN_CHUNK)) {
            ctx.select(Notifications.INCIDENT_ID, Notifications.CHANNEL, Notifications.KIND, Notifications.SEQ)
                    .from(Notifications.T).where(Notifications.INCIDENT_ID.in(chunk))
                    .forEach(r -> have.add(notificationKey(r.value1(), r.value2(), r.value3(), r.value4())));
        }
        List<Query> inserts = new ArrayList<>();
        byIncident.forEach((incidentId, list) -> {
            for (Notification n : list) {
                if (have.add(notificationKey(incidentId, n.channel(), n.kind().name(), n.sequence()))) {
                    inserts.add(ctx.insertInto(Notifications.T, Notifications.INCIDENT_ID, Notifications.CHANNEL,
                            Notifications.KIND, Notifications.SEQ, Notifications.STATUS, Notifications.ATTEMPTS,
                            Notifications.DUE_AT, Notifications.CLAIMED_BY, Notifications.CLAIM_EXPIRES_AT,
                            Notifications.LAST_ERROR, Notifications.CREATED_AT, Notifications.SENT_AT)
                            .values(incidentId, n.channel(), n.kind().name(), n.sequence(), n.status().name(),
                                    n.attempts(), n.dueAt().toEpochMilli(), n.claimedBy(),
                                    millis(n.claimExpiresAt()), n.lastError(), n.createdAt().toEpochMilli(),
                                    millis(n.sentAt())));
                }
            }
        });
        if (!inserts.isEmpty()) {
            ctx.batch(inserts).execute();
        }
        return inserts.size();
    }

    private static String notificationKey(String incidentId, String channel, String kind, int seq) {
        return incidentId.length() + ":" + incidentId + "|" + channel.length() + ":" + channel + "|" + kind + "|"
                + seq;
    }

    private static Notification cleanNotification(Notification n) {
        return new Notification(n.id(), n.incidentId(), n.channel(), n.kind(), n.sequence(), n.status(),
                n.attempts(), n.dueAt(), StoredText.clean(n.claimedBy()), n.claimExpiresAt(),
                StoredText.clean(n.lastError()), n.createdAt(), n.sentAt());
    }

    private static Map<Field<?>, Object> incidentValues(Incident in, String openKey) {
        return IncidentsTable.columns(in, openKey);
    }

    /** An incident's identity across stores: its key and the instant it was opened. */
    private static String naturalKey(Incident i) {
        return i.key().asString().length() + ":" + i.key().asString() + "@" + i.openedAt().toEpochMilli();
    }

    private static java.util.Optional<Long> parseId(String id) {
        try {
            return java.util.Optional.of(Long.parseLong(id.trim()));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static void checkPage(int pageSize) {
        if (pageSize < 1 || pageSize > 100_000) {
            throw new IllegalArgumentException("pageSize must be 1..100000, was " + pageSize);
        }
    }
}
