package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.api.WatchListener;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class ScriptableCronJobWatcherTest {

    private static final Instant T = Instant.parse("2024-03-10T10:00:00Z");

    private final ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
    private final RecordingWatchListener events = new RecordingWatchListener();
    private final CronJobSnapshot cj = TestObjects.cronJob("ns", "backup").build();

    @Test
    void initialListThenLiveEventsInPushOrder() {
        watcher.putCronJob(cj);
        JobSnapshot j = TestObjects.job(cj).scheduled(T).build();
        watcher.putJob(j);
        assertThat(watcher.hasSynced()).isFalse();

        watcher.start(events);

        assertThat(watcher.hasSynced()).isTrue();
        assertThat(events.events()).containsExactly(new Event(WatchEventType.ADDED, cj, null),
                new Event(WatchEventType.ADDED, null, j));
        assertThat(watcher.putCronJob(cj.withSuspended(true))).isEqualTo(WatchEventType.UPDATED);
        assertThat(watcher.deleteJob(j.uid())).contains(j);
        assertThat(watcher.deleteJob(j.uid())).isEmpty();
        assertThat(events.events()).extracting(Event::type).containsExactly(WatchEventType.ADDED,
                WatchEventType.ADDED, WatchEventType.UPDATED, WatchEventType.DELETED);
        assertThat(watcher.jobs(cj.ref())).isEmpty();
        assertThat(watcher.cronJob(cj.ref()).orElseThrow().suspended()).isTrue();
    }

    @Test
    void delayedSyncWaitsForMarkSynced() {
        watcher.delaySyncUntilMarked().start(events);
        assertThat(watcher.hasSynced()).isFalse();
        watcher.markSynced();
        assertThat(watcher.hasSynced()).isTrue();
        assertThatThrownBy(watcher::delaySyncUntilMarked).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void simulateRunEmitsRunningRetriesAndTerminal() {
        watcher.putCronJob(cj);
        watcher.start(events);
        events.clear();

        JobSnapshot done = watcher.simulateRun(TestObjects.job(cj).scheduled(T), T.plusSeconds(1), 1, true,
                T.plusSeconds(61));

        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        List<Event> seen = events.jobEvents(done.uid());
        assertThat(seen).extracting(Event::type).containsExactly(WatchEventType.ADDED, WatchEventType.UPDATED,
                WatchEventType.UPDATED);
        assertThat(seen).extracting(e -> e.job().state()).containsExactly(JobState.RUNNING, JobState.RUNNING,
                JobState.SUCCEEDED);
        assertThat(seen).extracting(e -> e.job().attempts()).containsExactly(1, 2, 2);
        assertThat(watcher.jobs(cj.ref())).containsExactly(done);

        JobSnapshot failed = watcher.simulateRun(TestObjects.job(cj).scheduled(T.plusSeconds(300)),
                T.plusSeconds(301), 3, false, T.plusSeconds(400));
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.attempts()).isEqualTo(3);
        assertThat(watcher.jobs(cj.ref(), JobState.FAILED)).containsExactly(failed);
        assertThatThrownBy(() -> watcher.simulateRun(TestObjects.job(cj), T, 0, false, T))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void relistRedeliversEverythingAsAdded() {
        watcher.putCronJob(cj);
        watcher.putJob(TestObjects.job(cj).scheduled(T).build());
        watcher.start(events);
        events.clear();

        watcher.relist();

        assertThat(events.events()).hasSize(2).allSatisfy(e -> assertThat(e.type()).isEqualTo(WatchEventType.ADDED));
    }

    @Test
    void closeStopsDeliveryButStartAgainIsRefused() {
        watcher.start(events);
        watcher.close();

        watcher.putCronJob(cj);

        assertThat(events.events()).isEmpty();
        assertThat(watcher.hasSynced()).isFalse();
        assertThatThrownBy(() -> watcher.start(events)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void listenerExceptionsDoNotStopDeliveryAndNestedPushesComeAfter() {
        List<String> order = new ArrayList<>();
        watcher.start(new WatchListener() {
            @Override
            public void onCronJob(WatchEventType type, CronJobSnapshot c) {
                order.add(type + " " + c.ref().name());
                if (c.ref().name().equals("first")) {
                    watcher.putCronJob(TestObjects.cronJob("ns", "nested").build());
                    order.add("after nested push");
                    throw new IllegalStateException("listener bug");
                }
            }

            @Override
            public void onJob(WatchEventType type, JobSnapshot job) {
            }
        });

        watcher.putCronJob(TestObjects.cronJob("ns", "first").build());
        watcher.putCronJob(TestObjects.cronJob("ns", "second").build());

        assertThat(order).containsExactly("ADDED first", "after nested push", "ADDED nested", "ADDED second");
    }

    @Test
    void logTailIsCappedByLinesAndBytesAtCharacterBoundaries() {
        JobSnapshot j = TestObjects.job(cj).scheduled(T).build();
        String log = IntStream.rangeClosed(1, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n"))
                + "\n";
        watcher.setLogTail(j.uid(), log);

        assertThat(watcher.fetchLogTail(j, new LogRequest(null, false, 3, 1024)))
                .contains("line 98\nline 99\nline 100\n");
        assertThat(watcher.fetchLogTail(j, LogRequest.DEFAULT).orElseThrow().lines()).hasSize(50);

        String multi = "x".repeat(2000) + "日本語".repeat(400);
        watcher.setLogTail(j.uid(), multi);
        String tail = watcher.fetchLogTail(j, new LogRequest(null, false, 10, 1024)).orElseThrow();
        assertThat(tail.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024)
                .isGreaterThan(1020);
        assertThat(multi).endsWith(tail);
        assertThat(tail.charAt(0)).isIn('日', '本', '語');

        watcher.setLogTail(j.uid(), null);
        assertThat(watcher.fetchLogTail(j, LogRequest.DEFAULT)).isEmpty();
    }

    @Test
    void eventsAreCappedToTheNewest() {
        JobSnapshot j = TestObjects.job(cj).scheduled(T).build();
        watcher.setEvents(j.uid(), "A: 1", "B: 2", "C: 3");

        assertThat(watcher.fetchEvents(j, 2)).containsExactly("B: 2", "C: 3");
        assertThat(watcher.fetchEvents(j, 10)).containsExactly("A: 1", "B: 2", "C: 3");
        assertThat(watcher.fetchEvents(j, 0)).isEmpty();
        assertThat(watcher.fetchEvents(TestObjects.job(cj).scheduled(T.plusSeconds(60)).build(), 5)).isEmpty();
    }

    @Test
    void namespaceLabelsAreScriptable() {
        assertThat(watcher.namespaceLabels("ns")).isEmpty();
        watcher.setNamespaceLabels("ns", java.util.Map.of("team", "a"));
        assertThat(watcher.namespaceLabels("ns")).contains(java.util.Map.of("team", "a"));
    }
}
