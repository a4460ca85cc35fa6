package io.cronjobguardian.testkit;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.Nullable;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * An {@link AlertChannel} that records every message it is asked to send and answers as scripted. Thread-safe.
 *
 * <ul>
 *   <li>Every call to {@link #send} is recorded ({@link #messages()}), whatever its outcome; those answered
 *       DELIVERED are also in {@link #delivered()}.</li>
 *   <li>Outcomes: DELIVERED by default; {@link #failNext(int, DeliveryResult.Outcome)},
 *       {@link #retryNext(int, Duration)}, {@link #answerNext(DeliveryResult...)} queue answers for the next
 *       calls; {@link #throwNext(RuntimeException)} makes the next call throw; {@link #answerByDefault} changes
 *       the default.</li>
 *   <li>{@link #block()} makes calls hang (after being recorded) until {@link #release()}, to simulate a hung
 *       endpoint; {@link #awaitBlocked(int, Duration)} waits until that many senders hang.</li>
 *   <li>{@link #awaitMessages(int, Duration)} waits for calls without sleeping-and-hoping.</li>
 * </ul>
 */
public final class RecordingAlertChannel implements AlertChannel {

    private final String name;
    private final String type;
    private final List<AlertMessage> messages = new ArrayList<>();
    private final List<AlertMessage> delivered = new ArrayList<>();
    private final Queue<Object> script = new ArrayDeque<>();
    private DeliveryResult defaultResult = DeliveryResult.delivered("recorded");
    private boolean blocking;
    private long gateGeneration;
    private int blocked;
    private int closeCount;

    /** A channel named {@code name} of type {@code recording}. */
    public RecordingAlertChannel(String name) {
        this(name, "recording");
    }

    /** A channel with the given name and type (e.g. to stand in for {@code slack}). */
    public RecordingAlertChannel(String name, String type) {
        this.name = Objects.requireNonNull(name, "name");
        this.type = Objects.requireNonNull(type, "type");
    }

    /** A channel named {@code name}; same as the constructor. */
    public static RecordingAlertChannel named(String name) {
        return new RecordingAlertChannel(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public DeliveryResult send(AlertMessage message) {
        Objects.requireNonNull(message, "message");
        Object answer;
        synchronized (this) {
            messages.add(message);
            answer = script.isEmpty() ? defaultResult : script.poll();
            notifyAll();
            if (blocking) {
                long generation = gateGeneration;
                blocked++;
                notifyAll();
                try {
                    while (blocking && generation == gateGeneration) {
                        wait();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return DeliveryResult.retry("interrupted while blocked");
                } finally {
                    blocked--;
                    notifyAll();
                }
            }
            if (answer instanceof DeliveryResult r && r.isDelivered()) {
                delivered.add(message);
            }
        }
        if (answer instanceof RuntimeException e) {
            throw e;
        }
        return (DeliveryResult) answer;
    }

    // ---------------------------------------------------------------- scripting

    /** The next {@code count} calls answer {@code outcome} (RETRY or FAILED; DELIVERED is allowed too). */
    public synchronized RecordingAlertChannel failNext(int count, DeliveryResult.Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        for (int i = 0; i < count; i++) {
            script.add(new DeliveryResult(outcome, "scripted " + outcome, null));
        }
        return this;
    }

    /** The next {@code count} calls answer RETRY asking to wait {@code retryAfter} ({@code null}: sender's backoff). */
    public synchronized RecordingAlertChannel retryNext(int count, @Nullable Duration retryAfter) {
        for (int i = 0; i < count; i++) {
            script.add(new DeliveryResult(DeliveryResult.Outcome.RETRY, "scripted RETRY", retryAfter));
        }
        return this;
    }

    /** The next calls answer these results, in order. */
    public synchronized RecordingAlertChannel answerNext(DeliveryResult... results) {
        for (DeliveryResult r : results) {
            script.add(Objects.requireNonNull(r, "result"));
        }
        return this;
    }

    /** The next call throws {@code exception} (after being recorded). */
    public synchronized RecordingAlertChannel throwNext(RuntimeException exception) {
        script.add(Objects.requireNonNull(exception, "exception"));
        return this;
    }

    /** The answer once the scripted ones are used up (DELIVERED at first). */
    public synchronized RecordingAlertChannel answerByDefault(DeliveryResult result) {
        defaultResult = Objects.requireNonNull(result, "result");
        return this;
    }

    /** From now on calls hang after being recorded until {@link #release()}. */
    public synchronized RecordingAlertChannel block() {
        blocking = true;
        return this;
    }

    /** Lets every hanging call finish and stops blocking new ones. */
    public synchronized void release() {
        blocking = false;
        gateGeneration++;
        notifyAll();
    }

    /** Calls hanging in {@link #block()} right now. */
    public synchronized int blockedCount() {
        return blocked;
    }

    /**
     * Waits until at least {@code count} calls hang.
     *
     * @throws AssertionError on timeout
     */
    public void awaitBlocked(int count, Duration timeout) {
        awaitState(() -> blocked >= count, timeout, () -> count + " blocked senders (now " + blocked + ")");
    }

    // ---------------------------------------------------------------- inspection

    /** Every message {@link #send} was called with, in call order. */
    public synchronized List<AlertMessage> messages() {
        return List.copyOf(messages);
    }

    /** Messages answered DELIVERED, in completion order. */
    public synchronized List<AlertMessage> delivered() {
        return List.copyOf(delivered);
    }

    /** Messages matching {@code filter}, in call order. */
    public synchronized List<AlertMessage> messages(Predicate<AlertMessage> filter) {
        return messages.stream().filter(filter).collect(Collectors.toList());
    }

    /** Forgets recorded messages (not the script). */
    public synchronized void clear() {
        messages.clear();
        delivered.clear();
    }

    /**
     * Waits until at least {@code count} calls were made.
     *
     * @return every message so far
     * @throws AssertionError on timeout, listing what was received
     */
    public List<AlertMessage> awaitMessages(int count, Duration timeout) {
        awaitState(() -> messages.size() >= count, timeout,
                () -> count + " messages on channel " + name + " (got " + messages.size() + ": " + messages + ")");
        return messages();
    }

    /**
     * Waits until at least {@code count} messages were delivered.
     *
     * @return every delivered message so far
     * @throws AssertionError on timeout
     */
    public List<AlertMessage> awaitDelivered(int count, Duration timeout) {
        awaitState(() -> delivered.size() >= count, timeout,
                () -> count + " delivered messages on channel " + name + " (got " + delivered.size() + ")");
        return delivered();
    }

    private synchronized void awaitState(java.util.function.BooleanSupplier condition, Duration timeout,
            java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get(), e);
            }
        }
    }

    @Override
    public synchronized void close() {
        closeCount++;
        release();
    }

    /** How many times {@link #close()} was called. */
    public synchronized int closeCount() {
        return closeCount;
    }

    @Override
    public String toString() {
        return "RecordingAlertChannel[" + name + "]";
    }
}
