package io.cronjobguardian.engine.time;

import java.time.Clock;
import java.time.Instant;

/**
 * Runs the engine's work serially: no two tasks of one scheduler ever run at the same time, so engine state needs
 * no locks. Tasks submitted with {@link #execute} run in submission order; timed tasks run once their due instant
 * has been reached on {@link #clock()}. A task that throws is logged and does not stop the scheduler.
 *
 * <p>Implementations: {@link SystemTaskScheduler} (a daemon thread) and {@link ManualTaskScheduler} (runs only
 * when told; for tests).
 */
public interface TaskScheduler extends AutoCloseable {

    /** The clock due instants refer to. */
    Clock clock();

    /** Runs the task as soon as possible, after tasks already submitted. Thread-safe. */
    void execute(Runnable task);

    /**
     * Runs the task once {@code clock().instant()} has reached {@code dueAt} (immediately if it already has). Thread-safe.
     */
    ScheduledTask schedule(Instant dueAt, Runnable task);

    /** {@code true} when called from this scheduler's own thread (inside a task). */
    boolean inSchedulerThread();

    /** Stops running tasks; pending tasks are dropped. Idempotent. */
    @Override
    void close();
}
