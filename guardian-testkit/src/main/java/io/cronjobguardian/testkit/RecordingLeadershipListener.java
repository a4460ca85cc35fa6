package io.cronjobguardian.testkit;

import io.cronjobguardian.api.LeadershipListener;
import io.cronjobguardian.api.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A thread-safe {@link LeadershipListener} that records every callback and checks the protocol: callbacks never
 * overlap, and {@code onStartedLeading}/{@code onStoppedLeading} alternate starting with {@code onStartedLeading}.
 */
public final class RecordingLeadershipListener implements LeadershipListener {

    /** Which callback was called. */
    public enum Kind {
        /** {@link LeadershipListener#onStartedLeading}. */
        STARTED,
        /** {@link LeadershipListener#onStoppedLeading}. */
        STOPPED,
        /** {@link LeadershipListener#onNewLeader}. */
        NEW_LEADER
    }

    /**
     * One callback.
     *
     * @param kind     which callback
     * @param epoch    the epoch for {@link Kind#STARTED}, else -1
     * @param identity the leader for {@link Kind#NEW_LEADER} (null: nobody), else null
     */
    public record Event(Kind kind, long epoch, @Nullable String identity) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<String> violations = new ArrayList<>();
    private int inFlight;
    private boolean leading;

    /** An empty recorder. */
    public RecordingLeadershipListener() {
    }

    @Override
    public void onStartedLeading(long epoch) {
        enter();
        try {
            synchronized (this) {
                if (leading) {
                    violations.add("onStartedLeading(" + epoch + ") while already leading");
                }
                leading = true;
                events.add(new Event(Kind.STARTED, epoch, null));
                notifyAll();
            }
        } finally {
            exit();
        }
    }

    @Override
    public void onStoppedLeading() {
        enter();
        try {
            synchronized (this) {
                if (!leading) {
                    violations.add("onStoppedLeading() without a preceding onStartedLeading");
                }
                leading = false;
                events.add(new Event(Kind.STOPPED, -1, null));
                notifyAll();
            }
        } finally {
            exit();
        }
    }

    @Override
    public void onNewLeader(@Nullable String identity) {
        enter();
        try {
            synchronized (this) {
                events.add(new Event(Kind.NEW_LEADER, -1, identity));
                notifyAll();
            }
        } finally {
            exit();
        }
    }

    private synchronized void enter() {
        if (++inFlight > 1) {
            violations.add("callbacks ran concurrently");
        }
    }

    private synchronized void exit() {
        inFlight--;
    }

    /** Every callback so far, in order. */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /** The epochs of every {@code onStartedLeading}, in order. */
    public synchronized List<Long> epochs() {
        return events.stream().filter(e -> e.kind() == Kind.STARTED).map(Event::epoch).collect(Collectors.toList());
    }

    /** How many callbacks of this kind were made. */
    public synchronized int count(Kind kind) {
        return (int) events.stream().filter(e -> e.kind() == kind).count();
    }

    /** {@code true} between an {@code onStartedLeading} and the next {@code onStoppedLeading}. */
    public synchronized boolean leadingPerCallbacks() {
        return leading;
    }

    /** The last leader identity announced through {@code onNewLeader}, if any was (empty also for "nobody"). */
    public synchronized Optional<String> lastAnnouncedLeader() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).kind() == Kind.NEW_LEADER) {
                return Optional.ofNullable(events.get(i).identity());
            }
        }
        return Optional.empty();
    }

    /** Protocol violations seen (overlapping callbacks, started/stopped out of order); empty when none. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /**
     * Waits until at least {@code count} callbacks of {@code kind} were made.
     *
     * @throws AssertionError on timeout
     */
    public void await(Kind kind, int count, Duration timeout) {
        await(l -> l.count(kind) >= count, timeout, count + " x " + kind);
    }

    private synchronized void await(Predicate<RecordingLeadershipListener> condition, Duration timeout,
            String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + "; callbacks: " + events);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    @Override
    public synchronized String toString() {
        return "RecordingLeadershipListener" + events;
    }
}
