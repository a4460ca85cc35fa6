package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.time.ManualTaskScheduler;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ManualElection;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class MetricsTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private final ManualClock clock = new ManualClock(T0);
    private final ManualTaskScheduler scheduler = new ManualTaskScheduler(clock, clock::set);
    private final ScriptableCronJobWatcher watcher = new ScriptableCronJobWatcher();
    private final InMemoryHistoryStore store = new InMemoryHistoryStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Guardian guardian(io.cronjobguardian.api.LeaderElector elector) {
        Guardian.Builder b = Guardian.builder()
                .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s").build())
                .monitor(MonitorSpec.of("team-a", "m")).store(store).watcher(watcher).scheduler(scheduler)
                .meterRegistry(registry);
        if (elector != null) {
            b.leaderElector(elector);
        }
        return b.build();
    }

    private double gauge(String name, String... tags) {
        Gauge g = registry.find(name).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void publishesRunsSuccessRateDurationsAndActiveAlertsThatReturnToZero() {
        try (Guardian g = guardian(null).start()) {
            scheduler.runPending();
            assertThat(gauge("cronjob.guardian.leader.status")).isEqualTo(1.0);
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "backup").schedule("0 * * * *").build();
            watcher.addCronJob(cj);
            scheduler.advance(Duration.ofMinutes(10));
            watcher.simulateRun(TestObjects.job(cj).name("b-1").uid("b1").scheduled(T0), T0, 0, true,
                    T0.plusSeconds(10));
            watcher.simulateRun(TestObjects.job(cj).name("b-2").uid("b2").scheduled(T0), T0.plusSeconds(15), 1,
                    false, T0.plusSeconds(45));
            scheduler.runPending();
            assertThat(registry.get("cronjob.guardian.executions").tags("namespace", "team-a", "cronjob", "backup",
                    "outcome", "success").counter().count()).isEqualTo(1.0);
            assertThat(registry.get("cronjob.guardian.executions").tags("outcome", "failed").counter().count())
                    .isEqualTo(1.0);
            assertThat(gauge("cronjob.guardian.success.rate", "cronjob", "backup")).isEqualTo(50.0);
            assertThat(gauge("cronjob.guardian.duration.percentile", "cronjob", "backup", "percentile", "p50"))
                    .isEqualTo(20.0);
            assertThat(gauge("cronjob.guardian.duration.percentile", "cronjob", "backup", "percentile", "p99"))
                    .isCloseTo(29.8, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(gauge("cronjob.guardian.active.alerts", "cronjob", "backup", "severity", "critical"))
                    .isEqualTo(1.0);
            assertThat(registry.get("cronjob.guardian.evaluation").timer().count()).isPositive();
            // a success closes the JobFailed incident: the gauge returns to 0, it does not go stale
            watcher.simulateRun(TestObjects.job(cj).name("b-3").uid("b3").scheduled(T0.plusSeconds(3600)),
                    T0.plusSeconds(60), 0, true, T0.plusSeconds(70));
            scheduler.runPending();
            assertThat(gauge("cronjob.guardian.active.alerts", "cronjob", "backup", "severity", "critical"))
                    .isEqualTo(0.0);
            // deleting the CronJob removes its meters
            watcher.deleteCronJob(cj.ref());
            scheduler.runPending();
            assertThat(registry.find("cronjob.guardian.success.rate").tags("cronjob", "backup").gauge()).isNull();
            assertThat(registry.find("cronjob.guardian.executions").tags("cronjob", "backup").counter()).isNull();
            for (Meter m : registry.getMeters()) {
                assertThat(m.getId().getTags()).noneMatch(t -> t.getKey().equals("job") || t.getKey().equals("uid"));
            }
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void durationsAreAHistogramObservedOncePerRunAcrossRelistsAndFailovers() {
        ManualElection election = ManualElection.manual();
        try (Guardian g = guardian(election.candidate("a")).start()) {
            election.elect("a");
            scheduler.runPending();
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "h").schedule("0 * * * *").build();
            watcher.addCronJob(cj);
            scheduler.advance(Duration.ofMinutes(10));
            watcher.simulateRun(TestObjects.job(cj).name("h-1").uid("h1").scheduled(T0), T0, 0, true,
                    T0.plusSeconds(10));
            watcher.simulateRun(TestObjects.job(cj).name("h-2").uid("h2").scheduled(T0), T0, 1, false,
                    T0.plusSeconds(100));
            scheduler.runPending();
            io.micrometer.core.instrument.Timer t = registry.get("cronjob.guardian.duration")
                    .tags("namespace", "team-a", "cronjob", "h").timer();
            assertThat(t.count()).isEqualTo(2);
            assertThat(t.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(110.0);
            java.util.Map<Double, Double> buckets = new java.util.HashMap<>();
            for (io.micrometer.core.instrument.distribution.CountAtBucket b : t.takeSnapshot().histogramCounts()) {
                buckets.put(b.bucket(java.util.concurrent.TimeUnit.SECONDS), b.count());
            }
            assertThat(buckets).containsEntry(5.0, 0.0).containsEntry(15.0, 1.0).containsEntry(60.0, 1.0)
                    .containsEntry(120.0, 2.0).containsEntry(3600.0, 2.0).containsEntry(86_400.0, 2.0);
            // an informer relist delivers both Jobs again; a failover (lost and regained leadership) catches up
            watcher.relist();
            scheduler.runPending();
            election.revoke();
            scheduler.runPending();
            election.elect("a");
            scheduler.runPending();
            watcher.relist();
            scheduler.runPending();
            assertThat(t.count()).as("each run observed once").isEqualTo(2);
            // the percentile gauge has its own name now (no clash with the histogram in Prometheus)
            assertThat(gauge("cronjob.guardian.duration.percentile", "cronjob", "h", "percentile", "p50"))
                    .isEqualTo(55.0);
        }
    }

    @Test
    void theConfiguredDurationPercentilesAreWhatStatusAndMetricsReport() {
        MonitorSpec.Sla sla = new MonitorSpec.Sla(true, 95, 7, null, java.util.List.of(90, 75), 50, 14, null, null,
                null, null);
        try (Guardian g = Guardian.builder()
                .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s").build())
                .monitor(MonitorSpec.builder("team-a", "m").sla(sla).build()).store(store).watcher(watcher)
                .scheduler(scheduler).meterRegistry(registry).build().start()) {
            scheduler.runPending();
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "p").schedule("0 * * * *").build();
            watcher.addCronJob(cj);
            scheduler.advance(Duration.ofMinutes(30));
            for (int i = 0; i < 5; i++) {   // 10, 20, 30, 40, 50 s
                watcher.simulateRun(TestObjects.job(cj).name("p-" + i).uid("p" + i).scheduled(T0), T0, 0, true,
                        T0.plusSeconds(10L * (i + 1)));
            }
            scheduler.runPending();
            io.cronjobguardian.api.ExecutionStats st = g.status(cj.ref()).orElseThrow().stats();
            assertThat(st.percentiles().keySet()).containsExactly(75, 90);
            assertThat(st.percentile(75)).isEqualTo(Duration.ofSeconds(40));
            assertThat(st.percentile(90)).isEqualTo(Duration.ofSeconds(46));
            assertThat(g.statuses()).singleElement()
                    .satisfies(s -> assertThat(s.stats().percentiles()).isEqualTo(st.percentiles()));
            assertThat(gauge("cronjob.guardian.duration.percentile", "cronjob", "p", "percentile", "p90"))
                    .isEqualTo(46.0);
            assertThat(gauge("cronjob.guardian.duration.percentile", "cronjob", "p", "percentile", "p75"))
                    .isEqualTo(40.0);
            assertThat(registry.find("cronjob.guardian.duration.percentile").tags("percentile", "p50").gauge())
                    .as("not configured").isNull();
        }
    }

    @Test
    void aStandbyPublishesLeaderStatusZeroAndNoPerCronJobGauges() {
        ManualElection election = new ManualElection();
        try (Guardian g = guardian(election.candidate("a")).start()) {
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "x").schedule("0 * * * *").build();
            watcher.addCronJob(cj);
            scheduler.runPending();
            assertThat(gauge("cronjob.guardian.leader.status")).isEqualTo(0.0);
            election.elect("a");
            scheduler.runPending();
            assertThat(gauge("cronjob.guardian.leader.status")).isEqualTo(1.0);
            scheduler.advance(Duration.ofSeconds(10));
            JobSnapshot run = watcher.simulateRun(TestObjects.job(cj).name("x-1").uid("x1").scheduled(T0), T0, 0,
                    true, T0.plusSeconds(5));
            scheduler.runPending();
            assertThat(run.uid()).isEqualTo("x1");
            assertThat(gauge("cronjob.guardian.success.rate", "cronjob", "x")).isEqualTo(100.0);
            election.revoke();
            scheduler.runPending();
            assertThat(gauge("cronjob.guardian.leader.status")).isEqualTo(0.0);
            assertThat(registry.find("cronjob.guardian.success.rate").gauges()).isEmpty();
            assertThat(registry.find("cronjob.guardian.active.alerts").gauges()).isEmpty();
        }
    }

    @Test
    void countsRowsTheStoreRejectsAndSnapshotsAStandbyDropsFromItsMemory() {
        io.cronjobguardian.api.HistoryStore rejecting = (io.cronjobguardian.api.HistoryStore)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {io.cronjobguardian.api.HistoryStore.class}, (proxy, method, args) -> {
                            if (method.getName().equals("upsertExecution")
                                    && ((io.cronjobguardian.api.Execution) args[0]).jobUid().equals("bad")) {
                                throw new IllegalArgumentException("rejected");
                            }
                            try {
                                return method.invoke(store, args);
                            } catch (java.lang.reflect.InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
        ManualElection election = ManualElection.manual();
        try (Guardian g = Guardian.builder()
                .config(GuardianConfig.builder().noEnvironment().set("scheduler.startupGracePeriod", "0s").build())
                .monitor(MonitorSpec.of("team-a", "m")).store(rejecting).watcher(watcher).scheduler(scheduler)
                .leaderElector(election.candidate("a")).meterRegistry(registry).build().start()) {
            scheduler.runPending();
            assertThat(registry.get("cronjob.guardian.record.failures").tag("outcome", "skipped").counter().count())
                    .isZero();
            CronJobSnapshot cj = TestObjects.cronJob("team-a", "c").schedule("0 * * * *").build();
            watcher.addCronJob(cj);
            scheduler.advance(Duration.ofMinutes(10));
            watcher.addJob(TestObjects.job(cj).name("c-1").uid("old").failed(T0, T0.plusSeconds(5)).build());
            scheduler.runPending();
            // a standby drops what it kept an hour after it saw it
            scheduler.advance(Duration.ofMinutes(61));
            watcher.addJob(TestObjects.job(cj).name("c-2").uid("bad").failed(T0, T0.plusSeconds(6)).build());
            scheduler.runPending();
            assertThat(registry.get("cronjob.guardian.seen.runs.evicted").tag("reason", "age").counter().count())
                    .isEqualTo(1.0);
            election.elect("a");
            scheduler.runPending();
            assertThat(store.findExecution("bad")).isEmpty();
            assertThat(registry.get("cronjob.guardian.record.failures").tag("outcome", "skipped").counter().count())
                    .isEqualTo(1.0);
        }
    }
}
