package io.cronjobguardian.testkit;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.api.StoredText;
import io.cronjobguardian.api.UpsertResult;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A complete {@link HistoryStore} in memory. Thread-safe and linearizable: every operation runs under the lock of
 * its {@link InMemoryDatabase}. Stores sharing one database (see {@link #createPeer()}) behave like replicas sharing
 * a SQL database: they see each other's writes, share the fence, and exactly one wins every compare-and-set.
 *
 * <p>Semantics, exactly as {@code HistoryStoreContract} checks them:
 * <ul>
 *   <li>Executions are ordered newest first by {@link io.cronjobguardian.api.JobSnapshot#effectiveStart()}, ties by
 *       Job UID ascending.</li>
 *   <li>Statistics count finished runs started in {@code [from, to)}, manual runs only when asked; percentiles by
 *       {@link Percentiles}; {@code lastSuccessAt}/{@code lastFailureAt} over every stored run of the CronJob,
 *       manual runs included, whatever the window.</li>
 *   <li>Incident ids are assigned from a counter ({@code "inc-1"}, ...); new incidents have version 0.</li>
 *   <li>Notifications get {@code createdAt} from this store's clock; a successful send counts as an attempt.</li>
 *   <li>Free text is kept as the SQL stores keep it: NUL and lone surrogates become U+FFFD
 *       ({@link StoredText#clean(String)}).</li>
 * </ul>
 * After {@link #close()} every operation throws {@link StoreUnavailableException} and {@link #health()} is down.
 */
public final class InMemoryHistoryStore implements HistoryStore {

    private static final Comparator<Execution> NEWEST_FIRST = Comparator
            .comparing(Execution::startedAt, Comparator.reverseOrder())
            .thenComparing(Execution::jobUid);
    private static final Comparator<Incident> INCIDENTS_NEWEST_FIRST = Comparator
            .comparing(Incident::openedAt, Comparator.reverseOrder())
            .thenComparing(i -> numericId(i.id()), Comparator.reverseOrder());
    private static final Comparator<Notification> DUE_ORDER = Comparator
            .comparing(Notification::dueAt)
            .thenComparingLong(Notification::id);

    private final InMemoryDatabase db;
    private final Clock clock;
    private volatile boolean closed;

    /** A store on a new, empty database, using the system UTC clock. */
    public InMemoryHistoryStore() {
        this(new InMemoryDatabase(), Clock.systemUTC());
    }

    /** A store on a new, empty database, using {@code clock} for notification and health timestamps. */
    public InMemoryHistoryStore(Clock clock) {
        this(new InMemoryDatabase(), clock);
    }

    /** A store on {@code database} (possibly shared with other stores), using {@code clock}. */
    public InMemoryHistoryStore(InMemoryDatabase database, Clock clock) {
        this.db = Objects.requireNonNull(database, "database");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Another, independent store instance on the same database and clock: a second replica. */
    public InMemoryHistoryStore createPeer() {
        return new InMemoryHistoryStore(db, clock);
    }

    /** The database this store works on. */
    public InMemoryDatabase database() {
        return db;
    }

    // ---------------------------------------------------------------- lifecycle & fencing

    @Override
    public void start() {
        available();
    }

    private void available() {
        if (closed) {
            throw new StoreUnavailableException("in-memory store is closed");
        }
        if (db.isUnavailable()) {
            throw new StoreUnavailableException("in-memory database is unavailable (simulated)");
        }
    }

    /** Checks the epoch and raises the highest seen one; caller holds the lock. */
    private void fence(long epoch) {
        checkFence(epoch);
        db.highestEpoch = epoch;
    }

    /** Checks the epoch without raising the highest seen one; caller holds the lock. */
    private void checkFence(long epoch) {
        available();
        if (epoch < db.highestEpoch) {
            throw new StaleEpochException(epoch, db.highestEpoch);
        }
    }

    @Override
    public long advanceEpoch(long epoch) {
        synchronized (db.lock) {
            fence(epoch);
            return db.highestEpoch;
        }
    }

    /** Atomic under the database's lock, like the SQL stores' single UPDATE of the fence row. */
    @Override
    public long claimEpoch(long atLeast) {
        synchronized (db.lock) {
            available();
            db.highestEpoch = Math.max(atLeast, db.highestEpoch + 1);
            return db.highestEpoch;
        }
    }

    @Override
    public long highestEpoch() {
        synchronized (db.lock) {
            available();
            return db.highestEpoch;
        }
    }

    // ---------------------------------------------------------------- executions

    @Override
    public UpsertResult upsertExecution(Execution execution, long epoch) {
        Objects.requireNonNull(execution, "execution");
        synchronized (db.lock) {
            fence(epoch);
            return upsertLocked(execution);
        }
    }

    @Override
    public List<UpsertResult> upsertExecutions(List<Execution> executions, long epoch) {
        Objects.requireNonNull(executions, "executions");
        for (Execution e : executions) {
            Objects.requireNonNull(e, "executions must not contain null");
        }
        synchronized (db.lock) {
            fence(epoch);
            List<UpsertResult> results = new ArrayList<>(executions.size());
            for (Execution e : executions) {
                results.add(upsertLocked(e));
            }
            return results;
        }
    }

    private UpsertResult upsertLocked(Execution given) {
        Execution incoming = StoredText.clean(given);
        Execution stored = db.executions.get(incoming.jobUid());
        if (stored == null) {
            db.executions.put(incoming.jobUid(), incoming);
            return UpsertResult.INSERTED;
        }
        if (stored.state().isTerminal() && incoming.state() == JobState.RUNNING) {
            return UpsertResult.UNCHANGED;
        }
        Execution merged = new Execution(incoming.job(),
                incoming.logTail() != null ? incoming.logTail() : stored.logTail(),
                !incoming.events().isEmpty() ? incoming.events() : stored.events(),
                incoming.suggestedFix() != null ? incoming.suggestedFix() : stored.suggestedFix());
        if (merged.equals(stored)) {
            return UpsertResult.UNCHANGED;
        }
        db.executions.put(merged.jobUid(), merged);
        return UpsertResult.UPDATED;
    }

    @Override
    public Optional<Execution> findExecution(String jobUid) {
        Objects.requireNonNull(jobUid, "jobUid");
        synchronized (db.lock) {
            available();
            return Optional.ofNullable(db.executions.get(jobUid));
        }
    }

    @Override
    public Map<String, JobState> executionStates(Collection<String> jobUids) {
        Objects.requireNonNull(jobUids, "jobUids");
        synchronized (db.lock) {
            available();
            Map<String, JobState> out = new LinkedHashMap<>();
            for (String uid : jobUids) {
                Execution e = db.executions.get(uid);
                if (e != null) {
                    out.put(uid, e.state());
                }
            }
            return out;
        }
    }

    @Override
    public Page<Execution> executions(ExecutionQuery query) {
        Objects.requireNonNull(query, "query");
        List<Execution> matching;
        synchronized (db.lock) {
            available();
            matching = db.executions.values().stream().filter(query::matches).sorted(NEWEST_FIRST)
                    .collect(Collectors.toList());
        }
        List<Execution> page = matching.stream().skip(query.offset()).limit(query.limit())
                .map(e -> query.withDetails() ? e : e.withoutDetails())
                .collect(Collectors.toList());
        return new Page<>(page, matching.size(), query.offset(), query.limit());
    }

    @Override
    public ExecutionStats stats(CronJobRef cronJob, StatsQuery window) {
        Objects.requireNonNull(cronJob, "cronJob");
        Objects.requireNonNull(window, "window");
        List<Execution> runs;
        synchronized (db.lock) {
            available();
            runs = db.executions.values().stream().filter(e -> e.cronJob().equals(cronJob))
                    .collect(Collectors.toList());
        }
        return computeStats(cronJob, window, runs);
    }

    @Override
    public Map<CronJobRef, ExecutionStats> stats(Collection<CronJobRef> cronJobs, StatsQuery window) {
        Objects.requireNonNull(cronJobs, "cronJobs");
        Objects.requireNonNull(window, "window");
        Map<CronJobRef, List<Execution>> byCronJob = new LinkedHashMap<>();
        for (CronJobRef ref : cronJobs) {
            byCronJob.put(Objects.requireNonNull(ref, "cronJobs must not contain null"), new ArrayList<>());
        }
        synchronized (db.lock) {
            available();
            for (Execution e : db.executions.values()) {
                List<Execution> list = byCronJob.get(e.cronJob());
                if (list != null) {
                    list.add(e);
                }
            }
        }
        Map<CronJobRef, ExecutionStats> out = new LinkedHashMap<>();
        byCronJob.forEach((ref, runs) -> out.put(ref, computeStats(ref, window, runs)));
        return out;
    }

    /** Statistics of one CronJob's runs (all of them, any window) over {@code window}. */
    static ExecutionStats computeStats(CronJobRef cronJob, StatsQuery window, Collection<Execution> runs) {
        Instant lastSuccess = null;
        Instant lastFailure = null;
        List<Duration> durations = new ArrayList<>();
        long succeeded = 0;
        long failed = 0;
        for (Execution e : runs) {
            Instant finished = e.job().finishedAt();
            if (e.state() == JobState.SUCCEEDED && (lastSuccess == null || finished.isAfter(lastSuccess))) {
                lastSuccess = finished;
            }
            if (e.state() == JobState.FAILED && (lastFailure == null || finished.isAfter(lastFailure))) {
                lastFailure = finished;
            }
            Instant start = e.startedAt();
            boolean inWindow = !start.isBefore(window.from()) && start.isBefore(window.to());
            if (!e.state().isTerminal() || !inWindow || (e.job().manual() && !window.includeManual())
                    || (window.successfulOnly() && e.state() != JobState.SUCCEEDED)) {
                continue;
            }
            if (e.state() == JobState.SUCCEEDED) {
                succeeded++;
            } else {
                failed++;
            }
            durations.add(e.duration());
        }
        if (durations.isEmpty()) {
            return ExecutionStats.empty(cronJob, window, lastSuccess, lastFailure);
        }
        double[] ms = Percentiles.sortedMillis(durations);
        Map<Integer, Duration> wanted = new LinkedHashMap<>();
        for (int p : window.percentiles()) {
            wanted.put(p, Percentiles.millisToDuration(Percentiles.interpolated(ms, p / 100.0)));
        }
        return new ExecutionStats(cronJob, window.from(), window.to(), succeeded + failed, succeeded, failed,
                Percentiles.mean(durations),
                Percentiles.millisToDuration(Percentiles.interpolated(ms, 0.50)),
                Percentiles.millisToDuration(Percentiles.interpolated(ms, 0.95)),
                Percentiles.millisToDuration(Percentiles.interpolated(ms, 0.99)),
                Percentiles.millisToDuration(ms[ms.length - 1]),
                lastSuccess, lastFailure, wanted);
    }

    @Override
    public long executionCount() {
        synchronized (db.lock) {
            available();
            return db.executions.size();
        }
    }

    // ---------------------------------------------------------------- retention

    @Override
    public long deleteExecutionsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        Instant c = millis(cutoff, "cutoff");
        synchronized (db.lock) {
            fence(epoch);
            return removeExecutions(e -> (cronJob == null || cronJob.equals(e.cronJob()))
                    && e.startedAt().isBefore(c));
        }
    }

    @Override
    public long deleteExecutions(CronJobRef cronJob, @Nullable String keepUid, long epoch) {
        Objects.requireNonNull(cronJob, "cronJob");
        synchronized (db.lock) {
            fence(epoch);
            return removeExecutions(e -> cronJob.equals(e.cronJob())
                    && (keepUid == null || !keepUid.equals(e.job().ownerUid())));
        }
    }

    private long removeExecutions(Predicate<Execution> which) {
        long removed = 0;
        for (Iterator<Execution> it = db.executions.values().iterator(); it.hasNext(); ) {
            if (which.test(it.next())) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    @Override
    public long deleteDetailsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch) {
        Instant c = millis(cutoff, "cutoff");
        synchronized (db.lock) {
            fence(epoch);
            long pruned = 0;
            for (Map.Entry<String, Execution> entry : db.executions.entrySet()) {
                Execution e = entry.getValue();
                if ((cronJob == null || cronJob.equals(e.cronJob())) && e.startedAt().isBefore(c) && e.hasDetails()) {
                    entry.setValue(e.withoutDetails());
                    pruned++;
                }
            }
            return pruned;
        }
    }

    @Override
    public long deleteResolvedIncidentsBefore(Instant cutoff, long epoch) {
        Instant c = millis(cutoff, "cutoff");
        synchronized (db.lock) {
            fence(epoch);
            List<String> doomed = db.incidents.values().stream()
                    .filter(i -> i.resolvedAt() != null && i.resolvedAt().isBefore(c))
                    .map(Incident::id).collect(Collectors.toList());
            for (String id : doomed) {
                db.incidents.remove(id);
                for (Iterator<Notification> it = db.notifications.values().iterator(); it.hasNext(); ) {
                    Notification n = it.next();
                    if (n.incidentId().equals(id)) {
                        db.notificationKeys.remove(notificationKey(n.incidentId(), n.channel(), n.kind(),
                                n.sequence()));
                        it.remove();
                    }
                }
            }
            return doomed.size();
        }
    }

    // ---------------------------------------------------------------- incidents

    @Override
    public OpenIncidentResult openIncident(IncidentDraft given, long epoch) {
        IncidentDraft draft = StoredText.clean(Objects.requireNonNull(given, "draft"));
        synchronized (db.lock) {
            fence(epoch);
            String openId = db.openIncidentByKey.get(draft.key());
            if (openId != null) {
                return new OpenIncidentResult(db.incidents.get(openId), false);
            }
            String id = "inc-" + db.nextIncidentId++;
            Incident incident = new Incident(id, draft.key(), draft.severity(), draft.title(), draft.message(),
                    draft.signature(), draft.context(), draft.openedAt(), null, 0, null, 0);
            db.incidents.put(id, incident);
            db.openIncidentByKey.put(draft.key(), id);
            return new OpenIncidentResult(incident, true);
        }
    }

    @Override
    public Optional<Incident> findOpenIncident(IncidentKey key) {
        Objects.requireNonNull(key, "key");
        synchronized (db.lock) {
            available();
            String id = db.openIncidentByKey.get(key);
            return id == null ? Optional.empty() : Optional.of(db.incidents.get(id));
        }
    }

    @Override
    public Optional<Incident> findIncident(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        synchronized (db.lock) {
            available();
            return Optional.ofNullable(db.incidents.get(incidentId));
        }
    }

    @Override
    public Optional<Incident> updateIncident(Incident given, long epoch) {
        Incident updated = StoredText.clean(Objects.requireNonNull(given, "updated"));
        synchronized (db.lock) {
            fence(epoch);
            Incident stored = db.incidents.get(updated.id());
            if (stored == null || !stored.isOpen() || stored.version() != updated.version()) {
                return Optional.empty();
            }
            Incident next = new Incident(stored.id(), stored.key(), updated.severity(), updated.title(),
                    updated.message(), updated.signature(), updated.context(), stored.openedAt(),
                    updated.lastNotifiedAt(), updated.notificationCount(), null, stored.version() + 1,
                    stored.acknowledgedAt(), stored.acknowledgedBy(), stored.silencedUntil(), stored.silencedBy());
            db.incidents.put(next.id(), next);
            return Optional.of(next);
        }
    }

    @Override
    public Optional<Incident> acknowledgeIncident(String incidentId, String by, Instant at, long epoch) {
        Objects.requireNonNull(by, "by");
        Instant when = millis(at, "at");
        return attention(incidentId, epoch, s -> new Incident(s.id(), s.key(), s.severity(), s.title(), s.message(),
                s.signature(), s.context(), s.openedAt(), s.lastNotifiedAt(), s.notificationCount(), null,
                s.version(), when, StoredText.clean(by), s.silencedUntil(), s.silencedBy()));
    }

    @Override
    public Optional<Incident> silenceIncident(String incidentId, @Nullable Instant until, String by, long epoch) {
        Objects.requireNonNull(by, "by");
        Instant end = until == null ? null : millis(until, "until");
        return attention(incidentId, epoch, s -> new Incident(s.id(), s.key(), s.severity(), s.title(), s.message(),
                s.signature(), s.context(), s.openedAt(), s.lastNotifiedAt(), s.notificationCount(), null,
                s.version(), s.acknowledgedAt(), s.acknowledgedBy(), end, end == null ? null : StoredText.clean(by)));
    }

    /** Changes an open incident outside its optimistic lock (the version stays). */
    private Optional<Incident> attention(String incidentId, long epoch,
            java.util.function.UnaryOperator<Incident> change) {
        Objects.requireNonNull(incidentId, "incidentId");
        synchronized (db.lock) {
            fence(epoch);
            Incident s = db.incidents.get(incidentId);
            if (s == null || !s.isOpen()) {
                return Optional.empty();
            }
            Incident next = change.apply(s);
            db.incidents.put(incidentId, next);
            return Optional.of(next);
        }
    }

    @Override
    public Optional<Incident> resolveIncident(String incidentId, Instant resolvedAt, long epoch) {
        Objects.requireNonNull(incidentId, "incidentId");
        Instant at = millis(resolvedAt, "resolvedAt");
        synchronized (db.lock) {
            checkFence(epoch);
            Incident stored = db.incidents.get(incidentId);
            if (stored != null && at.isBefore(stored.openedAt())) {
                throw new IllegalArgumentException("resolvedAt (" + at + ") must not be before openedAt ("
                        + stored.openedAt() + ")");
            }
            fence(epoch);
            if (stored == null || !stored.isOpen()) {
                return Optional.empty();
            }
            Incident resolved = new Incident(stored.id(), stored.key(), stored.severity(), stored.title(),
                    stored.message(), stored.signature(), stored.context(), stored.openedAt(),
                    stored.lastNotifiedAt(), stored.notificationCount(), at, stored.version() + 1,
                    stored.acknowledgedAt(), stored.acknowledgedBy(), stored.silencedUntil(), stored.silencedBy());
            db.incidents.put(incidentId, resolved);
            db.openIncidentByKey.remove(stored.key(), incidentId);
            return Optional.of(resolved);
        }
    }

    @Override
    public Page<Incident> incidents(IncidentQuery query) {
        Objects.requireNonNull(query, "query");
        List<Incident> matching;
        synchronized (db.lock) {
            available();
            matching = db.incidents.values().stream().filter(query::matches).sorted(INCIDENTS_NEWEST_FIRST)
                    .collect(Collectors.toList());
        }
        List<Incident> page = matching.stream().skip(query.offset()).limit(query.limit())
                .collect(Collectors.toList());
        return new Page<>(page, matching.size(), query.offset(), query.limit());
    }

    // ---------------------------------------------------------------- notification outbox

    @Override
    public Optional<Notification> enqueueNotification(NotificationDraft draft, long epoch) {
        Objects.requireNonNull(draft, "draft");
        synchronized (db.lock) {
            checkFence(epoch);
            if (draft.kind() != NotificationKind.TEST && !db.incidents.containsKey(draft.incidentId())) {
                throw new IllegalArgumentException("unknown incident " + draft.incidentId());
            }
            fence(epoch);
            List<Object> key = notificationKey(draft.incidentId(), draft.channel(), draft.kind(), draft.sequence());
            if (!db.notificationKeys.add(key)) {
                return Optional.empty();
            }
            long id = db.nextNotificationId++;
            Notification n = new Notification(id, draft.incidentId(), draft.channel(), draft.kind(),
                    draft.sequence(), NotificationStatus.PENDING, 0, draft.dueAt(), null, null, null,
                    clock.instant(), null);
            db.notifications.put(id, n);
            return Optional.of(n);
        }
    }

    private static List<Object> notificationKey(String incidentId, String channel, Object kind, int sequence) {
        return List.of(incidentId, channel, kind, sequence);
    }

    @Override
    public Optional<Notification> claimNotification(long notificationId, String claimant, Instant now,
            Duration claimTtl, long epoch) {
        checkClaim(claimant, claimTtl);
        Instant t = millis(now, "now");
        synchronized (db.lock) {
            fence(epoch);
            return Optional.ofNullable(claimLocked(db.notifications.get(notificationId), claimant, t, claimTtl));
        }
    }

    @Override
    public List<Notification> claimDueNotifications(String claimant, Instant now, Duration claimTtl, int limit,
            long epoch) {
        checkClaim(claimant, claimTtl);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        Instant t = millis(now, "now");
        synchronized (db.lock) {
            fence(epoch);
            List<Notification> due = db.notifications.values().stream().filter(n -> claimableLocked(n, t))
                    .filter(n -> !heldBySilenceLocked(n, t)).sorted(DUE_ORDER).limit(limit).collect(Collectors.toList());
            List<Notification> claimed = new ArrayList<>(due.size());
            for (Notification n : due) {
                claimed.add(claimLocked(n, claimant, t, claimTtl));
            }
            return claimed;
        }
    }

    /** An opening or a reminder of an open incident silenced at {@code now} waits until the silence ends. */
    private boolean heldBySilenceLocked(Notification n, Instant now) {
        if (n.kind() != NotificationKind.OPENED && n.kind() != NotificationKind.REMINDER) {
            return false;
        }
        Incident i = db.incidents.get(n.incidentId());
        return i != null && i.isOpen() && i.isSilencedAt(now);
    }

    private static void checkClaim(String claimant, Duration claimTtl) {
        Objects.requireNonNull(claimant, "claimant");
        if (claimant.isBlank()) {
            throw new IllegalArgumentException("claimant must not be blank");
        }
        Objects.requireNonNull(claimTtl, "claimTtl");
        if (claimTtl.isNegative() || claimTtl.isZero()) {
            throw new IllegalArgumentException("claimTtl must be positive, was " + claimTtl);
        }
    }

    private @Nullable Notification claimLocked(@Nullable Notification n, String claimant, Instant now,
            Duration ttl) {
        if (n == null || !claimableLocked(n, now)) {
            return null;
        }
        Notification claimed = new Notification(n.id(), n.incidentId(), n.channel(), n.kind(), n.sequence(),
                NotificationStatus.CLAIMED, n.attempts(), n.dueAt(), claimant, now.plus(ttl), n.lastError(),
                n.createdAt(), null);
        db.notifications.put(n.id(), claimed);
        return claimed;
    }

    /** {@link Notification#isClaimableAt}, and a resolution only once the rest of its incident and channel is final. */
    private boolean claimableLocked(Notification n, Instant now) {
        if (!n.isClaimableAt(now)) {
            return false;
        }
        if (n.kind() != NotificationKind.RESOLVED) {
            return true;
        }
        for (Notification o : db.notifications.values()) {
            if (o.id() != n.id() && o.incidentId().equals(n.incidentId()) && o.channel().equals(n.channel())
                    && !o.status().isFinal()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Set<Long> extendClaims(Collection<Long> notificationIds, String claimant, Instant until) {
        Objects.requireNonNull(notificationIds, "notificationIds");
        Objects.requireNonNull(claimant, "claimant");
        Instant t = millis(until, "until");
        synchronized (db.lock) {
            available();
            Set<Long> held = new LinkedHashSet<>();
            for (Long id : notificationIds) {
                Notification n = db.notifications.get(id);
                if (heldBy(n, claimant)) {
                    db.notifications.put(n.id(), new Notification(n.id(), n.incidentId(), n.channel(), n.kind(),
                            n.sequence(), n.status(), n.attempts(), n.dueAt(), claimant, t, n.lastError(),
                            n.createdAt(), null));
                    held.add(n.id());
                }
            }
            return held;
        }
    }

    @Override
    public int releaseClaims(Collection<Long> notificationIds, String claimant) {
        Objects.requireNonNull(notificationIds, "notificationIds");
        Objects.requireNonNull(claimant, "claimant");
        synchronized (db.lock) {
            available();
            int released = 0;
            for (Long id : notificationIds) {
                Notification n = db.notifications.get(id);
                if (heldBy(n, claimant)) {
                    db.notifications.put(n.id(), new Notification(n.id(), n.incidentId(), n.channel(), n.kind(),
                            n.sequence(), NotificationStatus.PENDING, n.attempts(), n.dueAt(), null, null,
                            n.lastError(), n.createdAt(), null));
                    released++;
                }
            }
            return released;
        }
    }

    @Override
    public boolean markNotificationSent(long notificationId, String claimant, Instant sentAt) {
        Objects.requireNonNull(claimant, "claimant");
        Instant at = millis(sentAt, "sentAt");
        synchronized (db.lock) {
            available();
            Notification n = db.notifications.get(notificationId);
            if (!heldBy(n, claimant)) {
                return false;
            }
            db.notifications.put(n.id(), new Notification(n.id(), n.incidentId(), n.channel(), n.kind(),
                    n.sequence(), NotificationStatus.SENT, n.attempts() + 1, n.dueAt(), claimant, null,
                    n.lastError(), n.createdAt(), at));
            return true;
        }
    }

    @Override
    public boolean markNotificationFailed(long notificationId, String claimant, String error,
            @Nullable Instant retryAt) {
        Objects.requireNonNull(claimant, "claimant");
        Objects.requireNonNull(error, "error");
        Instant retry = retryAt == null ? null : retryAt.truncatedTo(ChronoUnit.MILLIS);
        synchronized (db.lock) {
            available();
            Notification n = db.notifications.get(notificationId);
            if (!heldBy(n, claimant)) {
                return false;
            }
            Notification next = retry != null
                    ? new Notification(n.id(), n.incidentId(), n.channel(), n.kind(), n.sequence(),
                            NotificationStatus.PENDING, n.attempts() + 1, retry, null, null, error, n.createdAt(),
                            null)
                    : new Notification(n.id(), n.incidentId(), n.channel(), n.kind(), n.sequence(),
                            NotificationStatus.FAILED, n.attempts() + 1, n.dueAt(), claimant, null, error,
                            n.createdAt(), null);
            db.notifications.put(n.id(), next);
            return true;
        }
    }

    private static boolean heldBy(@Nullable Notification n, String claimant) {
        return n != null && n.status() == NotificationStatus.CLAIMED && claimant.equals(n.claimedBy());
    }

    @Override
    public List<Notification> notifications(String incidentId) {
        Objects.requireNonNull(incidentId, "incidentId");
        synchronized (db.lock) {
            available();
            return db.notifications.values().stream().filter(n -> n.incidentId().equals(incidentId))
                    .collect(Collectors.toList());
        }
    }

    @Override
    public List<Notification> pendingNotifications(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be >= 1, was " + limit);
        }
        synchronized (db.lock) {
            available();
            return db.notifications.values().stream().filter(n -> !n.status().isFinal()).sorted(DUE_ORDER)
                    .limit(limit).collect(Collectors.toList());
        }
    }

    // ---------------------------------------------------------------- channel stats

    @Override
    public void recordChannelResult(String channel, boolean success, Instant at, @Nullable String given) {
        String error = StoredText.clean(given);
        Objects.requireNonNull(channel, "channel");
        Instant t = millis(at, "at");
        synchronized (db.lock) {
            available();
            ChannelStats s = db.channelStats.getOrDefault(channel, ChannelStats.empty(channel));
            ChannelStats next = success
                    ? new ChannelStats(channel, s.sent() + 1, s.failed(), 0, t, s.lastFailureAt(), s.lastError())
                    : new ChannelStats(channel, s.sent(), s.failed() + 1, s.consecutiveFailures() + 1,
                            s.lastSentAt(), t, error);
            db.channelStats.put(channel, next);
        }
    }

    @Override
    public Map<String, ChannelStats> channelStats() {
        synchronized (db.lock) {
            available();
            return new LinkedHashMap<>(db.channelStats);
        }
    }

    // ---------------------------------------------------------------- CronJob state

    @Override
    public void saveCronJobState(CronJobState state, long epoch) {
        Objects.requireNonNull(state, "state");
        synchronized (db.lock) {
            fence(epoch);
            db.cronJobStates.put(state.ref(), state);
        }
    }

    @Override
    public Optional<CronJobState> findCronJobState(CronJobRef ref) {
        Objects.requireNonNull(ref, "ref");
        synchronized (db.lock) {
            available();
            return Optional.ofNullable(db.cronJobStates.get(ref));
        }
    }

    @Override
    public List<CronJobState> cronJobStates() {
        synchronized (db.lock) {
            available();
            return new ArrayList<>(db.cronJobStates.values());
        }
    }

    @Override
    public boolean deleteCronJobState(CronJobRef ref, long epoch) {
        Objects.requireNonNull(ref, "ref");
        synchronized (db.lock) {
            fence(epoch);
            return db.cronJobStates.remove(ref) != null;
        }
    }

    // ---------------------------------------------------------------- health

    @Override
    public StoreHealth health() {
        Instant now = clock.instant();
        if (closed) {
            return StoreHealth.down("in-memory store is closed", now);
        }
        if (db.isUnavailable()) {
            return StoreHealth.down("in-memory database is unavailable (simulated)", now);
        }
        return StoreHealth.up("in-memory", now);
    }

    @Override
    public void close() {
        closed = true;
    }

    private static Instant millis(Instant value, String name) {
        return Objects.requireNonNull(value, name).truncatedTo(ChronoUnit.MILLIS);
    }

    private static long numericId(String id) {
        try {
            return Long.parseLong(id.substring(id.indexOf('-') + 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    @Override
    public String toString() {
        return "InMemoryHistoryStore[" + (closed ? "closed" : "open") + "]";
    }
}
