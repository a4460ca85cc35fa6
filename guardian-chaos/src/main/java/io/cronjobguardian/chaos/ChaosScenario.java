package io.cronjobguardian.chaos;

import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.examples.simulator.Behaviour;
import io.cronjobguardian.examples.simulator.SimulatedCronJob;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the chaos cluster runs: CronJobs in two namespaces every simulated minute (healthy, flaky, retried), and one
 * monitor per namespace routing every alert to both channels. The replicas and the simulator build it from this one
 * class, so they agree.
 */
public final class ChaosScenario {

    /** The webhook channels every monitor routes to. */
    public static final List<String> CHANNELS = List.of("hook", "hook2");
    /** Namespaces simulated. */
    public static final List<String> NAMESPACES = List.of("payments", "reports");

    private ChaosScenario() {
    }

    /**
     * The dead-man window of every monitor ({@code deadManSwitch.autoFromSchedule.buffer}, simulated time): a slot
     * whose Job has not started this long after it (plus the engine's {@code scheduler.observationGrace}) is missed.
     */
    public static final Duration MISSED_BUFFER = Duration.ofSeconds(60);
    /** The engine's default {@code scheduler.observationGrace} (simulated time), added to {@link #MISSED_BUFFER}. */
    public static final Duration OBSERVATION_GRACE = Duration.ofSeconds(5);
    /** The CronJob whose Jobs are deleted the moment they finish ({@code ttlSecondsAfterFinished: 0}). */
    public static final String DELETED_AT_ONCE = "payments/cleanup";
    /** The CronJob that stops being scheduled after {@link #STUCK_AFTER_RUNS} runs (the controller skips it). */
    public static final String STUCK = "reports/stuck";
    /**
     * Runs of {@link #STUCK} before its slots are skipped: at speed 20, 30 s after the start, so that its first
     * deadline normally falls after the first election (replica JVMs take 15–20 s to start and elect).
     */
    public static final int STUCK_AFTER_RUNS = 10;

    /**
     * The simulated CronJobs. Jobs of {@link #DELETED_AT_ONCE} are deleted (with their pods and events) right after
     * their terminal status is written (history limits 0: {@code ttlSecondsAfterFinished: 0} behaviour); every other
     * Job stays visible. {@link #STUCK} runs {@link #STUCK_AFTER_RUNS} times and then gets no more Jobs.
     */
    public static List<SimulatedCronJob> cronJobs() {
        return cronJobs(true);
    }

    /**
     * The simulated CronJobs, with or without {@link #DELETED_AT_ONCE}.
     *
     * @param deletedAtOnce whether {@link #DELETED_AT_ONCE} is simulated
     * @return the CronJobs
     */
    public static List<SimulatedCronJob> cronJobs(boolean deletedAtOnce) {
        List<SimulatedCronJob> list = List.of(
                SimulatedCronJob.of("payments", "settle", "* * * * *", Behaviour.healthy(Duration.ofSeconds(20))),
                SimulatedCronJob.of("payments", "reconcile", "* * * * *", Behaviour.flaky(Duration.ofSeconds(25), 40)),
                SimulatedCronJob.of("payments", "export", "*/2 * * * *",
                        Behaviour.retryThenSucceed(Duration.ofSeconds(15))),
                SimulatedCronJob.of("reports", "daily", "* * * * *", Behaviour.healthy(Duration.ofSeconds(10))),
                SimulatedCronJob.of("reports", "rollup", "* * * * *", Behaviour.flaky(Duration.ofSeconds(30), 50)));
        List<SimulatedCronJob> all = new java.util.ArrayList<>(
                list.stream().map(c -> c.withHistoryLimits(1000, 1000)).collect(Collectors.toList()));
        if (deletedAtOnce) {
            all.add(SimulatedCronJob.of("payments", "cleanup", "* * * * *", Behaviour.flaky(Duration.ofSeconds(15), 30))
                    .withHistoryLimits(0, 0));
        }
        all.add(SimulatedCronJob.of("reports", "stuck", "* * * * *",
                Behaviour.missedAfter(STUCK_AFTER_RUNS, Duration.ofSeconds(10))).withHistoryLimits(1000, 1000));
        return all;
    }

    /**
     * One monitor per namespace, every alert to every channel of {@link #CHANNELS}, missed slots alerted after
     * {@link #MISSED_BUFFER}.
     */
    public static List<MonitorSpec> monitors() {
        MonitorSpec.DeadManSwitch missed = new MonitorSpec.DeadManSwitch(true, null,
                new MonitorSpec.AutoFromSchedule(true, MISSED_BUFFER, 1));
        return NAMESPACES.stream().map(ns -> MonitorSpec.builder(ns, "all-" + ns).deadManSwitch(missed)
                .alerting(MonitorSpec.Alerting.toChannels(CHANNELS.toArray(String[]::new))).build())
                .collect(Collectors.toList());
    }
}
