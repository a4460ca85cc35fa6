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

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
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
 * The conformance of the leader-epoch fence: advancing and claiming epochs, stale writes of every kind rejected
 * with nothing applied, completion writes guarded by the claim, peers seeing the fence. Part of
 * {@link HistoryStoreContract}.
 */
abstract class FencingSuite extends StoreSuite {

    FencingSuite(HistoryStoreContract contract) {
        super(contract);
    }

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
}
