package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ_OTHER_NS;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static io.cronjobguardian.testkit.HistoryStoreContract.ok;
import static io.cronjobguardian.testkit.HistoryStoreContract.running;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of retention: deleting runs by start time or by CronJob incarnation, details of old runs, and
 * resolved incidents with their notifications. Part of {@link HistoryStoreContract}.
 */
abstract class RetentionSuite extends StoreSuite {

    RetentionSuite(HistoryStoreContract contract) {
        super(contract);
    }

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
    @DisplayName("pruneExecutions and pruneDetails over 250 CronJobs: what the single forms would do, nothing of the "
            + "CronJobs left out, statistics (histogram) equal to a store that never pruned in bulk")
    void pruneManyCronJobsAtOnce() {
        InMemoryHistoryStore reference = new InMemoryHistoryStore();
        List<io.cronjobguardian.api.CronJobRef> pruned = new java.util.ArrayList<>();
        List<io.cronjobguardian.api.CronJobRef> all = new java.util.ArrayList<>();
        List<Execution> runs = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (int c = 0; c < 260; c++) {
            io.cronjobguardian.api.CronJobRef ref = io.cronjobguardian.api.CronJobRef.of("ns-" + (c % 3), "cj-" + c);
            all.add(ref);
            if (c < 250) {
                pruned.add(ref);
            }
            for (int i = 0; i < 6; i++) {   // over 20 weeks, around the cutoff's week too
                Instant at = T0.minus(Duration.ofDays(70)).plusSeconds((long) (random.nextDouble() * 140 * 86_400));
                Duration d = Duration.ofMillis(1 + random.nextInt(3_600_000));
                Execution e = i % 3 == 0 ? withDetails(failed(ref, "u-" + c + "-" + i, at, d), "log", List.of(), null)
                        : ok(ref, "u-" + c + "-" + i, at, d);
                runs.add(e);
            }
        }
        store.upsertExecutions(runs, EPOCH);
        reference.upsertExecutions(runs, EPOCH);
        Instant cutoff = T0.minus(Duration.ofDays(3)).plusSeconds(4321);

        long expected = 0;
        long expectedDetails = 0;
        for (io.cronjobguardian.api.CronJobRef ref : pruned) {
            expectedDetails += reference.deleteDetailsBefore(ref, cutoff.plus(Duration.ofDays(20)), EPOCH);
            expected += reference.deleteExecutionsBefore(ref, cutoff, EPOCH);
        }
        assertThat(store.pruneDetails(pruned, cutoff.plus(Duration.ofDays(20)), EPOCH)).isEqualTo(expectedDetails);
        assertThat(store.pruneExecutions(pruned, cutoff, EPOCH)).isEqualTo(expected).isPositive();
        assertThat(store.pruneExecutions(pruned, cutoff, EPOCH)).isZero();
        assertThat(store.executionCount()).isEqualTo(reference.executionCount());
        for (Execution e : runs) {
            assertThat(store.findExecution(e.jobUid())).as(e.jobUid()).isEqualTo(reference.findExecution(e.jobUid()));
        }
        List<io.cronjobguardian.api.StatsQuery> windows = List.of(
                window(T0.minus(Duration.ofDays(100)), T0.plus(Duration.ofDays(100))),
                window(cutoff.minus(Duration.ofDays(2)), cutoff.plus(Duration.ofDays(9))),
                window(cutoff, T0.plus(Duration.ofDays(30))));
        for (io.cronjobguardian.api.CronJobRef ref : List.of(all.get(0), all.get(199), all.get(200), all.get(249),
                all.get(250), all.get(259))) {
            for (io.cronjobguardian.api.StatsQuery q : windows) {
                io.cronjobguardian.api.ExecutionStats a = store.stats(ref, q);
                io.cronjobguardian.api.ExecutionStats b = reference.stats(ref, q);
                assertThat(a.total()).as(ref + " " + q).isEqualTo(b.total());
                assertThat(a.succeeded()).as(ref + " " + q).isEqualTo(b.succeeded());
                assertThat(a.failed()).as(ref + " " + q).isEqualTo(b.failed());
                assertThat(a.maxDuration()).as(ref + " " + q).isEqualTo(b.maxDuration());
                assertThat(a.lastSuccessAt()).as(ref + " " + q).isEqualTo(b.lastSuccessAt());
                assertThat(a.lastFailureAt()).as(ref + " " + q).isEqualTo(b.lastFailureAt());
            }
        }
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
}
