package io.cronjobguardian.api;

/**
 * Receives leadership changes from a {@link LeaderElector}. Callbacks for one elector are never concurrent and
 * arrive in order: {@link #onStartedLeading} and {@link #onStoppedLeading} alternate, starting with
 * {@code onStartedLeading}. A callback must not block for long; an exception is logged and ignored.
 */
public interface LeadershipListener {

    /**
     * This replica is now the leader.
     *
     * @param epoch the leadership term, strictly greater than every epoch handed out before by any replica
     */
    void onStartedLeading(long epoch);

    /** This replica is no longer the leader (lost, released, or the elector was closed). */
    void onStoppedLeading();

    /**
     * The leader's identity changed, as seen by this replica.
     *
     * @param identity the new leader's identity, or {@code null} when no one holds leadership
     */
    void onNewLeader(@Nullable String identity);
}
