package io.cronjobguardian.spring.boot.autoconfigure;

import io.cronjobguardian.engine.Guardian;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the auto-configured {@link Guardian} once the context is refreshed (every bean, the host's DataSource
 * included, is ready by then) and closes it gracefully when the context stops: it stops taking new events, finishes
 * what is in flight, records deliveries and releases the Lease, so a standby takes over at once.
 *
 * <p>It stops in {@link #PHASE}, the phase of Boot's graceful web-server shutdown, and asynchronously: the close runs
 * alongside the web server draining its requests and counts against {@code spring.lifecycle.timeout-per-shutdown-phase}
 * (30 s by default, above Guardian's own shutdown timeout of 10 s). Beans are destroyed (the DataSource closed) only
 * after every lifecycle phase has stopped.
 */
public final class GuardianLifecycle implements SmartLifecycle {

    /**
     * Boot's {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE} ({@code DEFAULT_PHASE - 1024}): the
     * graceful-shutdown phase.
     */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private static final Logger LOG = LoggerFactory.getLogger(GuardianLifecycle.class);

    private final Guardian guardian;
    private volatile boolean running;

    public GuardianLifecycle(Guardian guardian) {
        this.guardian = Objects.requireNonNull(guardian, "guardian");
    }

    @Override
    public void start() {
        guardian.start();
        running = true;
    }

    @Override
    public void stop() {
        try {
            guardian.close();
        } finally {
            running = false;
        }
    }

    @Override
    public void stop(Runnable callback) {
        Thread t = new Thread(() -> {
            try {
                stop();
            } catch (RuntimeException e) {
                LOG.warn("closing CronJob Guardian failed", e);
            } finally {
                callback.run();
            }
        }, "guardian-shutdown");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
