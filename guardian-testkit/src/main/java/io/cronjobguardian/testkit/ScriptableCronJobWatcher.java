package io.cronjobguardian.testkit;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.api.WatchListener;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A {@link CronJobWatcher} driven by the test: the test plays the Kubernetes API server and pushes CronJobs and
 * Jobs; the watcher keeps its cache and tells the listener.
 *
 * <ul>
 *   <li>Objects pushed before {@link #start} form the initial list, delivered as {@link WatchEventType#ADDED}
 *       (CronJobs first, then Jobs, in push order) when the watcher starts; {@link #hasSynced()} turns
 *       {@code true} right after, or only once {@link #markSynced()} is called when built with
 *       {@link #delaySyncUntilMarked()}.</li>
 *   <li>Events are delivered in push order and never concurrently, on the pushing thread: in a single-threaded test
 *       the listener has seen an event when the push method returns. A push from inside a listener callback is
 *       delivered after that callback returns.</li>
 *   <li>After {@link #close()} nothing more is delivered; the cache still follows pushes.</li>
 *   <li>Log tails and events are set per Job UID and returned capped like a real watcher does.</li>
 * </ul>
 */
public final class ScriptableCronJobWatcher implements CronJobWatcher {

    private final Object lock = new Object();
    private final SerialDispatcher dispatcher = new SerialDispatcher();
    private final Map<CronJobRef, CronJobSnapshot> cronJobs = new LinkedHashMap<>();
    private final Map<String, JobSnapshot> jobs = new LinkedHashMap<>();
    private final Map<String, String> logTails = new HashMap<>();
    private final Map<String, List<String>> events = new HashMap<>();
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    private @Nullable WatchListener listener;
    private boolean started;
    private boolean delaySync;
    private boolean syncMarked;
    private boolean initialListDelivered;
    private volatile boolean synced;
    private volatile boolean closed;

    /** A watcher with an empty cluster. */
    public ScriptableCronJobWatcher() {
    }

    /**
     * Makes {@link #hasSynced()} stay {@code false} after start until {@link #markSynced()} is called (simulates a
     * slow initial list). Call before {@link #start}.
     *
     * @return this watcher
     */
    public ScriptableCronJobWatcher delaySyncUntilMarked() {
        synchronized (lock) {
            if (started) {
                throw new IllegalStateException("delaySyncUntilMarked() must be called before start()");
            }
            delaySync = true;
        }
        return this;
    }

    /** Declares the initial lists delivered (see {@link #delaySyncUntilMarked()}). */
    public void markSynced() {
        synchronized (lock) {
            syncMarked = true;
            if (initialListDelivered) {
                synced = true;
            }
        }
    }

    @Override
    public void start(WatchListener watchListener) {
        Objects.requireNonNull(watchListener, "listener");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("watcher is closed");
            }
            if (started) {
                throw new IllegalStateException("watcher already started");
            }
            started = true;
            listener = watchListener;
            for (CronJobSnapshot c : cronJobs.values()) {
                enqueueCronJob(WatchEventType.ADDED, c);
            }
            for (JobSnapshot j : jobs.values()) {
                enqueueJob(WatchEventType.ADDED, j);
            }
            dispatcher.enqueue(() -> {
                synchronized (lock) {
                    initialListDelivered = true;
                    if (!delaySync || syncMarked) {
                        synced = true;
                    }
                }
            });
        }
        dispatcher.drain();
    }

    /** {@code true} once {@link #start} has been called. */
    public boolean isStarted() {
        synchronized (lock) {
            return started;
        }
    }

    /** {@code true} once {@link #close()} has been called. */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean hasSynced() {
        return synced && !closed;
    }

    // ---------------------------------------------------------------- pushing CronJobs

    /** Adds or replaces a CronJob: {@link WatchEventType#ADDED} when new, else {@link WatchEventType#UPDATED}. */
    public WatchEventType putCronJob(CronJobSnapshot cronJob) {
        Objects.requireNonNull(cronJob, "cronJob");
        WatchEventType type;
        synchronized (lock) {
            type = cronJobs.put(cronJob.ref(), cronJob) == null ? WatchEventType.ADDED : WatchEventType.UPDATED;
            enqueueCronJob(type, cronJob);
        }
        dispatcher.drain();
        return type;
    }

    /** Adds a CronJob and delivers {@link WatchEventType#ADDED} (even if known: a relist does that too). */
    public void addCronJob(CronJobSnapshot cronJob) {
        push(cronJob, WatchEventType.ADDED);
    }

    /** Replaces a CronJob and delivers {@link WatchEventType#UPDATED}. */
    public void updateCronJob(CronJobSnapshot cronJob) {
        push(cronJob, WatchEventType.UPDATED);
    }

    private void push(CronJobSnapshot cronJob, WatchEventType type) {
        Objects.requireNonNull(cronJob, "cronJob");
        synchronized (lock) {
            cronJobs.put(cronJob.ref(), cronJob);
            enqueueCronJob(type, cronJob);
        }
        dispatcher.drain();
    }

    /**
     * Changes {@code spec.suspend} of a known CronJob and delivers UPDATED; returns the new snapshot.
     *
     * @throws java.util.NoSuchElementException for an unknown CronJob
     */
    @Override
    public CronJobSnapshot setSuspended(CronJobRef ref, boolean suspended) {
        CronJobSnapshot updated = cronJob(ref).orElseThrow(() -> new java.util.NoSuchElementException(
                "unknown CronJob " + ref)).withSuspended(suspended);
        updateCronJob(updated);
        return updated;
    }

    /**
     * Adds a running manual Job of a known CronJob (named {@code <name>-manual-<n>}, created now by the clock given to
     * {@link #triggerClock}, else the system clock) and delivers ADDED; returns its name.
     *
     * @throws java.util.NoSuchElementException for an unknown CronJob
     */
    @Override
    public String triggerJob(CronJobRef ref) {
        CronJobSnapshot cj = cronJob(ref).orElseThrow(() -> new java.util.NoSuchElementException("unknown CronJob "
                + ref));
        java.time.Instant now = triggerClock.instant();
        String name = ref.name() + "-manual-" + triggered.incrementAndGet();
        addJob(TestObjects.job(cj).name(name).uid(ref.namespace() + "-" + name).manual(true).running(now).build());
        return name;
    }

    private final java.util.concurrent.atomic.AtomicInteger triggered = new java.util.concurrent.atomic.AtomicInteger();
    private volatile java.time.Clock triggerClock = java.time.Clock.systemUTC();

    /** The clock {@link #triggerJob} stamps its Jobs with (a test's manual clock). */
    public ScriptableCronJobWatcher triggerClock(java.time.Clock clock) {
        this.triggerClock = java.util.Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** Removes a CronJob and delivers DELETED with its last state; empty (nothing delivered) when unknown. */
    public Optional<CronJobSnapshot> deleteCronJob(CronJobRef ref) {
        CronJobSnapshot removed;
        synchronized (lock) {
            removed = cronJobs.remove(ref);
            if (removed != null) {
                enqueueCronJob(WatchEventType.DELETED, removed);
            }
        }
        dispatcher.drain();
        return Optional.ofNullable(removed);
    }

    // ---------------------------------------------------------------- pushing Jobs

    /** Adds or replaces a Job by UID: ADDED when new, else UPDATED. */
    public WatchEventType putJob(JobSnapshot job) {
        Objects.requireNonNull(job, "job");
        WatchEventType type;
        synchronized (lock) {
            type = jobs.put(job.uid(), job) == null ? WatchEventType.ADDED : WatchEventType.UPDATED;
            enqueueJob(type, job);
        }
        dispatcher.drain();
        return type;
    }

    /** Adds a Job and delivers ADDED. */
    public void addJob(JobSnapshot job) {
        push(job, WatchEventType.ADDED);
    }

    /** Replaces a Job and delivers UPDATED. */
    public void updateJob(JobSnapshot job) {
        push(job, WatchEventType.UPDATED);
    }

    private void push(JobSnapshot job, WatchEventType type) {
        Objects.requireNonNull(job, "job");
        synchronized (lock) {
            jobs.put(job.uid(), job);
            enqueueJob(type, job);
        }
        dispatcher.drain();
    }

    /** Removes a Job by UID and delivers DELETED with its last state; empty when unknown. */
    public Optional<JobSnapshot> deleteJob(String jobUid) {
        JobSnapshot removed;
        synchronized (lock) {
            removed = jobs.remove(jobUid);
            if (removed != null) {
                enqueueJob(WatchEventType.DELETED, removed);
            }
        }
        dispatcher.drain();
        return Optional.ofNullable(removed);
    }

    /**
     * Plays a realistic run of one Job: RUNNING with one attempt, one UPDATED RUNNING per failed pod that is
     * retried, then the terminal state. A Job that fails once and succeeds on retry
     * ({@code failedAttempts = 1, succeeded = true}) ends SUCCEEDED with {@code attempts = 2}; a failed Job ends
     * FAILED with {@code attempts = failedAttempts}.
     *
     * @param job            the Job (name, owner, slot ...); its state is replaced
     * @param start          when the first pod started
     * @param failedAttempts pods that failed (at least 1 when {@code succeeded} is false)
     * @param succeeded      the outcome
     * @param end            when the Job reached its terminal condition
     * @return the terminal snapshot (also in the cache)
     */
    public JobSnapshot simulateRun(TestObjects.JobBuilder job, Instant start, int failedAttempts, boolean succeeded,
            Instant end) {
        if (failedAttempts < 0 || (!succeeded && failedAttempts < 1)) {
            throw new IllegalArgumentException("failedAttempts must be >= 0, and >= 1 for a failed run; was "
                    + failedAttempts);
        }
        int total = succeeded ? failedAttempts + 1 : failedAttempts;
        putJob(job.running(start).attempts(1).build());
        for (int attempt = 2; attempt <= total; attempt++) {
            putJob(job.running(start).attempts(attempt).build());
        }
        JobSnapshot terminal = (succeeded ? job.succeeded(start, end) : job.failed(start, end))
                .attempts(total).build();
        putJob(terminal);
        return terminal;
    }

    /** Finishes a known Job: same identity, terminal state, attempts and finish time; delivers UPDATED. */
    public JobSnapshot finishJob(String jobUid, boolean succeeded, int attempts, Instant finishedAt) {
        JobSnapshot current;
        synchronized (lock) {
            current = jobs.get(jobUid);
        }
        if (current == null) {
            throw new IllegalArgumentException("unknown Job UID " + jobUid);
        }
        Instant start = current.effectiveStart();
        TestObjects.JobBuilder b = TestObjects.job(current);
        JobSnapshot terminal = (succeeded ? b.succeeded(start, finishedAt) : b.failed(start, finishedAt))
                .attempts(attempts).build();
        putJob(terminal);
        return terminal;
    }

    /** Delivers every cached CronJob and Job again as ADDED, as a real watcher does after a relist. */
    public void relist() {
        synchronized (lock) {
            cronJobs.values().forEach(c -> enqueueCronJob(WatchEventType.ADDED, c));
            jobs.values().forEach(j -> enqueueJob(WatchEventType.ADDED, j));
        }
        dispatcher.drain();
    }

    private void enqueueCronJob(WatchEventType type, CronJobSnapshot c) {
        WatchListener l = listener;
        if (l != null && !closed) {
            dispatcher.enqueue(() -> {
                if (!closed) {
                    l.onCronJob(type, c);
                }
            });
        }
    }

    private void enqueueJob(WatchEventType type, JobSnapshot j) {
        WatchListener l = listener;
        if (l != null && !closed) {
            dispatcher.enqueue(() -> {
                if (!closed) {
                    l.onJob(type, j);
                }
            });
        }
    }

    // ---------------------------------------------------------------- failure context

    /** Sets the full log of the Job's last attempt ({@code null} removes it). */
    public void setLogTail(String jobUid, @Nullable String log) {
        synchronized (lock) {
            if (log == null) {
                logTails.remove(jobUid);
            } else {
                logTails.put(jobUid, log);
            }
        }
    }

    /** Sets the events of the Job, oldest first, rendered {@code "Reason: message"}. */
    public void setEvents(String jobUid, List<String> jobEvents) {
        synchronized (lock) {
            events.put(jobUid, List.copyOf(jobEvents));
        }
    }

    /** Sets the events of the Job; see {@link #setEvents(String, List)}. */
    public void setEvents(String jobUid, String... jobEvents) {
        setEvents(jobUid, List.of(jobEvents));
    }

    @Override
    public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
        Objects.requireNonNull(request, "request");
        String log;
        synchronized (lock) {
            log = job == null ? null : logTails.get(job.uid());
        }
        if (log == null || log.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(tail(log, request.maxLines(), request.maxBytes()));
    }

    /**
     * The last {@code maxLines} lines of {@code log}, then cut to the last {@code maxBytes} UTF-8 bytes at a
     * character boundary. A trailing newline does not count as an extra line.
     */
    static String tail(String log, int maxLines, int maxBytes) {
        int end = log.endsWith("\n") ? log.length() - 1 : log.length();
        int start = 0;
        int lines = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (log.charAt(i) == '\n' && ++lines == maxLines) {
                start = i + 1;
                break;
            }
        }
        String byLines = log.substring(start);
        byte[] bytes = byLines.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return byLines;
        }
        int from = bytes.length - maxBytes;
        while (from < bytes.length && (bytes[from] & 0xC0) == 0x80) {
            from++;
        }
        return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8);
    }

    @Override
    public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must be >= 0, was " + maxEvents);
        }
        List<String> all;
        synchronized (lock) {
            all = job == null ? null : events.get(job.uid());
        }
        if (all == null || maxEvents == 0) {
            return List.of();
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - maxEvents), all.size()));
    }

    // ---------------------------------------------------------------- cache

    /** Sets the labels of a namespace ({@code null} forgets the namespace). */
    public void setNamespaceLabels(String namespace, @Nullable Map<String, String> labels) {
        Objects.requireNonNull(namespace, "namespace");
        synchronized (lock) {
            if (labels == null) {
                namespaceLabels.remove(namespace);
            } else {
                namespaceLabels.put(namespace, Map.copyOf(labels));
            }
        }
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        synchronized (lock) {
            return Optional.ofNullable(namespaceLabels.get(namespace));
        }
    }

    @Override
    public Collection<CronJobSnapshot> cronJobs() {
        synchronized (lock) {
            return List.copyOf(cronJobs.values());
        }
    }

    @Override
    public Optional<CronJobSnapshot> cronJob(CronJobRef ref) {
        synchronized (lock) {
            return Optional.ofNullable(cronJobs.get(ref));
        }
    }

    @Override
    public Collection<JobSnapshot> jobs(CronJobRef owner) {
        synchronized (lock) {
            return jobs.values().stream().filter(j -> owner.equals(j.owner())).collect(Collectors.toList());
        }
    }

    /** Every cached Job, owned or not. */
    public Collection<JobSnapshot> allJobs() {
        synchronized (lock) {
            return new ArrayList<>(jobs.values());
        }
    }

    /** A cached Job by UID. */
    public Optional<JobSnapshot> job(String jobUid) {
        synchronized (lock) {
            return Optional.ofNullable(jobs.get(jobUid));
        }
    }

    /** A cached Job by namespace and name. */
    public Optional<JobSnapshot> job(String namespace, String name) {
        synchronized (lock) {
            return jobs.values().stream().filter(j -> j.namespace().equals(namespace) && j.name().equals(name))
                    .findFirst();
        }
    }

    /** Cached Jobs owned by {@code owner} in the given state. */
    public List<JobSnapshot> jobs(CronJobRef owner, JobState state) {
        return jobs(owner).stream().filter(j -> j.state() == state).collect(Collectors.toList());
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ScriptableCronJobWatcher[cronJobs=" + cronJobs.size() + ", jobs=" + jobs.size()
                    + (closed ? ", closed" : started ? ", started" : "") + "]";
        }
    }
}
