package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The query API ({@code status}, {@code statuses}, {@code monitorStatus}, {@code monitorStatuses}, {@code health})
 * with every state and field filled in (audit §1.10, weak spots 24 and 25).
 */
class StatusQueryTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Duration RUN = Duration.ofSeconds(30);

    /** Every CronJob of team-a; SLA over 3 days; missed slots after 5 minutes. */
    private static final MonitorSpec ALPHA = MonitorSpec.builder("team-a", "alpha")
            .sla(MonitorSpec.Sla.defaults().withSuccessRate(95, 3))
            .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                    new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1)))
            .build();
    /** CronJobs labelled tier=gold; no SLA (so a 7-day window); JobFailed only a warning. */
    private static final MonitorSpec BETA = MonitorSpec.builder("team-a", "beta")
            .matchLabels(Map.of("tier", "gold"))
            .alerting(new MonitorSpec.Alerting(true, List.of(), new MonitorSpec.SeverityOverrides(Severity.WARNING,
                    null, null, null, null, null), null, null, null, null, null))
            .build();

    private static JobSnapshot run(EngineHarness h, CronJobSnapshot cj, String uid, Instant slot, boolean ok) {
        TestObjects.JobBuilder b = TestObjects.job(cj).name(cj.ref().name() + "-" + uid).uid(uid).scheduled(slot);
        JobSnapshot j = (ok ? b.succeeded(slot, RUN) : b.failed(slot, RUN).exitCode(1, "Error")).build();
        h.watcher.addJob(j);
        h.run();
        return j;
    }

    private static CronJobStatus status(EngineHarness h, String name) {
        return h.guardian.status(new CronJobRef("team-a", name)).orElseThrow();
    }

    private static CronJobStatus in(MonitorStatus ms, String name) {
        return ms.cronJobs().stream().filter(s -> s.ref().name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void everyStateAndFieldOfCronJobAndMonitorStatuses() {
        try (EngineHarness h = new EngineHarness(T0, List.of(ALPHA, BETA)).start()) {
            CronJobSnapshot ok = h.addCronJob(TestObjects.cronJob("team-a", "ok").schedule("0 * * * *")
                    .creationTime(T0));
            CronJobSnapshot broken = h.addCronJob(TestObjects.cronJob("team-a", "broken").schedule("0 * * * *")
                    .label("tier", "gold").creationTime(T0));
            CronJobSnapshot flaky = h.addCronJob(TestObjects.cronJob("team-a", "flaky").schedule("0 * * * *")
                    .creationTime(T0));
            h.addCronJob(TestObjects.cronJob("team-a", "paused").schedule("0 * * * *").suspended(true)
                    .creationTime(T0));
            h.addCronJob(TestObjects.cronJob("team-a", "fresh").schedule("0 * * * *").creationTime(T0));
            CronJobSnapshot busy = h.addCronJob(TestObjects.cronJob("team-a", "busy").schedule("0 * * * *")
                    .creationTime(T0));
            h.addCronJob(TestObjects.cronJob("team-a", "ny").schedule("30 2 * * *").timeZone("America/New_York")
                    .creationTime(T0));
            h.addCronJob(TestObjects.cronJob("team-a", "berlin").schedule("CRON_TZ=Europe/Berlin 0 6 * * *")
                    .creationTime(T0));
            h.addCronJob(TestObjects.cronJob("team-b", "elsewhere").schedule("0 * * * *").creationTime(T0));

            h.advanceTo(T0.plus(Duration.ofMinutes(1)));
            run(h, ok, "ok-1", T0, true);
            run(h, broken, "broken-old", T0.minus(Duration.ofDays(5)), true);   // in beta's 7 days, not alpha's 3
            run(h, broken, "broken-ok", T0.minus(Duration.ofHours(1)), true);
            run(h, broken, "broken-1", T0, false);
            run(h, flaky, "flaky-1", T0.minus(Duration.ofHours(3)), false);
            run(h, flaky, "flaky-2", T0.minus(Duration.ofHours(2)), false);
            run(h, flaky, "flaky-3", T0, true);
            h.runningJob(busy, T0, T0);
            h.advanceTo(T0.plus(Duration.ofMinutes(30)));
            Instant now = h.now();

            // ---- per CronJob, over every monitor
            CronJobStatus okS = status(h, "ok");
            assertThat(okS.state()).isEqualTo(HealthState.HEALTHY);
            assertThat(okS.uid()).isEqualTo(ok.uid());
            assertThat(okS.monitors()).containsExactly("team-a/alpha");
            assertThat(okS.lastRunAt()).isEqualTo(T0.plus(RUN));
            assertThat(okS.lastRunState()).isEqualTo(JobState.SUCCEEDED);
            assertThat(okS.lastSuccessAt()).isEqualTo(T0.plus(RUN));
            assertThat(okS.lastFailureAt()).isNull();
            assertThat(okS.nextScheduledAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
            assertThat(okS.timeZone()).isEqualTo("UTC");
            assertThat(okS.activeJobs()).isEmpty();
            assertThat(okS.openIncidents()).isEmpty();
            assertThat(okS.problem()).isNull();
            assertThat(okS.stats().total()).isEqualTo(1);
            assertThat(okS.stats().from()).isEqualTo(now.minus(Duration.ofDays(3)));
            assertThat(okS.stats().to()).isEqualTo(now);

            CronJobStatus brokenS = status(h, "broken");
            assertThat(brokenS.state()).isEqualTo(HealthState.CRITICAL);
            assertThat(brokenS.monitors()).containsExactly("team-a/alpha", "team-a/beta");
            assertThat(brokenS.lastRunAt()).isEqualTo(T0.plus(RUN));
            assertThat(brokenS.lastRunState()).isEqualTo(JobState.FAILED);
            assertThat(brokenS.lastFailureAt()).isEqualTo(T0.plus(RUN));
            assertThat(brokenS.lastSuccessAt()).isEqualTo(T0.minus(Duration.ofHours(1)).plus(RUN));
            assertThat(brokenS.openIncidents()).extracting(i -> i.key().monitor() + " " + i.severity())
                    .containsExactlyInAnyOrder("team-a/alpha CRITICAL", "team-a/beta WARNING");
            assertThat(brokenS.stats().total()).as("alpha's SLA window (3 days) applies").isEqualTo(2);

            CronJobStatus flakyS = status(h, "flaky");
            assertThat(flakyS.state()).isEqualTo(HealthState.WARNING);
            assertThat(flakyS.lastRunState()).isEqualTo(JobState.SUCCEEDED);
            assertThat(flakyS.lastFailureAt()).isEqualTo(T0.minus(Duration.ofHours(2)).plus(RUN));
            assertThat(flakyS.openIncidents()).singleElement().satisfies(i -> {
                assertThat(i.key().type()).isEqualTo(AlertType.SLA_BREACHED);
                assertThat(i.severity()).isEqualTo(Severity.WARNING);
            });
            assertThat(flakyS.stats().successRate()).hasValueCloseTo(100.0 / 3, org.assertj.core.data.Offset.offset(1e-9));

            CronJobStatus pausedS = status(h, "paused");
            assertThat(pausedS.state()).isEqualTo(HealthState.SUSPENDED);
            assertThat(pausedS.suspended()).isTrue();
            assertThat(pausedS.nextScheduledAt()).isNull();

            CronJobStatus freshS = status(h, "fresh");
            assertThat(freshS.state()).isEqualTo(HealthState.UNKNOWN);
            assertThat(freshS.problem()).isNull();
            assertThat(freshS.lastRunAt()).isNull();
            assertThat(freshS.lastRunState()).isNull();
            assertThat(freshS.stats().total()).isZero();
            assertThat(freshS.stats().successRate()).as("no data is not 0 % and not 100 %").isEmpty();
            assertThat(freshS.nextScheduledAt()).isEqualTo(T0.plus(Duration.ofHours(1)));

            CronJobStatus busyS = status(h, "busy");
            assertThat(busyS.state()).as("running, nothing wrong").isEqualTo(HealthState.HEALTHY);
            assertThat(busyS.lastRunAt()).isNull();
            assertThat(busyS.activeJobs()).singleElement().satisfies(a -> {
                assertThat(a.name()).startsWith("busy-");
                assertThat(a.scheduledTime()).isEqualTo(T0);
                assertThat(a.startedAt()).isEqualTo(T0);
                assertThat(a.runningFor()).isEqualTo(Duration.ofMinutes(30));
            });

            // next slot in the CronJob's own zone: 02:30 EDT, 06:00 CEST
            CronJobStatus nyS = status(h, "ny");
            assertThat(nyS.timeZone()).isEqualTo("America/New_York");
            assertThat(nyS.nextScheduledAt()).isEqualTo(Instant.parse("2026-06-01T06:30:00Z"));
            CronJobStatus berlinS = status(h, "berlin");
            assertThat(berlinS.timeZone()).isEqualTo("Europe/Berlin");
            assertThat(berlinS.nextScheduledAt()).isEqualTo(Instant.parse("2026-06-01T04:00:00Z"));

            assertThat(h.guardian.status(new CronJobRef("team-b", "elsewhere"))).get()
                    .satisfies(s -> assertThat(s.monitors()).isEmpty());
            assertThat(h.guardian.status(new CronJobRef("team-a", "nope"))).isEmpty();

            // ---- statuses(): every watched CronJob, by namespace and name
            assertThat(h.guardian.statuses()).extracting(s -> s.ref().toString()).containsExactly(
                    "team-a/berlin", "team-a/broken", "team-a/busy", "team-a/flaky", "team-a/fresh", "team-a/ny",
                    "team-a/ok", "team-a/paused", "team-b/elsewhere");
            assertThat(h.guardian.statuses()).filteredOn(s -> s.ref().name().equals("broken")).singleElement()
                    .isEqualTo(brokenS);

            // ---- per monitor
            MonitorStatus alpha = h.guardian.monitorStatus("team-a/alpha").orElseThrow();
            assertThat(alpha.id()).isEqualTo("team-a/alpha");
            assertThat(alpha.cronJobs()).extracting(s -> s.ref().name()).containsExactly(
                    "berlin", "broken", "busy", "flaky", "fresh", "ny", "ok", "paused");
            assertThat(alpha.total()).isEqualTo(8);
            assertThat(alpha.healthy()).as("ok, busy").isEqualTo(2);
            assertThat(alpha.warning()).as("flaky").isEqualTo(1);
            assertThat(alpha.critical()).as("broken").isEqualTo(1);
            assertThat(alpha.suspended()).as("paused").isEqualTo(1);
            assertThat(alpha.unknown()).as("fresh, ny, berlin").isEqualTo(3);
            assertThat(alpha.running()).as("busy").isEqualTo(1);
            assertThat(alpha.activeAlerts()).as("broken JobFailed, flaky SLA").isEqualTo(2);
            assertThat(in(alpha, "broken").openIncidents()).singleElement()
                    .satisfies(i -> assertThat(i.key().monitor()).isEqualTo("team-a/alpha"));

            MonitorStatus beta = h.guardian.monitorStatus("team-a/beta").orElseThrow();
            assertThat(beta.total()).isEqualTo(1);
            assertThat(beta.warning()).as("beta sees its own warning, not alpha's critical").isEqualTo(1);
            assertThat(beta.critical()).isZero();
            assertThat(beta.activeAlerts()).isEqualTo(1);
            CronJobStatus brokenInBeta = in(beta, "broken");
            assertThat(brokenInBeta.state()).isEqualTo(HealthState.WARNING);
            assertThat(brokenInBeta.monitors()).containsExactly("team-a/beta");
            assertThat(brokenInBeta.openIncidents()).singleElement()
                    .satisfies(i -> assertThat(i.key().monitor()).isEqualTo("team-a/beta"));
            assertThat(brokenInBeta.stats().from()).isEqualTo(now.minus(Duration.ofDays(7)));
            assertThat(brokenInBeta.stats().total()).as("beta's 7-day window").isEqualTo(3);

            assertThat(h.guardian.monitorStatuses()).extracting(MonitorStatus::id)
                    .containsExactly("team-a/alpha", "team-a/beta");
            assertThat(h.guardian.monitorStatuses()).containsExactly(alpha, beta);
            assertThat(h.guardian.monitorStatus("team-a/nope")).isEmpty();
        }
    }

    @Test
    void invalidScheduleAndInvalidTimeZoneAreUnknownWithAProblemAndNeitherCrashNorAlert() {
        try (EngineHarness h = new EngineHarness(T0, List.of(ALPHA)).start()) {
            CronJobSnapshot badSchedule = h.addCronJob(TestObjects.cronJob("team-a", "bad-schedule")
                    .schedule("61 * * * *").creationTime(T0));
            CronJobSnapshot badZone = h.addCronJob(TestObjects.cronJob("team-a", "bad-zone")
                    .schedule("0 * * * *").timeZone("Mars/Olympus_Mons").creationTime(T0));
            CronJobSnapshot good = h.addCronJob(TestObjects.cronJob("team-a", "good").schedule("0 * * * *")
                    .creationTime(T0));
            // a successful run each: a run does not make an unjudgeable CronJob healthy
            h.advanceTo(T0.plus(Duration.ofMinutes(1)));
            run(h, badSchedule, "bs-1", T0, true);
            run(h, badZone, "bz-1", T0, true);
            h.advanceTo(T0.plus(Duration.ofDays(1)));   // "good" misses every slot from 01:00 on

            assertThat(h.openIncidents()).as("the engine kept working; only the valid CronJob is judged")
                    .extracting(i -> i.key().type() + " " + i.key().cronJob().name())
                    .containsExactly("MISSED_SCHEDULE good");
            assertThat(h.runs(badSchedule.ref())).isEqualTo(1);
            assertThat(h.runs(badZone.ref())).isEqualTo(1);

            CronJobStatus bs = status(h, "bad-schedule");
            assertThat(bs.state()).isEqualTo(HealthState.UNKNOWN);
            assertThat(bs.problem()).contains("invalid schedule").contains("\"61 * * * *\"");
            assertThat(bs.nextScheduledAt()).isNull();
            assertThat(bs.lastRunState()).isEqualTo(JobState.SUCCEEDED);

            CronJobStatus bz = status(h, "bad-zone");
            assertThat(bz.state()).isEqualTo(HealthState.UNKNOWN);
            assertThat(bz.problem()).contains("time zone").contains("Mars/Olympus_Mons");
            assertThat(bz.timeZone()).isEqualTo("Mars/Olympus_Mons");
            assertThat(bz.nextScheduledAt()).isNull();

            MonitorStatus alpha = h.guardian.monitorStatus("team-a/alpha").orElseThrow();
            assertThat(alpha.unknown()).isEqualTo(2);
            assertThat(alpha.critical()).isEqualTo(1);
            assertThat(alpha.total()).isEqualTo(3);

            // a fixed schedule is judgeable again
            h.watcher.updateCronJob(TestObjects.cronJob(badSchedule).schedule("0 * * * *").build());
            h.run();
            assertThat(status(h, "bad-schedule").problem()).isNull();
            assertThat(status(h, "bad-schedule").nextScheduledAt()).isEqualTo(T0.plus(Duration.ofHours(25)));
        }
    }

    @Test
    void healthReasonsFollowTheLifecycleTheWatcherSyncAndTheStore() {
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher().delaySyncUntilMarked();
        EngineHarness h = new EngineHarness(T0, List.of(ALPHA), store, watcher, c -> { });
        try {
            GuardianHealth before = h.guardian.health();
            assertThat(before.live()).isFalse();
            assertThat(before.ready()).isFalse();
            assertThat(before.reasons()).contains("not started");

            h.start();
            GuardianHealth syncing = h.guardian.health();
            assertThat(syncing.live()).isTrue();
            assertThat(syncing.ready()).isFalse();
            assertThat(syncing.leader()).isTrue();
            assertThat(syncing.reasons()).containsExactlyInAnyOrder("watcher has not synced yet",
                    "leader is catching up");
            h.advance(Duration.ofSeconds(5));
            assertThat(h.guardian.health().ready()).isFalse();

            watcher.markSynced();
            assertThat(h.guardian.health().reasons()).containsExactly("leader is catching up");
            h.advance(Duration.ofMillis(200));   // the engine polls the sync every 200 ms, then catches up
            GuardianHealth ready = h.guardian.health();
            assertThat(ready.ready()).isTrue();
            assertThat(ready.live()).isTrue();
            assertThat(ready.reasons()).isEmpty();

            store.database().setUnavailable(true);
            GuardianHealth down = h.guardian.health();
            assertThat(down.ready()).isFalse();
            assertThat(down.live()).isTrue();
            assertThat(down.reasons()).singleElement().asString().startsWith("store unreachable: ");
            store.database().setUnavailable(false);
            assertThat(h.guardian.health().ready()).isTrue();
        } finally {
            h.close();
        }
        GuardianHealth closed = h.guardian.health();
        assertThat(closed.live()).isFalse();
        assertThat(closed.ready()).isFalse();
        assertThat(closed.leader()).isFalse();
        assertThat(closed.reasons()).contains("closed");
    }
}
