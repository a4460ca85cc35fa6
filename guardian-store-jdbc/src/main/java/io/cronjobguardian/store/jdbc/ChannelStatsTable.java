package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.inline;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.store.jdbc.Tables.ChannelStatsT;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-channel delivery counts ({@code guardian_channel_stats}): sent, failed, consecutive failures, the last error.
 * Recorded by whoever sent, as a completion (serialised with the writes, not fenced).
 */
final class ChannelStatsTable {

    private final Transactions tx;

    ChannelStatsTable(Transactions tx) {
        this.tx = tx;
    }

    void recordChannelResult(String channel, boolean success, Instant at, @Nullable String given) {
        String error = StoredText.clean(given);
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(at, "at");
        if (channel.isBlank()) {
            throw new IllegalArgumentException("channel must not be blank");
        }
        long t = at.toEpochMilli();
        tx.completion("recordChannelResult", ctx -> {
            boolean exists = ctx.fetchExists(ChannelStatsT.T, ChannelStatsT.CHANNEL.eq(channel));
            if (!exists) {
                ctx.insertInto(ChannelStatsT.T, ChannelStatsT.ALL).values(channel, success ? 1L : 0L,
                        success ? 0L : 1L, success ? 0 : 1, success ? t : null, success ? null : t,
                        success ? null : error).execute();
            } else if (success) {
                ctx.update(ChannelStatsT.T)
                        .set(ChannelStatsT.SENT, ChannelStatsT.SENT.plus(inline(1L)))
                        .set(ChannelStatsT.CONSECUTIVE_FAILURES, 0)
                        .set(ChannelStatsT.LAST_SENT_AT, t)
                        .where(ChannelStatsT.CHANNEL.eq(channel)).execute();
            } else {
                ctx.update(ChannelStatsT.T)
                        .set(ChannelStatsT.FAILED, ChannelStatsT.FAILED.plus(inline(1L)))
                        .set(ChannelStatsT.CONSECUTIVE_FAILURES, ChannelStatsT.CONSECUTIVE_FAILURES.plus(inline(1)))
                        .set(ChannelStatsT.LAST_FAILURE_AT, t)
                        .set(ChannelStatsT.LAST_ERROR, error)
                        .where(ChannelStatsT.CHANNEL.eq(channel)).execute();
            }
            return null;
        });
    }

    Map<String, ChannelStats> channelStats() {
        return tx.read("channelStats", ctx -> {
            Map<String, ChannelStats> out = new LinkedHashMap<>();
            ctx.select(ChannelStatsT.ALL).from(ChannelStatsT.T).orderBy(ChannelStatsT.CHANNEL)
                    .forEach(r -> out.put(r.get(ChannelStatsT.CHANNEL), Mapping.channelStats(r)));
            return out;
        });
    }
}
