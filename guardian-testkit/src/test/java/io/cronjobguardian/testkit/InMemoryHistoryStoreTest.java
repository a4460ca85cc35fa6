package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.HistoryStoreProvider;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Providers;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StoreUnavailableException;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** What the in-memory store adds beyond the contract. */
class InMemoryHistoryStoreTest {

    private static final Instant T = Instant.parse("2024-03-10T10:00:00Z");
    private static final CronJobRef CJ = CronJobRef.of("ns", "backup");

    @Test
    void providerIsDiscoveredByNameAndLosesToRealStores() {
        HistoryStoreProvider p = Providers.select(HistoryStoreProvider.class, Settings.of("storage.type", "memory"),
                HistoryStoreProvider.TYPE_KEY, HistoryStoreProvider.ARTIFACTS);

        assertThat(p).isInstanceOf(InMemoryHistoryStoreProvider.class);
        assertThat(p.name()).isEqualTo("memory");
        assertThat(p.priority()).isEqualTo(-100);
        ManualClock clock = ManualClock.at(T);
        HistoryStore a = p.create(Settings.empty(), ProviderContext.builder().clock(clock).build());
        HistoryStore b = p.create(Settings.empty(), ProviderContext.defaults());
        a.upsertExecution(TestObjects.job(CJ).scheduled(T).execution(), 1);
        assertThat(b.executionCount()).as("each created store has its own database").isZero();
        assertThat(a.health().checkedAt()).isEqualTo(T);
    }

    @Test
    void unavailableDatabaseFailsEveryCallAndAppliesNothing() {
        InMemoryHistoryStore store = new InMemoryHistoryStore(ManualClock.at(T));
        InMemoryHistoryStore peer = store.createPeer();
        store.database().setUnavailable(true);

        assertThatThrownBy(() -> store.upsertExecution(TestObjects.job(CJ).scheduled(T).execution(), 1))
                .isInstanceOf(StoreUnavailableException.class);
        assertThatThrownBy(peer::executionCount).isInstanceOf(StoreUnavailableException.class);
        assertThat(store.health().up()).isFalse();
        assertThat(store.database().isUnavailable()).isTrue();

        store.database().setUnavailable(false);
        assertThat(peer.executionCount()).isZero();
        assertThat(peer.highestEpoch()).as("the failed write did not raise the fence").isZero();
        assertThat(store.health().up()).isTrue();
    }

    @Test
    void closedStoreIsDownButItsPeersAreNot() {
        InMemoryHistoryStore store = new InMemoryHistoryStore(ManualClock.at(T));
        InMemoryHistoryStore peer = store.createPeer();

        store.close();

        assertThat(store.health().up()).isFalse();
        assertThatThrownBy(store::executionCount).isInstanceOf(StoreUnavailableException.class);
        assertThat(peer.health().up()).isTrue();
        store.close();
    }

    @Test
    void notificationsTakeCreatedAtFromTheClockAndNeedAKnownIncident() {
        ManualClock clock = ManualClock.at(T);
        InMemoryHistoryStore store = new InMemoryHistoryStore(clock);
        String id = store.openIncident(new IncidentDraft(IncidentKey.of("m", CJ, AlertType.JOB_FAILED),
                Severity.CRITICAL, "t", "", "", null, T), 1).incident().id();
        clock.advance(Duration.ofMinutes(3));

        Notification n = store.enqueueNotification(new NotificationDraft(id, "slack", NotificationKind.OPENED, 0, T),
                1).orElseThrow();

        assertThat(n.createdAt()).isEqualTo(T.plusSeconds(180));
        assertThatThrownBy(() -> store.enqueueNotification(new NotificationDraft("nope", "slack",
                NotificationKind.OPENED, 0, T), 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clearEmptiesTheDatabase() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        store.upsertExecution(TestObjects.job(CJ).scheduled(T).execution(), 3);

        store.database().clear();

        assertThat(store.executionCount()).isZero();
        assertThat(store.highestEpoch()).isZero();
    }
}
