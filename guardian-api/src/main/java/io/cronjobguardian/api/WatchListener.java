package io.cronjobguardian.api;

/**
 * Receives changes from a {@link CronJobWatcher}.
 *
 * <p>Calls for one object arrive in order; calls for different objects may arrive on different threads, so
 * implementations must be thread-safe. A listener must return quickly and must not throw; an exception is logged
 * by the watcher and the event is not redelivered. After a relist (a dropped watch, an API-server restart) objects
 * may be delivered again as {@link WatchEventType#ADDED} or {@link WatchEventType#UPDATED}: listeners must be
 * idempotent.
 */
public interface WatchListener {

    /** A CronJob in scope was added, updated or deleted. */
    void onCronJob(WatchEventType type, CronJobSnapshot cronJob);

    /** A Job in scope was added, updated or deleted. */
    void onJob(WatchEventType type, JobSnapshot job);
}
