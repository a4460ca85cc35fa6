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
    /**
     * A test message of a channel (sent once per channel configuration when the channel sets {@code testOnSave}).
     * Its {@link NotificationDraft#incidentId()} names the test (the engine uses {@code channel-test:<configuration
     * fingerprint>}), not an incident: a store accepts it without an incident, keeps it (it is the memory that the
     * configuration was tested) and does not remove it with {@link HistoryStore#deleteResolvedIncidentsBefore}.
     */
    TEST
}
