package io.cronjobguardian.api;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Elects one leader among replicas.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Safety: at no instant do two electors sharing a lock believe they lead (given the timing assumptions the
 *       implementation documents; a leader that cannot renew steps down before another can acquire).</li>
 *   <li>Epochs strictly increase across all replicas; a new term never reuses an epoch.</li>
 *   <li>After losing leadership the elector keeps contending by itself until {@link #close()}.</li>
 *   <li>{@link #relinquish(long)} gives up the current term (releasing the lock so that a standby can take over)
 *       and contends again later, giving the standbys the first chance.</li>
 *   <li>{@link #close()} stops contending and releases leadership (calling {@code onStoppedLeading} if leading) so
 *       that a standby can take over at once; idempotent.</li>
 * </ul>
 * Implementations register a {@link LeaderElectorProvider}; {@code guardian-testkit}'s
 * {@code LeaderElectorContract} checks the contract.
 */
public interface LeaderElector extends AutoCloseable {

    /**
     * Starts contending; returns at once.
     *
     * @throws IllegalStateException when already started or closed
     */
    void start(LeadershipListener listener);

    /** {@code true} while this replica leads. */
    boolean isLeader();

    /** The epoch of the current term while leading, else empty. */
    OptionalLong currentEpoch();

    /** This replica's identity. */
    String identity();

    /** The identity of the leader as last seen, if any. */
    Optional<String> currentLeader();

    /**
     * Gives up the term with this epoch if this replica still leads it: stops leading at once
     * ({@link #isLeader()} turns {@code false}, {@code onStoppedLeading} is delivered), releases the lock (in the
     * background, after the listener's {@code onStoppedLeading} returned) so that a standby can acquire it at its
     * next attempt, and contends again later, after a pause long enough for a contending standby to win (for
     * example one lease duration). A lone replica therefore leads again, in a new term, after that pause. The
     * engine calls this when it cannot act as leader: its store writes keep failing, or the store fenced it.
     *
     * <p>Returns at once. Nothing happens when this replica does not lead, leads another term (the request is
     * stale), is not started or is closed. The default does nothing and returns {@code false}: an elector that
     * cannot yield keeps leadership until it loses it otherwise; implementations should override it.
     *
     * @param epoch the epoch of the term to give up (as passed to {@code onStartedLeading})
     * @return {@code true} when this call ended that term
     */
    default boolean relinquish(long epoch) {
        return false;
    }

    /** Stops contending and releases leadership. Idempotent. */
    @Override
    void close();
}
