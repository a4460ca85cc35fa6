package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Creates channels the way the engine does: provider found by name, then {@code create(settings, context)}. */
final class Channels {

    /** The secret part of the test webhook paths: must never show up anywhere. */
    static final String TOKEN = "T0123ABCD/B0456EFGH/s3cr3tT0k3nXyZ987";
    static final String ROUTING_KEY = "R0uT1nGk3y-0123456789abcdef0123";

    private Channels() {
    }

    static AlertChannel create(String type, String name, ProviderContext ctx, String... pairs) {
        AlertChannelProvider p = Providers.byName(AlertChannelProvider.class, type)
                .orElseThrow(() -> new AssertionError("no provider " + type));
        return p.create(Alerts.settings(name, type, pairs), ctx);
    }

    static String[] with(String[] base, String... more) {
        List<String> all = new ArrayList<>(Arrays.asList(base));
        all.addAll(Arrays.asList(more));
        return all.toArray(new String[0]);
    }

    static SlackChannel slack(HttpReceiver r, String... pairs) {
        return (SlackChannel) create("slack", "ops", Alerts.context(),
                with(new String[] {"webhookUrl", r.url("/services/" + TOKEN)}, pairs));
    }

    static PagerDutyChannel pagerDuty(HttpReceiver r, String... pairs) {
        return (PagerDutyChannel) create("pagerduty", "pd", Alerts.context(),
                with(new String[] {"routingKey", ROUTING_KEY, "endpoint", r.url("/v2/enqueue")}, pairs));
    }

    static WebhookChannel webhook(HttpReceiver r, String... pairs) {
        return (WebhookChannel) create("webhook", "hook", Alerts.context(),
                with(new String[] {"url", r.url("/hooks/" + TOKEN + "?token=qs-s3cr3t-value")}, pairs));
    }

    /** A channel of the given HTTP type pointed at the receiver. */
    static BuiltInAlertChannel http(String type, HttpReceiver r, String... pairs) {
        switch (type) {
            case "slack":
                return slack(r, pairs);
            case "pagerduty":
                return pagerDuty(r, pairs);
            default:
                return webhook(r, pairs);
        }
    }

    static Settings settings(String name, String type, String... pairs) {
        return Alerts.settings(name, type, pairs);
    }
}
