package io.cronjobguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A persisted incident: open → notified → (re-notified) → resolved.
 *
 * @param id                store-assigned identity, stable across restarts and failovers
 * @param key               identity of the condition
 * @param severity          current severity
 * @param title             one-line title
 * @param message           explanation
 * @param signature         failure signature (see {@link IncidentDraft#signature()})
 * @param context           facts for the alert
 * @param openedAt          when it was opened
 * @param lastNotifiedAt    when a notification for it was last queued, or {@code null}
 * @param notificationCount how many times it has been (re-)notified
 * @param resolvedAt        when it was resolved, or {@code null} while open
 * @param version           optimistic-lock version; every update increments it
 * @param acknowledgedAt    when someone acknowledged it (reminders stop; an escalation of its severity is still
 *                          announced), or {@code null}
 * @param acknowledgedBy    who acknowledged it, or {@code null}
 * @param silencedUntil     until when it is silenced (nothing but its resolution is sent before then), or
 *                          {@code null}
 * @param silencedBy        who silenced it, or {@code null}
 */
public record Incident(
        String id,
        IncidentKey key,
        Severity severity,
        String title,
        String message,
        String signature,
        AlertContext context,
        Instant openedAt,
        @Nullable Instant lastNotifiedAt,
        int notificationCount,
        @Nullable Instant resolvedAt,
        long version,
        @Nullable Instant acknowledgedAt,
        @Nullable String acknowledgedBy,
        @Nullable Instant silencedUntil,
        @Nullable String silencedBy) {

    public Incident {
        Checks.notBlank(id, "id");
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(severity, "severity must not be null");
        Checks.notBlank(title, "title");
        message = message == null ? "" : message;
        signature = signature == null ? "" : signature;
        context = context == null ? AlertContext.EMPTY : context;
        openedAt = Checks.required(openedAt, "openedAt");
        lastNotifiedAt = Checks.millis(lastNotifiedAt);
        Checks.nonNegative(notificationCount, "notificationCount");
        resolvedAt = Checks.millis(resolvedAt);
        Checks.notBefore(resolvedAt, openedAt, "resolvedAt", "openedAt");
        Checks.nonNegative(version, "version");
        acknowledgedAt = Checks.millis(acknowledgedAt);
        acknowledgedBy = acknowledgedAt == null ? null : acknowledgedBy;
        silencedUntil = Checks.millis(silencedUntil);
        silencedBy = silencedUntil == null ? null : silencedBy;
    }

    /** An incident nobody has acknowledged or silenced. */
    public Incident(String id, IncidentKey key, Severity severity, String title, String message, String signature,
            AlertContext context, Instant openedAt, @Nullable Instant lastNotifiedAt, int notificationCount,
            @Nullable Instant resolvedAt, long version) {
        this(id, key, severity, title, message, signature, context, openedAt, lastNotifiedAt, notificationCount,
                resolvedAt, version, null, null, null, null);
    }

    /** {@code true} once someone acknowledged it. */
    public boolean isAcknowledged() {
        return acknowledgedAt != null;
    }

    /** {@code true} while silenced at {@code now}: openings and reminders wait, a resolution is still sent. */
    public boolean isSilencedAt(Instant now) {
        return silencedUntil != null && silencedUntil.isAfter(now);
    }

    /** {@code true} while not resolved. */
    public boolean isOpen() {
        return resolvedAt == null;
    }

    /** Returns a copy recording a notification queued at {@code at}. */
    public Incident notifiedAt(Instant at) {
        return new Incident(id, key, severity, title, message, signature, context, openedAt, at,
                notificationCount + 1, resolvedAt, version, acknowledgedAt, acknowledgedBy, silencedUntil, silencedBy);
    }

    /** Returns a copy with new severity, title, message, signature and context (e.g. a changed failure). */
    public Incident withContent(Severity newSeverity, String newTitle, String newMessage, String newSignature,
            AlertContext newContext) {
        return new Incident(id, key, newSeverity, newTitle, newMessage, newSignature, newContext, openedAt,
                lastNotifiedAt, notificationCount, resolvedAt, version, acknowledgedAt, acknowledgedBy, silencedUntil,
                silencedBy);
    }
}
