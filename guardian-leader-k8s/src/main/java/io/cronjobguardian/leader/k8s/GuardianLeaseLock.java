package io.cronjobguardian.leader.k8s;

import io.cronjobguardian.api.Nullable;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * The {@link LeaseLock} of one term (one fabric8 {@code LeaderElector}), changed in three ways:
 * <ol>
 *   <li><b>Epoch bump on re-acquisition.</b> fabric8 increments {@code leaseTransitions} only when the holder
 *       changes. A new term of the same identity that finds the Lease still naming itself (after losing the API
 *       server, or after a restart with a fixed identity) would renew without a bump and reuse the previous epoch.
 *       The first write of a term that names us over a Lease that already names us therefore writes
 *       {@code leaseTransitions + 1} and a fresh {@code acquireTime}. Every acquisition also writes more than the
 *       highest value this replica ever saw, which keeps epochs increasing even if the Lease was deleted and
 *       recreated while this replica ran.</li>
 *   <li><b>Release that really clears the holder.</b> fabric8's {@code LeaseLock} writes with a JSON merge patch in
 *       which a {@code null} holder is simply left out, so a "release" keeps the old holder for one more second.
 *       Here every write is a {@code PUT} of the whole object with the {@code resourceVersion} last read (optimistic
 *       lock; a concurrent change answers 409), so the holder is removed and a standby can acquire at once.</li>
 *   <li><b>Observation.</b> Successful writes naming us are reported with the monotonic time taken just before the
 *       read that preceded them (fabric8 takes the Lease's {@code renewTime} at about the same instant), so the
 *       elector can step down by its own watchdog exactly {@code renewDeadline} after the last successful renewal,
 *       even while a request hangs. After {@link #retire()} every write is refused, so a cancelled term can never
 *       touch the Lease of a newer term of the same identity.</li>
 * </ol>
 */
final class GuardianLeaseLock extends LeaseLock {

    /** Receives what the lock wrote. Called on fabric8's thread while it holds its elector's monitor: be quick. */
    interface Observer {
        /**
         * A write naming us succeeded.
         *
         * @param transitions  the {@code leaseTransitions} written
         * @param startNanos   {@link System#nanoTime()} just before the read that preceded the write
         * @param acquisition  {@code true} when the write acquired the Lease (the previous holder was not us, or this
         *                     is the first write of the term), {@code false} for a renewal
         */
        void written(GuardianLeaseLock lock, int transitions, long startNanos, boolean acquisition);

        /** A {@code leaseTransitions} value was read or written; used to keep epochs increasing. */
        void observedTransitions(int transitions);

        /** The highest {@code leaseTransitions} seen by this replica so far, or -1. */
        long highestTransitions();
    }

    private static final ZonedDateTime EPOCH = ZonedDateTime.ofInstant(Instant.EPOCH, ZoneOffset.UTC);

    private final String namespace;
    private final String name;
    private final Observer observer;

    private volatile boolean retired;
    // guarded by this
    private @Nullable Lease lastRead;
    private long lastReadStartNanos;
    private boolean acquiredInTerm;
    private int acquiredTransitions = -1;
    private long acquiredStartNanos;

    GuardianLeaseLock(String namespace, String name, String identity, Observer observer) {
        super(namespace, name, identity);
        this.namespace = namespace;
        this.name = name;
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /**
     * Writes the release (an empty holder, as fabric8's release does) if the Lease still names this identity. For
     * {@code close()}: fabric8 releases on cancel from its own thread, which may run only after the client is closed
     * (when close() is called from a leadership callback); this writes it first. A concurrent release by fabric8
     * makes one of the two a conflict, which is ignored here.
     *
     * @return {@code true} if this call wrote the release
     */
    synchronized boolean releaseIfHeld(KubernetesClient client) {
        if (retired) {
            return false;
        }
        try {
            LeaderElectionRecord current = doGet(client);
            if (current == null || !identity().equals(current.getHolderIdentity())) {
                return false;
            }
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            doUpdate(client, new LeaderElectionRecord(null, Duration.ofSeconds(1), now, now,
                    current.getLeaderTransitions()));
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Refuses every later write of this term. */
    void retire() {
        retired = true;
    }

    /** The {@code leaseTransitions} written by the latest acquisition of this term, or -1. */
    synchronized int acquiredTransitions() {
        return acquiredTransitions;
    }

    /** The monotonic start time of the latest acquisition of this term. */
    synchronized long acquiredStartNanos() {
        return acquiredStartNanos;
    }

    @Override
    public synchronized @Nullable LeaderElectionRecord get(KubernetesClient client) {
        try {
            return doGet(client);
        } catch (RuntimeException e) {
            throw asClientException(e);
        }
    }

    @Override
    public synchronized void create(KubernetesClient client, LeaderElectionRecord record) {
        try {
            doCreate(client, record);
        } catch (RuntimeException e) {
            throw asClientException(e);
        }
    }

    @Override
    public synchronized void update(KubernetesClient client, LeaderElectionRecord record) {
        try {
            doUpdate(client, record);
        } catch (RuntimeException e) {
            throw asClientException(e);
        }
    }

    /**
     * fabric8's acquire loop retries only on {@link KubernetesClientException}; any other exception ends the loop
     * without completing the elector's future, which would leave this replica out of the election for good.
     */
    private static KubernetesClientException asClientException(RuntimeException e) {
        if (e instanceof KubernetesClientException) {
            return (KubernetesClientException) e;
        }
        return new KubernetesClientException("unexpected failure accessing the Lease: " + e, e);
    }

    private @Nullable LeaderElectionRecord doGet(KubernetesClient client) {
        lastReadStartNanos = System.nanoTime();
        Lease lease = client.resources(Lease.class).inNamespace(namespace).withName(name).get();
        lastRead = lease;
        if (lease == null) {
            return null;
        }
        LeaderElectionRecord record = toRecordLenient(lease);
        observer.observedTransitions(record.getLeaderTransitions());
        return record;
    }

    private void doCreate(KubernetesClient client, LeaderElectionRecord record) {
        checkNotRetired();
        LeaderElectionRecord toWrite = record;
        boolean ours = identity().equals(record.getHolderIdentity());
        if (ours) {
            toWrite = aboveHighestSeen(record);
        }
        Lease created = client.resource(toResource(toWrite, getObjectMeta(null))).create();
        lastRead = created;
        afterWrite(toWrite, ours, true);
    }

    private void doUpdate(KubernetesClient client, LeaderElectionRecord record) {
        checkNotRetired();
        Lease current = lastRead;
        if (current == null) {
            throw new IllegalStateException("get or create must be called first");
        }
        boolean ours = identity().equals(record.getHolderIdentity());
        LeaderElectionRecord previous = toRecordLenient(current);
        boolean previousOurs = identity().equals(previous.getHolderIdentity());
        boolean acquisition = ours && (!acquiredInTerm || !previousOurs);
        LeaderElectionRecord toWrite = record;
        if (acquisition) {
            if (previousOurs && record.getLeaderTransitions() <= previous.getLeaderTransitions()) {
                // re-acquiring a Lease that still names us: a new term needs a new epoch
                toWrite = new LeaderElectionRecord(record.getHolderIdentity(), record.getLeaseDuration(),
                        record.getRenewTime(), record.getRenewTime(), previous.getLeaderTransitions() + 1);
            }
            toWrite = aboveHighestSeen(toWrite);
        }
        // PUT of the whole object with the resourceVersion we read: 409 when someone wrote in between
        Lease updated = client.resource(toResource(toWrite, new ObjectMetaBuilder(current.getMetadata()))).update();
        lastRead = updated;
        afterWrite(toWrite, ours, acquisition);
    }

    private void afterWrite(LeaderElectionRecord written, boolean ours, boolean acquisition) {
        observer.observedTransitions(written.getLeaderTransitions());
        if (!ours) {
            return;
        }
        if (acquisition) {
            acquiredInTerm = true;
            acquiredTransitions = written.getLeaderTransitions();
            acquiredStartNanos = lastReadStartNanos;
        }
        observer.written(this, written.getLeaderTransitions(), lastReadStartNanos, acquisition);
    }

    private LeaderElectionRecord aboveHighestSeen(LeaderElectionRecord record) {
        long highest = observer.highestTransitions();
        if (record.getLeaderTransitions() > highest || highest >= Integer.MAX_VALUE) {
            return record;
        }
        return new LeaderElectionRecord(record.getHolderIdentity(), record.getLeaseDuration(), record.getAcquireTime(),
                record.getRenewTime(), (int) highest + 1);
    }

    private void checkNotRetired() {
        if (retired) {
            // 409 so that fabric8 logs it at debug and treats leadership as already lost
            throw new KubernetesClientException("lease term retired: " + describe(), HttpURLConnection.HTTP_CONFLICT,
                    null);
        }
    }

    /** Like {@code LeaseLock.toRecord}, but tolerant of a Lease with missing fields (written by someone else). */
    static LeaderElectionRecord toRecordLenient(Lease lease) {
        LeaseSpec spec = lease.getSpec();
        if (spec == null) {
            return new LeaderElectionRecord(null, Duration.ZERO, EPOCH, EPOCH, 0);
        }
        Integer seconds = spec.getLeaseDurationSeconds();
        Integer transitions = spec.getLeaseTransitions();
        return new LeaderElectionRecord(
                spec.getHolderIdentity(),
                Duration.ofSeconds(seconds == null ? 0 : seconds),
                spec.getAcquireTime() == null ? EPOCH : spec.getAcquireTime(),
                spec.getRenewTime() == null ? EPOCH : spec.getRenewTime(),
                transitions == null ? 0 : transitions);
    }
}
