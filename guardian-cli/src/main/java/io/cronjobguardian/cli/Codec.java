package io.cronjobguardian.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The export format's records: one JSON object per line, written with jackson-core's streaming generator and read
 * with its parser (no databind). Absent fields are {@code null}; instants are ISO-8601 UTC strings with milliseconds.
 */
final class Codec {

    static final JsonFactory FACTORY = new JsonFactoryBuilder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    static final String T_HEADER = "header";
    static final String T_CRONJOB = "cronjob";
    static final String T_CHANNEL = "channel";
    static final String T_RUN = "run";
    static final String T_INCIDENT = "incident";
    static final String T_NOTIFICATION = "notification";
    static final String T_END = "end";

    private Codec() {
    }

    // ================================================================= writing

    /** Writes one record per call as one line. */
    static final class LineWriter implements AutoCloseable {
        private final Writer out;
        private final JsonGenerator g;

        LineWriter(Writer out) throws IOException {
            this.out = out;
            this.g = FACTORY.createGenerator(out);
            this.g.setRootValueSeparator(null);
        }

        JsonGenerator begin(String type) throws IOException {
            g.writeStartObject();
            g.writeStringField("type", type);
            return g;
        }

        void end() throws IOException {
            g.writeEndObject();
            g.flush();
            out.write('\n');
        }

        void flush() throws IOException {
            g.flush();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            g.close();
            out.flush();
        }
    }

    static void str(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    static void time(JsonGenerator g, String name, Instant value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value.toString());
        }
    }

    static void num(JsonGenerator g, String name, Number value) throws IOException {
        if (value != null) {
            g.writeNumberField(name, value.longValue());
        }
    }

    static void writeRun(LineWriter w, Execution e) throws IOException {
        JobSnapshot j = e.job();
        JsonGenerator g = w.begin(T_RUN);
        g.writeStringField("uid", j.uid());
        g.writeStringField("namespace", j.namespace());
        g.writeStringField("cronJob", e.cronJob().name());
        g.writeStringField("job", j.name());
        str(g, "cronJobUid", j.ownerUid());
        time(g, "scheduledAt", j.scheduledTime());
        g.writeBooleanField("manual", j.manual());
        time(g, "createdAt", j.createdAt());
        time(g, "startedAt", j.startedAt());
        time(g, "finishedAt", j.finishedAt());
        g.writeStringField("state", j.state().name());
        g.writeNumberField("attempts", j.attempts());
        str(g, "conditionReason", j.conditionReason());
        str(g, "conditionMessage", j.conditionMessage());
        Termination t = j.lastTermination();
        if (t != null) {
            g.writeObjectFieldStart("termination");
            str(g, "container", t.container());
            num(g, "exitCode", t.exitCode());
            str(g, "reason", t.reason());
            num(g, "signal", t.signal());
            str(g, "message", t.message());
            g.writeEndObject();
        }
        str(g, "logTail", e.logTail());
        if (!e.events().isEmpty()) {
            g.writeArrayFieldStart("events");
            for (String ev : e.events()) {
                g.writeString(ev);
            }
            g.writeEndArray();
        }
        str(g, "suggestedFix", e.suggestedFix());
        w.end();
    }

    static void writeCronJob(LineWriter w, CronJobState s) throws IOException {
        JsonGenerator g = w.begin(T_CRONJOB);
        g.writeStringField("namespace", s.ref().namespace());
        g.writeStringField("cronJob", s.ref().name());
        g.writeStringField("uid", s.uid());
        time(g, "firstSeenAt", s.firstSeenAt());
        time(g, "suspendedSince", s.suspendedSince());
        time(g, "deletedAt", s.deletedAt());
        time(g, "missedSlotsFloor", s.missedSlotsFloor());
        time(g, "purgeAt", s.purgeAt());
        str(g, "schedule", s.schedule());
        time(g, "scheduleChangedAt", s.scheduleChangedAt());
        w.end();
    }

    static void writeChannel(LineWriter w, ChannelStats c) throws IOException {
        JsonGenerator g = w.begin(T_CHANNEL);
        g.writeStringField("channel", c.channel());
        g.writeNumberField("sent", c.sent());
        g.writeNumberField("failed", c.failed());
        g.writeNumberField("consecutiveFailures", c.consecutiveFailures());
        time(g, "lastSentAt", c.lastSentAt());
        time(g, "lastFailureAt", c.lastFailureAt());
        str(g, "lastError", c.lastError());
        w.end();
    }

    static void writeIncident(LineWriter w, Incident i, List<Notification> notifications) throws IOException {
        JsonGenerator g = w.begin(T_INCIDENT);
        g.writeStringField("id", i.id());
        g.writeStringField("monitor", i.key().monitor());
        g.writeStringField("namespace", i.key().cronJob().namespace());
        g.writeStringField("cronJob", i.key().cronJob().name());
        g.writeStringField("alertType", i.key().type().wireName());
        g.writeStringField("subject", i.key().subject());
        g.writeStringField("severity", i.severity().name());
        g.writeStringField("title", i.title());
        g.writeStringField("message", i.message());
        g.writeStringField("signature", i.signature());
        g.writeFieldName("context");
        writeContext(g, i.context());
        time(g, "openedAt", i.openedAt());
        time(g, "lastNotifiedAt", i.lastNotifiedAt());
        g.writeNumberField("notificationCount", i.notificationCount());
        time(g, "resolvedAt", i.resolvedAt());
        g.writeNumberField("version", i.version());
        // schema version 4; absent in files written before it (read as nothing acknowledged or silenced)
        time(g, "acknowledgedAt", i.acknowledgedAt());
        g.writeStringField("acknowledgedBy", i.acknowledgedBy());
        time(g, "silencedUntil", i.silencedUntil());
        g.writeStringField("silencedBy", i.silencedBy());
        g.writeArrayFieldStart("notifications");
        for (Notification n : notifications) {
            g.writeStartObject();
            writeNotificationFields(g, n);
            g.writeEndObject();
        }
        g.writeEndArray();
        w.end();
    }

    static void writeNotification(LineWriter w, Notification n) throws IOException {
        JsonGenerator g = w.begin(T_NOTIFICATION);
        g.writeStringField("incidentId", n.incidentId());
        writeNotificationFields(g, n);
        w.end();
    }

    private static void writeNotificationFields(JsonGenerator g, Notification n) throws IOException {
        g.writeStringField("channel", n.channel());
        g.writeStringField("kind", n.kind().name());
        g.writeNumberField("seq", n.sequence());
        g.writeStringField("status", n.status().name());
        g.writeNumberField("attempts", n.attempts());
        time(g, "dueAt", n.dueAt());
        str(g, "claimedBy", n.claimedBy());
        time(g, "claimExpiresAt", n.claimExpiresAt());
        str(g, "lastError", n.lastError());
        time(g, "createdAt", n.createdAt());
        time(g, "sentAt", n.sentAt());
    }

    private static void writeContext(JsonGenerator g, AlertContext c) throws IOException {
        g.writeStartObject();
        str(g, "jobName", c.jobName());
        num(g, "exitCode", c.exitCode());
        str(g, "reason", c.reason());
        str(g, "message", c.message());
        str(g, "logTail", c.logTail());
        if (!c.events().isEmpty()) {
            g.writeArrayFieldStart("events");
            for (String ev : c.events()) {
                g.writeString(ev);
            }
            g.writeEndArray();
        }
        str(g, "podStatus", c.podStatus());
        str(g, "suggestedFix", c.suggestedFix());
        if (c.successRate() != null) {
            g.writeNumberField("successRate", c.successRate());
        }
        str(g, "lastDuration", c.lastDuration() == null ? null : c.lastDuration().toString());
        if (!c.attributes().isEmpty()) {
            g.writeObjectFieldStart("attributes");
            for (Map.Entry<String, String> a : new TreeMap<>(c.attributes()).entrySet()) {
                g.writeStringField(a.getKey(), a.getValue());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    // ================================================================= reading

    /** A line that is not what the format says; the message is completed with the line number by the reader. */
    static final class BadRecord extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRecord(String message) {
            super(message);
        }

        BadRecord(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Parses one line into a map (objects), lists, strings, longs, doubles, booleans and nulls. */
    static Map<String, Object> parse(String line) {
        try (JsonParser p = FACTORY.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRecord("not a JSON object");
            }
            Map<String, Object> m = readObject(p);
            if (p.nextToken() != null) {
                throw new BadRecord("text after the JSON object");
            }
            return m;
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            int cut = msg.indexOf("\n at [Source");
            throw new BadRecord("not valid JSON (" + (cut > 0 ? msg.substring(0, cut) : msg).replace('\n', ' ')
                    + ")", e);
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            m.put(name, readValue(p));
        }
        return m;
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new BadRecord("the line ends inside a JSON value");
        }
        switch (t) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY:
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                return list;
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new BadRecord("unexpected JSON token " + t);
        }
    }

    static String type(Map<String, Object> m) {
        return reqStr(m, "type");
    }

    static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String)) {
            throw new BadRecord("field \"" + key + "\" must be a string, was " + v);
        }
        return (String) v;
    }

    static String reqStr(Map<String, Object> m, String key) {
        String s = str(m, key);
        if (s == null) {
            throw new BadRecord("field \"" + key + "\" is missing");
        }
        return s;
    }

    static Instant time(Map<String, Object> m, String key) {
        String s = str(m, key);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new BadRecord("field \"" + key + "\" is not an ISO-8601 instant: \"" + s + "\"");
        }
    }

    static Instant reqTime(Map<String, Object> m, String key) {
        Instant t = time(m, key);
        if (t == null) {
            throw new BadRecord("field \"" + key + "\" is missing");
        }
        return t;
    }

    static Long lng(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Long)) {
            throw new BadRecord("field \"" + key + "\" must be an integer, was " + v);
        }
        return (Long) v;
    }

    static long reqLong(Map<String, Object> m, String key) {
        Long v = lng(m, key);
        if (v == null) {
            throw new BadRecord("field \"" + key + "\" is missing");
        }
        return v;
    }

    static Integer intg(Map<String, Object> m, String key) {
        Long v = lng(m, key);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new BadRecord("field \"" + key + "\" is out of range: " + v);
        }
        return v.intValue();
    }

    static int reqInt(Map<String, Object> m, String key) {
        Integer v = intg(m, key);
        if (v == null) {
            throw new BadRecord("field \"" + key + "\" is missing");
        }
        return v;
    }

    static boolean bool(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean)) {
            throw new BadRecord("field \"" + key + "\" must be true or false, was " + v);
        }
        return (Boolean) v;
    }

    static List<String> strings(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw new BadRecord("field \"" + key + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            if (!(o instanceof String)) {
                throw new BadRecord("field \"" + key + "\" must be an array of strings, has " + o);
            }
            out.add((String) o);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map)) {
            throw new BadRecord("field \"" + key + "\" must be an object");
        }
        return (Map<String, Object>) v;
    }

    static <E extends Enum<E>> E enumValue(Map<String, Object> m, String key, Class<E> type) {
        String s = reqStr(m, key);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw new BadRecord("field \"" + key + "\" has an unknown value \"" + s + "\"");
        }
    }

    static Execution readRun(Map<String, Object> m) {
        String ns = reqStr(m, "namespace");
        Map<String, Object> t = obj(m, "termination");
        Termination term = t == null ? null
                : new Termination(str(t, "container"), intg(t, "exitCode"), str(t, "reason"), intg(t, "signal"),
                        str(t, "message"));
        JobSnapshot job = new JobSnapshot(ns, reqStr(m, "job"), reqStr(m, "uid"), CronJobRef.of(ns,
                reqStr(m, "cronJob")), str(m, "cronJobUid"), time(m, "scheduledAt"), bool(m, "manual"),
                reqTime(m, "createdAt"), time(m, "startedAt"), time(m, "finishedAt"),
                enumValue(m, "state", JobState.class), reqInt(m, "attempts"), str(m, "conditionReason"),
                str(m, "conditionMessage"), term);
        return new Execution(job, str(m, "logTail"), strings(m, "events"), str(m, "suggestedFix"));
    }

    static CronJobState readCronJob(Map<String, Object> m) {
        return new CronJobState(CronJobRef.of(reqStr(m, "namespace"), reqStr(m, "cronJob")), reqStr(m, "uid"),
                reqTime(m, "firstSeenAt"), time(m, "suspendedSince"), time(m, "deletedAt"),
                time(m, "missedSlotsFloor"), time(m, "purgeAt"), str(m, "schedule"), time(m, "scheduleChangedAt"));
    }

    static ChannelStats readChannel(Map<String, Object> m) {
        return new ChannelStats(reqStr(m, "channel"), reqLong(m, "sent"), reqLong(m, "failed"),
                reqInt(m, "consecutiveFailures"), time(m, "lastSentAt"), time(m, "lastFailureAt"),
                str(m, "lastError"));
    }

    /** An incident and its notifications. */
    record IncidentLine(Incident incident, List<Notification> notifications) {
    }

    @SuppressWarnings("unchecked")
    static IncidentLine readIncident(Map<String, Object> m) {
        AlertType type;
        try {
            type = AlertType.parse(reqStr(m, "alertType"));
        } catch (IllegalArgumentException e) {
            throw new BadRecord("field \"alertType\": " + e.getMessage());
        }
        IncidentKey key = new IncidentKey(reqStr(m, "monitor"), CronJobRef.of(reqStr(m, "namespace"),
                reqStr(m, "cronJob")), type, str(m, "subject"));
        String id = reqStr(m, "id");
        Incident incident = new Incident(id, key, enumValue(m, "severity", Severity.class), reqStr(m, "title"),
                str(m, "message"), str(m, "signature"), readContext(obj(m, "context")), reqTime(m, "openedAt"),
                time(m, "lastNotifiedAt"), reqInt(m, "notificationCount"), time(m, "resolvedAt"),
                reqLong(m, "version"), time(m, "acknowledgedAt"), str(m, "acknowledgedBy"), time(m, "silencedUntil"),
                str(m, "silencedBy"));
        List<Notification> ns = new ArrayList<>();
        Object list = m.get("notifications");
        if (list != null) {
            if (!(list instanceof List)) {
                throw new BadRecord("field \"notifications\" must be an array");
            }
            for (Object o : (List<Object>) list) {
                if (!(o instanceof Map)) {
                    throw new BadRecord("field \"notifications\" must be an array of objects");
                }
                ns.add(readNotificationFields((Map<String, Object>) o, id));
            }
        }
        return new IncidentLine(incident, ns);
    }

    static Notification readNotification(Map<String, Object> m) {
        return readNotificationFields(m, reqStr(m, "incidentId"));
    }

    private static Notification readNotificationFields(Map<String, Object> m, String incidentId) {
        return new Notification(0, incidentId, reqStr(m, "channel"), enumValue(m, "kind", NotificationKind.class),
                reqInt(m, "seq"), enumValue(m, "status", NotificationStatus.class), reqInt(m, "attempts"),
                reqTime(m, "dueAt"), str(m, "claimedBy"), time(m, "claimExpiresAt"), str(m, "lastError"),
                reqTime(m, "createdAt"), time(m, "sentAt"));
    }

    private static AlertContext readContext(Map<String, Object> c) {
        if (c == null) {
            return AlertContext.EMPTY;
        }
        Object rate = c.get("successRate");
        if (rate != null && !(rate instanceof Number)) {
            throw new BadRecord("field \"context.successRate\" must be a number");
        }
        String last = str(c, "lastDuration");
        Duration lastDuration;
        try {
            lastDuration = last == null ? null : Duration.parse(last);
        } catch (DateTimeParseException e) {
            throw new BadRecord("field \"context.lastDuration\" is not an ISO-8601 duration: \"" + last + "\"");
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        Map<String, Object> a = obj(c, "attributes");
        if (a != null) {
            for (String k : a.keySet()) {
                attributes.put(k, reqStr(a, k));
            }
        }
        return new AlertContext(str(c, "jobName"), intg(c, "exitCode"), str(c, "reason"), str(c, "message"),
                str(c, "logTail"), strings(c, "events"), str(c, "podStatus"), str(c, "suggestedFix"),
                rate == null ? null : ((Number) rate).doubleValue(), lastDuration, attributes);
    }
}
