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
        long version) {

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
    }

    /** {@code true} while not resolved. */
    public boolean isOpen() {
        return resolvedAt == null;
    }

    /** Returns a copy recording a notification queued at {@code at}. */
    public Incident notifiedAt(Instant at) {
        return new Incident(id, key, severity, title, message, signature, context, openedAt, at,
                notificationCount + 1, resolvedAt, version);
    }

    /** Returns a copy with new severity, title, message, signature and context (e.g. a changed failure). */
    public Incident withContent(Severity newSeverity, String newTitle, String newMessage, String newSignature,
            AlertContext newContext) {
        return new Incident(id, key, newSeverity, newTitle, newMessage, newSignature, newContext, openedAt,
                lastNotifiedAt, notificationCount, resolvedAt, version);
    }
}
