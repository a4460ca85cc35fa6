package io.cronjobguardian.examples.simulator;

import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A CronJob the {@link ClusterSimulator} creates and runs.
 *
 * @param namespace          its namespace
 * @param name               its name
 * @param schedule           {@code spec.schedule} (Kubernetes syntax)
 * @param timeZone           {@code spec.timeZone} (IANA), or {@code null} for the controller's zone (UTC)
 * @param behaviour          what its Jobs do
 * @param labels             extra labels (besides {@code app=<name>})
 * @param forbidConcurrent   {@code concurrencyPolicy: Forbid} (a slot is skipped while a Job runs) instead of Allow
 * @param successfulJobsHistoryLimit finished successful Jobs kept (Kubernetes default 3); older ones are deleted
 * @param failedJobsHistoryLimit     finished failed Jobs kept (Kubernetes default 1)
 */
public record SimulatedCronJob(String namespace, String name, String schedule, String timeZone, Behaviour behaviour,
        Map<String, String> labels, boolean forbidConcurrent, int successfulJobsHistoryLimit,
        int failedJobsHistoryLimit) {

    public SimulatedCronJob {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(behaviour, "behaviour");
        if (name.length() > 52) {
            throw new IllegalArgumentException("a CronJob name has at most 52 characters, was " + name);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        if (successfulJobsHistoryLimit < 0 || failedJobsHistoryLimit < 0) {
            throw new IllegalArgumentException("history limits must not be negative");
        }
        // fail early, with the schedule's own message, on what Kubernetes would refuse
        CronSchedule.parse(schedule, zone(timeZone));
    }

    /** A CronJob in the controller's zone with Kubernetes' default history limits. */
    public static SimulatedCronJob of(String namespace, String name, String schedule, Behaviour behaviour) {
        return new SimulatedCronJob(namespace, name, schedule, null, behaviour, Map.of(), false, 3, 1);
    }

    /** {@code namespace/name}. */
    public String key() {
        return namespace + "/" + name;
    }

    /** A copy with {@code spec.timeZone}. */
    public SimulatedCronJob withTimeZone(String zone) {
        return new SimulatedCronJob(namespace, name, schedule, zone, behaviour, labels, forbidConcurrent,
                successfulJobsHistoryLimit, failedJobsHistoryLimit);
    }

    /** A copy with one more label. */
    public SimulatedCronJob withLabel(String key, String value) {
        Map<String, String> l = new LinkedHashMap<>(labels);
        l.put(key, value);
        return new SimulatedCronJob(namespace, name, schedule, timeZone, behaviour, l, forbidConcurrent,
                successfulJobsHistoryLimit, failedJobsHistoryLimit);
    }

    /** A copy with {@code concurrencyPolicy: Forbid}. */
    public SimulatedCronJob withForbidConcurrent() {
        return new SimulatedCronJob(namespace, name, schedule, timeZone, behaviour, labels, true,
                successfulJobsHistoryLimit, failedJobsHistoryLimit);
    }

    /** A copy with other history limits. */
    public SimulatedCronJob withHistoryLimits(int successful, int failed) {
        return new SimulatedCronJob(namespace, name, schedule, timeZone, behaviour, labels, forbidConcurrent,
                successful, failed);
    }

    /** The schedule in its zone. */
    public CronSchedule cronSchedule() {
        return CronSchedule.parse(schedule, zone(timeZone));
    }

    private static ZoneId zone(String timeZone) {
        if (timeZone == null || timeZone.isBlank()) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(timeZone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone \"" + timeZone + "\"", e);
        }
    }
}
