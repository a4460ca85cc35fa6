package io.cronjobguardian.examples.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The accelerated clock, and the simulator's background thread following it. */
class AcceleratedSimulationTest {

    @Test
    void theClockRunsFactorTimesFasterThanNanoTime() {
        AcceleratedClock clock = AcceleratedClock.startingAt(Instant.parse("2030-01-01T00:00:00Z"), 600);
        long n0 = System.nanoTime();
        Instant c0 = clock.instant();
        // spin until 20 ms of real time have passed
        while (System.nanoTime() - n0 < 20_000_000L) {
            Thread.onSpinWait();
        }
        Instant c1 = clock.instant();
        long n1 = System.nanoTime();
        long simulatedMs = Duration.between(c0, c1).toMillis();
        long realUpperMs = (n1 - n0) / 1_000_000 + 1;
        assertThat(simulatedMs).isBetween(20L * 600 - 600, realUpperMs * 600 + 600);
        assertThat(c0).isAfterOrEqualTo(Instant.parse("2030-01-01T00:00:00Z"));
        assertThat(clock.withZone(ZoneId.of("Europe/Paris")).instant()).isAfterOrEqualTo(c1);
        assertThat(clock.withZone(ZoneId.of("Europe/Paris")).getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    }

    @Test
    void aPausedClockReadsItsOriginUntilStarted() {
        Instant origin = Instant.parse("2030-01-01T00:00:00Z");
        AcceleratedClock clock = AcceleratedClock.paused(origin, 1000);
        AcceleratedClock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        long n0 = System.nanoTime();
        while (System.nanoTime() - n0 < 5_000_000L) {
            Thread.onSpinWait();
        }
        assertThat(clock.isRunning()).isFalse();
        assertThat(clock.instant()).isEqualTo(origin);
        assertThat(paris.instant()).isEqualTo(origin);
        clock.start();
        while (System.nanoTime() - n0 < 10_000_000L) {
            Thread.onSpinWait();
        }
        assertThat(paris.isRunning()).isTrue();
        assertThat(paris.instant()).isAfter(origin);
        assertThat(clock.elapsed()).isLessThan(Duration.ofSeconds(10 * 1000));
        Instant before = clock.instant();
        clock.start();   // no effect on a running clock
        assertThat(clock.instant()).isAfterOrEqualTo(before);
    }

    @Test
    void realAndSimulatedDurationsConvert() {
        AcceleratedClock clock = AcceleratedClock.startingNow(60);
        assertThat(clock.toReal(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(clock.toSimulated(Duration.ofSeconds(2))).isEqualTo(Duration.ofMinutes(2));
        assertThat(clock.toReal(Duration.ofSeconds(-5))).isZero();
        assertThat(clock.realTimeUntil(clock.instant().minusSeconds(5))).isZero();
        assertThatThrownBy(() -> AcceleratedClock.startingNow(0.5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AcceleratedClock.startingNow(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theBackgroundThreadRunsTheScheduleOnTheAcceleratedClock() {
        // one simulated hour per real second
        AcceleratedClock clock = AcceleratedClock.startingNow(3600);
        try (MockApiServer api = MockApiServer.start(clock);
                ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                        SimulatedCronJob.of("ns", "fast", "*/5 * * * *", Behaviour.healthy(Duration.ofSeconds(30)))
                                .withHistoryLimits(50, 50))
                        .build().start()) {
            KubernetesClient k8s = api.newClient();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(sim.runs("ns", "fast")).filteredOn(SimulatedRun::finished).hasSizeGreaterThanOrEqualTo(6));
            List<SimulatedRun> runs = sim.runs("ns", "fast");
            for (int i = 1; i < runs.size(); i++) {
                assertThat(Duration.between(runs.get(i - 1).slot(), runs.get(i).slot())).isEqualTo(Duration.ofMinutes(5));
            }
            Job first = k8s.batch().v1().jobs().inNamespace("ns").withName(runs.get(0).jobName()).get();
            assertThat(first.getStatus().getCompletionTime()).isEqualTo(ClusterSimulator.ts(runs.get(0).finishedAt()));
            // every timestamp is simulated time: the first slot comes after the clock's origin, not before
            assertThat(runs.get(0).slot()).isAfter(clock.origin());
        }
    }
}
