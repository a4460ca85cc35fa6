package io.cronjobguardian.api;

import java.util.Objects;

/**
 * What {@link HistoryStore#openIncident} did.
 *
 * @param incident the open incident for the key: the new one, or the one that was already open
 * @param created  {@code true} when this call opened it
 */
public record OpenIncidentResult(Incident incident, boolean created) {
    public OpenIncidentResult {
        Objects.requireNonNull(incident, "incident");
    }
}
