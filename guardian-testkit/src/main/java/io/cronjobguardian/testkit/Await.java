package io.cronjobguardian.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polling helper for the suites (which cannot depend on Awaitility at runtime). */
final class Await {

    private static final long POLL_MILLIS = 10;

    private Await() {
    }

    /**
     * Polls {@code condition} every 10 ms until it holds.
     *
     * @throws AssertionError naming {@code what} when it does not hold within {@code timeout}
     */
    static void until(Duration timeout, Supplier<String> what, BooleanSupplier condition) {
        if (!poll(timeout, condition)) {
            throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
        }
    }

    /** Polls {@code condition} every 10 ms; {@code true} when it held within {@code timeout}. */
    static boolean poll(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            sleep(POLL_MILLIS);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
