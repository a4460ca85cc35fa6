package io.cronjobguardian.engine;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Severity;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * One alert channel as configured, with its delivery statistics and the result of its last test on save; what
 * {@link Guardian#channelStatuses()} lists. Read from the store, so every replica shows the leader's results.
 *
 * @param name        the channel's name ({@code channels.<name>})
 * @param type        the channel type ({@code slack}, {@code webhook}, ...)
 * @param description {@code channels.<name>.description}, or {@code null} when not set
 * @param enabled     {@code channels.<name>.enabled}: {@code false} = nothing is queued for it
 * @param severities  {@code channels.<name>.severities}: the severities it takes; empty = all
 * @param testOnSave  {@code channels.<name>.testOnSave}: a test is sent once per configuration
 * @param stats       delivery statistics (tests included)
 * @param lastTest    the test of the configuration in force, or {@code null} when none was sent (testOnSave is off,
 *                    the channel is disabled, or no leader has sent it yet)
 */
public record ChannelStatus(String name, String type, @Nullable String description, boolean enabled,
        Set<Severity> severities, boolean testOnSave, ChannelStats stats, @Nullable TestResult lastTest) {

    public ChannelStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        severities = Set.copyOf(severities);
        Objects.requireNonNull(stats, "stats");
    }

    /** The state of a test on save. */
    public enum TestStatus {
        /** Queued, not yet sent (no leader yet, or waiting for the rate limit). */
        PENDING,
        /** Delivered. */
        OK,
        /** Delivery failed; tests are not retried ({@link TestResult#error()} says why). */
        FAILED
    }

    /**
     * The test of one channel configuration.
     *
     * @param fingerprint the configuration's fingerprint (a SHA-256 over the channel's settings, every value hashed
     *                    on its own; {@code description} left out)
     * @param status      pending, delivered or failed
     * @param at          when it was delivered; for a failure or a pending test when it was due (a test is sent
     *                    as soon as it is due)
     * @param error       why it failed (never a secret), or {@code null}
     */
    public record TestResult(String fingerprint, TestStatus status, Instant at, @Nullable String error) {

        public TestResult {
            Objects.requireNonNull(fingerprint, "fingerprint");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(at, "at");
        }
    }
}
