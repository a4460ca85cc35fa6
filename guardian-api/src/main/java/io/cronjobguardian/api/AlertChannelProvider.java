package io.cronjobguardian.api;

/**
 * Creates {@link AlertChannel}s of one type ({@link #name()} is the type: {@code slack}, {@code pagerduty},
 * {@code webhook}, {@code email}, or a custom one). Registered in
 * {@code META-INF/services/io.cronjobguardian.api.AlertChannelProvider}. {@link #create} receives the settings of
 * one channel (its {@code name} key included) and resolves secrets through
 * {@link ProviderContext#secretResolver()}.
 */
public interface AlertChannelProvider extends GuardianProvider<AlertChannel> {
    /** Key, inside one channel's settings, naming the channel type. */
    String TYPE_KEY = "type";
    /** What to add when none is found. */
    String ARTIFACTS = "io.cronjobguardian:guardian-engine (slack, pagerduty, webhook), "
            + "io.cronjobguardian:guardian-alert-email (email) or the artifact of your custom channel";
}
