package io.cronjobguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * One message for one channel: an incident's opening, a reminder, its resolution, or a test.
 *
 * @param notificationId the outbox notification being delivered (0 for a message sent outside the outbox)
 * @param kind           opening, reminder, resolution or test
 * @param incidentId     the incident; stable across retries, restarts and failovers, so channels use it as
 *                       dedup key (PagerDuty {@code dedup_key})
 * @param key            the incident key
 * @param severity       severity
 * @param title          one-line title
 * @param message        explanation
 * @param context        facts for the alert (already filtered by what the monitor wants included)
 * @param openedAt       when the incident was opened
 * @param resolvedAt     when it was resolved, for {@link NotificationKind#RESOLVED}, else {@code null}
 * @param sentAt         the time the message is being sent at
 */
public record AlertMessage(
        long notificationId,
        NotificationKind kind,
        String incidentId,
        IncidentKey key,
        Severity severity,
        String title,
        String message,
        AlertContext context,
        Instant openedAt,
        @Nullable Instant resolvedAt,
        Instant sentAt) {

    public AlertMessage {
        Objects.requireNonNull(kind, "kind must not be null");
        Checks.notBlank(incidentId, "incidentId");
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(severity, "severity must not be null");
        Checks.notBlank(title, "title");
        message = message == null ? "" : message;
        context = context == null ? AlertContext.EMPTY : context;
        openedAt = Checks.required(openedAt, "openedAt");
        resolvedAt = Checks.millis(resolvedAt);
        sentAt = Checks.required(sentAt, "sentAt");
    }

    /** The CronJob the message is about. */
    public CronJobRef cronJob() {
        return key.cronJob();
    }

    /** The alert type. */
    public AlertType type() {
        return key.type();
    }

    /** {@code true} for a resolution notice. */
    public boolean isResolution() {
        return kind == NotificationKind.RESOLVED;
    }
}
