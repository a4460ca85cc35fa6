package io.cronjobguardian.engine.alert;

import io.cronjobguardian.api.AlertChannel;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.core.IncidentListener;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.TaskScheduler;
import io.cronjobguardian.engine.time.TimerGroup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns incident transitions into notifications and delivers them through the store's outbox.
 *
 * <p><b>Routing</b> (engine thread, leader only, as {@link IncidentListener}): an opened incident queues one
 * {@link NotificationKind#OPENED} notification per channel of the monitor's {@code channelRefs} that accepts its
 * severity, due after {@code alertDelay}; a changed failure signature or severity, and each
 * {@code renotifyInterval}, queue a {@link NotificationKind#REMINDER}; a resolution queues
 * {@link NotificationKind#RESOLVED} for exactly the channels that got the opening, and cancels openings still
 * waiting (so an incident that recovers within {@code alertDelay} is never announced). An incident opened again
 * within {@code suppressDuplicatesFor} of a notified one with the same key and failure signature is recorded but
 * not announced.
 *
 * <p><b>Delivery</b> (leader only): the dispatcher claims due notifications in the store (one claimant wins), sends
 * each on its channel's own thread (a slow or hung channel delays only itself, never another channel or the
 * recording of runs), marks it sent, or schedules a retry with exponential backoff (or the receiver's
 * {@code Retry-After}) for network errors, timeouts, 5xx and 429; gives up on other errors and after
 * {@value #GIVE_UP_HOURS} hours. The global ({@code rateLimits.*}) and per-channel ({@code maxAlertsPerHour},
 * {@code burstLimit}) rate limits defer notifications; they never drop them. A delivery completed after this
 * replica lost leadership is still recorded (the claim guards it), so the new leader does not send it again.
 */
public final class AlertPipeline implements IncidentListener, EngineObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertPipeline.class);
    static final int GIVE_UP_HOURS = 24;
    private static final Duration CLAIM_TTL = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final int BATCH = 100;

    private final HistoryStore store;
    private final Map<String, AlertChannel> channels;
    private final GuardianConfig config;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final String identity;
    private final boolean synchronous;
    private final TimerGroup<String> timers;
    private final TokenBucket global;
    private final Map<String, TokenBucket> perChannel = new ConcurrentHashMap<>();
    private final Map<String, ExecutorService> executors = new ConcurrentHashMap<>();
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sending = new AtomicInteger();
    private volatile MeterRegistry registry;
    private volatile java.util.function.LongConsumer fenced = e -> { };
    private volatile boolean leading;
    private volatile long epoch;
    private volatile boolean closed;

    /**
     * @param channels    the channels by name
     * @param identity    this replica's identity (claims are made as {@code identity#epoch})
     * @param synchronous send on the dispatching thread instead of per-channel threads (for deterministic tests)
     */
    public AlertPipeline(HistoryStore store, Map<String, AlertChannel> channels, GuardianConfig config,
            TaskScheduler scheduler, String identity, boolean synchronous) {
        this.store = Objects.requireNonNull(store, "store");
        this.channels = Map.copyOf(channels);
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = scheduler.clock();
        this.identity = Objects.requireNonNull(identity, "identity");
        this.synchronous = synchronous;
        this.timers = new TimerGroup<>(scheduler);
        GuardianConfig.RateLimits rl = config.rateLimits();
        this.global = new TokenBucket(rl.maxAlertsPerMinute(), Duration.ofMinutes(1), rl.burstLimit(),
                clock.instant());
    }

    /** Registers {@code cronjob_guardian_alerts_total} and {@code cronjob_guardian_alerts_failed_total}. */
    public void bindTo(MeterRegistry r) {
        this.registry = r;
    }

    /**
     * Told (on the engine thread, with the epoch of the write) when the store rejected one of the dispatcher's
     * claims as stale: another replica leads, and the engine must stand down as it does for its own writes.
     */
    public void onFenced(java.util.function.LongConsumer handler) {
        this.fenced = Objects.requireNonNull(handler, "handler");
    }

    /** The channels by name. */
    public Map<String, AlertChannel> channels() {
        return channels;
    }

    // ================================================================ leadership (engine thread)

    @Override
    public void leadership(boolean isLeading, long newEpoch) {
        leading = isLeading;
        epoch = newEpoch;
        timers.cancelAll();
        if (isLeading) {
            scheduler.execute(this::dispatch);
        }
    }

    @Override
    public void recorded(JobSnapshot job) {
    }

    // ================================================================ routing (engine thread)

    @Override
    public void opened(Incident incident, MonitorSpec monitor, long writeEpoch) {
        MonitorSpec.Alerting a = monitor.alerting();
        if (!a.enabled() || a.channelRefs().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        if (isDuplicate(incident, a, now)) {
            LOG.info("{} not announced: a notified incident with the same key and failure resolved within {}",
                    incident.key().asString(), Settings.format(a.suppressDuplicatesFor(
                            config.rateLimits().defaultSuppressDuplicatesFor())));
            return;
        }
        queue(incident, monitor, NotificationKind.OPENED, 0, now.plus(a.alertDelay()), writeEpoch);
    }

    @Override
    public void changed(Incident before, Incident after, MonitorSpec monitor, long writeEpoch) {
        if (!monitor.alerting().enabled() || monitor.alerting().channelRefs().isEmpty()
                || !announced(after.id())) {
            return;
        }
        queue(after, monitor, NotificationKind.REMINDER, after.notificationCount() + 1, clock.instant(), writeEpoch);
    }

    @Override
    public void remind(Incident incident, MonitorSpec monitor, long writeEpoch) {
        if (!announced(incident.id())) {
            return;
        }
        queue(incident, monitor, NotificationKind.REMINDER, incident.notificationCount() + 1, clock.instant(),
                writeEpoch);
    }

    @Override
    public void resolved(Incident incident, MonitorSpec monitor, long writeEpoch) {
        resolve(incident, writeEpoch);
    }

    @Override
    public void resolvedWithoutMonitor(Incident incident, long writeEpoch) {
        resolve(incident, writeEpoch);
    }

    private void queue(Incident incident, MonitorSpec monitor, NotificationKind kind, int sequence, Instant due,
            long writeEpoch) {
        int queued = 0;
        for (MonitorSpec.ChannelRef ref : monitor.alerting().channelRefs()) {
            if (!ref.accepts(incident.severity())) {
                continue;
            }
            if (!channels.containsKey(ref.name())) {
                LOG.warn("monitor {} refers to channel \"{}\", which is not configured (configured: {})",
                        monitor.id(), ref.name(), channels.keySet());
                continue;
            }
            if (store.enqueueNotification(new NotificationDraft(incident.id(), ref.name(), kind, sequence, due),
                    writeEpoch).isPresent()) {
                queued++;
            }
        }
        if (queued > 0) {
            store.updateIncident(incident.notifiedAt(clock.instant()), writeEpoch);
            wake(due);
        }
    }

    private void resolve(Incident incident, long writeEpoch) {
        String claimant = claimant(writeEpoch) + "-router";
        Instant now = clock.instant();
        Map<String, Boolean> opened = new LinkedHashMap<>();
        for (Notification n : store.notifications(incident.id())) {
            if (n.kind() == NotificationKind.RESOLVED) {
                continue;
            }
            boolean cancelled = false;
            if (n.status() == NotificationStatus.PENDING) {
                // not sent yet (alertDelay, retry, rate limit): cancel it
                Optional<Notification> c = store.claimNotification(n.id(), claimant, now.isBefore(n.dueAt())
                        ? n.dueAt() : now, CLAIM_TTL, writeEpoch);
                if (c.isPresent()) {
                    store.markNotificationFailed(n.id(), claimant, "cancelled: the incident was resolved first", null);
                    cancelled = true;
                }
            }
            if (n.kind() == NotificationKind.OPENED && !cancelled && n.status() != NotificationStatus.FAILED) {
                opened.put(n.channel(), true);   // sent, or being sent: it gets the resolution
            }
        }
        for (String channel : opened.keySet()) {
            store.enqueueNotification(new NotificationDraft(incident.id(), channel, NotificationKind.RESOLVED, 0, now),
                    writeEpoch);
        }
        if (!opened.isEmpty()) {
            wake(now);
        }
    }

    private boolean announced(String incidentId) {
        for (Notification n : store.notifications(incidentId)) {
            if (n.kind() == NotificationKind.OPENED && n.status() != NotificationStatus.FAILED) {
                return true;
            }
        }
        return false;
    }

    private boolean isDuplicate(Incident incident, MonitorSpec.Alerting a, Instant now) {
        Duration window = a.suppressDuplicatesFor(config.rateLimits().defaultSuppressDuplicatesFor());
        if (window.isZero()) {
            return false;
        }
        IncidentQuery q = IncidentQuery.all().cronJob(incident.key().cronJob()).monitor(incident.key().monitor())
                .type(incident.key().type()).page(0, 20);
        for (Incident earlier : store.incidents(q).items()) {
            if (earlier.id().equals(incident.id()) || earlier.isOpen()
                    || !earlier.key().equals(incident.key()) || earlier.resolvedAt().isBefore(now.minus(window))) {
                continue;
            }
            if (earlier.signature().equals(incident.signature()) && announced(earlier.id())) {
                return true;
            }
        }
        return false;
    }

    // ================================================================ delivery

    private void wake(Instant at) {
        if (!leading || closed) {
            return;
        }
        Instant now = clock.instant();
        if (!at.isAfter(now)) {
            scheduler.execute(this::dispatch);
        } else {
            Instant armed = timers.dueAt("dispatch");
            if (armed == null || at.isBefore(armed)) {
                timers.arm("dispatch", at, this::dispatch);
            }
        }
    }

    /** Claims due notifications and hands them to their channels' senders. Engine thread, leader only. */
    void dispatch() {
        if (!leading || closed) {
            return;
        }
        long e = epoch;
        Instant now = clock.instant();
        try {
            int budget = Math.min(BATCH, global.available(now));
            if (budget == 0) {
                timers.arm("dispatch", global.nextTokenAt(now), this::dispatch);
                return;
            }
            List<Notification> claimed = store.claimDueNotifications(claimant(e), now, CLAIM_TTL, budget, e);
            for (Notification n : claimed) {
                AlertChannel ch = channels.get(n.channel());
                if (ch == null) {
                    store.markNotificationFailed(n.id(), claimant(e), "no channel named \"" + n.channel()
                            + "\" is configured", null);
                    continue;
                }
                TokenBucket limit = channelLimit(n.channel(), now);
                if (!limit.tryTake(now)) {
                    store.markNotificationFailed(n.id(), claimant(e), "deferred by the channel's rate limit",
                            limit.nextTokenAt(now));
                    continue;
                }
                global.tryTake(now);
                inFlight.add(n.id());
                sending.incrementAndGet();
                Runnable send = () -> deliver(n, ch, e);
                if (synchronous) {
                    send.run();
                } else {
                    executor(n.channel()).execute(send);
                }
            }
            Instant next = now.plus(POLL);
            for (Notification p : store.pendingNotifications(1)) {
                Instant due = p.status() == NotificationStatus.CLAIMED && p.claimExpiresAt() != null
                        ? p.claimExpiresAt() : p.dueAt();
                if (due.isBefore(next)) {
                    next = due.isAfter(now) ? due : now.plusMillis(100);
                }
            }
            if (claimed.size() == budget) {
                next = now;   // more may be due: go on after this batch
            }
            if (next.equals(now)) {
                scheduler.execute(this::dispatch);
            } else {
                timers.arm("dispatch", next, this::dispatch);
            }
        } catch (StaleEpochException ex) {
            LOG.warn("alert dispatch fenced: {}", ex.getMessage());
            fenced.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("alert dispatch failed ({}); retrying", ex.toString());
            timers.arm("dispatch", now.plus(POLL), this::dispatch);
        }
    }

    private void deliver(Notification n, AlertChannel ch, long e) {
        String claimant = claimant(e);
        try {
            Optional<Incident> incident = store.findIncident(n.incidentId());
            if (incident.isEmpty()) {
                store.markNotificationFailed(n.id(), claimant, "the incident no longer exists", null);
                return;
            }
            Incident i = incident.get();
            AlertMessage msg = new AlertMessage(n.id(), n.kind(), i.id(), i.key(), i.severity(),
                    n.kind() == NotificationKind.RESOLVED ? "Resolved: " + i.title() : i.title(), i.message(),
                    i.context(), i.openedAt(), i.resolvedAt(), clock.instant());
            DeliveryResult r;
            try {
                r = ch.send(msg);
            } catch (RuntimeException ex) {
                r = DeliveryResult.retry(ex.getClass().getSimpleName());   // never the message: it may hold secrets
            }
            Instant now = clock.instant();
            if (r.isDelivered()) {
                store.markNotificationSent(n.id(), claimant, now);
                store.recordChannelResult(n.channel(), true, now, null);
                count("cronjob.guardian.alerts", n, i);
                LOG.info("{} {} sent to {}", n.kind(), i.key().asString(), n.channel());
                return;
            }
            String detail = r.detail().isBlank() ? r.outcome().name() : r.detail();
            store.recordChannelResult(n.channel(), false, now, detail);
            count("cronjob.guardian.alerts.failed", n, i);
            boolean giveUp = r.outcome() == DeliveryResult.Outcome.FAILED
                    || now.isAfter(n.createdAt().plus(Duration.ofHours(GIVE_UP_HOURS)));
            Instant retryAt = giveUp ? null : now.plus(r.retryAfter() != null ? r.retryAfter() : backoff(n.attempts()));
            store.markNotificationFailed(n.id(), claimant, detail, retryAt);
            LOG.warn("{} {} to {} failed ({}); {}", n.kind(), i.key().asString(), n.channel(), detail,
                    retryAt == null ? "giving up" : "retrying at " + retryAt);
            if (retryAt != null) {
                scheduler.execute(() -> wake(retryAt));
            }
        } catch (RuntimeException ex) {
            LOG.warn("recording the delivery of notification {} failed: {}", n.id(), ex.toString());
        } finally {
            inFlight.remove(n.id());
            sending.decrementAndGet();
        }
    }

    /** 1 s, 2 s, 4 s, ... up to 10 minutes. */
    static Duration backoff(int attempts) {
        long seconds = 1L << Math.min(Math.max(attempts, 0), 10);
        return Duration.ofSeconds(Math.min(seconds, 600));
    }

    private TokenBucket channelLimit(String channel, Instant now) {
        return perChannel.computeIfAbsent(channel, c -> {
            Settings s = config.channelNames().contains(c) ? config.channelSettings(c) : Settings.empty();
            int perHour = s.getInt("maxAlertsPerHour", 100, 1, 1_000_000);
            int burst = s.getInt("burstLimit", 10, 1, 100_000);
            return new TokenBucket(perHour, Duration.ofHours(1), burst, now);
        });
    }

    private ExecutorService executor(String channel) {
        return executors.computeIfAbsent(channel, c -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "guardian-alert-" + c);
            t.setDaemon(true);
            return t;
        }));
    }

    private String claimant(long e) {
        return identity + "#" + e;
    }

    private void count(String name, Notification n, Incident i) {
        MeterRegistry r = registry;
        if (r != null) {
            Counter.builder(name).tags("channel", n.channel(), "type", i.key().type().wireName(), "severity",
                    i.severity().wireName()).register(r).increment();
        }
    }

    /** Notifications being sent right now. */
    public int inFlight() {
        return sending.get();
    }

    /**
     * Sends a test message to one channel now, outside the outbox.
     *
     * @throws IllegalArgumentException for an unknown channel, naming the configured ones
     */
    public DeliveryResult sendTest(String channelName) {
        AlertChannel ch = channels.get(channelName);
        if (ch == null) {
            throw new IllegalArgumentException("no channel named \"" + channelName + "\"; configured: "
                    + channels.keySet());
        }
        Instant now = clock.instant();
        io.cronjobguardian.api.IncidentKey key = io.cronjobguardian.api.IncidentKey.of("test",
                CronJobRef.of("cronjob-guardian", "test"), io.cronjobguardian.api.AlertType.TEST);
        DeliveryResult r;
        try {
            r = ch.send(new AlertMessage(0, NotificationKind.TEST, "test-" + now.toEpochMilli(), key, Severity.INFO,
                    "Test alert from CronJob Guardian", "This is a test of channel \"" + channelName + "\".",
                    io.cronjobguardian.api.AlertContext.EMPTY, now, null, now));
        } catch (RuntimeException ex) {
            r = DeliveryResult.failed(ex.getClass().getSimpleName());
        }
        store.recordChannelResult(channelName, r.isDelivered(), clock.instant(), r.isDelivered() ? null : r.detail());
        return r;
    }

    /**
     * Stops dispatching and waits up to {@code timeout} for deliveries in flight; closes the channels' threads.
     *
     * @return {@code true} when every in-flight delivery finished
     */
    public boolean drain(Duration timeout) {
        leading = false;
        List<ExecutorService> list = new ArrayList<>(executors.values());
        list.forEach(ExecutorService::shutdown);
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean done = true;
        for (ExecutorService ex : list) {
            try {
                done &= ex.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return done;
    }

    @Override
    public void close() {
        closed = true;
        drain(Duration.ZERO);
        executors.values().forEach(ExecutorService::shutdownNow);
    }
}
