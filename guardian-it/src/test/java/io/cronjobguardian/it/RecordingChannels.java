package io.cronjobguardian.it;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * One "receiver" behind several {@link RecordingAlertChannel} instances: every replica builds its own channel from
 * configuration ({@code channels.<name>.type: recording}), as replicas of one service would each have their own
 * client of one endpoint, and the test counts what all of them delivered.
 *
 * <p>Configured channels instead of {@code Guardian.builder().alertChannel(...)} because only a configured channel
 * can set {@code maxAlertsPerHour}/{@code burstLimit}: a builder channel always gets the defaults (100 per hour,
 * burst 10), far too few for hundreds of notifications in a test. The registry reaches the provider through the
 * {@link ProviderContext} ({@code Guardian.builder().service(RecordingChannels.class, ...)}), so nothing is static.
 */
final class RecordingChannels {

    private final List<RecordingAlertChannel> instances = new ArrayList<>();

    synchronized RecordingAlertChannel create(String name) {
        RecordingAlertChannel c = new RecordingAlertChannel(name);
        instances.add(c);
        return c;
    }

    synchronized List<RecordingAlertChannel> instances() {
        return List.copyOf(instances);
    }

    /** Every message delivered by any instance of the channel {@code name}. */
    List<AlertMessage> delivered(String name) {
        List<AlertMessage> out = new ArrayList<>();
        for (RecordingAlertChannel c : instances()) {
            if (c.name().equals(name)) {
                out.addAll(c.delivered());
            }
        }
        return out;
    }

    /** Every call to {@code send} on any instance of the channel {@code name}. */
    List<AlertMessage> sent(String name) {
        List<AlertMessage> out = new ArrayList<>();
        for (RecordingAlertChannel c : instances()) {
            if (c.name().equals(name)) {
                out.addAll(c.messages());
            }
        }
        return out;
    }

    /** {@code type: recording}: a {@link RecordingAlertChannel} registered with the host's {@link RecordingChannels}. */
    public static final class Provider implements AlertChannelProvider {
        public static final String TYPE = "recording";

        @Override
        public String name() {
            return TYPE;
        }

        @Override
        public AlertChannel create(Settings settings, ProviderContext context) {
            RecordingChannels registry = context.lookup(RecordingChannels.class).orElseThrow(() ->
                    new ConfigException("channels." + settings.require("name") + ".type",
                            "a recording channel needs Guardian.builder().service(RecordingChannels.class, ...)"));
            return registry.create(settings.require("name"));
        }
    }
}
