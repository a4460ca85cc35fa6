package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PagerDuty Events API v2 payloads, received by a real HTTP server that answers like PagerDuty (202). */
class PagerDutyChannelTest {

    private static final String ACCEPTED = "{\"status\":\"success\",\"message\":\"Event processed\"}";
    private final HttpReceiver receiver = HttpReceiver.start().byDefault(HttpReceiver.Reply.status(202, ACCEPTED,
            "Content-Type", "application/json"));

    @AfterEach
    void stop() {
        receiver.close();
    }

    private JsonNode send(PagerDutyChannel ch, AlertMessage m) {
        DeliveryResult r = ch.send(m);
        assertThat(r.outcome()).as(r.detail()).isEqualTo(DeliveryResult.Outcome.DELIVERED);
        assertThat(r.detail()).startsWith("HTTP 202 from http://127.0.0.1:");
        HttpReceiver.Request req = receiver.take();
        assertThat(req.method).isEqualTo("POST");
        assertThat(req.path).isEqualTo("/v2/enqueue");
        assertThat(req.header("Content-Type")).isEqualTo("application/json");
        return req.json();
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void eachNotificationCarriesItsIdempotencyKeyBesideTheIncidentsDedupKey() {
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver)) {
            AlertMessage opened = Alerts.alert().build();
            AlertMessage resolved = Alerts.alert().kind(NotificationKind.RESOLVED).notification(9).build();
            assertThat(ch.send(opened).isDelivered()).isTrue();
            HttpReceiver.Request o = receiver.take();
            assertThat(ch.send(resolved).isDelivered()).isTrue();
            HttpReceiver.Request r = receiver.take();
            assertThat(o.header("Idempotency-Key")).isEqualTo(opened.idempotencyKey());
            assertThat(r.header("Idempotency-Key")).isEqualTo(resolved.idempotencyKey())
                    .isNotEqualTo(opened.idempotencyKey());
            assertThat(o.json().get("dedup_key").textValue()).isEqualTo(r.json().get("dedup_key").textValue());
        }
    }

    @Test
    void anIncidentIsTriggeredAndResolvedUnderOneDedupKey() {
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver)) {
            JsonNode trigger = send(ch, Alerts.alert().build());
            JsonNode reminder = send(ch, Alerts.alert().kind(NotificationKind.REMINDER).notification(8).build());
            JsonNode resolve = send(ch, Alerts.alert().kind(NotificationKind.RESOLVED).notification(9).build());

            assertThat(trigger.get("routing_key").textValue()).isEqualTo(Channels.ROUTING_KEY);
            assertThat(trigger.get("event_action").textValue()).isEqualTo("trigger");
            assertThat(reminder.get("event_action").textValue()).isEqualTo("trigger");
            assertThat(resolve.get("event_action").textValue()).isEqualTo("resolve");
            assertThat(trigger.get("dedup_key").textValue()).isEqualTo("cronjob-guardian:inc-42");
            assertThat(reminder.get("dedup_key").textValue()).isEqualTo(trigger.get("dedup_key").textValue());
            assertThat(resolve.get("dedup_key").textValue()).isEqualTo(trigger.get("dedup_key").textValue());
            assertThat(names(resolve)).containsExactly("routing_key", "event_action", "dedup_key");

            assertThat(trigger.get("client").textValue()).isEqualTo("CronJob Guardian");
            JsonNode p = trigger.get("payload");
            assertThat(p.get("summary").textValue()).isEqualTo("Job failed: nightly-backup (prod/nightly-backup)");
            assertThat(p.get("source").textValue()).isEqualTo("prod/nightly-backup");
            assertThat(p.get("severity").textValue()).isEqualTo("critical");
            assertThat(p.get("timestamp").textValue()).isEqualTo("2026-03-01T12:00:00Z");
            assertThat(OffsetDateTime.parse(p.get("timestamp").textValue()).toInstant()).isEqualTo(Alerts.T0);
            assertThat(p.get("component").textValue()).isEqualTo("nightly-backup");
            assertThat(p.get("group").textValue()).isEqualTo("prod");
            assertThat(p.get("class").textValue()).isEqualTo("JobFailed");
            JsonNode d = p.get("custom_details");
            assertThat(d.get("type").textValue()).isEqualTo("JobFailed");
            assertThat(d.get("kind").textValue()).isEqualTo("opened");
            assertThat(d.get("message").textValue()).isEqualTo("The last run failed with exit code 137.");
            assertThat(d.get("exit_code").intValue()).isEqualTo(137);
            assertThat(d.get("reason").textValue()).isEqualTo("OOMKilled");
            assertThat(d.get("suggested_fix").textValue()).isEqualTo("Increase the memory limit of the container.");
            assertThat(d.get("success_rate").doubleValue()).isEqualTo(87.5);
            assertThat(d.get("job_name").textValue()).isEqualTo("nightly-backup-29512345");
            assertThat(d.get("last_duration").textValue()).isEqualTo("1m35s");
            assertThat(d.get("log_tail").textValue()).isEqualTo("starting\nallocating\nKilled");
            assertThat(d.get("events").get(1).textValue()).isEqualTo("OOMKilling: Memory cgroup out of memory");
            assertThat(d.get("incident_id").textValue()).isEqualTo("inc-42");
            assertThat(d.get("incident_key").textValue()).isEqualTo("team-a/nightly|prod/nightly-backup|JobFailed");
            assertThat(reminder.get("payload").get("summary").textValue()).startsWith("Reminder: Job failed");
            assertThat(reminder.get("payload").get("custom_details").get("kind").textValue()).isEqualTo("reminder");
        }
    }

    @Test
    void severityIsMappedOrOverriddenAndTestsAreInfo() {
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver)) {
            assertThat(send(ch, Alerts.alert().severity(Severity.WARNING).build()).get("payload").get("severity")
                    .textValue()).isEqualTo("warning");
            assertThat(send(ch, Alerts.alert().severity(Severity.INFO).build()).get("payload").get("severity")
                    .textValue()).isEqualTo("info");
            JsonNode test = send(ch, Alerts.alert().kind(NotificationKind.TEST).severity(Severity.CRITICAL)
                    .incident("test-1").build());
            assertThat(test.get("event_action").textValue()).isEqualTo("trigger");
            assertThat(test.get("payload").get("severity").textValue()).isEqualTo("info");
        }
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver, "severity", "error", "dedupKeyPrefix", "cjg/",
                "clientUrl", "https://guardian.example.com/ui", "summaryTemplate",
                "[{{ upper .Severity }}] {{ .CronJob }}: {{ .Title }}\nsecond line")) {
            JsonNode e = send(ch, Alerts.alert().severity(Severity.WARNING).build());
            assertThat(e.get("payload").get("severity").textValue()).isEqualTo("error");
            assertThat(e.get("dedup_key").textValue()).isEqualTo("cjg/inc-42");
            assertThat(e.get("client_url").textValue()).isEqualTo("https://guardian.example.com/ui");
            assertThat(e.get("payload").get("summary").textValue())
                    .isEqualTo("[WARNING] prod/nightly-backup: Job failed: nightly-backup second line");
            JsonNode test = send(ch, Alerts.alert().kind(NotificationKind.TEST).build());
            assertThat(test.get("payload").get("severity").textValue()).isEqualTo("info");
        }
    }

    @Test
    void theLogTailIsCappedFromTheStartAndLongIdsAreHashed() {
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver, "maxLogChars", "120")) {
            JsonNode e = send(ch, Alerts.alert().logs(Alerts.log(300)).incident("x".repeat(400)).build());
            String tail = e.get("payload").get("custom_details").get("log_tail").textValue();
            assertThat(tail.length()).isLessThanOrEqualTo(120);
            assertThat(tail).startsWith("…").endsWith("LAST LINE 300");
            String key = e.get("dedup_key").textValue();
            assertThat(key).hasSizeLessThanOrEqualTo(255).startsWith("cronjob-guardian:").matches(".*:[0-9a-f]{64}");
            JsonNode resolve = send(ch, Alerts.alert().kind(NotificationKind.RESOLVED).incident("x".repeat(400))
                    .build());
            assertThat(resolve.get("dedup_key").textValue()).isEqualTo(key);
        }
    }

    @Test
    void nastyContentIsValidJsonAndTheSummaryIsOneLine() {
        AlertMessage nasty = Alerts.alert().nasty().build();
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver)) {
            JsonNode e = send(ch, nasty);
            String summary = e.get("payload").get("summary").textValue();
            assertThat(summary).doesNotContain("\n").doesNotContain("\t").hasSizeLessThanOrEqualTo(1024);
            JsonNode d = e.get("payload").get("custom_details");
            assertThat(d.get("message").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.message()));
            assertThat(d.get("log_tail").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.context().logTail()));
            assertThat(d.get("attributes").get("key \"quoted\"").textValue())
                    .isEqualTo(JsonTestSupport.sanitized(Alerts.NASTY + Alerts.LONE));
            assertThat(e.get("payload").get("source").textValue())
                    .isEqualTo(JsonTestSupport.sanitized(nasty.cronJob().toString()));
        }
    }

    @Test
    void pagerDutyRejectionsAndThrottlingAreClassified() {
        receiver.then(HttpReceiver.Reply.status(400, "{\"status\":\"invalid event\",\"message\":\"Event object is "
                        + "invalid\",\"errors\":[\"Length of 'routing_key' is incorrect (should be 32 characters)\"]}"),
                HttpReceiver.Reply.status(429, "", "Retry-After", "17"));
        try (PagerDutyChannel ch = Channels.pagerDuty(receiver)) {
            DeliveryResult bad = ch.send(Alerts.alert().build());
            assertThat(bad.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
            assertThat(bad.detail()).contains("HTTP 400").contains("Event object is invalid")
                    .doesNotContain(Channels.ROUTING_KEY);
            DeliveryResult throttled = ch.send(Alerts.alert().build());
            assertThat(throttled.outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
            assertThat(throttled.retryAfter()).isEqualTo(Duration.ofSeconds(17));
        }
    }

    @Test
    void theDefaultEndpointIsPagerDutysAndCreatingOpensNothing() {
        PagerDutyChannel ch = (PagerDutyChannel) Channels.create("pagerduty", "pd", Alerts.context(),
                "routingKey", Channels.ROUTING_KEY);
        assertThat(ch.destination()).isEqualTo("https://events.pagerduty.com/…");
        assertThat(ch.toString()).isEqualTo("PagerDutyChannel[name=pd, destination=https://events.pagerduty.com/…, "
                + "timeout=10s]");
        ch.close();
        assertThat(ch.send(Alerts.alert().build()).outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
    }
}
