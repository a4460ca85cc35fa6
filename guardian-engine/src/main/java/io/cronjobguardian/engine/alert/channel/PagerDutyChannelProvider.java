package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;

/**
 * Creates {@link PagerDutyChannel}s ({@code type: pagerduty}). Creating one validates the settings, resolves the secrets and
 * checks the templates; it opens no connection and starts no thread.
 */
public final class PagerDutyChannelProvider implements AlertChannelProvider {

    /** The type name, {@value}. */
    public static final String TYPE = "pagerduty";

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public AlertChannel create(Settings settings, ProviderContext context) {
        return new PagerDutyChannel(new ChannelSettings(settings, context, TYPE));
    }

    @Override
    public String toString() {
        return "PagerDutyChannelProvider[" + TYPE + "]";
    }
}
