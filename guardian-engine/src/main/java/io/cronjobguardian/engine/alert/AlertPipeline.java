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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.HashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns incident transitions into notifications and delivers them through the store's outbox.
 *
 * <p><b>Routing</b> (engine thread, leader only, as {@link IncidentListener}): an opened incident queues one
 * {@link NotificationKind#OPENED} notification per channel of the monitor's {@code channelRefs} that accepts its
 * severity, due after {@code alertDelay}; a changed failure signature or severity, and each
 * {@code renotifyInterval}, queue a {@link NotificationKind#REMINDER} (an opening on a channel that has none yet,
 * e.g. one that accepts only the new severity); a resolution cancels notifications not being sent (so an incident
 * that recovers within {@code alertDelay} is never announced) and queues {@link NotificationKind#RESOLVED} for the
 * channels whose opening was attempted. An incident opened again
 * within {@code suppressDuplicatesFor} of a notified one with the same key and failure signature is recorded but
 * not announced.
 *
 * <p><b>Delivery</b> (leader only): the dispatcher claims due notifications in the store (one claimant wins), sends
 * each on its channel's own thread (a slow or hung channel delays only itself, never another channel or the
 * recording of runs), marks it sent, or schedules a retry with exponential backoff (or the receiver's
 * {@code Retry-After}) for network errors, timeouts, 5xx and 429; gives up on other errors and after
 * {@value #GIVE_UP_HOURS} hours. The global ({@code rateLimits.*}) and per-channel ({@code maxAlertsPerHour},
 * {@code burstLimit}) rate limits defer notifications; they never drop them.
 *
 * <p><b>Claims</b>: a claim lasts {@link #CLAIM_TTL} and is extended every {@link #HEARTBEAT} while this replica
 * holds it (queued for its channel or being sent), so a send may take as long as it takes while the claim of a
 * replica that died lapses within {@link #CLAIM_TTL}, before a new leader starts (the Lease's
 * {@code leaseDuration} is longer). On losing leadership the claims of notifications not yet being sent are given
 * back at once; a send in flight completes, keeps its claim and is recorded, so the new leader does not send it
 * again. A delivery whose recording failed (the store was unreachable) is kept in memory and recorded before
 * anything else is claimed, never sent again. Each message carries {@link AlertMessage#idempotencyKey()}, the same
 * for every attempt of one notification on any replica, so a receiver can drop the one duplicate that a crash
 * between a delivery and its recording can cause.
 *
 * <p><b>Repair</b>: opening an incident and queuing its openings are separate writes; when a failure between them
 * lost the openings, the next evaluation of the open incident queues what it lacks ({@link #stillOpen}), once per
 * incident and leadership term. Reminder sequence numbers are derived from the notifications stored, never from
 * the incident's counter, which a failed write may have left behind.
 *
 * <p><b>Order</b>: a resolution goes to every channel whose opening was attempted (an opening still waiting out
 * {@code alertDelay} is cancelled instead), and the store lets it be claimed only once every other notification of
 * its incident and channel is final: it never overtakes the opening, even one that is being retried or whose
 * outcome is unknown.
 */
public final class AlertPipeline implements IncidentListener, EngineObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AlertPipeline.class);
    static final int GIVE_UP_HOURS = 24;
    /** How long a claim lasts without being extended. */
    static final Duration CLAIM_TTL = Duration.ofSeconds(5);
    /** How often the claims this replica holds are extended. */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final Duration POLL = Duration.ofSeconds(5);
    /** How often to look again while another claimant holds due notifications (a leader handing over). */
    private static final Duration FOREIGN_POLL = Duration.ofMillis(500);
    private static final int BATCH = 100;
    private static final String CANCELLED = "cancelled: the incident was resolved first";

    private final HistoryStore store;
    private final Map<String, AlertChannel> channels;
    private final GuardianConfig config;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final String identity;
    private final boolean synchronous;
    private final TimerGroup<String> timers;
    /** The heartbeat: not cancelled with leadership, since sends in flight keep their claims. */
    private final TimerGroup<String> claimTimers;
    private final TokenBucket global;
    private final Map<String, TokenBucket> perChannel = new ConcurrentHashMap<>();
    private final Map<String, ChannelRouting> routing = new ConcurrentHashMap<>();
    private final Map<String, ExecutorService> executors = new ConcurrentHashMap<>();
    /** Notifications claimed here and not finished, by id. */
    private final Map<Long, Held> held = new ConcurrentHashMap<>();
    /** Delivered notifications whose recording failed, by id: recorded before anything else is claimed. */
    private final Map<Long, Delivered> unmarked = new ConcurrentHashMap<>();
    /** Open incidents whose openings are known to be queued in this term (engine thread). */
    private final Set<String> settled = new HashSet<>();
    /** Resolved incidents whose resolutions could not be queued yet in this term (engine thread). */
    private final Map<String, Incident> unresolved = new LinkedHashMap<>();
    /** {@code incident|channel} of resolutions waiting for another notification to finish. */
    private final Set<String> awaiting = ConcurrentHashMap.newKeySet();
    private final AtomicInteger sending = new AtomicInteger();
    private volatile MeterRegistry registry;
    private volatile java.util.function.LongConsumer fenced = e -> { };
    private volatile boolean leading;
    private volatile long epoch;
    private volatile boolean closed;

    /** A notification this replica claimed: queued for its channel, being sent, or given back. */
    private static final class Held {
        static final int QUEUED = 0;
        static final int SENDING = 1;
        static final int RELEASED = 2;

        final Notification notification;
        /** The claim to record under (a new term's dispatcher may claim a lapsed claim of this one again). */
        final AtomicReference<String> claimant;
        final AtomicInteger state = new AtomicInteger(QUEUED);

        Held(Notification notification, String claimant) {
            this.notification = notification;
            this.claimant = new AtomicReference<>(claimant);
        }

        boolean start() {
            return state.compareAndSet(QUEUED, SENDING);
        }

        boolean release() {
            return state.compareAndSet(QUEUED, RELEASED);
        }
    }

    /** A delivery not yet recorded. */
    private record Delivered(Held held, Instant sentAt) {
    }

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
        this.claimTimers = new TimerGroup<>(scheduler);
        GuardianConfig.RateLimits rl = config.rateLimits();
        this.global = new TokenBucket(rl.maxAlertsPerMinute(), Duration.ofMinutes(1), rl.burstLimit(),
                clock.instant());
        // a bad enabled/severities/testOnSave value fails here, at build
        config.channelNames().forEach(c -> {
            routing(c);
            testOnSave(config, c);
        });
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
        settled.clear();
        unresolved.clear();
        awaiting.clear();
        releaseQueued(isLeading ? claimant(newEpoch) : null);
        if (isLeading) {
            scheduler.execute(() -> queueTestsOnSave(newEpoch));
            scheduler.execute(this::dispatch);
            scheduler.execute(() -> sweepResolutions(newEpoch, 0));
        }
    }

    // ================================================================ test on save (engine thread)

    /** The prefix of the outbox id of a channel test: {@code channel-test:<fingerprint>}. */
    static final String TEST_ID_PREFIX = "channel-test:";

    /**
     * Queues one {@link NotificationKind#TEST} notification for each channel with {@code testOnSave=true} whose
     * configuration has none yet. The outbox entry, keyed by the configuration's {@link #fingerprint}, is what
     * remembers the test: queuing it is atomic and happens once per fingerprint on any replica, so restarts,
     * failovers and standbys never send it again (the operator re-sent it on every reconcile). A disabled channel
     * is not tested. Engine thread, leader only.
     */
    private void queueTestsOnSave(long term) {
        if (!leading || closed || epoch != term) {
            return;
        }
        Instant now = clock.instant();
        try {
            boolean queued = false;
            for (String name : config.channelNames()) {
                if (!testOnSave(config, name) || !routing(name).enabled() || !channels.containsKey(name)) {
                    continue;
                }
                String fp = fingerprint(config, name);
                if (store.enqueueNotification(new NotificationDraft(TEST_ID_PREFIX + fp, name, NotificationKind.TEST,
                        0, now), term).isPresent()) {
                    LOG.info("channel {}: configuration {} has not been tested; sending a test alert (testOnSave)",
                            name, fp.substring(0, 12));
                    queued = true;
                }
            }
            if (queued) {
                wake(now);
            }
        } catch (StaleEpochException ex) {
            fenced.accept(term);
        } catch (IllegalArgumentException ex) {
            // a store written before TEST entries needed no incident: say so once, do not retry forever
            LOG.warn("the history store refused a channel test ({}); testOnSave needs a store that accepts "
                    + "TEST notifications without an incident (see NotificationKind.TEST)", ex.getMessage());
        } catch (RuntimeException ex) {
            LOG.warn("queuing the channels' tests on save failed ({}); retrying", ex.toString());
            timers.arm("testOnSave", now.plus(POLL), () -> queueTestsOnSave(term));
        }
    }

    /**
     * {@code channels.<name>.testOnSave} (default {@code false}).
     *
     * @throws io.cronjobguardian.api.ConfigException naming the key for a value that is not a boolean
     */
    static boolean testOnSave(GuardianConfig config, String channel) {
        if (!config.channelNames().contains(channel)) {
            return false;
        }
        Settings s = config.channelSettings(channel);
        try {
            return s.getBoolean("testOnSave", false);
        } catch (io.cronjobguardian.api.ConfigException e) {
            throw new io.cronjobguardian.api.ConfigException("channels." + channel + ".testOnSave", "\""
                    + s.getString("testOnSave", "") + "\" is not a boolean; accepted: true or false");
        }
    }

    /**
     * The fingerprint of a channel's configuration: SHA-256 (hex) over its name and its settings in canonical key
     * order, each value itself hashed (so a secret enters only as a hash). {@code description} is left out: it
     * changes nothing about delivery. Secret references ({@code env:}, {@code secret:}) count as written.
     */
    static String fingerprint(GuardianConfig config, String channel) {
        Settings s = config.channelSettings(channel);
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        for (String k : s.keys()) {
            String c = Settings.canonical(k);
            if (!c.equals("description") && !c.equals("name")) {
                sorted.put(c, sha256(s.get(k).orElse("")));
            }
        }
        StringBuilder sb = new StringBuilder(channel).append('\n');
        sorted.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sha256(sb.toString());
    }

    private static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Every channel with its settings, statistics and the test of its configuration in force (read from the
     * store: any replica shows the leader's results), in configuration order, then channels handed to the
     * builder.
     */
    public List<io.cronjobguardian.engine.ChannelStatus> channelStatuses() {
        Map<String, io.cronjobguardian.api.ChannelStats> stats = store.channelStats();
        List<io.cronjobguardian.engine.ChannelStatus> out = new ArrayList<>();
        for (AlertChannel ch : channels.values()) {
            String name = ch.name();
            boolean configured = config.channelNames().contains(name);
            String description = configured ? config.channelSettings(name).get("description")
                    .map(String::trim).filter(d -> !d.isEmpty()).orElse(null) : null;
            ChannelRouting r = routing(name);
            boolean test = testOnSave(config, name);
            io.cronjobguardian.engine.ChannelStatus.TestResult last = null;
            if (configured) {
                String fp = fingerprint(config, name);
                for (Notification n : store.notifications(TEST_ID_PREFIX + fp)) {
                    if (n.channel().equals(name) && n.kind() == NotificationKind.TEST) {
                        last = testResult(fp, n);
                    }
                }
            }
            out.add(new io.cronjobguardian.engine.ChannelStatus(name, ch.type(), description, r.enabled(),
                    r.severities(), test, stats.getOrDefault(name, io.cronjobguardian.api.ChannelStats.empty(name)),
                    last));
        }
        return out;
    }

    private static io.cronjobguardian.engine.ChannelStatus.TestResult testResult(String fp, Notification n) {
        switch (n.status()) {
            case SENT:
                return new io.cronjobguardian.engine.ChannelStatus.TestResult(fp,
                        io.cronjobguardian.engine.ChannelStatus.TestStatus.OK,
                        n.sentAt() != null ? n.sentAt() : n.dueAt(), null);
            case FAILED:
                return new io.cronjobguardian.engine.ChannelStatus.TestResult(fp,
                        io.cronjobguardian.engine.ChannelStatus.TestStatus.FAILED, n.dueAt(), n.lastError());
            default:
                return new io.cronjobguardian.engine.ChannelStatus.TestResult(fp,
                        io.cronjobguardian.engine.ChannelStatus.TestStatus.PENDING, n.dueAt(), n.lastError());
        }
    }

    /** A test message for a channel (on demand or on save). */
    private static AlertMessage testMessage(long notificationId, String testId, String channelName, Instant now,
            @io.cronjobguardian.api.Nullable String idempotencyKey) {
        io.cronjobguardian.api.IncidentKey key = io.cronjobguardian.api.IncidentKey.of("test",
                CronJobRef.of("cronjob-guardian", "test"), io.cronjobguardian.api.AlertType.TEST);
        String title = "Test alert from CronJob Guardian";
        String message = "This is a test of channel \"" + channelName + "\".";
        return idempotencyKey == null
                ? new AlertMessage(notificationId, NotificationKind.TEST, testId, key, Severity.INFO, title, message,
                        io.cronjobguardian.api.AlertContext.EMPTY, now, null, now)
                : new AlertMessage(notificationId, NotificationKind.TEST, testId, key, Severity.INFO, title, message,
                        io.cronjobguardian.api.AlertContext.EMPTY, now, null, now, idempotencyKey);
    }

    /** Sends a queued test on save: delivered or failed for good (a test reports how the channel is now). */
    private void deliverTest(Held h, AlertChannel ch) {
        Notification n = h.notification;
        AlertMessage msg = testMessage(n.id(), n.incidentId(), n.channel(), clock.instant(),
                AlertMessage.idempotencyKey(n.incidentId(), n.channel(), n.kind(), n.sequence()));
        DeliveryResult r;
        try {
            r = ch.send(msg);
        } catch (RuntimeException ex) {
            r = DeliveryResult.failed(ex.getClass().getSimpleName());   // never the message: it may hold secrets
        }
        Instant now = clock.instant();
        if (r.isDelivered()) {
            if (!store.markNotificationSent(n.id(), h.claimant.get(), now)) {
                LOG.warn("the test of channel {} was delivered after its claim was lost", n.channel());
            }
            store.recordChannelResult(n.channel(), true, now, null);
            LOG.info("channel {}: test alert delivered (testOnSave)", n.channel());
            return;
        }
        String detail = r.detail().isBlank() ? r.outcome().name() : r.detail();
        store.markNotificationFailed(n.id(), h.claimant.get(), detail, null);
        store.recordChannelResult(n.channel(), false, now, detail);
        LOG.warn("channel {}: test alert failed ({}) (testOnSave)", n.channel(), detail);
    }

    /**
     * Queues the resolutions an earlier term left out: resolving an incident and queuing its resolutions are
     * separate writes, and a leader that lost its term (or died) between them left a resolved incident whose
     * opening was announced without its resolution. Looks at the incidents resolved in the last
     * {@value #GIVE_UP_HOURS} hours, one page per task. Engine thread.
     */
    private void sweepResolutions(long term, int offset) {
        if (!leading || closed || epoch != term) {
            return;
        }
        try {
            io.cronjobguardian.api.Page<Incident> page = store.incidents(IncidentQuery.all()
                    .resolvedFrom(clock.instant().minus(Duration.ofHours(GIVE_UP_HOURS))).page(offset, BATCH));
            int repaired = 0;
            for (Incident i : page.items()) {
                if (lacksResolution(store.notifications(i.id()))) {
                    resolve(i, term);
                    repaired++;
                }
            }
            if (repaired > 0) {
                LOG.info("queued the resolutions of {} resolved incident(s) an earlier term left out", repaired);
            }
            if (page.hasMore()) {
                scheduler.execute(() -> sweepResolutions(term, offset + BATCH));
            }
        } catch (StaleEpochException ex) {
            fenced.accept(term);
        } catch (RuntimeException ex) {
            LOG.warn("looking for resolutions an earlier term left out failed ({}); retrying", ex.toString());
            timers.arm("sweep", clock.instant().plus(POLL), () -> sweepResolutions(term, offset));
        }
    }

    /** {@code true} when a resolved incident's notifications miss a resolution {@link #resolve} would queue. */
    private static boolean lacksResolution(List<Notification> ns) {
        Set<String> resolved = new HashSet<>();
        for (Notification n : ns) {
            if (n.kind() == NotificationKind.RESOLVED) {
                resolved.add(n.channel());
            }
        }
        for (Notification n : ns) {
            if (n.kind() != NotificationKind.RESOLVED && n.status() == NotificationStatus.PENDING) {
                return true;   // not cancelled when the incident was resolved
            }
            if (n.kind() == NotificationKind.OPENED && !resolved.contains(n.channel()) && wantsResolution(n, false)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code true} when the opening {@code n} was, or may have been, delivered, so its channel gets the resolution:
     * anything but an opening cancelled before its first attempt.
     *
     * @param cancelledNow {@code n} (as read before) was just cancelled
     */
    private static boolean wantsResolution(Notification n, boolean cancelledNow) {
        if (cancelledNow) {
            return n.attempts() > 0;
        }
        if (n.status() == NotificationStatus.FAILED && CANCELLED.equals(n.lastError())) {
            return n.attempts() > 1;   // the cancellation counted as an attempt
        }
        return true;
    }

    /**
     * Gives back the claims of notifications claimed here but not being sent (except those claimed as
     * {@code keep}), so that the next leader sends them at once instead of after their claims lapse.
     */
    private void releaseQueued(String keep) {
        Map<String, List<Long>> byClaimant = new LinkedHashMap<>();
        for (Held h : held.values()) {
            String c = h.claimant.get();
            if (!c.equals(keep) && h.release()) {
                held.remove(h.notification.id(), h);
                byClaimant.computeIfAbsent(c, k -> new ArrayList<>()).add(h.notification.id());
            }
        }
        byClaimant.forEach((c, ids) -> {
            try {
                int n = store.releaseClaims(ids, c);
                LOG.info("gave back {} claimed notification(s) not yet sent", n);
            } catch (RuntimeException ex) {
                LOG.warn("giving back {} claimed notification(s) failed ({}); their claims lapse within {}",
                        ids.size(), ex.toString(), Settings.format(CLAIM_TTL));
            }
        });
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
        if (isDuplicate(incident, a)) {
            LOG.info("{} not announced: a notified incident with the same key and failure resolved within {}",
                    incident.key().asString(), Settings.format(a.suppressDuplicatesFor(
                            config.rateLimits().defaultSuppressDuplicatesFor())));
            settled.add(incident.id());
            return;
        }
        announce(incident, monitor, NotificationKind.OPENED, incident.openedAt().plus(a.alertDelay()), writeEpoch,
                List.of());
    }

    /**
     * Queues the openings an open incident lacks: those lost when a failure came between opening the incident and
     * queuing them, or for a channel that accepts it only now. Also brings the incident's notification count and
     * time up to date when a failure left them behind. Checked once per incident and leadership term.
     */
    @Override
    public Incident stillOpen(Incident incident, MonitorSpec monitor, long writeEpoch) {
        MonitorSpec.Alerting a = monitor.alerting();
        if (settled.contains(incident.id())) {
            return incident;
        }
        if (!a.enabled() || a.channelRefs().isEmpty()) {
            settled.add(incident.id());
            return incident;
        }
        List<Notification> ns = store.notifications(incident.id());
        if (ns.stream().noneMatch(n -> n.kind() == NotificationKind.OPENED) && isDuplicate(incident, a)) {
            settled.add(incident.id());
            return incident;
        }
        Incident current = announce(incident, monitor, NotificationKind.OPENED,
                incident.openedAt().plus(a.alertDelay()), writeEpoch, ns);
        if (current != incident) {
            LOG.info("{} {}: queued what an earlier failure left out", incident.key().asString(), incident.id());
        }
        return current;
    }

    @Override
    public void changed(Incident before, Incident after, MonitorSpec monitor, long writeEpoch) {
        if (!monitor.alerting().enabled() || monitor.alerting().channelRefs().isEmpty()) {
            return;
        }
        if (after.isSilencedAt(clock.instant())) {
            LOG.debug("{} {} changed while silenced until {}: not announced", after.key().asString(), after.id(),
                    after.silencedUntil());
            return;
        }
        if (after.isAcknowledged() && after.severity().compareTo(before.severity()) <= 0) {
            LOG.debug("{} {} changed after {} acknowledged it: not announced (only an escalation is)",
                    after.key().asString(), after.id(), after.acknowledgedBy());
            return;
        }
        List<Notification> ns = store.notifications(after.id());
        if (announced(ns)) {
            announce(after, monitor, NotificationKind.REMINDER, clock.instant(), writeEpoch, ns);
        }
    }

    @Override
    public void remind(Incident incident, MonitorSpec monitor, long writeEpoch) {
        if (incident.isAcknowledged() || incident.isSilencedAt(clock.instant())) {
            return;   // acknowledged: no more reminders; silenced: the next one after the silence
        }
        List<Notification> ns = store.notifications(incident.id());
        if (announced(ns)) {
            announce(incident, monitor, NotificationKind.REMINDER, clock.instant(), writeEpoch, ns);
        }
    }

    @Override
    public void resolved(Incident incident, MonitorSpec monitor, long writeEpoch) {
        resolve(incident, writeEpoch);
    }

    @Override
    public void resolvedWithoutMonitor(Incident incident, long writeEpoch) {
        resolve(incident, writeEpoch);
    }

    /**
     * Queues an announcement on every channel of the monitor that accepts the incident's severity: an opening for a
     * channel that has none (due at {@code due} for {@link NotificationKind#OPENED}, now for a reminder), and for
     * {@link NotificationKind#REMINDER} the next reminder on the others, numbered after the reminders stored
     * ({@code known}: the incident's notifications). Then records the announcement on the incident.
     *
     * @return the incident as stored afterwards
     */
    private Incident announce(Incident incident, MonitorSpec monitor, NotificationKind kind, Instant due,
            long writeEpoch, List<Notification> known) {
        settled.remove(incident.id());
        Set<String> opened = new HashSet<>();
        Set<String> announcements = new HashSet<>();   // distinct (kind, sequence): what notificationCount counts
        int lastReminder = 0;
        for (Notification n : known) {
            if (n.kind() == NotificationKind.OPENED) {
                opened.add(n.channel());
            }
            if (n.kind() == NotificationKind.REMINDER) {
                lastReminder = Math.max(lastReminder, n.sequence());
            }
            if (n.kind() == NotificationKind.OPENED || n.kind() == NotificationKind.REMINDER) {
                announcements.add(n.kind() + "/" + n.sequence());
            }
        }
        Instant now = clock.instant();
        int queued = 0;
        Instant wakeAt = null;
        for (MonitorSpec.ChannelRef ref : monitor.alerting().channelRefs()) {
            if (!ref.accepts(incident.severity())) {
                continue;
            }
            if (!channels.containsKey(ref.name())) {
                LOG.warn("monitor {} refers to channel \"{}\", which is not configured (configured: {})",
                        monitor.id(), ref.name(), channels.keySet());
                continue;
            }
            ChannelRouting routing = routing(ref.name());
            if (!routing.enabled() || !routing.accepts(incident.severity())) {
                LOG.debug("{} not queued for channel \"{}\": {}", incident.key().asString(), ref.name(),
                        routing.enabled() ? "its severities do not include " + incident.severity().wireName()
                                : "the channel is disabled");
                continue;
            }
            NotificationDraft d;
            if (!opened.contains(ref.name())) {
                d = new NotificationDraft(incident.id(), ref.name(), NotificationKind.OPENED, 0,
                        kind == NotificationKind.OPENED ? due : now);
            } else if (kind == NotificationKind.REMINDER) {
                d = new NotificationDraft(incident.id(), ref.name(), NotificationKind.REMINDER, lastReminder + 1, now);
            } else {
                continue;
            }
            if (store.enqueueNotification(d, writeEpoch).isPresent()) {
                queued++;
                announcements.add(d.kind() + "/" + d.sequence());
                wakeAt = wakeAt == null || d.dueAt().isBefore(wakeAt) ? d.dueAt() : wakeAt;
            }
        }
        Incident current = incident;
        int count = announcements.size();
        boolean record = queued > 0 || incident.notificationCount() < count
                || (count > 0 && incident.lastNotifiedAt() == null);
        if (record) {
            Optional<Incident> u = store.updateIncident(new Incident(incident.id(), incident.key(),
                    incident.severity(), incident.title(), incident.message(), incident.signature(),
                    incident.context(), incident.openedAt(), now, Math.max(count, incident.notificationCount()),
                    incident.resolvedAt(), incident.version()), writeEpoch);
            if (u.isEmpty()) {
                LOG.debug("{}: the incident changed meanwhile; its notification count is brought up to date on its "
                        + "next evaluation", incident.id());
            } else {
                current = u.get();
            }
        }
        if (wakeAt != null) {
            wake(wakeAt);
        }
        if (!record || current != incident) {
            settled.add(incident.id());
        }
        return current;
    }

    private void resolve(Incident incident, long writeEpoch) {
        settled.remove(incident.id());
        unresolved.put(incident.id(), incident);   // until done: retried by the dispatcher
        String claimant = claimant(writeEpoch) + "-router";
        Instant now = clock.instant();
        Set<String> resolutions = new LinkedHashSet<>();
        for (Notification n : store.notifications(incident.id())) {
            if (n.kind() == NotificationKind.RESOLVED) {
                continue;
            }
            boolean cancelled = false;
            // an opening already due (no alertDelay, or the delay has passed) and never tried is sent, then the
            // resolution: an incident opened and resolved back to back (a failover's catch-up records a failure and
            // the success after it at once) is still announced; only one resolved within alertDelay is dropped
            // (an opening held back by a silence is not: nobody wanted to hear about it)
            boolean undelayedOpening = n.kind() == NotificationKind.OPENED && n.attempts() == 0
                    && !now.isBefore(n.dueAt()) && !incident.isSilencedAt(now);
            if (n.status() == NotificationStatus.PENDING && !undelayedOpening) {
                // not being sent (alertDelay, retry, rate limit): cancel it
                Optional<Notification> c = store.claimNotification(n.id(), claimant, now.isBefore(n.dueAt())
                        ? n.dueAt() : now, CLAIM_TTL, writeEpoch);
                if (c.isPresent()) {
                    store.markNotificationFailed(n.id(), claimant, CANCELLED, null);
                    cancelled = true;
                }
            }
            // an opening that was attempted, even one given up on or cancelled before its retry, may have reached
            // the receiver (a timeout): it gets the resolution, which waits until the opening is final
            if (n.kind() == NotificationKind.OPENED && wantsResolution(n, cancelled)) {
                resolutions.add(n.channel());
            }
        }
        for (String channel : resolutions) {
            store.enqueueNotification(new NotificationDraft(incident.id(), channel, NotificationKind.RESOLVED, 0, now),
                    writeEpoch);
        }
        unresolved.remove(incident.id());
        if (!resolutions.isEmpty()) {
            wake(now);
        }
    }

    private static boolean announced(List<Notification> ns) {
        for (Notification n : ns) {
            if (n.kind() == NotificationKind.OPENED && n.status() != NotificationStatus.FAILED) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code true} when a notified incident with the same key and failure signature resolved within the
     * monitor's {@code suppressDuplicatesFor} before this one opened (judged at its opening, so the repair pass
     * decides as the opening did).
     */
    private boolean isDuplicate(Incident incident, MonitorSpec.Alerting a) {
        Duration window = a.suppressDuplicatesFor(config.rateLimits().defaultSuppressDuplicatesFor());
        if (window.isZero()) {
            return false;
        }
        Instant at = incident.openedAt();
        IncidentQuery q = IncidentQuery.all().cronJob(incident.key().cronJob()).monitor(incident.key().monitor())
                .type(incident.key().type()).page(0, 20);
        for (Incident earlier : store.incidents(q).items()) {
            if (earlier.id().equals(incident.id()) || earlier.isOpen()
                    || !earlier.key().equals(incident.key()) || earlier.resolvedAt().isBefore(at.minus(window))) {
                continue;
            }
            if (earlier.signature().equals(incident.signature()) && announced(store.notifications(earlier.id()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A silence was set or lifted on an open incident (engine thread, leader): the dispatcher looks again when it
     * ends (or now, when it was lifted), so what it held back goes out then.
     */
    public void silenceChanged(Incident incident) {
        Instant until = incident.silencedUntil();
        wake(until == null ? clock.instant() : until);
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
        String claimant = claimant(e);
        Instant now = clock.instant();
        try {
            recordUnmarked();   // throws while the store is unreachable: nothing new is claimed before they are
            for (Incident i : List.copyOf(unresolved.values())) {
                try {
                    resolve(i, e);   // resolved, but queuing its resolutions failed
                } catch (StaleEpochException ex) {
                    throw ex;
                } catch (RuntimeException ex) {
                    LOG.warn("queuing the resolutions of {} failed again ({}); retrying", i.id(), ex.toString());
                }
            }
            int budget = Math.min(BATCH, global.available(now));
            if (budget == 0) {
                timers.arm("dispatch", global.nextTokenAt(now), this::dispatch);
                return;
            }
            List<Notification> claimed = store.claimDueNotifications(claimant, now, CLAIM_TTL, budget, e);
            for (Notification n : claimed) {
                Delivered d = unmarked.get(n.id());
                if (d != null) {
                    // delivered by this replica, its recording failed and its claim lapsed: record, never resend
                    store.markNotificationSent(n.id(), claimant, d.sentAt());
                    unmarked.remove(n.id(), d);
                    continue;
                }
                Held mine = held.get(n.id());
                if (mine != null && mine.state.get() != Held.RELEASED) {
                    mine.claimant.set(claimant);   // still queued or being sent here: record under the new claim
                    continue;
                }
                AlertChannel ch = channels.get(n.channel());
                if (ch == null) {
                    store.markNotificationFailed(n.id(), claimant, "no channel named \"" + n.channel()
                            + "\" is configured", null);
                    continue;
                }
                TokenBucket limit = channelLimit(n.channel(), now);
                if (!limit.tryTake(now)) {
                    store.markNotificationFailed(n.id(), claimant, "deferred by the channel's rate limit",
                            limit.nextTokenAt(now));
                    continue;
                }
                global.tryTake(now);
                Held h = new Held(n, claimant);
                held.put(n.id(), h);
                sending.incrementAndGet();
                Runnable send = () -> deliver(h, ch);
                if (synchronous) {
                    send.run();
                } else {
                    executor(n.channel()).execute(send);
                }
            }
            armHeartbeat();
            Instant next = claimed.size() == budget ? now : nextDispatch(now);   // a full batch: more may be due
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

    /**
     * When to dispatch again: when the earliest waiting notification is due or its claim lapses, soon while another
     * claimant holds due ones (a previous leader gives them back as it steps down), at the latest after
     * {@link #POLL}. A resolution waiting for its opening to finish is not waited for: finishing the opening wakes
     * the dispatcher.
     */
    private Instant nextDispatch(Instant now) {
        List<Notification> pending = store.pendingNotifications(BATCH);
        Set<String> unfinished = new HashSet<>();
        for (Notification p : pending) {
            if (p.kind() != NotificationKind.RESOLVED) {
                unfinished.add(p.incidentId() + "|" + p.channel());
            }
        }
        Instant next = now.plus(POLL);
        Map<String, Optional<Instant>> silences = new HashMap<>();
        for (Notification p : pending) {
            String key = p.incidentId() + "|" + p.channel();
            if (p.kind() == NotificationKind.RESOLVED && unfinished.contains(key)) {
                awaiting.add(key);
                continue;
            }
            Instant due = p.dueAt();
            if (p.status() == NotificationStatus.PENDING && !due.isAfter(now)
                    && (p.kind() == NotificationKind.OPENED || p.kind() == NotificationKind.REMINDER)) {
                // due but not claimed: held by its incident's silence until it ends (else due now)
                Optional<Instant> until = silences.computeIfAbsent(p.incidentId(), id -> store.findIncident(id)
                        .filter(i -> i.isOpen() && i.isSilencedAt(now)).map(Incident::silencedUntil));
                if (until.isPresent()) {
                    due = until.get();
                }
            }
            if (p.status() == NotificationStatus.CLAIMED) {
                if (held.containsKey(p.id()) || p.claimExpiresAt() == null) {
                    continue;   // ours: the heartbeat keeps it, its sender finishes it
                }
                due = p.claimExpiresAt().isAfter(now.plus(FOREIGN_POLL)) ? now.plus(FOREIGN_POLL)
                        : p.claimExpiresAt();
            }
            if (due.isBefore(next)) {
                next = due.isAfter(now) ? due : now.plusMillis(100);
            }
        }
        return next;
    }

    /** Extends the claims held here and records unrecorded deliveries, every {@link #HEARTBEAT} while any exist. */
    private void heartbeat() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        try {
            recordUnmarked();
            Map<String, List<Long>> byClaimant = new LinkedHashMap<>();
            for (Held h : held.values()) {
                if (h.state.get() != Held.RELEASED) {
                    byClaimant.computeIfAbsent(h.claimant.get(), k -> new ArrayList<>()).add(h.notification.id());
                }
            }
            for (Map.Entry<String, List<Long>> c : byClaimant.entrySet()) {
                Set<Long> kept = store.extendClaims(c.getValue(), c.getKey(), now.plus(CLAIM_TTL));
                for (Long id : c.getValue()) {
                    Held h = held.get(id);
                    if (!kept.contains(id) && h != null && h.release()) {
                        held.remove(id, h);
                        LOG.warn("the claim of notification {} was lost before it was sent; not sending it", id);
                    }
                }
            }
        } catch (RuntimeException ex) {
            LOG.debug("extending claims failed ({}); retrying in {}", ex.toString(), Settings.format(HEARTBEAT));
        }
        armHeartbeat();
    }

    /** Arms the heartbeat if claims are held or deliveries unrecorded. Scheduler thread. */
    private void armHeartbeat() {
        if (closed || claimTimers.dueAt("heartbeat") != null || (held.isEmpty() && unmarked.isEmpty())) {
            return;
        }
        claimTimers.arm("heartbeat", clock.instant().plus(HEARTBEAT), this::heartbeat);
    }

    /**
     * Records the deliveries whose recording failed. A claim lost meanwhile is not an error: the notification was
     * delivered; the one who took the claim may deliver it again, with the same idempotency key.
     *
     * @throws RuntimeException when the store is still unreachable
     */
    private void recordUnmarked() {
        for (Delivered d : unmarked.values()) {
            Notification n = d.held().notification;
            if (!store.markNotificationSent(n.id(), d.held().claimant.get(), d.sentAt())) {
                LOG.warn("{} of incident {} to {} was delivered, but another claimant took it before it was "
                        + "recorded; a second delivery carries the same idempotency key", n.kind(), n.incidentId(),
                        n.channel());
            }
            unmarked.remove(n.id(), d);
            finished(n);
            store.recordChannelResult(n.channel(), true, d.sentAt(), null);
        }
    }

    private void deliver(Held h, AlertChannel ch) {
        Notification n = h.notification;
        try {
            if (!h.start()) {
                return;   // given back when leadership moved: the next leader sends it
            }
            if (n.kind() == NotificationKind.TEST) {
                deliverTest(h, ch);
                return;
            }
            Optional<Incident> incident = store.findIncident(n.incidentId());
            if (incident.isEmpty()) {
                store.markNotificationFailed(n.id(), h.claimant.get(), "the incident no longer exists", null);
                return;
            }
            Incident i = incident.get();
            AlertMessage msg = new AlertMessage(n.id(), n.kind(), i.id(), i.key(), i.severity(),
                    n.kind() == NotificationKind.RESOLVED ? "Resolved: " + i.title() : i.title(), i.message(),
                    i.context(), i.openedAt(), i.resolvedAt(), clock.instant(),
                    AlertMessage.idempotencyKey(n.incidentId(), n.channel(), n.kind(), n.sequence()));
            DeliveryResult r;
            try {
                r = ch.send(msg);
            } catch (RuntimeException ex) {
                r = DeliveryResult.retry(ex.getClass().getSimpleName());   // never the message: it may hold secrets
            }
            Instant now = clock.instant();
            if (r.isDelivered()) {
                try {
                    if (!store.markNotificationSent(n.id(), h.claimant.get(), now)) {
                        LOG.warn("{} {} to {} was delivered after its claim was lost; a second delivery carries the "
                                + "same idempotency key", n.kind(), i.key().asString(), n.channel());
                    }
                } catch (RuntimeException ex) {
                    // kept until recorded (still held until then): never claimed and sent again by this replica
                    unmarked.put(n.id(), new Delivered(h, now));
                    LOG.warn("{} {} was delivered to {}, but recording it failed ({}); recording it again before "
                            + "anything else is sent", n.kind(), i.key().asString(), n.channel(), ex.toString());
                    scheduler.execute(this::armHeartbeat);
                    return;
                }
                finished(n);
                store.recordChannelResult(n.channel(), true, now, null);
                count("cronjob.guardian.alerts", n, i);
                LOG.info("{} {} sent to {}", n.kind(), i.key().asString(), n.channel());
                return;
            }
            String detail = r.detail().isBlank() ? r.outcome().name() : r.detail();
            count("cronjob.guardian.alerts.failed", n, i);
            boolean giveUp = r.outcome() == DeliveryResult.Outcome.FAILED
                    || now.isAfter(n.createdAt().plus(Duration.ofHours(GIVE_UP_HOURS)));
            Instant retryAt = giveUp ? null : now.plus(r.retryAfter() != null ? r.retryAfter() : backoff(n.attempts()));
            store.markNotificationFailed(n.id(), h.claimant.get(), detail, retryAt);
            LOG.warn("{} {} to {} failed ({}); {}", n.kind(), i.key().asString(), n.channel(), detail,
                    retryAt == null ? "giving up" : "retrying at " + retryAt);
            if (retryAt != null) {
                scheduler.execute(() -> wake(retryAt));
            } else {
                finished(n);
            }
            store.recordChannelResult(n.channel(), false, now, detail);
        } catch (RuntimeException ex) {
            LOG.warn("recording the delivery of notification {} failed: {}", n.id(), ex.toString());
        } finally {
            held.remove(n.id(), h);
            sending.decrementAndGet();
        }
    }

    /** A notification became final: a resolution waiting for it may go now. Any thread. */
    private void finished(Notification n) {
        if (n.kind() != NotificationKind.RESOLVED && awaiting.remove(n.incidentId() + "|" + n.channel())) {
            Instant now = clock.instant();
            scheduler.execute(() -> wake(now));
        }
    }

    /** 1 s, 2 s, 4 s, ... up to 10 minutes. */
    static Duration backoff(int attempts) {
        long seconds = 1L << Math.min(Math.max(attempts, 0), 10);
        return Duration.ofSeconds(Math.min(seconds, 600));
    }

    /**
     * What a channel's own settings say about routing: {@code channels.<name>.enabled} ({@code false}: nothing is
     * queued for it, as if no monitor named it) and {@code channels.<name>.severities} (a list of {@code info},
     * {@code warning}, {@code critical}: only incidents of these severities reach it, whatever the monitors' channel
     * references accept; empty = all).
     */
    record ChannelRouting(boolean enabled, Set<Severity> severities) {
        boolean accepts(Severity s) {
            return severities.isEmpty() || severities.contains(s);
        }
    }

    private ChannelRouting routing(String channel) {
        return routing.computeIfAbsent(channel, c -> readRouting(config, c));
    }

    /**
     * Reads {@link ChannelRouting} of one channel.
     *
     * @throws io.cronjobguardian.api.ConfigException naming {@code channels.<name>.enabled} or {@code .severities}
     */
    static ChannelRouting readRouting(GuardianConfig config, String channel) {
        if (!config.channelNames().contains(channel)) {
            return new ChannelRouting(true, Set.of());   // handed to the builder: no settings of its own
        }
        Settings s = config.channelSettings(channel);
        String prefix = "channels." + channel + ".";
        boolean enabled;
        try {
            enabled = s.getBoolean("enabled", true);
        } catch (io.cronjobguardian.api.ConfigException e) {
            throw new io.cronjobguardian.api.ConfigException(prefix + "enabled", "\"" + s.getString("enabled", "")
                    + "\" is not a boolean; accepted: true or false");
        }
        java.util.EnumSet<Severity> severities = java.util.EnumSet.noneOf(Severity.class);
        String list = s.getString("severities", "");
        for (String item : list.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                severities.add(Severity.parse(item));
            } catch (IllegalArgumentException e) {
                throw new io.cronjobguardian.api.ConfigException(prefix + "severities", "\"" + item.trim()
                        + "\" is not a severity; accepted: a list of info, warning, critical");
            }
        }
        return new ChannelRouting(enabled, Set.copyOf(severities));
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
        DeliveryResult r;
        try {
            r = ch.send(testMessage(0, "test-" + now.toEpochMilli(), channelName, now, null));
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
        releaseQueued(null);
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
        if (!unmarked.isEmpty()) {
            try {
                recordUnmarked();
            } catch (RuntimeException ex) {
                LOG.warn("{} delivered notification(s) could not be recorded ({}); the next leader sends them again "
                        + "with the same idempotency key", unmarked.size(), ex.toString());
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
