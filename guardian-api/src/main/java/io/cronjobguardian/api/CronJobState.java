package io.cronjobguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * What the engine must remember about a CronJob across restarts and failovers.
 *
 * @param ref              the CronJob
 * @param uid              UID of the incarnation last seen (a different UID means it was recreated)
 * @param firstSeenAt      when the engine first saw this incarnation
 * @param suspendedSince   since when it has been suspended, or {@code null} when not suspended
 * @param deletedAt        when the CronJob was seen deleted, or {@code null} while it exists
 * @param missedSlotsFloor the latest schedule slot already judged (met or missed); slots at or before it are not
 *                         counted again; {@code null} before the first judgement
 */
public record CronJobState(
        CronJobRef ref,
        String uid,
        Instant firstSeenAt,
        @Nullable Instant suspendedSince,
        @Nullable Instant deletedAt,
        @Nullable Instant missedSlotsFloor) {

    public CronJobState {
        Objects.requireNonNull(ref, "ref must not be null");
        Checks.notBlank(uid, "uid");
        firstSeenAt = Checks.required(firstSeenAt, "firstSeenAt");
        suspendedSince = Checks.millis(suspendedSince);
        deletedAt = Checks.millis(deletedAt);
        missedSlotsFloor = Checks.millis(missedSlotsFloor);
    }

    /** Returns a copy with {@code suspendedSince} replaced. */
    public CronJobState withSuspendedSince(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, value, deletedAt, missedSlotsFloor);
    }

    /** Returns a copy with {@code deletedAt} replaced. */
    public CronJobState withDeletedAt(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, value, missedSlotsFloor);
    }

    /** Returns a copy with {@code missedSlotsFloor} replaced. */
    public CronJobState withMissedSlotsFloor(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, deletedAt, value);
    }
}
