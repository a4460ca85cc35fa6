package io.cronjobguardian.api;

/**
 * How the last attempt of a Job ended (or why it could not start), read from its newest pod.
 *
 * @param container name of the container the values come from, or {@code null} when they come from the Job itself
 * @param exitCode  the container's exit code, or {@code null} when it did not terminate (e.g. a waiting reason)
 * @param reason    {@code OOMKilled}, {@code Error}, a waiting reason such as {@code ImagePullBackOff}, a pod reason
 *                  such as {@code Evicted}, or {@code null}
 * @param signal    the signal that killed the container, or {@code null}; for exit codes above 128 without an
 *                  explicit signal, {@link #effectiveSignal()} derives it
 * @param message   the termination or waiting message, or {@code null}
 */
public record Termination(
        @Nullable String container,
        @Nullable Integer exitCode,
        @Nullable String reason,
        @Nullable Integer signal,
        @Nullable String message) {

    /** The signal number: {@link #signal()} if set, else {@code exitCode - 128} for exit codes 129–255, else {@code null}. */
    public @Nullable Integer effectiveSignal() {
        if (signal != null && signal > 0) {
            return signal;
        }
        if (exitCode != null && exitCode > 128 && exitCode <= 255) {
            return exitCode - 128;
        }
        return null;
    }
}
