package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs that overlap, as Kubernetes makes them with {@code concurrencyPolicy: Allow} (the default): a run that
 * retries can finish after a newer run. JobFailed follows the run that finished last, not the one started last.
 */
class OverlappingRunsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

    private static CronJobSnapshot everyFiveMinutes(EngineHarness h) {
        return h.addCronJob(TestObjects.cronJob("team-a", "etl").schedule("*/5 * * * *"));
    }

    /** A Job of the CronJob for {@code slot} starts (running) and the engine sees it. */
    private static void started(EngineHarness h, CronJobSnapshot cj, String name, String uid, Instant slot) {
        h.watcher.addJob(TestObjects.job(cj).name(name).uid(uid).scheduled(slot).running(slot).build());
        h.run();
    }

    @Test
    void anOlderRunThatFailsAfterANewerRunSucceededOpensJobFailed() {
        try (EngineHarness h = new EngineHarness(T0, List.of(MonitorSpec.of("team-a", "plain"))).start()) {
            CronJobSnapshot cj = everyFiveMinutes(h);
            started(h, cj, "etl-1000", "u1000", T0);
            Instant slot2 = T0.plus(Duration.ofMinutes(5));
            h.advanceTo(slot2);
            started(h, cj, "etl-1005", "u1005", slot2);
            // 10:06: the newer run succeeds while the older one still retries
            h.advanceTo(T0.plus(Duration.ofMinutes(6)));
            h.watcher.finishJob("u1005", true, 1, h.now());
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            // 10:07: the older run gives up; it finished last, so the CronJob's latest outcome is a failure
            Instant failedAt = T0.plus(Duration.ofMinutes(7));
            h.advanceTo(failedAt);
            h.watcher.finishJob("u1000", false, 3, failedAt);
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(failedAt);
                assertThat(i.message()).contains("etl-1000").contains("Attempts: 3");
            });
            // the next run that finishes, successfully, resolves it
            Instant slot3 = T0.plus(Duration.ofMinutes(10));
            h.advanceTo(slot3.plusSeconds(30));
            h.finishedRun(cj, slot3, Duration.ofSeconds(20), true);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            assertThat(h.allIncidents()).filteredOn(i -> i.key().type() == AlertType.JOB_FAILED).singleElement()
                    .satisfies(i -> assertThat(i.resolvedAt()).isEqualTo(slot3.plusSeconds(30)));
        }
    }

    @Test
    void aNewerRunThatFailsBeforeAnOlderRunSucceedsIsResolvedByTheOlderRun() {
        try (EngineHarness h = new EngineHarness(T0, List.of(MonitorSpec.of("team-a", "plain"))).start()) {
            CronJobSnapshot cj = everyFiveMinutes(h);
            started(h, cj, "etl-1000", "u1000", T0);
            Instant slot2 = T0.plus(Duration.ofMinutes(5));
            h.advanceTo(slot2);
            started(h, cj, "etl-1005", "u1005", slot2);
            // 10:06: the newer run fails: it is the last to finish, JobFailed opens
            Instant failedAt = T0.plus(Duration.ofMinutes(6));
            h.advanceTo(failedAt);
            h.watcher.finishJob("u1005", false, 1, failedAt);
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement()
                    .satisfies(i -> assertThat(i.openedAt()).isEqualTo(failedAt));
            // 10:07: the older run succeeds after the failure: the latest outcome is a success, JobFailed resolves
            Instant succeededAt = T0.plus(Duration.ofMinutes(7));
            h.advanceTo(succeededAt);
            h.watcher.finishJob("u1000", true, 1, succeededAt);
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            assertThat(h.allIncidents()).filteredOn(i -> i.key().type() == AlertType.JOB_FAILED).singleElement()
                    .satisfies(i -> assertThat(i.resolvedAt()).isEqualTo(succeededAt));
        }
    }

    @Test
    void consecutiveFailuresAreCountedInFinishOrder() {
        MonitorSpec m = MonitorSpec.builder("team-a", "sla")
                .sla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7).withMaxConsecutiveFailures(2)).build();
        try (EngineHarness h = new EngineHarness(T0, List.of(m)).start()) {
            CronJobSnapshot cj = everyFiveMinutes(h);
            // the 10:00 run retries until 10:12; the 10:05 run succeeds at 10:06; the 10:10 run fails at 10:11
            started(h, cj, "etl-1000", "u1000", T0);
            Instant slot2 = T0.plus(Duration.ofMinutes(5));
            h.advanceTo(slot2);
            started(h, cj, "etl-1005", "u1005", slot2);
            h.advanceTo(T0.plus(Duration.ofMinutes(6)));
            h.watcher.finishJob("u1005", true, 1, h.now());
            h.run();
            Instant slot3 = T0.plus(Duration.ofMinutes(10));
            h.advanceTo(slot3);
            started(h, cj, "etl-1010", "u1010", slot3);
            h.advanceTo(T0.plus(Duration.ofMinutes(11)));
            h.watcher.finishJob("u1010", false, 1, h.now());
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();   // success 10:06, failure 10:11: one
            Instant secondFailure = T0.plus(Duration.ofMinutes(12));
            h.advanceTo(secondFailure);
            h.watcher.finishJob("u1000", false, 4, secondFailure);
            h.run();
            // by finish time: success 10:06, failure 10:11, failure 10:12: two in a row (by start time it is one)
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(secondFailure);
                assertThat(i.message()).contains("etl-1000").contains("2 runs in a row failed");
            });
        }
    }

    @Test
    void aRunThatStartedBeforeManyNewerRunsAndFailedLastIsFound() {
        try (EngineHarness h = new EngineHarness(T0, List.of(MonitorSpec.of("team-a", "plain"))).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "fast").schedule("* * * * *"));
            started(h, cj, "fast-hung", "hung", T0);
            // 40 newer runs start and succeed while the first one hangs: more than one page ahead of it by start
            for (int i = 1; i <= 40; i++) {
                Instant slot = T0.plus(Duration.ofMinutes(i));
                h.advanceTo(slot.plusSeconds(10));
                h.finishedRun(cj, slot, Duration.ofSeconds(5), true);
            }
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            Instant failedAt = h.now().plusSeconds(5);
            h.advanceTo(failedAt);
            h.watcher.finishJob("hung", false, 1, failedAt);
            h.run();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement().satisfies(i -> {
                assertThat(i.openedAt()).isEqualTo(failedAt);
                assertThat(i.message()).contains("fast-hung");
            });
        }
    }
}
