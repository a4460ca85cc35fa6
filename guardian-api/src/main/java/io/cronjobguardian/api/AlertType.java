package io.cronjobguardian.api;

/** What an incident is about. {@link #wireName()} is the name used in payloads, YAML and meter tags. */
public enum AlertType {
    /** A run of the CronJob failed (or failed runs in a row reached the configured threshold). */
    JOB_FAILED("JobFailed"),
    /** Scheduled slots passed without a Job starting for them. */
    MISSED_SCHEDULE("MissedSchedule"),
    /** No successful run within {@code maxTimeSinceLastSuccess}. */
    DEAD_MAN_TRIGGERED("DeadManTriggered"),
    /** Success rate or maximum duration outside the SLA. */
    SLA_BREACHED("SLABreached"),
    /** P95 duration of a recent window moved away from a baseline window. */
    DURATION_REGRESSION("DurationRegression"),
    /** The CronJob has been suspended for longer than allowed. */
    SUSPENDED_TOO_LONG("SuspendedTooLong"),
    /**
     * A Job of the CronJob has had no pod running for longer than allowed since it was created (pods not created:
     * quota, admission, {@code FailedCreate}; or never scheduled: {@code FailedScheduling}). Suspended Jobs are not
     * stuck.
     */
    JOB_STUCK("JobStuck"),
    /**
     * The CronJob ran more often than its schedule allows: two scheduled Jobs for one slot, or several scheduled runs
     * between two slots (manual runs do not count).
     */
    RAN_TOO_OFTEN("RanTooOften"),
    /** A test alert sent on request. */
    TEST("Test");

    private final String wireName;

    AlertType(String wireName) {
        this.wireName = wireName;
    }

    /** The CamelCase name used on the wire, e.g. {@code JobFailed}. */
    public String wireName() {
        return wireName;
    }

    /**
     * Parses a wire name ({@code JobFailed}) or enum constant name ({@code JOB_FAILED}), case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static AlertType parse(String text) {
        for (AlertType t : values()) {
            if (t.wireName.equalsIgnoreCase(text) || t.name().equalsIgnoreCase(text)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown alert type \"" + text + "\"; expected one of JobFailed, "
                + "MissedSchedule, DeadManTriggered, SLABreached, DurationRegression, SuspendedTooLong, "
                + "JobStuck, RanTooOften, Test");
    }
}
