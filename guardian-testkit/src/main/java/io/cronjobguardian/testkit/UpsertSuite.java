package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ_OTHER_NS;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static io.cronjobguardian.testkit.HistoryStoreContract.ok;
import static io.cronjobguardian.testkit.HistoryStoreContract.run;
import static io.cronjobguardian.testkit.HistoryStoreContract.running;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.UpsertResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of upserts: one execution per Job UID, the merge rule (a terminal state is never replaced by
 * RUNNING, details kept), batches, concurrent writers, and counts. Part of {@link HistoryStoreContract}.
 */
abstract class UpsertSuite extends StoreSuite {

    UpsertSuite(HistoryStoreContract contract) {
        super(contract);
    }

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
}
