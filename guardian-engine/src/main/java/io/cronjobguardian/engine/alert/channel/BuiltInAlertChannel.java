package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.Settings;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the four built-in channels ({@link SlackChannel}, {@link PagerDutyChannel}, {@link WebhookChannel},
 * and {@code EmailChannel} in {@code guardian-alert-email}) share: name, type, the common keys the engine reads ({@link #maxAlertsPerHour()},
 * {@link #burstLimit()}), the delivery {@link #timeout()}, a secret-free {@link #destination()}, and a
 * {@link #send} that never throws and never reports a secret.
 *
 * <p>Each channel logs under {@code <class name>.<channel name>} (for example
 * {@code io.cronjobguardian.engine.alert.channel.SlackChannel.ops}), at DEBUG for every delivery and at WARN for
 * unexpected errors; log lines never contain secrets.
 */
public abstract class BuiltInAlertChannel implements AlertChannel {

    private final String name;
    private final String type;
    private final Duration timeout;
    private final int maxAlertsPerHour;
    private final int burstLimit;
    private final Clock clock;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set once, at the end of the subclass constructor ({@link #ready}). */
    private volatile Redactor redactor = Redactor.of(java.util.List.of());
    /** This channel's logger, {@code <class name>.<channel name>}. */
    protected final Logger log;

    /**
     * Reads the common keys.
     *
     * @param cs the channel's settings
     */
    protected BuiltInAlertChannel(ChannelSettings cs) {
        this.name = cs.name();
        this.type = cs.type();
        this.timeout = cs.timeout();
        this.maxAlertsPerHour = cs.maxAlertsPerHour();
        this.burstLimit = cs.burstLimit();
        this.clock = cs.clock();
        this.log = LoggerFactory.getLogger(getClass().getName() + "." + name);
    }

    /**
     * Called last by each constructor: rejects unknown keys and learns the secrets to scrub.
     *
     * @param cs the settings the constructor read
     */
    protected final void ready(ChannelSettings cs) {
        cs.rejectUnknown();
        this.redactor = Redactor.of(cs.secrets());
        if (log.isDebugEnabled()) {
            log.debug("created {} channel {} to {} (timeout {})", type, name, destination(), Settings.format(timeout));
        }
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String type() {
        return type;
    }

    /** Bound of one delivery attempt ({@code timeout}, default 10s). */
    public final Duration timeout() {
        return timeout;
    }

    /** {@code maxAlertsPerHour} (default 100); enforced by the engine, which defers, never drops. */
    public final int maxAlertsPerHour() {
        return maxAlertsPerHour;
    }

    /** {@code burstLimit} (default 10); enforced by the engine. */
    public final int burstLimit() {
        return burstLimit;
    }

    /**
     * Where messages go, without secrets: {@code https://hooks.slack.com/…} (scheme, host and port only) or
     * {@code smtp+starttls://mail.example.com:587}.
     */
    public abstract String destination();

    final Clock clock() {
        return clock;
    }

    final Redactor redactor() {
        return redactor;
    }

    /**
     * A secret-free description of an error (class and message chain, every secret of this channel masked).
     *
     * @param e the error
     * @return the description
     */
    protected final String describe(Throwable e) {
        return redactor.describe(e);
    }

    /** {@code true} once {@link #close()} was called. */
    public final boolean isClosed() {
        return closed.get();
    }

    /**
     * Delivers one message: never throws (an unexpected exception becomes {@code RETRY}), and the detail never
     * contains a secret. After {@link #close()} every call answers {@code RETRY} without sending.
     */
    @Override
    public final DeliveryResult send(AlertMessage message) {
        Objects.requireNonNull(message, "message");
        if (closed.get()) {
            return DeliveryResult.retry(type + " channel " + name + " is closed");
        }
        long start = System.nanoTime();
        DeliveryResult r;
        try {
            r = deliver(message);
        } catch (RuntimeException | LinkageError e) {
            String what = redactor.describe(e);
            log.warn("{} channel {}: unexpected error delivering incident {} ({}): {}", type, name,
                    message.incidentId(), Texts.kind(message.kind()), what);
            r = DeliveryResult.retry("unexpected error: " + what);
        }
        r = new DeliveryResult(r.outcome(), redactor.scrub(Texts.head(r.detail(), 1000)), r.retryAfter());
        if (log.isDebugEnabled()) {
            log.debug("{} channel {}: incident {} ({}) -> {} in {} ms: {}{}", type, name, message.incidentId(),
                    Texts.kind(message.kind()), r.outcome(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                    r.detail(), r.retryAfter() == null ? "" : " (retry after " + Settings.format(r.retryAfter()) + ")");
        }
        return r;
    }

    /**
     * Delivers one message; may throw (then {@link #send} answers RETRY).
     *
     * @param message the message
     * @return the outcome
     */
    protected abstract DeliveryResult deliver(AlertMessage message);

    /**
     * Renders a user template; on a rendering error, logs it and answers {@code null} (use the default).
     *
     * @param t the template, or {@code null}
     * @param key the setting it came from, for the log
     * @param m the message
     * @return the text, or {@code null}
     */
    protected final String render(Template t, String key, AlertMessage m) {
        if (t == null) {
            return null;
        }
        try {
            return t.render(TemplateData.of(m, name));
        } catch (TemplateException e) {
            log.warn("{} channel {}: {} failed for incident {}, using the default text: {}", type, name, key,
                    m.incidentId(), redactor.scrub(e.getMessage()));
            return null;
        }
    }

    /** Releases resources; idempotent. Messages sent afterwards answer {@code RETRY}. */
    @Override
    public final void close() {
        if (closed.compareAndSet(false, true)) {
            release();
            log.debug("{} channel {} closed", type, name);
        }
    }

    /** Releases the channel's resources (called once). */
    void release() {
    }

    /** Name, type and destination; never a secret. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[name=" + name + ", destination=" + destination() + ", timeout="
                + Settings.format(timeout) + (closed.get() ? ", closed" : "") + "]";
    }
}
