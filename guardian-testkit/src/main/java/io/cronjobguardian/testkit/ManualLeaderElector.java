package io.cronjobguardian.testkit;

import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.LeadershipListener;
import io.cronjobguardian.api.Nullable;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A {@link LeaderElector} whose leadership is granted and revoked by its {@link ManualElection}; create it with
 * {@link ManualElection#candidate(String)}. Single use like a real elector: {@link #start} once, then
 * {@link #close()} (which releases leadership and, with auto-failover, hands it to a standby).
 * {@link #relinquish(long)} gives up the current term and keeps contending.
 */
public final class ManualLeaderElector implements LeaderElector {

    private final ManualElection election;
    private final String identity;
    private @Nullable LeadershipListener listener;
    private boolean started;
    private boolean closed;
    private boolean leading;
    private long epoch;
    private @Nullable String lastSeenLeader;

    ManualLeaderElector(ManualElection election, String identity) {
        this.election = Objects.requireNonNull(election, "election");
        this.identity = Objects.requireNonNull(identity, "identity");
        if (identity.isBlank()) {
            throw new IllegalArgumentException("identity must not be blank");
        }
    }

    @Override
    public void start(LeadershipListener leadershipListener) {
        Objects.requireNonNull(leadershipListener, "listener");
        synchronized (election.lock) {
            if (closed) {
                throw new IllegalStateException("elector " + identity + " is closed");
            }
            if (started) {
                throw new IllegalStateException("elector " + identity + " already started");
            }
            started = true;
            listener = leadershipListener;
            election.started(this);
        }
        election.dispatcher.drain();
    }

    @Override
    public boolean isLeader() {
        synchronized (election.lock) {
            return leading;
        }
    }

    @Override
    public OptionalLong currentEpoch() {
        synchronized (election.lock) {
            return leading ? OptionalLong.of(epoch) : OptionalLong.empty();
        }
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public Optional<String> currentLeader() {
        synchronized (election.lock) {
            if (!started || closed) {
                ManualLeaderElector l = election.leaderLocked();
                return Optional.ofNullable(l).map(ManualLeaderElector::identity);
            }
            return Optional.ofNullable(lastSeenLeader);
        }
    }

    /**
     * Gives up the term with this epoch if this candidate leads it; see
     * {@link ManualElection} for who leads next.
     */
    @Override
    public boolean relinquish(long termEpoch) {
        boolean done;
        synchronized (election.lock) {
            done = started && !closed && leading && epoch == termEpoch && election.relinquished(this);
        }
        election.dispatcher.drain();
        return done;
    }

    /** {@code true} once started. */
    public boolean isStarted() {
        synchronized (election.lock) {
            return started;
        }
    }

    /** {@code true} once closed. */
    public boolean isClosed() {
        synchronized (election.lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        synchronized (election.lock) {
            if (closed) {
                return;
            }
            closed = true;
            if (started) {
                election.closed(this);
            }
        }
        election.dispatcher.drain();
    }

    // ---------------------------------------------------------------- called by ManualElection under its lock

    long epochLocked() {
        return epoch;
    }

    void becomeLeaderLocked(long newEpoch) {
        leading = true;
        epoch = newEpoch;
        LeadershipListener l = listener;
        election.dispatcher.enqueue(() -> l.onStartedLeading(newEpoch));
    }

    void stepDownLocked() {
        leading = false;
        LeadershipListener l = listener;
        election.dispatcher.enqueue(l::onStoppedLeading);
    }

    void enqueueNewLeader(@Nullable String leaderIdentity) {
        lastSeenLeader = leaderIdentity;
        LeadershipListener l = listener;
        election.dispatcher.enqueue(() -> l.onNewLeader(leaderIdentity));
    }

    @Override
    public String toString() {
        synchronized (election.lock) {
            return "ManualLeaderElector[" + identity + (leading ? ", leading epoch " + epoch : "")
                    + (closed ? ", closed" : "") + "]";
        }
    }
}
