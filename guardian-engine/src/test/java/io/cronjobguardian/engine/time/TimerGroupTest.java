package io.cronjobguardian.engine.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.testkit.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimerGroupTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final ManualClock clock = new ManualClock(T0);
    private final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
    private final TimerGroup<String> group = new TimerGroup<>(scheduler);

    @Test
    void rearmingAKeyReplacesItsTimer() {
        List<String> ran = new ArrayList<>();
        group.arm("a", T0.plusSeconds(10), () -> ran.add("first"));
        group.arm("a", T0.plusSeconds(20), () -> ran.add("second"));
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(ran).containsExactly("second");
        assertThat(group.size()).isZero();
    }

    @Test
    void rearmingAtTheSameInstantKeepsTheTimer() {
        List<String> ran = new ArrayList<>();
        group.arm("a", T0.plusSeconds(10), () -> ran.add("first"));
        group.arm("a", T0.plusSeconds(10), () -> ran.add("second"));
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(ran).containsExactly("first");
    }

    @Test
    void cancelAllStopsEverything() {
        List<String> ran = new ArrayList<>();
        group.arm("a", T0.plusSeconds(1), () -> ran.add("a"));
        group.arm("b", T0.plusSeconds(2), () -> ran.add("b"));
        assertThat(group.size()).isEqualTo(2);
        assertThat(group.dueAt("b")).isEqualTo(T0.plusSeconds(2));
        group.cancelAll();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(ran).isEmpty();
        assertThat(scheduler.pendingTimers()).isZero();
    }

    @Test
    void aTimerCanRearmItself() {
        List<Instant> ran = new ArrayList<>();
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            ran.add(clock.instant());
            group.arm("tick", clock.instant().plusSeconds(10), tick[0]);
        };
        group.arm("tick", T0.plusSeconds(10), tick[0]);
        scheduler.advance(Duration.ofSeconds(35));
        assertThat(ran).containsExactly(T0.plusSeconds(10), T0.plusSeconds(20), T0.plusSeconds(30));
        assertThat(group.dueAt("tick")).isEqualTo(T0.plusSeconds(40));
    }
}
