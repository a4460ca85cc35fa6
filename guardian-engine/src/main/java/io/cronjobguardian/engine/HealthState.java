package io.cronjobguardian.engine;

/** How a CronJob is doing, from the worst open incident and its suspension. */
public enum HealthState {
    /** No open incident. */
    HEALTHY,
    /** At least one open incident of severity warning (none critical). */
    WARNING,
    /** At least one open critical incident. */
    CRITICAL,
    /** Suspended (and no open incident). */
    SUSPENDED,
    /** Not judged yet: no run recorded and nothing known to be wrong, or its schedule cannot be parsed. */
    UNKNOWN
}
