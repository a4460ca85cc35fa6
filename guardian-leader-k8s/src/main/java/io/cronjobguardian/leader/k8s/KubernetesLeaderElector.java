package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeadershipListener;
import io.cronjobguardian.api.Nullable;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LeaderElector} on a Kubernetes {@code coordination.k8s.io/v1} Lease, built on fabric8's
 * {@code LeaderElector}.
 *
 * <p>fabric8's elector is single-use: one instance is one <em>term</em> (contend, lead, lose). This class runs terms
 * one after the other until {@link #close()}: when a term ends (lost the Lease, renew deadline passed, API server
 * gone) it retires the term's lock and starts a new term after one retry period.
 *
 * <h2>Safety</h2>
 * <ul>
 *   <li>{@code onStartedLeading} is delivered only after the Lease write that acquired it succeeded, and only if that
 *       write started less than {@code renewDeadline} ago.</li>
 *   <li>A watchdog, independent of the threads that talk to the API server, steps down (and
 *       {@link #isLeader()} turns {@code false}) once {@code renewDeadline} has passed since the start of the last
 *       successful renewal, even while a request hangs. Since {@code renewDeadline < leaseDuration}, that is before
 *       any other candidate can consider the Lease expired, given clocks that agree to better than
 *       {@code leaseDuration - renewDeadline} (fabric8 compares its local wall clock with the {@code renewTime}
 *       written by the holder's wall clock).</li>
 *   <li>Requests for the Lease use a derived client without retries and with a request timeout of
 *       {@code leaderElection.requestTimeout} (default {@code renewDeadline / 4}), so that a hanging API server
 *       delays neither stepping down nor contending again once it is back.</li>
 * </ul>
 *
 * <h2>Epoch</h2>
 * The epoch of a term is the Lease's {@code spec.leaseTransitions} written by the acquisition. fabric8 increments it
 * when the holder changes; {@link GuardianLeaseLock} also increments it when a new term of the same identity
 * re-acquires a Lease that still names it, so epochs strictly increase across terms and replicas.
 *
 * <h2>Watching the Lease</h2>
 * fabric8's acquire loop tries every {@code retryPeriod × (1 … 2.2)}. So that a standby does not wait for its next
 * attempt, the elector also <em>watches</em> the one Lease (by name) and restarts a standby's term at once — its first
 * attempt is immediate — when it sees the Lease released (holder cleared, as {@link #close()} and
 * {@link #relinquish(long)} write it) or deleted, and when a foreign holder's lease runs out without a renewal
 * (checked {@code leaseDuration} after the last change it saw, on this JVM's monotonic clock). Whether an attempt
 * succeeds is still fabric8's decision on the Lease it reads (holder empty, or {@code renewTime + leaseDuration}
 * passed) and the optimistic lock, so the watch only changes <em>when</em> a standby tries, never <em>whether</em> it
 * may lead: the fencing and the watchdog are unchanged. If the watch cannot be opened or is closed with an error
 * (for example RBAC without {@code watch} on leases), the standby keeps polling every {@code retryPeriod} and the
 * watch is opened again after {@code retryPeriod}. {@code leaderElection.watchLease=false} turns the watch off.
 *
 * <h2>Relinquishing</h2>
 * {@link #relinquish(long)} ends the current term like a lost Lease, but releases the Lease (as {@link #close()}
 * does) and waits {@code leaseDuration} instead of one retry period before the next term, so that a standby that can
 * act takes over first.
 *
 * <h2>Callbacks</h2>
 * Listener callbacks run on one thread per elector ({@code guardian-leader-k8s-events-<identity>}), in order,
 * never concurrently; {@code onStartedLeading}/{@code onStoppedLeading} strictly alternate. {@link #close()} delivers
 * {@code onStoppedLeading} (if leading) and waits up to {@code renewDeadline} for the listener to return before it
 * releases the Lease, so a standby starts only after this replica stopped.
 */
public final class KubernetesLeaderElector implements LeaderElector {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesLeaderElector.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    /** After a foreign holder's leaseDuration, wait this much more before trying (clock granularity). */
    private static final long EXPIRY_MARGIN_MILLIS = 20;

    private enum Status { NEW, STARTED, CLOSED }

    private final KubernetesLeaderElectionConfig config;
    private final Supplier<? extends KubernetesClient> clientSource;
    private final boolean ownsClient;
    private final long renewDeadlineNanos;
    private final String threadPrefix;

    private final Object lock = new Object();
    // all guarded by lock
    private Status status = Status.NEW;
    private @Nullable KubernetesClient client;
    private @Nullable KubernetesClient leaseClient;
    private @Nullable KubernetesClient watchClient;
    private @Nullable LeadershipListener listener;
    private @Nullable ExecutorService events;
    private @Nullable ScheduledExecutorService timer;
    private @Nullable ExecutorService io;
    private @Nullable Term term;
    private long termSeq;
    private boolean leading;
    private long epoch = -1;
    private long lastEpoch = -1;
    private long lastRenewNanos;
    private long highestTransitions = -1;
    private @Nullable Watch leaseWatch;
    private @Nullable ScheduledFuture<?> expiryCheck;
    private long watchOpenings;
    private long watchFailures;
    private long kicks;
    private long leaseEvents;
    private volatile @Nullable String currentLeader;

    /**
     * An elector that uses the given client and never closes it.
     *
     * @param client the host's client; requests for the Lease go through a derived client with
     *               {@link KubernetesLeaderElectionConfig#requestTimeout()} and no retries
     */
    public KubernetesLeaderElector(KubernetesLeaderElectionConfig config, KubernetesClient client) {
        this(config, () -> client, false);
        Objects.requireNonNull(client, "client");
    }

    /**
     * An elector that obtains its client on {@link #start} from {@code clientSource}.
     *
     * @param ownsClient {@code true} to close that client on {@link #close()}
     */
    public KubernetesLeaderElector(KubernetesLeaderElectionConfig config,
            Supplier<? extends KubernetesClient> clientSource, boolean ownsClient) {
        this.config = Objects.requireNonNull(config, "config");
        this.clientSource = Objects.requireNonNull(clientSource, "clientSource");
        this.ownsClient = ownsClient;
        this.renewDeadlineNanos = config.renewDeadline().toNanos();
        this.threadPrefix = "guardian-leader-k8s-" + INSTANCES.incrementAndGet();
    }

    /** The settings this elector runs with. */
    public KubernetesLeaderElectionConfig config() {
        return config;
    }

    @Override
    public void start(LeadershipListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            if (status != Status.NEW) {
                throw new IllegalStateException("LeaderElector " + config.identity() + " was already "
                        + (status == Status.STARTED ? "started" : "closed"));
            }
            KubernetesClient c = Objects.requireNonNull(clientSource.get(), "clientSource returned null");
            this.client = c;
            this.leaseClient = deriveLeaseClient(c);
            this.watchClient = deriveWatchClient(c);
            this.listener = listener;
            this.events = Executors.newSingleThreadExecutor(threads(threadPrefix + "-events-" + config.identity()));
            this.timer = Executors.newSingleThreadScheduledExecutor(threads(threadPrefix + "-timer"));
            this.io = Executors.newCachedThreadPool(threads(threadPrefix + "-io"));
            this.status = Status.STARTED;
        }
        LOG.info("Leader election started: {}", config);
        long tick = watchdogTickMillis();
        timer().scheduleAtFixedRate(this::watchdog, tick, tick, TimeUnit.MILLISECONDS);
        startTerm();
        if (config.watchLease()) {
            openWatchAsync();
        }
    }

    @Override
    public boolean isLeader() {
        synchronized (lock) {
            return leadingNowLocked();
        }
    }

    @Override
    public OptionalLong currentEpoch() {
        synchronized (lock) {
            return leadingNowLocked() ? OptionalLong.of(epoch) : OptionalLong.empty();
        }
    }

    @Override
    public String identity() {
        return config.identity();
    }

    @Override
    public Optional<String> currentLeader() {
        return Optional.ofNullable(currentLeader);
    }

    @Override
    public void close() {
        Term t;
        ExecutorService ev;
        ScheduledExecutorService tm;
        ExecutorService ioPool;
        KubernetesClient c;
        Watch w;
        synchronized (lock) {
            if (status == Status.CLOSED) {
                return;
            }
            boolean wasStarted = status == Status.STARTED;
            status = Status.CLOSED;
            if (!wasStarted) {
                return;
            }
            if (leading) {
                leading = false;
                epoch = -1;
                deliverLocked(l -> l.onStoppedLeading());
                LOG.info("{} stops leading: elector closed", config.identity());
            }
            currentLeader = null;
            t = term;
            term = null;
            ev = events;
            tm = timer;
            ioPool = io;
            c = client;
            w = leaseWatch;
            leaseWatch = null;
        }
        tm.shutdownNow();
        closeQuietly(w);
        // let the listener stop its leader work before a standby can acquire (bounded; not from a callback)
        if (!Thread.currentThread().getName().startsWith(threadPrefix + "-events-")) {
            awaitQueued(ev, config.renewDeadline());
        }
        if (t != null) {
            // fabric8 releases the Lease (releaseOnCancel) while cancelling: an empty holder, written through the lock
            CompletableFuture<Void> released = CompletableFuture.runAsync(t::cancel, ioPool);
            try {
                released.get(config.renewDeadline().toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("{}: releasing the Lease {}/{} did not finish within {} ms; it expires after leaseDuration",
                        config.identity(), config.namespace(), config.leaseName(), config.renewDeadline().toMillis());
            }
            // cancel() only starts fabric8's release, on its own thread: make sure it is written before the client
            // closes (it can still be pending when close() runs inside a leadership callback)
            if (c != null && t.lock.releaseIfHeld(c)) {
                LOG.debug("{}: released the Lease {}/{} on close", config.identity(), config.namespace(),
                        config.leaseName());
            }
            t.lock.retire();
        }
        ioPool.shutdownNow();
        ev.shutdown();
        if (ownsClient && c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the Kubernetes client failed", e);
            }
        }
        LOG.info("Leader election stopped: {}", config.identity());
    }

    /**
     * Gives up the term with this epoch if this replica leads it: steps down at once, then (off the caller's thread,
     * once the listener's {@code onStoppedLeading} returned, at most {@code renewDeadline}) releases the Lease as
     * {@link #close()} does, and starts the next term after {@code leaseDuration} (plus up to 20 % jitter). A
     * contending standby, which tries every {@code retryPeriod} to {@code 2.2 × retryPeriod}, takes the released
     * Lease first; a lone replica leads again after that pause, with a new epoch.
     */
    @Override
    public boolean relinquish(long termEpoch) {
        Term t;
        ExecutorService ioPool;
        ExecutorService ev;
        synchronized (lock) {
            if (status != Status.STARTED || !leading || epoch != termEpoch || term == null) {
                return false;
            }
            t = term;
            ev = events;
            ioPool = endTermLocked(t, "relinquished epoch " + termEpoch + "; contending again in "
                    + config.leaseDuration().toMillis() + " ms");
        }
        finishTerm(t, "relinquished", ioPool, true, ev);
        return true;
    }

    // ------------------------------------------------------------------------------------------------ terms

    /** One fabric8 elector and its lock. */
    private final class Term {
        final long id;
        final GuardianLeaseLock lock;
        private @Nullable CompletableFuture<?> future;
        private boolean cancelRequested;
        /** Restarted for a change of the Lease already (guarded by the elector's lock). */
        boolean kicked;

        Term(long id) {
            this.id = id;
            this.lock = new GuardianLeaseLock(config.namespace(), config.leaseName(), config.identity(), observer(this));
        }

        /** Cancels fabric8's elector (which releases the Lease if it leads). May block on a pending request. */
        void cancel() {
            CompletableFuture<?> f;
            synchronized (this) {
                cancelRequested = true;
                f = future;
            }
            if (f != null) {
                f.cancel(true);
            }
        }

        void started(CompletableFuture<?> f) {
            boolean cancelNow;
            synchronized (this) {
                future = f;
                cancelNow = cancelRequested;
            }
            if (cancelNow) {
                f.cancel(true);
            }
        }

        @Override
        public String toString() {
            return "term " + id;
        }
    }

    private void startTerm() {
        Term t;
        KubernetesClient lc;
        synchronized (lock) {
            if (status != Status.STARTED || term != null) {
                return;
            }
            t = new Term(++termSeq);
            term = t;
            lc = leaseClient;
        }
        LeaderElectionConfig electionConfig = new LeaderElectionConfigBuilder()
                .withName(config.leaseName())
                .withLock(t.lock)
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> guarded(() -> onStartLeading(t)),
                        () -> guarded(() -> onStopLeading(t)), id -> guarded(() -> onNewLeader(t, id))))
                .build();
        CompletableFuture<?> f;
        try {
            f = new LeaderElectorBuilder(lc, io()).withConfig(electionConfig).build().start();
        } catch (RuntimeException e) {
            LOG.warn("{}: could not start a leader election term; retrying", config.identity(), e);
            endTerm(t, "start failed", false);
            return;
        }
        LOG.debug("{}: {} contends for Lease {}/{}", config.identity(), t, config.namespace(), config.leaseName());
        t.started(f);
        f.whenComplete((v, e) -> {
            if (e != null && !(e instanceof java.util.concurrent.CancellationException)) {
                LOG.warn("{}: {} ended with an error", config.identity(), t, e);
            }
            endTerm(t, "term ended", false);
        });
    }

    /**
     * Ends a term: steps down if it led, then (off the caller's thread) cancels it if asked, retires its lock and
     * schedules the next term after one retry period.
     */
    private void endTerm(Term t, String reason, boolean cancel) {
        ExecutorService ioPool;
        synchronized (lock) {
            ioPool = endTermLocked(t, reason);
        }
        finishTerm(t, reason, ioPool, cancel, null);
    }

    /** The locked part of ending a term; returns the I/O pool to finish it on, or {@code null} if nothing is left to do. */
    private @Nullable ExecutorService endTermLocked(Term t, String reason) {
        if (term != t) {
            return null;
        }
        term = null;
        if (leading) {
            stepDownLocked(reason);
        }
        return status == Status.STARTED ? io : null;
    }

    /**
     * Off the caller's thread: waits for the listener when {@code yielding} is the events executor (so that the
     * listener has stopped before a standby can acquire), cancels the term if asked (fabric8 releases the Lease if it
     * holds it), retires its lock and schedules the next term: after one retry period, or after one lease duration
     * when yielding, so that a contending standby gets the released Lease first.
     */
    private void finishTerm(Term t, String reason, @Nullable ExecutorService ioPool, boolean cancel,
            @Nullable ExecutorService yielding) {
        if (ioPool == null) {
            return;
        }
        LOG.debug("{}: {} over ({})", config.identity(), t, reason);
        try {
            ioPool.execute(() -> {
                if (yielding != null) {
                    awaitQueued(yielding, config.renewDeadline());
                }
                if (cancel) {
                    t.cancel();
                }
                t.lock.retire();
                scheduleNextTerm(yielding != null ? config.leaseDuration() : config.retryPeriod());
            });
        } catch (RejectedExecutionException e) {
            t.lock.retire(); // closing
        }
    }

    private void scheduleNextTerm(Duration after) {
        long delay = after.toMillis();
        delay += (long) (delay * 0.2 * ThreadLocalRandom.current().nextDouble());
        try {
            timer().schedule(this::startTerm, delay, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void watchdog() {
        Term t = null;
        synchronized (lock) {
            if (status == Status.STARTED && leading && System.nanoTime() - lastRenewNanos > renewDeadlineNanos) {
                t = term;
                stepDownLocked("no successful renewal within renewDeadline (" + config.renewDeadline().toMillis()
                        + " ms)");
            }
        }
        if (t != null) {
            endTerm(t, "renew deadline passed", true);
        }
    }

    // ------------------------------------------------------------------------------------------------ watching the Lease

    /** Opens the watch on the Lease from the I/O pool (opening it is a request). */
    private void openWatchAsync() {
        try {
            io().execute(this::openWatch);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void openWatch() {
        KubernetesClient c;
        LeaseWatcher watcher;
        synchronized (lock) {
            if (status != Status.STARTED || leaseWatch != null) {
                return;
            }
            c = watchClient;
            watcher = new LeaseWatcher(++watchOpenings);
        }
        Watch w;
        try {
            w = Objects.requireNonNull(c).resources(Lease.class).inNamespace(config.namespace())
                    .withName(config.leaseName()).watch(watcher);
        } catch (RuntimeException e) {
            watchFailed(watcher, "could not be opened", e);
            return;
        }
        boolean keep;
        synchronized (lock) {
            keep = status == Status.STARTED && leaseWatch == null && !watcher.closed;
            if (keep) {
                leaseWatch = w;
            }
        }
        if (keep) {
            LOG.debug("{}: watching Lease {}/{}", config.identity(), config.namespace(), config.leaseName());
        } else {
            closeQuietly(w);
        }
    }

    /** The watch ended with an error or could not be opened: standbys poll; try again after one retry period. */
    private void watchFailed(LeaseWatcher watcher, String what, Exception e) {
        boolean first;
        synchronized (lock) {
            watcher.closed = true;
            if (status != Status.STARTED) {
                return;
            }
            if (watcher.generation == watchOpenings) {
                leaseWatch = null;
            }
            first = watchFailures++ == 0;
        }
        String msg = "{}: the watch on Lease {}/{} {} ({}); a standby tries every retryPeriod until it is open again "
                + "(next try in {} ms)";
        if (first) {
            LOG.warn(msg, config.identity(), config.namespace(), config.leaseName(), what, e.toString(),
                    config.retryPeriod().toMillis());
        } else {
            LOG.debug(msg, config.identity(), config.namespace(), config.leaseName(), what, e.toString(),
                    config.retryPeriod().toMillis());
        }
        try {
            timer().schedule(this::openWatchAsync, config.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException ex) {
            // closing
        }
    }

    /** One opening of the watch. */
    private final class LeaseWatcher implements Watcher<Lease> {
        final long generation;
        volatile boolean closed;

        LeaseWatcher(long generation) {
            this.generation = generation;
        }

        @Override
        public void eventReceived(Action action, Lease lease) {
            guarded(() -> onLeaseEvent(action, lease));
        }

        @Override
        public void onClose(WatcherException cause) {
            watchFailed(this, "was closed", cause);
        }

        @Override
        public void onClose() {
            closed = true; // closed by us
        }
    }

    /**
     * A change of the Lease. Released (no holder) or deleted: a standby contends at once. Held by another replica:
     * a standby contends once {@code leaseDuration} has passed without a further change (a holder that stopped
     * renewing); every change re-arms that check.
     */
    private void onLeaseEvent(Watcher.Action action, @Nullable Lease lease) {
        if (action != Watcher.Action.ADDED && action != Watcher.Action.MODIFIED && action != Watcher.Action.DELETED) {
            return;
        }
        LeaseSpec spec = lease == null ? null : lease.getSpec();
        String holder = spec == null ? null : spec.getHolderIdentity();
        boolean released = action == Watcher.Action.DELETED || holder == null || holder.isEmpty();
        Term kick = null;
        synchronized (lock) {
            if (status != Status.STARTED) {
                return;
            }
            leaseEvents++;
            if (expiryCheck != null) {
                expiryCheck.cancel(false);
                expiryCheck = null;
            }
            if (released) {
                kick = standbyTermLocked();
            } else if (!holder.equals(config.identity()) && spec.getLeaseDurationSeconds() != null
                    && spec.getLeaseDurationSeconds() > 0) {
                // fabric8 lets a candidate take over when its wall clock passes renewTime + leaseDuration; the event
                // came after that write, so leaseDuration from now is at or after it (on one clock; with skew the
                // attempt fails and the standby goes on polling)
                long delay = spec.getLeaseDurationSeconds() * 1000L + EXPIRY_MARGIN_MILLIS;
                try {
                    expiryCheck = Objects.requireNonNull(timer).schedule(this::onLeaseExpired, delay,
                            TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException e) {
                    // closing
                }
            }
        }
        if (kick != null) {
            kick(kick, action == Watcher.Action.DELETED ? "the Lease was deleted" : "the Lease was released");
        }
    }

    private void onLeaseExpired() {
        Term kick;
        synchronized (lock) {
            if (status != Status.STARTED) {
                return;
            }
            expiryCheck = null;
            kick = standbyTermLocked();
        }
        if (kick != null) {
            kick(kick, "the holder did not renew the Lease within leaseDuration");
        }
    }

    /** The current term if this replica is a standby in it and it was not restarted for a Lease change yet. */
    private @Nullable Term standbyTermLocked() {
        Term t = term;
        if (leading || t == null || t.kicked) {
            return null;
        }
        t.kicked = true;
        return t;
    }

    /**
     * Replaces a standby's term by a new one, whose first attempt is immediate (fabric8 cannot be asked to try now).
     * A term that acquired in the meantime is cancelled like any other (fabric8 releases the Lease) and the new term
     * acquires it with a new epoch.
     */
    private void kick(Term t, String why) {
        try {
            io().execute(() -> {
                synchronized (lock) {
                    if (status != Status.STARTED || term != t || leading) {
                        return;
                    }
                    term = null;
                    kicks++;
                }
                LOG.debug("{}: {}; contending now", config.identity(), why);
                t.cancel();
                t.lock.retire();
                startTerm();
            });
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    /** How many times the watch was opened (tests). */
    long watchOpenings() {
        synchronized (lock) {
            return watchOpenings;
        }
    }

    /** How many times the watch failed to open or was closed with an error (tests). */
    long watchFailures() {
        synchronized (lock) {
            return watchFailures;
        }
    }

    /** How many changes of the Lease the watch delivered (tests). */
    long leaseEvents() {
        synchronized (lock) {
            return leaseEvents;
        }
    }

    /** How many standby terms were restarted because of a change of the Lease (tests). */
    long kicks() {
        synchronized (lock) {
            return kicks;
        }
    }

    private static void closeQuietly(@Nullable Watch w) {
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the watch on the Lease failed", e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ fabric8 callbacks

    private void onStartLeading(Term t) {
        // read the lock before taking ours: the lock calls the observer (ours) while holding its own monitor
        int transitions = t.lock.acquiredTransitions();
        long startNanos = t.lock.acquiredStartNanos();
        boolean refuse = false;
        String why = null;
        synchronized (lock) {
            if (status != Status.STARTED || term != t || leading) {
                return;
            }
            if (transitions < 0) {
                refuse = true;
                why = "no acquisition was recorded";
            } else if (System.nanoTime() - startNanos > renewDeadlineNanos) {
                refuse = true;
                why = "the acquiring write took longer than renewDeadline";
            } else if (transitions <= lastEpoch) {
                refuse = true;
                why = "Lease transitions " + transitions + " is not above the previous epoch " + lastEpoch;
            } else {
                leading = true;
                epoch = transitions;
                lastEpoch = transitions;
                lastRenewNanos = startNanos;
                long e = transitions;
                deliverLocked(l -> l.onStartedLeading(e));
                LOG.info("{} leads Lease {}/{} with epoch {}", config.identity(), config.namespace(),
                        config.leaseName(), e);
            }
        }
        if (refuse) {
            LOG.warn("{}: not taking leadership of Lease {}/{}: {}; contending again", config.identity(),
                    config.namespace(), config.leaseName(), why);
            endTerm(t, why, true);
        }
    }

    private void onStopLeading(Term t) {
        synchronized (lock) {
            if (term == t && leading) {
                stepDownLocked("lost the Lease");
            }
        }
    }

    private void onNewLeader(Term t, @Nullable String id) {
        String leader = id == null || id.isEmpty() ? null : id;
        synchronized (lock) {
            if (status != Status.STARTED || term != t) {
                return;
            }
            setLeaderLocked(leader);
        }
    }

    /**
     * Runs one of our fabric8 callbacks; an exception must not escape into fabric8's acquire loop, which stops for good
     * on anything but a {@code KubernetesClientException}.
     */
    private void guarded(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("{}: unexpected failure in a leader election callback", config.identity(), e);
        }
    }

    private GuardianLeaseLock.Observer observer(Term t) {
        return new GuardianLeaseLock.Observer() {
            @Override
            public void written(GuardianLeaseLock l, int transitions, long startNanos, boolean acquisition) {
                synchronized (lock) {
                    if (term == t && leading && !acquisition && startNanos - lastRenewNanos > 0) {
                        lastRenewNanos = startNanos;
                    }
                }
            }

            @Override
            public void observedTransitions(int transitions) {
                synchronized (lock) {
                    highestTransitions = Math.max(highestTransitions, transitions);
                }
            }

            @Override
            public long highestTransitions() {
                synchronized (lock) {
                    return Math.max(highestTransitions, lastEpoch);
                }
            }
        };
    }

    // ------------------------------------------------------------------------------------------------ state helpers

    private boolean leadingNowLocked() {
        return leading && System.nanoTime() - lastRenewNanos <= renewDeadlineNanos;
    }

    private void stepDownLocked(String reason) {
        leading = false;
        epoch = -1;
        deliverLocked(l -> l.onStoppedLeading());
        LOG.info("{} stops leading Lease {}/{}: {}", config.identity(), config.namespace(), config.leaseName(), reason);
        if (config.identity().equals(currentLeader)) {
            setLeaderLocked(null);
        }
    }

    private void setLeaderLocked(@Nullable String leader) {
        if (!Objects.equals(leader, currentLeader)) {
            currentLeader = leader;
            deliverLocked(l -> l.onNewLeader(leader));
        }
    }

    private interface Callback {
        void call(LeadershipListener l);
    }

    /** Queues a callback; the queue order is the order of the state changes, since it is filled under the lock. */
    private void deliverLocked(Callback callback) {
        LeadershipListener l = listener;
        ExecutorService ev = events;
        if (l == null || ev == null) {
            return;
        }
        try {
            ev.execute(() -> {
                try {
                    callback.call(l);
                } catch (RuntimeException e) {
                    LOG.warn("{}: leadership listener threw; ignored", config.identity(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("{}: callback dropped after close", config.identity());
        }
    }

    private static void awaitQueued(ExecutorService ev, Duration max) {
        CountDownLatch done = new CountDownLatch(1);
        try {
            ev.execute(done::countDown);
            if (!done.await(max.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("leadership listener did not return within {} ms; releasing the Lease anyway", max.toMillis());
            }
        } catch (RejectedExecutionException e) {
            // already shut down
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private KubernetesClient deriveLeaseClient(KubernetesClient c) {
        RequestConfig base = c.getConfiguration().getRequestConfig();
        RequestConfig rc = (base == null ? new RequestConfigBuilder() : new RequestConfigBuilder(base))
                .withRequestTimeout((int) Math.max(1, config.requestTimeout().toMillis()))
                .withRequestRetryBackoffLimit(0)
                .build();
        // shares the host's HTTP client; closing it would close the host's client, so it is never closed
        return c.newClient(rc).adapt(KubernetesClient.class);
    }

    /**
     * The client of the watch: fabric8 would otherwise retry opening it (10 times with back-off, about 20 s) and
     * reconnect it without end, without telling us; with neither, every failure reaches {@link #watchFailed}, which
     * opens it again after one retry period. Shares the host's HTTP client and is never closed.
     */
    private static KubernetesClient deriveWatchClient(KubernetesClient c) {
        RequestConfig base = c.getConfiguration().getRequestConfig();
        RequestConfig rc = (base == null ? new RequestConfigBuilder() : new RequestConfigBuilder(base))
                .withWatchReconnectLimit(0)
                .withRequestRetryBackoffLimit(0)
                .build();
        return c.newClient(rc).adapt(KubernetesClient.class);
    }

    private long watchdogTickMillis() {
        long margin = config.leaseDuration().minus(config.renewDeadline()).toMillis();
        return Math.max(5, Math.min(100, margin / 4));
    }

    private ScheduledExecutorService timer() {
        synchronized (lock) {
            return Objects.requireNonNull(timer);
        }
    }

    private ExecutorService io() {
        synchronized (lock) {
            return Objects.requireNonNull(io);
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread th = new Thread(r, name.endsWith("-io") ? name + "-" + n.incrementAndGet() : name);
            th.setDaemon(true);
            return th;
        };
    }

    @Override
    public String toString() {
        return "KubernetesLeaderElector{" + config.identity() + " on " + config.namespace() + "/" + config.leaseName()
                + ", leader=" + isLeader() + "}";
    }
}
