package io.cronjobguardian.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples every 50 ms which replicas say they lead, and remembers every sample in which more than one did and every
 * stretch of time in which none did.
 */
final class LeaderSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaderSampler.class);
    static final Duration PERIOD = Duration.ofMillis(50);

    /** A stretch without a leader: from the first sample without one to the first sample with one again. */
    record Gap(long fromNanos, long toNanos) {
        Duration length() {
            return Duration.ofNanos(toNanos - fromNanos);
        }
    }

    private final Supplier<Map<String, BooleanSupplier>> replicas;
    private final Thread thread;
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Gap> gaps = new CopyOnWriteArrayList<>();
    private volatile long samples;
    private volatile boolean closed;
    private long gapStart = -1;

    /** @param replicas a fresh view of the replicas' "do you lead?" checks, by name, at each sample */
    LeaderSampler(Supplier<Map<String, BooleanSupplier>> replicas) {
        this.replicas = replicas;
        this.thread = new Thread(this::run, "leader-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (!closed) {
            long now = System.nanoTime();
            List<String> leading = new ArrayList<>();
            replicas.get().forEach((name, isLeader) -> {
                if (isLeader.getAsBoolean()) {
                    leading.add(name);
                }
            });
            samples++;
            if (leading.size() > 1) {
                violations.add("two leaders at once: " + leading);
                LOG.error("two leaders at once: {}", leading);
            }
            if (leading.isEmpty()) {
                if (gapStart < 0) {
                    gapStart = now;
                }
            } else if (gapStart >= 0) {
                gaps.add(new Gap(gapStart, now));
                gapStart = -1;
            }
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    /** Finished gaps (ended by a leader), oldest first. */
    List<Gap> gaps() {
        return List.copyOf(gaps);
    }

    /** Finished gaps that began at or after {@code sinceNanos}. */
    List<Gap> gapsSince(long sinceNanos) {
        return gaps.stream().filter(g -> g.fromNanos() >= sinceNanos).toList();
    }

    long samples() {
        return samples;
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
