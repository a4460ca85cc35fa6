package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
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
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.StoreHealth;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.api.UpsertResult;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TimeZone;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The conformance suite every {@link HistoryStore} must pass. Extend it and implement {@link #createStore()} and
 * {@link #createPeerStore()}; every test gets a fresh, empty database.
 *
 * <pre>{@code
 * class PostgresHistoryStoreTest extends HistoryStoreContract {
 *     protected HistoryStore createStore() { return newStoreOnFreshSchema(); }
 *     protected HistoryStore createPeerStore() { return newStoreOnSameSchema(); }
 * }
 * }</pre>
 *
 * <p>Where {@link HistoryStore}'s Javadoc leaves a choice, this suite fixes it:
 * <ul>
 *   <li>Executions with the same start time are ordered by Job UID ascending (the suite only uses lower-case
 *       ASCII UIDs of equal length, so every collation agrees).</li>
 *   <li>{@code lastSuccessAt}/{@code lastFailureAt} cover every stored run of the CronJob, manual runs included,
 *       whatever the window and {@link StatsQuery#includeManual()}.</li>
 *   <li>Percentiles and the mean must match {@link Percentiles} within {@value #TOLERANCE_NANOS} ns (fractions of a
 *       millisecond must be kept); the maximum must match exactly.</li>
 *   <li>A write that throws {@link StaleEpochException} changes nothing, the highest epoch included.</li>
 * </ul>
 * The suite changes the JVM default time zone inside one test (and restores it), so stores must not cache it.
 */
@TestInstance(TestInstance.Lifecycle.PER_METHOD)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class HistoryStoreContract {

    /** Tolerance for interpolated percentiles and means, in nanoseconds (10 µs). */
    public static final long TOLERANCE_NANOS = 10_000;

    /** The epoch the suite writes with unless a test says otherwise. */
    protected static final long EPOCH = 1;
    /** A fixed instant the suite's data is built around. */
    protected static final Instant T0 = Instant.parse("2024-03-10T10:00:00Z");
    /** The CronJob most tests use. */
    protected static final CronJobRef CJ = CronJobRef.of("team-a", "backup");
    /** A second CronJob in the same namespace. */
    protected static final CronJobRef CJ2 = CronJobRef.of("team-a", "report");
    /** A CronJob with {@link #CJ}'s name in another namespace. */
    protected static final CronJobRef CJ_OTHER_NS = CronJobRef.of("team-b", "backup");
    /** A monitor id used for incidents. */
    protected static final String MONITOR = "team-a/critical-jobs";

    private final List<HistoryStore> opened = new ArrayList<>();
    /** The store under test (already started). */
    protected HistoryStore store;

    /** A store on a fresh, empty database/schema. Called once per test; the suite calls start() and close(). */
    protected abstract HistoryStore createStore();

    /**
     * Another, independent store instance on the same database as the most recent createStore(). The suite calls
     * start() and close().
     */
    protected abstract HistoryStore createPeerStore();

    @BeforeEach
    void openStore() {
        store = started(createStore());
    }

    @AfterEach
    void closeStores() {
        List<HistoryStore> all = new ArrayList<>(opened);
        Collections.reverse(all);
        for (HistoryStore s : all) {
            s.close();
        }
        opened.clear();
    }

    /** A new, started peer store on the same database; closed after the test. */
    protected HistoryStore peer() {
        return started(createPeerStore());
    }

    private HistoryStore started(HistoryStore s) {
        assertThat(s).as("store factory result").isNotNull();
        opened.add(s);
        s.start();
        return s;
    }

    // =====================================================================================================
    // test data
    // =====================================================================================================

    /** A UID of fixed width, lower-case ASCII ({@code uid-0007}). */
    protected static String uid(int n) {
        return String.format("uid-%04d", n);
    }

    /** A finished run of {@code cj} started at {@code start}, lasting {@code d}, with the given outcome. */
    protected static Execution run(CronJobRef cj, String uid, Instant start, Duration d, JobState state) {
        TestObjects.JobBuilder b = TestObjects.job(cj).uid(uid).name(cj.name() + "-" + uid).scheduled(start);
        switch (state) {
            case SUCCEEDED:
                b.succeeded(start, d);
                break;
            case FAILED:
                b.failed(start, d).condition("BackoffLimitExceeded", "Job has reached the specified backoff limit")
                        .exitCode(1, "Error");
                break;
            default:
                b.running(start);
        }
        return b.execution();
    }

    /** A successful run. */
    protected static Execution ok(CronJobRef cj, String uid, Instant start, Duration d) {
        return run(cj, uid, start, d, JobState.SUCCEEDED);
    }

    /** A failed run. */
    protected static Execution failed(CronJobRef cj, String uid, Instant start, Duration d) {
        return run(cj, uid, start, d, JobState.FAILED);
    }

    /** A running run. */
    protected static Execution running(CronJobRef cj, String uid, Instant start) {
        return run(cj, uid, start, Duration.ZERO, JobState.RUNNING);
    }

    /** A manual successful run (no scheduled slot). */
    protected static Execution manualOk(CronJobRef cj, String uid, Instant start, Duration d) {
        return TestObjects.job(cj).uid(uid).name(cj.name() + "-manual-" + uid).manual().succeeded(start, d)
                .execution();
    }

    private static Execution withDetails(Execution e, String log, List<String> events, String fix) {
        return new Execution(e.job(), log, events, fix);
    }

    private void upsertAll(Execution... executions) {
        for (Execution e : executions) {
            store.upsertExecution(e, EPOCH);
        }
    }

    private static AlertContext richContext() {
        return new AlertContext("backup-28512345", 137, "OOMKilled", "container killed", "line 1\nline 2",
                List.of("BackOff: Back-off restarting failed container", "Failed: Error"), "Failed (OOMKilled)",
                "Raise the memory limit", 66.5, Duration.ofMillis(1500), Map.of("node", "worker-1", "zone", "eu"));
    }

    private static IncidentDraft draft(IncidentKey key, Instant openedAt) {
        return new IncidentDraft(key, Severity.CRITICAL, "Job failed: " + key.cronJob(), "exit code 137",
                "exit:137|OOMKilled", richContext(), openedAt);
    }

    private static IncidentKey key(CronJobRef cj, AlertType type) {
        return IncidentKey.of(MONITOR, cj, type);
    }

    private Incident openIncident(IncidentKey key, Instant at) {
        return store.openIncident(draft(key, at), EPOCH).incident();
    }

    private Notification enqueue(String incidentId, String channel, NotificationKind kind, int seq, Instant due) {
        return store.enqueueNotification(new NotificationDraft(incidentId, channel, kind, seq, due), EPOCH)
                .orElseThrow(() -> new AssertionError("enqueue returned empty for a new notification"));
    }

    private static CronJobState state(CronJobRef ref, String uid) {
        return new CronJobState(ref, uid, T0, T0.plusSeconds(60), null, T0.plusSeconds(300));
    }

    private static void assertCloseTo(Duration actual, Duration expected, String what) {
        assertThat(actual).as(what).isNotNull();
        long diff = Math.abs(actual.minus(expected).toNanos());
        assertThat(diff).as("%s: expected %s (%s ms) but was %s (%s ms)", what, expected,
                Percentiles.toMillis(expected), actual, Percentiles.toMillis(actual))
                .isLessThanOrEqualTo(TOLERANCE_NANOS);
    }

    /** Asserts counts and duration figures against {@link Percentiles} computed over {@code durations}. */
    private static void assertStats(ExecutionStats s, List<Duration> durations, long succeeded, long failed) {
        assertThat(s.total()).as("total").isEqualTo(succeeded + failed);
        assertThat(s.succeeded()).as("succeeded").isEqualTo(succeeded);
        assertThat(s.failed()).as("failed").isEqualTo(failed);
        assertThat(s.successRate()).as("successRate").isPresent();
        assertThat(s.successRate().getAsDouble()).as("successRate")
                .isCloseTo(succeeded * 100.0 / (succeeded + failed), org.assertj.core.data.Offset.offset(1e-9));
        assertCloseTo(s.avg(), Percentiles.mean(durations), "avg");
        assertCloseTo(s.p50(), Percentiles.interpolated(durations, 0.50), "p50");
        assertCloseTo(s.p95(), Percentiles.interpolated(durations, 0.95), "p95");
        assertCloseTo(s.p99(), Percentiles.interpolated(durations, 0.99), "p99");
        assertThat(s.maxDuration()).as("maxDuration").isEqualTo(Collections.max(durations));
    }

    private static StatsQuery window(Instant from, Instant to) {
        return StatsQuery.between(from, to);
    }

    private static final StatsQuery DAY = StatsQuery.between(T0.minusSeconds(3600), T0.plusSeconds(86_400));

    /** Everything observable in the store, for "nothing was applied" checks. */
    private record StoreImage(long epoch, List<Execution> executions, List<Incident> incidents,
            List<List<Notification>> notifications, Map<String, ChannelStats> channels, List<CronJobState> states) {
    }

    private StoreImage image(HistoryStore s) {
        List<Execution> execs = s.executions(ExecutionQuery.all().withDetails(true)
                .page(0, ExecutionQuery.MAX_LIMIT)).items();
        List<Incident> incs = s.incidents(IncidentQuery.all().page(0, ExecutionQuery.MAX_LIMIT)).items();
        List<List<Notification>> notes = incs.stream().map(i -> s.notifications(i.id())).collect(Collectors.toList());
        return new StoreImage(s.highestEpoch(), execs, incs, notes, s.channelStats(), s.cronJobStates());
    }

    /** Runs {@code threads} tasks started together; returns their results in task order. */
    private static <T> List<T> concurrently(int threads, IntFunction<Callable<T>> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> c = task.apply(i);
                futures.add(pool.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return c.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(60, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    // =====================================================================================================
    // executions: upsert
    // =====================================================================================================

    @Test
    @DisplayName("upsert of a new Job UID inserts it; find returns it equal, details included")
    void upsertInsertsAndFindReturnsEqual() {
        Execution e = withDetails(failed(CJ, uid(1), T0, Duration.ofSeconds(42)), "boom\nstack", List.of(
                "BackOff: restarting", "Failed: Error"), "Check the credentials");

        assertThat(store.upsertExecution(e, EPOCH)).isEqualTo(UpsertResult.INSERTED);

        assertThat(store.findExecution(uid(1))).contains(e);
        assertThat(store.executionCount()).isEqualTo(1);
        assertThat(store.findExecution(uid(2))).isEmpty();
    }

    @Test
    @DisplayName("upserting the same execution again is UNCHANGED and stores it once")
    void upsertIsIdempotent() {
        Execution e = ok(CJ, uid(1), T0, Duration.ofSeconds(3));
        store.upsertExecution(e, EPOCH);

        assertThat(store.upsertExecution(e, EPOCH)).isEqualTo(UpsertResult.UNCHANGED);
        assertThat(peer().upsertExecution(e, EPOCH)).isEqualTo(UpsertResult.UNCHANGED);

        assertThat(store.executionCount()).isEqualTo(1);
        assertThat(store.findExecution(uid(1))).contains(e);
    }

    @Test
    @DisplayName("RUNNING then SUCCEEDED updates the stored run")
    void runningThenTerminalUpdates() {
        Execution r = running(CJ, uid(1), T0);
        Execution done = TestObjects.job(r.job()).succeeded(T0, Duration.ofSeconds(90)).attempts(2).execution();

        assertThat(store.upsertExecution(r, EPOCH)).isEqualTo(UpsertResult.INSERTED);
        assertThat(store.findExecution(uid(1)).map(Execution::state)).contains(JobState.RUNNING);
        assertThat(store.upsertExecution(done, EPOCH)).isEqualTo(UpsertResult.UPDATED);

        Execution stored = store.findExecution(uid(1)).orElseThrow();
        assertThat(stored).isEqualTo(done);
        assertThat(stored.job().attempts()).isEqualTo(2);
        assertThat(stored.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(store.executionCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("a late RUNNING never overwrites a terminal state")
    void terminalNotRegressedByLateRunning() {
        Execution succeeded = ok(CJ, uid(1), T0, Duration.ofSeconds(5));
        Execution failedRun = failed(CJ, uid(2), T0, Duration.ofSeconds(5));
        upsertAll(succeeded, failedRun);

        Execution lateRunning1 = TestObjects.job(succeeded.job()).running(T0).execution();
        Execution lateRunning2 = TestObjects.job(failedRun.job()).running(T0).execution();
        assertThat(store.upsertExecution(lateRunning1, EPOCH)).isEqualTo(UpsertResult.UNCHANGED);
        assertThat(store.upsertExecutions(List.of(lateRunning2), EPOCH)).containsExactly(UpsertResult.UNCHANGED);

        assertThat(store.findExecution(uid(1))).contains(succeeded);
        assertThat(store.findExecution(uid(2))).contains(failedRun);
        assertThat(store.executionStates(List.of(uid(1), uid(2))))
                .containsEntry(uid(1), JobState.SUCCEEDED).containsEntry(uid(2), JobState.FAILED);
    }

    @Test
    @DisplayName("details the new value lacks are kept; new details are added; given details replace old ones")
    void detailsKeptAddedAndReplaced() {
        Execution base = failed(CJ, uid(1), T0, Duration.ofSeconds(5));
        store.upsertExecution(base, EPOCH);

        Execution detailed = withDetails(base, "tail v1", List.of("Failed: Error"), "fix v1");
        assertThat(store.upsertExecution(detailed, EPOCH)).as("details added").isEqualTo(UpsertResult.UPDATED);
        assertThat(store.findExecution(uid(1))).contains(detailed);

        assertThat(store.upsertExecution(base, EPOCH)).as("same run without details")
                .isEqualTo(UpsertResult.UNCHANGED);
        assertThat(store.findExecution(uid(1))).contains(detailed);

        Execution moreAttempts = TestObjects.job(base.job()).attempts(4).execution();
        assertThat(store.upsertExecution(moreAttempts, EPOCH)).isEqualTo(UpsertResult.UPDATED);
        Execution stored = store.findExecution(uid(1)).orElseThrow();
        assertThat(stored.job().attempts()).isEqualTo(4);
        assertThat(stored.logTail()).isEqualTo("tail v1");
        assertThat(stored.events()).containsExactly("Failed: Error");
        assertThat(stored.suggestedFix()).isEqualTo("fix v1");

        Execution newLog = new Execution(moreAttempts.job(), "tail v2", List.of(), null);
        assertThat(store.upsertExecution(newLog, EPOCH)).isEqualTo(UpsertResult.UPDATED);
        stored = store.findExecution(uid(1)).orElseThrow();
        assertThat(stored.logTail()).isEqualTo("tail v2");
        assertThat(stored.events()).containsExactly("Failed: Error");
        assertThat(stored.suggestedFix()).isEqualTo("fix v1");
    }

    @Test
    @DisplayName("8 threads upserting the same Job: one INSERTED in all, one row")
    void concurrentUpsertsOfSameJob() throws Exception {
        HistoryStore other = peer();
        Execution e = ok(CJ, uid(1), T0, Duration.ofSeconds(1));

        List<List<UpsertResult>> results = concurrently(8, t -> () -> {
            HistoryStore s = t % 2 == 0 ? store : other;
            List<UpsertResult> mine = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                mine.add(s.upsertExecution(e, EPOCH));
            }
            return mine;
        });

        List<UpsertResult> all = results.stream().flatMap(List::stream).collect(Collectors.toList());
        assertThat(all).filteredOn(r -> r == UpsertResult.INSERTED).hasSize(1);
        assertThat(all).filteredOn(r -> r == UpsertResult.UNCHANGED).hasSize(8 * 20 - 1);
        assertThat(store.executionCount()).isEqualTo(1);
        assertThat(store.findExecution(uid(1))).contains(e);
    }

    @Test
    @DisplayName("8 threads upserting different and shared Jobs: exact final counts")
    void concurrentUpsertsOfDifferentJobs() throws Exception {
        HistoryStore other = peer();
        int perThread = 50;
        int shared = 50;

        List<Integer> inserted = concurrently(8, t -> () -> {
            HistoryStore s = t % 2 == 0 ? store : other;
            int count = 0;
            for (int i = 0; i < perThread; i++) {
                Execution own = ok(CJ, uid(1000 + t * perThread + i), T0.plusSeconds(i), Duration.ofSeconds(1));
                Execution common = ok(CJ2, uid(i), T0.plusSeconds(i), Duration.ofSeconds(2));
                if (s.upsertExecution(own, EPOCH) == UpsertResult.INSERTED) {
                    count++;
                }
                if (s.upsertExecution(common, EPOCH) == UpsertResult.INSERTED) {
                    count++;
                }
            }
            return count;
        });

        assertThat(inserted.stream().mapToInt(Integer::intValue).sum()).isEqualTo(8 * perThread + shared);
        assertThat(store.executionCount()).isEqualTo(8 * perThread + shared);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).page(0, 1)).total()).isEqualTo(8 * perThread);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ2).page(0, 1)).total()).isEqualTo(shared);
    }

    @Test
    @DisplayName("batch upsert returns one result per execution, in input order")
    void batchUpsertResultsInOrder() {
        Execution a = running(CJ, uid(1), T0);
        Execution b = running(CJ, uid(2), T0.plusSeconds(1));
        assertThat(store.upsertExecutions(List.of(a, b), EPOCH))
                .containsExactly(UpsertResult.INSERTED, UpsertResult.INSERTED);

        Execution aDone = TestObjects.job(a.job()).succeeded(T0, Duration.ofSeconds(3)).execution();
        Execution c = ok(CJ2, uid(3), T0, Duration.ofSeconds(1));
        assertThat(store.upsertExecutions(List.of(aDone, c, b), EPOCH))
                .containsExactly(UpsertResult.UPDATED, UpsertResult.INSERTED, UpsertResult.UNCHANGED);

        assertThat(store.executionCount()).isEqualTo(3);
        assertThat(store.findExecution(uid(1))).contains(aDone);
        assertThat(store.upsertExecutions(List.of(), EPOCH)).isEmpty();
    }

    @Test
    @DisplayName("a batch with a stale epoch applies nothing")
    void staleBatchAppliesNothing() {
        store.upsertExecution(running(CJ, uid(1), T0), 5);
        List<Execution> batch = List.of(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), ok(CJ, uid(2), T0,
                Duration.ofSeconds(1)), ok(CJ2, uid(3), T0, Duration.ofSeconds(1)));

        assertThatThrownBy(() -> store.upsertExecutions(batch, 4)).isInstanceOf(StaleEpochException.class);

        assertThat(store.executionCount()).isEqualTo(1);
        assertThat(store.findExecution(uid(1)).map(Execution::state)).contains(JobState.RUNNING);
        assertThat(store.findExecution(uid(2))).isEmpty();
        assertThat(store.findExecution(uid(3))).isEmpty();
        assertThat(store.upsertExecutions(batch, 5)).containsExactly(UpsertResult.UPDATED, UpsertResult.INSERTED,
                UpsertResult.INSERTED);
    }

    @Test
    @DisplayName("executionStates returns the stored state of stored UIDs only")
    void executionStatesOfStoredUids() {
        upsertAll(running(CJ, uid(1), T0), ok(CJ, uid(2), T0, Duration.ofSeconds(1)),
                failed(CJ2, uid(3), T0, Duration.ofSeconds(1)));

        Map<String, JobState> states = store.executionStates(List.of(uid(1), uid(2), uid(3), uid(4)));

        assertThat(states).containsExactlyInAnyOrderEntriesOf(Map.of(uid(1), JobState.RUNNING, uid(2),
                JobState.SUCCEEDED, uid(3), JobState.FAILED));
        assertThat(store.executionStates(List.of())).isEmpty();
        assertThat(store.executionStates(List.of(uid(9)))).isEmpty();
    }

    @Test
    @DisplayName("executionCount counts every stored execution across CronJobs and follows deletions")
    void executionCountFollowsWrites() {
        assertThat(store.executionCount()).isZero();
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), ok(CJ2, uid(2), T0, Duration.ofSeconds(1)),
                running(CJ_OTHER_NS, uid(3), T0));
        assertThat(store.executionCount()).isEqualTo(3);
        assertThat(peer().executionCount()).isEqualTo(3);
        store.deleteExecutions(CJ2, null, EPOCH);
        assertThat(store.executionCount()).isEqualTo(2);
    }

    // =====================================================================================================
    // executions: queries
    // =====================================================================================================

    @Test
    @DisplayName("executions are ordered newest first by start time, ties by Job UID ascending")
    void executionsOrderedNewestFirst() {
        upsertAll(ok(CJ, uid(5), T0.plusSeconds(10), Duration.ofSeconds(1)),
                ok(CJ, uid(1), T0.plusSeconds(30), Duration.ofSeconds(1)),
                ok(CJ, uid(4), T0.plusSeconds(20), Duration.ofSeconds(1)),
                ok(CJ, uid(3), T0.plusSeconds(20), Duration.ofSeconds(1)),
                running(CJ, uid(2), T0.plusSeconds(40)),
                ok(CJ, uid(6), T0.minusSeconds(86_400 * 400L), Duration.ofSeconds(1)));

        List<String> uids = store.executions(ExecutionQuery.forCronJob(CJ)).items().stream()
                .map(Execution::jobUid).collect(Collectors.toList());

        assertThat(uids).containsExactly(uid(2), uid(1), uid(3), uid(4), uid(5), uid(6));
    }

    @Test
    @DisplayName("findExecutions returns exactly the items executions(query) returns, page by page, without a total")
    void findExecutionsMatchesExecutions() {
        List<Execution> runs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Instant start = T0.plusSeconds(60L * i);
            runs.add(i % 4 == 0 ? failed(CJ, uid(i), start, Duration.ofSeconds(5 + i))
                    : i % 7 == 0 ? running(CJ, uid(i), start)
                    : ok(CJ, uid(i), start, Duration.ofSeconds(1 + i)));
        }
        // same start times as runs of CJ (ties by Job UID), another CronJob and a manual run
        runs.add(ok(CJ2, uid(100), T0.plusSeconds(60), Duration.ofSeconds(1)));
        runs.add(TestObjects.job(CJ).uid(uid(101)).name("manual").manual()
                .succeeded(T0.plusSeconds(120), Duration.ofSeconds(2)).execution());
        runs.add(ok(CJ, uid(102), T0.plusSeconds(120), Duration.ofSeconds(3)));
        upsertAll(runs.toArray(new Execution[0]));

        List<ExecutionQuery> queries = List.of(
                ExecutionQuery.forCronJob(CJ),
                ExecutionQuery.forCronJob(CJ).states(JobState.SUCCEEDED, JobState.FAILED).page(0, 21),
                ExecutionQuery.forCronJob(CJ).states(JobState.SUCCEEDED, JobState.FAILED).page(5, 7),
                ExecutionQuery.forCronJob(CJ).includeManual(false).page(0, 3),
                ExecutionQuery.forCronJob(CJ).withDetails(true).page(2, 4),
                ExecutionQuery.forCronJob(CJ).scheduledBetween(T0.plusSeconds(600), null).page(0, 10),
                ExecutionQuery.forCronJob(CJ).startedBetween(null, T0.plusSeconds(300)).page(0, 1),
                ExecutionQuery.forCronJob(CJ).page(40, 10),
                ExecutionQuery.all().page(0, ExecutionQuery.MAX_LIMIT));
        for (ExecutionQuery q : queries) {
            assertThat(store.findExecutions(q)).as("%s", q).isEqualTo(store.executions(q).items());
        }
        assertThat(store.findExecutions(ExecutionQuery.forCronJob(CJ).page(0, 2))).extracting(Execution::jobUid)
                .containsExactly(uid(29), uid(28));
    }

    @Test
    @DisplayName("start time is startedAt, or createdAt for a Job that has not started")
    void orderUsesEffectiveStart() {
        JobSnapshot notStarted = TestObjects.job(CJ).uid(uid(1)).name("a").createdAt(T0.plusSeconds(100))
                .notStarted().build();
        JobSnapshot startedLate = TestObjects.job(CJ).uid(uid(2)).name("b").createdAt(T0)
                .running(T0.plusSeconds(200)).build();
        upsertAll(Execution.of(notStarted), Execution.of(startedLate),
                ok(CJ, uid(3), T0.plusSeconds(150), Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(2), uid(3), uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(T0.plusSeconds(100),
                T0.plusSeconds(101))).items()).extracting(Execution::jobUid).containsExactly(uid(1));
    }

    @Test
    @DisplayName("filter by CronJob separates names and namespaces; all() returns every CronJob")
    void filterByCronJob() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), ok(CJ2, uid(2), T0, Duration.ofSeconds(1)),
                ok(CJ_OTHER_NS, uid(3), T0, Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ_OTHER_NS)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(3));
        assertThat(store.executions(ExecutionQuery.forCronJob(CronJobRef.of("team-a", "nothing"))).items())
                .isEmpty();
        Page<Execution> all = store.executions(ExecutionQuery.all());
        assertThat(all.items()).extracting(Execution::jobUid).containsExactly(uid(1), uid(2), uid(3));
        assertThat(all.total()).isEqualTo(3);
    }

    @Test
    @DisplayName("filter by owner UID keeps runs of one CronJob incarnation")
    void filterByCronJobUid() {
        Execution old1 = TestObjects.job(CJ).uid(uid(1)).name("o1").ownerUid("owner-old").succeeded(T0,
                Duration.ofSeconds(1)).execution();
        Execution new1 = TestObjects.job(CJ).uid(uid(2)).name("n1").ownerUid("owner-new").succeeded(
                T0.plusSeconds(60), Duration.ofSeconds(1)).execution();
        Execution new2 = TestObjects.job(CJ).uid(uid(3)).name("n2").ownerUid("owner-new").succeeded(
                T0.plusSeconds(120), Duration.ofSeconds(1)).execution();
        upsertAll(old1, new1, new2);

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).cronJobUid("owner-new")).items())
                .extracting(Execution::jobUid).containsExactly(uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).cronJobUid("owner-old")).items())
                .containsExactly(old1);
    }

    @Test
    @DisplayName("startedBetween is [from, before) on start time")
    void filterStartedBetweenBoundaries() {
        Instant from = T0;
        Instant before = T0.plusSeconds(3600);
        upsertAll(ok(CJ, uid(1), from.minusMillis(1), Duration.ofSeconds(1)),
                ok(CJ, uid(2), from, Duration.ofSeconds(1)),
                ok(CJ, uid(3), before.minusMillis(1), Duration.ofSeconds(1)),
                ok(CJ, uid(4), before, Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(from, before)).items())
                .extracting(Execution::jobUid).containsExactly(uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedSince(from)).items())
                .extracting(Execution::jobUid).containsExactly(uid(4), uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(null, from)).items())
                .extracting(Execution::jobUid).containsExactly(uid(1));
    }

    @Test
    @DisplayName("scheduledBetween is [from, before) on the slot; runs without a slot do not match")
    void filterScheduledBetween() {
        Execution slotA = TestObjects.job(CJ).uid(uid(1)).scheduled(T0).succeeded(T0.plusSeconds(500),
                Duration.ofSeconds(1)).execution();
        Execution slotB = TestObjects.job(CJ).uid(uid(2)).scheduled(T0.plusSeconds(300)).succeeded(
                T0.plusSeconds(301), Duration.ofSeconds(1)).execution();
        Execution slotC = TestObjects.job(CJ).uid(uid(3)).scheduled(T0.plusSeconds(600)).running(
                T0.plusSeconds(601)).execution();
        Execution manual = manualOk(CJ, uid(4), T0.plusSeconds(100), Duration.ofSeconds(1));
        upsertAll(slotA, slotB, slotC, manual);

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).scheduledBetween(T0, T0.plusSeconds(600)))
                .items()).extracting(Execution::jobUid).containsExactly(uid(1), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).scheduledBetween(T0.plusSeconds(300), null))
                .items()).extracting(Execution::jobUid).containsExactly(uid(3), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).total()).isEqualTo(4);
    }

    @Test
    @DisplayName("filter by states")
    void filterByStates() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), failed(CJ, uid(2), T0.plusSeconds(1),
                Duration.ofSeconds(1)), running(CJ, uid(3), T0.plusSeconds(2)), failed(CJ, uid(4),
                T0.plusSeconds(3), Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).states(JobState.FAILED)).items())
                .extracting(Execution::jobUid).containsExactly(uid(4), uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).states(JobState.SUCCEEDED, JobState.RUNNING))
                .items()).extracting(Execution::jobUid).containsExactly(uid(3), uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).total()).isEqualTo(4);
    }

    @Test
    @DisplayName("includeManual(false) leaves manual runs out; the flag round-trips")
    void filterManual() {
        Execution manual = manualOk(CJ, uid(1), T0, Duration.ofSeconds(1));
        upsertAll(manual, ok(CJ, uid(2), T0.plusSeconds(1), Duration.ofSeconds(1)));

        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).includeManual(false)).items())
                .extracting(Execution::jobUid).containsExactly(uid(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(2), uid(1));
        Execution stored = store.findExecution(uid(1)).orElseThrow();
        assertThat(stored.job().manual()).isTrue();
        assertThat(stored.job().scheduledTime()).isNull();
    }

    @Test
    @DisplayName("lists load details only when asked")
    void listDetailsOnlyWhenAsked() {
        Execution e = withDetails(failed(CJ, uid(1), T0, Duration.ofSeconds(1)), "log", List.of("E: x"), "fix");
        upsertAll(e);

        Execution plain = store.executions(ExecutionQuery.forCronJob(CJ)).items().get(0);
        assertThat(plain.hasDetails()).isFalse();
        assertThat(plain).isEqualTo(e.withoutDetails());
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).withDetails(true)).items()).containsExactly(e);
    }

    @Test
    @DisplayName("paging: total, hasMore, and pages that add up to the whole result")
    void paging() {
        for (int i = 0; i < 25; i++) {
            upsertAll(ok(CJ, uid(i), T0.plusSeconds(i * 60L), Duration.ofSeconds(1)));
        }
        upsertAll(ok(CJ2, uid(99), T0, Duration.ofSeconds(1)));

        Page<Execution> p0 = store.executions(ExecutionQuery.forCronJob(CJ).page(0, 10));
        Page<Execution> p1 = store.executions(ExecutionQuery.forCronJob(CJ).page(10, 10));
        Page<Execution> p2 = store.executions(ExecutionQuery.forCronJob(CJ).page(20, 10));
        Page<Execution> beyond = store.executions(ExecutionQuery.forCronJob(CJ).page(30, 10));

        assertThat(List.of(p0.total(), p1.total(), p2.total(), beyond.total())).containsOnly(25L);
        assertThat(p0.items()).hasSize(10);
        assertThat(p0.hasMore()).isTrue();
        assertThat(p1.hasMore()).isTrue();
        assertThat(p2.items()).hasSize(5);
        assertThat(p2.hasMore()).isFalse();
        assertThat(beyond.items()).isEmpty();
        assertThat(p1.offset()).isEqualTo(10);
        assertThat(p1.limit()).isEqualTo(10);
        List<String> joined = new ArrayList<>();
        List.of(p0, p1, p2).forEach(p -> p.items().forEach(e -> joined.add(e.jobUid())));
        List<String> expected = IntStream.iterate(24, i -> i >= 0, i -> i - 1).mapToObj(HistoryStoreContract::uid)
                .collect(Collectors.toList());
        assertThat(joined).containsExactlyElementsOf(expected);
    }

    @Test
    @DisplayName("paging is stable when many runs share a start time")
    void pagingStableWithTies() {
        for (int i = 0; i < 12; i++) {
            upsertAll(ok(CJ, uid(100 - i), T0, Duration.ofSeconds(i + 1)));
        }
        List<String> seen = new ArrayList<>();
        for (int offset = 0; offset < 12; offset += 5) {
            store.executions(ExecutionQuery.forCronJob(CJ).page(offset, 5)).items()
                    .forEach(e -> seen.add(e.jobUid()));
        }
        assertThat(seen).hasSize(12).doesNotHaveDuplicates().isSorted();
    }

    // =====================================================================================================
    // statistics
    // =====================================================================================================

    @Test
    @DisplayName("stats over durations 1..10 s match the interpolated percentiles")
    void statsOneToTenSeconds() {
        List<Duration> durations = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            durations.add(Duration.ofSeconds(i));
            upsertAll(ok(CJ, uid(i), T0.plusSeconds((11 - i) * 60L), Duration.ofSeconds(i)));
        }

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, durations, 10, 0);
        assertCloseTo(s.p50(), Duration.ofMillis(5500), "p50 literal");
        assertCloseTo(s.p95(), Duration.ofMillis(9550), "p95 literal");
        assertCloseTo(s.p99(), Duration.ofMillis(9910), "p99 literal");
        assertCloseTo(s.avg(), Duration.ofMillis(5500), "avg literal");
        assertThat(s.successRate()).hasValue(100.0);
        assertThat(s.cronJob()).isEqualTo(CJ);
        assertThat(s.from()).isEqualTo(DAY.from());
        assertThat(s.to()).isEqualTo(DAY.to());
        assertThat(s.isEmpty()).isFalse();
    }

    @Test
    @DisplayName("stats of a single run: every figure is its duration")
    void statsSingleRun() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofMillis(1234)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, List.of(Duration.ofMillis(1234)), 1, 0);
        assertThat(List.of(s.avg(), s.p50(), s.p95(), s.p99(), s.maxDuration()))
                .allSatisfy(d -> assertCloseTo(d, Duration.ofMillis(1234), "figure"));
    }

    @Test
    @DisplayName("stats of two runs interpolate between them")
    void statsTwoRuns() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(4)), ok(CJ, uid(2), T0.plusSeconds(60),
                Duration.ofSeconds(1)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, List.of(Duration.ofSeconds(1), Duration.ofSeconds(4)), 2, 0);
        assertCloseTo(s.p50(), Duration.ofMillis(2500), "p50");
        assertCloseTo(s.p95(), Duration.ofMillis(3850), "p95");
        assertCloseTo(s.p99(), Duration.ofMillis(3970), "p99");
    }

    @Test
    @DisplayName("stats of only failed runs: 0 % success (not empty), failed durations counted")
    void statsAllFailed() {
        upsertAll(failed(CJ, uid(1), T0, Duration.ofSeconds(2)), failed(CJ, uid(2), T0.plusSeconds(60),
                Duration.ofSeconds(8)), failed(CJ, uid(3), T0.plusSeconds(120), Duration.ofSeconds(5)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, List.of(Duration.ofSeconds(2), Duration.ofSeconds(8), Duration.ofSeconds(5)), 0, 3);
        assertThat(s.successRate()).hasValue(0.0);
        assertThat(s.lastSuccessAt()).isNull();
        assertThat(s.lastFailureAt()).isEqualTo(T0.plusSeconds(125));
    }

    @Test
    @DisplayName("stats of mixed outcomes keep fractions of a millisecond")
    void statsMixedWithFractions() {
        List<Duration> durations = List.of(Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(1000),
                Duration.ofMillis(1001), Duration.ofMillis(3333));
        upsertAll(ok(CJ, uid(1), T0, durations.get(0)), failed(CJ, uid(2), T0.plusSeconds(60), durations.get(1)),
                ok(CJ, uid(3), T0.plusSeconds(120), durations.get(2)), failed(CJ, uid(4), T0.plusSeconds(180),
                        durations.get(3)), ok(CJ, uid(5), T0.plusSeconds(240), durations.get(4)),
                running(CJ, uid(6), T0.plusSeconds(300)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertStats(s, durations, 3, 2);
        assertThat(s.successRate()).hasValue(60.0);
        assertCloseTo(s.p95(), Duration.ofNanos(2_866_600_000L), "p95 literal (2866.6 ms)");
        assertCloseTo(s.avg(), Duration.ofNanos(1_136_800_000L), "avg literal (1136.8 ms)");
    }

    @Test
    @DisplayName("a window without finished runs is 'no data': no success rate, no durations")
    void statsEmptyWindow() {
        upsertAll(running(CJ, uid(1), T0), ok(CJ, uid(2), T0.minusSeconds(86_400 * 3L), Duration.ofSeconds(1)),
                ok(CJ2, uid(3), T0, Duration.ofSeconds(1)));

        ExecutionStats s = store.stats(CJ, DAY);
        ExecutionStats none = store.stats(CronJobRef.of("nowhere", "nothing"), DAY);

        for (ExecutionStats x : List.of(s, none)) {
            assertThat(x.total()).isZero();
            assertThat(x.succeeded()).isZero();
            assertThat(x.failed()).isZero();
            assertThat(x.isEmpty()).isTrue();
            assertThat(x.successRate()).isEmpty();
            assertThat(x.avg()).isNull();
            assertThat(x.p50()).isNull();
            assertThat(x.p95()).isNull();
            assertThat(x.p99()).isNull();
            assertThat(x.maxDuration()).isNull();
            assertThat(x.from()).isEqualTo(DAY.from());
            assertThat(x.to()).isEqualTo(DAY.to());
        }
        assertThat(none.lastSuccessAt()).isNull();
        assertThat(none.lastFailureAt()).isNull();
    }

    @Test
    @DisplayName("the stats window is [from, to) on start time")
    void statsWindowBoundaries() {
        Instant from = T0;
        Instant to = T0.plusSeconds(3600);
        upsertAll(ok(CJ, uid(1), from.minusMillis(1), Duration.ofSeconds(100)),
                ok(CJ, uid(2), from, Duration.ofSeconds(2)),
                failed(CJ, uid(3), to.minusMillis(1), Duration.ofSeconds(4)),
                ok(CJ, uid(4), to, Duration.ofSeconds(200)));

        ExecutionStats s = store.stats(CJ, window(from, to));

        assertStats(s, List.of(Duration.ofSeconds(2), Duration.ofSeconds(4)), 1, 1);
    }

    @Test
    @DisplayName("manual runs are out of stats by default and in when asked")
    void statsManualRuns() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), failed(CJ, uid(2), T0.plusSeconds(60),
                Duration.ofSeconds(3)), manualOk(CJ, uid(3), T0.plusSeconds(120), Duration.ofSeconds(10)));

        ExecutionStats without = store.stats(CJ, DAY);
        ExecutionStats with = store.stats(CJ, DAY.includeManual(true));

        assertStats(without, List.of(Duration.ofSeconds(1), Duration.ofSeconds(3)), 1, 1);
        assertStats(with, List.of(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(10)), 2, 1);
        assertThat(store.stats(List.of(CJ), DAY.includeManual(true)).get(CJ)).isEqualTo(with);
    }

    @Test
    @DisplayName("lastSuccessAt/lastFailureAt are the newest finish times over all history, not only the window")
    void statsLastSuccessAndFailureOverAllHistory() {
        Instant old = T0.minusSeconds(86_400 * 30L);
        upsertAll(ok(CJ, uid(1), old, Duration.ofSeconds(10)),
                ok(CJ, uid(2), old.plusSeconds(3600), Duration.ofSeconds(20)),
                failed(CJ, uid(3), old.plusSeconds(7200), Duration.ofSeconds(5)),
                failed(CJ, uid(4), old.minusSeconds(7200), Duration.ofSeconds(5)),
                running(CJ, uid(5), T0.plusSeconds(10)),
                ok(CJ2, uid(6), T0, Duration.ofSeconds(1)));

        ExecutionStats s = store.stats(CJ, DAY);

        assertThat(s.isEmpty()).isTrue();
        assertThat(s.lastSuccessAt()).isEqualTo(old.plusSeconds(3620));
        assertThat(s.lastFailureAt()).isEqualTo(old.plusSeconds(7205));
        ExecutionStats inWindow = store.stats(CJ, window(old, old.plusSeconds(3600)));
        assertThat(inWindow.total()).isEqualTo(1);
        assertThat(inWindow.lastSuccessAt()).isEqualTo(old.plusSeconds(3620));
    }

    @Test
    @DisplayName("lastSuccessAt includes manual runs whatever includeManual says")
    void statsLastSuccessIncludesManualRuns() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), manualOk(CJ, uid(2), T0.plusSeconds(600),
                Duration.ofSeconds(2)));

        assertThat(store.stats(CJ, DAY).lastSuccessAt()).isEqualTo(T0.plusSeconds(602));
        assertThat(store.stats(CJ, DAY.includeManual(true)).lastSuccessAt()).isEqualTo(T0.plusSeconds(602));
        assertThat(store.stats(CJ, window(T0.minusSeconds(60), T0.plusSeconds(60))).total()).isEqualTo(1);
    }

    @Test
    @DisplayName("stats of one CronJob never include another's runs (same name, other namespace)")
    void statsSeparateCronJobs() {
        upsertAll(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), ok(CJ_OTHER_NS, uid(2), T0, Duration.ofSeconds(50)),
                failed(CJ2, uid(3), T0, Duration.ofSeconds(70)));

        assertStats(store.stats(CJ, DAY), List.of(Duration.ofSeconds(1)), 1, 0);
        assertStats(store.stats(CJ_OTHER_NS, DAY), List.of(Duration.ofSeconds(50)), 1, 0);
        assertStats(store.stats(CJ2, DAY), List.of(Duration.ofSeconds(70)), 0, 1);
        assertThat(store.stats(CJ, DAY).lastFailureAt()).isNull();
    }

    @Test
    @DisplayName("successfulOnly: failed runs are out of every figure of the window (a crash storm is not 'faster')")
    void statsSuccessfulOnly() {
        // 40 days of one run a day: slow successes, and quick failures every fifth day; whole weeks included so
        // that a store keeping per-week aggregates must still filter by outcome
        List<Duration> successes = new ArrayList<>();
        List<Execution> all = new ArrayList<>();
        Instant start = T0.minusSeconds(86_400 * 40L);
        for (int d = 0; d < 40; d++) {
            Instant at = start.plusSeconds(86_400L * d);
            if (d % 5 == 3) {
                all.add(failed(CJ, uid(d), at, Duration.ofMillis(200 + d)));
            } else {
                Duration dur = Duration.ofMillis(60_000 + 1_000L * (d % 7) + d);
                successes.add(dur);
                all.add(ok(CJ, uid(d), at, dur));
            }
        }
        upsertAll(all.toArray(new Execution[0]));
        StatsQuery window = StatsQuery.between(start.minusSeconds(1), T0.plusSeconds(86_400));
        StatsQuery onlyOk = window.successfulOnly(true);

        ExecutionStats s = store.stats(CJ, onlyOk);

        assertStats(s, successes, successes.size(), 0);
        assertThat(store.stats(CJ, window).failed()).isEqualTo(8);
        assertThat(s.lastFailureAt()).isEqualTo(store.stats(CJ, window).lastFailureAt());
        assertThat(peer().stats(List.of(CJ, CJ2), onlyOk).get(CJ)).isEqualTo(s);
        // a short window (no whole week) too
        StatsQuery lastWeek = StatsQuery.between(T0.minusSeconds(86_400 * 7L), T0.plusSeconds(86_400))
                .successfulOnly(true);
        assertStats(store.stats(CJ, lastWeek), successes.subList(successes.size() - 5, successes.size()), 5, 0);
        assertThat(peer().stats(List.of(CJ), lastWeek).get(CJ)).isEqualTo(store.stats(CJ, lastWeek));
    }

    @Test
    @DisplayName("the duration percentiles a query asks for are reported, besides P50/P95/P99")
    void statsRequestedPercentiles() {
        List<Duration> durations = new ArrayList<>();
        List<Execution> all = new ArrayList<>();
        for (int i = 0; i < 23; i++) {
            Duration d = Duration.ofMillis(1_000L + 137L * ((i * 7) % 23));
            durations.add(d);
            Instant at = T0.plusSeconds(60L * i);
            all.add(i % 5 == 4 ? failed(CJ, uid(i), at, d) : ok(CJ, uid(i), at, d));
        }
        upsertAll(all.toArray(new Execution[0]));
        StatsQuery q = DAY.percentiles(List.of(90, 10, 75));

        ExecutionStats s = store.stats(CJ, q);

        assertStats(s, durations, 19, 4);
        assertThat(s.percentiles().keySet()).containsExactly(10, 75, 90);
        for (int p : List.of(10, 75, 90)) {
            assertCloseTo(s.percentile(p), Percentiles.interpolated(durations, p / 100.0), "p" + p);
        }
        assertThat(store.stats(CJ, DAY).percentiles().keySet()).containsExactly(50, 95, 99);
        assertThat(peer().stats(List.of(CJ, CJ2), q).get(CJ)).isEqualTo(s);
        assertThat(store.stats(CJ2, q).percentiles()).isEmpty();
    }

    @Test
    @DisplayName("bulk stats: every requested CronJob, equal to single stats, empty ones included")
    void bulkStats() {
        List<CronJobRef> refs = new ArrayList<>();
        int n = 0;
        for (int c = 0; c < 30; c++) {
            CronJobRef ref = CronJobRef.of("ns-" + (c % 3), "job-" + c);
            refs.add(ref);
            for (int r = 0; r < c % 5; r++) {
                Duration d = Duration.ofMillis(100L * (c + 1) + 37L * r);
                upsertAll(r % 3 == 2 ? failed(ref, uid(n++), T0.plusSeconds(r * 60L), d)
                        : ok(ref, uid(n++), T0.plusSeconds(r * 60L), d));
            }
        }
        CronJobRef unknown = CronJobRef.of("ns-x", "never-ran");
        refs.add(unknown);

        Map<CronJobRef, ExecutionStats> bulk = peer().stats(refs, DAY);

        assertThat(bulk.keySet()).containsExactlyInAnyOrderElementsOf(refs);
        for (CronJobRef ref : refs) {
            assertThat(bulk.get(ref)).as("bulk stats of %s", ref).isEqualTo(store.stats(ref, DAY));
        }
        assertThat(bulk.get(unknown).isEmpty()).isTrue();
        assertThat(bulk.get(CronJobRef.of("ns-0", "job-0")).isEmpty()).isTrue();
        assertThat(bulk.get(CronJobRef.of("ns-1", "job-4")).total()).isEqualTo(4);
        assertThat(store.stats(List.of(), DAY)).isEmpty();
    }

    // =====================================================================================================
    // time
    // =====================================================================================================

    @Test
    @DisplayName("instants before 1970 and in year 9999 round-trip and sort correctly")
    void farFutureAndPre1970() {
        Instant past = Instant.parse("1969-07-20T20:17:40.123Z");
        Instant future = Instant.parse("9999-12-31T23:59:58.999Z");
        Execution pastRun = TestObjects.job(CJ).uid(uid(1)).scheduled(past).succeeded(past,
                past.plusMillis(1500)).execution();
        Execution futureRun = TestObjects.job(CJ).uid(uid(2)).scheduled(future.minusSeconds(60)).succeeded(
                future.minusSeconds(60), future).execution();
        upsertAll(pastRun, futureRun, ok(CJ, uid(3), T0, Duration.ofSeconds(1)));

        assertThat(store.findExecution(uid(1))).contains(pastRun);
        assertThat(store.findExecution(uid(2))).contains(futureRun);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(2), uid(3), uid(1));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(null, Instant.EPOCH)).items())
                .containsExactly(pastRun);
        ExecutionStats all = store.stats(CJ, window(Instant.parse("1900-01-01T00:00:00Z"), future));
        assertThat(all.total()).isEqualTo(3);
        assertThat(all.lastSuccessAt()).isEqualTo(future);
        ExecutionStats pastOnly = store.stats(CJ, window(past, past.plusSeconds(1)));
        assertStats(pastOnly, List.of(Duration.ofMillis(1500)), 1, 0);

        Incident inc = openIncident(key(CJ, AlertType.JOB_FAILED), future.minusSeconds(10));
        assertThat(store.findIncident(inc.id()).orElseThrow().openedAt()).isEqualTo(future.minusSeconds(10));
        assertThat(store.resolveIncident(inc.id(), future, EPOCH).orElseThrow().resolvedAt()).isEqualTo(future);
        Incident pastInc = openIncident(key(CJ2, AlertType.JOB_FAILED), past);
        assertThat(store.findIncident(pastInc.id()).orElseThrow().openedAt()).isEqualTo(past);
        Notification n = enqueue(pastInc.id(), "slack", NotificationKind.OPENED, 0, future);
        assertThat(store.notifications(pastInc.id()).get(0).dueAt()).isEqualTo(future);
        assertThat(store.claimNotification(n.id(), "me", future.minusSeconds(1), Duration.ofSeconds(1), EPOCH))
                .isEmpty();
        CronJobState st = new CronJobState(CJ, "u", past, future, past, future, future);
        store.saveCronJobState(st, EPOCH);
        assertThat(store.findCronJobState(CJ)).contains(st);
    }

    @Test
    @DisplayName("instants keep millisecond precision (no rounding to seconds, no drift)")
    void millisecondPrecision() {
        Instant start = Instant.parse("2024-06-30T23:59:59.999Z");
        Execution e = TestObjects.job(CJ).uid(uid(1)).scheduled(Instant.parse("2024-06-30T23:59:00.001Z"))
                .createdAt(Instant.parse("2024-06-30T23:59:00.501Z")).succeeded(start,
                        Instant.parse("2024-07-01T00:00:00.001Z")).execution();
        upsertAll(e, ok(CJ, uid(2), start.plusMillis(1), Duration.ofMillis(1)));

        assertThat(store.findExecution(uid(1))).contains(e);
        assertThat(store.findExecution(uid(1)).orElseThrow().duration()).isEqualTo(Duration.ofMillis(2));
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).startedBetween(start, start.plusMillis(1)))
                .items()).containsExactly(e);
        ExecutionStats s = store.stats(CJ, window(start, start.plusMillis(2)));
        assertStats(s, List.of(Duration.ofMillis(2), Duration.ofMillis(1)), 2, 0);
    }

    @Test
    @DisplayName("instants round-trip without drift while the JVM default zone is Asia/Kolkata, then Pacific/Chatham")
    void instantsRoundTripUnderNonUtcDefaultZone() {
        TimeZone original = TimeZone.getDefault();
        try {
            // Around the US DST change and the Chatham DST change (2024-04-07 03:45 +13:45 -> +12:45).
            Instant a = Instant.parse("2024-03-10T09:59:59.987Z");
            Instant b = Instant.parse("2024-04-06T14:00:00.250Z");
            TimeZone.setDefault(TimeZone.getTimeZone("Asia/Kolkata"));
            Execution e1 = TestObjects.job(CJ).uid(uid(1)).scheduled(a).succeeded(a, a.plusMillis(7_013))
                    .execution();
            store.upsertExecution(e1, EPOCH);
            Incident inc = openIncident(key(CJ, AlertType.MISSED_SCHEDULE), a);
            store.saveCronJobState(new CronJobState(CJ, "u1", a, b, null, a), EPOCH);
            assertThat(store.findExecution(uid(1))).contains(e1);

            HistoryStore kolkataPeer = peer();
            assertThat(kolkataPeer.findExecution(uid(1))).contains(e1);
            Execution e2 = TestObjects.job(CJ).uid(uid(2)).scheduled(b).failed(b, b.plusMillis(3_001)).execution();
            kolkataPeer.upsertExecution(e2, EPOCH);

            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Chatham"));
            HistoryStore chathamPeer = peer();
            for (HistoryStore s : List.of(store, kolkataPeer, chathamPeer)) {
                assertThat(s.findExecution(uid(1))).contains(e1);
                assertThat(s.findExecution(uid(2))).contains(e2);
                assertThat(s.findIncident(inc.id()).orElseThrow().openedAt()).isEqualTo(a);
                assertThat(s.findCronJobState(CJ).orElseThrow().suspendedSince()).isEqualTo(b);
                assertThat(s.executions(ExecutionQuery.forCronJob(CJ).startedBetween(a, a.plusMillis(1))).items())
                        .extracting(Execution::jobUid).containsExactly(uid(1));
                assertThat(s.executions(ExecutionQuery.forCronJob(CJ).scheduledBetween(b, b.plusMillis(1)))
                        .items()).extracting(Execution::jobUid).containsExactly(uid(2));
                ExecutionStats st = s.stats(CJ, window(a, b.plusMillis(1)));
                assertStats(st, List.of(Duration.ofMillis(7_013), Duration.ofMillis(3_001)), 1, 1);
                assertThat(st.lastSuccessAt()).isEqualTo(a.plusMillis(7_013));
                assertThat(st.lastFailureAt()).isEqualTo(b.plusMillis(3_001));
            }
        } finally {
            TimeZone.setDefault(original);
        }
        assertThat(store.findExecution(uid(1)).orElseThrow().startedAt())
                .isEqualTo(Instant.parse("2024-03-10T09:59:59.987Z"));
    }

    // =====================================================================================================
    // strings
    // =====================================================================================================

    /** Text with quotes, SQL metacharacters, backslashes and non-ASCII characters (no NUL). */
    protected static final String NASTY = "it's \"quoted\" `tick`; DROP TABLE executions; -- \\ back\\slash "
            + "%_ wild * ? \t tab \r\n crlf — Größe 日本語 emoji 🚀 עברית ∑";

    @Test
    @DisplayName("unicode, quotes and SQL metacharacters round-trip everywhere text is stored")
    void nastyStringsRoundTrip() {
        CronJobRef weird = CronJobRef.of("ns-ü'\"", "name-`;--\\日本");
        JobSnapshot job = TestObjects.job(weird).uid("uid-" + NASTY).name("job-" + NASTY).scheduled(T0)
                .failed(T0, Duration.ofSeconds(1)).condition(NASTY, NASTY)
                .termination(new Termination(NASTY, 1, NASTY, 9, NASTY)).build();
        Execution e = new Execution(job, NASTY, List.of(NASTY, "second: " + NASTY), NASTY);
        store.upsertExecution(e, EPOCH);

        assertThat(store.findExecution("uid-" + NASTY)).contains(e);
        assertThat(store.executions(ExecutionQuery.forCronJob(weird).withDetails(true)).items()).containsExactly(e);
        assertThat(store.stats(weird, DAY).failed()).isEqualTo(1);

        IncidentKey k = new IncidentKey("monitor " + NASTY, weird, AlertType.JOB_FAILED, "subj'\"`;");
        IncidentDraft d = new IncidentDraft(k, Severity.WARNING, "title " + NASTY, NASTY, NASTY,
                new AlertContext(NASTY, 2, NASTY, NASTY, NASTY, List.of(NASTY), NASTY, NASTY, 12.25,
                        Duration.ofMillis(1), Map.of(NASTY, NASTY)), T0);
        Incident inc = store.openIncident(d, EPOCH).incident();
        assertThat(store.findOpenIncident(k)).contains(inc);
        assertThat(inc.context()).isEqualTo(d.context());
        assertThat(inc.title()).isEqualTo(d.title());
        assertThat(store.incidents(IncidentQuery.all().monitor("monitor " + NASTY)).items()).containsExactly(inc);

        Notification n = enqueue(inc.id(), "chan " + NASTY, NotificationKind.OPENED, 0, T0);
        assertThat(store.claimNotification(n.id(), "claimant " + NASTY, T0, Duration.ofMinutes(1), EPOCH))
                .isPresent();
        assertThat(store.markNotificationFailed(n.id(), "claimant " + NASTY, "error " + NASTY, T0)).isTrue();
        assertThat(store.notifications(inc.id()).get(0).lastError()).isEqualTo("error " + NASTY);

        store.recordChannelResult("chan " + NASTY, false, T0, "err " + NASTY);
        assertThat(store.channelStats().get("chan " + NASTY).lastError()).isEqualTo("err " + NASTY);

        CronJobState st = new CronJobState(weird, "uid " + NASTY, T0, null, null, null);
        store.saveCronJobState(st, EPOCH);
        assertThat(store.findCronJobState(weird)).contains(st);
    }

    /** Free text no SQL store keeps as given: NUL, a lone high and a lone low surrogate (and a valid pair). */
    protected static final String UNSTORABLE = "nul\u0000 high\uD83D low\uDE80 pair \uD83D\uDE80 it's \"q\" \\";
    /** {@link #UNSTORABLE} as every store reads it back: each of the three replaced by U+FFFD, the rest kept. */
    protected static final String UNSTORABLE_STORED = "nul\uFFFD high\uFFFD low\uFFFD pair \uD83D\uDE80 it's "
            + "\"q\" \\";

    private static Execution unstorableRun(String uid, String text) {
        JobSnapshot job = TestObjects.job(CJ).uid(uid).name(CJ.name() + "-" + uid).scheduled(T0)
                .failed(T0, Duration.ofSeconds(3)).condition("BackoffLimitExceeded", "condition " + text)
                .termination(new Termination("main", 1, "reason " + text, null, "message " + text)).build();
        return new Execution(job, "log\n" + text, List.of("Event: " + text, "plain"), "fix " + text);
    }

    private static AlertContext unstorableContext(String text) {
        return new AlertContext("backup-1", 1, "reason " + text, "message " + text, "log " + text,
                List.of("Event: " + text), "Failed " + text, "fix " + text, null, Duration.ofMillis(5),
                Map.of("node", "worker " + text));
    }

    @Test
    @DisplayName("NUL and lone surrogates in free text are stored as U+FFFD by every store; pairs, quotes, backslashes kept")
    void unstorableCharactersAreReplaced() {
        Execution e = unstorableRun(uid(1), UNSTORABLE);

        assertThat(store.upsertExecution(e, EPOCH)).isEqualTo(UpsertResult.INSERTED);

        Execution expected = unstorableRun(uid(1), UNSTORABLE_STORED);
        assertThat(peer().findExecution(uid(1))).contains(expected);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).withDetails(true)).items()).containsExactly(expected);
        assertThat(store.upsertExecution(e, EPOCH)).as("the same run again").isEqualTo(UpsertResult.UNCHANGED);

        IncidentDraft d = new IncidentDraft(key(CJ, AlertType.JOB_FAILED), Severity.CRITICAL, "title " + UNSTORABLE,
                "message " + UNSTORABLE, "sig " + UNSTORABLE, unstorableContext(UNSTORABLE), T0);
        Incident opened = store.openIncident(d, EPOCH).incident();
        assertThat(opened.title()).isEqualTo("title " + UNSTORABLE_STORED);
        assertThat(opened.message()).isEqualTo("message " + UNSTORABLE_STORED);
        assertThat(opened.signature()).isEqualTo("sig " + UNSTORABLE_STORED);
        assertThat(opened.context()).isEqualTo(unstorableContext(UNSTORABLE_STORED));
        assertThat(peer().findIncident(opened.id())).contains(opened);

        Incident updated = store.updateIncident(new Incident(opened.id(), opened.key(), opened.severity(),
                "again " + UNSTORABLE, opened.message(), opened.signature(), opened.context(), opened.openedAt(),
                T0.plusSeconds(1), 1, null, opened.version()), EPOCH).orElseThrow();
        assertThat(updated.title()).isEqualTo("again " + UNSTORABLE_STORED);
        assertThat(peer().findIncident(opened.id())).contains(updated);

        Notification n = enqueue(opened.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.claimNotification(n.id(), "me", T0, Duration.ofMinutes(1), EPOCH).orElseThrow();
        assertThat(store.markNotificationFailed(n.id(), "me", "HTTP 500: " + UNSTORABLE, T0.plusSeconds(30))).isTrue();
        assertThat(peer().notifications(opened.id()).get(0).lastError()).isEqualTo("HTTP 500: " + UNSTORABLE_STORED);

        store.recordChannelResult("slack", false, T0, "refused " + UNSTORABLE);
        assertThat(peer().channelStats().get("slack").lastError()).isEqualTo("refused " + UNSTORABLE_STORED);
    }

    @Test
    @DisplayName("a batch with one run holding NUL and lone surrogates stores every run of it")
    void batchWithUnstorableTextStoresEveryRun() {
        List<Execution> batch = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            batch.add(i == 3 ? unstorableRun(uid(i), UNSTORABLE) : failed(CJ, uid(i), T0.plusSeconds(i),
                    Duration.ofSeconds(i)));
        }

        assertThat(store.upsertExecutions(batch, EPOCH)).containsOnly(UpsertResult.INSERTED).hasSize(5);

        assertThat(peer().executionCount()).isEqualTo(5);
        assertThat(store.findExecution(uid(3))).contains(unstorableRun(uid(3), UNSTORABLE_STORED));
        assertThat(store.findExecution(uid(4))).contains(batch.get(3));
        assertThat(store.upsertExecutions(batch, EPOCH)).containsOnly(UpsertResult.UNCHANGED);
    }

    @Test
    @DisplayName("a 1 MiB log tail (multi-byte UTF-8) and 100 events round-trip")
    void largeDetailsRoundTrip() {
        StringBuilder sb = new StringBuilder();
        int line = 0;
        while (sb.length() < 1024 * 1024 - 200) {
            sb.append(String.format("%06d ", line++)).append(line % 7 == 0 ? "Größe 日本語 🚀 ✓" : "plain ascii text")
                    .append(" ").append("x".repeat(line % 50)).append('\n');
        }
        String log = sb.toString();
        List<String> events = IntStream.range(0, 100).mapToObj(i -> "Reason" + i + ": message " + i + " " + NASTY)
                .collect(Collectors.toList());
        Execution e = new Execution(failed(CJ, uid(1), T0, Duration.ofSeconds(1)).job(), log, events, "fix");

        store.upsertExecution(e, EPOCH);

        Execution stored = peer().findExecution(uid(1)).orElseThrow();
        assertThat(stored.logTail()).hasSize(log.length());
        assertThat(stored.logTail()).isEqualTo(log);
        assertThat(stored.events()).containsExactlyElementsOf(events);
        assertThat(stored).isEqualTo(e);
    }

    // =====================================================================================================
    // retention
    // =====================================================================================================

    @Test
    @DisplayName("deleteExecutionsBefore: per CronJob or global, on start time, returns the count")
    void deleteExecutionsBefore() {
        Instant cutoff = T0;
        upsertAll(ok(CJ, uid(1), cutoff.minusSeconds(7200), Duration.ofSeconds(1)),
                ok(CJ, uid(2), cutoff.minusMillis(1), Duration.ofSeconds(1)),
                ok(CJ, uid(3), cutoff, Duration.ofSeconds(1)),
                ok(CJ2, uid(4), cutoff.minusSeconds(60), Duration.ofSeconds(1)),
                running(CJ_OTHER_NS, uid(5), cutoff.minusSeconds(60)),
                ok(CJ2, uid(6), cutoff.plusSeconds(60), Duration.ofSeconds(1)));

        assertThat(store.deleteExecutionsBefore(CJ, cutoff, EPOCH)).isEqualTo(2);
        assertThat(store.executionStates(List.of(uid(1), uid(2), uid(3), uid(4), uid(5), uid(6))).keySet())
                .containsExactlyInAnyOrder(uid(3), uid(4), uid(5), uid(6));
        assertThat(store.deleteExecutionsBefore(CJ, cutoff, EPOCH)).isZero();
        assertThat(store.deleteExecutionsBefore(null, cutoff, EPOCH)).isEqualTo(2);
        assertThat(store.executionStates(List.of(uid(3), uid(4), uid(5), uid(6))).keySet())
                .containsExactlyInAnyOrder(uid(3), uid(6));
        assertThat(store.executionCount()).isEqualTo(2);
    }

    @Test
    @DisplayName("deleteExecutions: a whole CronJob, or all but the runs of the kept incarnation")
    void deleteExecutionsKeepUid() {
        Execution old1 = TestObjects.job(CJ).uid(uid(1)).name("o1").ownerUid("old").succeeded(T0,
                Duration.ofSeconds(1)).execution();
        Execution old2 = TestObjects.job(CJ).uid(uid(2)).name("o2").ownerUid("old").failed(T0.plusSeconds(60),
                Duration.ofSeconds(1)).execution();
        Execution new1 = TestObjects.job(CJ).uid(uid(3)).name("n1").ownerUid("new").succeeded(T0.plusSeconds(120),
                Duration.ofSeconds(1)).execution();
        Execution other = TestObjects.job(CJ2).uid(uid(4)).ownerUid("old").succeeded(T0, Duration.ofSeconds(1))
                .execution();
        upsertAll(old1, old2, new1, other);

        assertThat(store.deleteExecutions(CJ, "new", EPOCH)).isEqualTo(2);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).items()).extracting(Execution::jobUid)
                .containsExactly(uid(3));
        assertThat(store.findExecution(uid(4))).contains(other);
        assertThat(store.deleteExecutions(CJ, null, EPOCH)).isEqualTo(1);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ)).total()).isZero();
        assertThat(store.deleteExecutions(CJ, null, EPOCH)).isZero();
        assertThat(store.executionCount()).isEqualTo(1);
    }

    @Test
    @DisplayName("deleteDetailsBefore drops details of old runs and keeps the runs")
    void deleteDetailsBefore() {
        Execution oldDetailed = withDetails(failed(CJ, uid(1), T0.minusSeconds(600), Duration.ofSeconds(1)),
                "log1", List.of("E: 1"), "fix1");
        Execution oldEventsOnly = withDetails(failed(CJ, uid(2), T0.minusSeconds(500), Duration.ofSeconds(1)),
                null, List.of("E: 2"), null);
        Execution oldPlain = ok(CJ, uid(3), T0.minusSeconds(400), Duration.ofSeconds(1));
        Execution newDetailed = withDetails(failed(CJ, uid(4), T0, Duration.ofSeconds(1)), "log4", List.of(),
                null);
        Execution otherOld = withDetails(failed(CJ2, uid(5), T0.minusSeconds(600), Duration.ofSeconds(1)),
                "log5", List.of(), "fix5");
        upsertAll(oldDetailed, oldEventsOnly, oldPlain, newDetailed, otherOld);

        assertThat(store.deleteDetailsBefore(CJ, T0, EPOCH)).isEqualTo(2);
        assertThat(store.findExecution(uid(1))).contains(oldDetailed.withoutDetails());
        assertThat(store.findExecution(uid(2))).contains(oldEventsOnly.withoutDetails());
        assertThat(store.findExecution(uid(3))).contains(oldPlain);
        assertThat(store.findExecution(uid(4))).contains(newDetailed);
        assertThat(store.findExecution(uid(5))).contains(otherOld);
        assertThat(store.deleteDetailsBefore(CJ, T0, EPOCH)).isZero();

        assertThat(store.deleteDetailsBefore(null, T0.plusMillis(1), EPOCH)).isEqualTo(2);
        assertThat(store.findExecution(uid(4)).orElseThrow().hasDetails()).isFalse();
        assertThat(store.findExecution(uid(5)).orElseThrow().hasDetails()).isFalse();
        assertThat(store.executionCount()).isEqualTo(5);
        assertThat(store.stats(CJ, window(T0.minusSeconds(3600), T0.plusSeconds(1))).total()).isEqualTo(4);
    }

    @Test
    @DisplayName("deleteResolvedIncidentsBefore deletes old resolved incidents with their notifications only")
    void deleteResolvedIncidentsBefore() {
        Incident oldResolved = openIncident(key(CJ, AlertType.JOB_FAILED), T0.minusSeconds(7200));
        Incident newResolved = openIncident(key(CJ2, AlertType.JOB_FAILED), T0.minusSeconds(7200));
        Incident oldOpen = openIncident(key(CJ_OTHER_NS, AlertType.JOB_FAILED), T0.minusSeconds(7200));
        enqueue(oldResolved.id(), "slack", NotificationKind.OPENED, 0, T0.minusSeconds(7200));
        enqueue(oldResolved.id(), "slack", NotificationKind.RESOLVED, 0, T0.minusSeconds(3600));
        enqueue(newResolved.id(), "slack", NotificationKind.OPENED, 0, T0.minusSeconds(7200));
        store.resolveIncident(oldResolved.id(), T0.minusSeconds(3600), EPOCH);
        store.resolveIncident(newResolved.id(), T0, EPOCH);

        assertThat(store.deleteResolvedIncidentsBefore(T0, EPOCH)).isEqualTo(1);

        assertThat(store.findIncident(oldResolved.id())).isEmpty();
        assertThat(store.notifications(oldResolved.id())).isEmpty();
        assertThat(store.findIncident(newResolved.id())).isPresent();
        assertThat(store.notifications(newResolved.id())).hasSize(1);
        assertThat(store.findIncident(oldOpen.id())).isPresent();
        assertThat(store.pendingNotifications(100)).extracting(Notification::incidentId)
                .containsExactly(newResolved.id());
        assertThat(store.deleteResolvedIncidentsBefore(T0, EPOCH)).isZero();
        assertThat(store.deleteResolvedIncidentsBefore(T0.plusMillis(1), EPOCH)).isEqualTo(1);
    }

    // =====================================================================================================
    // incidents
    // =====================================================================================================

    @Test
    @DisplayName("openIncident opens once per key and returns the open one afterwards")
    void openIncidentIdempotent() {
        IncidentDraft d = draft(key(CJ, AlertType.JOB_FAILED), T0);

        OpenIncidentResult first = store.openIncident(d, EPOCH);
        OpenIncidentResult again = store.openIncident(draft(d.key(), T0.plusSeconds(60)), EPOCH);

        assertThat(first.created()).isTrue();
        Incident i = first.incident();
        assertThat(i.id()).isNotBlank();
        assertThat(i.key()).isEqualTo(d.key());
        assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(i.title()).isEqualTo(d.title());
        assertThat(i.message()).isEqualTo(d.message());
        assertThat(i.signature()).isEqualTo(d.signature());
        assertThat(i.context()).isEqualTo(d.context());
        assertThat(i.openedAt()).isEqualTo(T0);
        assertThat(i.lastNotifiedAt()).isNull();
        assertThat(i.notificationCount()).isZero();
        assertThat(i.isOpen()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.incident()).isEqualTo(i);
        assertThat(store.findIncident(i.id())).contains(i);
        assertThat(store.incidents(IncidentQuery.all()).total()).isEqualTo(1);
    }

    @Test
    @DisplayName("8 threads on two store instances open one incident per key: one created=true, same id")
    void concurrentOpenIncident() throws Exception {
        HistoryStore other = peer();
        IncidentKey k = key(CJ, AlertType.DEAD_MAN_TRIGGERED);

        List<OpenIncidentResult> results = concurrently(8, t -> () ->
                (t % 2 == 0 ? store : other).openIncident(draft(k, T0.plusMillis(t)), EPOCH));

        assertThat(results).filteredOn(OpenIncidentResult::created).hasSize(1);
        assertThat(results.stream().map(r -> r.incident().id()).distinct()).hasSize(1);
        assertThat(store.incidents(IncidentQuery.open()).total()).isEqualTo(1);
    }

    @Test
    @DisplayName("findOpenIncident matches the whole key (monitor, CronJob, type, subject)")
    void findOpenIncidentByKey() {
        IncidentKey rate = new IncidentKey(MONITOR, CJ, AlertType.SLA_BREACHED, "successRate");
        IncidentKey duration = new IncidentKey(MONITOR, CJ, AlertType.SLA_BREACHED, "maxDuration");
        Incident a = store.openIncident(draft(rate, T0), EPOCH).incident();

        assertThat(store.findOpenIncident(rate)).contains(a);
        assertThat(store.findOpenIncident(duration)).isEmpty();
        assertThat(store.findOpenIncident(new IncidentKey("other-monitor", CJ, AlertType.SLA_BREACHED,
                "successRate"))).isEmpty();
        assertThat(store.findOpenIncident(new IncidentKey(MONITOR, CJ_OTHER_NS, AlertType.SLA_BREACHED,
                "successRate"))).isEmpty();
        Incident b = store.openIncident(draft(duration, T0), EPOCH).incident();
        assertThat(b.id()).isNotEqualTo(a.id());
        assertThat(peer().findOpenIncident(duration)).contains(b);
        assertThat(store.findIncident("no-such-incident")).isEmpty();
    }

    @Test
    @DisplayName("updateIncident is a CAS on the version: the stale version loses")
    void updateIncidentCas() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        AlertContext ctx = new AlertContext("job-2", 2, "Error", "m", null, List.of(), null, null, null, null,
                Map.of());
        Incident changed = i.withContent(Severity.WARNING, "new title", "new message", "exit:2", ctx)
                .notifiedAt(T0.plusSeconds(30));

        Incident stored = store.updateIncident(changed, EPOCH).orElseThrow();

        assertThat(stored.version()).isEqualTo(i.version() + 1);
        assertThat(stored.severity()).isEqualTo(Severity.WARNING);
        assertThat(stored.title()).isEqualTo("new title");
        assertThat(stored.message()).isEqualTo("new message");
        assertThat(stored.signature()).isEqualTo("exit:2");
        assertThat(stored.context()).isEqualTo(ctx);
        assertThat(stored.lastNotifiedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(stored.notificationCount()).isEqualTo(1);
        assertThat(stored.key()).isEqualTo(i.key());
        assertThat(stored.openedAt()).isEqualTo(i.openedAt());
        assertThat(store.findIncident(i.id())).contains(stored);

        assertThat(peer().updateIncident(i.withContent(Severity.INFO, "lost", "", "", null), EPOCH)).isEmpty();
        assertThat(store.findIncident(i.id())).contains(stored);
        assertThat(store.updateIncident(stored.notifiedAt(T0.plusSeconds(60)), EPOCH).orElseThrow().version())
                .isEqualTo(i.version() + 2);
    }

    @Test
    @DisplayName("8 concurrent updates of one version: exactly one wins")
    void concurrentUpdateIncident() throws Exception {
        HistoryStore other = peer();
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);

        List<Optional<Incident>> results = concurrently(8, t -> () -> (t % 2 == 0 ? store : other)
                .updateIncident(i.withContent(Severity.WARNING, "title " + t, "", "", null), EPOCH));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        Incident winner = results.stream().flatMap(Optional::stream).findFirst().orElseThrow();
        assertThat(store.findIncident(i.id())).contains(winner);
    }

    @Test
    @DisplayName("resolveIncident is a CAS: the second resolve and unknown ids return empty")
    void resolveIncidentCas() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);

        Incident resolved = store.resolveIncident(i.id(), T0.plusSeconds(600), EPOCH).orElseThrow();

        assertThat(resolved.id()).isEqualTo(i.id());
        assertThat(resolved.resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(resolved.isOpen()).isFalse();
        assertThat(store.findIncident(i.id())).contains(resolved);
        assertThat(store.findOpenIncident(i.key())).isEmpty();
        assertThat(store.resolveIncident(i.id(), T0.plusSeconds(700), EPOCH)).isEmpty();
        assertThat(peer().resolveIncident(i.id(), T0.plusSeconds(700), EPOCH)).isEmpty();
        assertThat(store.findIncident(i.id()).orElseThrow().resolvedAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(store.resolveIncident("no-such-incident", T0, EPOCH)).isEmpty();
        assertThat(store.updateIncident(resolved.notifiedAt(T0.plusSeconds(800)), EPOCH)).as("update resolved")
                .isEmpty();
    }

    @Test
    @DisplayName("8 concurrent resolves: exactly one resolves")
    void concurrentResolve() throws Exception {
        HistoryStore other = peer();
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);

        List<Optional<Incident>> results = concurrently(8, t -> () -> (t % 2 == 0 ? store : other)
                .resolveIncident(i.id(), T0.plusSeconds(t + 1), EPOCH));

        assertThat(results).filteredOn(Optional::isPresent).hasSize(1);
        assertThat(store.findIncident(i.id()).orElseThrow().isOpen()).isFalse();
    }

    @Test
    @DisplayName("after resolve, the same key opens a new incident with a new id")
    void reopenAfterResolve() {
        IncidentKey k = key(CJ, AlertType.JOB_FAILED);
        Incident first = openIncident(k, T0);
        store.resolveIncident(first.id(), T0.plusSeconds(60), EPOCH);

        OpenIncidentResult second = store.openIncident(draft(k, T0.plusSeconds(120)), EPOCH);

        assertThat(second.created()).isTrue();
        assertThat(second.incident().id()).isNotEqualTo(first.id());
        assertThat(second.incident().openedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(store.findOpenIncident(k)).contains(second.incident());
        assertThat(store.findIncident(first.id()).orElseThrow().isOpen()).isFalse();
        assertThat(store.incidents(IncidentQuery.all().cronJob(CJ)).total()).isEqualTo(2);
    }

    @Test
    @DisplayName("incident queries: newest first, every filter, paging")
    void incidentQueries() {
        Incident a = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Incident b = openIncident(key(CJ, AlertType.MISSED_SCHEDULE), T0.plusSeconds(10));
        Incident c = store.openIncident(draft(new IncidentKey("other-monitor", CJ2, AlertType.JOB_FAILED, ""),
                T0.plusSeconds(20)), EPOCH).incident();
        Incident d = openIncident(key(CJ_OTHER_NS, AlertType.SLA_BREACHED), T0.plusSeconds(30));
        Incident aResolved = store.resolveIncident(a.id(), T0.plusSeconds(40), EPOCH).orElseThrow();

        assertThat(store.incidents(IncidentQuery.all()).items()).containsExactly(d, c, b, aResolved);
        assertThat(store.incidents(IncidentQuery.open()).items()).containsExactly(d, c, b);
        assertThat(store.incidents(IncidentQuery.all().cronJob(CJ)).items()).containsExactly(b, aResolved);
        assertThat(store.incidents(IncidentQuery.all().monitor("other-monitor")).items()).containsExactly(c);
        assertThat(store.incidents(IncidentQuery.all().type(AlertType.JOB_FAILED)).items())
                .containsExactly(c, aResolved);
        assertThat(store.incidents(IncidentQuery.all().openedFrom(T0.plusSeconds(10))).items())
                .containsExactly(d, c, b);
        assertThat(store.incidents(IncidentQuery.open().cronJob(CJ).type(AlertType.JOB_FAILED)).items()).isEmpty();
        assertThat(store.incidents(IncidentQuery.all().resolvedFrom(T0.plusSeconds(40))).items())
                .as("resolved at or after").containsExactly(aResolved);
        assertThat(store.incidents(IncidentQuery.all().resolvedFrom(T0.plusSeconds(41))).items()).isEmpty();

        Page<Incident> p0 = store.incidents(IncidentQuery.all().page(0, 3));
        Page<Incident> p1 = store.incidents(IncidentQuery.all().page(3, 3));
        assertThat(p0.items()).containsExactly(d, c, b);
        assertThat(p0.total()).isEqualTo(4);
        assertThat(p0.hasMore()).isTrue();
        assertThat(p1.items()).containsExactly(aResolved);
        assertThat(p1.hasMore()).isFalse();
    }

    // =====================================================================================================
    // notification outbox
    // =====================================================================================================

    @Test
    @DisplayName("enqueue stores a PENDING notification once per (incident, channel, kind, sequence)")
    void enqueueUnique() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        NotificationDraft d = new NotificationDraft(i.id(), "slack", NotificationKind.OPENED, 0, T0.plusSeconds(5));

        Notification n = store.enqueueNotification(d, EPOCH).orElseThrow();

        assertThat(n.incidentId()).isEqualTo(i.id());
        assertThat(n.channel()).isEqualTo("slack");
        assertThat(n.kind()).isEqualTo(NotificationKind.OPENED);
        assertThat(n.sequence()).isZero();
        assertThat(n.status()).isEqualTo(NotificationStatus.PENDING);
        assertThat(n.attempts()).isZero();
        assertThat(n.dueAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(n.claimedBy()).isNull();
        assertThat(n.claimExpiresAt()).isNull();
        assertThat(n.lastError()).isNull();
        assertThat(n.sentAt()).isNull();
        assertThat(store.enqueueNotification(d, EPOCH)).isEmpty();
        assertThat(peer().enqueueNotification(new NotificationDraft(i.id(), "slack", NotificationKind.OPENED, 0,
                T0.plusSeconds(99)), EPOCH)).isEmpty();

        Notification pd = enqueue(i.id(), "pagerduty", NotificationKind.OPENED, 0, T0);
        Notification r1 = enqueue(i.id(), "slack", NotificationKind.REMINDER, 1, T0);
        Notification r2 = enqueue(i.id(), "slack", NotificationKind.REMINDER, 2, T0);
        Notification res = enqueue(i.id(), "slack", NotificationKind.RESOLVED, 0, T0);
        assertThat(store.notifications(i.id())).extracting(Notification::id)
                .containsExactly(n.id(), pd.id(), r1.id(), r2.id(), res.id());
        assertThat(Set.of(n.id(), pd.id(), r1.id(), r2.id(), res.id())).hasSize(5);
        assertThat(store.notifications(i.id()).get(0)).isEqualTo(n);
    }

    @Test
    @DisplayName("a channel test (TEST) needs no incident, is queued once per id and channel, and outlives incidents")
    void channelTestWithoutIncident() {
        String testId = "channel-test:" + "ab".repeat(32);
        Notification t = store.enqueueNotification(new NotificationDraft(testId, "ops", NotificationKind.TEST, 0, T0),
                EPOCH).orElseThrow();
        assertThat(t.kind()).isEqualTo(NotificationKind.TEST);
        assertThat(t.status()).isEqualTo(NotificationStatus.PENDING);
        assertThat(peer().enqueueNotification(new NotificationDraft(testId, "ops", NotificationKind.TEST, 0,
                T0.plusSeconds(60)), EPOCH)).as("the same test again, from another replica").isEmpty();
        assertThat(store.claimDueNotifications("a", T0, Duration.ofSeconds(30), 10, EPOCH))
                .extracting(Notification::id).containsExactly(t.id());
        assertThat(store.markNotificationFailed(t.id(), "a", "HTTP 503", null)).isTrue();

        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0.minus(Duration.ofDays(2)));
        store.resolveIncident(i.id(), T0.minus(Duration.ofDays(1)), EPOCH).orElseThrow();
        store.deleteResolvedIncidentsBefore(T0.plusSeconds(1), EPOCH);

        Notification kept = peer().notifications(testId).get(0);
        assertThat(kept.status()).isEqualTo(NotificationStatus.FAILED);
        assertThat(kept.lastError()).isEqualTo("HTTP 503");
        assertThat(kept.dueAt()).isEqualTo(T0);
        assertThat(store.findIncident(testId)).isEmpty();
    }

    @Test
    @DisplayName("claim: only when due; sets claimant and expiry; a second claimant loses until expiry")
    void claimNotification() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification n = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0.plusSeconds(10));

        assertThat(store.claimNotification(n.id(), "a", T0.plusSeconds(9), Duration.ofSeconds(30), EPOCH))
                .as("not due yet").isEmpty();
        Notification claimed = store.claimNotification(n.id(), "a", T0.plusSeconds(10), Duration.ofSeconds(30),
                EPOCH).orElseThrow();

        assertThat(claimed.status()).isEqualTo(NotificationStatus.CLAIMED);
        assertThat(claimed.claimedBy()).isEqualTo("a");
        assertThat(claimed.claimExpiresAt()).isEqualTo(T0.plusSeconds(40));
        assertThat(store.notifications(i.id())).containsExactly(claimed);
        assertThat(peer().claimNotification(n.id(), "b", T0.plusSeconds(39), Duration.ofSeconds(30), EPOCH))
                .as("claim still held").isEmpty();
        assertThat(store.claimNotification(n.id(), "a", T0.plusSeconds(39), Duration.ofSeconds(30), EPOCH))
                .as("not claimable again while claimed").isEmpty();
        assertThat(store.claimNotification(12345678L, "a", T0.plusSeconds(10), Duration.ofSeconds(30), EPOCH))
                .as("unknown id").isEmpty();
    }

    @Test
    @DisplayName("an expired claim makes the notification claimable again; the old claimant lost it")
    void claimExpiry() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification n = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.claimNotification(n.id(), "a", T0, Duration.ofSeconds(30), EPOCH).orElseThrow();

        Notification reclaimed = peer().claimNotification(n.id(), "b", T0.plusSeconds(30), Duration.ofSeconds(60),
                EPOCH).orElseThrow();

        assertThat(reclaimed.claimedBy()).isEqualTo("b");
        assertThat(reclaimed.claimExpiresAt()).isEqualTo(T0.plusSeconds(90));
        assertThat(store.markNotificationSent(n.id(), "a", T0.plusSeconds(31))).as("lost claim").isFalse();
        assertThat(store.markNotificationFailed(n.id(), "a", "timeout", T0.plusSeconds(60))).isFalse();
        assertThat(store.markNotificationSent(n.id(), "b", T0.plusSeconds(32))).isTrue();
        assertThat(store.notifications(i.id()).get(0).status()).isEqualTo(NotificationStatus.SENT);
    }

    @Test
    @DisplayName("a store and a peer claiming the same notification at once: exactly one wins (50 rounds)")
    void concurrentClaimExactlyOneWinner() throws Exception {
        HistoryStore other = peer();
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                Notification n = enqueue(i.id(), "slack", NotificationKind.REMINDER, round + 1, T0);
                CyclicBarrier barrier = new CyclicBarrier(2);
                Future<Optional<Notification>> fa = pool.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return store.claimNotification(n.id(), "replica-a", T0.plusSeconds(1), Duration.ofMinutes(5),
                            EPOCH);
                });
                Future<Optional<Notification>> fb = pool.submit(() -> {
                    barrier.await(30, TimeUnit.SECONDS);
                    return other.claimNotification(n.id(), "replica-b", T0.plusSeconds(1), Duration.ofMinutes(5),
                            EPOCH);
                });
                Optional<Notification> a = fa.get(60, TimeUnit.SECONDS);
                Optional<Notification> b = fb.get(60, TimeUnit.SECONDS);
                assertThat(a.isPresent() ^ b.isPresent()).as("round %d: exactly one winner (a=%s, b=%s)", round,
                        a, b).isTrue();
                String winner = a.isPresent() ? "replica-a" : "replica-b";
                Notification stored = store.notifications(i.id()).stream().filter(x -> x.id() == n.id())
                        .findFirst().orElseThrow();
                assertThat(stored.claimedBy()).isEqualTo(winner);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("claimDueNotifications from a store and a peer at once never hands one notification to both")
    void concurrentClaimDueDisjoint() throws Exception {
        HistoryStore other = peer();
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Set<Long> all = new HashSet<>();
        for (int k = 0; k < 40; k++) {
            all.add(enqueue(i.id(), "ch-" + (k % 4), NotificationKind.REMINDER, k + 1, T0.plusMillis(k)).id());
        }

        List<List<Long>> claimed = concurrently(4, t -> () -> {
            HistoryStore s = t % 2 == 0 ? store : other;
            List<Long> mine = new ArrayList<>();
            List<Notification> batch;
            do {
                batch = s.claimDueNotifications("c" + t, T0.plusSeconds(1), Duration.ofMinutes(5), 3, EPOCH);
                batch.forEach(n -> mine.add(n.id()));
            } while (!batch.isEmpty());
            return mine;
        });

        List<Long> flat = claimed.stream().flatMap(List::stream).collect(Collectors.toList());
        assertThat(flat).doesNotHaveDuplicates();
        assertThat(new HashSet<>(flat)).isEqualTo(all);
    }

    @Test
    @DisplayName("markNotificationSent is a CAS by claimant; SENT is final")
    void markSent() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification n = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        assertThat(store.markNotificationSent(n.id(), "a", T0)).as("not claimed").isFalse();
        store.claimNotification(n.id(), "a", T0, Duration.ofSeconds(30), EPOCH).orElseThrow();

        assertThat(store.markNotificationSent(n.id(), "b", T0.plusSeconds(1))).as("wrong claimant").isFalse();
        assertThat(peer().markNotificationSent(n.id(), "a", T0.plusSeconds(2))).isTrue();

        Notification sent = store.notifications(i.id()).get(0);
        assertThat(sent.status()).isEqualTo(NotificationStatus.SENT);
        assertThat(sent.sentAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(store.markNotificationSent(n.id(), "a", T0.plusSeconds(3))).as("already sent").isFalse();
        assertThat(store.markNotificationFailed(n.id(), "a", "x", null)).isFalse();
        assertThat(store.claimNotification(n.id(), "a", T0.plusSeconds(3600), Duration.ofSeconds(30), EPOCH))
                .isEmpty();
        assertThat(store.pendingNotifications(10)).isEmpty();
        assertThat(store.notifications(i.id()).get(0).sentAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    @DisplayName("markNotificationFailed with retryAt: attempts + 1, error kept, PENDING again due at retryAt")
    void markFailedSchedulesRetry() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification n = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.claimNotification(n.id(), "a", T0, Duration.ofSeconds(30), EPOCH).orElseThrow();

        assertThat(store.markNotificationFailed(n.id(), "b", "nope", T0.plusSeconds(5))).isFalse();
        assertThat(store.markNotificationFailed(n.id(), "a", "HTTP 503", T0.plusSeconds(60))).isTrue();

        Notification retry = store.notifications(i.id()).get(0);
        assertThat(retry.status()).isEqualTo(NotificationStatus.PENDING);
        assertThat(retry.attempts()).isEqualTo(1);
        assertThat(retry.lastError()).isEqualTo("HTTP 503");
        assertThat(retry.dueAt()).isEqualTo(T0.plusSeconds(60));
        assertThat(store.claimNotification(n.id(), "a", T0.plusSeconds(59), Duration.ofSeconds(30), EPOCH))
                .as("before retryAt").isEmpty();
        assertThat(store.claimDueNotifications("a", T0.plusSeconds(59), Duration.ofSeconds(30), 10, EPOCH))
                .isEmpty();
        Notification again = store.claimNotification(n.id(), "b", T0.plusSeconds(60), Duration.ofSeconds(30), EPOCH)
                .orElseThrow();
        assertThat(again.claimedBy()).isEqualTo("b");
        assertThat(store.markNotificationFailed(n.id(), "b", "HTTP 502", T0.plusSeconds(120))).isTrue();
        assertThat(store.notifications(i.id()).get(0).attempts()).isEqualTo(2);
        assertThat(store.notifications(i.id()).get(0).lastError()).isEqualTo("HTTP 502");
    }

    @Test
    @DisplayName("markNotificationFailed without retryAt is FAILED for good")
    void markFailedFinal() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification n = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.claimNotification(n.id(), "a", T0, Duration.ofSeconds(30), EPOCH).orElseThrow();

        assertThat(store.markNotificationFailed(n.id(), "a", "HTTP 404", null)).isTrue();

        Notification failedN = store.notifications(i.id()).get(0);
        assertThat(failedN.status()).isEqualTo(NotificationStatus.FAILED);
        assertThat(failedN.attempts()).isEqualTo(1);
        assertThat(failedN.lastError()).isEqualTo("HTTP 404");
        assertThat(store.pendingNotifications(10)).isEmpty();
        assertThat(store.claimNotification(n.id(), "a", T0.plusSeconds(86_400), Duration.ofSeconds(30), EPOCH))
                .isEmpty();
        assertThat(store.markNotificationFailed(n.id(), "a", "again", T0)).isFalse();
    }

    @Test
    @DisplayName("extendClaims: moves the expiry of the claims the claimant holds, even lapsed ones nobody took")
    void extendClaims() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification a = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        Notification b = enqueue(i.id(), "email", NotificationKind.OPENED, 0, T0);
        Notification c = enqueue(i.id(), "webhook", NotificationKind.OPENED, 0, T0);
        Notification unclaimed = enqueue(i.id(), "pagerduty", NotificationKind.OPENED, 0, T0);
        store.claimNotification(a.id(), "a#1", T0, Duration.ofSeconds(5), EPOCH).orElseThrow();
        store.claimNotification(b.id(), "a#1", T0, Duration.ofSeconds(5), EPOCH).orElseThrow();
        store.claimNotification(c.id(), "a#1", T0, Duration.ofSeconds(5), EPOCH).orElseThrow();
        // c's claim lapses and another claimant takes it; b's lapses and nobody takes it
        peer().claimNotification(c.id(), "b#2", T0.plusSeconds(6), Duration.ofSeconds(30), EPOCH).orElseThrow();

        Set<Long> kept = store.extendClaims(List.of(a.id(), b.id(), c.id(), unclaimed.id(), 987654321L), "a#1",
                T0.plusSeconds(11));

        assertThat(kept).containsExactlyInAnyOrder(a.id(), b.id());
        Map<Long, Notification> byId = store.notifications(i.id()).stream()
                .collect(Collectors.toMap(Notification::id, n -> n));
        assertThat(byId.get(a.id()).claimExpiresAt()).isEqualTo(T0.plusSeconds(11));
        assertThat(byId.get(a.id()).status()).isEqualTo(NotificationStatus.CLAIMED);
        assertThat(byId.get(a.id()).attempts()).isZero();
        assertThat(byId.get(b.id()).claimExpiresAt()).isEqualTo(T0.plusSeconds(11));
        assertThat(byId.get(c.id()).claimedBy()).isEqualTo("b#2");
        assertThat(byId.get(c.id()).claimExpiresAt()).as("another claimant's claim is untouched")
                .isEqualTo(T0.plusSeconds(36));
        assertThat(byId.get(unclaimed.id()).status()).isEqualTo(NotificationStatus.PENDING);
        assertThat(peer().claimNotification(a.id(), "b#2", T0.plusSeconds(10), Duration.ofSeconds(5), EPOCH))
                .as("extended: not claimable before the new expiry").isEmpty();
        assertThat(peer().claimNotification(a.id(), "b#2", T0.plusSeconds(11), Duration.ofSeconds(5), EPOCH))
                .as("claimable once the extended claim lapsed").isPresent();
        assertThat(store.extendClaims(List.of(), "a#1", T0)).isEmpty();
        // a lapsed claim nobody took is still recorded by its claimant
        assertThat(store.markNotificationSent(b.id(), "a#1", T0.plusSeconds(60))).isTrue();
        assertThat(store.extendClaims(List.of(b.id()), "a#1", T0.plusSeconds(70))).as("SENT is final").isEmpty();
    }

    @Test
    @DisplayName("releaseClaims: the claimant's claims go back to PENDING, due and attempts unchanged, claimable at once")
    void releaseClaims() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification a = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        Notification b = enqueue(i.id(), "email", NotificationKind.OPENED, 0, T0);
        store.claimNotification(a.id(), "old#1", T0, Duration.ofMinutes(5), EPOCH).orElseThrow();
        store.claimNotification(b.id(), "other#1", T0, Duration.ofMinutes(5), EPOCH).orElseThrow();

        assertThat(store.releaseClaims(List.of(a.id(), b.id()), "old#1")).isEqualTo(1);

        Notification released = store.notifications(i.id()).get(0);
        assertThat(released.status()).isEqualTo(NotificationStatus.PENDING);
        assertThat(released.claimedBy()).isNull();
        assertThat(released.claimExpiresAt()).isNull();
        assertThat(released.attempts()).isZero();
        assertThat(released.dueAt()).isEqualTo(T0);
        assertThat(store.notifications(i.id()).get(1).claimedBy()).isEqualTo("other#1");
        assertThat(store.markNotificationSent(a.id(), "old#1", T0)).as("released: no longer held").isFalse();
        assertThat(peer().claimDueNotifications("new#2", T0.plusSeconds(1), Duration.ofSeconds(5), 10, EPOCH))
                .extracting(Notification::id).containsExactly(a.id());
        assertThat(store.releaseClaims(List.of(), "old#1")).isZero();
    }

    @Test
    @DisplayName("a resolution is claimable only once every other notification of its incident and channel is final")
    void resolutionWaitsForTheRestOfItsChannel() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification opened = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        Notification reminder = enqueue(i.id(), "slack", NotificationKind.REMINDER, 1, T0);
        Notification otherChannel = enqueue(i.id(), "email", NotificationKind.OPENED, 0, T0);
        store.claimNotification(opened.id(), "a", T0, Duration.ofSeconds(5), EPOCH).orElseThrow();
        Notification resolved = enqueue(i.id(), "slack", NotificationKind.RESOLVED, 0, T0);
        Notification emailResolved = enqueue(i.id(), "email", NotificationKind.RESOLVED, 0, T0);
        store.claimNotification(otherChannel.id(), "a", T0, Duration.ofSeconds(5), EPOCH).orElseThrow();
        store.markNotificationSent(otherChannel.id(), "a", T0);

        assertThat(store.claimNotification(resolved.id(), "a", T0.plusSeconds(1), Duration.ofSeconds(5), EPOCH))
                .as("the opening is being sent").isEmpty();
        assertThat(store.claimDueNotifications("a", T0.plusSeconds(1), Duration.ofSeconds(5), 10, EPOCH))
                .as("the email resolution may go (its opening is sent), the slack one waits for the reminder")
                .extracting(Notification::id).containsExactly(reminder.id(), emailResolved.id());
        assertThat(store.markNotificationSent(emailResolved.id(), "a", T0.plusSeconds(1))).isTrue();
        assertThat(store.markNotificationFailed(opened.id(), "a", "timeout", T0.plusSeconds(30))).isTrue();
        assertThat(store.claimDueNotifications("a", T0.plusSeconds(2), Duration.ofSeconds(5), 10, EPOCH))
                .as("the opening is retried later: still not final").isEmpty();
        assertThat(store.markNotificationSent(reminder.id(), "a", T0.plusSeconds(2))).isTrue();
        Notification retried = store.claimNotification(opened.id(), "a", T0.plusSeconds(30), Duration.ofSeconds(5),
                EPOCH).orElseThrow();
        assertThat(store.claimDueNotifications("a", T0.plusSeconds(31), Duration.ofSeconds(5), 10, EPOCH)).isEmpty();
        assertThat(store.markNotificationFailed(retried.id(), "a", "HTTP 400", null)).isTrue();
        assertThat(peer().claimDueNotifications("b", T0.plusSeconds(32), Duration.ofSeconds(5), 10, EPOCH))
                .as("the opening is final (given up on): the resolution goes").extracting(Notification::id)
                .containsExactly(resolved.id());
    }

    @Test
    @DisplayName("claimDueNotifications: oldest due first, only due ones, at most limit")
    void claimDueOrderAndLimit() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification n3 = enqueue(i.id(), "c", NotificationKind.REMINDER, 3, T0.plusSeconds(30));
        Notification n1 = enqueue(i.id(), "c", NotificationKind.REMINDER, 1, T0.plusSeconds(10));
        Notification future = enqueue(i.id(), "c", NotificationKind.REMINDER, 5, T0.plusSeconds(3600));
        Notification n2 = enqueue(i.id(), "c", NotificationKind.REMINDER, 2, T0.plusSeconds(20));
        Notification n4 = enqueue(i.id(), "c", NotificationKind.REMINDER, 4, T0.plusSeconds(40));
        Instant now = T0.plusSeconds(60);

        List<Notification> first = store.claimDueNotifications("x", now, Duration.ofSeconds(30), 3, EPOCH);
        List<Notification> second = store.claimDueNotifications("x", now, Duration.ofSeconds(30), 3, EPOCH);

        assertThat(first).extracting(Notification::id).containsExactly(n1.id(), n2.id(), n3.id());
        assertThat(first).allSatisfy(n -> {
            assertThat(n.status()).isEqualTo(NotificationStatus.CLAIMED);
            assertThat(n.claimedBy()).isEqualTo("x");
            assertThat(n.claimExpiresAt()).isEqualTo(now.plusSeconds(30));
        });
        assertThat(second).extracting(Notification::id).containsExactly(n4.id());
        assertThat(store.claimDueNotifications("x", now, Duration.ofSeconds(30), 3, EPOCH)).isEmpty();
        assertThat(store.claimDueNotifications("y", now.plusSeconds(30), Duration.ofSeconds(30), 10, EPOCH))
                .as("expired claims come back").extracting(Notification::id)
                .containsExactly(n1.id(), n2.id(), n3.id(), n4.id());
        assertThat(store.notifications(i.id()).stream().filter(n -> n.id() == future.id()).findFirst()
                .orElseThrow().status()).isEqualTo(NotificationStatus.PENDING);
    }

    @Test
    @DisplayName("pendingNotifications lists PENDING and CLAIMED, oldest due first, at most limit")
    void pendingNotifications() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification late = enqueue(i.id(), "c", NotificationKind.REMINDER, 1, T0.plusSeconds(300));
        Notification early = enqueue(i.id(), "c", NotificationKind.REMINDER, 2, T0.plusSeconds(100));
        Notification mid = enqueue(i.id(), "c", NotificationKind.REMINDER, 3, T0.plusSeconds(200));
        Notification done = enqueue(i.id(), "c", NotificationKind.OPENED, 0, T0);
        store.claimNotification(done.id(), "x", T0, Duration.ofSeconds(30), EPOCH).orElseThrow();
        store.markNotificationSent(done.id(), "x", T0);
        store.claimNotification(mid.id(), "x", T0.plusSeconds(200), Duration.ofSeconds(30), EPOCH).orElseThrow();

        assertThat(store.pendingNotifications(10)).extracting(Notification::id)
                .containsExactly(early.id(), mid.id(), late.id());
        assertThat(store.pendingNotifications(2)).extracting(Notification::id).containsExactly(early.id(), mid.id());
        assertThat(store.pendingNotifications(10).get(1).status()).isEqualTo(NotificationStatus.CLAIMED);
    }

    // =====================================================================================================
    // channel stats and CronJob state
    // =====================================================================================================

    @Test
    @DisplayName("channel stats accumulate; a success resets consecutive failures")
    void channelStatsAccumulate() {
        assertThat(store.channelStats()).isEmpty();
        store.recordChannelResult("slack", true, T0, null);
        store.recordChannelResult("slack", false, T0.plusSeconds(1), "HTTP 500");
        peer().recordChannelResult("slack", false, T0.plusSeconds(2), "HTTP 503");
        store.recordChannelResult("email", false, T0.plusSeconds(3), "SMTP 451");

        ChannelStats slack = store.channelStats().get("slack");
        assertThat(slack.sent()).isEqualTo(1);
        assertThat(slack.failed()).isEqualTo(2);
        assertThat(slack.consecutiveFailures()).isEqualTo(2);
        assertThat(slack.lastSentAt()).isEqualTo(T0);
        assertThat(slack.lastFailureAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(slack.lastError()).isEqualTo("HTTP 503");

        store.recordChannelResult("slack", true, T0.plusSeconds(4), null);
        slack = store.channelStats().get("slack");
        assertThat(slack.sent()).isEqualTo(2);
        assertThat(slack.failed()).isEqualTo(2);
        assertThat(slack.consecutiveFailures()).isZero();
        assertThat(slack.lastSentAt()).isEqualTo(T0.plusSeconds(4));
        assertThat(slack.lastFailureAt()).isEqualTo(T0.plusSeconds(2));

        ChannelStats email = store.channelStats().get("email");
        assertThat(email).isEqualTo(new ChannelStats("email", 0, 1, 1, null, T0.plusSeconds(3), "SMTP 451"));
        assertThat(store.channelStats()).containsOnlyKeys("slack", "email");
    }

    @Test
    @DisplayName("channel results recorded concurrently by two instances all count")
    void concurrentChannelResults() throws Exception {
        HistoryStore other = peer();
        concurrently(8, t -> () -> {
            for (int k = 0; k < 25; k++) {
                (t % 2 == 0 ? store : other).recordChannelResult("webhook", t % 4 != 3, T0.plusMillis(k), t % 4 != 3
                        ? null : "err");
            }
            return null;
        });

        ChannelStats s = store.channelStats().get("webhook");
        assertThat(s.sent()).isEqualTo(6 * 25);
        assertThat(s.failed()).isEqualTo(2 * 25);
    }

    @Test
    @DisplayName("CronJob state: save, find, replace, list and delete")
    void cronJobStateCrud() {
        CronJobState a = state(CJ, "uid-a");
        CronJobState b = new CronJobState(CJ2, "uid-b", T0, null, T0.plusSeconds(5), null, T0.plusSeconds(86_400));
        store.saveCronJobState(a, EPOCH);
        store.saveCronJobState(b, EPOCH);

        assertThat(store.findCronJobState(CJ)).contains(a);
        assertThat(peer().findCronJobState(CJ2)).contains(b);
        assertThat(store.findCronJobState(CJ_OTHER_NS)).isEmpty();
        assertThat(store.cronJobStates()).containsExactlyInAnyOrder(a, b);

        CronJobState a2 = a.withSuspendedSince(null).withMissedSlotsFloor(T0.plusSeconds(900))
                .withDeletedAt(T0.plusSeconds(1000)).withPurgeAt(T0.plusSeconds(2000));
        store.saveCronJobState(a2, EPOCH);
        assertThat(store.findCronJobState(CJ)).contains(a2);
        assertThat(store.findCronJobState(CJ2).orElseThrow().purgeAt()).isEqualTo(T0.plusSeconds(86_400));
        CronJobState a3 = a2.withDeletedAt(null).withPurgeAt(null).withMissedSlotsFloor(null);
        store.saveCronJobState(a3, EPOCH);
        assertThat(store.findCronJobState(CJ)).as("nulls replace values").contains(a3);
        assertThat(store.cronJobStates()).containsExactlyInAnyOrder(a3, b);

        assertThat(store.deleteCronJobState(CJ, EPOCH)).isTrue();
        assertThat(store.deleteCronJobState(CJ, EPOCH)).isFalse();
        assertThat(store.findCronJobState(CJ)).isEmpty();
        assertThat(store.cronJobStates()).containsExactly(b);
    }

    @Test
    @DisplayName("CronJob state: the schedule last seen and when it changed round-trip, nulls included")
    void cronJobStateKeepsItsSchedule() {
        CronJobState legacy = state(CJ, "uid-a");
        store.saveCronJobState(legacy, EPOCH);
        assertThat(store.findCronJobState(CJ).orElseThrow().schedule()).as("a state without a schedule").isNull();

        String schedule = "CRON_TZ=Europe/Berlin */15 9-17 * * 1-5 TZ=America/Argentina/ComodRivadavia";
        CronJobState seen = legacy.withSchedule(schedule, null);
        store.saveCronJobState(seen, EPOCH);
        assertThat(store.findCronJobState(CJ)).contains(seen);

        Instant changed = T0.plusMillis(123_457);
        CronJobState moved = seen.withSchedule("*/5 * * * *", changed);
        store.saveCronJobState(moved, EPOCH);
        assertThat(peer().findCronJobState(CJ)).contains(moved);
        assertThat(store.cronJobStates()).containsExactly(moved);

        String longest = "0 0 1 1 * " + "x".repeat(CronJobState.MAX_SCHEDULE_LENGTH - 10);
        CronJobState atLimit = moved.withSchedule(longest, changed);
        store.saveCronJobState(atLimit, EPOCH);
        assertThat(store.findCronJobState(CJ)).contains(atLimit);

        CronJobState cleared = atLimit.withSchedule(null, null);
        store.saveCronJobState(cleared, EPOCH);
        assertThat(store.findCronJobState(CJ)).as("nulls replace values").contains(cleared);
    }

    // =====================================================================================================
    // fencing
    // =====================================================================================================

    @Test
    @DisplayName("advanceEpoch raises the highest epoch, accepts the same epoch, rejects a lower one")
    void advanceEpochSemantics() {
        assertThat(store.highestEpoch()).isZero();
        assertThat(store.advanceEpoch(3)).isEqualTo(3);
        assertThat(store.advanceEpoch(3)).isEqualTo(3);
        assertThat(store.highestEpoch()).isEqualTo(3);

        assertThatThrownBy(() -> store.advanceEpoch(2)).isInstanceOfSatisfying(StaleEpochException.class, e -> {
            assertThat(e.epoch()).isEqualTo(2);
            assertThat(e.highestEpoch()).isEqualTo(3);
        });
        assertThat(store.highestEpoch()).isEqualTo(3);
        assertThat(store.advanceEpoch(10)).isEqualTo(10);
        assertThat(peer().highestEpoch()).isEqualTo(10);
    }

    @Test
    @DisplayName("any write with a higher epoch raises the fence")
    void writesRaiseTheFence() {
        store.upsertExecution(running(CJ, uid(1), T0), 4);
        assertThat(store.highestEpoch()).isEqualTo(4);
        assertThatThrownBy(() -> store.advanceEpoch(3)).isInstanceOf(StaleEpochException.class);

        store.saveCronJobState(state(CJ2, "u6"), 6);
        assertThat(store.highestEpoch()).isEqualTo(6);
        assertThatThrownBy(() -> store.upsertExecution(ok(CJ, uid(1), T0, Duration.ofSeconds(1)), 5))
                .isInstanceOf(StaleEpochException.class);
        assertThat(store.findExecution(uid(1)).orElseThrow().state()).isEqualTo(JobState.RUNNING);
    }

    @Test
    @DisplayName("stale execution and retention writes are rejected and apply nothing")
    void staleExecutionWritesRejected() {
        upsertAll(withDetails(failed(CJ, uid(1), T0.minusSeconds(600), Duration.ofSeconds(1)), "log", List.of(),
                null), running(CJ, uid(2), T0));
        store.advanceEpoch(5);
        StoreImage before = image(store);

        List<Runnable> staleWrites = List.of(
                () -> store.upsertExecution(ok(CJ, uid(2), T0, Duration.ofSeconds(1)), 4),
                () -> store.upsertExecution(ok(CJ, uid(3), T0, Duration.ofSeconds(1)), 4),
                () -> store.upsertExecutions(List.of(ok(CJ, uid(4), T0, Duration.ofSeconds(1))), 4),
                () -> store.deleteExecutionsBefore(null, T0.plusSeconds(3600), 4),
                () -> store.deleteExecutionsBefore(CJ, T0.plusSeconds(3600), 4),
                () -> store.deleteExecutions(CJ, null, 4),
                () -> store.deleteDetailsBefore(null, T0.plusSeconds(3600), 4),
                () -> store.deleteDetailsBefore(CJ, T0.plusSeconds(3600), 0));
        for (Runnable w : staleWrites) {
            assertThatThrownBy(w::run).isInstanceOfSatisfying(StaleEpochException.class,
                    e -> assertThat(e.highestEpoch()).isEqualTo(5));
        }

        assertThat(image(store)).isEqualTo(before);
        assertThat(image(peer())).isEqualTo(before);
    }

    @Test
    @DisplayName("stale incident writes are rejected and apply nothing")
    void staleIncidentWritesRejected() {
        Incident open = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Incident resolved = openIncident(key(CJ2, AlertType.JOB_FAILED), T0.minusSeconds(7200));
        store.resolveIncident(resolved.id(), T0.minusSeconds(3600), EPOCH);
        store.advanceEpoch(5);
        StoreImage before = image(store);

        List<Runnable> staleWrites = List.of(
                () -> store.openIncident(draft(key(CJ_OTHER_NS, AlertType.JOB_FAILED), T0), 4),
                () -> store.openIncident(draft(open.key(), T0), 4),
                () -> store.updateIncident(open.notifiedAt(T0.plusSeconds(1)), 4),
                () -> store.resolveIncident(open.id(), T0.plusSeconds(1), 4),
                () -> store.deleteResolvedIncidentsBefore(T0.plusSeconds(3600), 4));
        for (Runnable w : staleWrites) {
            assertThatThrownBy(w::run).isInstanceOf(StaleEpochException.class);
        }

        assertThat(image(store)).isEqualTo(before);
    }

    @Test
    @DisplayName("stale outbox writes are rejected and apply nothing")
    void staleOutboxWritesRejected() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification pending = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        Notification claimed = enqueue(i.id(), "email", NotificationKind.OPENED, 0, T0);
        store.claimNotification(claimed.id(), "me", T0, Duration.ofMinutes(5), EPOCH).orElseThrow();
        store.advanceEpoch(5);
        StoreImage before = image(store);

        List<Runnable> staleWrites = List.of(
                () -> store.enqueueNotification(new NotificationDraft(i.id(), "pagerduty", NotificationKind.OPENED,
                        0, T0), 4),
                () -> store.claimNotification(pending.id(), "me", T0, Duration.ofMinutes(5), 4),
                () -> store.claimDueNotifications("me", T0, Duration.ofMinutes(5), 10, 4));
        for (Runnable w : staleWrites) {
            assertThatThrownBy(w::run).isInstanceOf(StaleEpochException.class);
        }

        assertThat(image(store)).isEqualTo(before);
    }

    @Test
    @DisplayName("stale CronJob-state writes are rejected and apply nothing")
    void staleStateWritesRejected() {
        store.saveCronJobState(state(CJ, "u1"), EPOCH);
        store.recordChannelResult("slack", true, T0, null);
        store.advanceEpoch(5);
        StoreImage before = image(store);

        List<Runnable> staleWrites = List.of(
                () -> store.saveCronJobState(state(CJ2, "u2"), 4),
                () -> store.saveCronJobState(state(CJ, "u3"), 4),
                () -> store.deleteCronJobState(CJ, 4));
        for (Runnable w : staleWrites) {
            assertThatThrownBy(w::run).isInstanceOf(StaleEpochException.class);
        }

        assertThat(image(store)).isEqualTo(before);
    }

    @Test
    @DisplayName("a claimant records the outcome of its own claim after a newer epoch was seen; new claims are fenced")
    void completionWritesAreGuardedByTheClaimNotTheFence() {
        Incident i = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Notification sent = enqueue(i.id(), "slack", NotificationKind.OPENED, 0, T0);
        Notification failed = enqueue(i.id(), "email", NotificationKind.OPENED, 0, T0);
        Notification other = enqueue(i.id(), "webhook", NotificationKind.OPENED, 0, T0);
        store.claimNotification(sent.id(), "old-leader", T0, Duration.ofMinutes(5), 4).orElseThrow();
        store.claimNotification(failed.id(), "old-leader", T0, Duration.ofMinutes(5), 4).orElseThrow();
        peer().advanceEpoch(5);   // leadership moved while the old leader was sending

        assertThat(store.markNotificationSent(sent.id(), "old-leader", T0.plusSeconds(1))).isTrue();
        assertThat(store.markNotificationFailed(failed.id(), "old-leader", "HTTP 503", T0.plusSeconds(60))).isTrue();
        store.recordChannelResult("slack", true, T0.plusSeconds(1), null);
        assertThat(peer().notifications(i.id())).filteredOn(n -> n.id() == sent.id()).singleElement()
                .satisfies(n -> assertThat(n.status()).isEqualTo(NotificationStatus.SENT));
        assertThat(peer().channelStats().get("slack").sent()).isEqualTo(1);
        assertThat(store.highestEpoch()).isEqualTo(5);   // completion writes do not move the fence
        // but the old leader cannot claim anything new, and the new one cannot take over a live claim
        assertThatThrownBy(() -> store.claimNotification(other.id(), "old-leader", T0, Duration.ofMinutes(5), 4))
                .isInstanceOf(StaleEpochException.class);
        assertThat(peer().claimNotification(sent.id(), "new-leader", T0.plusSeconds(2), Duration.ofMinutes(5), 5))
                .isEmpty();
    }

    @Test
    @DisplayName("a peer store sees the fence raised through another instance, both ways")
    void peerSeesTheFence() {
        HistoryStore other = peer();
        store.advanceEpoch(7);

        assertThat(other.highestEpoch()).isEqualTo(7);
        assertThatThrownBy(() -> other.upsertExecution(running(CJ, uid(1), T0), 6))
                .isInstanceOf(StaleEpochException.class);
        assertThat(other.upsertExecution(running(CJ, uid(1), T0), 7)).isEqualTo(UpsertResult.INSERTED);
        other.advanceEpoch(8);
        assertThatThrownBy(() -> store.openIncident(draft(key(CJ, AlertType.JOB_FAILED), T0), 7))
                .isInstanceOf(StaleEpochException.class);
        assertThat(store.incidents(IncidentQuery.all()).total()).isZero();
        assertThat(store.highestEpoch()).isEqualTo(8);
    }

    @Test
    @DisplayName("concurrent advanceEpoch from two instances ends at the maximum; lower ones fail")
    void concurrentAdvanceEpoch() throws Exception {
        HistoryStore other = peer();

        List<List<Long>> accepted = concurrently(8, t -> () -> {
            List<Long> ok = new ArrayList<>();
            for (long e = t + 1; e <= 400; e += 8) {
                try {
                    (t % 2 == 0 ? store : other).advanceEpoch(e);
                    ok.add(e);
                } catch (StaleEpochException ignored) {
                    // a higher epoch got there first
                }
            }
            return ok;
        });

        assertThat(store.highestEpoch()).isEqualTo(400);
        assertThat(accepted.stream().flatMap(List::stream)).contains(400L);
        assertThatThrownBy(() -> other.advanceEpoch(399)).isInstanceOf(StaleEpochException.class);
    }

    @Test
    @DisplayName("claimEpoch takes max(atLeast, highest + 1): strictly increasing, never below atLeast")
    void claimEpochSequential() {
        assertThat(store.claimEpoch(0)).isEqualTo(1);
        assertThat(store.claimEpoch(0)).isEqualTo(2);
        assertThat(store.claimEpoch(10)).isEqualTo(10);
        assertThat(store.claimEpoch(10)).isEqualTo(11);
        assertThat(store.claimEpoch(5)).isEqualTo(12);
        assertThat(peer().claimEpoch(1)).isEqualTo(13);
        assertThat(store.highestEpoch()).isEqualTo(13);

        assertThatThrownBy(() -> store.upsertExecution(running(CJ, uid(1), T0), 12))
                .isInstanceOfSatisfying(StaleEpochException.class, e -> assertThat(e.highestEpoch()).isEqualTo(13));
        assertThat(store.findExecution(uid(1))).isEmpty();
        assertThat(store.upsertExecution(running(CJ, uid(1), T0), 13)).isEqualTo(UpsertResult.INSERTED);
        assertThat(store.claimEpoch(0)).isEqualTo(14);
    }

    @Test
    @DisplayName("8 threads on two store instances claim 160 epochs at once: all distinct; older epochs are fenced")
    void claimEpochConcurrent() throws Exception {
        HistoryStore other = peer();
        store.advanceEpoch(3);

        List<List<Long>> claimed = concurrently(8, t -> () -> {
            List<Long> mine = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                mine.add((t % 2 == 0 ? store : other).claimEpoch(t % 3 == 0 ? 0 : 4));
            }
            return mine;
        });

        List<Long> all = claimed.stream().flatMap(List::stream).sorted().collect(Collectors.toList());
        assertThat(all).hasSize(160).doesNotHaveDuplicates();
        assertThat(all.get(0)).isGreaterThanOrEqualTo(4);
        for (List<Long> mine : claimed) {
            assertThat(mine).as("one thread's claims").isSorted();
        }
        long highest = all.get(all.size() - 1);
        assertThat(store.highestEpoch()).isEqualTo(highest);
        assertThat(highest).as("no epoch skipped when every claim asks for at most highest + 1").isEqualTo(163);
        assertThatThrownBy(() -> other.upsertExecution(running(CJ, uid(1), T0), highest - 1))
                .isInstanceOf(StaleEpochException.class);
        assertThatThrownBy(() -> store.advanceEpoch(all.get(0))).isInstanceOf(StaleEpochException.class);
        assertThat(store.findExecution(uid(1))).isEmpty();
        assertThat(other.upsertExecution(running(CJ, uid(1), T0), highest)).isEqualTo(UpsertResult.INSERTED);
    }

    // =====================================================================================================
    // lifecycle and health
    // =====================================================================================================

    @Test
    @DisplayName("health is up for a started store, start() is idempotent and close() can be repeated")
    void healthAndLifecycle() {
        StoreHealth h = store.health();
        assertThat(h.up()).as("health: %s", h).isTrue();
        assertThat(h.checkedAt()).isNotNull();

        store.upsertExecution(running(CJ, uid(1), T0), EPOCH);
        store.start();
        assertThat(store.findExecution(uid(1))).isPresent();
        assertThat(peer().health().up()).isTrue();

        HistoryStore extra = peer();
        extra.close();
        extra.close();
        assertThat(store.findExecution(uid(1))).as("closing a peer does not affect the store").isPresent();
    }
}
