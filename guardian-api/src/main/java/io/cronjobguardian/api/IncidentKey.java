package io.cronjobguardian.api;

import java.util.Objects;

/**
 * What makes incidents "the same": at most one incident per key is open at any time.
 *
 * @param monitor  the monitor that raised it ({@code namespace/name} of the monitor, or any stable id)
 * @param cronJob  the CronJob it is about
 * @param type     the alert type
 * @param subject  distinguishes independent conditions of one type, e.g. {@code successRate} and
 *                 {@code maxDuration} for {@link AlertType#SLA_BREACHED}; empty when the type has one condition
 */
public record IncidentKey(String monitor, CronJobRef cronJob, AlertType type, String subject) {

    /** Longest monitor id a store must keep. */
    public static final int MAX_MONITOR_LENGTH = 507;

    public IncidentKey {
        Checks.maxLength(Checks.notBlank(monitor, "monitor"), MAX_MONITOR_LENGTH, "monitor");
        Objects.requireNonNull(cronJob, "cronJob must not be null");
        Objects.requireNonNull(type, "type must not be null");
        subject = subject == null ? "" : Checks.maxLength(subject, 100, "subject");
    }

    /** A key without subject. */
    public static IncidentKey of(String monitor, CronJobRef cronJob, AlertType type) {
        return new IncidentKey(monitor, cronJob, type, "");
    }

    /** {@code monitor|namespace/name|Type[|subject]}: stable, unique, readable; used as dedup key. */
    public String asString() {
        return monitor + "|" + cronJob + "|" + type.wireName() + (subject.isEmpty() ? "" : "|" + subject);
    }
}
