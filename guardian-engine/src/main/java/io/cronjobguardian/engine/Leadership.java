package io.cronjobguardian.engine;

import io.cronjobguardian.api.Nullable;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who leads, as one replica sees it ({@link Guardian#leadership()}).
 *
 * @param identity       this replica's identity (the elector's, or {@code standalone-<random>} without one)
 * @param leader         whether this replica leads now
 * @param leaderIdentity the identity of the leader this replica last saw, or {@code null} when it does not know
 * @param epoch          the epoch of the term this replica leads, or {@code null} when it does not lead
 */
public record Leadership(String identity, boolean leader, @Nullable String leaderIdentity, @Nullable Long epoch) {

    public Leadership {
        Objects.requireNonNull(identity, "identity");
        if (leader && epoch == null) {
            throw new IllegalArgumentException("a leader has an epoch");
        }
    }

    /** The leader's identity, if known. */
    public Optional<String> knownLeader() {
        return Optional.ofNullable(leaderIdentity);
    }

    /** The epoch of this replica's term, empty on a standby. */
    public OptionalLong currentEpoch() {
        return epoch == null ? OptionalLong.empty() : OptionalLong.of(epoch);
    }
}
