package io.cronjobguardian.api;

/**
 * Outcome of a Job, derived from its conditions: {@code Complete} or {@code SuccessCriteriaMet} make it
 * {@link #SUCCEEDED}; {@code Failed} or {@code FailureTarget} make it {@link #FAILED}; otherwise it is
 * {@link #RUNNING}. A pod that fails and is retried does not make the Job failed.
 */
public enum JobState {
    /** Not finished yet (including a Job whose pod has not started). */
    RUNNING,
    /** Finished successfully. */
    SUCCEEDED,
    /** Finished unsuccessfully. */
    FAILED;

    /** {@code true} for {@link #SUCCEEDED} and {@link #FAILED}. */
    public boolean isTerminal() {
        return this != RUNNING;
    }
}
