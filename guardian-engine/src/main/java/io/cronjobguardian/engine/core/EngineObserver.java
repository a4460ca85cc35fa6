package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobSnapshot;
import java.time.Duration;

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

    /** A CronJob was evaluated, taking {@code took}. */
    default void evaluated(CronJobRef ref, Duration took) {
    }

    /** A CronJob is gone (deleted, or no longer watched): its meters should go. */
    default void forgotten(CronJobRef ref) {
    }
}
