package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.DeliveryResult;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Sends a JSON document to any HTTP endpoint ({@code url}, {@code method} POST or PUT, {@code headers.<Name>},
 * {@code Content-Type: application/json}). The body is the default document (see {@link #defaultPayload}) written
 * with a real JSON writer, or {@code payloadTemplate}, where every inserted value is escaped for its place in the
 * JSON, so the body is valid JSON whatever the alert contains. A template is checked when the channel is created
 * (rendered for sample alerts full of quotes, newlines, backslashes, emoji and a lone surrogate) and rejected if
 * the result is not valid JSON; a body that is not valid JSON is never sent. Every request carries
 * {@code Idempotency-Key: <AlertMessage.idempotencyKey()>}, the same for every attempt of one notification, so a
 * receiver can drop a repeated delivery. See {@code ALERT-CHANNELS.md}.
 */
public final class WebhookChannel extends BuiltInAlertChannel {

    /** Version of the default document ({@code "version": 1}). */
    public static final int PAYLOAD_VERSION = 1;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers {@link java.net.http.HttpClient} sets itself and refuses. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade",
            "transfer-encoding", "te", "trailer", "keep-alive", "proxy-connection");

    private final URI url;
    private final String destination;
    private final String method;
    private final List<Map.Entry<String, String>> headers;
    private final Template payloadTemplate;
    private final int maxLogChars;
    private final HttpTransport http;

    WebhookChannel(ChannelSettings cs) {
        super(cs);
        String u = cs.secret("url", true);
        this.url = cs.httpUrl("url", u, true);
        this.destination = HttpTransport.describe(url);
        this.method = cs.choice("method", "POST", "POST", "PUT");
        List<Map.Entry<String, String>> hs = new ArrayList<>();
        for (Map.Entry<String, String> h : cs.secretGroup("headers").entrySet()) {
            String name = h.getKey().trim();
            String key = cs.key("headers." + name);
            if (!TOKEN.matcher(name).matches()) {
                throw new ConfigException(key, "\"" + name + "\" is not a valid HTTP header name");
            }
            if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                throw new ConfigException(key, "the HTTP client sets " + name + " itself; it cannot be configured");
            }
            String value = h.getValue();
            if (value.isEmpty()) {
                throw new ConfigException(key, "is empty; accepted: a header value, or a secret reference "
                        + "secret:<name> or env:<VARIABLE>");
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c == 0x7f) {
                    throw new ConfigException(key, "the value contains a line break or control character (value "
                            + "not shown)");
                }
            }
            hs.add(Map.entry(name, value));
        }
        this.headers = List.copyOf(hs);
        this.payloadTemplate = cs.template("payloadTemplate", Template.Escaping.JSON);
        this.maxLogChars = cs.integer("maxLogChars", 10_000, 0, 1_000_000);
        this.http = new HttpTransport(cs.name(), timeout(), cs.clock());
        ready(cs);
    }

    @Override
    public String destination() {
        return destination;
    }

    /** {@code POST} or {@code PUT}. */
    public String method() {
        return method;
    }

    /** The configured header names (values are never exposed). */
    public List<String> headerNames() {
        List<String> names = new ArrayList<>();
        headers.forEach(h -> names.add(h.getKey()));
        return names;
    }

    @Override
    protected DeliveryResult deliver(AlertMessage m) {
        String body = payload(m);
        String problem = Json.describeError(body);
        if (problem != null) {
            return DeliveryResult.failed("payloadTemplate rendered invalid JSON (" + problem + "); not sent");
        }
        List<Map.Entry<String, String>> hs = new ArrayList<>(headers);
        hs.add(Map.entry(HttpTransport.IDEMPOTENCY_KEY, m.idempotencyKey()));   // last: a configured one cannot replace it
        return http.send(method, url, hs, body, destination);
    }

    @Override
    void release() {
        http.close();
    }

    /** The body for one message: the template's output, or the default document. */
    String payload(AlertMessage m) {
        String rendered = render(payloadTemplate, "payloadTemplate", m);
        return rendered != null ? rendered : defaultPayload(m);
    }

    /**
     * The default document:
     * <pre>{@code
     * {"version":1, "id":"<incident id>", "key":"monitor|ns/name|JobFailed", "kind":"opened|reminder|resolved|test",
     *  "type":"JobFailed", "severity":"critical", "title":"...", "message":"...",
     *  "cronjob":{"namespace":"...","name":"..."}, "monitor":"...", "subject":"", "channel":"<channel name>",
     *  "notificationId":12, "openedAt":"2026-...Z", "resolvedAt":null, "sentAt":"2026-...Z", "timestamp":"2026-...Z",
     *  "context":{"jobName":..., "exitCode":137, "reason":..., "message":..., "logs":"<tail>", "events":[...],
     *             "podStatus":..., "suggestedFix":..., "successRate":87.5, "lastDurationSeconds":95.0,
     *             "attributes":{...}}}
     * }</pre>
     * Absent values are {@code null}; times RFC 3339 UTC; {@code timestamp} is when the notified event happened.
     */
    String defaultPayload(AlertMessage m) {
        AlertContext c = m.context();
        Json.Writer w = new Json.Writer().beginObject()
                .field("version", PAYLOAD_VERSION)
                .field("id", m.incidentId())
                .field("key", m.key().asString())
                .field("kind", Texts.kind(m.kind()))
                .field("type", m.type().wireName())
                .field("severity", m.severity().wireName())
                .field("title", m.title())
                .field("message", m.message());
        w.name("cronjob").beginObject().field("namespace", m.cronJob().namespace()).field("name", m.cronJob().name())
                .endObject();
        w.field("monitor", m.key().monitor())
                .field("subject", m.key().subject())
                .field("channel", name())
                .field("notificationId", m.notificationId())
                .field("openedAt", Texts.rfc3339(m.openedAt()))
                .field("resolvedAt", Texts.rfc3339(m.resolvedAt()))
                .field("sentAt", Texts.rfc3339(m.sentAt()))
                .field("timestamp", Texts.rfc3339(TemplateData.timestamp(m)));
        w.name("context").beginObject()
                .field("jobName", c.jobName())
                .field("exitCode", c.exitCode())
                .field("reason", c.reason())
                .field("message", c.message())
                .field("logs", maxLogChars == 0 ? null : Texts.tail(c.logTail(), maxLogChars))
                .field("events", c.events())
                .field("podStatus", c.podStatus())
                .field("suggestedFix", c.suggestedFix())
                .field("successRate", c.successRate())
                .field("lastDurationSeconds", c.lastDuration() == null ? null
                        : (Number) (c.lastDuration().toMillis() / 1000.0));
        w.name("attributes").value(new TreeMap<>(c.attributes()));
        return w.endObject().endObject().toString();
    }
}
