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

    /** Stops contending and releases leadership. Idempotent. */
    @Override
    void close();
}
