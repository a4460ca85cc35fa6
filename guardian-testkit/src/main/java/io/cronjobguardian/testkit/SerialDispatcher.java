package io.cronjobguardian.testkit;

import java.util.ArrayDeque;
import java.util.Queue;

/**
 * Runs callbacks one at a time, in the order they were enqueued, on the threads that call {@link #drain()}: the
 * first caller drains the queue while later (or re-entrant) callers return at once and leave their callbacks to it.
 * Single-threaded tests therefore see every callback delivered before the triggering call returns.
 */
final class SerialDispatcher {

    private static final System.Logger LOG = System.getLogger(SerialDispatcher.class.getName());

    private final Queue<Runnable> queue = new ArrayDeque<>();
    private Thread drainer;

    /** Adds a callback; call {@link #drain()} afterwards, outside any lock the callbacks might need. */
    synchronized void enqueue(Runnable callback) {
        queue.add(callback);
    }

    /** Runs queued callbacks unless another thread (or an outer frame of this one) is already doing so. */
    void drain() {
        synchronized (this) {
            if (drainer != null) {
                return;
            }
            drainer = Thread.currentThread();
        }
        boolean done = false;
        try {
            while (true) {
                Runnable next;
                synchronized (this) {
                    next = queue.poll();
                    if (next == null) {
                        drainer = null;
                        done = true;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "callback threw; ignored", e);
                }
            }
        } finally {
            if (!done) {
                synchronized (this) {
                    drainer = null;
                }
            }
        }
    }
}
