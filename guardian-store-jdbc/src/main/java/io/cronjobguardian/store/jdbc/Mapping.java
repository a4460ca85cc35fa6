package io.cronjobguardian.store.jdbc;

import static io.cronjobguardian.store.jdbc.Sql.instant;
import static io.cronjobguardian.store.jdbc.Sql.millis;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.store.jdbc.Tables.ChannelStatsT;
import io.cronjobguardian.store.jdbc.Tables.CronJobStates;
import io.cronjobguardian.store.jdbc.Tables.Details;
import io.cronjobguardian.store.jdbc.Tables.Executions;
import io.cronjobguardian.store.jdbc.Tables.Incidents;
import io.cronjobguardian.store.jdbc.Tables.Notifications;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Record;

/** Converts between the API's records and table rows. */
final class Mapping {

    private Mapping() {
    }

    // ---------------------------------------------------------------- executions

    /** Column values in the order of {@link Executions#ALL}. */
    static List<Object> executionRow(Execution e) {
        JobSnapshot j = e.job();
        Termination t = j.lastTermination();
        Duration d = j.duration();
        return Arrays.asList(j.uid(), j.namespace(), e.cronJob().name(), j.name(), j.ownerUid(),
                millis(j.scheduledTime()), j.manual(), millis(j.createdAt()), millis(j.startedAt()),
                millis(j.finishedAt()), j.effectiveStart().toEpochMilli(), d == null ? null : d.toMillis(),
                j.state().name(), j.attempts(), j.conditionReason(), j.conditionMessage(), t != null,
                t == null ? null : t.container(), t == null ? null : t.exitCode(), t == null ? null : t.reason(),
                t == null ? null : t.signal(), t == null ? null : t.message(),
                DurationBuckets.period(j.effectiveStart().toEpochMilli()),
                d == null ? null : DurationBuckets.bucket(d.toMillis()));
    }

    /** Column values in the order of {@link Details#ALL}. */
    static List<Object> detailsRow(Execution e) {
        return Arrays.asList(e.jobUid(), e.logTail(), events(e.events()), e.suggestedFix());
    }

    static String events(List<String> events) {
        return events.isEmpty() ? null : Json.write(events);
    }

    /** An execution from a row of {@link Executions}, with details when the row has the {@link Details} columns. */
    static Execution execution(Record r, boolean withDetails) {
        Termination t = Boolean.TRUE.equals(r.get(Executions.TERM_PRESENT))
                ? new Termination(r.get(Executions.TERM_CONTAINER), r.get(Executions.TERM_EXIT_CODE),
                        r.get(Executions.TERM_REASON), r.get(Executions.TERM_SIGNAL), r.get(Executions.TERM_MESSAGE))
                : null;
        String ns = r.get(Executions.NAMESPACE);
        JobSnapshot job = new JobSnapshot(ns, r.get(Executions.JOB_NAME), r.get(Executions.JOB_UID),
                CronJobRef.of(ns, r.get(Executions.CRONJOB_NAME)), r.get(Executions.CRONJOB_UID),
                instant(r.get(Executions.SCHEDULED_AT)), Boolean.TRUE.equals(r.get(Executions.MANUAL)),
                instant(r.get(Executions.CREATED_AT)), instant(r.get(Executions.STARTED_AT)),
                instant(r.get(Executions.FINISHED_AT)), JobState.valueOf(r.get(Executions.STATE)),
                r.get(Executions.ATTEMPTS), r.get(Executions.CONDITION_REASON), r.get(Executions.CONDITION_MESSAGE), t);
        if (!withDetails) {
            return Execution.of(job);
        }
        return new Execution(job, r.get(Details.LOG_TAIL), Json.readStringList(r.get(Details.EVENTS)),
                r.get(Details.SUGGESTED_FIX));
    }

    // ---------------------------------------------------------------- incidents

    /** A fixed-length, unambiguous digest of an incident key: the {@code open_key} while the incident is open. */
    static String openKey(IncidentKey key) {
        String s = part(key.monitor()) + part(key.cronJob().namespace()) + part(key.cronJob().name())
                + part(key.type().name()) + part(key.subject());
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String part(String s) {
        return s.length() + ":" + s + "|";
    }

    static Incident incident(Record r) {
        IncidentKey key = new IncidentKey(r.get(Incidents.MONITOR),
                CronJobRef.of(r.get(Incidents.NAMESPACE), r.get(Incidents.CRONJOB_NAME)),
                AlertType.valueOf(r.get(Incidents.ALERT_TYPE)), r.get(Incidents.SUBJECT));
        return new Incident(Long.toString(r.get(Incidents.ID)), key, Severity.valueOf(r.get(Incidents.SEVERITY)),
                r.get(Incidents.TITLE), r.get(Incidents.MESSAGE), r.get(Incidents.SIGNATURE),
                context(r.get(Incidents.CONTEXT)), instant(r.get(Incidents.OPENED_AT)),
                instant(r.get(Incidents.LAST_NOTIFIED_AT)), r.get(Incidents.NOTIFICATION_COUNT),
                instant(r.get(Incidents.RESOLVED_AT)), r.get(Incidents.VERSION),
                instant(r.get(Incidents.ACKNOWLEDGED_AT)), r.get(Incidents.ACKNOWLEDGED_BY),
                instant(r.get(Incidents.SILENCED_UNTIL)), r.get(Incidents.SILENCED_BY));
    }

    static String context(AlertContext c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("jobName", c.jobName());
        m.put("exitCode", c.exitCode());
        m.put("reason", c.reason());
        m.put("message", c.message());
        m.put("logTail", c.logTail());
        m.put("events", new ArrayList<Object>(c.events()));
        m.put("podStatus", c.podStatus());
        m.put("suggestedFix", c.suggestedFix());
        m.put("successRate", c.successRate());
        m.put("lastDuration", c.lastDuration() == null ? null : c.lastDuration().toString());
        m.put("attributes", new TreeMap<String, Object>(c.attributes())); // key order: the same text in every JVM
        return Json.write(m);
    }

    @SuppressWarnings("unchecked")
    static AlertContext context(String json) {
        if (json == null || json.isEmpty()) {
            return AlertContext.EMPTY;
        }
        Map<String, Object> m = (Map<String, Object>) Json.read(json);
        List<String> events = new ArrayList<>();
        for (Object o : (List<Object>) m.getOrDefault("events", List.of())) {
            events.add((String) o);
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        ((Map<String, Object>) m.getOrDefault("attributes", Map.of())).forEach((k, v) -> attributes.put(k,
                (String) v));
        Object exit = m.get("exitCode");
        Object last = m.get("lastDuration");
        return new AlertContext((String) m.get("jobName"), exit == null ? null : ((Number) exit).intValue(),
                (String) m.get("reason"), (String) m.get("message"), (String) m.get("logTail"), events,
                (String) m.get("podStatus"), (String) m.get("suggestedFix"), Json.asDouble(m.get("successRate")),
                last == null ? null : Duration.parse((String) last), attributes);
    }

    // ---------------------------------------------------------------- notifications, channels, states

    static Notification notification(Record r) {
        return new Notification(r.get(Notifications.ID), r.get(Notifications.INCIDENT_ID),
                r.get(Notifications.CHANNEL), NotificationKind.valueOf(r.get(Notifications.KIND)),
                r.get(Notifications.SEQ), NotificationStatus.valueOf(r.get(Notifications.STATUS)),
                r.get(Notifications.ATTEMPTS), instant(r.get(Notifications.DUE_AT)), r.get(Notifications.CLAIMED_BY),
                instant(r.get(Notifications.CLAIM_EXPIRES_AT)), r.get(Notifications.LAST_ERROR),
                instant(r.get(Notifications.CREATED_AT)), instant(r.get(Notifications.SENT_AT)));
    }

    static ChannelStats channelStats(Record r) {
        return new ChannelStats(r.get(ChannelStatsT.CHANNEL), r.get(ChannelStatsT.SENT), r.get(ChannelStatsT.FAILED),
                r.get(ChannelStatsT.CONSECUTIVE_FAILURES), instant(r.get(ChannelStatsT.LAST_SENT_AT)),
                instant(r.get(ChannelStatsT.LAST_FAILURE_AT)), r.get(ChannelStatsT.LAST_ERROR));
    }

    static CronJobState cronJobState(Record r) {
        return new CronJobState(CronJobRef.of(r.get(CronJobStates.NAMESPACE), r.get(CronJobStates.CRONJOB_NAME)),
                r.get(CronJobStates.UID), instant(r.get(CronJobStates.FIRST_SEEN_AT)),
                instant(r.get(CronJobStates.SUSPENDED_SINCE)), instant(r.get(CronJobStates.DELETED_AT)),
                instant(r.get(CronJobStates.MISSED_SLOTS_FLOOR)), instant(r.get(CronJobStates.PURGE_AT)),
                r.get(CronJobStates.SCHEDULE), instant(r.get(CronJobStates.SCHEDULE_CHANGED_AT)));
    }
}
