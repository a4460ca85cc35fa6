package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.ok;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TimeZone;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of instants: before 1970 and in year 9999, millisecond precision, and no drift under a non-UTC JVM
 * default zone. Part of {@link HistoryStoreContract}.
 */
abstract class TimeSuite extends StoreSuite {

    TimeSuite(HistoryStoreContract contract) {
        super(contract);
    }

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
}
