package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The terminal Job snapshots one replica saw, kept so that a run whose Job finished and was deleted while this
 * replica did not lead (or while the store rejected its write) can still be recorded: a new leader records those
 * the store lacks at catch-up, a leader retries a failed write from here after the Job is gone. Every replica keeps
 * one, leading or not; the leader drops an entry as soon as the store has the run.
 *
 * <p>Bounded: an entry goes {@link #MAX_AGE} after it was last seen, and beyond {@link #MAX_SIZE} entries the one
 * seen longest ago goes first. {@link #expire} returns what went, for the caller to log and count. Engine thread
 * only.
 */
final class SeenRuns {

    /** How long a terminal snapshot is kept after it was last seen (the failover window it covers). */
    static final Duration MAX_AGE = Duration.ofHours(1);
    /** Most snapshots kept; the one seen longest ago is dropped first. */
    static final int MAX_SIZE = 10_000;

    /** Why an entry was dropped unrecorded. */
    enum Eviction {
        /** Kept for {@link #MAX_AGE}. */
        AGE,
        /** More than {@link #MAX_SIZE} entries. */
        CAPACITY
    }

    /** An entry that was dropped, and why. */
    record Evicted(JobSnapshot job, Instant seenAt, Eviction reason) {
    }

    private record Entry(JobSnapshot job, Instant seenAt) {
    }

    private static final Comparator<JobSnapshot> FINISHED = Comparator.comparing(JobSnapshot::finishedAt)
            .thenComparing(JobSnapshot::uid);

    private final Duration maxAge;
    private final int maxSize;
    /** Job UID → newest terminal snapshot, in the order last seen (oldest first). */
    private final LinkedHashMap<String, Entry> byUid = new LinkedHashMap<>();

    SeenRuns() {
        this(MAX_AGE, MAX_SIZE);
    }

    SeenRuns(Duration maxAge, int maxSize) {
        this.maxAge = maxAge;
        this.maxSize = maxSize;
    }

    /** Keeps a terminal snapshot of a Job a CronJob owns (others are ignored), seen at {@code now}. */
    void put(JobSnapshot job, Instant now) {
        if (job.owner() == null || !job.state().isTerminal()) {
            return;
        }
        byUid.remove(job.uid());
        byUid.put(job.uid(), new Entry(job, now));
    }

    /** Drops the entry of a Job (the store has its run, or it must not be recorded). */
    void remove(String jobUid) {
        byUid.remove(jobUid);
    }

    boolean contains(String jobUid) {
        return byUid.containsKey(jobUid);
    }

    int size() {
        return byUid.size();
    }

    /** The snapshots of a CronJob's Jobs, in the order they finished. */
    List<JobSnapshot> of(CronJobRef ref) {
        List<JobSnapshot> out = new ArrayList<>();
        for (Entry e : byUid.values()) {
            if (ref.equals(e.job().owner())) {
                out.add(e.job());
            }
        }
        out.sort(FINISHED);
        return out;
    }

    /** The snapshots of every CronJob's Jobs, each CronJob's in the order they finished. */
    Map<CronJobRef, List<JobSnapshot>> byOwner() {
        Map<CronJobRef, List<JobSnapshot>> out = new HashMap<>();
        for (Entry e : byUid.values()) {
            out.computeIfAbsent(e.job().owner(), k -> new ArrayList<>()).add(e.job());
        }
        out.values().forEach(l -> l.sort(FINISHED));
        return out;
    }

    /** The CronJobs that have entries. */
    Set<CronJobRef> owners() {
        Set<CronJobRef> out = new LinkedHashSet<>();
        for (Entry e : byUid.values()) {
            out.add(e.job().owner());
        }
        return out;
    }

    /** Drops the entries seen {@link #MAX_AGE} ago or earlier, then the oldest beyond {@link #MAX_SIZE}. */
    List<Evicted> expire(Instant now) {
        List<Evicted> out = new ArrayList<>();
        Instant oldest = now.minus(maxAge);
        Iterator<Map.Entry<String, Entry>> it = byUid.entrySet().iterator();
        while (it.hasNext()) {
            Entry e = it.next().getValue();
            boolean old = !e.seenAt().isAfter(oldest);
            boolean over = byUid.size() > maxSize;
            if (!old && !over) {
                break;   // seen in order: every later entry is newer
            }
            it.remove();
            out.add(new Evicted(e.job(), e.seenAt(), old ? Eviction.AGE : Eviction.CAPACITY));
        }
        return out;
    }
}
