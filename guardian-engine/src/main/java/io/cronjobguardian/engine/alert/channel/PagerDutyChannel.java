package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Sends PagerDuty Events API v2 events: {@code trigger} for an opening, a reminder or a test (tests with severity
 * {@code info}), {@code resolve} for a resolution, all of one incident under one {@code dedup_key}
 * ({@code dedupKeyPrefix} + {@link AlertMessage#incidentId()}), so PagerDuty opens one incident and closes it.
 * A trigger carries summary, source ({@code ns/name}), severity (mapped, or the channel's {@code severity}),
 * timestamp (RFC 3339), component, group, class and {@code custom_details} (type, message, exit code, reason,
 * suggested fix, success rate, events, log tail capped at {@code maxLogChars}). See {@code ALERT-CHANNELS.md}.
 */
public final class PagerDutyChannel extends BuiltInAlertChannel {

    /** PagerDuty's endpoint. */
    public static final String DEFAULT_ENDPOINT = "https://events.pagerduty.com/v2/enqueue";
    /** Default of {@code dedupKeyPrefix}. */
    public static final String DEFAULT_DEDUP_PREFIX = "cronjob-guardian:";
    private static final int MAX_DEDUP_KEY = 255;
    private static final int MAX_SUMMARY = 1024;

    private final String routingKey;
    private final URI endpoint;
    private final String destination;
    private final String severityOverride;
    private final String dedupKeyPrefix;
    private final String clientName;
    private final String clientUrl;
    private final Template summaryTemplate;
    private final int maxLogChars;
    private final HttpTransport http;

    PagerDutyChannel(ChannelSettings cs) {
        super(cs);
        this.routingKey = cs.secret("routingKey", true);
        String ep = cs.string("endpoint", DEFAULT_ENDPOINT);
        this.endpoint = cs.httpUrl("endpoint", ep, false);
        this.destination = HttpTransport.describe(endpoint);
        this.severityOverride = cs.choice("severity", null, "critical", "error", "warning", "info");
        this.dedupKeyPrefix = cs.raw("dedupKeyPrefix", DEFAULT_DEDUP_PREFIX).strip();
        this.clientName = cs.string("client", "CronJob Guardian");
        String url = cs.string("clientUrl", null);
        this.clientUrl = url == null ? null : cs.httpUrl("clientUrl", url, false).toString();
        this.summaryTemplate = cs.template("summaryTemplate", Template.Escaping.NONE);
        this.maxLogChars = cs.integer("maxLogChars", 4000, 0, 100_000);
        this.http = new HttpTransport(cs.name(), timeout(), cs.clock());
        ready(cs);
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    protected DeliveryResult deliver(AlertMessage m) {
        // PagerDuty deduplicates by dedup_key (one per incident); the header helps a proxy in between
        return http.send("POST", endpoint, List.of(Map.entry(HttpTransport.IDEMPOTENCY_KEY, m.idempotencyKey())),
                payload(m), destination);
    }

    @Override
    void release() {
        http.close();
    }

    /** The dedup key of an incident: the same for its trigger, reminders and resolve. */
    String dedupKey(AlertMessage m) {
        String key = dedupKeyPrefix + m.incidentId();
        if (key.length() <= MAX_DEDUP_KEY) {
            return key;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(m.incidentId().getBytes(StandardCharsets.UTF_8));
            String prefix = dedupKeyPrefix.length() > MAX_DEDUP_KEY - 64
                    ? dedupKeyPrefix.substring(0, MAX_DEDUP_KEY - 64) : dedupKeyPrefix;
            return prefix + HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** PagerDuty's severity for a message: info for tests, else the override, else the mapped severity. */
    String severity(AlertMessage m) {
        if (m.kind() == NotificationKind.TEST) {
            return "info";
        }
        return severityOverride != null ? severityOverride : m.severity().wireName();
    }

    /** The event for one message. */
    String payload(AlertMessage m) {
        boolean resolve = m.kind() == NotificationKind.RESOLVED;
        Json.Writer w = new Json.Writer().beginObject()
                .field("routing_key", routingKey)
                .field("event_action", resolve ? "resolve" : "trigger")
                .field("dedup_key", dedupKey(m));
        if (resolve) {
            return w.endObject().toString();
        }
        w.field("client", clientName);
        if (clientUrl != null) {
            w.field("client_url", clientUrl);
        }
        String summary = render(summaryTemplate, "summaryTemplate", m);
        if (summary == null || summary.isBlank()) {
            summary = (m.kind() == NotificationKind.REMINDER ? "Reminder: " : "") + m.title() + " ("
                    + m.cronJob() + ")";
        }
        AlertContext c = m.context();
        w.name("payload").beginObject()
                .field("summary", Texts.head(Texts.oneLine(summary), MAX_SUMMARY))
                .field("source", m.cronJob().toString())
                .field("severity", severity(m))
                .field("timestamp", Texts.rfc3339(TemplateData.timestamp(m)))
                .field("component", m.cronJob().name())
                .field("group", m.cronJob().namespace())
                .field("class", m.type().wireName());
        w.name("custom_details").beginObject()
                .field("type", m.type().wireName())
                .field("kind", Texts.kind(m.kind()))
                .field("message", m.message())
                .field("incident_id", m.incidentId())
                .field("incident_key", m.key().asString())
                .field("monitor", m.key().monitor())
                .field("opened_at", Texts.rfc3339(m.openedAt()))
                .fieldIfPresent("job_name", c.jobName())
                .fieldIfPresent("exit_code", c.exitCode())
                .fieldIfPresent("reason", c.reason())
                .fieldIfPresent("termination_message", c.message())
                .fieldIfPresent("pod_status", c.podStatus())
                .fieldIfPresent("suggested_fix", c.suggestedFix())
                .fieldIfPresent("success_rate", c.successRate())
                .fieldIfPresent("last_duration", c.lastDuration() == null ? null : Texts.goDuration(c.lastDuration()));
        if (!c.events().isEmpty()) {
            w.field("events", c.events());
        }
        if (!Texts.isBlank(c.logTail()) && maxLogChars > 0) {
            w.field("log_tail", Texts.tail(c.logTail(), maxLogChars));
        }
        if (!c.attributes().isEmpty()) {
            w.name("attributes").value(new java.util.TreeMap<>(c.attributes()));
        }
        w.endObject().endObject();
        return w.endObject().toString();
    }
}
