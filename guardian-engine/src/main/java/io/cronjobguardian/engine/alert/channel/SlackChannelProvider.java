package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;

/**
 * Creates {@link SlackChannel}s ({@code type: slack}). Creating one validates the settings, resolves the secrets and
 * checks the templates; it opens no connection and starts no thread.
 */
public final class SlackChannelProvider implements AlertChannelProvider {

    /** The type name, {@value}. */
    public static final String TYPE = "slack";

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public AlertChannel create(Settings settings, ProviderContext context) {
        return new SlackChannel(new ChannelSettings(settings, context, TYPE));
    }

    @Override
    public String toString() {
        return "SlackChannelProvider[" + TYPE + "]";
    }
}
