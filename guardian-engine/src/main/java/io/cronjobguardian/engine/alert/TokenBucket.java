package io.cronjobguardian.engine.alert;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket on the engine's clock: {@code capacity} tokens, refilled at {@code perPeriod} tokens per
 * {@code period}. Thread-safe. Used to defer notifications, never to drop them.
 */
final class TokenBucket {

    /** Slack for floating-point refill arithmetic: a token due at an instant is there at that instant. */
    private static final double EPSILON = 1e-6;
    private final double capacity;
    private final double tokensPerNano;
    private double tokens;
    private Instant last;

    TokenBucket(int perPeriod, Duration period, int capacity, Instant now) {
        if (perPeriod < 1 || capacity < 1 || period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("rate and capacity must be positive");
        }
        this.capacity = capacity;
        this.tokensPerNano = perPeriod / (double) period.toNanos();
        this.tokens = capacity;
        this.last = now;
    }

    /** Takes a token if one is there. */
    synchronized boolean tryTake(Instant now) {
        refill(now);
        if (tokens + EPSILON >= 1) {
            tokens = Math.max(0, tokens - 1);
            return true;
        }
        return false;
    }

    /** Whole tokens available now. */
    synchronized int available(Instant now) {
        refill(now);
        return (int) Math.floor(tokens + EPSILON);
    }

    /** When the next token will be there (now if one is). */
    synchronized Instant nextTokenAt(Instant now) {
        refill(now);
        if (tokens + EPSILON >= 1) {
            return now;
        }
        long nanos = (long) Math.ceil((1 - tokens) / tokensPerNano);
        return now.plusNanos(Math.max(1, nanos));
    }

    private void refill(Instant now) {
        if (now.isAfter(last)) {
            long elapsed = Duration.between(last, now).toNanos();
            tokens = Math.min(capacity, tokens + elapsed * tokensPerNano);
            last = now;
        }
    }
}
