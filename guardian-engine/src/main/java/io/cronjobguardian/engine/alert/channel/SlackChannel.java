package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Posts to a Slack incoming webhook: a Block Kit message (header with the severity emoji and title; CronJob, type,
 * severity, job, exit code, reason, success rate and duration as fields; message; suggested fix; events; the
 * <em>end</em> of the log in a code block; incident id and times) plus a plain {@code text} fallback for
 * notifications. Resolutions are rendered as resolved ({@code :white_check_mark: Resolved: …}), reminders say
 * so. {@code messageTemplate} replaces the {@code text}; {@code blocks=false} sends the text alone. Every value from
 * the alert is escaped for mrkdwn, so a log line cannot ping {@code <!channel>}. See {@code ALERT-CHANNELS.md}.
 */
public final class SlackChannel extends BuiltInAlertChannel {

    /** Slack's limit for one section's text. */
    static final int SECTION_MAX = 3000;
    private static final int FIELD_MAX = 2000;
    private static final int HEADER_MAX = 150;
    private static final int TEXT_MAX = 3000;

    private final URI webhookUrl;
    private final String destination;
    private final String channel;
    private final String username;
    private final String iconEmoji;
    private final Template messageTemplate;
    private final boolean blocks;
    private final int maxLogChars;
    private final HttpTransport http;

    SlackChannel(ChannelSettings cs) {
        super(cs);
        String url = cs.secret("webhookUrl", true);
        this.webhookUrl = cs.httpUrl("webhookUrl", url, true);
        this.destination = HttpTransport.describe(webhookUrl);
        String legacyChannel = cs.string("defaultChannel", null); // the operator's spelling
        this.channel = cs.string("channel", legacyChannel);
        this.username = cs.string("username", null);
        this.iconEmoji = cs.string("iconEmoji", null);
        this.messageTemplate = cs.template("messageTemplate", Template.Escaping.SLACK);
        this.blocks = cs.bool("blocks", true);
        this.maxLogChars = cs.integer("maxLogChars", 2500, 0, SECTION_MAX - 100);
        this.http = new HttpTransport(cs.name(), timeout(), cs.clock());
        ready(cs);
    }

    @Override
    public String destination() {
        return destination;
    }

    @Override
    protected DeliveryResult deliver(AlertMessage m) {
        return http.send("POST", webhookUrl, List.of(Map.entry(HttpTransport.IDEMPOTENCY_KEY, m.idempotencyKey())),
                payload(m), destination);
    }

    @Override
    void release() {
        http.close();
    }

    /** The JSON body for one message. */
    String payload(AlertMessage m) {
        String text = render(messageTemplate, "messageTemplate", m);
        if (text == null || text.isBlank()) {
            text = defaultText(m);
        }
        Json.Writer w = new Json.Writer().beginObject();
        w.field("text", Texts.head(text, TEXT_MAX));
        if (channel != null) {
            w.field("channel", channel);
        }
        if (username != null) {
            w.field("username", username);
        }
        if (iconEmoji != null) {
            w.field("icon_emoji", iconEmoji);
        }
        if (blocks) {
            w.name("blocks").beginArray();
            blocks(w, m);
            w.endArray();
        }
        return w.endObject().toString();
    }

    private static String severityTag(AlertMessage m) {
        return "[" + Texts.upper(m.severity()) + "] ";
    }

    /** The notification text: emoji, kind, severity, title, CronJob, type and the start of the message. */
    static String defaultText(AlertMessage m) {
        String ref = Texts.slack(m.cronJob().toString());
        String type = m.type().wireName();
        StringBuilder sb = new StringBuilder(Texts.emoji(m)).append(" *");
        switch (m.kind()) {
            case RESOLVED:
                sb.append("Resolved: ").append(Texts.slack(m.title())).append("*\nCronJob `").append(ref).append("` · ")
                        .append(type);
                Duration open = Texts.openFor(m);
                if (open != null) {
                    sb.append(" · open for ").append(Texts.humanize(open));
                }
                return sb.toString();
            case REMINDER:
                sb.append("Reminder: ").append(severityTag(m)).append(Texts.slack(m.title())).append("*");
                break;
            case TEST:
                sb.append(Texts.slack(Texts.kindTitle(m))).append("*");
                break;
            default:
                sb.append(severityTag(m)).append(Texts.slack(m.title())).append("*");
        }
        sb.append("\nCronJob `").append(ref).append("` · ").append(type);
        if (!m.message().isBlank()) {
            sb.append('\n').append(Texts.slack(Texts.head(m.message(), 1000)));
        }
        return sb.toString();
    }

    private void blocks(Json.Writer w, AlertMessage m) {
        AlertContext c = m.context();
        boolean resolved = m.kind() == NotificationKind.RESOLVED;
        String header = Texts.emoji(m) + " " + (m.kind() == NotificationKind.REMINDER
                ? "Reminder: " + m.title() : Texts.kindTitle(m));
        w.beginObject().field("type", "header").name("text").beginObject().field("type", "plain_text")
                .field("text", Texts.head(Texts.oneLine(header), HEADER_MAX)).field("emoji", true).endObject()
                .endObject();

        List<String> fields = new ArrayList<>();
        fields.add("*CronJob*\n`" + fit(m.cronJob().toString(), FIELD_MAX - 20) + "`");
        fields.add("*Type*\n" + m.type().wireName());
        fields.add("*Severity*\n" + m.severity().wireName());
        if (c.jobName() != null) {
            fields.add("*Job*\n`" + fit(c.jobName(), FIELD_MAX - 20) + "`");
        }
        if (c.exitCode() != null) {
            fields.add("*Exit code*\n" + c.exitCode());
        }
        if (!Texts.isBlank(c.reason())) {
            fields.add("*Reason*\n" + fit(c.reason(), FIELD_MAX - 20));
        }
        if (c.successRate() != null) {
            fields.add("*Success rate*\n" + Texts.percent(c.successRate()));
        }
        if (c.lastDuration() != null) {
            fields.add("*Duration*\n" + Texts.goDuration(c.lastDuration()));
        }
        Duration open = Texts.openFor(m);
        if (resolved && open != null) {
            fields.add("*Open for*\n" + Texts.humanize(open));
        }
        w.beginObject().field("type", "section").name("fields").beginArray();
        for (int i = 0; i < fields.size() && i < 10; i++) {
            mrkdwn(w, Texts.head(fields.get(i), FIELD_MAX));
        }
        w.endArray().endObject();

        if (!m.message().isBlank()) {
            section(w, fit(m.message(), SECTION_MAX - 100));
        }
        if (!resolved) {
            if (!Texts.isBlank(c.message()) && !c.message().equals(m.message())) {
                section(w, "*Termination message*\n" + fit(c.message(), SECTION_MAX - 200));
            }
            if (!Texts.isBlank(c.podStatus())) {
                section(w, "*Pod status*\n" + fit(c.podStatus(), SECTION_MAX - 200));
            }
            if (!Texts.isBlank(c.suggestedFix())) {
                section(w, ":bulb: *Suggested fix*\n" + fit(c.suggestedFix(), SECTION_MAX - 200));
            }
            if (!c.events().isEmpty()) {
                StringBuilder ev = new StringBuilder("*Events*");
                int shown = 0;
                for (String e : c.events()) {
                    String line = "\n• " + Texts.slack(Texts.head(Texts.oneLine(e), 280));
                    if (shown == 10 || ev.length() + line.length() > SECTION_MAX - 100) {
                        ev.append("\n… ").append(c.events().size() - shown).append(" more");
                        break;
                    }
                    ev.append(line);
                    shown++;
                }
                section(w, ev.toString());
            }
            if (!Texts.isBlank(c.logTail()) && maxLogChars > 0) {
                section(w, "*Log tail*\n```" + logTail(c.logTail()) + "```");
            }
        }
        StringBuilder ctx = new StringBuilder("Incident `").append(Texts.slack(m.incidentId())).append("` · Monitor `")
                .append(Texts.slack(m.key().monitor())).append("` · Opened ").append(Texts.rfc3339(m.openedAt()));
        if (m.resolvedAt() != null) {
            ctx.append(" · Resolved ").append(Texts.rfc3339(m.resolvedAt()));
        }
        w.beginObject().field("type", "context").name("elements").beginArray();
        mrkdwn(w, Texts.head(ctx.toString(), FIELD_MAX));
        w.endArray().endObject();
    }

    /** The end of the log, escaped, fitting a section: cut from the start so the last lines are kept. */
    private String logTail(String log) {
        int budget = Math.min(maxLogChars, SECTION_MAX - 40);
        int keep = budget;
        String escaped = Texts.slackCode(Texts.tail(log, keep));
        while (escaped.length() > budget && keep > 1) {
            keep = Math.max(1, keep - (escaped.length() - budget) - 1);
            escaped = Texts.slackCode(Texts.tail(log, keep));
        }
        return escaped;
    }

    /** {@code raw} escaped for mrkdwn and cut (at its end) so that the escaped text fits {@code max}. */
    static String fit(String raw, int max) {
        int keep = max;
        String s = Texts.slack(Texts.head(raw, keep));
        while (s.length() > max && keep > 1) {
            keep = Math.max(1, keep - (s.length() - max) - 1);
            s = Texts.slack(Texts.head(raw, keep));
        }
        return s;
    }

    private static void section(Json.Writer w, String mrkdwn) {
        w.beginObject().field("type", "section").name("text");
        mrkdwn(w, mrkdwn);
        w.endObject();
    }

    private static void mrkdwn(Json.Writer w, String text) {
        w.beginObject().field("type", "mrkdwn").field("text", text).endObject();
    }
}
