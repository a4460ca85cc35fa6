package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.ProviderContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Issue 7: secrets (webhook URLs, routing keys, passwords, secret header values) never appear in
 * {@code toString()}, delivery details, exception or ConfigException messages, or log output (captured from
 * slf4j-simple with the channel loggers at TRACE), even when a receiver echoes them back.
 */
class SecretsTest {

    private static final String HEADER_SECRET = "hdr-Sup3rS3cr3t-Value";
    private static final String RESOLVED_URL_TOKEN = "res0lv3d/T0k3n/9876543210";

    static {
        LogCapture.trace(SlackChannel.class, "sec-slack");
        LogCapture.trace(SlackChannel.class, "sec-hang");
        LogCapture.trace(PagerDutyChannel.class, "sec-pd");
        LogCapture.trace(WebhookChannel.class, "sec-hook");
        LogCapture.trace(WebhookChannel.class, "sec-refused");
    }

    private final List<String> seen = new ArrayList<>();

    private void see(Object o) {
        seen.add(String.valueOf(o));
    }

    private void see(DeliveryResult r) {
        seen.add(r.detail());
        seen.add(r.toString());
    }

    private void seeFailure(Supplier<AlertChannel> create) {
        try {
            AlertChannel ch = create.get();
            ch.close();
            throw new AssertionError("expected a ConfigException");
        } catch (ConfigException e) {
            seen.add(e.getMessage());
            seen.add(e.toString());
            seen.add(e.key());
        }
    }

    private static List<String> secrets(HttpReceiver r) {
        String slackUrl = r.url("/services/" + Channels.TOKEN);
        return List.of(Channels.TOKEN, slackUrl, "/services/" + Channels.TOKEN, Channels.ROUTING_KEY,
                HEADER_SECRET, "qs-s3cr3t-value", RESOLVED_URL_TOKEN,
                URLEncoder.encode(Channels.TOKEN, StandardCharsets.UTF_8), "s3cr3tT0k3nXyZ987");
    }

    @Test
    void secretsAppearNowhere() throws IOException {
        ProviderContext ctx = Alerts.context(ref -> {
            switch (ref) {
                case "secret:hook-header":
                    return Optional.of(HEADER_SECRET);
                default:
                    return Optional.empty();
            }
        });
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (LogCapture logs = LogCapture.start(); HttpReceiver r = HttpReceiver.start()) {
            // a careless receiver that echoes the request (URL with the token, Authorization header, body with
            // the routing key) in its error responses
            r.byDefault(HttpReceiver.Reply.echo(404));
            r.then(HttpReceiver.Reply.status(200, "ok"), HttpReceiver.Reply.echo(500), HttpReceiver.Reply.echo(429));

            List<AlertChannel> channels = new ArrayList<>();
            channels.add(Channels.create("slack", "sec-slack", ctx, "webhookUrl", r.url("/services/" + Channels.TOKEN)));
            channels.add(Channels.create("pagerduty", "sec-pd", ctx, "routingKey", Channels.ROUTING_KEY, "endpoint",
                    r.url("/v2/enqueue")));
            channels.add(Channels.create("webhook", "sec-hook", ctx, "url",
                    r.url("/hooks/" + Channels.TOKEN + "?token=qs-s3cr3t-value"), "headers.Authorization",
                    "secret:hook-header"));
            channels.add(Channels.create("webhook", "sec-refused", ctx, "url",
                    "http://127.0.0.1:" + closedPort + "/hooks/" + Channels.TOKEN));
            channels.add(Channels.create("slack", "sec-hang", ctx, "webhookUrl", r.url("/services/" + Channels.TOKEN),
                    "timeout", "300ms"));

            for (AlertChannel ch : channels) {
                see(ch);
                if (ch instanceof BuiltInAlertChannel) {
                    see(((BuiltInAlertChannel) ch).destination());
                }
                if (ch.name().equals("sec-hang")) {
                    r.then(HttpReceiver.Reply.hang());
                }
                for (NotificationKind kind : NotificationKind.values()) {
                    DeliveryResult res = ch.send(Alerts.alert().kind(kind).build());
                    see(res);
                }
                ch.close();
                see(ch);
                see(ch.send(Alerts.alert().build()));
            }
            r.drain().forEach(req -> assertThat(req.body()).isNotEmpty());

            // configuration errors about secret values
            seeFailure(() -> Channels.create("slack", "bad1", ctx, "webhookUrl", "hooks.slack.com/services/"
                    + Channels.TOKEN));
            seeFailure(() -> Channels.create("slack", "bad2", ctx, "webhookUrl", "ftp://x/" + Channels.TOKEN));
            seeFailure(() -> Channels.create("slack", "bad3", ctx, "webhookUrl", "https://[" + Channels.TOKEN));
            seeFailure(() -> Channels.create("webhook", "bad4", ctx, "url", "secret:missing-hook"));
            seeFailure(() -> Channels.create("webhook", "bad5", Alerts.context(ref -> Optional.of("not a url "
                    + RESOLVED_URL_TOKEN)), "url", "secret:hook"));
            seeFailure(() -> Channels.create("webhook", "bad6", Alerts.context(ref -> {
                throw new IllegalStateException("vault said " + Channels.TOKEN);
            }), "url", "secret:hook"));
            seeFailure(() -> Channels.create("webhook", "bad7", ctx, "url", r.url("/x"), "headers.X-Key",
                    "bad\n" + HEADER_SECRET));
            seeFailure(() -> Channels.create("pagerduty", "bad8", ctx, "routingKey", Channels.ROUTING_KEY,
                    "routingKye", Channels.ROUTING_KEY));
            seeFailure(() -> Channels.create("pagerduty", "bad10", ctx, "routingKey", "secret:"));

            String logText = logs.text();
            assertThat(logText).as("the channels log at TRACE").contains("created slack channel sec-slack")
                    .contains("webhook channel sec-hook: incident inc-42 (opened) -> FAILED")
                    .contains("no such endpoint ******")
                    .contains("authorization=******")
                    .contains("\"routing_key\":\"******\"");
            seen.add(logText);
        }
        assertThat(seen).isNotEmpty();
        try (HttpReceiver r = HttpReceiver.start()) {
            // same port is not guaranteed, so check the path-based secrets (the URL itself contains the token)
            for (String text : seen) {
                for (String secret : secrets(r)) {
                    if (secret.contains("127.0.0.1")) {
                        continue;
                    }
                    assertThat(text).as("a secret leaked").doesNotContain(secret);
                }
            }
        }
        assertThat(String.join("\n", seen)).contains("******").contains("http://127.0.0.1:").contains("/…")
                .contains("channels.bad4.url: the secret reference secret:missing-hook did not resolve")
                .contains("channels.bad1.webhookUrl: the value is not an absolute http:// or https:// URL")
                .contains("channels.bad6.url: the host's SecretResolver failed for secret:hook "
                        + "(IllegalStateException)")
                .contains("channels.bad8.routingKye: is not a key of a pagerduty channel (did you mean routingKey?)")
                .contains("channels.bad10.routingKey: a secret reference needs a name");
    }
}
