package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of the notification outbox: enqueue once, claims (expiry, exactly one winner across instances),
 * sent/failed/retry, extending and releasing claims, resolutions that wait for their channel, listing. Part of
 * {@link HistoryStoreContract}.
 */
abstract class OutboxSuite extends StoreSuite {

    OutboxSuite(HistoryStoreContract contract) {
        super(contract);
    }

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
    @DisplayName("a silenced open incident's openings and reminders are not claimed until the silence ends; its "
            + "resolution and other incidents' notifications are")
    void silenceHoldsOpeningsAndReminders() {
        Incident silenced = openIncident(key(CJ, AlertType.JOB_FAILED), T0);
        Incident other = openIncident(key(CJ, AlertType.DEAD_MAN_TRIGGERED), T0);
        Notification opening = enqueue(silenced.id(), "slack", NotificationKind.OPENED, 0, T0);
        Notification reminder = enqueue(silenced.id(), "pagerduty", NotificationKind.REMINDER, 1, T0);
        Notification others = enqueue(other.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.silenceIncident(silenced.id(), T0.plusSeconds(600), "ops", EPOCH).orElseThrow();

        List<Notification> first = store.claimDueNotifications("me", T0.plusSeconds(1), Duration.ofHours(3), 10,
                EPOCH);
        assertThat(first).extracting(Notification::id).containsExactly(others.id());
        assertThat(peer().claimDueNotifications("peer", T0.plusSeconds(599), Duration.ofHours(3), 10, EPOCH))
                .isEmpty();

        List<Notification> after = store.claimDueNotifications("me", T0.plusSeconds(600), Duration.ofHours(3), 10,
                EPOCH);
        assertThat(after).extracting(Notification::id).containsExactlyInAnyOrder(opening.id(), reminder.id());

        // a resolution goes out while silenced; so does everything of an incident resolved while silenced
        Incident again = openIncident(key(CJ, AlertType.SLA_BREACHED), T0);
        Notification held = enqueue(again.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.silenceIncident(again.id(), T0.plusSeconds(7200), "ops", EPOCH).orElseThrow();
        Notification resolution = enqueue(again.id(), "pagerduty", NotificationKind.RESOLVED, 0, T0);
        assertThat(store.claimDueNotifications("me", T0.plusSeconds(700), Duration.ofHours(3), 10, EPOCH))
                .extracting(Notification::id).containsExactly(resolution.id());
        store.resolveIncident(again.id(), T0.plusSeconds(701), EPOCH).orElseThrow();
        assertThat(store.claimDueNotifications("me", T0.plusSeconds(702), Duration.ofHours(3), 10, EPOCH))
                .extracting(Notification::id).containsExactly(held.id());
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
}
