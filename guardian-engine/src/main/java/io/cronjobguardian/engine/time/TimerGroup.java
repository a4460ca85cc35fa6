package io.cronjobguardian.engine.time;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Named timers that are started and stopped as a unit: arming a key replaces its previous timer, and
 * {@link #cancelAll()} cancels everything (used when leadership is lost). Not thread-safe: use it from the
 * scheduler's thread only.
 *
 * @param <K> timer key type
 */
public final class TimerGroup<K> {

    private final TaskScheduler scheduler;
    private final Map<K, ScheduledTask> timers = new HashMap<>();

    /** A group scheduling on {@code scheduler}. */
    public TimerGroup(TaskScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    }

    /**
     * Arms the timer for {@code key} at {@code dueAt}, replacing any timer armed for that key. Re-arming at the
     * same instant keeps the existing timer.
     */
    public void arm(K key, Instant dueAt, Runnable task) {
        ScheduledTask existing = timers.get(key);
        if (existing != null && !existing.isCancelled() && existing.dueAt().equals(dueAt)) {
            return;
        }
        if (existing != null) {
            existing.cancel();
        }
        ScheduledTask[] self = new ScheduledTask[1];
        self[0] = scheduler.schedule(dueAt, () -> {
            if (timers.get(key) == self[0]) {
                timers.remove(key);
            }
            task.run();
        });
        timers.put(key, self[0]);
    }

    /** Cancels the timer of {@code key}, if any. */
    public void cancel(K key) {
        ScheduledTask t = timers.remove(key);
        if (t != null) {
            t.cancel();
        }
    }

    /** The due instant of the timer of {@code key}, or {@code null}. */
    public Instant dueAt(K key) {
        ScheduledTask t = timers.get(key);
        return t == null || t.isCancelled() ? null : t.dueAt();
    }

    /** Cancels every timer. */
    public void cancelAll() {
        timers.values().forEach(ScheduledTask::cancel);
        timers.clear();
    }

    /** Number of armed timers. */
    public int size() {
        return timers.size();
    }
}
