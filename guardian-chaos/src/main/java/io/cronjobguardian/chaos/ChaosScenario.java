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

    /** The simulated CronJobs; no Job is deleted by history limits, so every Job stays visible. */
    public static List<SimulatedCronJob> cronJobs() {
        List<SimulatedCronJob> list = List.of(
                SimulatedCronJob.of("payments", "settle", "* * * * *", Behaviour.healthy(Duration.ofSeconds(20))),
                SimulatedCronJob.of("payments", "reconcile", "* * * * *", Behaviour.flaky(Duration.ofSeconds(25), 40)),
                SimulatedCronJob.of("payments", "export", "*/2 * * * *",
                        Behaviour.retryThenSucceed(Duration.ofSeconds(15))),
                SimulatedCronJob.of("reports", "daily", "* * * * *", Behaviour.healthy(Duration.ofSeconds(10))),
                SimulatedCronJob.of("reports", "rollup", "* * * * *", Behaviour.flaky(Duration.ofSeconds(30), 50)));
        return list.stream().map(c -> c.withHistoryLimits(1000, 1000)).collect(Collectors.toList());
    }

    /** One monitor per namespace, every alert to every channel of {@link #CHANNELS}. */
    public static List<MonitorSpec> monitors() {
        return NAMESPACES.stream().map(ns -> MonitorSpec.builder(ns, "all-" + ns)
                .alerting(MonitorSpec.Alerting.toChannels(CHANNELS.toArray(String[]::new))).build())
                .collect(Collectors.toList());
    }
}
