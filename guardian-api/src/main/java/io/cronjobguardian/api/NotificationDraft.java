package io.cronjobguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A notification to put into the outbox. {@code (incidentId, channel, kind, sequence)} is unique: enqueuing the same
 * draft twice stores it once.
 *
 * @param incidentId the incident
 * @param channel    the channel name
 * @param kind       why it is sent
 * @param sequence   0 for OPENED, RESOLVED and TEST; 1, 2, ... for successive reminders
 * @param dueAt      earliest time to send (later than now for delayed alerts and rate-limited channels)
 */
public record NotificationDraft(String incidentId, String channel, NotificationKind kind, int sequence,
        Instant dueAt) {

    public NotificationDraft {
        Checks.notBlank(incidentId, "incidentId");
        Checks.maxLength(Checks.notBlank(channel, "channel"), 253, "channel");
        Objects.requireNonNull(kind, "kind must not be null");
        Checks.nonNegative(sequence, "sequence");
        dueAt = Checks.required(dueAt, "dueAt");
    }
}
