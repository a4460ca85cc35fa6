package io.cronjobguardian.examples.simulator;

import java.time.Duration;
import java.time.Instant;

/**
 * What the simulator did for one schedule slot: the Job it created and how that Job ended (the truth a monitor's
 * records can be compared with).
 *
 * @param namespace  the CronJob's namespace
 * @param cronJob    the CronJob's name
 * @param jobName    the Job's name ({@code <cronjob>-<slot minutes since the epoch>})
 * @param index      the run's number for its CronJob, from 0
 * @param slot       the schedule slot (the Job's {@code batch.kubernetes.io/cronjob-scheduled-timestamp})
 * @param startedAt  the Job's {@code status.startTime}, or {@code null} before it started
 * @param finishedAt when it completed or failed, or {@code null} while running
 * @param outcome    running, succeeded or failed
 * @param attempts   pods created so far
 * @param exitCode   the last pod's exit code, or {@code null} while running
 * @param reason     the last pod's termination reason ({@code Completed}, {@code Error}, {@code OOMKilled}), or
 *                   {@code null} while running
 */
public record SimulatedRun(String namespace, String cronJob, String jobName, int index, Instant slot,
        Instant startedAt, Instant finishedAt, Outcome outcome, int attempts, Integer exitCode, String reason) {

    /** How a simulated Job ended. */
    public enum Outcome {
        /** Created, not finished. */
        RUNNING,
        /** {@code Complete}. */
        SUCCEEDED,
        /** {@code Failed} ({@code BackoffLimitExceeded}). */
        FAILED
    }

    /** {@code namespace/cronJob}. */
    public String cronJobKey() {
        return namespace + "/" + cronJob;
    }

    /** {@code true} once it succeeded or failed. */
    public boolean finished() {
        return outcome != Outcome.RUNNING;
    }

    /** Start to finish, or {@code null} while running. */
    public Duration duration() {
        return startedAt == null || finishedAt == null ? null : Duration.between(startedAt, finishedAt);
    }

    SimulatedRun started(Instant at) {
        return new SimulatedRun(namespace, cronJob, jobName, index, slot, at, null, Outcome.RUNNING, 1, null, null);
    }

    SimulatedRun retried(int attemptCount) {
        return new SimulatedRun(namespace, cronJob, jobName, index, slot, startedAt, null, Outcome.RUNNING,
                attemptCount, null, null);
    }

    SimulatedRun finished(Instant at, boolean succeeded, int attemptCount, int exit, String why) {
        return new SimulatedRun(namespace, cronJob, jobName, index, slot, startedAt, at,
                succeeded ? Outcome.SUCCEEDED : Outcome.FAILED, attemptCount, exit, why);
    }
}
