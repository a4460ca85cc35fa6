package io.cronjobguardian.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where runs, incidents, the alert outbox and engine state are kept.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Thread safety:</b> every method may be called from any thread concurrently; several store instances
 *       (in one JVM or in several replicas) may share one database.</li>
 *   <li><b>Time:</b> every {@link Instant} is stored in UTC with at least millisecond precision and reads back
 *       equal, whatever the JVM's or the database session's time zone; instants before 1970 and far in the future
 *       (year 9999) round-trip too.</li>
 *   <li><b>Idempotency:</b> every write can be repeated without effect: executions are upserted by Job UID,
 *       incidents are opened once per key, notifications enqueued once per
 *       {@code (incident, channel, kind, sequence)}.</li>
 *   <li><b>Fencing:</b> every write takes the writer's leader epoch. The store remembers the highest epoch it has
 *       seen (through {@link #advanceEpoch} or any write) and rejects, with {@link StaleEpochException} and without
 *       applying anything, a write whose epoch is lower. Check and write are atomic: once a write with epoch
 *       {@code n} has returned, no write with an epoch below {@code n} succeeds. The exceptions are the writes
 *       that record what a sender did under a claim it holds ({@link #markNotificationSent},
 *       {@link #markNotificationFailed}, {@link #extendClaims}, {@link #releaseClaims},
 *       {@link #recordChannelResult}): they take no epoch, because the claim —
 *       made under the claimant's epoch and checked by compare-and-set — is their guard, and a delivery that
 *       happened must be recorded even when leadership moved meanwhile (otherwise the new leader would send it
 *       again).</li>
 *   <li><b>Failures:</b> an operation that cannot be completed throws {@link StoreUnavailableException}; a write
 *       that throws was not applied. Arguments that break the contract throw {@link IllegalArgumentException}.</li>
 *   <li><b>Compare-and-set:</b> methods documented as CAS change state only when it is as expected and report
 *       whether they did; under concurrency exactly one caller wins.</li>
 *   <li><b>Statistics</b> are computed by the store (in the database for SQL stores), never by loading every run,
 *       with the percentile definition of {@link ExecutionStats}.</li>
 * </ul>
 * Implementations register a {@link HistoryStoreProvider}. {@code guardian-testkit}'s {@code HistoryStoreContract}
 * checks all of the above.
 */
public interface HistoryStore extends AutoCloseable {

    /**
     * Connects and prepares the store (migrations). Idempotent. Providers must not connect in
     * {@link HistoryStoreProvider#create}; the engine calls this once before any other method.
     *
     * @throws StoreUnavailableException when the store cannot be reached or prepared
     */
    default void start() {
    }

    // ---------------------------------------------------------------- fencing

    /**
     * Raises the store's highest seen epoch to {@code epoch}. A new leader calls this first so that a paused
     * previous leader is fenced off before the new one writes anything.
     *
     * @return the highest epoch now (equal to {@code epoch})
     * @throws StaleEpochException when a higher epoch was already seen
     */
    long advanceEpoch(long epoch);

    /**
     * Takes a new epoch for a leadership term: atomically raises the store's highest epoch to
     * {@code max(atLeast, highest + 1)} and returns it. Two calls never return the same epoch, whichever store
     * instances or replicas make them, so two terms that start at once are still told apart by the fence.
     *
     * <p>The default reads then advances (two steps); SQL stores and the in-memory store override it with one
     * atomic step. A custom store should too.
     *
     * @param atLeast the lowest epoch acceptable (the elector's term epoch)
     * @return the epoch taken (strictly above every epoch the store had seen)
     * @throws StoreUnavailableException when the store cannot be reached
     */
    default long claimEpoch(long atLeast) {
        for (int attempt = 0; ; attempt++) {
            long next = Math.max(atLeast, highestEpoch() + 1);
            try {
                return advanceEpoch(next);
            } catch (StaleEpochException e) {
                if (attempt >= 10) {
                    throw e;
                }
            }
        }
    }

    /** The highest epoch the store has seen (0 for a new store). */
    long highestEpoch();

    // ---------------------------------------------------------------- executions

    /**
     * Inserts or updates the execution with this Job UID. A terminal state is never replaced by
     * {@link JobState#RUNNING}; details (log tail, events, suggested fix) that the new value lacks are kept.
     *
     * @return what happened
     * @throws StaleEpochException when {@code epoch} is stale
     */
    UpsertResult upsertExecution(Execution execution, long epoch);

    /**
     * Upserts several executions in one transaction, with the semantics of {@link #upsertExecution} for each.
     * Either all are applied or none.
     *
     * @return the result per execution, in input order
     */
    List<UpsertResult> upsertExecutions(List<Execution> executions, long epoch);

    /** The execution with this Job UID, details included. */
    Optional<Execution> findExecution(String jobUid);

    /** The stored state of each of these Job UIDs that is stored (absent UIDs are missing from the map). */
    Map<String, JobState> executionStates(Collection<String> jobUids);

    /** Executions matching the query, newest first, one page. */
    Page<Execution> executions(ExecutionQuery query);

    /**
     * The executions {@link #executions} returns for the query (the same items, in the same order), without counting
     * every matching execution: the engine reads the newest few runs of a CronJob at every evaluation, and counting a
     * long history costs more than reading those few. The default delegates to {@link #executions}; a store whose
     * count is not free overrides it.
     *
     * @param query the query; its offset and limit select the page
     * @return the page's items, newest first
     */
    default List<Execution> findExecutions(ExecutionQuery query) {
        return executions(query).items();
    }

    /**
     * The newest {@code limit} finished runs (succeeded or failed, manual ones included) of each CronJob, newest
     * start first (ties: by Job UID), without details: per CronJob what
     * {@code findExecutions(ExecutionQuery.forCronJob(ref).states(SUCCEEDED, FAILED).page(0, limit))} returns, for
     * many CronJobs in few statements (an evaluation pass over every CronJob). Every CronJob asked for is a key; one
     * without runs maps to an empty list. The default reads them one CronJob at a time.
     */
    default Map<CronJobRef, List<Execution>> newestFinished(Collection<CronJobRef> cronJobs, int limit) {
        Map<CronJobRef, List<Execution>> out = new java.util.LinkedHashMap<>();
        for (CronJobRef ref : cronJobs) {
            out.put(ref, findExecutions(ExecutionQuery.forCronJob(ref).states(JobState.SUCCEEDED, JobState.FAILED)
                    .page(0, limit)));
        }
        return out;
    }

    /** Statistics of one CronJob over the window. Never {@code null}; see {@link ExecutionStats} for "no data". */
    ExecutionStats stats(CronJobRef cronJob, StatsQuery window);

    /**
     * Statistics of many CronJobs over one window, computed in one round trip. Every requested CronJob is in the
     * result, those without runs with empty statistics.
     */
    Map<CronJobRef, ExecutionStats> stats(Collection<CronJobRef> cronJobs, StatsQuery window);

    /** Number of stored executions in all. */
    long executionCount();

    // ---------------------------------------------------------------- retention

    /**
     * Deletes executions started before {@code cutoff}; with {@code cronJob} set only that CronJob's.
     *
     * @return how many were deleted
     */
    long deleteExecutionsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch);

    /**
     * Deletes every execution of the CronJob; with {@code keepUid} set, keeps those whose owner had that UID (used
     * when a recreated CronJob resets its history).
     *
     * @return how many were deleted
     */
    long deleteExecutions(CronJobRef cronJob, @Nullable String keepUid, long epoch);

    /**
     * {@link #deleteExecutionsBefore} for several CronJobs with one cutoff (retention of the CronJobs whose monitors
     * keep runs equally long). Stores should do it in few statements; the default calls the single form per CronJob.
     *
     * @return the executions deleted
     */
    default long pruneExecutions(Collection<CronJobRef> cronJobs, Instant cutoff, long epoch) {
        long n = 0;
        for (CronJobRef ref : cronJobs) {
            n += deleteExecutionsBefore(ref, cutoff, epoch);
        }
        return n;
    }

    /**
     * {@link #deleteDetailsBefore} for several CronJobs with one cutoff. The default calls the single form per
     * CronJob.
     *
     * @return the executions whose details were dropped
     */
    default long pruneDetails(Collection<CronJobRef> cronJobs, Instant cutoff, long epoch) {
        long n = 0;
        for (CronJobRef ref : cronJobs) {
            n += deleteDetailsBefore(ref, cutoff, epoch);
        }
        return n;
    }

    /**
     * Drops log tails, events and suggested fixes of executions started before {@code cutoff} (the runs stay);
     * with {@code cronJob} set only that CronJob's.
     *
     * @return how many executions lost details
     */
    long deleteDetailsBefore(@Nullable CronJobRef cronJob, Instant cutoff, long epoch);

    /**
     * Deletes incidents resolved before {@code cutoff}, with their notifications.
     *
     * @return how many incidents were deleted
     */
    long deleteResolvedIncidentsBefore(Instant cutoff, long epoch);

    // ---------------------------------------------------------------- incidents

    /**
     * Opens an incident unless one with the same key is open. Atomic: concurrent calls for one key open one
     * incident and all return it.
     */
    OpenIncidentResult openIncident(IncidentDraft draft, long epoch);

    /** The open incident for this key, if any. */
    Optional<Incident> findOpenIncident(IncidentKey key);

    /** The incident with this id, open or resolved. */
    Optional<Incident> findIncident(String incidentId);

    /**
     * CAS: replaces the incident's mutable fields (severity, title, message, signature, context,
     * lastNotifiedAt, notificationCount) if its stored version is {@code updated.version()} and it is open;
     * increments the version.
     *
     * @return the stored incident after the update, or empty if the version did not match or it is resolved
     */
    Optional<Incident> updateIncident(Incident updated, long epoch);

    /**
     * CAS: resolves the incident if it is open.
     *
     * @return the resolved incident if this call resolved it; empty if it was already resolved or is unknown
     */
    Optional<Incident> resolveIncident(String incidentId, Instant resolvedAt, long epoch);

    /**
     * Records that {@code by} acknowledged the open incident at {@code at} (a later acknowledgement replaces an
     * earlier one). Leaves the version and every other field as they are: an engine's concurrent update still
     * applies. The default says the store cannot do it.
     *
     * @return the incident as stored afterwards; empty if it is unknown or resolved
     * @throws UnsupportedOperationException if this store does not keep acknowledgements
     */
    default Optional<Incident> acknowledgeIncident(String incidentId, String by, Instant at, long epoch) {
        throw new UnsupportedOperationException(getClass().getName() + " does not keep acknowledgements");
    }

    /**
     * Silences the open incident until {@code until} ({@code null} lifts a silence): while silenced, its openings
     * and reminders are not claimed by {@link #claimDueNotifications} (they are claimed once it ends); its
     * resolution is. Leaves the version and every other field as they are. The default says the store cannot do it.
     *
     * @return the incident as stored afterwards; empty if it is unknown or resolved
     * @throws UnsupportedOperationException if this store does not keep silences
     */
    default Optional<Incident> silenceIncident(String incidentId, @Nullable Instant until, String by, long epoch) {
        throw new UnsupportedOperationException(getClass().getName() + " does not keep silences");
    }

    /** Incidents matching the query, newest first, one page. */
    Page<Incident> incidents(IncidentQuery query);

    // ---------------------------------------------------------------- notification outbox

    /**
     * Puts a notification into the outbox as {@link NotificationStatus#PENDING}. A {@link NotificationKind#TEST}
     * needs no incident: its incident id names the test; it is kept when incidents are deleted.
     *
     * @return the stored notification, or empty if one with the same
     *         {@code (incident, channel, kind, sequence)} already exists
     */
    Optional<Notification> enqueueNotification(NotificationDraft draft, long epoch);

    /**
     * CAS: claims one notification for {@code claimant} until {@code now + claimTtl} if it is claimable at
     * {@code now}: {@link Notification#isClaimableAt} holds and, for a {@link NotificationKind#RESOLVED}, every
     * other notification of its incident and channel is final (a resolution never overtakes the opening or a
     * reminder still being sent or retried). Among concurrent claimants, on one store instance or several,
     * exactly one wins.
     *
     * @return the claimed notification, or empty if it was not claimable
     */
    Optional<Notification> claimNotification(long notificationId, String claimant, Instant now, Duration claimTtl,
            long epoch);

    /**
     * Claims up to {@code limit} notifications claimable at {@code now}, oldest due first, each with the CAS of
     * {@link #claimNotification}.
     */
    List<Notification> claimDueNotifications(String claimant, Instant now, Duration claimTtl, int limit, long epoch);

    /**
     * CAS: marks a notification claimed by {@code claimant} as sent. {@code false} if the claim was lost (another
     * claimant took it, or it is no longer CLAIMED). A claim whose time lapsed is still held until another
     * claimant takes it, so a delivery recorded late (the store was unreachable meanwhile) is recorded. Not fenced
     * (see the class contract): a claimant completes its own claim even after a newer epoch was seen.
     */
    boolean markNotificationSent(long notificationId, String claimant, Instant sentAt);

    /**
     * CAS: records a failed attempt by {@code claimant}: attempts + 1, last error set; back to PENDING due at
     * {@code retryAt}, or FAILED for good when {@code retryAt} is {@code null}. {@code false} if the claim was lost.
     * Not fenced (see the class contract).
     */
    boolean markNotificationFailed(long notificationId, String claimant, String error, @Nullable Instant retryAt);

    /**
     * CAS: moves the claim expiry of each of these notifications that {@code claimant} holds (CLAIMED by it, lapsed
     * or not) to {@code until}; a sender calls it while it holds notifications so that their claims outlive the
     * send, however long it takes, and lapse soon after the sender dies. Not fenced (see the class contract).
     *
     * @return the ids among {@code notificationIds} that {@code claimant} holds (and were extended); an id
     *         missing from the result was lost to another claimant or finished
     */
    Set<Long> extendClaims(Collection<Long> notificationIds, String claimant, Instant until);

    /**
     * CAS: gives back the claims {@code claimant} holds on these notifications without an attempt: each goes back to
     * {@link NotificationStatus#PENDING}, unclaimed, with its due time and attempts unchanged, so another claimant
     * may take it at once (a leader stepping down releases what it claimed but did not start sending). Not fenced
     * (see the class contract).
     *
     * @return how many were released
     */
    int releaseClaims(Collection<Long> notificationIds, String claimant);

    /** Notifications of one incident, in creation order. */
    List<Notification> notifications(String incidentId);

    /** Notifications not yet final (PENDING or CLAIMED), oldest due first, at most {@code limit}. */
    List<Notification> pendingNotifications(int limit);

    // ---------------------------------------------------------------- channel stats

    /**
     * Atomically adds one delivery result to the channel's statistics (creating them on first use). Not fenced
     * (see the class contract): a delivery attempt that happened is counted.
     *
     * @param error the error of a failure (no secrets), {@code null} for a success
     */
    void recordChannelResult(String channel, boolean success, Instant at, @Nullable String error);

    /** Statistics of every channel that has recorded a result, by channel name. */
    Map<String, ChannelStats> channelStats();

    // ---------------------------------------------------------------- CronJob state

    /** Inserts or replaces the state of a CronJob. */
    void saveCronJobState(CronJobState state, long epoch);

    /**
     * Inserts or replaces the states of several CronJobs (at most one state per CronJob), as {@link
     * #saveCronJobState} does for each: a leader's first start saves one per CronJob it sees, and a store should
     * write them in few round trips. The default saves them one by one; a state already saved stays saved when a
     * later one fails.
     */
    default void saveCronJobStates(java.util.Collection<CronJobState> states, long epoch) {
        for (CronJobState st : states) {
            saveCronJobState(st, epoch);
        }
    }

    /** The state of a CronJob, if saved. */
    Optional<CronJobState> findCronJobState(CronJobRef ref);

    /** The states of every CronJob. */
    List<CronJobState> cronJobStates();

    /** Deletes a CronJob's state; {@code false} if there was none. */
    boolean deleteCronJobState(CronJobRef ref, long epoch);

    // ---------------------------------------------------------------- health

    /** Checks the store now. Never throws. */
    StoreHealth health();

    /** Open connections in the store's pool, when it has one. */
    default OptionalInt openConnections() {
        return OptionalInt.empty();
    }

    /** Releases connections. Idempotent. Does not throw for a store that is already closed. */
    @Override
    void close();
}
