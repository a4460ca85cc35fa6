package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.testkit.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.engine.ChannelStatus;
import io.cronjobguardian.engine.EngineHarnessAccess;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualElection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * {@code channels.<name>.testOnSave} and {@code channels.<name>.description} (they validated and did nothing). The
 * operator sends a Test alert when an AlertChannel is saved, but on every reconcile (audit weak spot 20); here the
 * leader sends one per configuration (a fingerprint of the channel's settings), remembered in the history store, so
 * restarts, failovers and standbys send nothing more. Real webhook channels to a loopback receiver.
 */
class ChannelTestOnSaveTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static Consumer<GuardianConfig.Builder> channel(HttpReceiver rx, String path) {
        return c -> c.set("channels.ops.type", "webhook").set("channels.ops.url", rx.url(path))
                .set("channels.ops.testOnSave", "true").set("channels.ops.description", "Team ops webhook")
                .set("channels.quiet.type", "webhook").set("channels.quiet.url", rx.url("/quiet"));
    }

    private static List<String> received(HttpReceiver rx) {
        return rx.drain().stream().map(r -> r.path + " " + r.json().path("kind").asText()).toList();
    }

    private static ChannelStatus status(EngineHarnessAccess h, String name) {
        return h.guardian().channelStatuses().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void oneTestPerConfigurationNotOnEveryStartAndAgainWhenTheConfigurationChanges() {
        InMemoryHistoryStore db = new InMemoryHistoryStore();
        try (HttpReceiver rx = HttpReceiver.start().byDefault(HttpReceiver.Reply.status(200, "ok"))) {
            try (EngineHarnessAccess h = new EngineHarnessAccess(T0, db.createPeer(), List.of(), channel(rx, "/a"),
                    gb -> gb.synchronousAlertDelivery(true))) {
                h.run();
                assertThat(received(rx)).containsExactly("/a test");   // "quiet" has no testOnSave
                ChannelStatus ops = status(h, "ops");
                assertThat(ops.lastTest()).isNotNull();
                assertThat(ops.lastTest().status()).isEqualTo(ChannelStatus.TestStatus.OK);
                assertThat(ops.lastTest().at()).isEqualTo(h.now());
                assertThat(ops.lastTest().error()).isNull();
                assertThat(ops.stats().sent()).isEqualTo(1);
                assertThat(status(h, "quiet").lastTest()).isNull();
                h.advance(Duration.ofHours(2));
                assertThat(rx.drain()).isEmpty();
            }
            // a restart with the same configuration: the store remembers the test
            try (EngineHarnessAccess h = new EngineHarnessAccess(T0.plusSeconds(3600), db.createPeer(), List.of(),
                    channel(rx, "/a"), gb -> gb.synchronousAlertDelivery(true))) {
                h.advance(Duration.ofMinutes(10));
                assertThat(rx.drain()).isEmpty();
                assertThat(status(h, "ops").lastTest().status()).isEqualTo(ChannelStatus.TestStatus.OK);
            }
            // the configuration changed (another URL): one test of the new configuration
            try (EngineHarnessAccess h = new EngineHarnessAccess(T0.plusSeconds(7200), db.createPeer(), List.of(),
                    channel(rx, "/b"), gb -> gb.synchronousAlertDelivery(true))) {
                h.advance(Duration.ofMinutes(10));
                assertThat(received(rx)).containsExactly("/b test");
            }
            // only the description changed: not a new configuration of the destination
            try (EngineHarnessAccess h = new EngineHarnessAccess(T0.plusSeconds(9000), db.createPeer(), List.of(),
                    channel(rx, "/b").andThen(c -> c.set("channels.ops.description", "renamed")),
                    gb -> gb.synchronousAlertDelivery(true))) {
                h.advance(Duration.ofMinutes(10));
                assertThat(rx.drain()).isEmpty();
                assertThat(status(h, "ops").description()).isEqualTo("renamed");
            }
        }
    }

    @Test
    void aFailedTestIsShownWithItsErrorAndNotRepeated() {
        try (HttpReceiver rx = HttpReceiver.start().byDefault(HttpReceiver.Reply.status(503, "down"));
                EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(), channel(rx, "/a"),
                        gb -> gb.synchronousAlertDelivery(true))) {
            h.run();
            assertThat(received(rx)).containsExactly("/a test");
            ChannelStatus ops = status(h, "ops");
            assertThat(ops.lastTest().status()).isEqualTo(ChannelStatus.TestStatus.FAILED);
            assertThat(ops.lastTest().at()).isEqualTo(h.now());
            assertThat(ops.lastTest().error()).contains("503");
            assertThat(ops.stats().failed()).isEqualTo(1);
            h.advance(Duration.ofHours(1));
            assertThat(rx.drain()).isEmpty();   // a test reports how the channel is now; it is not retried
        }
    }

    @Test
    void onlyTheLeaderSendsAndAFailoverDoesNotSendAgain() {
        InMemoryHistoryStore db = new InMemoryHistoryStore();
        ManualElection election = ManualElection.manual();
        try (HttpReceiver rx = HttpReceiver.start().byDefault(HttpReceiver.Reply.status(200, "ok"));
                EngineHarnessAccess a = new EngineHarnessAccess(T0, db.createPeer(), List.of(), channel(rx, "/a"),
                        gb -> gb.synchronousAlertDelivery(true).leaderElector(election.candidate("a")));
                EngineHarnessAccess b = new EngineHarnessAccess(T0, db.createPeer(), List.of(), channel(rx, "/a"),
                        gb -> gb.synchronousAlertDelivery(true).leaderElector(election.candidate("b")))) {
            a.advance(Duration.ofMinutes(1));
            b.advance(Duration.ofMinutes(1));
            assertThat(rx.drain()).isEmpty();   // nobody leads yet: standbys send nothing

            election.elect("a");
            a.run();
            b.run();
            assertThat(received(rx)).containsExactly("/a test");
            // a standby shows the leader's result: it is read from the store
            assertThat(status(b, "ops").lastTest().status()).isEqualTo(ChannelStatus.TestStatus.OK);

            election.elect("b");
            a.run();
            b.run();
            b.advance(Duration.ofMinutes(5));
            assertThat(rx.drain()).isEmpty();
        }
    }

    @Test
    void anInvalidTestOnSaveIsRejectedWithItsKey() {
        try (HttpReceiver rx = HttpReceiver.start()) {
            assertThatThrownBy(() -> new EngineHarnessAccess(T0, List.of(), channel(rx, "/a")
                    .andThen(c -> c.set("channels.ops.testOnSave", "sometimes")), gb -> { }).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("channels.ops.testOnSave").hasMessageContaining("sometimes");
        }
    }

    @Test
    void theDescriptionShowsInTheChannelListingAndTheStartupLog() {
        try (HttpReceiver rx = HttpReceiver.start().byDefault(HttpReceiver.Reply.status(200, "ok"));
                LogCapture log = LogCapture.start();
                EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(), channel(rx, "/a")
                        .andThen(c -> c.set("channels.ops.testOnSave", "false")), gb -> { })) {
            ChannelStatus ops = status(h, "ops");
            assertThat(ops.description()).isEqualTo("Team ops webhook");
            assertThat(ops.type()).isEqualTo("webhook");
            assertThat(ops.testOnSave()).isFalse();
            assertThat(status(h, "quiet").description()).isNull();
            assertThat(log.text()).contains("ops (webhook, \"Team ops webhook\")").contains("quiet (webhook)");
        }
    }
}
