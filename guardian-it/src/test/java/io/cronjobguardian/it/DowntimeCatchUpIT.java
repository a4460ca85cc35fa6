package io.cronjobguardian.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LeaderElector;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.examples.simulator.Behaviour;
import io.cronjobguardian.examples.simulator.ClusterSimulator;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.cronjobguardian.examples.simulator.SimulatedCronJob;
import io.cronjobguardian.examples.simulator.SimulatedRun;
import io.cronjobguardian.testkit.jdbc.DbTarget;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.watcher.k8s.KubernetesCronJobWatcher;
import io.cronjobguardian.watcher.k8s.KubernetesWatcherConfig;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downtime and catch-up on the embedded store: one engine on a SQLite file (the {@code sqlite} provider from
 * {@code storage.sqlite.path}), the real {@code KubernetesCronJobWatcher} on the simulated API server, and a settable
 * clock that the test moves minute by minute ({@link ManualTaskScheduler}; after every step the test waits until the
 * watcher has delivered what the API server holds, then runs the engine).
 *
 * <p>The engine runs for an hour, stops, and while it is down two hours pass: Jobs start, finish, and many are
 * removed — by the CronJobs' history limits (the simulator deletes them as the CronJob controller does) and by a
 * TTL controller the test plays ({@code ttlSecondsAfterFinished}: 30 minutes). The engine restarts on the same file
 * and runs another half hour. Proves: the runs still visible in the API are recorded once (those running at the stop
 * now with their final state), nothing is recorded twice, no phantom missed slot is reported for the Jobs that ran
 * and were removed while it was down ({@code status.lastScheduleTime} is the floor), a CronJob that really stopped
 * running still has its one MissedSchedule incident (the same one, not a second), and no incident is duplicated.
 *
 * <p>A second test plays the failover window with a standby up (two engines on PostgreSQL): the runs the standby
 * saw finish while nobody led are recorded when it leads, although their Jobs are gone.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DowntimeCatchUpIT {

    private static final Logger LOG = LoggerFactory.getLogger(DowntimeCatchUpIT.class);

    /** A Monday, on a 30-minute boundary. */
    static final Instant T0 = Instant.parse("2026-03-02T08:00:00Z");
    static final String NS = "ops";
    static final Duration TTL = Duration.ofMinutes(30);
    /** Missed-slot checks: 5 minutes of grace, two misses in a row. */
    static final MonitorSpec MONITOR = MonitorSpec.builder(NS, "ops-jobs")
            .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                    new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 2)))
            .build();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private MockApiServer api;
    private ClusterSimulator simulator;
    private Engine engine;
    private final List<Engine> engines = new ArrayList<>();
    private int ttlDeleted;
    private DbTarget postgres;

    /** One run of an engine: its own client, watcher and scheduler, on the one store (and elector, if any). */
    private final class Engine {
        final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
        final KubernetesClient client = api.newClient();
        final KubernetesCronJobWatcher watcher;
        final Guardian guardian;

        /** Alone, on the SQLite file. */
        Engine() {
            this(Settings.of("storage.type", "sqlite", "storage.sqlite.path", dir.resolve("guardian.db").toString()),
                    null);
        }

        Engine(Settings store, LeaderElector elector) {
            Settings settings = store.with("watcher.namespaces", NS);
            GuardianConfig config = GuardianConfig.builder().noEnvironment().settings(settings).build();
            watcher = new KubernetesCronJobWatcher(KubernetesWatcherConfig.from(config.settings()), client, clock);
            Guardian.Builder b = Guardian.builder().config(config).monitor(MONITOR).watcher(watcher)
                    .scheduler(scheduler).service(KubernetesClient.class, client);
            if (elector != null) {
                b.leaderElector(elector);
            }
            guardian = b.build();
        }
    }

    @AfterEach
    void tearDown() {
        engines.forEach(e -> e.guardian.close());
        if (simulator != null) {
            simulator.close();
        }
        if (api != null) {
            api.close();
        }
        if (postgres != null) {
            postgres.dropAll();
        }
    }

    @Test
    void restartAfterTwoHoursDownRecordsVisibleRunsOnceWithoutPhantomMissesOrDuplicateIncidents() {
        api = MockApiServer.start(clock);
        simulator = ClusterSimulator.builder(api, clock).seed(11).cronJobs(List.of(
                // history limit 3: older successful Jobs are deleted by the "controller"
                SimulatedCronJob.of(NS, "backup", "*/10 * * * *", Behaviour.healthy(Duration.ofMinutes(3))),
                // history limits 3 / 1, 40 % of the runs fail: JobFailed incidents open and resolve
                SimulatedCronJob.of(NS, "report", "*/15 * * * *", Behaviour.flaky(Duration.ofMinutes(4), 40)),
                // everything kept by the history limits, removed 30 minutes after finishing by the TTL controller
                SimulatedCronJob.of(NS, "sync", "*/5 * * * *", Behaviour.healthy(Duration.ofMinutes(1)))
                        .withHistoryLimits(100, 100),
                // hourly, runs for about 80 minutes: the run that starts just before the stop finishes while the
                // engine is down and is still visible at the restart
                SimulatedCronJob.of(NS, "archive", "0 * * * *", Behaviour.healthy(Duration.ofMinutes(80))),
                // runs three times, then never again: a real missed schedule
                SimulatedCronJob.of(NS, "stalled", "*/10 * * * *", Behaviour.missedAfter(3, Duration.ofMinutes(2)))))
                .build();
        simulator.createCronJobs();

        // ---- the engine runs for an hour
        start();
        run(Duration.ofHours(1), true);
        List<Incident> beforeStop = incidents(engine.guardian);
        Map<IncidentKey, String> openAtStop = beforeStop.stream().filter(Incident::isOpen)
                .collect(Collectors.toMap(Incident::key, Incident::id));
        Map<String, JobState> recordedAtStop = executions(engine.guardian).stream()
                .collect(Collectors.toMap(e -> e.job().name(), Execution::state));
        IncidentKey stalledMiss = IncidentKey.of(MONITOR.id(), CronJobRef.of(NS, "stalled"),
                AlertType.MISSED_SCHEDULE);
        assertThat(openAtStop).as("the stalled CronJob's misses are reported while the engine runs")
                .containsKey(stalledMiss);
        engine.guardian.close();

        // ---- two hours pass without an engine: Jobs run, finish, and many are removed
        run(Duration.ofHours(2), false);
        Map<String, JobState> visibleAtRestart = apiJobs();
        Set<String> createdWhileDown = simulator.runs().stream().map(SimulatedRun::jobName)
                .filter(n -> !recordedAtStop.containsKey(n)).collect(Collectors.toSet());
        Set<String> goneUnseen = createdWhileDown.stream().filter(n -> !visibleAtRestart.containsKey(n))
                .collect(Collectors.toSet());
        LOG.info("at the stop {} runs were recorded; while down {} Jobs were created, {} of them are gone "
                + "(history limits, TTL: {} deleted by TTL so far); {} Jobs visible at the restart", recordedAtStop.size(),
                createdWhileDown.size(), goneUnseen.size(), ttlDeleted, visibleAtRestart.size());
        assertThat(goneUnseen).as("Jobs created and removed while the engine was down").hasSizeGreaterThan(10);
        Set<String> finishedWhileDown = recordedAtStop.keySet().stream()
                .filter(n -> recordedAtStop.get(n) == JobState.RUNNING && visibleAtRestart.containsKey(n)
                        && visibleAtRestart.get(n).isTerminal()).collect(Collectors.toSet());
        assertThat(finishedWhileDown).as("runs recorded RUNNING at the stop, finished and still visible at the restart")
                .isNotEmpty();

        // ---- restart on the same file (caught up, startup grace still running)
        start();
        // every run visible in the API at the restart is recorded once, in the state the API shows
        List<Execution> afterCatchUp = executions(engine.guardian);
        Map<String, List<Execution>> byName = afterCatchUp.stream()
                .collect(Collectors.groupingBy(e -> e.job().name()));
        visibleAtRestart.forEach((name, state) -> {
            assertThat(byName.get(name)).as("executions of %s (visible at the restart)", name).hasSize(1);
            assertThat(byName.get(name).get(0).state()).as("state of %s", name).isEqualTo(state);
        });
        assertThat(afterCatchUp.stream().map(Execution::jobUid).distinct().count()).isEqualTo(afterCatchUp.size());
        assertThat(byName.keySet()).as("nothing recorded that the simulator did not create")
                .isSubsetOf(simulator.runs().stream().map(SimulatedRun::jobName).collect(Collectors.toSet()));

        // the premise of "no phantom miss": slots whose Jobs were removed unseen are absent from the store, more of
        // them in a row than the monitor's threshold, so counting them as missed would open an incident
        List<Instant> backupSlots = afterCatchUp.stream().filter(e -> e.cronJob().name().equals("backup"))
                .map(e -> e.job().scheduledTime()).sorted().toList();
        long longestGap = 0;
        for (int i = 1; i < backupSlots.size(); i++) {
            longestGap = Math.max(longestGap,
                    Duration.between(backupSlots.get(i - 1), backupSlots.get(i)).toMinutes() / 10 - 1);
        }
        assertThat(longestGap).as("backup slots in a row without a recorded run").isGreaterThanOrEqualTo(
                MONITOR.deadManSwitch().autoFromSchedule().missedScheduleThreshold());

        // ---- past the startup grace: what still holds is the incident that was open at the stop, not a new one
        run(Duration.ofMinutes(1), true);
        Map<IncidentKey, String> openAfterRestart = incidents(engine.guardian).stream().filter(Incident::isOpen)
                .collect(Collectors.toMap(Incident::key, Incident::id));
        LOG.info("open at the stop: {}; open after the restart: {}", openAtStop.keySet(), openAfterRestart.keySet());
        openAtStop.forEach((key, id) -> {
            if (openAfterRestart.containsKey(key)) {
                assertThat(openAfterRestart.get(key)).as("%s: open at the stop and after the restart",
                        key.asString()).isEqualTo(id);
            }
        });
        run(Duration.ofMinutes(29), true);

        // ---- no phantom missed slot, no duplicate incident, the real miss is still the same one incident
        List<Incident> all = incidents(engine.guardian);
        LOG.info("incidents: {}", all.stream().map(i -> i.key().cronJob().name() + " " + i.key().type().wireName()
                + (i.isOpen() ? " open" : " resolved") + " " + i.openedAt()).toList());
        assertThat(all.stream().filter(i -> i.key().type() == AlertType.MISSED_SCHEDULE))
                .as("MissedSchedule incidents (only the CronJob that really stopped)")
                .singleElement().satisfies(i -> {
                    assertThat(i.key()).isEqualTo(stalledMiss);
                    assertThat(i.id()).as("the incident opened before the stop").isEqualTo(openAtStop.get(stalledMiss));
                    assertThat(i.isOpen()).isTrue();
                });
        Map<IncidentKey, List<Incident>> byKey = all.stream().collect(Collectors.groupingBy(Incident::key));
        byKey.forEach((key, list) -> {
            List<Incident> sorted = list.stream().sorted((a, b) -> a.openedAt().compareTo(b.openedAt())).toList();
            for (int i = 1; i < sorted.size(); i++) {
                Incident prev = sorted.get(i - 1);
                assertThat(prev.resolvedAt()).as("%s: an incident was opened while %s was still open",
                        key.asString(), prev.id()).isNotNull();
                assertThat(prev.resolvedAt()).as("%s: overlapping incidents", key.asString())
                        .isBeforeOrEqualTo(sorted.get(i).openedAt());
            }
        });

        // ---- every run the engine saw is recorded exactly once, in its final state when it saw that
        List<Execution> finalRuns = executions(engine.guardian);
        Map<String, List<Execution>> finalByName = finalRuns.stream().collect(Collectors.groupingBy(e -> e.job().name()));
        assertThat(finalByName.values()).allSatisfy(l -> assertThat(l).hasSize(1));
        Map<String, JobState> visibleNow = apiJobs();
        visibleNow.forEach((name, state) -> assertThat(finalByName.get(name)).as("run %s", name).isNotNull()
                .singleElement().satisfies(e -> assertThat(e.state()).isEqualTo(state)));
        // the only runs left RUNNING in the store are those whose Job is still running, or that were RUNNING when
        // the engine stopped and finished AND were removed while it was down (the watcher README's documented limit:
        // nothing is left to read their outcome from)
        List<Execution> running = finalRuns.stream().filter(e -> e.state() == JobState.RUNNING).toList();
        running.forEach(e -> {
            String name = e.job().name();
            if (visibleNow.containsKey(name)) {
                assertThat(visibleNow.get(name)).as("run %s", name).isEqualTo(JobState.RUNNING);
            } else {
                assertThat(recordedAtStop.get(name)).as("stale RUNNING run %s", name).isEqualTo(JobState.RUNNING);
                assertThat(visibleAtRestart).as("stale RUNNING run %s", name).doesNotContainKey(name);
            }
        });
        LOG.info("{} runs recorded in total; {} runs were never seen (created and removed while down); {} stay "
                + "RUNNING although their Job finished and was removed while down: {}", finalRuns.size(),
                goneUnseen.size(), running.stream().filter(e -> !visibleNow.containsKey(e.job().name())).count(),
                running.stream().map(e -> e.job().name()).filter(n -> !visibleNow.containsKey(n)).toList());
    }

    /**
     * The same outage, but a standby watched it: the leader goes (its Lease is not renewed, it is closed) and
     * nobody leads for 45 minutes while Jobs finish and are deleted at once (history limits 0, as with
     * {@code ttlSecondsAfterFinished: 0}). Two engines on one PostgreSQL schema and a {@link ManualElection}
     * (SQLite serves one replica only). When the standby is elected, every run it saw finish is recorded in the
     * state it ended in, although most of their Jobs are gone: no run is left RUNNING that a replica saw finish.
     */
    @Test
    void aStandbyThatWatchedTheOutageRecordsEveryRunItSawFinishWhenItLeads() {
        postgres = DbTarget.postgres();
        Settings db = postgres.freshDatabase();
        api = MockApiServer.start(clock);
        simulator = ClusterSimulator.builder(api, clock).seed(12).cronJobs(List.of(
                // deleted as soon as they finish: only a replica that saw them finish knows how they ended
                SimulatedCronJob.of(NS, "report", "*/15 * * * *", Behaviour.flaky(Duration.ofMinutes(4), 40))
                        .withHistoryLimits(0, 0),
                SimulatedCronJob.of(NS, "backup", "*/10 * * * *", Behaviour.healthy(Duration.ofMinutes(3)))
                        .withHistoryLimits(0, 0),
                // kept, removed 30 minutes after finishing by the TTL controller
                SimulatedCronJob.of(NS, "sync", "*/5 * * * *", Behaviour.healthy(Duration.ofMinutes(1)))
                        .withHistoryLimits(100, 100)))
                .build();
        simulator.createCronJobs();
        ManualElection election = ManualElection.manual();
        Engine a = new Engine(db, election.candidate("a"));
        Engine b = new Engine(db, election.candidate("b"));
        engines.add(a);
        engines.add(b);
        a.guardian.start();
        b.guardian.start();
        election.elect("a");
        awaitCaughtUp(a);
        engine = a;
        run(Duration.ofHours(1), List.of(a, b));
        assertThat(executions(a.guardian)).as("runs recorded while a leads").isNotEmpty();

        // ---- the leader is gone; the standby watches for 45 minutes (within the hour it keeps what it saw)
        election.revoke();
        b.scheduler.runPending();
        a.guardian.close();
        Instant outage = clock.instant();
        run(Duration.ofMinutes(45), List.of(b));
        Map<String, SimulatedRun> sawFinish = simulator.runs().stream()
                .filter(r -> r.finished() && r.finishedAt().isAfter(outage))
                .collect(Collectors.toMap(SimulatedRun::jobName, r -> r));
        Map<String, JobState> visible = apiJobs();
        Set<String> gone = sawFinish.keySet().stream().filter(n -> !visible.containsKey(n)).collect(Collectors.toSet());
        LOG.info("during the outage {} runs finished, {} of their Jobs are gone: {}", sawFinish.size(), gone.size(),
                new java.util.TreeSet<>(gone));
        assertThat(gone).as("runs that finished and were deleted while nobody led").hasSizeGreaterThan(5);
        assertThat(sawFinish.values()).as("failed runs among them")
                .anySatisfy(r -> assertThat(r.outcome()).isEqualTo(SimulatedRun.Outcome.FAILED));

        // ---- the standby is elected: it catches up, then judges
        election.elect("b");
        awaitCaughtUp(b);
        engine = b;
        run(Duration.ofMinutes(2), List.of(b));
        Map<String, List<Execution>> byName = executions(b.guardian).stream()
                .collect(Collectors.groupingBy(e -> e.job().name()));
        List<String> leftRunning = new ArrayList<>();
        sawFinish.forEach((name, run) -> {
            List<Execution> recorded = byName.get(name);
            assertThat(recorded).as("executions of %s (finished during the outage)", name).hasSize(1);
            JobState state = recorded.get(0).state();
            if (state == JobState.RUNNING) {
                leftRunning.add(name);
            } else {
                assertThat(state).as("state of %s", name).isEqualTo(run.outcome() == SimulatedRun.Outcome.SUCCEEDED
                        ? JobState.SUCCEEDED : JobState.FAILED);
            }
        });
        LOG.info("runs left RUNNING although a replica saw them finish: {} {}", leftRunning.size(), leftRunning);
        assertThat(leftRunning).as("runs left RUNNING although a replica saw them finish").isEmpty();
        // a failed run recorded at catch-up is judged like a live one: the newest report run decides JobFailed
        SimulatedRun newestReport = simulator.runs(NS, "report").stream().filter(SimulatedRun::finished)
                .max(java.util.Comparator.comparing(SimulatedRun::finishedAt)).orElseThrow();
        boolean jobFailedOpen = incidents(b.guardian).stream().anyMatch(i -> i.isOpen()
                && i.key().type() == AlertType.JOB_FAILED && i.key().cronJob().name().equals("report"));
        assertThat(jobFailedOpen).as("JobFailed of report open (newest run %s %s)", newestReport.jobName(),
                newestReport.outcome()).isEqualTo(newestReport.outcome() == SimulatedRun.Outcome.FAILED);
    }

    // ================================================================================================ driving

    /** Waits until an engine leads and has caught up, moving its clock in steps the watcher can follow. */
    private void awaitCaughtUp(Engine e) {
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            e.scheduler.advance(Duration.ofMillis(200));
            return e.guardian.health().leader() && e.guardian.health().ready()
                    && !e.guardian.health().reasons().contains("leader is catching up");
        });
    }

    /** Starts an engine and waits until it leads and has caught up (the startup grace is still running). */
    private void start() {
        Engine e = new Engine();
        engines.add(e);
        engine = e;
        e.guardian.start();
        // the watcher syncs on its own threads; the engine polls for that on its (manual) clock
        await().atMost(Duration.ofSeconds(20)).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            e.scheduler.advance(Duration.ofMillis(200));
            return e.guardian.health().leader() && e.guardian.health().ready()
                    && !e.guardian.health().reasons().contains("leader is catching up");
        });
    }

    /** Moves time forward minute by minute: the simulator acts, the TTL controller deletes, the engine follows. */
    private void run(Duration total, boolean engineUp) {
        run(total, engineUp ? List.of(engine) : List.of());
    }

    /** Like {@link #run(Duration, boolean)}, with these engines running. */
    private void run(Duration total, List<Engine> up) {
        Instant end = clock.instant().plus(total);
        while (clock.instant().isBefore(end)) {
            Instant next = clock.instant().plus(Duration.ofMinutes(1));
            if (next.isAfter(end)) {
                next = end;
            }
            if (up.isEmpty()) {
                clock.set(next);
            }
            for (Engine e : up) {
                e.scheduler.advanceTo(next);
            }
            simulator.runUntil(next);
            expireFinishedSyncJobs(next);
            for (Engine e : up) {
                deliverAndRun(e);
            }
        }
    }

    /** Waits until the watcher has delivered the API server's Jobs and CronJobs, then lets the engine run. */
    private void deliverAndRun(Engine e) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10)).until(() -> delivered(e));
        e.scheduler.runPending();
    }

    private boolean delivered(Engine e) {
        Map<String, JobState> seen = new TreeMap<>();
        for (SimulatedCronJob c : simulator.cronJobs()) {
            CronJobRef ref = CronJobRef.of(NS, c.name());
            for (JobSnapshot j : e.watcher.jobs(ref)) {
                seen.put(j.name(), j.state());
            }
            CronJob cj = api.adminClient().batch().v1().cronjobs().inNamespace(NS).withName(c.name()).get();
            Instant last = cj.getStatus() == null || cj.getStatus().getLastScheduleTime() == null ? null
                    : Instant.parse(cj.getStatus().getLastScheduleTime());
            if (!Objects.equals(e.watcher.cronJob(ref).map(CronJobSnapshot::lastScheduleTime).orElse(null), last)) {
                return false;
            }
        }
        return seen.equals(apiJobs());
    }

    /** The Jobs in the API server: name → state from their conditions, as Kubernetes defines it. */
    private Map<String, JobState> apiJobs() {
        Map<String, JobState> out = new TreeMap<>();
        for (Job j : api.adminClient().batch().v1().jobs().inNamespace(NS).list().getItems()) {
            out.put(j.getMetadata().getName(), state(j));
        }
        return out;
    }

    private static JobState state(Job j) {
        List<JobCondition> cs = j.getStatus() == null || j.getStatus().getConditions() == null ? List.of()
                : j.getStatus().getConditions();
        for (JobCondition c : cs) {
            if ("True".equals(c.getStatus()) && ("Failed".equals(c.getType()) || "FailureTarget".equals(c.getType()))) {
                return JobState.FAILED;
            }
        }
        for (JobCondition c : cs) {
            if ("True".equals(c.getStatus())
                    && ("Complete".equals(c.getType()) || "SuccessCriteriaMet".equals(c.getType()))) {
                return JobState.SUCCEEDED;
            }
        }
        return JobState.RUNNING;
    }

    /** The TTL controller ({@code ttlSecondsAfterFinished}) for the sync CronJob's Jobs. */
    private void expireFinishedSyncJobs(Instant now) {
        for (Job j : api.adminClient().batch().v1().jobs().inNamespace(NS).withLabel("app", "sync").list()
                .getItems()) {
            Instant finished = null;
            if (j.getStatus() != null && j.getStatus().getConditions() != null) {
                for (JobCondition c : j.getStatus().getConditions()) {
                    if ("True".equals(c.getStatus()) && ("Complete".equals(c.getType())
                            || "Failed".equals(c.getType()))) {
                        finished = Instant.parse(c.getLastTransitionTime());
                    }
                }
            }
            if (finished != null && !finished.plus(TTL).isAfter(now)) {
                api.adminClient().batch().v1().jobs().inNamespace(NS).withName(j.getMetadata().getName()).delete();
                ttlDeleted++;
            }
        }
    }

    private static List<Incident> incidents(Guardian g) {
        return g.incidents(IncidentQuery.all().page(0, 10_000)).items();
    }

    private static List<Execution> executions(Guardian g) {
        return g.executions(ExecutionQuery.all().page(0, 10_000)).items();
    }
}
