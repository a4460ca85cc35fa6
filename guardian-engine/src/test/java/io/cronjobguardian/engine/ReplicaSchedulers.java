package io.cronjobguardian.engine;

import io.cronjobguardian.engine.time.ManualTaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/** Drives the manual schedulers of several replicas that share one clock, as the multi-replica tests need. */
final class ReplicaSchedulers {

    private ReplicaSchedulers() {
    }

    /** Runs what is due on every replica, three rounds (work one replica hands to another settles). */
    static void runAll(Collection<ManualTaskScheduler> schedulers) {
        for (int i = 0; i < 3; i++) {
            for (ManualTaskScheduler s : schedulers) {
                s.runPending();
            }
        }
    }

    /** Moves the shared clock by {@code d} in one-second steps, so every replica's timers run close to their instant. */
    static void advanceAll(Clock clock, Collection<ManualTaskScheduler> schedulers, Duration d) {
        Instant target = clock.instant().plus(d);
        Instant t = clock.instant();
        while (t.isBefore(target)) {
            t = t.plusSeconds(1).isAfter(target) ? target : t.plusSeconds(1);
            for (ManualTaskScheduler s : schedulers) {
                s.advanceTo(t);
            }
        }
        runAll(schedulers);
    }
}
