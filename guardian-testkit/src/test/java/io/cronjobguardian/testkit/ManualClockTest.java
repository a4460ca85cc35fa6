package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

class ManualClockTest {

    private static final Instant T = Instant.parse("2024-03-10T10:00:00Z");

    @Test
    void startsWhereToldInUtc() {
        assertThat(new ManualClock().instant()).isEqualTo(ManualClock.DEFAULT_START);
        ManualClock c = ManualClock.at(T);
        assertThat(c.instant()).isEqualTo(T);
        assertThat(c.millis()).isEqualTo(T.toEpochMilli());
        assertThat(c.getZone()).isEqualTo(ZoneOffset.UTC);
        assertThat(ManualClock.at("2024-03-10T10:00:00Z").instant()).isEqualTo(T);
    }

    @Test
    void setAndAdvanceMoveTheTime() {
        ManualClock c = ManualClock.at(T);

        assertThat(c.advance(Duration.ofMinutes(5))).isEqualTo(T.plusSeconds(300));
        assertThat(c.instant()).isEqualTo(T.plusSeconds(300));
        c.advanceMillis(1);
        assertThat(c.instant()).isEqualTo(T.plusSeconds(300).plusMillis(1));
        c.set(T.minusSeconds(60));
        assertThat(c.instant()).as("set may go back").isEqualTo(T.minusSeconds(60));
        assertThat(c.instant()).as("time does not move by itself").isEqualTo(c.instant());
    }

    @Test
    void advanceRejectsNegativeAmounts() {
        ManualClock c = ManualClock.at(T);
        assertThatThrownBy(() -> c.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThat(c.instant()).isEqualTo(T);
    }

    @Test
    void withZoneSharesTheTime() {
        ManualClock utc = ManualClock.at(T);
        ManualClock kolkata = utc.withZone(ZoneId.of("Asia/Kolkata"));

        assertThat(kolkata.getZone()).isEqualTo(ZoneId.of("Asia/Kolkata"));
        assertThat(ZonedDateTime.now(kolkata).getHour()).isEqualTo(15);
        utc.advance(Duration.ofHours(1));
        assertThat(kolkata.instant()).isEqualTo(T.plusSeconds(3600));
        kolkata.set(T);
        assertThat(utc.instant()).isEqualTo(T);
        assertThat(utc.withZone(ZoneOffset.UTC)).isSameAs(utc);
    }

    @Test
    void listenersHearEveryChange() {
        ManualClock c = ManualClock.at(T);
        List<Instant> heard = new ArrayList<>();
        Consumer<Instant> l = heard::add;
        c.addListener(l);

        c.advance(Duration.ofSeconds(1));
        c.set(T.plusSeconds(10));
        assertThat(c.removeListener(l)).isTrue();
        c.advance(Duration.ofSeconds(1));

        assertThat(heard).containsExactly(T.plusSeconds(1), T.plusSeconds(10));
        assertThat(c.removeListener(l)).isFalse();
    }

    @Test
    void concurrentAdvancesAreNotLost() throws Exception {
        ManualClock c = ManualClock.at(T);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(8);
        for (int t = 0; t < 8; t++) {
            new Thread(() -> {
                try {
                    for (int i = 0; i < 1000; i++) {
                        c.advance(Duration.ofMillis(1));
                    }
                } catch (Throwable e) {
                    errors.add(e);
                } finally {
                    done.countDown();
                }
            }).start();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(errors).isEmpty();
        assertThat(c.instant()).isEqualTo(T.plusMillis(8000));
    }
}
