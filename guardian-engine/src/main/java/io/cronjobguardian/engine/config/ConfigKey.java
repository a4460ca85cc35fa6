package io.cronjobguardian.engine.config;

import io.cronjobguardian.api.Nullable;
import java.util.Objects;

/**
 * Documentation of one configuration key that {@link GuardianConfig} knows and validates.
 *
 * @param key                 the key in its canonical spelling, e.g. {@code leaderElection.leaseDuration}
 * @param defaultValue        the default as text, or {@code null} when the key has none (unset means "not
 *                            configured" or "chosen automatically", see {@code description})
 * @param accepted            what values are accepted, e.g. {@code 1s to 5m, greater than renewDeadline}
 * @param description         what the key does
 * @param secret              {@code true} when the value is never printed
 * @param environmentVariable the environment variable that sets it, e.g.
 *                            {@code GUARDIAN_LEADER_ELECTION_LEASE_DURATION}
 */
public record ConfigKey(String key, @Nullable String defaultValue, String accepted, String description,
        boolean secret, String environmentVariable) {

    public ConfigKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(accepted, "accepted");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(environmentVariable, "environmentVariable");
    }
}
