package io.cronjobguardian.api;

/** Why a notification is sent. */
public enum NotificationKind {
    /** The incident was opened. */
    OPENED,
    /** The incident is still open; a re-notification ({@link NotificationDraft#sequence()} counts them). */
    REMINDER,
    /**
     * The incident was resolved; sent to every channel whose opening was attempted, never before that opening is
     * final (see {@link HistoryStore#claimNotification}).
     */
    RESOLVED,
    /** A test message. */
    TEST
}
