package io.cronjobguardian.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A {@link Clock} that only moves when told to. Thread-safe: {@link #set} and {@link #advance} may be called from
 * any thread and every reader sees the new instant at once.
 *
 * <p>The zone is UTC unless given. {@link #withZone} returns a view in another zone that shares this clock's time:
 * advancing one advances both. Listeners registered with {@link #addListener} are told the new instant after each
 * change, on the thread that made it, so a test scheduler can fire what fell due.
 */
public final class ManualClock extends Clock {

    /** Where a clock created without an instant starts: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;
    private final List<Consumer<Instant>> listeners;
    private final ZoneId zone;

    /** A clock at {@link #DEFAULT_START} in UTC. */
    public ManualClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start} in UTC. */
    public ManualClock(Instant start) {
        this(new AtomicReference<>(Objects.requireNonNull(start, "start")), new CopyOnWriteArrayList<>(),
                ZoneOffset.UTC);
    }

    private ManualClock(AtomicReference<Instant> now, List<Consumer<Instant>> listeners, ZoneId zone) {
        this.now = now;
        this.listeners = listeners;
        this.zone = zone;
    }

    /** A clock at {@code start} in UTC; same as the constructor. */
    public static ManualClock at(Instant start) {
        return new ManualClock(start);
    }

    /** A clock at {@code start}, e.g. {@code "2024-03-10T10:00:00Z"}, in UTC. */
    public static ManualClock at(String isoInstant) {
        return new ManualClock(Instant.parse(isoInstant));
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** A view of this clock in another zone; it shares the time (and listeners) with this one. */
    @Override
    public ManualClock withZone(ZoneId newZone) {
        Objects.requireNonNull(newZone, "zone");
        return newZone.equals(zone) ? this : new ManualClock(now, listeners, newZone);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    /** Moves the clock to {@code instant} (backwards too) and tells the listeners. */
    public void set(Instant instant) {
        Objects.requireNonNull(instant, "instant");
        now.set(instant);
        fire(instant);
    }

    /**
     * Moves the clock forward by {@code amount} and tells the listeners.
     *
     * @return the new instant
     * @throws IllegalArgumentException when {@code amount} is negative (use {@link #set} to go back)
     */
    public Instant advance(Duration amount) {
        Objects.requireNonNull(amount, "amount");
        if (amount.isNegative()) {
            throw new IllegalArgumentException("cannot advance by a negative amount: " + amount
                    + " (use set() to move the clock back)");
        }
        Instant updated = now.updateAndGet(t -> t.plus(amount));
        fire(updated);
        return updated;
    }

    /** Moves the clock forward by {@code millis} milliseconds; see {@link #advance(Duration)}. */
    public Instant advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /** Registers a listener told the new instant after every {@link #set} or {@link #advance}. */
    public void addListener(Consumer<Instant> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Removes a listener; {@code false} if it was not registered. */
    public boolean removeListener(Consumer<Instant> listener) {
        return listeners.remove(listener);
    }

    private void fire(Instant instant) {
        for (Consumer<Instant> l : listeners) {
            l.accept(instant);
        }
    }

    @Override
    public String toString() {
        return "ManualClock[" + now.get() + ", " + zone + "]";
    }
}
