package io.cronjobguardian.testkit;

import io.cronjobguardian.api.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A leader-election "lock" controlled by the test, shared by the {@link ManualLeaderElector}s created with
 * {@link #candidate(String)}. Every term gets an epoch from a strictly increasing counter.
 *
 * <ul>
 *   <li>{@link #elect(String)} makes a started candidate the leader: the current leader (if another) gets
 *       {@code onStoppedLeading}, then the new one {@code onStartedLeading(epoch)}, then every started candidate
 *       {@code onNewLeader(identity)}.</li>
 *   <li>{@link #revoke()} takes leadership away (as a lost lease would): {@code onStoppedLeading}, then
 *       {@code onNewLeader(null)} to all. The revoked candidate keeps contending: it may be elected again.</li>
 *   <li>With {@link #autoElect(boolean) autoElect}, a candidate that starts while nobody leads is elected at
 *       once. With {@link #autoFailover(boolean) autoFailover}, when the leader closes, the longest-waiting other
 *       started candidate is elected.</li>
 *   <li>When the leader {@linkplain ManualLeaderElector#relinquish(long) relinquishes} its term it gets
 *       {@code onStoppedLeading} and goes to the back of the queue, still contending. With auto-failover the
 *       longest-waiting other candidate is elected; when there is none and auto-elect is on, the one that
 *       relinquished is elected again in a new term (a lone replica leads again; the pause a real elector makes
 *       before contending again is not simulated). Otherwise nobody leads until {@link #elect(String)}.</li>
 * </ul>
 * Callbacks run one at a time in the order of the changes that caused them, on the thread making the change (so a
 * single-threaded test sees them before {@code elect}/{@code revoke}/{@code close} returns). No two callbacks of
 * the election ever run concurrently.
 */
public final class ManualElection {

    final Object lock = new Object();
    final SerialDispatcher dispatcher = new SerialDispatcher();
    private final List<ManualLeaderElector> contenders = new ArrayList<>();
    private @Nullable ManualLeaderElector leader;
    private long epochCounter;
    private boolean autoElect;
    private boolean autoFailover;

    /** A manual election: nobody leads until {@link #elect(String)}; no automatic failover. */
    public ManualElection() {
    }

    /** A manual election (same as the constructor). */
    public static ManualElection manual() {
        return new ManualElection();
    }

    /**
     * An election that behaves like a healthy lease: the first started candidate leads, and a standby takes over
     * when the leader closes.
     */
    public static ManualElection automatic() {
        return new ManualElection().autoElect(true).autoFailover(true);
    }

    /** Whether a candidate starting while nobody leads is elected at once. */
    public ManualElection autoElect(boolean value) {
        synchronized (lock) {
            autoElect = value;
        }
        return this;
    }

    /** Whether another started candidate is elected when the leader closes. */
    public ManualElection autoFailover(boolean value) {
        synchronized (lock) {
            autoFailover = value;
        }
        return this;
    }

    /** Starts the epoch counter after {@code epoch} (the next term gets {@code epoch + 1}). */
    public ManualElection startEpochAfter(long epoch) {
        synchronized (lock) {
            if (epoch < epochCounter) {
                throw new IllegalArgumentException("epochs never go back: already at " + epochCounter);
            }
            epochCounter = epoch;
        }
        return this;
    }

    /** A new, not started candidate on this election. */
    public ManualLeaderElector candidate(String identity) {
        return new ManualLeaderElector(this, identity);
    }

    /**
     * Makes the started, not closed candidate with this identity the leader. If it already leads nothing happens.
     *
     * @return the epoch of its term
     * @throws IllegalArgumentException when no started candidate has this identity
     */
    public long elect(String identity) {
        Objects.requireNonNull(identity, "identity");
        long epoch;
        synchronized (lock) {
            ManualLeaderElector next = contenders.stream().filter(c -> c.identity().equals(identity)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no started candidate \"" + identity
                            + "\"; started: " + contenders.stream().map(ManualLeaderElector::identity).toList()));
            epoch = electLocked(next);
        }
        dispatcher.drain();
        return epoch;
    }

    /**
     * Takes leadership away from the current leader, who keeps contending. Nobody leads afterwards (even with
     * auto-failover).
     *
     * @return the identity that lost leadership, if someone led
     */
    public Optional<String> revoke() {
        Optional<String> revoked;
        synchronized (lock) {
            revoked = Optional.ofNullable(leader).map(ManualLeaderElector::identity);
            if (leader != null) {
                stepDownLocked();
                announceLocked(null);
            }
        }
        dispatcher.drain();
        return revoked;
    }

    /** The identity of the current leader, if any. */
    public Optional<String> leader() {
        synchronized (lock) {
            return Optional.ofNullable(leader).map(ManualLeaderElector::identity);
        }
    }

    /** The epoch of the newest term handed out (0 before the first). */
    public long lastEpoch() {
        synchronized (lock) {
            return epochCounter;
        }
    }

    /** Identities of the started, not closed candidates, in start order. */
    public List<String> contenders() {
        synchronized (lock) {
            return contenders.stream().map(ManualLeaderElector::identity).toList();
        }
    }

    // ---------------------------------------------------------------- called by ManualLeaderElector under lock

    void started(ManualLeaderElector candidate) {
        contenders.add(candidate);
        if (leader != null) {
            ManualLeaderElector l = leader;
            candidate.enqueueNewLeader(l.identity());
        } else if (autoElect) {
            electLocked(candidate);
        }
    }

    void closed(ManualLeaderElector candidate) {
        contenders.remove(candidate);
        if (leader == candidate) {
            stepDownLocked();
            if (autoFailover && !contenders.isEmpty()) {
                electLocked(contenders.get(0));
            } else {
                announceLocked(null);
            }
        }
    }

    /** The leader gives up its term (see the class comment); {@code false} when it does not lead. */
    boolean relinquished(ManualLeaderElector candidate) {
        if (leader != candidate) {
            return false;
        }
        stepDownLocked();
        contenders.remove(candidate);
        contenders.add(candidate);
        ManualLeaderElector next = null;
        if (autoFailover) {
            next = contenders.stream().filter(c -> c != candidate).findFirst().orElse(null);
        }
        if (next == null && autoElect) {
            next = candidate;
        }
        if (next != null) {
            electLocked(next);
        } else {
            announceLocked(null);
        }
        return true;
    }

    @Nullable ManualLeaderElector leaderLocked() {
        return leader;
    }

    private long electLocked(ManualLeaderElector next) {
        if (leader == next) {
            return next.epochLocked();
        }
        if (leader != null) {
            stepDownLocked();
        }
        long epoch = ++epochCounter;
        leader = next;
        next.becomeLeaderLocked(epoch);
        announceLocked(next.identity());
        return epoch;
    }

    private void stepDownLocked() {
        ManualLeaderElector old = leader;
        leader = null;
        old.stepDownLocked();
    }

    private void announceLocked(@Nullable String identity) {
        for (ManualLeaderElector c : contenders) {
            c.enqueueNewLeader(identity);
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "ManualElection[leader=" + (leader == null ? "none" : leader.identity()) + ", epoch="
                    + epochCounter + ", contenders=" + contenders.size() + "]";
        }
    }
}
