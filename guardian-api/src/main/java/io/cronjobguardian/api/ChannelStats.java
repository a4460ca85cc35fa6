package io.cronjobguardian.api;

import java.time.Instant;

/**
 * Delivery statistics of one alert channel, persisted so that they survive restarts and failovers.
 *
 * @param channel             channel name
 * @param sent                notifications delivered
 * @param failed              delivery attempts that failed
 * @param consecutiveFailures failed attempts since the last success
 * @param lastSentAt          time of the last success, or {@code null}
 * @param lastFailureAt       time of the last failure, or {@code null}
 * @param lastError           error of the last failure (never contains secrets), or {@code null}
 */
public record ChannelStats(
        String channel,
        long sent,
        long failed,
        int consecutiveFailures,
        @Nullable Instant lastSentAt,
        @Nullable Instant lastFailureAt,
        @Nullable String lastError) {

    public ChannelStats {
        Checks.notBlank(channel, "channel");
        Checks.nonNegative(sent, "sent");
        Checks.nonNegative(failed, "failed");
        Checks.nonNegative(consecutiveFailures, "consecutiveFailures");
        lastSentAt = Checks.millis(lastSentAt);
        lastFailureAt = Checks.millis(lastFailureAt);
    }

    /** Statistics of a channel that has not sent anything. */
    public static ChannelStats empty(String channel) {
        return new ChannelStats(channel, 0, 0, 0, null, null, null);
    }
}
