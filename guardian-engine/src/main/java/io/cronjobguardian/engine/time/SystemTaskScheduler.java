package io.cronjobguardian.engine.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TaskScheduler} on one daemon thread. Due instants are converted to delays with the clock when
 * scheduled; a task woken before its due instant (the clock was set back, or ran slow) is re-armed for the rest.
 * With a {@code maxWait}, a timer never sleeps longer than that before looking at the clock again, which is what a
 * clock that does not follow the system clock (an accelerated simulation clock, a clock stepped by NTP) needs.
 */
public final class SystemTaskScheduler implements TaskScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(SystemTaskScheduler.class);
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Clock clock;
    private final Duration maxWait;
    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    /** A scheduler whose thread is named {@code guardian-<name>-<n>}. */
    public SystemTaskScheduler(Clock clock, String name) {
        this(clock, name, null);
    }

    /**
     * A scheduler whose timers re-check the clock at least every {@code maxWait} of real time.
     *
     * @param maxWait longest real sleep of a timer, or {@code null} for no limit
     */
    public SystemTaskScheduler(Clock clock, String name, Duration maxWait) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxWait != null && (maxWait.isNegative() || maxWait.isZero())) {
            throw new IllegalArgumentException("maxWait must be positive, was " + maxWait);
        }
        this.maxWait = maxWait;
        String threadName = "guardian-" + name + "-" + COUNTER.incrementAndGet();
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (executor.isShutdown()) {
            return;
        }
        try {
            executor.execute(() -> runSafely(task));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("task dropped: scheduler closed");
        }
    }

    @Override
    public ScheduledTask schedule(Instant dueAt, Runnable task) {
        Objects.requireNonNull(dueAt, "dueAt");
        Objects.requireNonNull(task, "task");
        Handle h = new Handle(dueAt, task);
        h.arm();
        return h;
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Stops the thread after the running task (waiting at most {@code timeout} for it); pending tasks are dropped.
     *
     * @return {@code true} when the thread ended within the timeout
     */
    public boolean shutdown(Duration timeout) {
        executor.shutdownNow();
        if (inSchedulerThread()) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            // the pool is terminated once its worker left its loop; wait until the thread itself has ended
            Thread t = thread;
            if (t != null) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                return !t.isAlive();
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("engine task failed: {}", e.toString(), e);
        }
    }

    private final class Handle implements ScheduledTask {
        private final Instant dueAt;
        private final Runnable task;
        private volatile boolean cancelled;
        private volatile ScheduledFuture<?> future;

        Handle(Instant dueAt, Runnable task) {
            this.dueAt = dueAt;
            this.task = task;
        }

        void arm() {
            if (cancelled || executor.isShutdown()) {
                return;
            }
            long delayMs = Math.max(0, Duration.between(clock.instant(), dueAt).toMillis());
            if (maxWait != null) {
                delayMs = Math.min(delayMs, maxWait.toMillis());
            }
            try {
                future = executor.schedule(this::fire, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                LOG.debug("timer dropped: scheduler closed");
            }
        }

        private void fire() {
            if (cancelled) {
                return;
            }
            if (clock.instant().isBefore(dueAt)) {
                arm();
                return;
            }
            runSafely(task);
        }

        @Override
        public Instant dueAt() {
            return dueAt;
        }

        @Override
        public void cancel() {
            cancelled = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }
    }
}
