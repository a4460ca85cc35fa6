package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Slack incoming-webhook payloads, received by a real HTTP server and parsed field by field. */
class SlackChannelTest {

    private final HttpReceiver receiver = HttpReceiver.start();

    @AfterEach
    void stop() {
        receiver.close();
    }

    private JsonNode send(SlackChannel ch, AlertMessage m) {
        DeliveryResult r = ch.send(m);
        assertThat(r.outcome()).as(r.detail()).isEqualTo(DeliveryResult.Outcome.DELIVERED);
        HttpReceiver.Request req = receiver.take();
        assertThat(req.method).isEqualTo("POST");
        assertThat(req.path).isEqualTo("/services/" + Channels.TOKEN);
        assertThat(req.header("Content-Type")).isEqualTo("application/json");
        return req.json();
    }

    private static List<String> texts(JsonNode blocks) {
        List<String> out = new ArrayList<>();
        for (JsonNode b : blocks) {
            if (b.has("text")) {
                out.add(b.get("text").get("text").textValue());
            }
            if (b.has("fields")) {
                b.get("fields").forEach(f -> out.add(f.get("text").textValue()));
            }
            if (b.has("elements")) {
                b.get("elements").forEach(f -> out.add(f.get("text").textValue()));
            }
        }
        return out;
    }

    @Test
    void eachNotificationCarriesItsIdempotencyKey() {
        try (SlackChannel ch = Channels.slack(receiver)) {
            AlertMessage m = Alerts.alert().build();
            assertThat(ch.send(m).isDelivered()).isTrue();
            assertThat(receiver.take().header("Idempotency-Key")).isEqualTo(m.idempotencyKey());
        }
    }

    @Test
    void anOpeningIsABlockKitMessageWithATextFallback() {
        try (SlackChannel ch = Channels.slack(receiver, "channel", "#ops-alerts", "username", "guardian",
                "iconEmoji", ":shield:")) {
            JsonNode body = send(ch, Alerts.alert().build());
            assertThat(body.get("channel").textValue()).isEqualTo("#ops-alerts");
            assertThat(body.get("username").textValue()).isEqualTo("guardian");
            assertThat(body.get("icon_emoji").textValue()).isEqualTo(":shield:");
            assertThat(body.get("text").textValue()).isEqualTo(":red_circle: *[CRITICAL] Job failed: nightly-backup*\n"
                    + "CronJob `prod/nightly-backup` · JobFailed\nThe last run failed with exit code 137.");

            JsonNode blocks = body.get("blocks");
            JsonNode header = blocks.get(0);
            assertThat(header.get("type").textValue()).isEqualTo("header");
            assertThat(header.get("text").get("type").textValue()).isEqualTo("plain_text");
            assertThat(header.get("text").get("text").textValue()).isEqualTo(":red_circle: Job failed: nightly-backup");
            assertThat(header.get("text").get("emoji").booleanValue()).isTrue();

            JsonNode fields = blocks.get(1).get("fields");
            List<String> f = new ArrayList<>();
            fields.forEach(x -> {
                assertThat(x.get("type").textValue()).isEqualTo("mrkdwn");
                f.add(x.get("text").textValue());
            });
            assertThat(f).containsExactly("*CronJob*\n`prod/nightly-backup`", "*Type*\nJobFailed", "*Severity*\ncritical",
                    "*Job*\n`nightly-backup-29512345`", "*Exit code*\n137", "*Reason*\nOOMKilled",
                    "*Success rate*\n87.5%", "*Duration*\n1m35s");

            List<String> all = texts(blocks);
            assertThat(all).contains("The last run failed with exit code 137.",
                    ":bulb: *Suggested fix*\nIncrease the memory limit of the container.",
                    "*Events*\n• BackOff: Back-off restarting failed container\n• OOMKilling: Memory cgroup out of memory",
                    "*Log tail*\n```starting\nallocating\nKilled```");
            JsonNode context = blocks.get(blocks.size() - 1);
            assertThat(context.get("type").textValue()).isEqualTo("context");
            assertThat(context.get("elements").get(0).get("text").textValue())
                    .isEqualTo("Incident `inc-42` · Monitor `team-a/nightly` · Opened 2026-03-01T12:00:00Z");
        }
    }

    @Test
    void theLogTailKeepsTheEndOfTheLog() {
        String log = Alerts.log(400);
        try (SlackChannel ch = Channels.slack(receiver)) {
            JsonNode body = send(ch, Alerts.alert().logs(log).build());
            String section = texts(body.get("blocks")).stream().filter(t -> t.startsWith("*Log tail*")).findFirst()
                    .orElseThrow();
            assertThat(section).startsWith("*Log tail*\n```…").endsWith("LAST LINE 400```");
            assertThat(section).doesNotContain("line 1 doing work").doesNotContain("line 100 doing work");
            assertThat(section.length()).isLessThanOrEqualTo(SlackChannel.SECTION_MAX);
            // the cut falls on a line boundary: the first kept line is complete
            assertThat(section.substring("*Log tail*\n```…".length())).matches("(?s)2026-03-01T11:59:\\d\\d line \\d+ "
                    + "doing work\n.*");
        }
        try (SlackChannel ch = Channels.slack(receiver, "maxLogChars", "200")) {
            JsonNode body = send(ch, Alerts.alert().logs(log).build());
            String section = texts(body.get("blocks")).stream().filter(t -> t.startsWith("*Log tail*")).findFirst()
                    .orElseThrow();
            String code = section.substring("*Log tail*\n```".length(), section.length() - 3);
            assertThat(code.length()).isLessThanOrEqualTo(200);
            assertThat(code).endsWith("LAST LINE 400");
        }
        try (SlackChannel ch = Channels.slack(receiver, "maxLogChars", "0")) {
            JsonNode body = send(ch, Alerts.alert().logs(log).build());
            assertThat(texts(body.get("blocks"))).noneMatch(t -> t.startsWith("*Log tail*"));
        }
    }

    @Test
    void aResolutionIsRenderedAsResolvedAndAReminderSaysSo() {
        try (SlackChannel ch = Channels.slack(receiver)) {
            JsonNode resolved = send(ch, Alerts.alert().kind(NotificationKind.RESOLVED).build());
            assertThat(resolved.get("text").textValue()).isEqualTo(":white_check_mark: *Resolved: Job failed: "
                    + "nightly-backup*\nCronJob `prod/nightly-backup` · JobFailed · open for 1h");
            JsonNode blocks = resolved.get("blocks");
            assertThat(blocks.get(0).get("text").get("text").textValue())
                    .isEqualTo(":white_check_mark: Resolved: Job failed: nightly-backup");
            assertThat(texts(blocks)).contains("*Open for*\n1h")
                    .noneMatch(t -> t.startsWith("*Log tail*") || t.startsWith(":bulb:") || t.startsWith("*Events*"));
            assertThat(texts(blocks).get(texts(blocks).size() - 1)).endsWith("· Resolved 2026-03-01T13:15:00Z");

            JsonNode reminder = send(ch, Alerts.alert().kind(NotificationKind.REMINDER).severity(Severity.WARNING)
                    .build());
            assertThat(reminder.get("text").textValue()).startsWith(":warning: *Reminder: [WARNING] Job failed");
            assertThat(reminder.get("blocks").get(0).get("text").get("text").textValue())
                    .isEqualTo(":warning: Reminder: Job failed: nightly-backup");

            JsonNode test = send(ch, Alerts.alert().kind(NotificationKind.TEST).severity(Severity.INFO)
                    .title("CronJob Guardian test alert").build());
            assertThat(test.get("text").textValue()).startsWith(":large_blue_circle: *CronJob Guardian test alert*");
        }
    }

    @Test
    void messageTemplateReplacesTheTextAndBlocksCanBeTurnedOff() {
        String template = "{{ .Emoji }} {{ upper .Severity }} {{ .CronJob }}: {{ truncate .Message 8 }} "
                + "{{ .Logs | tail 6 }}";
        try (SlackChannel ch = Channels.slack(receiver, "messageTemplate", template)) {
            JsonNode body = send(ch, Alerts.alert().build());
            assertThat(body.get("text").textValue()).isEqualTo(":red_circle: CRITICAL prod/nightly-backup: The last... "
                    + "...Killed");
            assertThat(body.get("blocks").isArray()).isTrue();
        }
        try (SlackChannel ch = Channels.slack(receiver, "messageTemplate", "{{.Title}}", "blocks", "false",
                "defaultChannel", "#legacy-spelling")) {
            JsonNode body = send(ch, Alerts.alert().build());
            assertThat(body.get("text").textValue()).isEqualTo("Job failed: nightly-backup");
            assertThat(body.has("blocks")).isFalse();
            assertThat(body.get("channel").textValue()).isEqualTo("#legacy-spelling");
        }
    }

    @Test
    void alertContentCannotMentionEveryoneOrBreakTheCodeBlock() {
        AlertMessage m = Alerts.alert().message("db down <!channel> <@U999> & <https://evil.example|click>")
                .logs("before\n```\nafter <!here>").build();
        try (SlackChannel ch = Channels.slack(receiver, "messageTemplate", "{{.Message}}")) {
            JsonNode body = send(ch, m);
            assertThat(body.get("text").textValue())
                    .isEqualTo("db down &lt;!channel&gt; &lt;@U999&gt; &amp; &lt;https://evil.example|click&gt;");
            for (String t : texts(body.get("blocks"))) {
                assertThat(t).doesNotContain("<!channel>").doesNotContain("<!here>").doesNotContain("<@U999>");
            }
            String logs = texts(body.get("blocks")).stream().filter(t -> t.startsWith("*Log tail*")).findFirst()
                    .orElseThrow();
            assertThat(logs.indexOf("```", "*Log tail*\n```".length())).isEqualTo(logs.length() - 3);
        }
    }

    @Test
    void nastyContentStillGivesValidJsonWithinSlackLimits() {
        AlertMessage nasty = Alerts.alert().nasty().logs(Alerts.NASTY.repeat(100) + "\nTHE END").build();
        try (SlackChannel ch = Channels.slack(receiver)) {
            JsonNode body = send(ch, nasty);
            JsonNode blocks = body.get("blocks");
            assertThat(blocks.get(0).get("text").get("text").textValue().length()).isLessThanOrEqualTo(150);
            assertThat(blocks.get(0).get("text").get("text").textValue()).doesNotContain("\n");
            for (JsonNode b : blocks) {
                if (b.has("fields")) {
                    assertThat(b.get("fields").size()).isLessThanOrEqualTo(10);
                    b.get("fields").forEach(f -> assertThat(f.get("text").textValue().length()).isLessThanOrEqualTo(2000));
                }
            }
            // the header is plain_text, which Slack shows as typed (no mentions, no links); every mrkdwn text is escaped
            assertThat(blocks.get(0).get("text").get("type").textValue()).isEqualTo("plain_text");
            List<String> all = texts(blocks);
            for (String t : all.subList(1, all.size())) {
                assertThat(t.length()).isLessThanOrEqualTo(3000);
                assertThat(t).doesNotContain("<!channel>").doesNotContain("</script>").doesNotContain("<@U123>");
            }
            assertThat(texts(blocks)).anyMatch(t -> t.startsWith("*Log tail*") && t.endsWith("THE END```"));
            assertThat(body.get("text").textValue()).contains("&lt;!channel&gt;");
        }
    }

    @Test
    void slackErrorsAreReportedWithTheirBodyButNeverTheUrl() {
        receiver.then(HttpReceiver.Reply.status(404, "channel_not_found"),
                HttpReceiver.Reply.status(403, "invalid_token"));
        try (SlackChannel ch = Channels.slack(receiver)) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
            assertThat(r.detail()).isEqualTo("HTTP 404 from http://127.0.0.1:" + receiver.uri("/").getPort()
                    + "/…: channel_not_found");
            DeliveryResult r2 = ch.send(Alerts.alert().build());
            assertThat(r2.outcome()).isEqualTo(DeliveryResult.Outcome.FAILED);
            assertThat(r2.detail()).endsWith(": invalid_token").doesNotContain(Channels.TOKEN);
            assertThat(ch.destination()).isEqualTo("http://127.0.0.1:" + receiver.uri("/").getPort() + "/…");
        }
    }
}
