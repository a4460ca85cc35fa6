package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.core.IncidentListener;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A Kubernetes 1.31+ Job is failed from its {@code FailureTarget} condition on, while its pods still terminate: the
 * watcher delivers FAILED with the termination of that moment (here the Job's own condition, the container is still
 * being killed), and again when the {@code Failed} condition comes with the final container termination and a later
 * finish time. The stored run holds the final one, once, with no second incident or announcement.
 */
class FinalTerminationTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final Termination AT_FAILURE_TARGET = new Termination(null, null, "DeadlineExceeded", null,
            "Job was active longer than specified deadline");
    private static final Termination FINAL = new Termination("main", 137, "OOMKilled", null, "memory limit 64Mi");

    /** Counts what the engine announces and counts as runs. */
    private static final class Seen implements IncidentListener, EngineObserver {
        final List<String> incidents = new ArrayList<>();
        final List<String> runs = new ArrayList<>();

        @Override
        public void opened(Incident incident, MonitorSpec monitor, long epoch) {
            incidents.add("opened " + incident.id());
        }

        @Override
        public void changed(Incident before, Incident after, MonitorSpec monitor, long epoch) {
            incidents.add("changed " + after.id());
        }

        @Override
        public void recorded(JobSnapshot job) {
            runs.add(job.uid());
        }
    }

    private static EngineHarness harness(ScriptableCronJobWatcher w, Seen seen, Consumer<GuardianConfig.Builder> c) {
        return new EngineHarness(new ManualClock(T0), List.of(MonitorSpec.of("team-a", "plain")),
                new InMemoryHistoryStore(), w, w, c, b -> b.incidentListener(seen).observer(seen));
    }

    private static JobSnapshot failureTarget(CronJobSnapshot cj) {
        return TestObjects.job(cj).name("report-1").uid("u1").scheduled(T0).failed(T0, T0.plusSeconds(60))
                .condition("DeadlineExceeded", "Job was active longer than specified deadline")
                .termination(AT_FAILURE_TARGET).build();
    }

    /** The same Job once its {@code Failed} condition is set: the container's termination, 30 s later. */
    private static JobSnapshot failed(CronJobSnapshot cj) {
        return TestObjects.job(cj).name("report-1").uid("u1").scheduled(T0).failed(T0, T0.plusSeconds(90))
                .condition("DeadlineExceeded", "Job was active longer than specified deadline")
                .termination(FINAL).build();
    }

    @Test
    void theFinalTerminationReplacesTheOneOfFailureTargetWithoutANewIncident() {
        Seen seen = new Seen();
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        try (EngineHarness h = harness(w, seen, c -> c.set("storage.logStorageEnabled", "true")).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "report").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(1));
            w.setLogTail("u1", "step 1\nstep 2\n");
            w.addJob(failureTarget(cj));
            h.run();
            Incident first = h.openIncidents(AlertType.JOB_FAILED).get(0);
            assertThat(first.context().reason()).isEqualTo("DeadlineExceeded");
            assertThat(h.store.findExecution("u1")).get().extracting(e -> e.job().lastTermination())
                    .isEqualTo(AT_FAILURE_TARGET);

            h.advance(Duration.ofSeconds(30));
            w.setLogTail("u1", "fetched again\n");
            w.updateJob(failed(cj));
            h.run();
            Execution e = h.store.findExecution("u1").orElseThrow();
            assertThat(e.job().lastTermination()).isEqualTo(FINAL);
            assertThat(e.job().finishedAt()).isEqualTo(T0.plusSeconds(90));
            assertThat(e.suggestedFix()).startsWith("The container was OOMKilled");
            assertThat(e.logTail()).isEqualTo("step 1\nstep 2\n");   // stored with the first: not fetched again
            // the same incident, current for readers, neither opened again nor announced as a changed failure
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement().satisfies(i -> {
                assertThat(i.id()).isEqualTo(first.id());
                assertThat(i.message()).contains("OOMKilled").contains("exit code 137");
                assertThat(i.context().exitCode()).isEqualTo(137);
            });
            assertThat(h.allIncidents()).hasSize(1);
            assertThat(seen.incidents).containsExactly("opened " + first.id());
            assertThat(seen.runs).containsExactly("u1");

            // informer resyncs of the unchanged Job write nothing
            InMemoryHistoryStore store = (InMemoryHistoryStore) h.store;
            Execution before = store.findExecution("u1").orElseThrow();
            w.setLogTail("u1", "third\n");
            w.relist();
            h.run();
            assertThat(store.findExecution("u1")).contains(before);
            assertThat(seen.runs).containsExactly("u1");
        }
    }

    @Test
    void theFailureContextIsFetchedForTheFinalTerminationWhenTheFirstFetchFoundNone() {
        Seen seen = new Seen();
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        try (EngineHarness h = harness(w, seen, c -> c.set("storage.logStorageEnabled", "true")
                .set("storage.eventStorageEnabled", "true")).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "report").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(1));
            w.addJob(failureTarget(cj));   // no log yet, no events
            h.run();
            assertThat(h.store.findExecution("u1")).get().satisfies(e -> assertThat(e.logTail()).isNull());

            h.advance(Duration.ofSeconds(30));
            w.setLogTail("u1", "allocating\nKilled\n");
            w.setEvents("u1", "DeadlineExceeded: Job was active longer than specified deadline");
            w.updateJob(failed(cj));
            h.run();
            assertThat(h.store.findExecution("u1")).get().satisfies(e -> {
                assertThat(e.job().lastTermination()).isEqualTo(FINAL);
                assertThat(e.logTail()).isEqualTo("allocating\nKilled\n");
                assertThat(e.events()).containsExactly(
                        "DeadlineExceeded: Job was active longer than specified deadline");
            });
            assertThat(seen.incidents).hasSize(1);
        }
    }
}
