package io.cronjobguardian.engine.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SystemTaskSchedulerTest {

    @Test
    void runsTasksSeriallyInSubmissionOrder() throws Exception {
        try (SystemTaskScheduler s = new SystemTaskScheduler(Clock.systemUTC(), "test")) {
            List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger concurrent = new AtomicInteger();
            AtomicInteger maxConcurrent = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(200);
            for (int i = 0; i < 200; i++) {
                int n = i;
                s.execute(() -> {
                    maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                    ran.add(n);
                    concurrent.decrementAndGet();
                    done.countDown();
                });
            }
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(maxConcurrent.get()).isEqualTo(1);
            for (int i = 0; i < 200; i++) {
                assertThat(ran.get(i)).isEqualTo(i);
            }
        }
    }

    @Test
    void timerFiresNotBeforeItsDueInstant() throws Exception {
        Clock clock = Clock.systemUTC();
        try (SystemTaskScheduler s = new SystemTaskScheduler(clock, "test")) {
            Instant due = clock.instant().plusMillis(150);
            AtomicReference<Instant> firedAt = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            s.schedule(due, () -> {
                firedAt.set(clock.instant());
                fired.countDown();
            });
            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(firedAt.get()).isAfterOrEqualTo(due);
        }
    }

    @Test
    void timerWokenEarlyByASlowClockIsReArmed() throws Exception {
        // a clock that runs 2 s behind the system clock: the first wake-up is early and must be re-armed
        Instant start = Instant.now();
        Clock behind = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() {
                Duration elapsed = Duration.between(start, Instant.now());
                return start.plus(elapsed.dividedBy(2));   // runs at half speed
            }
        };
        try (SystemTaskScheduler s = new SystemTaskScheduler(behind, "test")) {
            Instant due = behind.instant().plusMillis(200);
            AtomicReference<Instant> firedAt = new AtomicReference<>();
            CountDownLatch fired = new CountDownLatch(1);
            s.schedule(due, () -> {
                firedAt.set(behind.instant());
                fired.countDown();
            });
            assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(firedAt.get()).isAfterOrEqualTo(due);
        }
    }

    @Test
    void cancelledTimerDoesNotFireAndFailingTaskDoesNotKillTheThread() throws Exception {
        try (SystemTaskScheduler s = new SystemTaskScheduler(Clock.systemUTC(), "test")) {
            AtomicInteger fired = new AtomicInteger();
            ScheduledTask t = s.schedule(Instant.now().plusMillis(100), fired::incrementAndGet);
            t.cancel();
            s.execute(() -> {
                throw new IllegalStateException("boom");
            });
            CountDownLatch after = new CountDownLatch(1);
            s.schedule(Instant.now().plusMillis(300), after::countDown);
            assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(fired.get()).isZero();
        }
    }

    @Test
    void maxWaitFollowsAFastClock() throws Exception {
        // a clock running 3600x: an hour of clock time passes in one real second
        Instant start = Instant.now();
        Clock fast = new Clock() {
            @Override public ZoneId getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(ZoneId zone) { return this; }
            @Override public Instant instant() {
                return start.plus(Duration.between(start, Instant.now()).multipliedBy(3600));
            }
        };
        try (SystemTaskScheduler s = new SystemTaskScheduler(fast, "fast", Duration.ofMillis(20))) {
            CountDownLatch fired = new CountDownLatch(1);
            Instant due = fast.instant().plus(Duration.ofHours(1));
            s.schedule(due, fired::countDown);
            assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();   // without maxWait: an hour
            assertThat(fast.instant()).isAfterOrEqualTo(due);
        }
    }

    @Test
    void shutdownStopsTheThread() throws Exception {
        SystemTaskScheduler s = new SystemTaskScheduler(Clock.systemUTC(), "stoptest");
        CountDownLatch ran = new CountDownLatch(1);
        s.execute(ran::countDown);
        assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(s.shutdown(Duration.ofSeconds(5))).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("guardian-stoptest"));
        s.execute(() -> {
            throw new AssertionError("must not run after shutdown");
        });
    }
}
