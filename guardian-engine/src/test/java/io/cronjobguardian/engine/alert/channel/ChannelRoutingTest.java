package io.cronjobguardian.engine.alert.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.ConfigException;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.EngineHarnessAccess;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A channel's own {@code enabled} and {@code severities} settings decide what reaches it (they were accepted and
 * ignored: {@code channels.pagerduty.enabled=false} still paged). Real webhook channels to a loopback receiver.
 */
class ChannelRoutingTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private static MonitorSpec monitor() {
        return MonitorSpec.builder("team-a", "m")
                .alerting(new MonitorSpec.Alerting(true, List.of(MonitorSpec.ChannelRef.of("off"),
                        MonitorSpec.ChannelRef.of("warn"), MonitorSpec.ChannelRef.of("all")),
                        MonitorSpec.SeverityOverrides.none(), Duration.ofHours(1), Duration.ZERO,
                        MonitorSpec.IncludeContext.defaults(), List.of(), null))
                .sla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7).withMaxDuration(Duration.ofMinutes(5)))
                .build();
    }

    private static Consumer<io.cronjobguardian.engine.config.GuardianConfig.Builder> channels(HttpReceiver rx) {
        return c -> c.set("channels.off.type", "webhook").set("channels.off.url", rx.url("/off"))
                .set("channels.off.enabled", "false")
                .set("channels.warn.type", "webhook").set("channels.warn.url", rx.url("/warn"))
                .set("channels.warn.severities", "warning")
                .set("channels.all.type", "webhook").set("channels.all.url", rx.url("/all"));
    }

    private static List<String> paths(HttpReceiver rx) {
        return rx.drain().stream().map(r -> r.path + " " + r.json().path("kind").asText() + " "
                + r.json().path("type").asText()).toList();
    }

    @Test
    void aDisabledChannelGetsNothingAndAChannelsSeveritiesFilterWhatItGets() {
        try (HttpReceiver rx = HttpReceiver.start().byDefault(HttpReceiver.Reply.status(200, "ok"));
                EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(monitor()), channels(rx),
                        gb -> gb.synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(30));
            Instant start = T0.plusSeconds(60);
            h.watcher().addJob(TestObjects.job(cj).name("j1").uid("j1").scheduled(start)
                    .failed(start, start.plusSeconds(5)).termination(new Termination("main", 1, "Error", null, "boom"))
                    .build());
            h.run();
            // JobFailed is critical: "off" is disabled, "warn" takes warnings only
            assertThat(paths(rx)).containsExactly("/all opened JobFailed");

            Instant slow = T0.plusSeconds(600);
            h.watcher().addJob(TestObjects.job(cj).name("j2").uid("j2").manual()   // a second run in the 00:00 slot
                    .succeeded(slow, slow.plus(Duration.ofMinutes(10))).build());
            h.run();
            h.advance(Duration.ofMinutes(20));
            // SLABreached is a warning: "warn" gets it too; the resolution of JobFailed goes where its opening went
            assertThat(paths(rx)).containsExactlyInAnyOrder("/all resolved JobFailed", "/all opened SLABreached",
                    "/warn opened SLABreached");
        }
    }

    @Test
    void invalidEnabledOrSeveritiesAreRejectedWithTheirKey() {
        try (HttpReceiver rx = HttpReceiver.start()) {
            assertThatThrownBy(() -> new EngineHarnessAccess(T0, List.of(monitor()), channels(rx)
                    .andThen(c -> c.set("channels.warn.severities", "warning,urgent")), gb -> { }).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("channels.warn.severities").hasMessageContaining("urgent");
            assertThatThrownBy(() -> new EngineHarnessAccess(T0, List.of(monitor()), channels(rx)
                    .andThen(c -> c.set("channels.off.enabled", "nope")), gb -> { }).close())
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("channels.off.enabled");
        }
    }
}
