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
 * <p>A clock can also be created {@linkplain #paused paused}: it reads its origin until {@link #start()}, so that a
 * demo can bring its engine up (which may take seconds on a busy machine) before simulated time begins to run.
 *
 * <p>Thread-safe; {@link #withZone} returns a view on the same time line.
 */
public final class AcceleratedClock extends Clock {

    /** Shared by the zone views of one clock. */
    private static final class Timeline {
        final Instant origin;
        final double factor;
        /** {@link System#nanoTime()} at the start; {@code null} while paused. */
        volatile Long startNanos;

        Timeline(Instant origin, double factor, Long startNanos) {
            this.origin = origin;
            this.factor = factor;
            this.startNanos = startNanos;
        }
    }

    private final Timeline timeline;
    private final ZoneId zone;

    private AcceleratedClock(Timeline timeline, ZoneId zone) {
        this.timeline = timeline;
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
        AcceleratedClock c = paused(origin, factor);
        c.start();
        return c;
    }

    /**
     * A clock that reads {@code origin} until {@link #start()}, then runs {@code factor} times faster than real time.
     *
     * @throws IllegalArgumentException when the factor is below 1, not finite, or above 1,000,000
     */
    public static AcceleratedClock paused(Instant origin, double factor) {
        Objects.requireNonNull(origin, "origin");
        if (!(factor >= 1) || factor > 1_000_000 || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be between 1 and 1000000, was " + factor);
        }
        return new AcceleratedClock(new Timeline(origin.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), factor,
                null), ZoneOffset.UTC);
    }

    /** Lets a {@linkplain #paused paused} clock run from its origin; no effect on a running clock. */
    public AcceleratedClock start() {
        synchronized (timeline) {
            if (timeline.startNanos == null) {
                timeline.startNanos = System.nanoTime();
            }
        }
        return this;
    }

    /** Whether the clock runs. */
    public boolean isRunning() {
        return timeline.startNanos != null;
    }

    /** A clock that starts at the real now and runs {@code factor} times faster. */
    public static AcceleratedClock startingNow(double factor) {
        return startingAt(Instant.now(), factor);
    }

    /** Simulated seconds per real second. */
    public double factor() {
        return timeline.factor;
    }

    /** The first reading. */
    public Instant origin() {
        return timeline.origin;
    }

    /** How much simulated time has passed since {@link #origin()}. */
    public Duration elapsed() {
        return Duration.between(timeline.origin, instant());
    }

    /** The real time that {@code simulated} takes on this clock (at least 0). */
    public Duration toReal(Duration simulated) {
        if (simulated.isNegative()) {
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil(simulated.toNanos() / timeline.factor));
    }

    /** The simulated time that passes on this clock in {@code real}. */
    public Duration toSimulated(Duration real) {
        return Duration.ofNanos((long) (real.toNanos() * timeline.factor));
    }

    /**
     * Real time until this clock reads {@code simulatedInstant} (zero when it already has; as if running when
     * paused).
     */
    public Duration realTimeUntil(Instant simulatedInstant) {
        return toReal(Duration.between(instant(), simulatedInstant));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public AcceleratedClock withZone(ZoneId newZone) {
        return new AcceleratedClock(timeline, Objects.requireNonNull(newZone, "zone"));
    }

    @Override
    public Instant instant() {
        Long start = timeline.startNanos;
        if (start == null) {
            return timeline.origin;
        }
        long realNanos = System.nanoTime() - start;
        long simulatedMillis = (long) (realNanos * timeline.factor / 1_000_000d);
        return timeline.origin.plusMillis(simulatedMillis);
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public String toString() {
        return "AcceleratedClock[" + timeline.factor + "x from " + timeline.origin + (isRunning() ? ", now "
                + instant() : ", paused") + "]";
    }
}
