package io.cronjobguardian.examples.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that runs {@code factor} times faster than real time, starting at a given instant (by default the real
 * now). It follows {@link System#nanoTime()}, so it is monotonic and unaffected by wall-clock steps. Readings are
 * truncated to milliseconds, like the stores keep them.
 *
 * <p>Engines driven by this clock need a scheduler that looks at the clock often enough, for example
 * {@code new SystemTaskScheduler(clock, "engine", Duration.ofMillis(50))}: a timer computed in simulated time would
 * otherwise sleep {@code factor} times too long.
 *
 * <p>Instances are immutable and thread-safe; {@link #withZone} returns a view on the same time line.
 */
public final class AcceleratedClock extends Clock {

    private final Instant origin;
    private final long originNanos;
    private final double factor;
    private final ZoneId zone;

    private AcceleratedClock(Instant origin, long originNanos, double factor, ZoneId zone) {
        this.origin = origin;
        this.originNanos = originNanos;
        this.factor = factor;
        this.zone = zone;
    }

    /**
     * A clock that starts at {@code origin} now and runs {@code factor} times faster than real time.
     *
     * @param origin the first reading
     * @param factor simulated seconds per real second; at least 1
     * @throws IllegalArgumentException when the factor is below 1, not finite, or above 1,000,000
     */
    public static AcceleratedClock startingAt(Instant origin, double factor) {
        Objects.requireNonNull(origin, "origin");
        if (!(factor >= 1) || factor > 1_000_000 || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be between 1 and 1000000, was " + factor);
        }
        return new AcceleratedClock(origin.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), System.nanoTime(),
                factor, ZoneOffset.UTC);
    }

    /** A clock that starts at the real now and runs {@code factor} times faster. */
    public static AcceleratedClock startingNow(double factor) {
        return startingAt(Instant.now(), factor);
    }

    /** Simulated seconds per real second. */
    public double factor() {
        return factor;
    }

    /** The reading at creation. */
    public Instant origin() {
        return origin;
    }

    /** How much simulated time has passed since {@link #origin()}. */
    public Duration elapsed() {
        return Duration.between(origin, instant());
    }

    /** The real time that {@code simulated} takes on this clock (at least 0). */
    public Duration toReal(Duration simulated) {
        if (simulated.isNegative()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(simulated.toNanos() / factor));
    }

    /** The simulated time that passes on this clock in {@code real}. */
    public Duration toSimulated(Duration real) {
        return Duration.ofNanos((long) (real.toNanos() * factor));
    }

    /** Real time until this clock reads {@code simulatedInstant} (zero when it already has). */
    public Duration realTimeUntil(Instant simulatedInstant) {
        return toReal(Duration.between(instant(), simulatedInstant));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public AcceleratedClock withZone(ZoneId newZone) {
        return new AcceleratedClock(origin, originNanos, factor, Objects.requireNonNull(newZone, "zone"));
    }

    @Override
    public Instant instant() {
        long realNanos = System.nanoTime() - originNanos;
        long simulatedMillis = (long) (realNanos * factor / 1_000_000d);
        return origin.plusMillis(simulatedMillis);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public String toString() {
        return "AcceleratedClock[" + factor + "x since " + origin + ", now " + instant() + "]";
    }
}
