package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.DeliveryResult.Outcome;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How each HTTP channel classifies what the receiver does: 2xx delivered; 429 retry with Retry-After; 408, 5xx,
 * hang, dropped connection and refused connection retry; other 4xx and 3xx failed with a short excerpt.
 */
class HttpFaultsTest {

    private final HttpReceiver receiver = HttpReceiver.start();

    @AfterEach
    void stop() {
        receiver.close();
    }

    private DeliveryResult sendOnce(String type, HttpReceiver.Reply reply, String... settings) {
        receiver.then(reply);
        try (BuiltInAlertChannel ch = Channels.http(type, receiver, settings)) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            receiver.take();
            return r;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slack", "pagerduty", "webhook"})
    void statusesAreClassified(String type) {
        String base = "HTTP %d from http://127.0.0.1:" + receiver.uri("/").getPort() + "/…";
        DeliveryResult ok = sendOnce(type, HttpReceiver.Reply.status(204, ""));
        assertThat(ok.outcome()).isEqualTo(Outcome.DELIVERED);
        assertThat(ok.detail()).isEqualTo(String.format(base, 204));

        DeliveryResult e500 = sendOnce(type, HttpReceiver.Reply.status(500, "boom"));
        assertThat(e500.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(e500.retryAfter()).isNull();
        assertThat(e500.detail()).isEqualTo(String.format(base, 500) + ": boom");

        DeliveryResult e503 = sendOnce(type, HttpReceiver.Reply.status(503, "", "Retry-After", "7"));
        assertThat(e503.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(e503.retryAfter()).isEqualTo(Duration.ofSeconds(7));

        DeliveryResult e429 = sendOnce(type, HttpReceiver.Reply.status(429, "slow down", "Retry-After", "30"));
        assertThat(e429.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(e429.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(e429.detail()).isEqualTo(String.format(base, 429) + " (rate limited): slow down; retry after 30s");

        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Alerts.CLOCK.instant().plusSeconds(120)
                .atOffset(ZoneOffset.UTC));
        DeliveryResult dated = sendOnce(type, HttpReceiver.Reply.status(429, "", "Retry-After", date));
        assertThat(dated.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(dated.retryAfter()).isEqualTo(Duration.ofSeconds(120));

        DeliveryResult noHint = sendOnce(type, HttpReceiver.Reply.status(429, ""));
        assertThat(noHint.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(noHint.retryAfter()).isNull();

        DeliveryResult e408 = sendOnce(type, HttpReceiver.Reply.status(408, ""));
        assertThat(e408.outcome()).isEqualTo(Outcome.RETRY);

        DeliveryResult e400 = sendOnce(type, HttpReceiver.Reply.status(400, "invalid_payload\nsecond line"));
        assertThat(e400.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e400.detail()).isEqualTo(String.format(base, 400) + ": invalid_payload second line");

        DeliveryResult e404 = sendOnce(type, HttpReceiver.Reply.status(404, "no_service"));
        assertThat(e404.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e404.detail()).endsWith(": no_service");

        DeliveryResult e301 = sendOnce(type, HttpReceiver.Reply.status(301, "", "Location", "http://elsewhere/"));
        assertThat(e301.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(e301.detail()).contains("redirects are not followed");
        assertThat(receiver.pending()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"slack", "pagerduty", "webhook"})
    @Timeout(20)
    void aHangingReceiverIsCutOffAtTheTimeout(String type) {
        receiver.then(HttpReceiver.Reply.hang());
        try (BuiltInAlertChannel ch = Channels.http(type, receiver, "timeout", "400ms")) {
            long start = System.nanoTime();
            DeliveryResult r = ch.send(Alerts.alert().build());
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.outcome()).isEqualTo(Outcome.RETRY);
            assertThat(r.detail()).isEqualTo("no response from http://127.0.0.1:" + receiver.uri("/").getPort()
                    + "/… within 400ms");
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(350)).isLessThan(Duration.ofSeconds(5));
            receiver.take();
            // the channel still works after a timeout
            DeliveryResult next = ch.send(Alerts.alert().build());
            assertThat(next.outcome()).as(next.detail()).isEqualTo(Outcome.DELIVERED);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"slack", "pagerduty", "webhook"})
    void aDroppedConnectionIsRetried(String type) {
        DeliveryResult r = sendOnce(type, HttpReceiver.Reply.drop());
        assertThat(r.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(r.detail()).startsWith("I/O error talking to http://127.0.0.1:");
    }

    @Test
    void aRefusedConnectionIsRetried() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (BuiltInAlertChannel ch = (BuiltInAlertChannel) Channels.create("webhook", "hook", Alerts.context(),
                "url", "http://127.0.0.1:" + port + "/x/" + Channels.TOKEN, "timeout", "2s")) {
            DeliveryResult r = ch.send(Alerts.alert().build());
            assertThat(r.outcome()).isEqualTo(Outcome.RETRY);
            assertThat(r.detail()).isEqualTo("could not connect to http://127.0.0.1:" + port + "/… (connection "
                    + "refused)");
        }
    }

    @Test
    void aHugeErrorBodyIsCutToAShortExcerpt() {
        DeliveryResult r = sendOnce("webhook", HttpReceiver.Reply.status(422, "x".repeat(200_000)));
        assertThat(r.outcome()).isEqualTo(Outcome.FAILED);
        assertThat(r.detail().length()).isLessThan(400);
        assertThat(r.detail()).endsWith("x…");
    }

    @Test
    void aClosedChannelSendsNothing() {
        BuiltInAlertChannel ch = Channels.webhook(receiver);
        ch.close();
        ch.close();
        DeliveryResult r = ch.send(Alerts.alert().build());
        assertThat(r.outcome()).isEqualTo(Outcome.RETRY);
        assertThat(r.detail()).isEqualTo("webhook channel hook is closed");
        assertThat(ch.isClosed()).isTrue();
        assertThat(ch.toString()).endsWith(", closed]");
        assertThat(receiver.pending()).isZero();
    }

    @Test
    @Timeout(20)
    void closeStopsTheClientsThreads() throws InterruptedException {
        BuiltInAlertChannel ch = (BuiltInAlertChannel) Channels.create("webhook", "thread-check", Alerts.context(),
                "url", receiver.url("/x"));
        assertThat(threads("-thread-check-")).as("creating starts no thread").isZero();
        assertThat(ch.send(Alerts.alert().build()).isDelivered()).isTrue();
        receiver.take();
        assertThat(threads("-thread-check-")).as("the client's threads after a send").isPositive();
        ch.close();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (threads("-thread-check-") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(threads("-thread-check-")).as("threads left after close").isZero();
    }

    private static long threads(String marker) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.isAlive() && t.getName().contains(marker))
                .count();
    }

    @Test
    void retryAfterAcceptsSecondsAndHttpDates() {
        Instant now = Instant.parse("2026-10-21T07:28:00Z");
        assertThat(HttpTransport.retryAfter("120", now)).isEqualTo(Duration.ofSeconds(120));
        assertThat(HttpTransport.retryAfter(" 0 ", now)).isEqualTo(Duration.ZERO);
        assertThat(HttpTransport.retryAfter("Wed, 21 Oct 2026 07:28:45 GMT", now)).isEqualTo(Duration.ofSeconds(45));
        assertThat(HttpTransport.retryAfter("Wed, 21 Oct 2026 07:00:00 GMT", now)).isEqualTo(Duration.ZERO);
        assertThat(HttpTransport.retryAfter("999999999", now)).isEqualTo(Duration.ofHours(24));
        assertThat(HttpTransport.retryAfter("soon", now)).isNull();
        assertThat(HttpTransport.retryAfter("-5", now)).isNull();
        HttpTransport t = new HttpTransport("x", Duration.ofSeconds(1), Alerts.CLOCK);
        HttpHeaders h = HttpHeaders.of(Map.of("Retry-After", List.of("3")), (a, b) -> true);
        assertThat(t.classify(503, h, new byte[0], "d").retryAfter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.classify(500, h, new byte[0], "d").retryAfter()).isNull();
    }
}
