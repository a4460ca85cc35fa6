package io.cronjobguardian.examples.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator against the mock API server, stepped minute by minute through one simulated hour. */
class ClusterSimulatorTest {

    /** 08:00:30 UTC on a winter day: Europe/Berlin is UTC+1. */
    private static final Instant T0 = Instant.parse("2026-01-14T08:00:30Z");
    private static final String NS = "team-a";

    private ManualClock clock;
    private MockApiServer api;
    private KubernetesClient k8s;

    @BeforeEach
    void setUp() {
        clock = new ManualClock(T0);
        api = MockApiServer.start(clock);
        k8s = api.newClient();
    }

    @AfterEach
    void tearDown() {
        api.close();
    }

    /** Advances the clock a minute at a time to {@code until}, running the simulator at each step. */
    private void step(ClusterSimulator sim, Instant until) {
        sim.createCronJobs();
        while (clock.instant().isBefore(until)) {
            Instant next = clock.instant().plusSeconds(60);
            clock.set(next.isAfter(until) ? until : next);
            sim.runUntil(clock.instant());
        }
    }

    private List<Job> jobs(String cronJob) {
        return k8s.batch().v1().jobs().inNamespace(NS).list().getItems().stream()
                .filter(j -> j.getMetadata().getName().startsWith(cronJob + "-"))
                .sorted(Comparator.comparing(j -> j.getMetadata().getName()))
                .collect(Collectors.toList());
    }

    private List<Pod> pods(String jobName) {
        return k8s.pods().inNamespace(NS).withLabel("job-name", jobName).list().getItems().stream()
                .sorted(Comparator.comparing(p -> p.getStatus().getStartTime()))
                .collect(Collectors.toList());
    }

    private static JobCondition condition(Job job, String type) {
        return job.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
                .orElse(null);
    }

    @Test
    void createsAJobForEverySlotOfAnHourTheWayTheCronJobControllerDoes() {
        ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "every5", "*/5 * * * *", Behaviour.healthy(Duration.ofSeconds(40)))
                        .withHistoryLimits(100, 100),
                SimulatedCronJob.of(NS, "berlin", "30 9 * * *", Behaviour.healthy(Duration.ofSeconds(40)))
                        .withTimeZone("Europe/Berlin"))
                .build();
        step(sim, T0.plus(Duration.ofHours(1)));

        CronJob cj = k8s.batch().v1().cronjobs().inNamespace(NS).withName("every5").get();
        List<Job> jobs = jobs("every5");
        // slots 08:05 ... 09:00
        assertThat(jobs).hasSize(12);
        for (int i = 0; i < jobs.size(); i++) {
            Instant slot = Instant.parse("2026-01-14T08:05:00Z").plus(Duration.ofMinutes(5L * i));
            Job job = jobs.get(i);
            assertThat(job.getMetadata().getName()).isEqualTo("every5-" + slot.getEpochSecond() / 60);
            assertThat(job.getMetadata().getAnnotations())
                    .containsEntry(ClusterSimulator.SCHEDULED_TIMESTAMP_ANNOTATION, slot.toString());
            assertThat(Instant.parse(job.getMetadata().getCreationTimestamp()))
                    .as("creation time from the simulated clock").isBetween(slot, slot.plusSeconds(60));
            OwnerReference owner = job.getMetadata().getOwnerReferences().get(0);
            assertThat(owner.getKind()).isEqualTo("CronJob");
            assertThat(owner.getName()).isEqualTo("every5");
            assertThat(owner.getUid()).isEqualTo(cj.getMetadata().getUid());
            assertThat(owner.getController()).isTrue();
            Instant started = Instant.parse(job.getStatus().getStartTime());
            assertThat(started).isAfter(slot).isBefore(slot.plusSeconds(4));
            if (i < jobs.size() - 1) {   // the 09:00 run is still running at 09:00:30
                assertThat(condition(job, "Complete").getStatus()).isEqualTo("True");
                assertThat(condition(job, "SuccessCriteriaMet").getStatus()).isEqualTo("True");
                assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
                assertThat(job.getStatus().getFailed()).isNull();
                Instant completed = Instant.parse(job.getStatus().getCompletionTime());
                assertThat(Duration.between(started, completed)).isBetween(Duration.ofSeconds(31),
                        Duration.ofSeconds(49));
                Pod pod = pods(job.getMetadata().getName()).get(0);
                assertThat(pod.getStatus().getPhase()).isEqualTo("Succeeded");
                assertThat(pod.getMetadata().getOwnerReferences().get(0).getUid())
                        .isEqualTo(job.getMetadata().getUid());
                assertThat(pod.getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
                        .isZero();
            } else {
                assertThat(job.getStatus().getConditions()).isNullOrEmpty();
                assertThat(job.getStatus().getActive()).isEqualTo(1);
            }
        }
        assertThat(cj.getStatus().getLastScheduleTime()).isEqualTo("2026-01-14T09:00:00Z");
        assertThat(cj.getStatus().getActive()).extracting(r -> r.getName())
                .containsExactly(jobs.get(11).getMetadata().getName());
        assertThat(Instant.parse(cj.getStatus().getLastSuccessfulTime())).isAfter(Instant.parse("2026-01-14T08:55:00Z"));

        // 09:30 Europe/Berlin in winter is 08:30 UTC
        assertThat(jobs("berlin")).singleElement().satisfies(j -> assertThat(j.getMetadata().getAnnotations())
                .containsEntry(ClusterSimulator.SCHEDULED_TIMESTAMP_ANNOTATION, "2026-01-14T08:30:00Z"));
        assertThat(sim.runs(NS, "every5")).hasSize(12)
                .allSatisfy(r -> assertThat(r.jobName()).startsWith("every5-"));
    }

    @Test
    void failedRunsCarryConditionsPodTerminationsLogsAndAnEvent() {
        ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "broken", "*/10 * * * *", Behaviour.flaky(Duration.ofSeconds(30), 100)))
                .build();
        step(sim, T0.plus(Duration.ofMinutes(15)));

        Job job = jobs("broken").get(0);
        assertThat(condition(job, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(condition(job, "FailureTarget").getStatus()).isEqualTo("True");
        assertThat(condition(job, "Complete")).isNull();
        assertThat(job.getStatus().getFailed()).isEqualTo(1);
        assertThat(job.getStatus().getCompletionTime()).isNull();
        assertThat(job.getSpec().getBackoffLimit()).isZero();

        Pod pod = pods(job.getMetadata().getName()).get(0);
        assertThat(pod.getStatus().getPhase()).isEqualTo("Failed");
        ContainerStateTerminated t = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
        assertThat(t.getExitCode()).isIn(1, 2, 137);
        assertThat(t.getReason()).isIn("Error", "OOMKilled");
        SimulatedRun run = sim.runs(NS, "broken").get(0);
        assertThat(run.outcome()).isEqualTo(SimulatedRun.Outcome.FAILED);
        assertThat(run.exitCode()).isEqualTo(t.getExitCode());

        String log = k8s.pods().inNamespace(NS).withName(pod.getMetadata().getName()).inContainer("main").tailingLines(2)
                .getLog();
        assertThat(log.strip().split("\n")).hasSize(2);
        assertThat(log).contains(t.getExitCode() == 137 ? "heap usage" : "exiting with code " + t.getExitCode());

        List<Event> events = k8s.v1().events().inNamespace(NS)
                .withField("involvedObject.uid", job.getMetadata().getUid()).list().getItems();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getReason()).isEqualTo("BackoffLimitExceeded");
            assertThat(e.getType()).isEqualTo("Warning");
        });
    }

    @Test
    void aRetryThenSuccessIsOneSuccessfulJobWithTwoPods() {
        ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "retry", "*/30 * * * *", Behaviour.retryThenSucceed(Duration.ofSeconds(60))))
                .build();
        step(sim, T0.plus(Duration.ofMinutes(35)));

        Job job = jobs("retry").get(0);
        assertThat(condition(job, "Complete").getStatus()).isEqualTo("True");
        assertThat(job.getStatus().getSucceeded()).isEqualTo(1);
        assertThat(job.getStatus().getFailed()).isEqualTo(1);
        List<Pod> pods = pods(job.getMetadata().getName());
        assertThat(pods).hasSize(2);
        assertThat(pods.get(0).getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
                .isEqualTo(1);
        assertThat(pods.get(1).getStatus().getContainerStatuses().get(0).getState().getTerminated().getExitCode())
                .isZero();
        assertThat(sim.runs(NS, "retry").get(0)).satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(SimulatedRun.Outcome.SUCCEEDED);
            assertThat(r.attempts()).isEqualTo(2);
        });
    }

    @Test
    void slowRunsGrowMissedSlotsAreSkippedAndSuspendedCronJobsNeverRun() {
        ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "slow", "*/5 * * * *", Behaviour.slow(Duration.ofSeconds(20), 1.5,
                        Duration.ofMinutes(2))),
                SimulatedCronJob.of(NS, "missed", "*/5 * * * *", Behaviour.missedAfter(2, Duration.ofSeconds(10))),
                SimulatedCronJob.of(NS, "paused", "*/5 * * * *", Behaviour.suspended()))
                .build();
        step(sim, T0.plus(Duration.ofHours(1)));

        List<Duration> durations = sim.runs(NS, "slow").stream().filter(SimulatedRun::finished)
                .map(SimulatedRun::duration).collect(Collectors.toList());
        assertThat(durations).hasSizeGreaterThan(6);
        assertThat(durations.get(3)).isGreaterThan(durations.get(0).multipliedBy(3));
        assertThat(durations).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMinutes(2)));

        assertThat(sim.runs(NS, "missed")).hasSize(2);
        assertThat(sim.skippedSlots(NS, "missed")).hasSize(10).first()
                .isEqualTo(Instant.parse("2026-01-14T08:15:00Z"));

        assertThat(k8s.batch().v1().cronjobs().inNamespace(NS).withName("paused").get().getSpec().getSuspend())
                .isTrue();
        assertThat(sim.runs(NS, "paused")).isEmpty();
        assertThat(jobs("paused")).isEmpty();
    }

    @Test
    void finishedJobsBeyondTheHistoryLimitsAreDeletedWithTheirPods() {
        ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "kept", "*/5 * * * *", Behaviour.healthy(Duration.ofSeconds(30))))
                .build();
        step(sim, T0.plus(Duration.ofMinutes(59)));   // 11 runs, all finished

        assertThat(sim.runs(NS, "kept")).hasSize(11);
        List<Job> jobs = jobs("kept");
        assertThat(jobs).hasSize(3);   // successfulJobsHistoryLimit
        assertThat(jobs.get(0).getMetadata().getAnnotations())
                .containsEntry(ClusterSimulator.SCHEDULED_TIMESTAMP_ANNOTATION, "2026-01-14T08:45:00Z");
        assertThat(k8s.pods().inNamespace(NS).list().getItems()).hasSize(3);
        assertThat(api.podLogCount()).isEqualTo(3);
    }

    @Test
    void aCronJobSuspendedByAnyoneGetsNoJobUntilResumed() {
        ClusterSimulator sim = ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "toggled", "*/10 * * * *", Behaviour.healthy(Duration.ofSeconds(10))))
                .build();
        step(sim, T0.plus(Duration.ofMinutes(15)));   // 08:10
        sim.setSuspended(NS, "toggled", true);
        step(sim, T0.plus(Duration.ofMinutes(35)));   // 08:20, 08:30 skipped
        sim.setSuspended(NS, "toggled", false);
        step(sim, T0.plus(Duration.ofMinutes(45)));   // 08:40
        assertThat(sim.runs(NS, "toggled")).extracting(SimulatedRun::slot).containsExactly(
                Instant.parse("2026-01-14T08:10:00Z"), Instant.parse("2026-01-14T08:40:00Z"));
        assertThat(sim.skippedSlots(NS, "toggled")).containsExactly(
                Instant.parse("2026-01-14T08:20:00Z"), Instant.parse("2026-01-14T08:30:00Z"));
    }

    @Test
    void theSameSeedGivesTheSameRunsAndAnotherSeedOthers() {
        Map<String, List<String>> bySeed = new java.util.HashMap<>();
        for (long seed : new long[] {7, 7, 8}) {
            ManualClock c = new ManualClock(T0);
            try (MockApiServer server = MockApiServer.start(c)) {
                ClusterSimulator sim = ClusterSimulator.builder(server, c).seed(seed).cronJob(
                        SimulatedCronJob.of(NS, "coin", "*/5 * * * *", Behaviour.flaky(Duration.ofSeconds(30), 50)))
                        .build();
                sim.createCronJobs();
                for (int m = 1; m <= 120; m++) {
                    c.set(T0.plus(Duration.ofMinutes(m)));
                    sim.runUntil(c.instant());
                }
                List<String> outcome = sim.runs().stream().filter(SimulatedRun::finished)
                        .map(r -> r.jobName() + " " + r.outcome() + " " + r.duration() + " " + r.exitCode())
                        .collect(Collectors.toList());
                assertThat(outcome).hasSizeGreaterThanOrEqualTo(23);
                if (bySeed.containsKey("seed " + seed)) {
                    assertThat(outcome).isEqualTo(bySeed.get("seed " + seed));
                }
                bySeed.put("seed " + seed, outcome);
            }
        }
        assertThat(bySeed.get("seed 7")).isNotEqualTo(bySeed.get("seed 8"));
        assertThat(bySeed.get("seed 7")).anyMatch(s -> s.contains("FAILED")).anyMatch(s -> s.contains("SUCCEEDED"));
    }

    @Test
    void invalidSpecsAreRefusedEarly() {
        assertThatThrownBy(() -> SimulatedCronJob.of(NS, "x", "*/5 * * *", Behaviour.healthy(Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SimulatedCronJob.of(NS, "x", "* * * * *", Behaviour.healthy(Duration.ofSeconds(1)))
                .withTimeZone("Mars/Olympus")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Behaviour.flaky(Duration.ofSeconds(1), 101))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClusterSimulator.builder(api, clock).cronJob(
                SimulatedCronJob.of(NS, "x", "* * * * *", Behaviour.healthy(Duration.ofSeconds(1))),
                SimulatedCronJob.of(NS, "x", "*/2 * * * *", Behaviour.healthy(Duration.ofSeconds(1)))).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("team-a/x");
    }
}
