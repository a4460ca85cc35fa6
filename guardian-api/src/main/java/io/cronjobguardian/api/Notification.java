package io.cronjobguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A notification in the outbox.
 *
 * @param id             store-assigned identity
 * @param incidentId     the incident
 * @param channel        the channel name
 * @param kind           why it is sent
 * @param sequence       see {@link NotificationDraft#sequence()}
 * @param status         where it is
 * @param attempts       delivery attempts so far
 * @param dueAt          earliest time of the next attempt
 * @param claimedBy      the claimant holding it, or {@code null}
 * @param claimExpiresAt when the claim lapses, or {@code null}
 * @param lastError      error of the last failed attempt, or {@code null} (never contains secrets)
 * @param createdAt      when it was enqueued
 * @param sentAt         when it was delivered, or {@code null}
 */
public record Notification(
        long id,
        String incidentId,
        String channel,
        NotificationKind kind,
        int sequence,
        NotificationStatus status,
        int attempts,
        Instant dueAt,
        @Nullable String claimedBy,
        @Nullable Instant claimExpiresAt,
        @Nullable String lastError,
        Instant createdAt,
        @Nullable Instant sentAt) {

    public Notification {
        Checks.notBlank(incidentId, "incidentId");
        Checks.notBlank(channel, "channel");
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(status, "status must not be null");
        Checks.nonNegative(attempts, "attempts");
        dueAt = Checks.required(dueAt, "dueAt");
        claimExpiresAt = Checks.millis(claimExpiresAt);
        createdAt = Checks.required(createdAt, "createdAt");
        sentAt = Checks.millis(sentAt);
    }

    /** {@code true} when a claimant may take it at {@code now}: pending and due, or claimed with a lapsed claim. */
    public boolean isClaimableAt(Instant now) {
        return (status == NotificationStatus.PENDING && !dueAt.isAfter(now))
                || (status == NotificationStatus.CLAIMED && claimExpiresAt != null && !claimExpiresAt.isAfter(now));
    }
}
