package io.cronjobguardian.api;

/**
 * Delivers alert messages to one destination (a Slack webhook, a PagerDuty service, an SMTP recipient list, ...).
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #send} is blocking, bounded by the channel's own timeouts, and reports the outcome instead of
 *       throwing (a thrown exception is treated as {@link DeliveryResult.Outcome#RETRY}). The engine calls it from
 *       its own sender threads, never from the thread that records runs, and retries with backoff.</li>
 *   <li>Thread-safe: the engine may send several messages concurrently.</li>
 *   <li>Idempotency: the same {@link AlertMessage#incidentId()} and {@link AlertMessage#kind()} may be sent again
 *       after an ambiguous failure; channels that support it use the incident id as dedup key.</li>
 *   <li>Secrets (URLs with tokens, routing keys, passwords) never appear in {@link Object#toString() toString()},
 *       {@link DeliveryResult#detail()}, exceptions or logs.</li>
 * </ul>
 * Implementations register an {@link AlertChannelProvider}.
 */
public interface AlertChannel extends AutoCloseable {

    /** The configured name of this channel (what monitors refer to in {@code channelRefs}). */
    String name();

    /** The channel type, e.g. {@code slack}, {@code pagerduty}, {@code webhook}, {@code email}. */
    String type();

    /** Delivers one message. */
    DeliveryResult send(AlertMessage message);

    /** Releases resources (HTTP clients, sessions). Idempotent. */
    @Override
    default void close() {
    }
}
