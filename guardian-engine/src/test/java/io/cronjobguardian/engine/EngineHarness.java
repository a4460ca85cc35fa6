package io.cronjobguardian.engine;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.schedule.CronSchedule;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A Guardian on a manual clock, a manual scheduler, a scriptable watcher and an in-memory store (or any store), so
 * that tests run the engine step by step.
 */
final class EngineHarness implements AutoCloseable {

    final ManualClock clock;
    final ManualTaskScheduler scheduler;
    final ScriptableCronJobWatcher watcher;
    final HistoryStore store;
    final Guardian guardian;
    private int jobCounter;

    EngineHarness(Instant start, List<MonitorSpec> monitors) {
        this(start, monitors, new InMemoryHistoryStore(), new ScriptableCronJobWatcher(), c -> { });
    }

    EngineHarness(Instant start, List<MonitorSpec> monitors, HistoryStore store, ScriptableCronJobWatcher watcher,
            Consumer<GuardianConfig.Builder> config) {
        this(new ManualClock(start), monitors, store, watcher, config);
    }

    EngineHarness(ManualClock clock, List<MonitorSpec> monitors, HistoryStore store, ScriptableCronJobWatcher watcher,
            Consumer<GuardianConfig.Builder> config) {
        this.clock = clock;
        this.scheduler = new ManualTaskScheduler(clock, clock::set);
        this.watcher = watcher;
        this.store = store;
        GuardianConfig.Builder cb = GuardianConfig.builder().noEnvironment()
                .set("scheduler.startupGracePeriod", "0s")
                .set("scheduler.safetySweepInterval", "1d")
                .set("scheduler.observationGrace", "0s");   // slots are judged exactly at their window's end
        config.accept(cb);
        this.guardian = Guardian.builder().config(cb.build()).monitors(monitors).store(store).watcher(watcher)
                .scheduler(scheduler).build();
    }

    /**
     * Like {@link #EngineHarness(ManualClock, List, HistoryStore, ScriptableCronJobWatcher, Consumer)}, with the
     * Guardian built on {@code engineWatcher} (e.g. a wrapper of {@code watcher}) and a hook on the Guardian builder
     * (observer, incident listener ...). The test still drives {@code watcher}.
     */
    EngineHarness(ManualClock clock, List<MonitorSpec> monitors, HistoryStore store, ScriptableCronJobWatcher watcher,
            io.cronjobguardian.api.CronJobWatcher engineWatcher, Consumer<GuardianConfig.Builder> config,
            Consumer<Guardian.Builder> guardianBuilder) {
        this.clock = clock;
        this.scheduler = new ManualTaskScheduler(clock, clock::set);
        this.watcher = watcher;
        this.store = store;
        GuardianConfig.Builder cb = GuardianConfig.builder().noEnvironment()
                .set("scheduler.startupGracePeriod", "0s")
                .set("scheduler.safetySweepInterval", "1d")
                .set("scheduler.observationGrace", "0s");   // slots are judged exactly at their window's end
        config.accept(cb);
        Guardian.Builder gb = Guardian.builder().config(cb.build()).monitors(monitors).store(store)
                .watcher(engineWatcher).scheduler(scheduler);
        guardianBuilder.accept(gb);
        this.guardian = gb.build();
    }

    EngineHarness start() {
        guardian.start();
        scheduler.runPending();
        return this;
    }

    Instant now() {
        return clock.instant();
    }

    void advance(Duration d) {
        scheduler.advance(d);
    }

    void advanceTo(Instant t) {
        scheduler.advanceTo(t);
    }

    void run() {
        scheduler.runPending();
    }

    CronJobSnapshot addCronJob(TestObjects.CronJobBuilder b) {
        CronJobSnapshot s = b.build();
        watcher.addCronJob(s);
        run();
        return s;
    }

    /** A Job for the slot, started at the slot, finished after {@code duration}; the clock must be past the end. */
    JobSnapshot finishedRun(CronJobSnapshot cj, Instant slot, Duration duration, boolean success) {
        TestObjects.JobBuilder b = TestObjects.job(cj).name(cj.ref().name() + "-" + (++jobCounter))
                .uid("job-" + cj.ref().name() + "-" + jobCounter).scheduled(slot);
        JobSnapshot j = watcher.simulateRun(b, slot, success ? 0 : 1, success, slot.plus(duration));
        run();
        return j;
    }

    /** Starts a running Job for the slot at {@code start}. */
    JobSnapshot runningJob(CronJobSnapshot cj, Instant slot, Instant start) {
        JobSnapshot j = TestObjects.job(cj).name(cj.ref().name() + "-" + (++jobCounter))
                .uid("job-" + cj.ref().name() + "-" + jobCounter).scheduled(slot).running(start).build();
        watcher.addJob(j);
        run();
        return j;
    }

    /**
     * Simulates the CronJob controller from now until {@code until}: at each slot of the CronJob's schedule creates
     * a Job that succeeds after {@code duration} (unless {@code skip} says the slot is missed), advancing the clock.
     */
    void simulateController(CronJobSnapshot cj, Instant until, Duration duration, java.util.function.Predicate<Instant> skip) {
        CronSchedule schedule = CronSchedule.parse(cj.schedule(),
                ZoneId.of(cj.timeZone() == null ? "UTC" : cj.timeZone()));
        Optional<Instant> next = schedule.next(now());
        while (next.isPresent() && !next.get().isAfter(until)) {
            Instant slot = next.get();
            advanceTo(slot);
            if (!skip.test(slot)) {
                JobSnapshot running = runningJob(cj, slot, slot);
                advanceTo(slot.plus(duration));
                watcher.finishJob(running.uid(), true, 1, slot.plus(duration));
                run();
            }
            next = schedule.next(slot);
        }
        if (until.isAfter(now())) {
            advanceTo(until);
        }
    }

    List<Incident> openIncidents() {
        return store.incidents(IncidentQuery.open()).items();
    }

    List<Incident> openIncidents(AlertType type) {
        return openIncidents().stream().filter(i -> i.key().type() == type).collect(Collectors.toList());
    }

    List<Incident> allIncidents() {
        return store.incidents(IncidentQuery.all().page(0, 10_000)).items();
    }

    long runs(CronJobRef ref) {
        return store.executions(ExecutionQuery.forCronJob(ref)).total();
    }

    @Override
    public void close() {
        guardian.close();
    }
}
