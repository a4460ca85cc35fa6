package io.cronjobguardian.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryDatabase;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Claims across a change of leader, with two dispatchers on one store (two replicas) and one manual clock: what
 * the old leader claimed but did not send goes out at once when it steps down, and within the claim's lifetime
 * (shorter than a Lease's) when it froze; a send in flight keeps its claim and is not sent twice.
 */
class AlertClaimsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final GuardianConfig CONFIG = GuardianConfig.builder().noEnvironment().build();
    /** The default Lease duration: a frozen leader is replaced this long after its last renewal at the earliest. */
    private static final Duration LEASE_DURATION = Duration.ofSeconds(15);

    private final ManualClock clock = new ManualClock(T0);
    private final InMemoryHistoryStore storeA = new InMemoryHistoryStore(new InMemoryDatabase(), clock);
    private final InMemoryHistoryStore storeB = storeA.createPeer();
    private final ManualTaskScheduler schedulerA = new ManualTaskScheduler(clock, clock::set);
    private final ManualTaskScheduler schedulerB = new ManualTaskScheduler(clock, clock::set);
    private final RecordingAlertChannel slackA = RecordingAlertChannel.named("slack");
    private final RecordingAlertChannel slackB = RecordingAlertChannel.named("slack");
    private final AlertPipeline a = new AlertPipeline(storeA, Map.of("slack", slackA), CONFIG, schedulerA, "a", false);
    private final AlertPipeline b = new AlertPipeline(storeB, Map.of("slack", slackB), CONFIG, schedulerB, "b", true);
    private final List<Notification> queued = new ArrayList<>();

    @AfterEach
    void close() {
        slackA.release();
        a.close();
        b.close();
    }

    /** Two incidents with an opening each on "slack", due now. */
    private void twoOpenings() {
        for (String name : List.of("one", "two")) {
            Incident i = storeA.openIncident(new IncidentDraft(IncidentKey.of("team-a/m", CronJobRef.of("team-a", name),
                    AlertType.JOB_FAILED), Severity.CRITICAL, "Job failed: " + name, "", "sig", AlertContext.EMPTY,
                    T0), 1).incident();
            queued.add(storeA.enqueueNotification(new NotificationDraft(i.id(), "slack", NotificationKind.OPENED, 0,
                    T0), 1).orElseThrow());
        }
    }

    private Notification stored(int k) {
        Notification q = queued.get(k);
        return storeA.notifications(q.incidentId()).stream().filter(n -> n.id() == q.id()).findFirst().orElseThrow();
    }

    /** Moves the shared clock in steps of 100 ms, running what falls due on {@code running} schedulers. */
    private void pass(Duration d, ManualTaskScheduler... running) {
        Instant end = clock.instant().plus(d);
        while (clock.instant().isBefore(end)) {
            Instant next = clock.instant().plusMillis(100);
            for (ManualTaskScheduler s : running) {
                s.advanceTo(next.isAfter(end) ? end : next);
            }
        }
    }

    /** A leads and claims both openings: the first hangs in its send, the second waits behind it. */
    private void aClaimsBoth() {
        twoOpenings();
        storeA.advanceEpoch(1);
        slackA.block();
        a.leadership(true, 1);
        schedulerA.runPending();
        slackA.awaitBlocked(1, Duration.ofSeconds(10));
        assertThat(stored(0).claimedBy()).isEqualTo("a#1");
        assertThat(stored(1).claimedBy()).isEqualTo("a#1");
    }

    @Test
    void aLeaderSteppingDownGivesBackWhatItHasNotStartedAndKeepsWhatItIsSending() throws Exception {
        aClaimsBoth();

        a.leadership(false, 1);   // graceful: the Lease moves to b at once
        storeB.advanceEpoch(2);
        b.leadership(true, 2);
        schedulerB.runPending();

        assertThat(slackB.delivered()).as("the given-back opening goes out with no delay").singleElement()
                .satisfies(m -> assertThat(m.notificationId()).isEqualTo(queued.get(1).id()));
        pass(Duration.ofSeconds(30), schedulerA, schedulerB);   // a's send hangs far longer than a claim lasts
        assertThat(stored(0).claimedBy()).as("kept alive by a's heartbeat").isEqualTo("a#1");
        assertThat(stored(0).claimExpiresAt()).isAfter(clock.instant());
        assertThat(slackB.messages()).hasSize(1);

        slackA.release();
        // the send ends on a's channel thread (real time): wait for its recording in the store
        Awaitility.await("a records its delivery").atMost(Duration.ofSeconds(10))
                .until(() -> stored(0).status() == NotificationStatus.SENT);
        assertThat(a.drain(Duration.ofSeconds(10))).isTrue();
        pass(Duration.ofSeconds(30), schedulerA, schedulerB);
        assertThat(slackA.messages()).as("a never sends what it gave back").extracting(AlertMessage::notificationId)
                .containsExactly(queued.get(0).id());
        assertThat(slackB.messages()).extracting(AlertMessage::notificationId).containsExactly(queued.get(1).id());
        assertThat(stored(1).status()).isEqualTo(NotificationStatus.SENT);
    }

    @Test
    void aNewLeaderQueuesTheResolutionsTheLastTermLeftOut() {
        twoOpenings();
        // the last leader sent the first opening and cancelled the second (still waiting out alertDelay), resolved
        // both incidents, and lost its term before it queued the resolution
        storeA.claimNotification(queued.get(0).id(), "a#1", T0, Duration.ofSeconds(5), 1).orElseThrow();
        storeA.markNotificationSent(queued.get(0).id(), "a#1", T0);
        storeA.claimNotification(queued.get(1).id(), "a#1-router", T0, Duration.ofSeconds(5), 1).orElseThrow();
        storeA.markNotificationFailed(queued.get(1).id(), "a#1-router", "cancelled: the incident was resolved first",
                null);
        clock.set(T0.plusSeconds(30));
        storeA.resolveIncident(queued.get(0).incidentId(), clock.instant(), 1).orElseThrow();
        storeA.resolveIncident(queued.get(1).incidentId(), clock.instant(), 1).orElseThrow();

        storeB.advanceEpoch(2);
        b.leadership(true, 2);
        schedulerB.runPending();

        assertThat(slackB.delivered()).singleElement().satisfies(m -> {
            assertThat(m.kind()).isEqualTo(NotificationKind.RESOLVED);
            assertThat(m.incidentId()).isEqualTo(queued.get(0).incidentId());
        });
        assertThat(storeA.notifications(queued.get(1).incidentId())).as("never announced: no resolution").hasSize(1);
    }

    @Test
    void aFrozenLeadersClaimsHaveLapsedWhenTheNextLeaderStarts() {
        aClaimsBoth();

        // a freezes: its scheduler never runs again (no heartbeat, no step-down); b takes the Lease after it expired
        pass(LEASE_DURATION, schedulerB);
        storeB.advanceEpoch(2);
        b.leadership(true, 2);
        schedulerB.runPending();

        assertThat(slackB.delivered()).extracting(AlertMessage::notificationId)
                .containsExactlyInAnyOrder(queued.get(0).id(), queued.get(1).id());
        assertThat(stored(0).status()).isEqualTo(NotificationStatus.SENT);
        assertThat(stored(1).status()).isEqualTo(NotificationStatus.SENT);
        // the one a may have delivered before it froze goes again with the same key: a receiver drops it
        AlertMessage byA = slackA.messages().get(0);
        assertThat(slackB.messages()).filteredOn(m -> m.notificationId() == byA.notificationId()).singleElement()
                .satisfies(m -> assertThat(m.idempotencyKey()).isEqualTo(byA.idempotencyKey()));
    }
}
