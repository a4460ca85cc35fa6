package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;

/**
 * Creates {@link WebhookChannel}s ({@code type: webhook}). Creating one validates the settings, resolves the secrets and
 * checks the templates; it opens no connection and starts no thread.
 */
public final class WebhookChannelProvider implements AlertChannelProvider {

    /** The type name, {@value}. */
    public static final String TYPE = "webhook";

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public AlertChannel create(Settings settings, ProviderContext context) {
        return new WebhookChannel(new ChannelSettings(settings, context, TYPE));
    }

    @Override
    public String toString() {
        return "WebhookChannelProvider[" + TYPE + "]";
    }
}
