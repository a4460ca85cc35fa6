package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.MONITOR;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.TOLERANCE_NANOS;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StatsQuery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/**
 * What the parts of {@link HistoryStoreContract} share: the store under test and its peers (opened and closed by the
 * contract around each test) and the test data and assertions more than one part uses. Each part is a subclass,
 * made a {@code @Nested} class of the contract.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class StoreSuite {

    private final HistoryStoreContract contract;
    /** The store under test (started by the contract before each test). */
    protected HistoryStore store;

    StoreSuite(HistoryStoreContract contract) {
        this.contract = contract;
    }

    @BeforeEach
    void takeStore() {
        store = contract.store;
    }

    /** A new, started peer store on the same database; closed after the test. */
    protected HistoryStore peer() {
        return contract.peer();
    }

    static Execution withDetails(Execution e, String log, List<String> events, String fix) {
        return new Execution(e.job(), log, events, fix);
    }

    void upsertAll(Execution... executions) {
        for (Execution e : executions) {
            store.upsertExecution(e, EPOCH);
        }
    }

    static AlertContext richContext() {
        return new AlertContext("backup-28512345", 137, "OOMKilled", "container killed", "line 1\nline 2",
                List.of("BackOff: Back-off restarting failed container", "Failed: Error"), "Failed (OOMKilled)",
                "Raise the memory limit", 66.5, Duration.ofMillis(1500), Map.of("node", "worker-1", "zone", "eu"));
    }

    static IncidentDraft draft(IncidentKey key, Instant openedAt) {
        return new IncidentDraft(key, Severity.CRITICAL, "Job failed: " + key.cronJob(), "exit code 137",
                "exit:137|OOMKilled", richContext(), openedAt);
    }

    static IncidentKey key(CronJobRef cj, AlertType type) {
        return IncidentKey.of(MONITOR, cj, type);
    }

    Incident openIncident(IncidentKey key, Instant at) {
        return store.openIncident(draft(key, at), EPOCH).incident();
    }

    Notification enqueue(String incidentId, String channel, NotificationKind kind, int seq, Instant due) {
        return store.enqueueNotification(new NotificationDraft(incidentId, channel, kind, seq, due), EPOCH)
                .orElseThrow(() -> new AssertionError("enqueue returned empty for a new notification"));
    }

    static CronJobState state(CronJobRef ref, String uid) {
        return new CronJobState(ref, uid, T0, T0.plusSeconds(60), null, T0.plusSeconds(300));
    }

    static void assertCloseTo(Duration actual, Duration expected, String what) {
        assertThat(actual).as(what).isNotNull();
        long diff = Math.abs(actual.minus(expected).toNanos());
        assertThat(diff).as("%s: expected %s (%s ms) but was %s (%s ms)", what, expected,
                Percentiles.toMillis(expected), actual, Percentiles.toMillis(actual))
                .isLessThanOrEqualTo(TOLERANCE_NANOS);
    }

    /** Asserts counts and duration figures against {@link Percentiles} computed over {@code durations}. */
    static void assertStats(ExecutionStats s, List<Duration> durations, long succeeded, long failed) {
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

    static StatsQuery window(Instant from, Instant to) {
        return StatsQuery.between(from, to);
    }

    static final StatsQuery DAY = StatsQuery.between(T0.minusSeconds(3600), T0.plusSeconds(86_400));

    /** Runs {@code threads} tasks started together; returns their results in task order. */
    static <T> List<T> concurrently(int threads, IntFunction<Callable<T>> task) throws Exception {
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
}
