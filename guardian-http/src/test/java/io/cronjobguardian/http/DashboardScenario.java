package io.cronjobguardian.http;

import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import io.cronjobguardian.api.DeliveryResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Two weeks of simulated history for the dashboard's browser tests (and its screenshots): a real Guardian
 * ({@link Fixture}) with CronJobs in three namespaces, hourly, two-hourly and daily schedules, failures with log
 * tails and events, retried runs, missed slots, a suspended CronJob, one never run; a second monitor with an SLA
 * maxDuration and a dead-man's switch from the schedule, and a second channel ({@code pager}) that fails its first
 * deliveries. Runs are replayed in time order on the manual clock, so incidents open and resolve as they would.
 */
final class DashboardScenario {

    /** Every CronJob of team-b: SLA with maxDuration 3 min, missed slots alert, to ops and pager. */
    static final MonitorSpec TEAM_B = MonitorSpec.builder("team-b", "sla")
            .sla(MonitorSpec.Sla.defaults().withMaxDuration(Duration.ofMinutes(3)))
            .deadManSwitch(MonitorSpec.DeadManSwitch.fromSchedule())
            .alerting(new MonitorSpec.Alerting(true, List.of(MonitorSpec.ChannelRef.of("ops"),
                    MonitorSpec.ChannelRef.of("pager")), null, null, null, null, null, null))
            .build();
    static final Duration HISTORY = Duration.ofDays(14);

    final Fixture f;
    final RecordingAlertChannel pager = RecordingAlertChannel.named("pager");
    CronJobSnapshot backup;
    CronJobSnapshot report;
    CronJobSnapshot sync;
    CronJobSnapshot live;
    private int jobs;

    /** One run to replay. */
    private record Run(CronJobSnapshot cj, Instant slot, long seconds, boolean ok, int retries) {
    }

    DashboardScenario(Consumer<io.cronjobguardian.engine.config.GuardianConfig.Builder> config) {
        pager.failNext(2, DeliveryResult.Outcome.FAILED);
        this.f = new Fixture(c -> {
            c.set("http.actions.enabled", "false");
            config.accept(c);
        }, s -> { }, g -> g.monitor(TEAM_B).alertChannel(pager), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), null, new ManualClock(Fixture.T0));
    }

    /** Creates the CronJobs and replays two weeks of runs; the clock ends just after the last one. */
    DashboardScenario populate() {
        backup = cronJob("team-a", "backup-db", "0 * * * *", null, false);
        report = cronJob("team-a", "daily-report", "30 6 * * *", "Europe/Berlin", false);
        cronJob("team-a", "cleanup-tmp", "*/15 * * * *", null, true);
        sync = cronJob("team-b", "sync-inventory", "0 */2 * * *", null, false);
        cronJob("team-b", "rebuild-index", "0 3 * * 0", null, false);
        cronJob("payments", "invoice-run", "0 1 1 * *", null, false);
        List<Run> runs = new ArrayList<>();
        Instant start = Fixture.T0;
        Instant end = start.plus(HISTORY);
        int n = 0;
        for (Instant t = start.plus(Duration.ofHours(1)); t.isBefore(end); t = t.plus(Duration.ofHours(1))) {
            n++;
            long secs = 40 + spread(n, 80) + (n % 50 == 0 ? 400 : 0);
            boolean ok = n % 23 != 0 && n % 61 != 0;
            runs.add(new Run(backup, t, secs, ok, n % 29 == 0 ? 1 : 0));
            if (n % 2 == 0 && n % 31 != 0 && n % 37 != 0) {   // two-hourly, some slots missed
                runs.add(new Run(sync, t, 90 + spread(n + 7, 150), n % 44 != 0, 0));
            }
        }
        for (Instant day = start.plus(Duration.ofHours(4).plusMinutes(30)); day.isBefore(end);
                day = day.plus(Duration.ofDays(1))) {
            runs.add(new Run(report, day, 300 + (day.getEpochSecond() / 86400 % 5) * 60, true, 0));
        }
        runs.sort(Comparator.comparing(Run::slot));
        for (Run r : runs) {
            run(r.cj(), r.slot(), r.seconds(), r.ok(), r.retries());
        }
        // a CronJob created a few minutes ago: no run yet (the live-update test records its first)
        live = TestObjects.cronJob("payments", "settle-ledger").schedule("45 * * * *").creationTime(
                f.clock.instant().minus(Duration.ofMinutes(5))).label("team", "payments").build();
        f.watcher.addCronJob(live);
        f.scheduler.runPending();
        return this;
    }

    /** A fixed pseudo-random number in [0, bound) for n (durations that look like real ones, same every run). */
    static long spread(int n, int bound) {
        long h = (n + 1) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return Math.floorMod(h, bound);
    }

    CronJobSnapshot cronJob(String namespace, String name, String schedule, String zone, boolean suspended) {
        CronJobSnapshot s = TestObjects.cronJob(namespace, name).schedule(schedule).timeZone(zone)
                .suspended(suspended).creationTime(Fixture.T0).label("team", namespace).build();
        f.watcher.addCronJob(s);
        f.scheduler.runPending();
        return s;
    }

    /** A run for the slot, started 2 s after it; the clock moves just past its end first. */
    JobSnapshot run(CronJobSnapshot cj, Instant slot, long seconds, boolean ok, int retries) {
        int n = ++jobs;
        String name = cj.ref().name() + "-" + (slot.getEpochSecond() / 60);
        String uid = "uid-" + name + "-" + n;
        TestObjects.JobBuilder b = TestObjects.job(cj).name(name).uid(uid).scheduled(slot);
        if (!ok) {
            b.exitCode(137, "OOMKilled");
            f.watcher.setLogTail(uid, "starting " + cj.ref().name() + "\nloaded 18234 rows\n"
                    + "java.lang.OutOfMemoryError: Java heap space\n\tat Loader.read(Loader.java:88)\n");
            f.watcher.setEvents(uid, "BackoffLimitExceeded: Job has reached the specified backoff limit",
                    "OOMKilling: Memory cgroup out of memory: Killed process 4242 (java)");
        }
        Instant begin = slot.plusSeconds(2);
        Instant finish = begin.plusSeconds(seconds);
        if (f.clock.instant().isBefore(finish.plusSeconds(1))) {
            f.scheduler.advanceTo(finish.plusSeconds(1));
        }
        // the controller's status, as Kubernetes keeps it (else every CronJob looks as if it stopped being scheduled)
        CronJobSnapshot current = f.watcher.cronJob(cj.ref()).orElse(cj);
        f.watcher.updateCronJob(TestObjects.cronJob(current).lastScheduleTime(slot)
                .lastSuccessfulTime(ok ? finish : current.lastSuccessfulTime()).build());
        JobSnapshot j = f.watcher.simulateRun(b, begin, ok ? retries : Math.max(1, retries), ok, finish);
        f.scheduler.runPending();
        return j;
    }
}
