package io.cronjobguardian.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the watcher saw of one CronJob at one moment.
 *
 * @param ref                     namespace and name
 * @param uid                     the object's UID; changes when the CronJob is deleted and recreated
 * @param labels                  the CronJob's labels (never {@code null})
 * @param schedule                {@code spec.schedule}, as written (may carry a {@code CRON_TZ=} prefix)
 * @param timeZone                {@code spec.timeZone} (an IANA zone id) or {@code null} when unset
 * @param suspended               {@code spec.suspend}
 * @param startingDeadlineSeconds {@code spec.startingDeadlineSeconds} or {@code null} when unset
 * @param concurrencyPolicy       {@code spec.concurrencyPolicy}
 * @param creationTime            {@code metadata.creationTimestamp}
 * @param lastScheduleTime        {@code status.lastScheduleTime} or {@code null}
 * @param lastSuccessfulTime      {@code status.lastSuccessfulTime} or {@code null}
 * @param activeJobNames          names of the Jobs in {@code status.active} (never {@code null})
 */
public record CronJobSnapshot(
        CronJobRef ref,
        String uid,
        Map<String, String> labels,
        String schedule,
        @Nullable String timeZone,
        boolean suspended,
        @Nullable Long startingDeadlineSeconds,
        ConcurrencyPolicy concurrencyPolicy,
        Instant creationTime,
        @Nullable Instant lastScheduleTime,
        @Nullable Instant lastSuccessfulTime,
        List<String> activeJobNames) {

    public CronJobSnapshot {
        Objects.requireNonNull(ref, "ref must not be null");
        Checks.notBlank(uid, "uid");
        labels = Checks.map(labels, "labels");
        Checks.notBlank(schedule, "schedule");
        if (timeZone != null && timeZone.isBlank()) {
            timeZone = null;
        }
        if (startingDeadlineSeconds != null && startingDeadlineSeconds < 0) {
            throw new IllegalArgumentException("startingDeadlineSeconds must be >= 0, was " + startingDeadlineSeconds);
        }
        concurrencyPolicy = concurrencyPolicy == null ? ConcurrencyPolicy.ALLOW : concurrencyPolicy;
        creationTime = Checks.required(creationTime, "creationTime");
        lastScheduleTime = Checks.millis(lastScheduleTime);
        lastSuccessfulTime = Checks.millis(lastSuccessfulTime);
        activeJobNames = Checks.list(activeJobNames, "activeJobNames");
    }

    /** Returns a copy with {@code suspended} replaced. */
    public CronJobSnapshot withSuspended(boolean value) {
        return new CronJobSnapshot(ref, uid, labels, schedule, timeZone, value, startingDeadlineSeconds,
                concurrencyPolicy, creationTime, lastScheduleTime, lastSuccessfulTime, activeJobNames);
    }

    /** Returns a copy with {@code lastScheduleTime} replaced. */
    public CronJobSnapshot withLastScheduleTime(@Nullable Instant value) {
        return new CronJobSnapshot(ref, uid, labels, schedule, timeZone, suspended, startingDeadlineSeconds,
                concurrencyPolicy, creationTime, value, lastSuccessfulTime, activeJobNames);
    }
}
