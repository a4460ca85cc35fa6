package io.cronjobguardian.engine.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskScheduler} for tests: tasks run only inside {@link #runPending()} or {@link #advance}, on the
 * calling thread, so a test decides exactly when the engine works. Tasks may be submitted from any thread (for
 * example by a real watcher's informer threads).
 *
 * <p>{@link #advance(Duration)} moves a settable clock forward through every timer due in the interval, in due
 * order, setting the clock to each timer's due instant before running it, so timers observe the exact time they
 * were scheduled for.
 */
public final class ManualTaskScheduler implements TaskScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(ManualTaskScheduler.class);

    private final Clock clock;
    private final Consumer<Instant> clockSetter;
    private final Deque<Runnable> immediate = new ArrayDeque<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final AtomicLong sequence = new AtomicLong();
    private volatile Thread runner;
    private volatile boolean closed;

    /**
     * @param clock       the clock timers refer to
     * @param clockSetter sets that clock (e.g. {@code manualClock::set}); used by {@link #advance}
     */
    public ManualTaskScheduler(Clock clock, Consumer<Instant> clockSetter) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.clockSetter = Objects.requireNonNull(clockSetter, "clockSetter");
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public synchronized void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (!closed) {
            immediate.add(task);
        }
    }

    @Override
    public synchronized ScheduledTask schedule(Instant dueAt, Runnable task) {
        Timer t = new Timer(Objects.requireNonNull(dueAt, "dueAt"), Objects.requireNonNull(task, "task"),
                sequence.incrementAndGet());
        if (!closed) {
            timers.add(t);
        }
        return t;
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == runner;
    }

    /**
     * Runs every submitted task and every timer due at the clock's current instant, including tasks those tasks
     * submit, until nothing is left to run.
     *
     * @return how many tasks ran
     */
    public int runPending() {
        int ran = 0;
        Runnable next;
        while ((next = poll(clock.instant())) != null) {
            run(next);
            ran++;
        }
        return ran;
    }

    /**
     * Moves the clock forward by {@code amount}, running, in due order, every task and timer due on the way
     * (the clock is set to each timer's due instant before it runs), then {@link #runPending()} at the end.
     *
     * @return how many tasks ran
     */
    public int advance(Duration amount) {
        return advanceTo(clock.instant().plus(amount));
    }

    /** Like {@link #advance} but to an absolute instant (not before the clock's current instant). */
    public int advanceTo(Instant target) {
        if (target.isBefore(clock.instant())) {
            throw new IllegalArgumentException("cannot move the clock back: " + target + " < " + clock.instant());
        }
        int ran = runPending();
        while (true) {
            Instant due = nextTimerDue();
            if (due == null || due.isAfter(target)) {
                break;
            }
            if (due.isAfter(clock.instant())) {
                clockSetter.accept(due);
            }
            ran += runPending();
        }
        clockSetter.accept(target);
        return ran + runPending();
    }

    /** The due instant of the earliest live timer, or {@code null}. */
    public synchronized Instant nextTimerDue() {
        while (!timers.isEmpty() && timers.peek().cancelled) {
            timers.poll();
        }
        return timers.isEmpty() ? null : timers.peek().dueAt;
    }

    /** Number of live (not cancelled) timers. */
    public synchronized int pendingTimers() {
        return (int) timers.stream().filter(t -> !t.cancelled).count();
    }

    /** Number of submitted tasks not yet run. */
    public synchronized int pendingTasks() {
        return immediate.size();
    }

    @Override
    public synchronized void close() {
        closed = true;
        immediate.clear();
        timers.clear();
    }

    private synchronized Runnable poll(Instant now) {
        if (!immediate.isEmpty()) {
            return immediate.poll();
        }
        while (!timers.isEmpty()) {
            Timer t = timers.peek();
            if (t.cancelled) {
                timers.poll();
                continue;
            }
            if (t.dueAt.isAfter(now)) {
                return null;
            }
            timers.poll();
            return t.task;
        }
        return null;
    }

    private void run(Runnable task) {
        Thread previous = runner;
        runner = Thread.currentThread();
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("engine task failed: {}", e.toString(), e);
        } finally {
            runner = previous;
        }
    }

    private static final class Timer implements ScheduledTask, Comparable<Timer> {
        final Instant dueAt;
        final Runnable task;
        final long seq;
        volatile boolean cancelled;

        Timer(Instant dueAt, Runnable task, long seq) {
            this.dueAt = dueAt;
            this.task = task;
            this.seq = seq;
        }

        @Override
        public Instant dueAt() {
            return dueAt;
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public int compareTo(Timer o) {
            int c = dueAt.compareTo(o.dueAt);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
