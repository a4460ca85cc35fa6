package io.cronjobguardian.api;

/** Base of the unchecked exceptions CronJob Guardian throws. Messages never contain secrets. */
public class GuardianException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** With a message. */
    public GuardianException(String message) {
        super(message);
    }

    /** With a message and a cause. */
    public GuardianException(String message, Throwable cause) {
        super(message, cause);
    }
}
