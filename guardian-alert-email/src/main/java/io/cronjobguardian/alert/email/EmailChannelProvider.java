package io.cronjobguardian.alert.email;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertChannelProvider;
import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.alert.channel.ChannelSettings;

/**
 * Creates {@link EmailChannel}s ({@code type: email}); registered in {@code META-INF/services} of
 * {@code io.cronjobguardian:guardian-alert-email}. Needs Jakarta Mail ({@code org.eclipse.angus:angus-mail}, a
 * dependency of this artifact); when it was excluded, {@link #create} fails with a {@link ConfigException} saying
 * so, and the other channel types keep working. Creating a channel opens no connection.
 */
public final class EmailChannelProvider implements AlertChannelProvider {

    /** The type name, {@value}. */
    public static final String TYPE = "email";

    @Override
    public String name() {
        return TYPE;
    }

    @Override
    public AlertChannel create(Settings settings, ProviderContext context) {
        ChannelSettings cs = new ChannelSettings(settings, context, TYPE);
        try {
            Class.forName("jakarta.mail.Session", false, EmailChannelProvider.class.getClassLoader());
            Class.forName("org.eclipse.angus.mail.smtp.SMTPTransport", false,
                    EmailChannelProvider.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new ConfigException(cs.key(AlertChannelProvider.TYPE_KEY), "email channels need Jakarta Mail on "
                    + "the classpath; add org.eclipse.angus:angus-mail");
        }
        return EmailChannel.create(cs);
    }

    @Override
    public String toString() {
        return "EmailChannelProvider[" + TYPE + "]";
    }
}
