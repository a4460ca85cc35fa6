package io.cronjobguardian.api;

/** Kind of change a {@link WatchListener} is told about. */
public enum WatchEventType {
    /** The object appeared (including every object of the initial list and of a relist). */
    ADDED,
    /** The object changed. */
    UPDATED,
    /** The object is gone. */
    DELETED
}
