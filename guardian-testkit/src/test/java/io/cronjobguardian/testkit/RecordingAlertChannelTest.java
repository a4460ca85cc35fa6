package io.cronjobguardian.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.DeliveryResult.Outcome;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RecordingAlertChannelTest {

    private static final Instant T = Instant.parse("2024-03-10T10:00:00Z");

    private static AlertMessage message(int n) {
        return new AlertMessage(n, NotificationKind.OPENED, "inc-" + n,
                IncidentKey.of("m", CronJobRef.of("ns", "job"), AlertType.JOB_FAILED), Severity.CRITICAL,
                "title " + n, "msg", null, T, null, T);
    }

    @Test
    void recordsAndDeliversByDefault() {
        RecordingAlertChannel ch = RecordingAlertChannel.named("ops");

        DeliveryResult r = ch.send(message(1));

        assertThat(r.isDelivered()).isTrue();
        assertThat(ch.name()).isEqualTo("ops");
        assertThat(ch.type()).isEqualTo("recording");
        assertThat(ch.messages()).containsExactly(message(1));
        assertThat(ch.delivered()).containsExactly(message(1));
    }

    @Test
    void scriptedOutcomesComeFirstThenTheDefault() {
        RecordingAlertChannel ch = new RecordingAlertChannel("slack", "slack")
                .failNext(2, Outcome.RETRY).retryNext(1, Duration.ofSeconds(30)).failNext(1, Outcome.FAILED);

        List<DeliveryResult> results = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            results.add(ch.send(message(i)));
        }

        assertThat(results).extracting(DeliveryResult::outcome).containsExactly(Outcome.RETRY, Outcome.RETRY,
                Outcome.RETRY, Outcome.FAILED, Outcome.DELIVERED);
        assertThat(results.get(2).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(results.get(0).retryAfter()).isNull();
        assertThat(ch.messages()).hasSize(5);
        assertThat(ch.delivered()).containsExactly(message(4));
        assertThat(ch.type()).isEqualTo("slack");
    }

    @Test
    void answerNextThrowNextAndDefault() {
        RecordingAlertChannel ch = RecordingAlertChannel.named("x")
                .answerNext(DeliveryResult.failed("HTTP 404"))
                .throwNext(new IllegalStateException("socket closed"))
                .answerByDefault(DeliveryResult.retry("down"));

        assertThat(ch.send(message(1)).detail()).isEqualTo("HTTP 404");
        assertThatThrownBy(() -> ch.send(message(2))).isInstanceOf(IllegalStateException.class)
                .hasMessage("socket closed");
        assertThat(ch.send(message(3)).outcome()).isEqualTo(Outcome.RETRY);
        assertThat(ch.messages()).hasSize(3);
        assertThat(ch.delivered()).isEmpty();
    }

    @Test
    void blockedSendsHangUntilReleased() throws Exception {
        RecordingAlertChannel ch = RecordingAlertChannel.named("hung").block();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<DeliveryResult> a = pool.submit(() -> ch.send(message(1)));
            Future<DeliveryResult> b = pool.submit(() -> ch.send(message(2)));

            ch.awaitBlocked(2, Duration.ofSeconds(10));
            assertThat(ch.messages()).hasSize(2);
            assertThat(a.isDone()).isFalse();
            assertThat(ch.delivered()).isEmpty();

            ch.release();
            assertThat(a.get(10, TimeUnit.SECONDS).isDelivered()).isTrue();
            assertThat(b.get(10, TimeUnit.SECONDS).isDelivered()).isTrue();
            assertThat(ch.blockedCount()).isZero();
            assertThat(ch.send(message(3)).isDelivered()).as("no longer blocking").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void interruptedBlockedSendAnswersRetry() throws Exception {
        RecordingAlertChannel ch = RecordingAlertChannel.named("hung").block();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<DeliveryResult> f = pool.submit(() -> ch.send(message(1)));
            ch.awaitBlocked(1, Duration.ofSeconds(10));
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(f.get().outcome()).isEqualTo(Outcome.RETRY);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void awaitMessagesWaitsForOtherThreadsAndTimesOut() throws Exception {
        RecordingAlertChannel ch = RecordingAlertChannel.named("x");
        Thread sender = new Thread(() -> {
            for (int i = 0; i < 3; i++) {
                ch.send(message(i));
            }
        });
        sender.start();

        assertThat(ch.awaitMessages(3, Duration.ofSeconds(10))).hasSize(3);
        assertThat(ch.awaitDelivered(3, Duration.ofSeconds(10))).hasSize(3);
        sender.join();
        assertThatThrownBy(() -> ch.awaitMessages(4, Duration.ofMillis(50))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("4 messages");
    }

    @Test
    void concurrentSendsAreAllRecorded() throws Exception {
        RecordingAlertChannel ch = RecordingAlertChannel.named("x").failNext(100, Outcome.RETRY);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int base = t * 100;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < 100; i++) {
                        ch.send(message(base + i));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ch.messages()).hasSize(800).doesNotHaveDuplicates();
        assertThat(ch.delivered()).hasSize(700);
    }

    @Test
    void closeIsCountedAndReleasesBlockedSenders() throws Exception {
        RecordingAlertChannel ch = RecordingAlertChannel.named("x").block();
        Thread t = new Thread(() -> ch.send(message(1)));
        t.start();
        ch.awaitBlocked(1, Duration.ofSeconds(10));

        ch.close();
        ch.close();
        t.join(10_000);

        assertThat(t.isAlive()).isFalse();
        assertThat(ch.closeCount()).isEqualTo(2);
        ch.clear();
        assertThat(ch.messages()).isEmpty();
    }
}
