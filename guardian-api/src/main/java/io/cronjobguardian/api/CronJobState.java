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
 * @param schedule         the schedule last seen ({@code spec.schedule}, plus {@code spec.timeZone} when set, as
 *                         {@link #scheduleOf(CronJobSnapshot)} writes it), or {@code null} when not known yet (a
 *                         state written before this field existed)
 * @param scheduleChangedAt when the engine first saw the current schedule differ from the one before it (the
 *                         controller schedules a new expression from the change on: no slot at or before this instant
 *                         is judged as missed), or {@code null} when no change was seen
 */
public record CronJobState(
        CronJobRef ref,
        String uid,
        Instant firstSeenAt,
        @Nullable Instant suspendedSince,
        @Nullable Instant deletedAt,
        @Nullable Instant missedSlotsFloor,
        @Nullable Instant purgeAt,
        @Nullable String schedule,
        @Nullable Instant scheduleChangedAt) {

    /** Longest {@link #schedule()} a store must keep (longer schedules are kept as a digest). */
    public static final int MAX_SCHEDULE_LENGTH = 1024;

    public CronJobState {
        Objects.requireNonNull(ref, "ref must not be null");
        Checks.notBlank(uid, "uid");
        firstSeenAt = Checks.required(firstSeenAt, "firstSeenAt");
        suspendedSince = Checks.millis(suspendedSince);
        deletedAt = Checks.millis(deletedAt);
        missedSlotsFloor = Checks.millis(missedSlotsFloor);
        purgeAt = Checks.millis(purgeAt);
        if (schedule != null && schedule.isBlank()) {
            schedule = null;
        }
        if (schedule != null && schedule.length() > MAX_SCHEDULE_LENGTH) {
            throw new IllegalArgumentException("schedule must be at most " + MAX_SCHEDULE_LENGTH
                    + " characters (see scheduleOf), was " + schedule.length());
        }
        scheduleChangedAt = Checks.millis(scheduleChangedAt);
    }

    /** A state without the schedule fields. */
    public CronJobState(CronJobRef ref, String uid, Instant firstSeenAt, @Nullable Instant suspendedSince,
            @Nullable Instant deletedAt, @Nullable Instant missedSlotsFloor, @Nullable Instant purgeAt) {
        this(ref, uid, firstSeenAt, suspendedSince, deletedAt, missedSlotsFloor, purgeAt, null, null);
    }

    /** A state without {@code purgeAt}. */
    public CronJobState(CronJobRef ref, String uid, Instant firstSeenAt, @Nullable Instant suspendedSince,
            @Nullable Instant deletedAt, @Nullable Instant missedSlotsFloor) {
        this(ref, uid, firstSeenAt, suspendedSince, deletedAt, missedSlotsFloor, null, null, null);
    }

    /** Returns a copy with {@code suspendedSince} replaced. */
    public CronJobState withSuspendedSince(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, value, deletedAt, missedSlotsFloor, purgeAt, schedule,
                scheduleChangedAt);
    }

    /** Returns a copy with {@code deletedAt} replaced. */
    public CronJobState withDeletedAt(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, value, missedSlotsFloor, purgeAt, schedule,
                scheduleChangedAt);
    }

    /** Returns a copy with {@code missedSlotsFloor} replaced. */
    public CronJobState withMissedSlotsFloor(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, deletedAt, value, purgeAt, schedule,
                scheduleChangedAt);
    }

    /** Returns a copy with {@code purgeAt} replaced. */
    public CronJobState withPurgeAt(@Nullable Instant value) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, deletedAt, missedSlotsFloor, value, schedule,
                scheduleChangedAt);
    }

    /**
     * Returns a copy with {@code schedule} and {@code scheduleChangedAt} replaced.
     *
     * @param value     the schedule as {@link #scheduleOf(CronJobSnapshot)} writes it
     * @param changedAt when the change to it was first seen, or {@code null}
     */
    public CronJobState withSchedule(@Nullable String value, @Nullable Instant changedAt) {
        return new CronJobState(ref, uid, firstSeenAt, suspendedSince, deletedAt, missedSlotsFloor, purgeAt, value,
                changedAt);
    }

    /**
     * The form of a CronJob's schedule kept in {@link #schedule()}: {@code spec.schedule}, followed by
     * {@code " TZ=<spec.timeZone>"} when the time zone is set. Two CronJobs have the same slots exactly when they
     * have the same form (a {@code CRON_TZ=} prefix is part of {@code spec.schedule}). A form longer than
     * {@link #MAX_SCHEDULE_LENGTH} is replaced by {@code sha256:<hex>} of it.
     */
    public static String scheduleOf(CronJobSnapshot cronJob) {
        String form = cronJob.timeZone() == null ? cronJob.schedule()
                : cronJob.schedule() + " TZ=" + cronJob.timeZone();
        if (form.length() <= MAX_SCHEDULE_LENGTH) {
            return form;
        }
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(form.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("sha256:");
            for (byte b : d) {
                hex.append(String.format(java.util.Locale.ROOT, "%02x", b));
            }
            return hex.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
