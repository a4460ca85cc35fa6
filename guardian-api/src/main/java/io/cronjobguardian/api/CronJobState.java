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
 * @param missedSlotsFloor slots at or before this instant are never judged as missed (set when the CronJob is
 *                         resumed after a suspension), or {@code null}
 * @param purgeAt          for a deleted CronJob: when its history is to be purged ({@code onCronJobDeletion:
 *                         purge-after-days}), or {@code null} to keep it until normal retention removes it
 */
public record CronJobState(
        CronJobRef ref,
        String uid,
        Instant firstSeenAt,
        @Nullable Instant suspendedSince,
        @Nullable Instant deletedAt,
        @Nullable Instant missedSlotsFloor,
        @Nullable Instant purgeAt) {

    public CronJobState {
        Objects.requireNonNull(ref, "ref must not be null");
        Checks.notBlank(uid, "uid");
        firstSeenAt = Checks.required(firstSeenAt, "firstSeenAt");
        suspendedSince = Checks.millis(suspendedSince);
        deletedAt = Checks.millis(deletedAt);
        missedSlotsFloor = Checks.millis(missedSlotsFloor);
        purgeAt = Checks.millis(purgeAt);
    }

    /** A state without {@code purgeAt}. */
    public CronJobState(CronJobRef ref, String uid, Instant firstSeenAt, @Nullable Instant suspendedSince,
            @Nullable Instant deletedAt, @Nullable Instant missedSlotsFloor) {
        this(ref, uid, firstSeenAt, suspendedSince, deletedAt, missedSlotsFloor, null);
    }

    /** Returns a copy with {@code suspendedSince} replaced. */
    public CronJobState withSuspendedSince(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, value, deletedAt, missedSlotsFloor, purgeAt);
    }

    /** Returns a copy with {@code deletedAt} replaced. */
    public CronJobState withDeletedAt(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, value, missedSlotsFloor, purgeAt);
    }

    /** Returns a copy with {@code missedSlotsFloor} replaced. */
    public CronJobState withMissedSlotsFloor(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, deletedAt, value, purgeAt);
    }

    /** Returns a copy with {@code purgeAt} replaced. */
    public CronJobState withPurgeAt(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, deletedAt, missedSlotsFloor, value);
    }
}
