package io.cronjobguardian.engine.config;

/** What to do with a configuration key or monitor field that is not known. */
public enum UnknownKeyPolicy {
    /** Report it as an error: the configuration is refused, together with every other problem found. */
    ERROR,
    /** Report it as a warning (logged and returned with the result) and ignore it. */
    WARN
}
