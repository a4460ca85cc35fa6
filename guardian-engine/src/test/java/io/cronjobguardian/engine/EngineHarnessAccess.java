package io.cronjobguardian.engine;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Public access to {@link EngineHarness} for tests in other packages. */
public final class EngineHarnessAccess implements AutoCloseable {

    private final EngineHarness h;

    public EngineHarnessAccess(Instant start, List<MonitorSpec> monitors, Consumer<GuardianConfig.Builder> config,
            Consumer<Guardian.Builder> builder) {
        this(start, new InMemoryHistoryStore(), monitors, config, builder);
    }

    /** On {@code store} (e.g. a wrapper that fails chosen calls). */
    public EngineHarnessAccess(Instant start, HistoryStore store, List<MonitorSpec> monitors,
            Consumer<GuardianConfig.Builder> config, Consumer<Guardian.Builder> builder) {
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        this.h = new EngineHarness(new ManualClock(start), monitors, store, w, w, config, builder);
        h.start();
    }

    public Guardian guardian() {
        return h.guardian;
    }

    public ScriptableCronJobWatcher watcher() {
        return h.watcher;
    }

    public HistoryStore store() {
        return h.store;
    }

    public Instant now() {
        return h.now();
    }

    public void advance(Duration d) {
        h.advance(d);
    }

    public void advanceTo(Instant t) {
        h.advanceTo(t);
    }

    public void run() {
        h.run();
    }

    public CronJobSnapshot addCronJob(TestObjects.CronJobBuilder b) {
        return h.addCronJob(b);
    }

    public List<Incident> openIncidents(AlertType type) {
        return h.openIncidents(type);
    }

    public long runs(CronJobRef ref) {
        return h.runs(ref);
    }

    @Override
    public void close() {
        h.close();
    }
}
