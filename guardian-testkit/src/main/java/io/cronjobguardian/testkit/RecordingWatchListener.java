package io.cronjobguardian.testkit;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.api.WatchListener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A thread-safe {@link WatchListener} that records every call, for assertions and waits. It also records whether
 * two calls ever overlapped ({@link #sawConcurrentCalls()}).
 */
public final class RecordingWatchListener implements WatchListener {

    /**
     * One recorded call: either a CronJob or a Job event.
     *
     * @param type    what happened
     * @param cronJob the CronJob, for a CronJob event, else {@code null}
     * @param job     the Job, for a Job event, else {@code null}
     */
    public record Event(WatchEventType type, @Nullable CronJobSnapshot cronJob, @Nullable JobSnapshot job) {

        /** {@code true} for a Job event. */
        public boolean isJob() {
            return job != null;
        }

        /** {@code true} for an event about this CronJob. */
        public boolean isCronJob(CronJobRef ref) {
            return cronJob != null && cronJob.ref().equals(ref);
        }

        /** {@code true} for an event about the Job with this name in this namespace. */
        public boolean isJob(String namespace, String name) {
            return job != null && job.namespace().equals(namespace) && job.name().equals(name);
        }

        @Override
        public String toString() {
            return type + " " + (job != null ? "Job " + job.namespace() + "/" + job.name() + " " + job.state()
                    + " attempts=" + job.attempts() : "CronJob " + cronJob.ref()
                    + (cronJob.suspended() ? " (suspended)" : ""));
        }
    }

    private final List<Event> events = new ArrayList<>();
    private int inFlight;
    private boolean concurrent;

    /** An empty recorder. */
    public RecordingWatchListener() {
    }

    @Override
    public void onCronJob(WatchEventType type, CronJobSnapshot cronJob) {
        record(new Event(type, cronJob, null));
    }

    @Override
    public void onJob(WatchEventType type, JobSnapshot job) {
        record(new Event(type, null, job));
    }

    private void record(Event e) {
        synchronized (this) {
            if (++inFlight > 1) {
                concurrent = true;
            }
            events.add(e);
            notifyAll();
        }
        synchronized (this) {
            inFlight--;
        }
    }

    /** Every event so far, in arrival order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** Events matching {@code filter}, in arrival order. */
    public synchronized List<Event> events(Predicate<Event> filter) {
        return events.stream().filter(filter).collect(Collectors.toList());
    }

    /** Events about the Job with this UID, in arrival order. */
    public List<Event> jobEvents(String jobUid) {
        return events(e -> e.job() != null && e.job().uid().equals(jobUid));
    }

    /** Events about this CronJob, in arrival order. */
    public List<Event> cronJobEvents(CronJobRef ref) {
        return events(e -> e.isCronJob(ref));
    }

    /** Number of events so far. */
    public synchronized int size() {
        return events.size();
    }

    /** Forgets every event. */
    public synchronized void clear() {
        events.clear();
    }

    /** {@code true} when two calls ever ran at the same time. */
    public synchronized boolean sawConcurrentCalls() {
        return concurrent;
    }

    /** The first recorded event matching {@code filter}, if any. */
    public synchronized Optional<Event> find(Predicate<Event> filter) {
        return events.stream().filter(filter).findFirst();
    }

    /**
     * Waits for the first event matching {@code filter} (including ones already recorded).
     *
     * @throws AssertionError with {@code description} and the events seen, on timeout
     */
    public Event await(Predicate<Event> filter, Duration timeout, String description) {
        Objects.requireNonNull(filter, "filter");
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                for (Event e : events) {
                    if (filter.test(e)) {
                        return e;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for "
                            + description + "; events seen: " + events);
                }
                try {
                    wait(Math.max(1, left / 1_000_000), 0);
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted waiting for " + description, ex);
                }
            }
        }
    }

    /** Waits for an event of {@code type} about this CronJob that also matches {@code filter}. */
    public CronJobSnapshot awaitCronJob(WatchEventType type, CronJobRef ref, Predicate<CronJobSnapshot> filter,
            Duration timeout) {
        return await(e -> e.type() == type && e.isCronJob(ref) && filter.test(e.cronJob()), timeout,
                type + " of CronJob " + ref).cronJob();
    }

    /** Waits for an event of {@code type} about the named Job that also matches {@code filter}. */
    public JobSnapshot awaitJob(WatchEventType type, String namespace, String name, Predicate<JobSnapshot> filter,
            Duration timeout) {
        return await(e -> e.type() == type && e.isJob(namespace, name) && filter.test(e.job()), timeout,
                type + " of Job " + namespace + "/" + name).job();
    }
}
