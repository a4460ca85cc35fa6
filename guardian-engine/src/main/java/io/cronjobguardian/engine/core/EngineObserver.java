package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Severity;
import java.time.Duration;
import java.util.Map;

/** Told what the engine does, for metrics. Called on the engine thread; must not block. */
public interface EngineObserver {

    /** Nothing happens. */
    EngineObserver NONE = new EngineObserver() {
    };

    /** Leadership changed. */
    default void leadership(boolean leading, long epoch) {
    }

    /** A finished run was recorded for the first time. */
    default void recorded(JobSnapshot job) {
    }

    /**
     * A CronJob was evaluated, taking {@code took}; {@code openBySeverity} counts its open incidents afterwards
     * (every severity present, zeros included).
     */
    default void evaluated(CronJobRef ref, Duration took, Map<Severity, Integer> openBySeverity) {
    }

    /**
     * A run could not be recorded as seen: {@code outcome} is {@code without_details} (its row was rejected and
     * it was recorded without its optional text), {@code skipped} (rejected even so: not recorded) or
     * {@code lost} (kept in memory unrecorded until it aged out).
     */
    default void recordFailure(CronJobRef ref, String outcome) {
    }

    /**
     * {@code count} terminal Job snapshots a standby kept for a future leader were dropped ({@code reason}:
     * {@code age} or {@code capacity}); the leader of the time normally has them.
     */
    default void seenRunsEvicted(String reason, int count) {
    }

    /** Combines observers: each is told everything, in order. */
    static EngineObserver all(java.util.List<EngineObserver> observers) {
        java.util.List<EngineObserver> list = java.util.List.copyOf(observers);
        return new EngineObserver() {
            @Override
            public void leadership(boolean leading, long epoch) {
                list.forEach(o -> o.leadership(leading, epoch));
            }

            @Override
            public void recorded(JobSnapshot job) {
                list.forEach(o -> o.recorded(job));
            }

            @Override
            public void evaluated(CronJobRef ref, Duration took, Map<Severity, Integer> openBySeverity) {
                list.forEach(o -> o.evaluated(ref, took, openBySeverity));
            }

            @Override
            public void forgotten(CronJobRef ref) {
                list.forEach(o -> o.forgotten(ref));
            }

            @Override
            public void recordFailure(CronJobRef ref, String outcome) {
                list.forEach(o -> o.recordFailure(ref, outcome));
            }

            @Override
            public void seenRunsEvicted(String reason, int count) {
                list.forEach(o -> o.seenRunsEvicted(reason, count));
            }
        };
    }

    /** A CronJob is gone (deleted, or no longer watched): its meters should go. */
    default void forgotten(CronJobRef ref) {
    }
}
