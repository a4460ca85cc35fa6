package io.cronjobguardian.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Outcome of {@link AlertChannel#send}.
 *
 * @param outcome    delivered, retry later, or give up
 * @param detail     what happened (status code, error); never contains secrets such as webhook URLs or keys
 * @param retryAfter for {@link Outcome#RETRY}: the delay the receiver asked for ({@code Retry-After}), or
 *                   {@code null} to use the sender's backoff
 */
public record DeliveryResult(Outcome outcome, String detail, @Nullable Duration retryAfter) {

    /** The three outcomes. */
    public enum Outcome {
        /** Delivered. */
        DELIVERED,
        /** Not delivered, worth retrying (network error, timeout, 5xx, 429). */
        RETRY,
        /** Not delivered, retrying will not help (4xx other than 408/429, invalid configuration). */
        FAILED
    }

    public DeliveryResult {
        Objects.requireNonNull(outcome, "outcome must not be null");
        detail = detail == null ? "" : detail;
        if (retryAfter != null && retryAfter.isNegative()) {
            throw new IllegalArgumentException("retryAfter must not be negative");
        }
    }

    /** Delivered. */
    public static DeliveryResult delivered(String detail) {
        return new DeliveryResult(Outcome.DELIVERED, detail, null);
    }

    /** Retry, using the sender's backoff. */
    public static DeliveryResult retry(String detail) {
        return new DeliveryResult(Outcome.RETRY, detail, null);
    }

    /** Retry after the given delay. */
    public static DeliveryResult retryAfter(String detail, Duration delay) {
        return new DeliveryResult(Outcome.RETRY, detail, delay);
    }

    /** Give up. */
    public static DeliveryResult failed(String detail) {
        return new DeliveryResult(Outcome.FAILED, detail, null);
    }

    /** {@code true} when delivered. */
    public boolean isDelivered() {
        return outcome == Outcome.DELIVERED;
    }
}
