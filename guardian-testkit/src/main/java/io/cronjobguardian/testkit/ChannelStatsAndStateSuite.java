package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ2;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.CJ_OTHER_NS;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.HistoryStore;

import java.time.Instant;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of channel statistics (accumulated, also concurrently) and of the per-CronJob state
 * (save, find, replace, list, delete). Part of {@link HistoryStoreContract}.
 */
abstract class ChannelStatsAndStateSuite extends StoreSuite {

    ChannelStatsAndStateSuite(HistoryStoreContract contract) {
        super(contract);
    }

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
    @DisplayName("CronJob state: many saved at once, new and replaced alike, across more than one chunk")
    void cronJobStatesSavedTogether() {
        CronJobState existing = state(CJ, "uid-a");
        store.saveCronJobState(existing, EPOCH);
        java.util.List<CronJobState> batch = new java.util.ArrayList<>();
        CronJobState replaced = existing.withSuspendedSince(T0.plusSeconds(60)).withSchedule("*/5 * * * *", null);
        batch.add(replaced);
        for (int i = 0; i < 1_201; i++) {
            batch.add(new CronJobState(io.cronjobguardian.api.CronJobRef.of("ns-" + (i % 7), "cj-" + i), "uid-" + i,
                    T0.plusSeconds(i), i % 3 == 0 ? T0 : null, null, null).withSchedule("0 * * * *", null));
        }

        store.saveCronJobStates(batch, EPOCH);

        assertThat(peer().cronJobStates()).containsExactlyInAnyOrderElementsOf(batch);
        assertThat(store.findCronJobState(CJ)).contains(replaced);
        // saved again unchanged but for one: still one row each
        java.util.List<CronJobState> again = new java.util.ArrayList<>(batch);
        again.set(5, again.get(5).withDeletedAt(T0.plusSeconds(5)));
        store.saveCronJobStates(again, EPOCH);
        assertThat(store.cronJobStates()).hasSize(batch.size()).containsExactlyInAnyOrderElementsOf(again);
        store.saveCronJobStates(java.util.List.of(), EPOCH);
        assertThat(store.cronJobStates()).hasSize(batch.size());
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
}
