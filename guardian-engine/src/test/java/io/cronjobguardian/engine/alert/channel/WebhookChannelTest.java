package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Generic webhook: method, headers, the default document and templates, all through a real HTTP server. */
class WebhookChannelTest {

    private final HttpReceiver receiver = HttpReceiver.start();

    @AfterEach
    void stop() {
        receiver.close();
    }

    private HttpReceiver.Request send(WebhookChannel ch, AlertMessage m) {
        DeliveryResult r = ch.send(m);
        assertThat(r.outcome()).as(r.detail()).isEqualTo(DeliveryResult.Outcome.DELIVERED);
        return receiver.take();
    }

    @Test
    void theDefaultDocumentHasEveryField() {
        try (WebhookChannel ch = Channels.webhook(receiver)) {
            HttpReceiver.Request req = send(ch, Alerts.alert().attributes(Map.of("region", "eu-1")).build());
            assertThat(req.method).isEqualTo("POST");
            assertThat(req.path).isEqualTo("/hooks/" + Channels.TOKEN + "?token=qs-s3cr3t-value");
            assertThat(req.header("Content-Type")).isEqualTo("application/json");
            JsonNode b = req.json();
            assertThat(b.get("version").intValue()).isEqualTo(1);
            assertThat(b.get("id").textValue()).isEqualTo("inc-42");
            assertThat(b.get("key").textValue()).isEqualTo("team-a/nightly|prod/nightly-backup|JobFailed");
            assertThat(b.get("kind").textValue()).isEqualTo("opened");
            assertThat(b.get("type").textValue()).isEqualTo("JobFailed");
            assertThat(b.get("severity").textValue()).isEqualTo("critical");
            assertThat(b.get("title").textValue()).isEqualTo("Job failed: nightly-backup");
            assertThat(b.get("message").textValue()).isEqualTo("The last run failed with exit code 137.");
            assertThat(b.get("cronjob").get("namespace").textValue()).isEqualTo("prod");
            assertThat(b.get("cronjob").get("name").textValue()).isEqualTo("nightly-backup");
            assertThat(b.get("monitor").textValue()).isEqualTo("team-a/nightly");
            assertThat(b.get("subject").textValue()).isEmpty();
            assertThat(b.get("channel").textValue()).isEqualTo("hook");
            assertThat(b.get("notificationId").longValue()).isEqualTo(7);
            assertThat(b.get("openedAt").textValue()).isEqualTo("2026-03-01T12:00:00Z");
            assertThat(b.get("resolvedAt").isNull()).isTrue();
            assertThat(b.get("sentAt").textValue()).isEqualTo("2026-03-01T12:00:05Z");
            assertThat(b.get("timestamp").textValue()).isEqualTo("2026-03-01T12:00:00Z");
            JsonNode c = b.get("context");
            assertThat(c.get("jobName").textValue()).isEqualTo("nightly-backup-29512345");
            assertThat(c.get("exitCode").intValue()).isEqualTo(137);
            assertThat(c.get("reason").textValue()).isEqualTo("OOMKilled");
            assertThat(c.get("message").isNull()).isTrue();
            assertThat(c.get("logs").textValue()).isEqualTo("starting\nallocating\nKilled");
            assertThat(c.get("events").size()).isEqualTo(2);
            assertThat(c.get("podStatus").isNull()).isTrue();
            assertThat(c.get("suggestedFix").textValue()).isEqualTo("Increase the memory limit of the container.");
            assertThat(c.get("successRate").doubleValue()).isEqualTo(87.5);
            assertThat(c.get("lastDurationSeconds").doubleValue()).isEqualTo(95.0);
            assertThat(c.get("attributes").get("region").textValue()).isEqualTo("eu-1");

            JsonNode resolved = send(ch, Alerts.alert().kind(NotificationKind.RESOLVED).build()).json();
            assertThat(resolved.get("kind").textValue()).isEqualTo("resolved");
            assertThat(resolved.get("resolvedAt").textValue()).isEqualTo("2026-03-01T13:15:00Z");
            assertThat(resolved.get("timestamp").textValue()).isEqualTo("2026-03-01T13:15:00Z");
        }
    }

    @Test
    void methodAndHeadersAreSentAndHeaderValuesMayBeSecretReferences() {
        try (WebhookChannel ch = (WebhookChannel) Channels.create("webhook", "hook",
                Alerts.context(ref -> ref.equals("secret:hook-key") ? Optional.of("k3y-v4lue-s3cr3t") : Optional.empty()),
                "url", receiver.url("/in"), "method", "put", "headers.X-Api-Key", "secret:hook-key",
                "headers.X-Team", "platform", "headers.Content-Type", "application/cloudevents+json")) {
            HttpReceiver.Request req = send(ch, Alerts.alert().build());
            assertThat(req.method).isEqualTo("PUT");
            assertThat(req.header("X-Api-Key")).isEqualTo("k3y-v4lue-s3cr3t");
            assertThat(req.header("X-Team")).isEqualTo("platform");
            assertThat(req.header("Content-Type")).isEqualTo("application/cloudevents+json");
            assertThat(ch.method()).isEqualTo("PUT");
            assertThat(ch.headerNames()).containsExactly("X-Api-Key", "X-Team", "Content-Type");
            assertThat(ch.toString()).doesNotContain("k3y-v4lue-s3cr3t");
        }
    }

    @Test
    void everyAttemptOfOneNotificationCarriesItsIdempotencyKeyAndAConfiguredOneCannotReplaceIt() {
        receiver.then(HttpReceiver.Reply.status(500, "busy"));
        try (WebhookChannel ch = Channels.webhook(receiver, "headers.Idempotency-Key", "fixed")) {
            AlertMessage m = Alerts.alert().build();
            assertThat(ch.send(m).outcome()).isEqualTo(DeliveryResult.Outcome.RETRY);
            HttpReceiver.Request first = receiver.take();
            HttpReceiver.Request retried = send(ch, Alerts.retry(m, java.time.Duration.ofSeconds(30)));
            HttpReceiver.Request other = send(ch, Alerts.alert().notification(8).build());
            assertThat(first.header("Idempotency-Key")).isEqualTo(m.idempotencyKey()).startsWith("cjg-");
            assertThat(retried.header("Idempotency-Key")).isEqualTo(m.idempotencyKey());
            assertThat(other.header("Idempotency-Key")).isNotEqualTo(m.idempotencyKey()).startsWith("cjg-");
        }
    }

    @Test
    void userInfoInTheUrlIsSentAsBasicAuthentication() {
        String url = receiver.url("/basic").replace("http://", "http://hook-user:p%40ss-w0rd@");
        try (WebhookChannel ch = (WebhookChannel) Channels.create("webhook", "hook", Alerts.context(), "url", url)) {
            HttpReceiver.Request req = send(ch, Alerts.alert().build());
            assertThat(req.path).isEqualTo("/basic");
            assertThat(req.header("Authorization")).isEqualTo("Basic " + java.util.Base64.getEncoder()
                    .encodeToString("hook-user:p@ss-w0rd".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            assertThat(ch.toString()).doesNotContain("p%40ss-w0rd").doesNotContain("hook-user");
        }
    }

    @Test
    void badHeadersAreRejectedWithoutShowingTheirValue() {
        assertThatThrownBy(() -> Channels.create("webhook", "hook", Alerts.context(), "url", receiver.url("/"),
                "headers.Host", "evil.example"))
                .isInstanceOf(ConfigException.class).hasMessage("channels.hook.headers.Host: the HTTP client sets Host "
                        + "itself; it cannot be configured");
        assertThatThrownBy(() -> Channels.create("webhook", "hook",
                Alerts.context(ref -> Optional.of("line1\r\nInjected: s3cr3t-inj")), "url", receiver.url("/"),
                "headers.X-Token", "secret:tok"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("channels.hook.headers.X-Token: the value contains a line break or control character "
                        + "(value not shown)");
        assertThatThrownBy(() -> Channels.create("webhook", "hook", Alerts.context(), "url", receiver.url("/"),
                "headers.Bad Name", "x"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is not a valid HTTP header name");
        assertThatThrownBy(() -> Channels.create("webhook", "hook", Alerts.context(), "url", receiver.url("/"),
                "method", "GET"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("channels.hook.method: ")
                .hasMessageContaining("accepted: POST, PUT");
    }

    @Test
    void everyBodyIsValidJsonWhateverTheAlertContains() {
        AlertMessage nasty = Alerts.alert().nasty().build();
        try (WebhookChannel ch = Channels.webhook(receiver);
                WebhookChannel templated = Channels.webhook(receiver, "payloadTemplate",
                        TemplateTest.OPERATOR_WEBHOOK_TEMPLATE)) {
            HttpReceiver.Request req = send(ch, nasty);
            assertThat(req.body()).doesNotContain("</script>").doesNotContain("<!channel>");
            JsonNode b = req.json();
            assertThat(b.get("title").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.title()));
            assertThat(b.get("message").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.message()));
            assertThat(b.get("monitor").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.key().monitor()));
            assertThat(b.get("cronjob").get("name").textValue())
                    .isEqualTo(JsonTestSupport.sanitized(nasty.cronJob().name()));
            JsonNode c = b.get("context");
            assertThat(c.get("logs").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.context().logTail()));
            assertThat(c.get("reason").textValue()).isEqualTo(nasty.context().reason());
            assertThat(c.get("message").textValue()).isEqualTo(nasty.context().message());
            assertThat(c.get("events").get(1).textValue()).isEqualTo("Second half \uFFFD cut");
            assertThat(c.get("suggestedFix").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.context()
                    .suggestedFix()));
            assertThat(c.get("attributes").get("key \"quoted\"").textValue())
                    .isEqualTo(JsonTestSupport.sanitized(Alerts.NASTY + Alerts.LONE));

            JsonNode t = send(templated, nasty).json();
            assertThat(t.get("title").textValue()).isEqualTo(JsonTestSupport.sanitized(nasty.title()));
            assertThat(t.get("context").get("logs").textValue())
                    .isEqualTo(JsonTestSupport.sanitized(nasty.context().logTail()));
            assertThat(t.get("context").get("exit_code").intValue()).isEqualTo(137);
        }
    }

    @Test
    void aPayloadTemplateIsRenderedAndOneThatCannotGiveJsonIsRejectedAtCreation() {
        String template = "{\"text\": \"{{ .Emoji }} [{{ upper .Severity }}] {{ .Title }}\", \"cj\": \"{{ .CronJob }}\","
                + " \"logs\": {{ jsonEscape (tail .Logs 6) }}, \"exit\": {{ .ExitCode }}, \"events\": {{ .Events }}}";
        try (WebhookChannel ch = Channels.webhook(receiver, "payloadTemplate", template)) {
            JsonNode b = send(ch, Alerts.alert().build()).json();
            assertThat(b.get("text").textValue()).isEqualTo(":red_circle: [CRITICAL] Job failed: nightly-backup");
            assertThat(b.get("cj").textValue()).isEqualTo("prod/nightly-backup");
            assertThat(b.get("logs").textValue()).isEqualTo("...Killed");
            assertThat(b.get("exit").intValue()).isEqualTo(137);
            assertThat(b.get("events").get(0).textValue()).startsWith("BackOff");
            JsonNode bare = send(ch, Alerts.alert().bare().build()).json();
            assertThat(bare.get("exit").isNull()).isTrue();
            assertThat(bare.get("events").size()).isZero();
        }
        assertThatThrownBy(() -> Channels.webhook(receiver, "payloadTemplate", "{\"title\": \"{{ .Title }}\",}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("channels.hook.payloadTemplate: template renders invalid JSON for a sample "
                        + "opened alert (line 1, column ")
                .extracting(e -> ((ConfigException) e).key()).isEqualTo("channels.hook.payloadTemplate");
        assertThatThrownBy(() -> Channels.webhook(receiver, "payloadTemplate", "{\"t\": \"{{ trunc .Title 3 }}\"}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("channels.hook.payloadTemplate: invalid template: line 1, column 11: unknown "
                        + "function \"trunc\"");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    void concurrentSendsAreAllDelivered() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (WebhookChannel ch = Channels.webhook(receiver)) {
            List<Future<DeliveryResult>> results = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long id = i + 1;
                results.add(pool.submit(() -> ch.send(Alerts.alert().notification(id).incident("inc-" + id).build())));
            }
            for (Future<DeliveryResult> f : results) {
                assertThat(f.get().outcome()).isEqualTo(DeliveryResult.Outcome.DELIVERED);
            }
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(receiver.take().json().get("notificationId").longValue());
            }
            assertThat(ids).hasSize(40).doesNotHaveDuplicates();
        } finally {
            pool.shutdownNow();
        }
    }
}
