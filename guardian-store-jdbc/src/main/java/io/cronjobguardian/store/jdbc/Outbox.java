package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.inline;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.store.jdbc.Tables.Notifications;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * The notification outbox ({@code guardian_notifications}): a notification is queued once per (incident, channel,
 * kind, sequence) in a fenced write, claimed for a while by one sender (fenced), and completed by its claimant (sent,
 * failed, retried, extended or released: guarded by the claim, not the fence). A resolution is not claimable while
 * an earlier notification of its incident and channel is still open.
 */
final class Outbox {

    private final Transactions tx;
    private final Clock clock;

    Outbox(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    private static Optional<Notification> loadNotification(DSLContext ctx, long id) {
        return ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.ID.eq(id)).fetchOptional()
                .map(Mapping::notification);
    }

    private static Condition claimable(long now) {
        return Notifications.STATUS.eq(inline(NotificationStatus.PENDING.name())).and(Notifications.DUE_AT.le(now))
                .or(Notifications.STATUS.eq(inline(NotificationStatus.CLAIMED.name()))
                        .and(Notifications.CLAIM_EXPIRES_AT.le(now)));
    }

    /** Columns of {@code guardian_notifications} seen as {@code o}, for a correlated subquery on the same table. */
    private static final org.jooq.Table<Record> OTHER = Notifications.T.as("o");
    private static final Field<Long> OTHER_ID = DSL.field(DSL.name("o", "id"), Long.class);
    private static final Field<String> OTHER_INCIDENT = DSL.field(DSL.name("o", "incident_id"), String.class);
    private static final Field<String> OTHER_CHANNEL = DSL.field(DSL.name("o", "channel"), String.class);
    private static final Field<String> OTHER_STATUS = DSL.field(DSL.name("o", "status"), String.class);

    /**
     * A resolution waits until every other notification of its incident and channel is final (see
     * {@link HistoryStore#claimNotification}). Only ever checked by a SELECT (MySQL cannot name the table an UPDATE
     * changes in a subquery): once final, those notifications stay final, so the check holds for the UPDATE after it.
     */
    private static Condition notOvertaking() {
        return Notifications.KIND.ne(inline(io.cronjobguardian.api.NotificationKind.RESOLVED.name()))
                .or(DSL.notExists(DSL.selectOne().from(OTHER)
                .where(OTHER_INCIDENT.eq(Notifications.INCIDENT_ID))
                .and(OTHER_CHANNEL.eq(Notifications.CHANNEL))
                .and(OTHER_ID.ne(Notifications.ID))
                .and(OTHER_STATUS.in(inline(NotificationStatus.PENDING.name()),
                        inline(NotificationStatus.CLAIMED.name())))));
    }

    /**
     * An opening or a reminder of an open incident silenced at {@code now} waits until the silence ends; a resolution
     * or a test message does not. The silenced incidents are read first (an index on {@code silenced_until} keeps
     * that cheap); checked by the SELECT of a batch claim only (as {@link #notOvertaking()}): a silence set between
     * that SELECT and its UPDATE lets at most that batch go.
     */
    private static Condition notSilenced(org.jooq.DSLContext ctx, long now) {
        List<String> silenced = ctx.select(Tables.Incidents.ID).from(Tables.Incidents.T)
                .where(Tables.Incidents.SILENCED_UNTIL.gt(now)).and(Tables.Incidents.RESOLVED_AT.isNull())
                .fetch(r -> Long.toString(r.value1()));
        if (silenced.isEmpty()) {
            return DSL.noCondition();
        }
        return Notifications.KIND.in(inline(io.cronjobguardian.api.NotificationKind.RESOLVED.name()),
                        inline(io.cronjobguardian.api.NotificationKind.TEST.name()))
                .or(Notifications.INCIDENT_ID.notIn(silenced));
    }

    Optional<Notification> enqueueNotification(NotificationDraft draft, long epoch) {
        Objects.requireNonNull(draft, "draft");
        Started s = tx.started("enqueueNotification");
        return tx.write("enqueueNotification", epoch, ctx -> {
            boolean exists = ctx.fetchExists(Notifications.T, Notifications.INCIDENT_ID.eq(draft.incidentId())
                    .and(Notifications.CHANNEL.eq(draft.channel()))
                    .and(Notifications.KIND.eq(draft.kind().name()))
                    .and(Notifications.SEQ.eq(draft.sequence())));
            if (exists) {
                return Optional.<Notification>empty();
            }
            long now = clock.millis();
            Map<Field<?>, Object> v = new LinkedHashMap<>();
            v.put(Notifications.INCIDENT_ID, draft.incidentId());
            v.put(Notifications.CHANNEL, draft.channel());
            v.put(Notifications.KIND, draft.kind().name());
            v.put(Notifications.SEQ, draft.sequence());
            v.put(Notifications.STATUS, NotificationStatus.PENDING.name());
            v.put(Notifications.ATTEMPTS, 0);
            v.put(Notifications.DUE_AT, draft.dueAt().toEpochMilli());
            v.put(Notifications.CLAIMED_BY, null);
            v.put(Notifications.CLAIM_EXPIRES_AT, null);
            v.put(Notifications.LAST_ERROR, null);
            v.put(Notifications.CREATED_AT, now);
            v.put(Notifications.SENT_AT, null);
            long id = Sql.insertReturningId(s.dialect, ctx, Notifications.T, Notifications.ID, v);
            return Optional.of(new Notification(id, draft.incidentId(), draft.channel(), draft.kind(),
                    draft.sequence(), NotificationStatus.PENDING, 0, draft.dueAt(), null, null, null,
                    Instant.ofEpochMilli(now), null));
        });
    }

    private static void checkClaim(String claimant, Duration claimTtl) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(claimTtl, "claimTtl");
        if (claimant.isBlank()) {
            throw new IllegalArgumentException("claimant must not be blank");
        }
        if (claimTtl.isNegative() || claimTtl.isZero()) {
            throw new IllegalArgumentException("claimTtl must be positive, was " + claimTtl);
        }
    }

    Optional<Notification> claimNotification(long notificationId, String claimant, Instant now,
            Duration claimTtl, long epoch) {
        checkClaim(claimant, claimTtl);
        Objects.requireNonNull(now, "now");
        long n = now.toEpochMilli();
        long expires = now.plus(claimTtl).toEpochMilli();
        return tx.write("claimNotification", epoch, ctx -> {
            if (!ctx.fetchExists(Notifications.T, Notifications.ID.eq(notificationId).and(notOvertaking()))) {
                return Optional.<Notification>empty();
            }
            int changed = ctx.update(Notifications.T)
                    .set(Notifications.STATUS, NotificationStatus.CLAIMED.name())
                    .set(Notifications.CLAIMED_BY, claimant)
                    .set(Notifications.CLAIM_EXPIRES_AT, expires)
                    .where(Notifications.ID.eq(notificationId))
                    .and(claimable(n))
                    .execute();
            return changed == 0 ? Optional.<Notification>empty() : loadNotification(ctx, notificationId);
        });
    }

    List<Notification> claimDueNotifications(String claimant, Instant now, Duration claimTtl, int limit,
            long epoch) {
        checkClaim(claimant, claimTtl);
        Objects.requireNonNull(now, "now");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        long n = now.toEpochMilli();
        long expires = now.plus(claimTtl).toEpochMilli();
        return tx.write("claimDueNotifications", epoch, ctx -> {
            List<Long> ids = ctx.select(Notifications.ID).from(Notifications.T).where(claimable(n))
                    .and(notOvertaking()).and(notSilenced(ctx, n))
                    .orderBy(Notifications.DUE_AT.asc(), Notifications.ID.asc()).limit(limit)
                    .fetch(Notifications.ID);
            if (ids.isEmpty()) {
                return List.<Notification>of();
            }
            ctx.update(Notifications.T)
                    .set(Notifications.STATUS, NotificationStatus.CLAIMED.name())
                    .set(Notifications.CLAIMED_BY, claimant)
                    .set(Notifications.CLAIM_EXPIRES_AT, expires)
                    .where(Notifications.ID.in(ids))
                    .and(claimable(n))
                    .execute();
            List<Notification> out = new ArrayList<>();
            ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.ID.in(ids))
                    .and(Notifications.CLAIMED_BY.eq(claimant))
                    .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                    .orderBy(Notifications.DUE_AT.asc(), Notifications.ID.asc())
                    .forEach(r -> out.add(Mapping.notification(r)));
            return out;
        });
    }

    boolean markNotificationSent(long notificationId, String claimant, Instant sentAt) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(sentAt, "sentAt");
        return tx.completion("markNotificationSent", ctx -> ctx.update(Notifications.T)
                .set(Notifications.STATUS, NotificationStatus.SENT.name())
                .set(Notifications.SENT_AT, sentAt.toEpochMilli())
                .set(Notifications.ATTEMPTS, Notifications.ATTEMPTS.plus(inline(1)))
                .set(Notifications.CLAIM_EXPIRES_AT, (Long) null)
                .where(Notifications.ID.eq(notificationId))
                .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                .and(Notifications.CLAIMED_BY.eq(claimant))
                .execute() == 1);
    }

    boolean markNotificationFailed(long notificationId, String claimant, String error,
            @Nullable Instant retryAt) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(error, "error");
        NotificationStatus next = retryAt == null ? NotificationStatus.FAILED : NotificationStatus.PENDING;
        return tx.completion("markNotificationFailed", ctx -> {
            // a retry is PENDING again and unclaimed; a final failure keeps who gave up on it
            var update = ctx.update(Notifications.T)
                    .set(Notifications.STATUS, next.name())
                    .set(Notifications.ATTEMPTS, Notifications.ATTEMPTS.plus(inline(1)))
                    .set(Notifications.LAST_ERROR, error)
                    .set(Notifications.CLAIM_EXPIRES_AT, (Long) null);
            if (retryAt != null) {
                update = update.set(Notifications.DUE_AT, retryAt.toEpochMilli())
                        .set(Notifications.CLAIMED_BY, (String) null);
            }
            return update.where(Notifications.ID.eq(notificationId))
                    .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                    .and(Notifications.CLAIMED_BY.eq(claimant))
                    .execute() == 1;
        });
    }

    Set<Long> extendClaims(Collection<Long> notificationIds, String claimant, Instant until) {
        Objects.requireNonNull(notificationIds, "notificationIds");
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(until, "until");
        if (notificationIds.isEmpty()) {
            return Set.of();
        }
        List<Long> ids = List.copyOf(new LinkedHashSet<>(notificationIds));
        return tx.completion("extendClaims", ctx -> {
            Condition held = Notifications.ID.in(ids)
                    .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                    .and(Notifications.CLAIMED_BY.eq(claimant));
            ctx.update(Notifications.T).set(Notifications.CLAIM_EXPIRES_AT, until.toEpochMilli()).where(held)
                    .execute();
            return new LinkedHashSet<>(ctx.select(Notifications.ID).from(Notifications.T).where(held)
                    .orderBy(Notifications.ID.asc()).fetch(Notifications.ID));
        });
    }

    int releaseClaims(Collection<Long> notificationIds, String claimant) {
        Objects.requireNonNull(notificationIds, "notificationIds");
        Objects.requireNonNull(claimant, "claimant");
        if (notificationIds.isEmpty()) {
            return 0;
        }
        List<Long> ids = List.copyOf(new LinkedHashSet<>(notificationIds));
        return tx.completion("releaseClaims", ctx -> ctx.update(Notifications.T)
                .set(Notifications.STATUS, NotificationStatus.PENDING.name())
                .set(Notifications.CLAIMED_BY, (String) null)
                .set(Notifications.CLAIM_EXPIRES_AT, (Long) null)
                .where(Notifications.ID.in(ids))
                .and(Notifications.STATUS.eq(NotificationStatus.CLAIMED.name()))
                .and(Notifications.CLAIMED_BY.eq(claimant))
                .execute());
    }

    List<Notification> notifications(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        return tx.read("notifications", ctx -> {
            List<Notification> out = new ArrayList<>();
            ctx.select(Notifications.ALL).from(Notifications.T).where(Notifications.INCIDENT_ID.eq(incidentId))
                    .orderBy(Notifications.ID.asc()).forEach(r -> out.add(Mapping.notification(r)));
            return out;
        });
    }

    List<Notification> pendingNotifications(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        return tx.read("pendingNotifications", ctx -> {
            List<Notification> out = new ArrayList<>();
            ctx.select(Notifications.ALL).from(Notifications.T)
                    .where(Notifications.STATUS.in(NotificationStatus.PENDING.name(),
                            NotificationStatus.CLAIMED.name()))
                    .orderBy(Notifications.DUE_AT.asc(), Notifications.ID.asc()).limit(limit)
                    .forEach(r -> out.add(Mapping.notification(r)));
            return out;
        });
    }
}
