package io.cronjobguardian.examples.simulator;

import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;

/**
 * Simulated CronJobs together with the monitors that watch them.
 *
 * @param cronJobs what the {@link ClusterSimulator} creates and runs
 * @param monitors what the engine is given
 */
public record Scenario(List<SimulatedCronJob> cronJobs, List<MonitorSpec> monitors) {

    public Scenario {
        cronJobs = List.copyOf(Objects.requireNonNull(cronJobs, "cronJobs"));
        monitors = List.copyOf(Objects.requireNonNull(monitors, "monitors"));
    }

    /** Namespace of the payment team's CronJobs. */
    public static final String PAYMENTS = "payments";
    /** Namespace of the data team's CronJobs. */
    public static final String DATA = "data";
    /** Namespace of the operations team's CronJobs. */
    public static final String OPS = "ops";

    /**
     * The quickstart's cluster: eight CronJobs in three namespaces covering every {@link Behaviour}, and one monitor
     * per namespace. At 60× real time everything below shows within about two minutes.
     *
     * <table>
     *   <caption>CronJobs</caption>
     *   <tr><th>CronJob</th><th>schedule</th><th>behaviour</th><th>what the monitor reports</th></tr>
     *   <tr><td>payments/invoice-export</td><td>{@code *}{@code /5 * * * *}</td><td>healthy, ~40 s</td>
     *       <td>nothing</td></tr>
     *   <tr><td>payments/ledger-sync</td><td>{@code *}{@code /10 * * * *}</td><td>35 % of runs fail</td>
     *       <td>JobFailed (exit code, reason, log tail), SLA success rate below 90 %</td></tr>
     *   <tr><td>payments/settlement-report</td><td>{@code 15 *}{@code /2 * * *} America/New_York</td>
     *       <td>healthy, ~2 min</td><td>nothing (slots follow {@code spec.timeZone})</td></tr>
     *   <tr><td>data/report-builder</td><td>{@code *}{@code /15 * * * *}</td><td>first pod fails, retry succeeds</td>
     *       <td>nothing: one successful run with attempts = 2</td></tr>
     *   <tr><td>data/warehouse-load</td><td>{@code *}{@code /5 * * * *}</td><td>each run 8 % slower, 30 s to 5 min</td>
     *       <td>DurationRegression (P95 of the last hour vs the day), SLA maxDuration 3 min</td></tr>
     *   <tr><td>ops/cert-renewal</td><td>{@code *}{@code /20 * * * *}</td><td>runs 3 times, then no Job</td>
     *       <td>MissedSchedule (dead-man's switch from the schedule, 10 min grace)</td></tr>
     *   <tr><td>ops/legacy-cleanup</td><td>{@code 0 * * * *}</td><td>suspended</td>
     *       <td>SuspendedTooLong after 1 h</td></tr>
     *   <tr><td>ops/log-rotate</td><td>{@code *}{@code /10 * * * *}</td><td>healthy, ~15 s</td><td>nothing</td></tr>
     * </table>
     * The ops monitor has a maintenance window (every 6 hours at :00 UTC for 30 minutes) that holds its alerts back.
     */
    public static Scenario quickstart() {
        List<SimulatedCronJob> cronJobs = List.of(
                SimulatedCronJob.of(PAYMENTS, "invoice-export", "*/5 * * * *",
                        Behaviour.healthy(Duration.ofSeconds(40))).withLabel("team", PAYMENTS),
                SimulatedCronJob.of(PAYMENTS, "ledger-sync", "*/10 * * * *",
                        Behaviour.flaky(Duration.ofSeconds(90), 35)).withLabel("team", PAYMENTS),
                SimulatedCronJob.of(PAYMENTS, "settlement-report", "15 */2 * * *",
                        Behaviour.healthy(Duration.ofMinutes(2))).withTimeZone("America/New_York")
                        .withLabel("team", PAYMENTS),
                SimulatedCronJob.of(DATA, "report-builder", "*/15 * * * *",
                        Behaviour.retryThenSucceed(Duration.ofSeconds(60))).withLabel("team", DATA),
                SimulatedCronJob.of(DATA, "warehouse-load", "*/5 * * * *",
                        Behaviour.slow(Duration.ofSeconds(30), 1.08, Duration.ofMinutes(5))).withLabel("team", DATA),
                SimulatedCronJob.of(OPS, "cert-renewal", "*/20 * * * *",
                        Behaviour.missedAfter(3, Duration.ofSeconds(20))).withLabel("team", OPS),
                SimulatedCronJob.of(OPS, "legacy-cleanup", "0 * * * *", Behaviour.suspended())
                        .withLabel("team", OPS),
                SimulatedCronJob.of(OPS, "log-rotate", "*/10 * * * *",
                        Behaviour.healthy(Duration.ofSeconds(15))).withLabel("team", OPS));

        MonitorSpec payments = MonitorSpec.builder(PAYMENTS, "payments-jobs")
                .deadManSwitch(fromSchedule(Duration.ofMinutes(15)))
                .sla(MonitorSpec.Sla.defaults().withSuccessRate(90, 1))
                .build();
        MonitorSpec data = MonitorSpec.builder(DATA, "data-pipelines")
                .deadManSwitch(fromSchedule(Duration.ofMinutes(15)))
                .sla(new MonitorSpec.Sla(true, 95, 1, Duration.ofMinutes(3), MonitorSpec.Sla.DEFAULT_PERCENTILES,
                        50, 1, Duration.ofHours(1), 5, 3, null))
                .build();
        MonitorSpec ops = MonitorSpec.builder(OPS, "ops-jobs")
                .deadManSwitch(fromSchedule(Duration.ofMinutes(10)))
                .suspendedHandling(new MonitorSpec.SuspendedHandling(true, Duration.ofHours(1)))
                .maintenanceWindow(new MonitorSpec.MaintenanceWindow("patch-window", "0 */6 * * *",
                        Duration.ofMinutes(30), ZoneOffset.UTC, true))
                .build();
        return new Scenario(cronJobs, List.of(payments, data, ops));
    }

    /** Missed-run detection from the schedule with the given grace after each slot. */
    static MonitorSpec.DeadManSwitch fromSchedule(Duration grace) {
        return new MonitorSpec.DeadManSwitch(true, null, new MonitorSpec.AutoFromSchedule(true, grace, 1));
    }

    /** The CronJob of a scenario by namespace and name. */
    public SimulatedCronJob cronJob(String namespace, String name) {
        return cronJobs.stream().filter(c -> c.namespace().equals(namespace) && c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no CronJob " + namespace + "/" + name));
    }
}
