package io.cronjobguardian.api;

/**
 * The store could not be reached or failed to complete an operation. The operation was not applied (a store
 * never reports success for a write it did not commit). Safe to retry: every write is idempotent.
 */
public class StoreUnavailableException extends GuardianException {
    private static final long serialVersionUID = 1L;

    /** With a message and a cause. */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** With a message. */
    public StoreUnavailableException(String message) {
        super(message);
    }
}
