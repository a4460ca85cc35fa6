package io.cronjobguardian.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.config.ConfigProblem;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.config.InvalidConfigException;
import io.cronjobguardian.engine.config.UnknownKeyPolicy;
import io.cronjobguardian.engine.monitor.MonitorSpec.AutoFromSchedule;
import io.cronjobguardian.engine.monitor.MonitorSpec.ChannelRef;
import io.cronjobguardian.engine.monitor.MonitorSpec.DataRetention;
import io.cronjobguardian.engine.monitor.MonitorSpec.DeadManSwitch;
import io.cronjobguardian.engine.monitor.MonitorSpec.IncludeContext;
import io.cronjobguardian.engine.monitor.MonitorSpec.LabelRequirement;
import io.cronjobguardian.engine.monitor.MonitorSpec.LabelSelector;
import io.cronjobguardian.engine.monitor.MonitorSpec.MaintenanceWindow;
import io.cronjobguardian.engine.monitor.MonitorSpec.Operator;
import io.cronjobguardian.engine.monitor.MonitorSpec.Scope;
import io.cronjobguardian.engine.monitor.MonitorSpec.Selector;
import io.cronjobguardian.engine.monitor.MonitorSpec.SeverityOverrides;
import io.cronjobguardian.engine.monitor.MonitorSpec.Sla;
import io.cronjobguardian.engine.monitor.MonitorSpec.SuspendedHandling;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MonitorSpecLoaderTest {

    @TempDir
    Path tmp;

    private final MonitorSpecLoader strict = MonitorSpecLoader.defaults();

    static Path example(String name) {
        try {
            return Path.of(MonitorSpecLoaderTest.class.getResource("/monitors/operator-examples/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing fixture " + name, e);
        }
    }

    static Stream<String> exampleFiles() throws IOException {
        try (Stream<Path> files = Files.list(example("basic.yaml").getParent())) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted()
                    .collect(Collectors.toList()).stream();
        }
    }

    private MonitorSpec one(String file) {
        MonitorSpecLoader.Result r = strict.load(example(file));
        assertThat(r.monitors()).hasSize(1);
        return r.monitors().get(0);
    }

    private InvalidConfigException invalid(String yaml) {
        return catchThrowableOfType(() -> strict.parse(yaml, "test.yaml"), InvalidConfigException.class);
    }

    private static List<String> lines(InvalidConfigException e) {
        assertThat(e).as("expected the spec to be refused").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------ the operator's own files

    @ParameterizedTest
    @MethodSource("exampleFiles")
    void everyOperatorExampleLoadsUnchangedInStrictMode(String file) {
        MonitorSpecLoader.Result r = strict.load(example(file));
        assertThat(r.monitors()).isNotEmpty();
        if (!file.equals("full-featured.yaml")) {
            assertThat(r.warnings()).isEmpty();
        }
    }

    @Test
    void allExamplesTogetherHaveDistinctIds() throws IOException {
        List<Path> files = exampleFiles().map(MonitorSpecLoaderTest::example).collect(Collectors.toList());
        MonitorSpecLoader.Result r = strict.load(files);
        assertThat(r.monitors()).hasSize(19);
        assertThat(r.monitors()).extracting(MonitorSpec::id).doesNotHaveDuplicates()
                .contains("production/critical-jobs", "default/critical-jobs", "default/cronjobmonitor-sample");
    }

    @Test
    void basicExample() {
        MonitorSpec m = one("basic.yaml");
        assertThat(m.id()).isEqualTo("production/critical-jobs");
        assertThat(m.selector()).isEqualTo(Selector.labels(Map.of("tier", "critical")));
        assertThat(m.selector().scope()).isEqualTo(Scope.OWN_NAMESPACE);
        assertThat(m.deadManSwitch()).isEqualTo(DeadManSwitch.noSuccessWithin(Duration.ofHours(25)));
        assertThat(m.sla()).isEqualTo(Sla.defaults().withSuccessRate(99, 7));
        assertThat(m.alerting()).isEqualTo(MonitorSpec.Alerting.toChannels("slack-ops"));
        assertThat(m.alerting().includeContext()).isEqualTo(IncludeContext.defaults());
        assertThat(m.suspendedHandling()).isEqualTo(SuspendedHandling.defaults());
        assertThat(m.maintenanceWindows()).isEmpty();
        assertThat(m.dataRetention()).isEqualTo(DataRetention.defaults());
    }

    @Test
    void allInNamespaceExampleHasTheEmptySelector() {
        MonitorSpec m = one("all-in-namespace.yaml");
        assertThat(m.id()).isEqualTo("production/all-jobs");
        assertThat(m.selector()).isEqualTo(Selector.ownNamespace());
        assertThat(m.sla().enabled()).isFalse();
        assertThat(m.deadManSwitch().maxTimeSinceLastSuccess()).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void clusterWideExample() {
        MonitorSpec m = one("cluster-wide.yaml");
        assertThat(m.id()).isEqualTo("cronjob-guardian/cluster-wide-monitor");
        assertThat(m.selector().allNamespaces()).isTrue();
        assertThat(m.selector().scope()).isEqualTo(Scope.ALL_NAMESPACES);
        assertThat(m.selector().matchLabels()).isEqualTo(Map.of("tier", "critical"));
        assertThat(m.alerting().channelRefs()).containsExactly(
                new ChannelRef("pagerduty-critical", Set.of(Severity.CRITICAL)),
                new ChannelRef("slack-ops", Set.of(Severity.CRITICAL, Severity.WARNING)));
    }

    @Test
    void dataPipelineAndDatabaseBackupExamples() {
        MonitorSpec etl = one("data-pipeline.yaml");
        assertThat(etl.id()).isEqualTo("data-eng/etl-pipeline");
        assertThat(etl.selector().matchLabels()).isEqualTo(Map.of("pipeline", "etl"));
        assertThat(etl.sla()).isEqualTo(Sla.defaults());
        assertThat(etl.deadManSwitch()).isEqualTo(DeadManSwitch.disabled());

        MonitorSpec backups = one("database-backups.yaml");
        assertThat(backups.id()).isEqualTo("databases/database-backups");
        assertThat(backups.sla().minSuccessRate()).isEqualTo(100.0);
        assertThat(backups.sla().windowDays()).isEqualTo(7);
        assertThat(backups.alerting().channelRefs()).containsExactly(new ChannelRef("pagerduty-dba",
                Set.of(Severity.CRITICAL)));
    }

    @Test
    void financialReportsExampleHasAMaintenanceWindow() {
        MonitorSpec m = one("financial-reports.yaml");
        assertThat(m.selector().matchNames()).containsExactly("daily-revenue-report", "weekly-summary");
        assertThat(m.maintenanceWindows()).containsExactly(new MaintenanceWindow("quarter-end", "0 0 1 1,4,7,10 *",
                Duration.ofHours(24), ZoneOffset.UTC, true));
        assertThat(m.maintenanceWindows().get(0).cronSchedule().isRelative()).isFalse();
    }

    @Test
    void fullFeaturedExampleIncludingTheContextSpellingOfTheOperatorsReadme() {
        MonitorSpecLoader.Result r = strict.load(example("full-featured.yaml"));
        MonitorSpec m = r.monitors().get(0);
        assertThat(m.id()).isEqualTo("production/full-featured");
        assertThat(m.selector().matchExpressions()).containsExactly(new LabelRequirement("tier", Operator.IN,
                List.of("critical", "high")));
        assertThat(m.deadManSwitch().maxTimeSinceLastSuccess()).isEqualTo(Duration.ofHours(25));
        assertThat(m.sla()).isEqualTo(Sla.defaults());
        assertThat(m.maintenanceWindows()).containsExactly(new MaintenanceWindow("weekly-maintenance", "0 2 * * 0",
                Duration.ofHours(4), ZoneOffset.UTC, true));
        MonitorSpec.Alerting a = m.alerting();
        assertThat(a.enabled()).isTrue();
        assertThat(a.channelRefs()).containsExactly(new ChannelRef("pagerduty-oncall", Set.of(Severity.CRITICAL)),
                new ChannelRef("slack-ops", Set.of(Severity.CRITICAL, Severity.WARNING)),
                new ChannelRef("slack-info", Set.of(Severity.INFO)));
        assertThat(a.severityOverrides()).isEqualTo(new SeverityOverrides(Severity.CRITICAL, null, Severity.WARNING,
                null, Severity.WARNING, null));
        assertThat(a.severityOverrides().severityFor(AlertType.MISSED_SCHEDULE)).isEqualTo(Severity.WARNING);
        assertThat(a.severityOverrides().severityFor(AlertType.DEAD_MAN_TRIGGERED)).isEqualTo(Severity.CRITICAL);
        assertThat(a.suppressDuplicatesFor()).isEqualTo(Duration.ofHours(1));
        assertThat(a.includeContext()).isEqualTo(new IncludeContext(true, 100, null, false, true, true, true));
        assertThat(r.warnings()).singleElement().satisfies(w -> {
            assertThat(w.path()).isEqualTo("spec.alerting.context");
            assertThat(w.message()).contains("read as includeContext");
            assertThat(w.line()).isEqualTo(55);
            assertThat(w.source()).endsWith("full-featured.yaml");
        });
    }

    @Test
    void multiNamespaceAndNamespaceSelectorExamples() {
        MonitorSpec multi = one("multi-namespace.yaml");
        assertThat(multi.selector().namespaces()).containsExactly("production", "staging", "data-pipeline");
        assertThat(multi.selector().scope()).isEqualTo(Scope.NAMESPACES);
        assertThat(multi.selector().matchLabels()).isEqualTo(Map.of("tier", "critical"));

        MonitorSpec bySelector = one("namespace-selector.yaml");
        assertThat(bySelector.selector().namespaceSelector()).isEqualTo(new LabelSelector(
                Map.of("environment", "production"), List.of()));
        assertThat(bySelector.selector().scope()).isEqualTo(Scope.NAMESPACE_SELECTOR);
        assertThat(bySelector.selector().matchLabels()).isEqualTo(Map.of("monitored", "true"));
    }

    @Test
    void theKubebuilderSampleWithoutNamespaceOrSpecGetsEveryDefault() {
        MonitorSpec m = one("guardian_v1alpha1_cronjobmonitor.yaml");
        assertThat(m).isEqualTo(MonitorSpec.of("default", "cronjobmonitor-sample"));
        assertThat(MonitorSpecLoader.builder().defaultNamespace("ops").build()
                .load(example("guardian_v1alpha1_cronjobmonitor.yaml")).monitors().get(0).id())
                .isEqualTo("ops/cronjobmonitor-sample");
    }

    @Test
    void testScenarioFileWithNineMonitors() {
        List<MonitorSpec> all = strict.load(example("test-scenarios-monitors.yaml")).monitors();
        assertThat(all).extracting(MonitorSpec::name).containsExactly("critical-jobs", "flaky-jobs",
                "low-priority-jobs", "test-scenarios", "suspended-jobs", "connection-errors", "default-namespace-all",
                "analytics-jobs", "performance-jobs");
        assertThat(all).allSatisfy(m -> assertThat(m.namespace()).isEqualTo("default"));

        MonitorSpec critical = all.get(0);
        assertThat(critical.selector().matchNames()).containsExactly("healthy-fast", "healthy-slow",
                "postgres-backup");
        assertThat(critical.sla()).isEqualTo(Sla.defaults().withSuccessRate(99.0, 7)
                .withMaxDuration(Duration.ofMinutes(5)));
        assertThat(critical.deadManSwitch()).isEqualTo(new DeadManSwitch(true, null,
                new AutoFromSchedule(true, Duration.ofMinutes(10), 1)));
        assertThat(critical.alerting().severityOverrides()).isEqualTo(new SeverityOverrides(Severity.CRITICAL,
                Severity.CRITICAL, Severity.CRITICAL, null, null, null));
        assertThat(critical.alerting().includeContext()).isEqualTo(IncludeContext.defaults());

        MonitorSpec flaky = all.get(1);
        assertThat(flaky.sla().minSuccessRate()).isEqualTo(60.0);
        assertThat(flaky.deadManSwitch().autoFromSchedule()).isEqualTo(new AutoFromSchedule(true,
                Duration.ofMinutes(15), 3));
        assertThat(flaky.alerting().alertDelay()).isEqualTo(Duration.ofMinutes(5));
        assertThat(flaky.alerting().suppressDuplicatesFor()).isEqualTo(Duration.ofMinutes(30));
        assertThat(flaky.alerting().severityOverrides().severityFor(AlertType.JOB_FAILED)).isEqualTo(Severity.WARNING);

        MonitorSpec low = all.get(2);
        assertThat(low.alerting().includeContext()).isEqualTo(new IncludeContext(false, 50, null, false, false,
                true, true));
        assertThat(low.alerting().suppressDuplicatesFor(Duration.ofHours(1))).isEqualTo(Duration.ofHours(2));
        assertThat(low.deadManSwitch().autoFromSchedule().missedScheduleThreshold()).isEqualTo(5);

        MonitorSpec scenarios = all.get(3);
        assertThat(scenarios.deadManSwitch().enabled()).isFalse();
        assertThat(scenarios.sla().minSuccessRate()).isZero();
        assertThat(scenarios.alerting().alertDelay()).isEqualTo(Duration.ofMinutes(1));

        MonitorSpec suspended = all.get(4);
        assertThat(suspended.suspendedHandling()).isEqualTo(new SuspendedHandling(true, Duration.ofHours(24)));
        assertThat(suspended.sla().enabled()).isFalse();
        assertThat(suspended.deadManSwitch().enabled()).isFalse();

        MonitorSpec connection = all.get(5);
        assertThat(connection.deadManSwitch().autoFromSchedule()).isEqualTo(new AutoFromSchedule(true,
                Duration.ofMinutes(10), 1));

        MonitorSpec analytics = all.get(7);
        assertThat(analytics.sla().windowDays()).isEqualTo(30);
        assertThat(analytics.maintenanceWindows()).containsExactly(new MaintenanceWindow("weekend-maintenance",
                "0 0 * * 0", Duration.ofHours(4), ZoneId.of("America/New_York"), true));

        MonitorSpec performance = all.get(8);
        assertThat(performance.sla().maxDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(performance.alerting().suppressDuplicatesFor()).isNull();
        assertThat(performance.alerting().suppressDuplicatesFor(Duration.ofMinutes(42)))
                .isEqualTo(Duration.ofMinutes(42));
    }

    // ------------------------------------------------------------------ stuck Jobs

    @Test
    void stuckJobIsOnWithTenMinutesByDefaultAndConfigurable() {
        MonitorSpec none = strict.parse("name: plain\n", "inline").monitors().get(0);
        assertThat(none.stuckJob()).isEqualTo(new MonitorSpec.StuckJob(true, Duration.ofMinutes(10)));
        assertThat(none.alerting().severityOverrides().severityFor(AlertType.JOB_STUCK)).isEqualTo(Severity.WARNING);

        MonitorSpec empty = strict.parse("name: empty\nstuckJob: {}\n", "inline").monitors().get(0);
        assertThat(empty.stuckJob()).isEqualTo(MonitorSpec.StuckJob.defaults());

        MonitorSpec set = strict.parse(String.join("\n",
                "name: set",
                "stuckJob: {enabled: true, noPodAfter: 25m}",
                "alerting:",
                "  severityOverrides: {jobStuck: critical}",
                ""), "inline").monitors().get(0);
        assertThat(set.stuckJob()).isEqualTo(new MonitorSpec.StuckJob(true, Duration.ofMinutes(25)));
        assertThat(set.alerting().severityOverrides().severityFor(AlertType.JOB_STUCK)).isEqualTo(Severity.CRITICAL);

        MonitorSpec off = strict.parse("name: off\nstuckJob: {enabled: false}\n", "inline").monitors().get(0);
        assertThat(off.stuckJob().enabled()).isFalse();
    }

    @Test
    void stuckJobValuesAreChecked() {
        assertThat(lines(invalid(String.join("\n",
                "name: bad",
                "stuckJob: {enabled: maybe, noPodAfter: 0s, noPodsAfter: 5m}",
                "alerting: {severityOverrides: {jobStuck: urgent}}",
                "")))).hasSize(4).anySatisfy(l -> assertThat(l).startsWith("stuckJob.enabled:"))
                .anySatisfy(l -> assertThat(l).startsWith("stuckJob.noPodAfter:"))
                .anySatisfy(l -> assertThat(l).startsWith("stuckJob.noPodsAfter: unknown field")
                        .contains("noPodAfter"))
                .anySatisfy(l -> assertThat(l).startsWith("alerting.severityOverrides.jobStuck:"));
        assertThatThrownBy(() -> new MonitorSpec.StuckJob(true, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("noPodAfter");
    }

    // ------------------------------------------------------------------ defaults

    @Test
    void defaultsWhenBlocksArePresentButEmpty() {
        MonitorSpec m = strict.parse(String.join("\n",
                "name: empty-blocks",
                "deadManSwitch: {maxTimeSinceLastSuccess: 2h}",
                "sla: {}",
                "suspendedHandling: {}",
                "alerting: {}",
                "dataRetention: {}",
                ""), "inline").monitors().get(0);
        assertThat(m.id()).isEqualTo("default/empty-blocks");
        assertThat(m.deadManSwitch()).isEqualTo(new DeadManSwitch(true, Duration.ofHours(2),
                AutoFromSchedule.disabled()));
        Sla sla = m.sla();
        assertThat(sla.enabled()).isTrue();
        assertThat(sla.minSuccessRate()).isEqualTo(95.0);
        assertThat(sla.windowDays()).isEqualTo(7);
        assertThat(sla.maxDuration()).isNull();
        assertThat(sla.durationPercentiles()).containsExactly(50, 95, 99);
        assertThat(sla.durationRegressionThreshold()).isEqualTo(50);
        assertThat(sla.durationBaselineWindowDays()).isEqualTo(14);
        // unset: derived from the schedule's period (a daily job: 6 days, 5 samples, 3 runs; weekly: 1 run)
        assertThat(sla.durationRecentWindow()).isNull();
        assertThat(sla.durationRegressionMinSamples()).isNull();
        assertThat(sla.minRunsForSuccessRate()).isNull();
        assertThat(sla.recentWindow(Duration.ofDays(1))).isEqualTo(Duration.ofDays(6));
        assertThat(sla.regressionMinSamples(Duration.ofDays(1))).isEqualTo(5);
        assertThat(sla.minRunsForSuccessRate(Duration.ofDays(7))).isEqualTo(1);
        assertThat(sla.maxConsecutiveFailures()).isNull();
        assertThat(m.suspendedHandling()).isEqualTo(new SuspendedHandling(true, null));
        assertThat(m.alerting()).isEqualTo(MonitorSpec.Alerting.defaults());
        assertThat(m.alerting().includeContext()).isEqualTo(new IncludeContext(true, 50, null, false, true, true,
                true));
        assertThat(m.alerting().alertDelay()).isZero();
        assertThat(m.alerting().renotifyInterval()).isNull();
        assertThat(m.dataRetention()).isEqualTo(new DataRetention(null, null, null, null, null,
                MonitorSpec.OnCronJobDeletion.RETAIN, 7, MonitorSpec.OnRecreation.RETAIN));
    }

    @Test
    void ranTooOftenIsAWarningUnlessSeverityOverridesSayOtherwise() {
        MonitorSpec plain = strict.parse("name: plain\nnamespace: team-a\n", "inline").monitors().get(0);
        assertThat(plain.alerting().severityOverrides().severityFor(AlertType.RAN_TOO_OFTEN))
                .isEqualTo(Severity.WARNING);
        MonitorSpec m = strict.parse(String.join("\n",
                "name: often",
                "namespace: team-a",
                "alerting:",
                "  severityOverrides: {ranTooOften: critical, missedSchedule: info}",
                ""), "inline").monitors().get(0);
        assertThat(m.alerting().severityOverrides().severityFor(AlertType.RAN_TOO_OFTEN)).isEqualTo(Severity.CRITICAL);
        assertThat(m.alerting().severityOverrides().severityFor(AlertType.MISSED_SCHEDULE)).isEqualTo(Severity.INFO);
        assertThat(catchThrowableOfType(() -> strict.parse(String.join("\n",
                "name: bad",
                "namespace: team-a",
                "alerting:",
                "  severityOverrides: {ranTooOften: loud}",
                ""), "inline"), InvalidConfigException.class).getMessage())
                .contains("ranTooOften");
    }

    @Test
    void autoFromScheduleDefaultsAndNewFields() {
        MonitorSpec m = strict.parse(String.join("\n",
                "name: new-fields",
                "namespace: team-a",
                "deadManSwitch:",
                "  autoFromSchedule: {enabled: true}",
                "sla:",
                "  durationRecentWindow: 6h",
                "  durationRegressionMinSamples: 10",
                "  minRunsForSuccessRate: 4",
                "  maxConsecutiveFailures: 3",
                "  durationPercentiles: [90, 99]",
                "alerting:",
                "  renotifyInterval: 4h",
                "  severityOverrides: {suspendedTooLong: critical}",
                "  includeContext: {logContainerName: main, includeInitContainerLogs: true, podStatus: false}",
                "  suggestedFixPatterns:",
                "    - name: db-down",
                "      match: {logPattern: 'connection (refused|reset)', exitCodeRange: {min: 1, max: 2}}",
                "      suggestion: Check {{.Namespace}}/postgres",
                "      priority: 150",
                "dataRetention:",
                "  retentionDays: 60",
                "  logRetentionDays: 7",
                "  storeLogs: true",
                "  maxLogSizeKB: 256",
                "  onCronJobDeletion: purge-after-days",
                "  purgeAfterDays: 3",
                "  onRecreation: reset",
                ""), "inline").monitors().get(0);
        assertThat(m.deadManSwitch()).isEqualTo(DeadManSwitch.fromSchedule());
        assertThat(m.deadManSwitch().autoFromSchedule().buffer()).isEqualTo(Duration.ofHours(1));
        assertThat(m.sla().durationRecentWindow()).isEqualTo(Duration.ofHours(6));
        assertThat(m.sla().durationRegressionMinSamples()).isEqualTo(10);
        assertThat(m.sla().minRunsForSuccessRate()).isEqualTo(4);
        assertThat(m.sla().maxConsecutiveFailures()).isEqualTo(3);
        assertThat(m.sla().durationPercentiles()).containsExactly(90, 99);
        assertThat(m.alerting().renotifyInterval()).isEqualTo(Duration.ofHours(4));
        assertThat(m.alerting().severityOverrides().severityFor(AlertType.SUSPENDED_TOO_LONG))
                .isEqualTo(Severity.CRITICAL);
        assertThat(m.alerting().includeContext().logRequest(4096)).isEqualTo(new io.cronjobguardian.api.LogRequest(
                "main", true, 50, 4096));
        assertThat(m.alerting().includeContext().podStatus()).isFalse();
        MonitorSpec.SuggestedFixPattern p = m.alerting().suggestedFixPatterns().get(0);
        assertThat(p.name()).isEqualTo("db-down");
        assertThat(p.priority()).isEqualTo(150);
        assertThat(p.match().exitCodeRange()).isEqualTo(new MonitorSpec.ExitCodeRange(1, 2));
        assertThat(p.match().logPattern().find("dial tcp: connection refused")).isTrue();
        assertThat(p.match().logPattern()).isEqualTo(Regex.compile("connection (refused|reset)"));
        assertThat(m.dataRetention()).isEqualTo(new DataRetention(60, 7, true, null, 256,
                MonitorSpec.OnCronJobDeletion.PURGE_AFTER_DAYS, 3, MonitorSpec.OnRecreation.RESET));
    }

    // ------------------------------------------------------------------ problems

    @Test
    void unknownFieldsAreReportedWithPathLineAndSuggestion() {
        InvalidConfigException e = invalid(String.join("\n",
                "apiVersion: guardian.illenium.net/v1alpha1",
                "kind: CronJobMonitor",
                "metadata:",
                "  name: typos",
                "  namespase: prod",
                "spec:",
                "  sla:",
                "    minSucessRate: 99",
                "  alerting:",
                "    channelRefs:",
                "      - name: ops",
                "        severity: [critical]",
                "  selectors: {}",
                ""));
        assertThat(lines(e)).containsExactly(
                "metadata.namespase: unknown field; did you mean namespace? (test.yaml, line 5)",
                "spec.sla.minSucessRate: unknown field; did you mean minSuccessRate? (test.yaml, line 8)",
                "spec.alerting.channelRefs[0].severity: unknown field; did you mean severities? (test.yaml, line 12)",
                "spec.selectors: unknown field; did you mean selector? (test.yaml, line 13)");
        assertThat(e.getMessage()).startsWith("invalid CronJobMonitor spec in test.yaml: 4 problems");
    }

    @Test
    void lenientModeWarnsAboutUnknownFieldsAndLoads() {
        MonitorSpecLoader lenient = MonitorSpecLoader.builder().unknownFields(UnknownKeyPolicy.WARN).build();
        MonitorSpecLoader.Result r = lenient.parse(String.join("\n",
                "name: lenient",
                "sla: {minSuccessRate: 90, minSucessRate: 99}",
                ""), "inline");
        assertThat(r.monitors()).singleElement().extracting(m -> m.sla().minSuccessRate()).isEqualTo(90.0);
        assertThat(r.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "sla.minSucessRate: unknown field; did you mean minSuccessRate?; ignored (inline, line 2)");
    }

    @Test
    void fieldsRemovedFromTheOperatorsCrdAreExplained() {
        assertThat(lines(invalid(String.join("\n",
                "name: old",
                "timezone: Europe/Berlin",
                "remediation: {enabled: true}",
                "alerting:",
                "  groupingKey: perMonitor",
                "")))).containsExactly(
                "alerting.groupingKey: unknown field (removed from the operator's CRD; incidents are grouped per "
                        + "CronJob and alert type) (test.yaml, line 5)",
                "timezone: unknown field (removed from the operator's CRD: schedules use the CronJob's own "
                        + "spec.timeZone, and each maintenance window has its own timezone) (test.yaml, line 2)",
                "remediation: unknown field (auto-remediation was removed from the operator's CRD; not supported) "
                        + "(test.yaml, line 3)");
    }

    @Test
    void everyKindOfInvalidValueIsReportedWithItsPathAllAtOnce() {
        InvalidConfigException e = invalid(String.join("\n",
                "apiVersion: guardian.illenium.net/v1alpha1",                          // 1
                "kind: CronJobMonitor",                                                // 2
                "metadata: {name: everything-wrong, namespace: prod}",                 // 3
                "spec:",                                                               // 4
                "  selector:",                                                         // 5
                "    matchExpressions:",                                               // 6
                "      - {key: tier, operator: Within, values: [a]}",                  // 7
                "      - {key: tier, operator: Exists, values: [a]}",                  // 8
                "  deadManSwitch:",                                                    // 9
                "    maxTimeSinceLastSuccess: 25 hours",                               // 10
                "    autoFromSchedule: {enabled: true, missedScheduleThreshold: 0}",   // 11
                "  sla:",                                                              // 12
                "    minSuccessRate: 101",                                             // 13
                "    windowDays: 0",                                                   // 14
                "    durationRegressionThreshold: 2000",                               // 15
                "    durationPercentiles: [50, 100]",                                  // 16
                "  maintenanceWindows:",                                               // 17
                "    - name: bad-cron",                                                // 18
                "      schedule: \"0 25 * * *\"",                                      // 19
                "      duration: 2h",                                                  // 20
                "    - name: bad-zone",                                                // 21
                "      schedule: \"0 2 * * 0\"",                                       // 22
                "      duration: 0s",                                                  // 23
                "      timezone: Mars/Olympus_Mons",                                   // 24
                "  alerting:",                                                         // 25
                "    channelRefs: [{name: ops, severities: [urgent]}]",                // 26
                "    severityOverrides: {jobFailed: high}",                            // 27
                "    includeContext: {logLines: 0}",                                   // 28
                "    suppressDuplicatesFor: -1h",                                      // 29
                "    suggestedFixPatterns:",                                           // 30
                "      - name: broken-regex",                                          // 31
                "        match: {logPattern: 'connection (refused'}",                  // 32
                "        suggestion: fix it",                                          // 33
                "      - name: no-criterion",                                          // 34
                "        match: {}",                                                   // 35
                "        suggestion: never",                                           // 36
                "  dataRetention:",                                                    // 37
                "    retentionDays: 5000",                                             // 38
                "    onCronJobDeletion: delete",                                       // 39
                "    onRecreation: merge",                                             // 40
                ""));
        List<String> l = lines(e);
        assertThat(l).hasSize(20);
        assertThat(l).anySatisfy(s -> assertThat(s).startsWith("spec.selector.matchExpressions[0].operator: "
                + "\"Within\" is not an operator; accepted: In, NotIn, Exists, DoesNotExist (test.yaml, line 7)"));
        assertThat(l).contains(
                "spec.selector.matchExpressions[1].values: must be empty for operator Exists (test.yaml, line 8)",
                "spec.deadManSwitch.maxTimeSinceLastSuccess: \"25 hours\" is not a duration; accepted: Go-style "
                        + "durations such as 30m, 1h, 2h30m or 25h, greater than 0s (test.yaml, line 10)",
                "spec.deadManSwitch.autoFromSchedule.missedScheduleThreshold: 0 is out of range; accepted: 1 to 1000 "
                        + "(test.yaml, line 11)",
                "spec.sla.minSuccessRate: 101 is out of range; accepted: 0 to 100 (test.yaml, line 13)",
                "spec.sla.windowDays: 0 is out of range; accepted: 1 to 365 (test.yaml, line 14)",
                "spec.sla.durationRegressionThreshold: 2000 is out of range; accepted: 1 to 1000 (test.yaml, line 15)",
                "spec.sla.durationPercentiles[1]: 100 is out of range; accepted: 1 to 99 (test.yaml, line 16)",
                "spec.maintenanceWindows[1].duration: 0s is out of range; accepted: greater than 0s (test.yaml, "
                        + "line 23)",
                "spec.maintenanceWindows[1].timezone: \"Mars/Olympus_Mons\" is not a time zone; accepted: an IANA "
                        + "zone such as UTC, Europe/Berlin or America/New_York (test.yaml, line 24)",
                "spec.alerting.channelRefs[0].severities[0]: \"urgent\" is not accepted; accepted: critical, "
                        + "warning, info (test.yaml, line 26)",
                "spec.alerting.severityOverrides.jobFailed: \"high\" is not accepted; accepted: critical, warning, "
                        + "info (test.yaml, line 27)",
                "spec.alerting.includeContext.logLines: 0 is out of range; accepted: 1 to 10000 (test.yaml, line 28)",
                "spec.alerting.suppressDuplicatesFor: \"-1h\" is not a duration; accepted: Go-style durations such "
                        + "as 30m, 1h, 2h30m or 25h, 0s or longer (test.yaml, line 29)",
                "spec.alerting.suggestedFixPatterns[1].match: sets no criterion, so it would never match; accepted: "
                        + "at least one of exitCode, exitCodeRange, reason, reasonPattern, logPattern, eventPattern "
                        + "(test.yaml, line 35)",
                "spec.dataRetention.retentionDays: 5000 is out of range; accepted: 1 to 3650 (test.yaml, line 38)",
                "spec.dataRetention.onCronJobDeletion: \"delete\" is not accepted; accepted: retain, purge, "
                        + "purge-after-days (test.yaml, line 39)",
                "spec.dataRetention.onRecreation: \"merge\" is not accepted; accepted: retain, reset (test.yaml, "
                        + "line 40)");
        assertThat(l).anySatisfy(s -> assertThat(s).startsWith("spec.maintenanceWindows[0].schedule: \"0 25 * * *\" "
                + "is not a valid cron expression: ").contains("(test.yaml, line 19)"));
        assertThat(l).anySatisfy(s -> assertThat(s).startsWith("spec.alerting.suggestedFixPatterns[0].match"
                + ".logPattern: \"connection (refused\" is not a valid regular expression: ")
                .endsWith("; accepted: a regular expression (RE2/Java syntax) (test.yaml, line 32)"));
    }

    @Test
    void requiredFieldsAreReported() {
        assertThat(lines(invalid(String.join("\n",
                "kind: CronJobMonitor",
                "metadata: {namespace: prod}",
                "spec:",
                "  deadManSwitch: {autoFromSchedule: {buffer: 1h}}",
                "  maintenanceWindows: [{}]",
                "  alerting:",
                "    channelRefs: [{severities: [critical]}]",
                "    suggestedFixPatterns: [{name: p}]",
                "  selector:",
                "    matchExpressions: [{operator: In}]",
                "")))).containsExactlyInAnyOrder(
                "metadata.name: is required (test.yaml, line 2)",
                "spec.deadManSwitch.autoFromSchedule.enabled: is required; accepted: true or false (test.yaml, "
                        + "line 4)",
                "spec.maintenanceWindows[0].name: is required (test.yaml, line 5)",
                "spec.maintenanceWindows[0].duration: is required; accepted: Go-style durations such as 30m, 1h, "
                        + "2h30m or 25h (test.yaml, line 5)",
                "spec.maintenanceWindows[0].schedule: is required; accepted: a cron expression such as \"0 2 * * 0\" "
                        + "(test.yaml, line 5)",
                "spec.alerting.channelRefs[0].name: is required (test.yaml, line 7)",
                "spec.alerting.suggestedFixPatterns[0].match: is required; accepted: an object with at least one of "
                        + "exitCode, exitCodeRange, reason, reasonPattern, logPattern, eventPattern (test.yaml, line 8)",
                "spec.alerting.suggestedFixPatterns[0].suggestion: is required (test.yaml, line 8)",
                "spec.selector.matchExpressions[0].key: is required (test.yaml, line 10)",
                "spec.selector.matchExpressions[0].values: must not be empty for operator In (test.yaml, line 10)");
    }

    @Test
    void namesAndTypesAreChecked() {
        assertThat(lines(invalid(String.join("\n",
                "apiVersion: monitoring.example.com/v1",
                "kind: CronJobMonitor",
                "metadata: {name: Bad_Name, namespace: Prod}",
                "spec:",
                "  sla: 95",
                "  selector: {matchNames: [ok, 'ns/Bad', 'a/b/c'], namespaces: [UPPER], matchLabels: [a]}",
                "  suspendedHandling: {pauseMonitoring: sometimes}",
                "")))).containsExactly(
                "apiVersion: \"monitoring.example.com/v1\" is not accepted; accepted: guardian.illenium.net/v1alpha1 "
                        + "(test.yaml, line 1)",
                "metadata.name: \"Bad_Name\" is not accepted; accepted: a Kubernetes object name (lower-case RFC 1123 "
                        + "subdomain, at most 253 characters) (test.yaml, line 3)",
                "metadata.namespace: \"Prod\" is not accepted; accepted: a namespace name (lower-case RFC 1123 label, "
                        + "at most 63 characters) (test.yaml, line 3)",
                "spec.selector.matchLabels: expected a mapping of labels, got a list (test.yaml, line 6)",
                "spec.selector.matchNames[1]: \"ns/Bad\" is not accepted; accepted: a CronJob name, or namespace/name "
                        + "(test.yaml, line 6)",
                "spec.selector.matchNames[2]: \"a/b/c\" is not accepted; accepted: a CronJob name, or namespace/name "
                        + "(test.yaml, line 6)",
                "spec.selector.namespaces[0]: \"UPPER\" is not accepted; accepted: a namespace name (lower-case RFC "
                        + "1123 label) (test.yaml, line 6)",
                "spec.sla: expected an object (a mapping), got \"95\" (test.yaml, line 5)",
                "spec.suspendedHandling.pauseMonitoring: \"sometimes\" is not a boolean; accepted: true or false "
                        + "(test.yaml, line 7)");
    }

    @Test
    void crossFieldRules() {
        assertThat(lines(invalid(String.join("\n",
                "name: cross",
                "sla: {durationRecentWindow: 3d, durationBaselineWindowDays: 2}",
                "dataRetention: {retentionDays: 10, logRetentionDays: 20}",
                "maintenanceWindows:",
                "  - {name: w, schedule: '@every 1h', duration: 10m}",
                "  - {name: w, schedule: '@weekly', duration: 1h, timezone: Local}",
                "alerting:",
                "  includeContext: {logs: true}",
                "  context: {includeLogs: false}",
                "  suggestedFixPatterns:",
                "    - {name: r, match: {exitCode: 1}, suggestion: s}",
                "    - {name: r, match: {exitCode: 2}, suggestion: s}",
                "    - {name: x, match: {exitCodeRange: {min: 5, max: 1}}, suggestion: s}",
                "")))).containsExactly(
                "sla.durationRecentWindow: the recent window (3d) must be shorter than the baseline window "
                        + "(durationBaselineWindowDays: 2 days) (test.yaml, line 2)",
                "maintenanceWindows[0].schedule: \"@every 1h\": @every has no fixed start times; accepted: a "
                        + "five-field cron expression or a descriptor such as @weekly (test.yaml, line 5)",
                "maintenanceWindows[1].name: duplicate maintenance window name \"w\" (also at maintenanceWindows[0]) "
                        + "(test.yaml, line 6)",
                "maintenanceWindows[1].timezone: \"Local\" is the process's time zone, which differs between "
                        + "replicas; accepted: an IANA zone such as UTC, Europe/Berlin or America/New_York (test.yaml, "
                        + "line 6)",
                "alerting.context: set either includeContext or context (the older spelling), not both (test.yaml, "
                        + "line 9)",
                "alerting.suggestedFixPatterns[1].name: duplicate suggested fix pattern name \"r\" (test.yaml, "
                        + "line 12)",
                "alerting.suggestedFixPatterns[2].match.exitCodeRange.min: 5 is greater than max (1); accepted: "
                        + "min <= max (test.yaml, line 13)",
                "dataRetention.logRetentionDays: 20 is out of range; accepted: 1 to retentionDays (10): logs cannot "
                        + "outlive their runs (test.yaml, line 3)");
    }

    @Test
    void retentionIsBoundedByTheConfiguredMaximum() {
        GuardianConfig config = GuardianConfig.builder().noEnvironment().set("historyRetention.maxDays", 60).build();
        MonitorSpecLoader loader = MonitorSpecLoader.forConfig(config);
        InvalidConfigException e = catchThrowableOfType(() -> loader.parse("name: long\ndataRetention: "
                + "{retentionDays: 90}\n", "inline"), InvalidConfigException.class);
        assertThat(lines(e)).containsExactly("dataRetention.retentionDays: 90 is out of range; accepted: 1 to "
                + "historyRetention.maxDays (60) (inline, line 2)");
        assertThat(loader.parse("name: ok\ndataRetention: {retentionDays: 60}\n", "inline").monitors()).hasSize(1);
    }

    @Test
    void configCanMakeUnknownFieldsWarnings() {
        GuardianConfig config = GuardianConfig.builder().noEnvironment().set("monitors.unknownFields", "warn").build();
        MonitorSpecLoader.Result r = MonitorSpecLoader.forConfig(config).parse("name: x\nfoo: bar\n", "inline");
        assertThat(r.monitors()).hasSize(1);
        assertThat(r.warnings()).extracting(ConfigProblem::path).containsExactly("foo");
    }

    // ------------------------------------------------------------------ documents

    @Test
    void twoMonitorsInOneFileAndOtherKindsSkipped() throws IOException {
        Path file = Files.writeString(tmp.resolve("monitors.yaml"), String.join("\n",
                "# two monitors, a channel and an empty document",
                "apiVersion: guardian.illenium.net/v1alpha1",
                "kind: CronJobMonitor",
                "metadata: {name: first, namespace: team-a}",
                "spec:",
                "  selector: {matchLabels: {app: a}}",
                "---",
                "name: second",
                "namespace: team-b",
                "sla: {minSuccessRate: 90}",
                "---",
                "apiVersion: guardian.illenium.net/v1alpha1",
                "kind: AlertChannel",
                "metadata: {name: slack-ops}",
                "spec: {type: slack}",
                "---",
                ""));
        MonitorSpecLoader.Result r = strict.load(file);
        assertThat(r.monitors()).extracting(MonitorSpec::id).containsExactly("team-a/first", "team-b/second");
        assertThat(r.monitors().get(1).sla().minSuccessRate()).isEqualTo(90.0);
        assertThat(r.warnings()).singleElement().hasToString("kind: document of kind AlertChannel skipped; this "
                + "loader reads CronJobMonitor (" + file + ", line 13)");
    }

    @Test
    void duplicateMonitorsAreRefusedWithinAndAcrossFiles() throws IOException {
        assertThat(lines(invalid("name: a\n---\nname: b\n---\nnamespace: default\nname: a\n"))).containsExactly(
                "name: duplicate monitor default/a (first defined in test.yaml, line 1) (test.yaml, line 6)");
        Path one = Files.writeString(tmp.resolve("one.yaml"), "name: same\nnamespace: ns\n");
        Path two = Files.writeString(tmp.resolve("two.yaml"), "kind: CronJobMonitor\nmetadata: {name: same, "
                + "namespace: ns}\n");
        InvalidConfigException e = catchThrowableOfType(() -> strict.load(List.of(one, two)),
                InvalidConfigException.class);
        assertThat(lines(e)).containsExactly("metadata.name: duplicate monitor ns/same (first defined in " + one
                + ", line 1) (" + two + ", line 2)");
        assertThat(e.getMessage()).startsWith("invalid CronJobMonitor spec in 2 files: 1 problem");
    }

    @Test
    void problemsOfSeveralDocumentsAndFilesAreReportedTogether() throws IOException {
        Path one = Files.writeString(tmp.resolve("one.yaml"), "name: a\nsla: {windowDays: 0}\n---\nname: b\n"
                + "sla: {windowDay: 7}\n");
        Path two = Files.writeString(tmp.resolve("two.yaml"), "name: c\nalerting: {alertDelay: soon}\n");
        InvalidConfigException e = catchThrowableOfType(() -> strict.load(List.of(one, two)),
                InvalidConfigException.class);
        assertThat(lines(e)).containsExactly(
                "sla.windowDays: 0 is out of range; accepted: 1 to 365 (" + one + ", line 2)",
                "sla.windowDay: unknown field; did you mean windowDays? (" + one + ", line 5)",
                "alerting.alertDelay: \"soon\" is not a duration; accepted: Go-style durations such as 30m, 1h, "
                        + "2h30m or 25h, 0s or longer (" + two + ", line 2)");
    }

    @Test
    void malformedYamlAndMissingFilesAreProblems() {
        assertThat(lines(invalid("name: a\nsla: {windowDays: 7\n"))).singleElement().asString()
                .startsWith("(yaml): not valid YAML").contains("test.yaml, line");
        assertThat(lines(invalid("name: a\nname: b\n"))).singleElement().asString()
                .contains("duplicate key name").contains("line 2");
        assertThat(lines(invalid("- a\n- b\n"))).containsExactly("(document): expected a CronJobMonitor object or "
                + "a monitor spec (a mapping), got a list (test.yaml, line 1)");
        InvalidConfigException e = catchThrowableOfType(() -> strict.load(tmp.resolve("nope.yaml")),
                InvalidConfigException.class);
        assertThat(e.problems()).singleElement().extracting(ConfigProblem::message).asString()
                .startsWith("cannot read");
    }

    @Test
    void selectorPrecedenceIsWarnedAbout() {
        MonitorSpecLoader.Result r = strict.parse(String.join("\n",
                "name: a",
                "selector: {allNamespaces: true, namespaces: [x]}",
                "---",
                "name: b",
                "selector: {namespaces: [x], namespaceSelector: {matchLabels: {env: prod}}}",
                "---",
                "name: c",
                "deadManSwitch: {enabled: true}",
                ""), "inline");
        assertThat(r.warnings()).extracting(ConfigProblem::toString).containsExactly(
                "selector.allNamespaces: allNamespaces takes precedence; namespaces is ignored (inline, line 2)",
                "selector.namespaceSelector: namespaces takes precedence; namespaceSelector is ignored (inline, "
                        + "line 5)",
                "deadManSwitch: enabled, but neither maxTimeSinceLastSuccess nor autoFromSchedule.enabled is set, so "
                        + "it can never trigger (inline, line 8)");
    }
}
