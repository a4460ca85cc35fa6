package io.cronjobguardian.engine.time;

import java.time.Instant;

/** A task scheduled with {@link TaskScheduler#schedule}. */
public interface ScheduledTask {

    /** The instant the task is due at. */
    Instant dueAt();

    /** Cancels the task if it has not started; idempotent. */
    void cancel();

    /** {@code true} once cancelled. */
    boolean isCancelled();
}
