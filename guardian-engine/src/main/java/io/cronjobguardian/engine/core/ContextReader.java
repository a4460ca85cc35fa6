package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the failure context of a run (log tail, events of the Job and its pods) off the engine thread: the reads
 * call the API server, and a slow one must not stall recording, timers and dispatch. A bounded pool (a few threads,
 * a bounded queue) runs the reads of one failure in parallel, each with its own timeout; what a read that fails,
 * times out or finds the pool full would have returned is left out (the run is still recorded and alerted, without
 * or with partial context). The result is handed to a callback, which passes it back to the engine thread.
 */
public final class ContextReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ContextReader.class);
    /** Threads of the default pool. */
    public static final int DEFAULT_THREADS = 3;
    /** Reads the default pool queues before it refuses more (a refused read is left out). */
    public static final int DEFAULT_QUEUE = 256;
    /** How long one read may take by default (the watcher's own request timeout is usually shorter). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    /** What was read for one failure. */
    record Context(@Nullable String logTail, List<String> events) {
        static final Context EMPTY = new Context(null, List.of());

        Context {
            events = events == null ? List.of() : List.copyOf(events);
        }
    }

    private final CronJobWatcher watcher;
    private final Executor executor;
    private final @Nullable ThreadPoolExecutor ownPool;
    private final @Nullable ScheduledExecutorService timeouts;
    private final Duration timeout;
    private volatile boolean closed;

    /**
     * A reader on a pool of its own ({@code threads} daemon threads, at most {@code queue} reads waiting; a read
     * beyond that is left out) with the given per-read timeout. {@link #close()} shuts the pool down.
     */
    public static ContextReader pooled(CronJobWatcher watcher, int threads, int queue, Duration timeout) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "guardian-context-read-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return new ContextReader(watcher, pool, pool, timeout);
    }

    /**
     * A reader that runs its reads on {@code executor} (not shut down by {@link #close()}), e.g. the calling thread
     * ({@code Runnable::run}) for tests that drive the engine step by step.
     */
    public static ContextReader on(CronJobWatcher watcher, Executor executor, Duration timeout) {
        return new ContextReader(watcher, executor, null, timeout);
    }

    private ContextReader(CronJobWatcher watcher, Executor executor, @Nullable ThreadPoolExecutor ownPool,
            Duration timeout) {
        this.watcher = Objects.requireNonNull(watcher, "watcher");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.ownPool = ownPool;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread th = new Thread(r, "guardian-context-read-timeout");
            th.setDaemon(true);
            return th;
        });
        t.setRemoveOnCancelPolicy(true);
        this.timeouts = t;
    }

    /**
     * Reads the log tail (when {@code log} is set) and the events (when {@code events}) of a failed Job, in
     * parallel, and calls {@code done} once with what was read (on a reader thread, or on the caller's when the
     * executor runs inline). Never throws; {@code done} is called even when every read fails.
     */
    void read(JobSnapshot job, @Nullable LogRequest log, boolean events, int maxEvents, Consumer<Context> done) {
        CompletableFuture<String> logTail = log == null ? CompletableFuture.completedFuture(null)
                : one(job, "log tail", () -> watcher.fetchLogTail(job, log).orElse(null), null);
        CompletableFuture<List<String>> evs = !events ? CompletableFuture.completedFuture(List.of())
                : one(job, "events", () -> watcher.fetchEvents(job, maxEvents), List.of());
        logTail.thenCombine(evs, Context::new).whenComplete((c, t) -> {
            try {
                done.accept(c != null ? c : Context.EMPTY);
            } catch (RuntimeException e) {
                LOG.warn("handing over the failure context of Job {}/{} failed", job.namespace(), job.name(), e);
            }
        });
    }

    /** Reads the events of a Job (and its pods) off the engine thread; see {@link #read}. */
    void readEvents(JobSnapshot job, int maxEvents, Consumer<List<String>> done) {
        read(job, null, true, maxEvents, c -> done.accept(c.events()));
    }

    private <T> CompletableFuture<T> one(JobSnapshot job, String what, Supplier<T> read, T fallback) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (closed) {
            result.complete(fallback);
            return result;
        }
        FutureTask<Void> task = new FutureTask<>(() -> {
            try {
                result.complete(read.get());
            } catch (RuntimeException e) {
                LOG.warn("reading the {} of failed Job {}/{} failed: {}", what, job.namespace(), job.name(),
                        e.toString());
                result.complete(fallback);
            }
            return null;
        });
        Future<?> timer = null;
        ScheduledExecutorService t = timeouts;
        if (t != null && !t.isShutdown()) {
            try {
                timer = t.schedule(() -> {
                    if (result.complete(fallback)) {
                        LOG.warn("reading the {} of failed Job {}/{} took longer than {}; left out", what,
                                job.namespace(), job.name(), timeout);
                        task.cancel(true);
                    }
                }, timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                timer = null;
            }
        }
        Future<?> armed = timer;
        result.whenComplete((v, x) -> {
            if (armed != null) {
                armed.cancel(false);
            }
        });
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            if (result.complete(fallback)) {
                LOG.warn("too many failure-context reads queued; the {} of failed Job {}/{} is left out", what,
                        job.namespace(), job.name());
            }
        }
        return result;
    }

    /** Reads queued or running on the reader's own pool (0 for a reader on a given executor). */
    int pending() {
        ThreadPoolExecutor p = ownPool;
        return p == null ? 0 : p.getQueue().size() + p.getActiveCount();
    }

    /** Stops the reader: reads in flight are interrupted, queued ones dropped (their callers get nothing). */
    @Override
    public void close() {
        closed = true;
        if (ownPool != null) {
            for (Runnable r : ownPool.shutdownNow()) {
                if (r instanceof FutureTask) {
                    ((FutureTask<?>) r).cancel(false);
                }
            }
        }
        if (timeouts != null) {
            timeouts.shutdownNow();
        }
    }
}
