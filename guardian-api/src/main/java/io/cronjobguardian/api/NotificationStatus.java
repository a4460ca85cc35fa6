package io.cronjobguardian.api;

/** Where a notification is in the outbox. */
public enum NotificationStatus {
    /** Waiting to be claimed once {@link Notification#dueAt()} has passed. */
    PENDING,
    /** Claimed by a sender until {@link Notification#claimExpiresAt()}; claimable again after that. */
    CLAIMED,
    /** Delivered. Final. */
    SENT,
    /** Given up on (non-retryable error or retries exhausted). Final. */
    FAILED;

    /** {@code true} for {@link #SENT} and {@link #FAILED}. */
    public boolean isFinal() {
        return this == SENT || this == FAILED;
    }
}
