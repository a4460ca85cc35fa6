package io.cronjobguardian.api;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Watches CronJobs and their Jobs and tells a {@link WatchListener}; also answers reads from its cache and fetches
 * failure context (log tail, events) for one Job on demand.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #start} may be called once; it returns without waiting for the initial list. Every CronJob and Job
 *       in scope is then delivered as {@link WatchEventType#ADDED}, and {@link #hasSynced()} turns {@code true}
 *       once the initial lists have been delivered.</li>
 *   <li>No terminal transition is lost: if the watch drops or the API server restarts, the watcher relists and
 *       delivers every Job whose state changed meanwhile.</li>
 *   <li>Cache reads are thread-safe and never call the API server.</li>
 *   <li>{@link #fetchLogTail} and {@link #fetchEvents} may call the API server; they respect their caps, return
 *       empty results when the pod or Job is gone and never throw for that.</li>
 *   <li>{@link #close()} stops every thread the watcher started; idempotent.</li>
 * </ul>
 * Implementations register a {@link CronJobWatcherProvider}; {@code guardian-testkit}'s
 * {@code CronJobWatcherContract} checks the contract.
 */
public interface CronJobWatcher extends AutoCloseable {

    /**
     * Starts watching and delivering to {@code listener}.
     *
     * @throws IllegalStateException when already started or closed
     */
    void start(WatchListener listener);

    /**
     * {@code true} once the initial lists have been delivered, and {@code false} again once {@link #close closed}
     * (its cache no longer tells what is in the cluster).
     */
    boolean hasSynced();

    /** Every CronJob in scope, from the cache. */
    Collection<CronJobSnapshot> cronJobs();

    /** One CronJob from the cache. */
    Optional<CronJobSnapshot> cronJob(CronJobRef ref);

    /** Every Job owned by the CronJob, from the cache. */
    Collection<JobSnapshot> jobs(CronJobRef owner);

    /**
     * The labels of a namespace in scope, from the cache, for monitors that select namespaces by label. Empty when
     * the watcher does not know the namespace (the default for watchers that do not watch namespaces).
     */
    default Optional<Map<String, String>> namespaceLabels(String namespace) {
        return Optional.empty();
    }

    /** The log tail of the Job's last attempt, capped by the request; empty when no pod or log is left. */
    Optional<String> fetchLogTail(JobSnapshot job, LogRequest request);

    /**
     * Events of the Job and its pods, oldest first, rendered {@code "Reason: message"}, at most {@code maxEvents}
     * (the newest ones when there are more); empty when none are left.
     */
    List<String> fetchEvents(JobSnapshot job, int maxEvents);

    /** Stops watching and releases resources. Idempotent. */
    @Override
    void close();
}
