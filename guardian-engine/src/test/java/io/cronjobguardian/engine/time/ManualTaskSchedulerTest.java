package io.cronjobguardian.engine.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ManualTaskSchedulerTest {

    private static final Instant T0 = Instant.parse("2026-03-08T06:00:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);

    @Test
    void nothingRunsUntilAsked() {
        List<String> ran = new ArrayList<>();
        scheduler.execute(() -> ran.add("a"));
        assertThat(ran).isEmpty();
        assertThat(scheduler.runPending()).isEqualTo(1);
        assertThat(ran).containsExactly("a");
    }

    @Test
    void timersRunInDueOrderAtTheirExactInstant() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(T0.plusSeconds(30), () -> ran.add("b@" + clock.instant()));
        scheduler.schedule(T0.plusSeconds(10), () -> ran.add("a@" + clock.instant()));
        scheduler.schedule(T0.plusSeconds(90), () -> ran.add("c@" + clock.instant()));
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(ran).containsExactly("a@" + T0.plusSeconds(10), "b@" + T0.plusSeconds(30));
        assertThat(clock.instant()).isEqualTo(T0.plusSeconds(60));
        assertThat(scheduler.nextTimerDue()).isEqualTo(T0.plusSeconds(90));
    }

    @Test
    void tasksSubmittedByTasksRunInTheSamePass() {
        List<String> ran = new ArrayList<>();
        scheduler.execute(() -> {
            ran.add("outer");
            scheduler.execute(() -> ran.add("inner"));
            scheduler.schedule(clock.instant(), () -> ran.add("timer-now"));
        });
        scheduler.runPending();
        assertThat(ran).containsExactly("outer", "inner", "timer-now");
    }

    @Test
    void cancelledTimersDoNotRun() {
        List<String> ran = new ArrayList<>();
        ScheduledTask t = scheduler.schedule(T0.plusSeconds(1), () -> ran.add("x"));
        t.cancel();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(ran).isEmpty();
        assertThat(t.isCancelled()).isTrue();
        assertThat(scheduler.pendingTimers()).isZero();
    }

    @Test
    void aFailingTaskDoesNotStopTheOthers() {
        List<String> ran = new ArrayList<>();
        scheduler.execute(() -> {
            throw new IllegalStateException("boom");
        });
        scheduler.execute(() -> ran.add("after"));
        scheduler.runPending();
        assertThat(ran).containsExactly("after");
    }

    @Test
    void cannotMoveTheClockBack() {
        assertThatThrownBy(() -> scheduler.advanceTo(T0.minusSeconds(1))).hasMessageContaining("cannot move");
    }

    @Test
    void inSchedulerThreadOnlyInsideTasks() {
        boolean[] inside = new boolean[1];
        scheduler.execute(() -> inside[0] = scheduler.inSchedulerThread());
        scheduler.runPending();
        assertThat(inside[0]).isTrue();
        assertThat(scheduler.inSchedulerThread()).isFalse();
    }

    @Test
    void tasksFromOtherThreadsAreQueued() throws Exception {
        CountDownLatch done = new CountDownLatch(4);
        List<Integer> ran = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            new Thread(() -> {
                for (int j = 0; j < 250; j++) {
                    scheduler.execute(() -> ran.add(n));
                }
                done.countDown();
            }).start();
        }
        done.await();
        assertThat(scheduler.runPending()).isEqualTo(1000);
        assertThat(ran).hasSize(1000);
    }

    @Test
    void closedSchedulerDropsEverything() {
        List<String> ran = new ArrayList<>();
        scheduler.schedule(T0, () -> ran.add("t"));
        scheduler.close();
        scheduler.execute(() -> ran.add("e"));
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(ran).isEmpty();
    }
}
