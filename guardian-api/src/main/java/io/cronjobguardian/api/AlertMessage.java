package io.cronjobguardian.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
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
 * @param idempotencyKey the same for every attempt to deliver one notification, whichever replica makes it, and
 *                       different for every other notification (see {@link #idempotencyKey(String, String,
 *                       NotificationKind, int)}): channels send it so that a receiver can drop the duplicate a
 *                       crash between a delivery and its recording can cause (webhook {@code Idempotency-Key}
 *                       header, email {@code Message-ID})
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
        Instant sentAt,
        String idempotencyKey) {

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
        Checks.notBlank(idempotencyKey, "idempotencyKey");
    }

    /**
     * A message outside the outbox, or one whose sender does not know the notification's channel and sequence:
     * the key is derived from {@code incidentId}, {@code kind} and {@code notificationId}.
     */
    public AlertMessage(long notificationId, NotificationKind kind, String incidentId, IncidentKey key,
            Severity severity, String title, String message, AlertContext context, Instant openedAt,
            @Nullable Instant resolvedAt, Instant sentAt) {
        this(notificationId, kind, incidentId, key, severity, title, message, context, openedAt, resolvedAt, sentAt,
                idempotencyKey(incidentId, "#" + notificationId, Objects.requireNonNull(kind, "kind must not be null"),
                        0));
    }

    /**
     * The idempotency key of the outbox notification {@code (incidentId, channel, kind, sequence)}:
     * {@code "cjg-"} and 32 lowercase hex digits (128 bits of SHA-256), safe in any header, JSON string or
     * {@code Message-ID}.
     */
    public static String idempotencyKey(String incidentId, String channel, NotificationKind kind, int sequence) {
        Checks.notBlank(incidentId, "incidentId");
        Checks.notBlank(channel, "channel");
        Objects.requireNonNull(kind, "kind must not be null");
        String identity = incidentId + '\n' + channel + '\n' + kind.name() + '\n' + sequence;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return "cjg-" + HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
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
