package io.cronjobguardian.chaos;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A simulated time line that several JVMs on one machine share: it reads {@code origin} at the wall-clock instant
 * {@code startWall} and runs {@code factor} times faster than the wall clock from there. Unlike the simulator's
 * {@code AcceleratedClock} (anchored on one JVM's {@code System.nanoTime()}), two processes given the same three
 * numbers read the same simulated instant at the same moment, so the replicas, the simulator and the harness agree on
 * Job timestamps, deadlines and the conversion back to real time.
 */
public final class ChaosClock extends Clock {

    private final Instant origin;
    private final Instant startWall;
    private final double factor;
    private final ZoneId zone;

    /**
     * A shared time line.
     *
     * @param origin    the simulated instant at {@code startWall}
     * @param startWall the wall-clock instant the time line starts running
     * @param factor    simulated seconds per real second, at least 1
     */
    public ChaosClock(Instant origin, Instant startWall, double factor) {
        this(origin, startWall, factor, ZoneOffset.UTC);
    }

    private ChaosClock(Instant origin, Instant startWall, double factor, ZoneId zone) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.startWall = Objects.requireNonNull(startWall, "startWall");
        if (!(factor >= 1) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be at least 1, was " + factor);
        }
        this.factor = factor;
        this.zone = zone;
    }

    /** The simulated instant at {@link #startWall()}. */
    public Instant origin() {
        return origin;
    }

    /** When the time line starts running (wall clock). */
    public Instant startWall() {
        return startWall;
    }

    /** Simulated seconds per real second. */
    public double factor() {
        return factor;
    }

    /** The wall-clock instant at which this time line reads {@code simulated}. */
    public Instant toWall(Instant simulated) {
        long simNanos = Duration.between(origin, simulated).toNanos();
        return startWall.plusNanos((long) (simNanos / factor));
    }

    /** A simulated duration in real time. */
    public Duration toReal(Duration simulated) {
        return Duration.ofNanos((long) (simulated.toNanos() / factor));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new ChaosClock(origin, startWall, factor, newZone);
    }

    @Override
    public Instant instant() {
        Instant now = Instant.now();
        if (now.isBefore(startWall)) {
            return origin;
        }
        long realNanos = Duration.between(startWall, now).toNanos();
        return origin.plusNanos((long) (realNanos * factor));
    }

    /** The arguments that recreate this time line in another process: {@code origin startWall factor}. */
    public String toArgs() {
        return origin + " " + startWall + " " + factor;
    }
}
