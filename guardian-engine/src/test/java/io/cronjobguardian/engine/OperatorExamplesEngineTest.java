package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpecLoader;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator's own example monitor files (unchanged fixtures under {@code monitors/operator-examples/}) loaded
 * with {@link MonitorSpecLoader} and run by the engine: the checks they configure act as configured.
 */
class OperatorExamplesEngineTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");   // a Monday

    static Path example(String name) {
        try {
            return Path.of(OperatorExamplesEngineTest.class.getResource("/monitors/operator-examples/" + name)
                    .toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    static List<Path> allExamples() throws IOException {
        try (Stream<Path> files = Files.list(example("basic.yaml").getParent())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted()
                    .collect(Collectors.toList());
        }
    }

    private static List<MonitorSpec> load(String... files) {
        return MonitorSpecLoader.defaults().load(Stream.of(files).map(OperatorExamplesEngineTest::example)
                .collect(Collectors.toList())).monitors();
    }

    private static List<String> openKeys(EngineHarness h) {
        return h.openIncidents().stream()
                .map(i -> i.key().type() + " " + i.key().cronJob() + " " + i.key().monitor() + " " + i.severity())
                .sorted().collect(Collectors.toList());
    }

    @Test
    void everyExampleFileLoadsThroughMonitorsFilesAndTheirDeadManSwitchesActOnTheCronJobsTheySelect()
            throws IOException {
        String files = allExamples().stream().map(Path::toString).collect(Collectors.joining(","));
        try (EngineHarness h = new EngineHarness(T0, List.of(), new InMemoryHistoryStore(),
                new ScriptableCronJobWatcher(), c -> c.set("monitors.files", files)).start()) {
            assertThat(h.guardian.monitors()).hasSize(19);
            assertThat(h.guardian.monitorStatuses()).hasSize(19);
            CronJobSnapshot backup = h.addCronJob(TestObjects.cronJob("production", "db-backup")
                    .label("tier", "critical").schedule("0 2 * * *").creationTime(T0));
            h.addCronJob(TestObjects.cronJob("production", "report").label("tier", "low").schedule("0 3 * * *")
                    .creationTime(T0));
            h.addCronJob(TestObjects.cronJob("sandbox", "db-backup").label("tier", "critical").schedule("0 2 * * *")
                    .creationTime(T0));

            // maxTimeSinceLastSuccess: 25h, no success since creation
            h.advanceTo(T0.plus(Duration.ofHours(25)).minusMillis(1));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(25)));
            assertThat(openKeys(h)).containsExactly(
                    "DEAD_MAN_TRIGGERED production/db-backup cronjob-guardian/cluster-wide-monitor CRITICAL",
                    "DEAD_MAN_TRIGGERED production/db-backup cronjob-guardian/multi-namespace-monitor CRITICAL",
                    "DEAD_MAN_TRIGGERED production/db-backup production/all-jobs CRITICAL",
                    "DEAD_MAN_TRIGGERED production/db-backup production/critical-jobs CRITICAL",
                    "DEAD_MAN_TRIGGERED production/db-backup production/full-featured CRITICAL",
                    "DEAD_MAN_TRIGGERED production/report production/all-jobs CRITICAL",
                    "DEAD_MAN_TRIGGERED sandbox/db-backup cronjob-guardian/cluster-wide-monitor CRITICAL");
            assertThat(h.openIncidents()).allSatisfy(i -> assertThat(i.openedAt())
                    .isEqualTo(T0.plus(Duration.ofHours(25))));

            // a success resolves the switch of every monitor that selects db-backup
            h.advanceTo(T0.plus(Duration.ofHours(26)).plus(Duration.ofMinutes(2)));   // Tuesday 02:02
            h.finishedRun(backup, T0.plus(Duration.ofHours(26)), Duration.ofMinutes(1), true);
            assertThat(h.openIncidents()).extracting(i -> i.key().cronJob().toString())
                    .containsExactlyInAnyOrder("production/report", "sandbox/db-backup");
        }
    }

    @Test
    void basicExampleSlaOfNinetyNinePercentBreachesOnOneFailureInThree() {
        try (EngineHarness h = new EngineHarness(T0, load("basic.yaml")).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("production", "billing").label("tier", "critical")
                    .schedule("0 * * * *").creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofHours(3)).plus(Duration.ofMinutes(5)));
            h.finishedRun(cj, T0.plus(Duration.ofHours(1)), Duration.ofMinutes(1), true);
            h.finishedRun(cj, T0.plus(Duration.ofHours(2)), Duration.ofMinutes(1), false);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).as("2 runs: below the minimum of 3").isEmpty();
            h.finishedRun(cj, T0.plus(Duration.ofHours(3)), Duration.ofMinutes(1), true);
            assertThat(h.openIncidents(AlertType.SLA_BREACHED)).singleElement().satisfies(i -> {
                assertThat(i.key().monitor()).isEqualTo("production/critical-jobs");
                assertThat(i.severity()).isEqualTo(Severity.WARNING);
                assertThat(i.message()).contains("66.7%").contains("99.0%");
            });
        }
    }

    @Test
    void testScenarioMonitorsMissedSlotsMaxDurationSeverityOverridesAndSuspension() {
        try (EngineHarness h = new EngineHarness(T0, load("test-scenarios-monitors.yaml")).start()) {
            CronJobSnapshot fast = h.addCronJob(TestObjects.cronJob("default", "healthy-fast")
                    .schedule("*/5 * * * *").creationTime(T0));
            CronJobSnapshot slow = h.addCronJob(TestObjects.cronJob("default", "healthy-slow")
                    .schedule("0 * * * *").creationTime(T0));
            CronJobSnapshot flaky = h.addCronJob(TestObjects.cronJob("default", "flaky-50-percent")
                    .schedule("*/5 * * * *").creationTime(T0));
            CronJobSnapshot exit1 = h.addCronJob(TestObjects.cronJob("default", "exit-code-1")
                    .schedule("0 * * * *").creationTime(T0));
            h.addCronJob(TestObjects.cronJob("default", "suspended-maintenance").schedule("0 * * * *")
                    .suspended(true).creationTime(T0));

            // healthy-slow runs 00:00 and is still running 5 minutes later: critical-jobs' maxDuration 5m with
            // slaBreached overridden to critical
            JobSnapshot slowRun = h.runningJob(slow, T0, T0);
            h.advanceTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(T0.plus(Duration.ofMinutes(5)).plusMillis(1));
            assertThat(h.openIncidents()).singleElement().satisfies(i -> {
                assertThat(i.key().type()).isEqualTo(AlertType.SLA_BREACHED);
                assertThat(i.key().cronJob()).isEqualTo(slow.ref());
                assertThat(i.key().monitor()).isEqualTo("default/critical-jobs");
                assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(i.message()).contains(slowRun.name()).contains("has been running for");
            });

            // healthy-fast: 00:05 runs, 00:10 is missed (critical-jobs: buffer 10m, threshold 1)
            h.advanceTo(T0.plus(Duration.ofMinutes(6)));
            h.finishedRun(fast, T0.plus(Duration.ofMinutes(5)), Duration.ofSeconds(30), true);
            h.advanceTo(T0.plus(Duration.ofMinutes(20)).minusMillis(1));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).isEmpty();
            h.advanceTo(T0.plus(Duration.ofMinutes(20)));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).filteredOn(i -> i.key().cronJob()
                    .equals(fast.ref())).singleElement().satisfies(i -> {
                        assertThat(i.key().monitor()).isEqualTo("default/critical-jobs");
                        assertThat(i.openedAt()).isEqualTo(T0.plus(Duration.ofMinutes(20)));
                    });
            // flaky-50-percent (flaky-jobs: buffer 15m, threshold 3) has missed 00:05 .. 00:15 by 00:30 only
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).noneMatch(i -> i.key().cronJob()
                    .equals(flaky.ref()));
            h.advanceTo(T0.plus(Duration.ofMinutes(30)).minusMillis(1));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).noneMatch(i -> i.key().cronJob()
                    .equals(flaky.ref()));
            h.advanceTo(T0.plus(Duration.ofMinutes(30)));
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).filteredOn(i -> i.key().cronJob()
                    .equals(flaky.ref())).singleElement().satisfies(i -> {
                        assertThat(i.key().monitor()).isEqualTo("default/flaky-jobs");
                        assertThat(i.context().attributes()).containsEntry("missedRuns", "3");
                    });

            // done with the every-5-minutes ones
            h.watcher.deleteCronJob(fast.ref());
            h.watcher.deleteCronJob(flaky.ref());
            h.run();

            // exit-code-1 (test-scenarios: jobFailed warning, minSuccessRate 0): JobFailed as a warning, and a
            // 0 % success rate never breaches a 0 % objective
            for (int i = 0; i < 3; i++) {
                h.finishedRun(exit1, T0.minus(Duration.ofHours(3 - i)), Duration.ofSeconds(5), false);
            }
            assertThat(h.openIncidents()).filteredOn(i -> i.key().cronJob().equals(exit1.ref()))
                    .singleElement().satisfies(i -> {
                        assertThat(i.key().type()).isEqualTo(AlertType.JOB_FAILED);
                        assertThat(i.key().monitor()).isEqualTo("default/test-scenarios");
                        assertThat(i.severity()).isEqualTo(Severity.WARNING);
                    });

            // suspended-maintenance (suspended-jobs: alertIfSuspendedFor 24h), seen suspended since T0
            h.advanceTo(T0.plus(Duration.ofHours(24)).minusMillis(1));
            assertThat(h.openIncidents(AlertType.SUSPENDED_TOO_LONG)).isEmpty();
            h.advanceTo(T0.plus(Duration.ofHours(24)));
            assertThat(h.openIncidents(AlertType.SUSPENDED_TOO_LONG)).singleElement().satisfies(i -> {
                assertThat(i.key().monitor()).isEqualTo("default/suspended-jobs");
                assertThat(i.key().cronJob().name()).isEqualTo("suspended-maintenance");
            });
        }
    }

    @Test
    void financialReportsQuarterEndWindowHoldsTheDeadManAlertUntilTheWindowCloses() {
        Instant created = Instant.parse("2026-03-31T00:00:00Z");
        try (EngineHarness h = new EngineHarness(created, load("financial-reports.yaml")).start()) {
            h.addCronJob(TestObjects.cronJob("finance", "daily-revenue-report").schedule("0 6 * * *")
                    .creationTime(created));
            h.addCronJob(TestObjects.cronJob("finance", "ad-hoc").schedule("0 6 * * *").creationTime(created));
            // due 1 Apr 01:00, inside the quarter-end window 1 Apr 00:00 - 2 Apr 00:00 (UTC)
            h.advanceTo(Instant.parse("2026-04-01T23:59:59.999Z"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-04-02T00:00:00Z"));
            assertThat(h.openIncidents()).singleElement().satisfies(i -> {
                assertThat(i.key().type()).isEqualTo(AlertType.DEAD_MAN_TRIGGERED);
                assertThat(i.key().cronJob().name()).isEqualTo("daily-revenue-report");
                assertThat(i.openedAt()).isEqualTo(Instant.parse("2026-04-02T00:00:00Z"));
            });
        }
    }

    @Test
    void fullFeaturedSundayWindowHoldsJobFailedAndTheAlertCarriesTheLast100LogLinesAndEvents() {
        Instant saturday = Instant.parse("2026-06-06T12:00:00Z");
        assertThat(saturday.atZone(ZoneOffset.UTC).getDayOfWeek()).isEqualTo(DayOfWeek.SATURDAY);
        try (EngineHarness h = new EngineHarness(saturday, load("full-featured.yaml")).start()) {
            CronJobSnapshot high = h.addCronJob(TestObjects.cronJob("production", "etl").label("tier", "high")
                    .schedule("0 3 * * *").creationTime(saturday));
            CronJobSnapshot low = h.addCronJob(TestObjects.cronJob("production", "cleanup").label("tier", "low")
                    .schedule("0 3 * * *").creationTime(saturday));
            Instant sunday3 = Instant.parse("2026-06-07T03:00:00Z");
            h.advanceTo(sunday3.plus(Duration.ofMinutes(2)));
            String log = IntStream.rangeClosed(1, 150).mapToObj(n -> "line " + n + "\n")
                    .collect(Collectors.joining());
            for (CronJobSnapshot cj : List.of(high, low)) {
                String uid = cj.ref().name() + "-sun";
                h.watcher.setLogTail(uid, log);
                h.watcher.setEvents(uid, "BackoffLimitExceeded: Job has reached the specified backoff limit");
                h.watcher.addJob(TestObjects.job(cj).name(uid).uid(uid).scheduled(sunday3)
                        .failed(sunday3, Duration.ofMinutes(1)).exitCode(1, "Error").build());
                h.run();
            }
            // weekly-maintenance: Sunday 02:00 for 4h (UTC)
            h.advanceTo(Instant.parse("2026-06-07T05:59:59.999Z"));
            assertThat(h.openIncidents()).isEmpty();
            h.advanceTo(Instant.parse("2026-06-07T06:00:00Z"));
            List<Incident> open = h.openIncidents();
            assertThat(open).singleElement().satisfies(i -> {
                assertThat(i.key().type()).isEqualTo(AlertType.JOB_FAILED);
                assertThat(i.key().cronJob()).isEqualTo(high.ref());
                assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
                assertThat(i.openedAt()).isEqualTo(Instant.parse("2026-06-07T06:00:00Z"));
                String expected = IntStream.rangeClosed(51, 150).mapToObj(n -> "line " + n + "\n")
                        .collect(Collectors.joining());
                assertThat(i.context().logTail()).isEqualTo(expected);
                assertThat(i.context().events()).containsExactly(
                        "BackoffLimitExceeded: Job has reached the specified backoff limit");
            });
        }
    }

    @Test
    void namespaceSelectorExampleSelectsByNamespaceLabelsAndCronJobLabels() {
        List<MonitorSpec> monitors = load("namespace-selector.yaml");
        try (EngineHarness h = SelectorEngineTest.withNamespaceLabels(monitors, Map.of(
                "shop", Map.of("environment", "production"),
                "shop-staging", Map.of("environment", "staging")), c -> { }).start()) {
            List<CronJobSnapshot> all = List.of(
                    h.addCronJob(TestObjects.cronJob("shop", "orders").label("monitored", "true")),
                    h.addCronJob(TestObjects.cronJob("shop", "unmonitored")),
                    h.addCronJob(TestObjects.cronJob("shop-staging", "orders").label("monitored", "true")));
            h.advanceTo(T0.plus(Duration.ofHours(4)));
            for (CronJobSnapshot cj : all) {
                h.finishedRun(cj, T0.plus(Duration.ofHours(1)), Duration.ofMinutes(1), true);
                h.finishedRun(cj, T0.plus(Duration.ofHours(2)), Duration.ofMinutes(1), true);
                h.finishedRun(cj, T0.plus(Duration.ofHours(3)), Duration.ofMinutes(1), false);
            }
            assertThat(openKeys(h)).containsExactly(
                    "JOB_FAILED shop/orders cronjob-guardian/production-jobs CRITICAL",
                    "SLA_BREACHED shop/orders cronjob-guardian/production-jobs WARNING");
            assertThat(h.guardian.monitorStatus("cronjob-guardian/production-jobs")).get().satisfies(ms -> {
                assertThat(ms.total()).isEqualTo(1);
                assertThat(ms.critical()).isEqualTo(1);
                assertThat(ms.activeAlerts()).isEqualTo(2);
            });
        }
    }
}
