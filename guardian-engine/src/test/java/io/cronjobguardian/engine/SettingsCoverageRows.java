package io.cronjobguardian.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.api.WatchListener;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.monitor.MonitorSpecLoader;
import io.cronjobguardian.testkit.InMemoryHistoryStore;
import io.cronjobguardian.testkit.ManualClock;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import io.cronjobguardian.testkit.ScriptableCronJobWatcher;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The rows of {@link SettingsCoverageTest}: one line per configuration key or {@code MonitorSpec} field (a
 * {@code monitor.} prefix and the record path, e.g. {@code monitor.sla.maxDuration}). A {@code proof} row runs a
 * scenario here; monitors are written as the operator's YAML spec, so that rows survive new record components.
 */
final class SettingsCoverageRows {

    private SettingsCoverageRows() {
    }

    private static final String LEADER_K8S = "guardian-leader-k8s/src/test/java/io/cronjobguardian/leader/k8s/";

    static void define(SettingsCoverageTest.Rows r) {
        // ------------------------------------------------------------------ configuration keys (engine)
        r.cited("historyRetention.defaultDays", "60", "runs older than the default 30 days are kept",
                "RetentionTest", "defaultDaysArePrunedAtCatchUpAndThenEveryPruneInterval");
        r.cited("historyRetention.maxDays", "40", "a monitor's retentionDays is capped",
                "RetentionTest", "perMonitorRetentionIsCappedByMaxDaysAndMaxDaysBoundsRunsOfUnknownCronJobs");
        r.cited("rateLimits.maxAlertsPerMinute", "1", "notifications beyond the rate wait",
                "alert.AlertPipelineTest", "rateLimitsDeferNotificationsButNeverDropThem");
        r.cited("rateLimits.burstLimit", "1", "only one notification goes out at once",
                "alert.AlertPipelineTest", "rateLimitsDeferNotificationsButNeverDropThem");
        r.proof("rateLimits.defaultSuppressDuplicatesFor", "0s", "a repeated failure is announced again (default 1h: "
                + "suppressed)", () -> {
                    assertThat(repeatedFailureAnnouncements("", c -> { })).isEqualTo(1);
                    assertThat(repeatedFailureAnnouncements("", c -> c.set("rateLimits.defaultSuppressDuplicatesFor",
                            "0s"))).isEqualTo(2);
                });
        r.cited("scheduler.startupGracePeriod", "1m", "evaluation is held until start + grace",
                "RestartAndCatchUpTest", "startupGracePeriodHoldsEvaluationUntilExactlyStartPlusGrace");
        r.cited("scheduler.pruneInterval", "1d", "pruning runs at that interval",
                "RetentionTest", "defaultDaysArePrunedAtCatchUpAndThenEveryPruneInterval");
        r.proof("scheduler.safetySweepInterval", "10m", "an idle CronJob is re-evaluated every 10 minutes (3 times "
                + "in 30 minutes; with 1h: none)", () -> {
                    assertThat(sweepEvaluations("1h")).isZero();
                    assertThat(sweepEvaluations("10m")).isEqualTo(3);
                });
        r.cited("scheduler.observationGrace", "30s", "a slot counts as missed only after the grace",
                "DeadManSwitchTest", "theObservationGraceIsConfigurable");
        r.proof("leaderElection.enabled", "true", "a Guardian without an elector refuses to build (needs an elector "
                + "provider); default: it leads alone", () -> {
                    try (EngineHarness h = harness(List.of(), c -> { }, gb -> { }).start()) {
                        assertThat(h.guardian.isLeader()).isTrue();
                    }
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> harness(List.of(),
                            c -> c.set("leaderElection.enabled", "true"), gb -> { }).close())
                            .hasMessageContaining("leaderElection");
                });
        r.proof("leaderElection.type", "nope", "the elector provider is chosen by that name (none is named so: a "
                + "clear error; default: the highest-priority provider)", () ->
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> harness(List.of(), c -> c
                        .set("leaderElection.enabled", "true").set("leaderElection.type", "nope"), gb -> { }).close())
                        .hasMessageContaining("nope"));
        for (String k : List.of("leaseDuration", "renewDeadline", "retryPeriod", "requestTimeout", "namespace",
                "leaseName", "identity")) {
            r.elsewhere("leaderElection." + k, "non-default", "the Lease and its timings",
                    LEADER_K8S + "KubernetesLeaderElectionConfigTest.java");
        }
        r.elsewhere("leaderElection.watchLease", "false", "standbys only poll every retryPeriod; true: a released or "
                + "expired Lease is taken at once", LEADER_K8S + "LeaseWatchTest.java");
        r.elsewhere("watcher.type", "kubernetes", "selects the watcher provider by name",
                "guardian-watcher-k8s/src/test/java/io/cronjobguardian/watcher/k8s/"
                        + "KubernetesCronJobWatcherProviderTest.java");
        r.cited("watcher.ignoredNamespaces", "kube-system", "CronJobs there are never selected",
                "SelectorEngineTest", "ignoredNamespacesAreNeverSelectedWhateverTheScope");
        r.cited("monitors.files", "examples/*.yaml", "the monitors of the files act",
                "OperatorExamplesEngineTest",
                "everyExampleFileLoadsThroughMonitorsFilesAndTheirDeadManSwitchesActOnTheCronJobsTheySelect");
        r.cited("monitors.unknownFields", "warn", "a file with an unknown field loads with a warning",
                "monitor.MonitorSpecLoaderTest", "configCanMakeUnknownFieldsWarnings");
        String httpTests = "guardian-http/src/test/java/io/cronjobguardian/http/ActionsAndProbesTest.java";
        r.elsewhere("http.port", "0", "the standalone server listens on that port (0: any free one)", httpTests);
        r.elsewhere("http.bindAddress", "127.0.0.1", "the standalone server listens on that address; an unknown "
                + "host is a configuration error", httpTests);
        r.elsewhere("http.basePath", "/guardian", "every route is served under it; anything else is 404 (a malformed "
                + "one is a configuration error)", httpTests);
        r.elsewhere("http.onManagementPort", "true", "the starter serves the HTTP surface on Boot's management port",
                "guardian-spring-boot-autoconfigure/src/test/java/io/cronjobguardian/spring/boot/autoconfigure/"
                        + "BootApplicationTest.java");
        r.elsewhere("http.threads", "2", "the standalone server's request threads", httpTests);
        r.elsewhere("http.actions.enabled", "true", "actions are served (default: answered 404 \"actions are "
                + "disabled\")", httpTests);
        String dashboardTests = "guardian-http/src/test/java/io/cronjobguardian/http/DashboardAssetsTest.java";
        r.elsewhere("http.dashboard.enabled", "false", "no dashboard: its path answers 404 (default: served)",
                dashboardTests);
        r.elsewhere("http.dashboard.path", "/ops/guardian", "the dashboard is served there, its pages reach the "
                + "API by relative URLs", dashboardTests);
        r.elsewhere("http.token", "a 23-character token", "actions need Authorization: Bearer <token> (else 401); "
                + "required and at least 16 characters when actions are enabled", httpTests);
        r.proof("storage.logStorageEnabled", "true", "the log tail of a failed run is stored (default: not)",
                () -> {
                    assertThat(failedRun("", c -> { }).execution().logTail()).isNull();
                    assertThat(failedRun("", c -> c.set("storage.logStorageEnabled", "true")).execution().logTail())
                            .endsWith("line 100");
                });
        r.proof("storage.eventStorageEnabled", "true", "the events of a failed run are stored (default: not)",
                () -> {
                    assertThat(failedRun("", c -> { }).execution().events()).isEmpty();
                    assertThat(failedRun("", c -> c.set("storage.eventStorageEnabled", "true")).execution().events())
                            .isNotEmpty();
                });
        r.proof("storage.maxLogSizeKB", "1", "the stored log tail is cut to 1 KiB (default 100 KiB)", () -> {
            Consumer<GuardianConfig.Builder> logs = c -> c.set("storage.logStorageEnabled", "true");
            assertThat(failedRun("", logs).execution().logTail()).hasSizeGreaterThan(2048);
            assertThat(failedRun("", logs.andThen(c -> c.set("storage.maxLogSizeKB", "1"))).execution().logTail()
                    .length()).isLessThanOrEqualTo(1024);
        });
        r.proof("storage.type", "nope", "the store provider is chosen by that name (none is named so: a clear "
                + "error naming it; default: the highest-priority provider that supports the settings)", () ->
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> Guardian.builder()
                        .config(GuardianConfig.builder().noEnvironment().set("storage.type", "nope").build())
                        .watcher(new ScriptableCronJobWatcher()).build().close())
                        .hasMessageContaining("nope"));
        for (String k : SettingsCoverageTest.storageProviderKeys()) {
            r.elsewhere(k, "non-default", "what the store provider makes of it", storeTest(k));
        }
        r.cited("storage.logRetentionDays", "1", "stored logs are dropped after a day, the runs kept",
                "RetentionTest", "logRetentionDropsDetailsButKeepsRunsGloballyAndPerMonitor");

        // ------------------------------------------------------------------ MonitorSpec
        r.proof("monitor.namespace", "team-a", "the monitor's id and its incidents' keys; with no selector it "
                + "selects its own namespace", () -> assertThat(failedRun("", c -> { }).jobFailed().key().monitor())
                        .isEqualTo("team-a/m"));
        r.proof("monitor.name", "m", "the monitor's id in incident keys and monitorStatus",
                () -> assertThat(failedRun("", c -> { }).jobFailed().key().monitor()).endsWith("/m"));
        r.cited("monitor.selector.matchLabels", "{tier: batch}", "only labelled CronJobs are selected",
                "monitor.MonitorSpecTest", "matchLabelsAreAnded");
        for (String p : List.of("monitor.selector.matchExpressions.", "monitor.selector.namespaceSelector"
                + ".matchExpressions.")) {
            for (String leaf : List.of("key", "operator", "values")) {
                r.cited(p + leaf, "tier In [batch]", "selection by expression",
                        p.contains("namespaceSelector") ? "SelectorEngineTest" : "monitor.MonitorSpecTest",
                        p.contains("namespaceSelector") ? "namespaceSelectorWithExpressionsAndTheEmptySelectorThat"
                                + "SelectsEveryNamespace" : "everyExpressionOperator");
            }
        }
        r.cited("monitor.selector.matchNames", "[app]", "only the named CronJobs are selected",
                "monitor.MonitorSpecTest", "matchNamesAreAndedWithLabelsAndMayNameTheNamespace");
        r.cited("monitor.selector.namespaces", "[team-b]", "replaces the monitor's own namespace",
                "monitor.MonitorSpecTest", "explicitNamespacesReplaceTheOwnNamespace");
        r.cited("monitor.selector.namespaceSelector.matchLabels", "{env: prod}", "namespaces by label",
                "SelectorEngineTest", "namespaceSelectorSelectsOnlyNamespacesWhoseLabelsMatchOnTheJobPathToo");
        r.cited("monitor.selector.allNamespaces", "true", "every namespace is selected",
                "monitor.MonitorSpecTest", "allNamespacesWinsAndIgnoredNamespacesAreNeverSelected");
        r.cited("monitor.deadManSwitch.enabled", "true", "missed slots open MissedSchedule",
                "DeadManSwitchTest", "aMissedSlotOpensAnIncidentExactlyWhenItsGraceEndsAndARunResolvesIt");
        r.cited("monitor.deadManSwitch.maxTimeSinceLastSuccess", "2h", "DeadManTriggered after 2h without success",
                "DeadManSwitchTest", "fixedWindowMeasuresTimeSinceTheLastSuccessNotTheLastRun");
        r.cited("monitor.deadManSwitch.autoFromSchedule.enabled", "true", "slots of the schedule are judged",
                "DeadManSwitchTest", "aMissedSlotOpensAnIncidentExactlyWhenItsGraceEndsAndARunResolvesIt");
        r.cited("monitor.deadManSwitch.autoFromSchedule.buffer", "5m", "a slot is missed buffer after it",
                "DeadManSwitchTest", "aMissedSlotOpensAnIncidentExactlyWhenItsGraceEndsAndARunResolvesIt");
        r.cited("monitor.deadManSwitch.autoFromSchedule.missedScheduleThreshold", "3", "opens after 3 consecutive "
                + "misses", "DeadManSwitchTest", "thresholdCountsConsecutiveMissesOnly");
        r.proof("monitor.sla.enabled", "false", "no SLABreached for a slow run (default: breached)", () -> {
            String slow = "sla: {minSuccessRate: 0, maxDuration: 1m%s}";
            assertThat(slowRunOpens(String.format(slow, ""), AlertType.SLA_BREACHED)).isTrue();
            assertThat(slowRunOpens(String.format(slow, ", enabled: false"), AlertType.SLA_BREACHED)).isFalse();
        });
        r.cited("monitor.sla.minSuccessRate", "99", "one failure in three breaches",
                "OperatorExamplesEngineTest", "basicExampleSlaOfNinetyNinePercentBreachesOnOneFailureInThree");
        r.proof("monitor.sla.windowDays", "1", "a failure 2 days old no longer counts toward the success rate",
                () -> {
                    assertThat(oldFailureBreaches("sla: {minSuccessRate: 90, windowDays: 7, "
                            + "minRunsForSuccessRate: 1}")).isTrue();
                    assertThat(oldFailureBreaches("sla: {minSuccessRate: 90, windowDays: 1, "
                            + "minRunsForSuccessRate: 1}")).isFalse();
                });
        r.proof("monitor.sla.minRunsForSuccessRate", "1", "one failed run breaches (default 3: no breach yet)",
                () -> {
                    assertThat(failedRun("sla: {minSuccessRate: 90}", c -> { }).open(AlertType.SLA_BREACHED))
                            .isFalse();
                    assertThat(failedRun("sla: {minSuccessRate: 90, minRunsForSuccessRate: 1}", c -> { })
                            .open(AlertType.SLA_BREACHED)).isTrue();
                });
        r.cited("monitor.sla.maxDuration", "5m", "SLABreached for a run longer than 5m",
                "SlaAndFailureTest", "maxDurationOnAFinishedRunAndOnARunStillGoing");
        r.cited("monitor.sla.maxConsecutiveFailures", "3", "JobFailed only at the third failure in a row",
                "SlaAndFailureTest", "consecutiveFailureThresholdDelaysJobFailed");
        r.cited("monitor.sla.durationPercentiles", "[90]", "status and metrics report p90 (default p50/p95/p99)",
                "MetricsTest", "theConfiguredDurationPercentilesAreWhatStatusAndMetricsReport");
        r.cited("monitor.sla.durationRegressionThreshold", "150", "a +100 % change opens nothing (default 50 %)",
                "ScheduleAwareSlaTest", "theRegressionThresholdAndBaselineWindowDecide");
        r.cited("monitor.sla.durationBaselineWindowDays", "3", "no regression when the baseline is not longer than "
                + "the recent window", "ScheduleAwareSlaTest", "theRegressionThresholdAndBaselineWindowDecide");
        for (String k : List.of("durationRecentWindow", "durationRegressionMinSamples")) {
            r.cited("monitor.sla." + k, "1d / 5", "explicit values win over the ones derived from the schedule",
                    "ScheduleAwareSlaTest", "explicitRegressionSettingsStillWin");
        }
        r.cited("monitor.suspendedHandling.alertIfSuspendedFor", "1h", "SuspendedTooLong after an hour",
                "SuspensionAndMaintenanceTest", "suspendedTooLongIsMeasuredFromAPersistedSuspensionTimeAcrossRestarts");
        r.proof("monitor.suspendedHandling.pauseMonitoring", "false", "slots of a suspended CronJob are judged: "
                + "MissedSchedule opens (default: paused, nothing opens)", () -> {
                    String dm = "deadManSwitch: {autoFromSchedule: {enabled: true, buffer: 1m}}";
                    assertThat(suspendedForTwoHours(dm).open(AlertType.MISSED_SCHEDULE)).isFalse();
                    assertThat(suspendedForTwoHours(dm + "\n  suspendedHandling: {pauseMonitoring: false}")
                            .open(AlertType.MISSED_SCHEDULE)).isTrue();
                });
        r.proof("monitor.maintenanceWindows.suppressAlerts", "false", "a failure inside the window is announced at "
                + "once (default: held until the window closes)", () -> {
                    String w = "maintenanceWindows: [{name: w, schedule: '0 0 * * *', duration: 4h, timezone: UTC%s}]";
                    assertThat(failedRun(String.format(w, ""), c -> { }).sent()).isEmpty();
                    assertThat(failedRun(String.format(w, ", suppressAlerts: false"), c -> { }).sent()).isNotEmpty();
                });
        for (String k : List.of("name", "schedule", "duration", "timezone")) {
            r.cited("monitor.maintenanceWindows." + k, "a window", "openings are held until the window closes",
                    "SuspensionAndMaintenanceTest",
                    "maintenanceWindowHoldsOpeningsBackUntilItClosesButNeverResolutions");
        }
        r.proof("monitor.alerting.enabled", "false", "nothing is sent (default: the channel gets JobFailed)", () -> {
            assertThat(failedRun("", c -> { }).sent()).isNotEmpty();
            assertThat(failedRun("alerting: {enabled: false, channelRefs: [{name: rec}]}", c -> { }).sent())
                    .isEmpty();
        });
        r.proof("monitor.alerting.channelRefs.name", "other", "the named channel gets the alert, rec does not",
                () -> assertThat(failedRun("alerting: {channelRefs: [{name: other}]}", c -> { }).sent()).isEmpty());
        r.proof("monitor.alerting.channelRefs.severities", "[warning]", "a critical JobFailed is not sent there",
                () -> assertThat(failedRun("alerting: {channelRefs: [{name: rec, severities: [warning]}]}",
                        c -> { }).sent()).isEmpty());
        r.proof("monitor.alerting.severityOverrides.jobFailed", "warning", "JobFailed opens as a warning",
                () -> assertThat(failedRun("alerting: {channelRefs: [{name: rec}], severityOverrides: "
                        + "{jobFailed: warning}}", c -> { }).jobFailed().severity()).isEqualTo(Severity.WARNING));
        r.cited("monitor.alerting.severityOverrides.deadManTriggered", "warning", "dead-man incidents are warnings",
                "DeadManSwitchTest",
                "theOperatorsDeadManSeverityOverrideAppliesToMissedSchedulesUnlessMissedScheduleIsSet");
        r.cited("monitor.alerting.severityOverrides.missedSchedule", "warning", "MissedSchedule is a warning",
                "DeadManSwitchTest",
                "theOperatorsDeadManSeverityOverrideAppliesToMissedSchedulesUnlessMissedScheduleIsSet");
        r.proof("monitor.alerting.severityOverrides.slaBreached", "critical", "SLABreached opens as critical",
                () -> assertThat(slowRunIncident("sla: {minSuccessRate: 0, maxDuration: 1m}\n  alerting: "
                        + "{channelRefs: [{name: rec}], severityOverrides: {slaBreached: critical}}",
                        AlertType.SLA_BREACHED).severity()).isEqualTo(Severity.CRITICAL));
        r.cited("monitor.alerting.severityOverrides.durationRegression", "critical", "regressions are critical",
                "SlaAndFailureTest", "durationRegressionInBothDirections");
        r.cited("monitor.alerting.severityOverrides.suspendedTooLong", "critical", "SuspendedTooLong is critical",
                "SuspensionAndMaintenanceTest", "suspendedTooLongIsMeasuredFromAPersistedSuspensionTimeAcrossRestarts");
        r.cited("monitor.alerting.severityOverrides.jobStuck", "critical", "JobStuck is critical",
                "StuckAndSuspendedJobsTest", "jobStuckHasItsOwnSeverityOverrideAndCanBeTurnedOff");
        r.cited("monitor.alerting.severityOverrides.ranTooOften", "critical", "RanTooOften is critical",
                "monitor.MonitorSpecLoaderTest", "ranTooOftenIsAWarningUnlessSeverityOverridesSayOtherwise");
        r.cited("monitor.stuckJob.enabled", "false", "no JobStuck for a Job without a pod",
                "StuckAndSuspendedJobsTest", "jobStuckHasItsOwnSeverityOverrideAndCanBeTurnedOff");
        r.cited("monitor.stuckJob.noPodAfter", "5m", "JobStuck opens 5m after creation (default 10m)",
                "StuckAndSuspendedJobsTest", "jobStuckResolvesWhenTheJobEndsOrIsDeleted");
        r.proof("monitor.alerting.suppressDuplicatesFor", "0s", "a repeated failure is announced again (the global "
                + "default 1h suppresses it)", () -> assertThat(repeatedFailureAnnouncements(
                        "alerting: {channelRefs: [{name: rec}], suppressDuplicatesFor: 0s}", c -> { })).isEqualTo(2));
        r.cited("monitor.alerting.alertDelay", "5m", "an incident resolved within 5m is never announced",
                "alert.AlertPipelineTest", "anIncidentResolvedWithinAlertDelayIsNeverAnnounced");
        r.cited("monitor.alerting.renotifyInterval", "1h", "open incidents are reminded hourly",
                "alert.AlertPipelineTest", "openIncidentsAreRemindedAndAChangedFailureIsAnnounced");
        r.proof("monitor.alerting.includeContext.logs", "false", "no log tail in the alert (default: the tail)",
                () -> {
                    assertThat(failedRun("", c -> { }).jobFailed().context().logTail()).endsWith("line 100");
                    assertThat(failedRun(ctx("logs: false"), c -> { }).jobFailed().context().logTail()).isNull();
                });
        r.proof("monitor.alerting.includeContext.logLines", "2", "the alert's log tail has 2 lines (default 50)",
                () -> {
                    assertThat(failedRun("", c -> { }).jobFailed().context().logTail().lines()).hasSize(50);
                    List<String> two = failedRun(ctx("logLines: 2"), c -> { }).jobFailed().context().logTail()
                            .lines().toList();
                    assertThat(two).hasSize(2);
                    assertThat(two.get(0)).endsWith("line 99");
                    assertThat(two.get(1)).endsWith("line 100");
                });
        r.proof("monitor.alerting.includeContext.logContainerName", "sidecar", "the log is read from that container",
                () -> {
                    assertThat(failedRun("", c -> { }).logRequests()).extracting(LogRequest::container)
                            .containsOnlyNulls();
                    assertThat(failedRun(ctx("logContainerName: sidecar"), c -> { }).logRequests())
                            .extracting(LogRequest::container).contains("sidecar");
                });
        r.proof("monitor.alerting.includeContext.includeInitContainerLogs", "true", "init containers' logs are "
                + "asked for", () -> {
                    assertThat(failedRun("", c -> { }).logRequests())
                            .noneMatch(LogRequest::includeInitContainers);
                    assertThat(failedRun(ctx("includeInitContainerLogs: true"), c -> { }).logRequests())
                            .anyMatch(LogRequest::includeInitContainers);
                });
        r.proof("monitor.alerting.includeContext.events", "false", "no events in the alert (default: the events)",
                () -> {
                    assertThat(failedRun("", c -> { }).jobFailed().context().events()).isNotEmpty();
                    assertThat(failedRun(ctx("events: false"), c -> { }).jobFailed().context().events()).isEmpty();
                });
        r.proof("monitor.alerting.includeContext.podStatus", "false", "no pod status in the alert", () -> {
            assertThat(failedRun("", c -> { }).jobFailed().context().podStatus()).isNotNull();
            assertThat(failedRun(ctx("podStatus: false"), c -> { }).jobFailed().context().podStatus()).isNull();
        });
        r.proof("monitor.alerting.includeContext.suggestedFixes", "false", "no suggested fix in the alert", () -> {
            assertThat(failedRun("", c -> { }).jobFailed().context().suggestedFix()).isNotNull();
            assertThat(failedRun(ctx("suggestedFixes: false"), c -> { }).jobFailed().context().suggestedFix())
                    .isNull();
        });
        for (String k : List.of("name", "suggestion", "priority", "match.exitCode", "match.exitCodeRange.min",
                "match.exitCodeRange.max", "match.reason", "match.reasonPattern", "match.logPattern",
                "match.eventPattern")) {
            r.cited("monitor.alerting.suggestedFixPatterns." + k, "a custom pattern", "which fix is suggested",
                    "alert.SuggestedFixesTest", k.startsWith("match.") ? "everyCriterionMustHold"
                            : "customPatternsReplaceBuiltInsByNameAndWinByPriority");
        }
        r.cited("monitor.dataRetention.retentionDays", "60", "this monitor's runs are kept 60 days",
                "RetentionTest", "perMonitorRetentionLongerAndShorterThanTheDefaultAndTheLongestSelectingMonitorWins");
        r.cited("monitor.dataRetention.logRetentionDays", "1", "its stored logs are dropped after a day",
                "RetentionTest", "logRetentionDropsDetailsButKeepsRunsGloballyAndPerMonitor");
        r.proof("monitor.dataRetention.storeLogs", "true", "the log tail of a failed run is stored", () ->
                assertThat(failedRun("dataRetention: {storeLogs: true}", c -> { }).execution().logTail())
                        .endsWith("line 100"));
        r.proof("monitor.dataRetention.storeEvents", "true", "the events of a failed run are stored", () ->
                assertThat(failedRun("dataRetention: {storeEvents: true}", c -> { }).execution().events())
                        .isNotEmpty());
        r.proof("monitor.dataRetention.maxLogSizeKB", "200", "a longer stored log than the global 1 KiB", () -> {
            Consumer<GuardianConfig.Builder> small = c -> c.set("storage.maxLogSizeKB", "1");
            assertThat(failedRun("dataRetention: {storeLogs: true}", small).execution().logTail().length())
                    .isLessThanOrEqualTo(1024);
            assertThat(failedRun("dataRetention: {storeLogs: true, maxLogSizeKB: 200}", small).execution()
                    .logTail()).hasSizeGreaterThan(2048);
        });
        r.cited("monitor.dataRetention.onCronJobDeletion", "purge", "a deleted CronJob's history is purged",
                "RetentionTest", "onDeletionPurgeDeletesAtOnceOnlyThatCronJobsHistory");
        r.cited("monitor.dataRetention.purgeAfterDays", "3", "purged exactly 3 days after the deletion",
                "RetentionTest", "onDeletionPurgeAfterDaysPurgesExactlyNDaysAfterTheDeletion");
        r.cited("monitor.dataRetention.onRecreation", "reset", "a recreated CronJob starts without the old runs",
                "RetentionTest", "onRecreationResetDeletesTheOldUidsRuns");
    }

    /** The store module's coverage test of a {@code storage.*} key. */
    private static String storeTest(String key) {
        if (key.startsWith("storage.postgres.")) {
            return "guardian-store-postgres/src/test/java/io/cronjobguardian/store/postgres/"
                    + "PostgresSettingsCoverageTest.java";
        }
        if (key.startsWith("storage.mysql.") || key.startsWith("storage.mariadb.")) {
            return "guardian-store-mysql/src/test/java/io/cronjobguardian/store/mysql/MySqlSettingsCoverageTest.java";
        }
        return "guardian-store-sqlite/src/test/java/io/cronjobguardian/store/sqlite/SqliteSettingsCoverageTest.java";
    }

    // ================================================================================ scenarios

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");
    private static final String LOG = IntStream.rangeClosed(1, 100)
            .mapToObj(i -> "some output of the job, padded to be long enough: line " + i)
            .collect(Collectors.joining("\n"));

    /** {@code alerting.includeContext} with one field set, sending to {@code rec}. */
    private static String ctx(String field) {
        return "alerting: {channelRefs: [{name: rec}], includeContext: {" + field + "}}";
    }

    /**
     * A monitor {@code team-a/m} from the operator's YAML spec lines (two-space indented under {@code spec:});
     * without an {@code alerting:} line it sends to the channel {@code rec}.
     */
    static MonitorSpec monitor(String spec) {
        String body = spec.contains("alerting:") ? spec : (spec.isBlank() ? "" : spec + "\n  ")
                + "alerting: {channelRefs: [{name: rec}]}";
        String yaml = "apiVersion: guardian.illenium.net/v1alpha1\nkind: CronJobMonitor\n"
                + "metadata: {name: m, namespace: team-a}\nspec:\n  " + body + "\n";
        return MonitorSpecLoader.defaults().parse(yaml, "row").monitors().get(0);
    }

    /** What one scenario left behind. */
    record Outcome(List<Incident> incidents, @Nullable Execution execution, List<AlertMessage> sent,
            List<LogRequest> logRequests) {
        Incident jobFailed() {
            return incidents.stream().filter(i -> i.key().type() == AlertType.JOB_FAILED).findFirst()
                    .orElseThrow(() -> new AssertionError("no JobFailed incident: " + incidents));
        }

        boolean open(AlertType type) {
            return incidents.stream().anyMatch(i -> i.key().type() == type && i.isOpen());
        }
    }

    private static EngineHarness harness(List<MonitorSpec> monitors, Consumer<GuardianConfig.Builder> config,
            Consumer<Guardian.Builder> builder) {
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        return new EngineHarness(new ManualClock(T0), monitors, new InMemoryHistoryStore(), w, w, config, builder);
    }

    /**
     * One failed run (exit 1, a 100-line log, two events) of {@code team-a/app} ({@code 0 * * * *}) under the
     * monitor of {@code spec}, with a recording channel {@code rec}.
     */
    static Outcome failedRun(String spec, Consumer<GuardianConfig.Builder> config) {
        return run(spec, config, false, Duration.ofSeconds(5));
    }

    private static Outcome run(String spec, Consumer<GuardianConfig.Builder> config, boolean success,
            Duration duration) {
        RecordingAlertChannel rec = RecordingAlertChannel.named("rec");
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        List<LogRequest> requests = new ArrayList<>();
        CronJobWatcher spy = new Spy(w, requests);
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(monitor(spec)),
                new InMemoryHistoryStore(), w, spy, config, gb -> gb.alertChannel(rec, RecordingAlertChannel
                        .named("other")).synchronousAlertDelivery(true)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("0 * * * *"));
            Instant start = T0.plusSeconds(60);
            TestObjects.JobBuilder b = TestObjects.job(cj).name("app-1").uid("app-1").scheduled(start);
            w.setLogTail("app-1", LOG);
            w.setEvents("app-1", "Warning BackOff restarting failed container", "Normal Pulled image pulled");
            h.advance(duration.plusMinutes(1));
            JobSnapshot j = success ? b.succeeded(start, start.plus(duration)).build()
                    : b.failed(start, start.plus(duration)).termination(new Termination("main", 1, "Error", null,
                            "boom")).build();
            w.addJob(j);
            h.run();
            h.advance(Duration.ofMinutes(1));
            List<Incident> incidents = h.store.incidents(IncidentQuery.all().page(0, 100)).items();
            return new Outcome(incidents, h.store.findExecution("app-1").orElse(null), rec.messages(),
                    List.copyOf(requests));
        }
    }

    private static boolean slowRunOpens(String spec, AlertType type) {
        return run(spec, c -> { }, true, Duration.ofMinutes(10)).open(type);
    }

    private static Incident slowRunIncident(String spec, AlertType type) {
        return run(spec, c -> { }, true, Duration.ofMinutes(10)).incidents().stream()
                .filter(i -> i.key().type() == type).findFirst().orElseThrow();
    }

    /** A suspended hourly CronJob, watched for two hours under the monitor of {@code spec}. */
    private static Outcome suspendedForTwoHours(String spec) {
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(monitor(spec)),
                new InMemoryHistoryStore(), w, w, c -> { }, gb -> gb.alertChannel(RecordingAlertChannel.named("rec"))
                        .synchronousAlertDelivery(true)).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("0 * * * *").suspended(true)
                    .creationTime(T0.minus(Duration.ofMinutes(5))));
            h.advance(Duration.ofHours(2).plusMinutes(5));
            return new Outcome(h.store.incidents(IncidentQuery.all().page(0, 100)).items(), null, List.of(),
                    List.of());
        }
    }

    /** A failure two days ago and a success now: is the success rate (90 %) breached? */
    private static boolean oldFailureBreaches(String spec) {
        RecordingAlertChannel rec = RecordingAlertChannel.named("rec");
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        InMemoryHistoryStore store = new InMemoryHistoryStore();
        CronJobSnapshot cj = TestObjects.cronJob("team-a", "app").schedule("0 * * * *")
                .creationTime(T0.minus(Duration.ofDays(3))).build();
        Instant old = T0.minus(Duration.ofDays(2));
        store.upsertExecution(TestObjects.job(cj).name("old").uid("old").scheduled(old)
                .failed(old, old.plusSeconds(5)).execution(), 0);
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(monitor(spec)), store, w, w, c -> { },
                gb -> gb.alertChannel(rec).synchronousAlertDelivery(true)).start()) {
            w.addCronJob(cj);
            h.run();
            Instant start = T0.plusSeconds(60);
            h.advance(Duration.ofMinutes(2));
            w.addJob(TestObjects.job(cj).name("new").uid("new").scheduled(start).succeeded(start,
                    start.plusSeconds(5)).build());
            h.run();
            h.advance(Duration.ofMinutes(1));
            return !h.openIncidents(AlertType.SLA_BREACHED).isEmpty();
        }
    }

    /** How many times a failure, resolved by a success and repeated, is announced to {@code rec}. */
    private static int repeatedFailureAnnouncements(String spec, Consumer<GuardianConfig.Builder> config) {
        RecordingAlertChannel rec = RecordingAlertChannel.named("rec");
        ScriptableCronJobWatcher w = new ScriptableCronJobWatcher();
        try (EngineHarness h = new EngineHarness(new ManualClock(T0), List.of(monitor(spec)),
                new InMemoryHistoryStore(), w, w, config, gb -> gb.alertChannel(rec)
                        .synchronousAlertDelivery(true)).start()) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("*/10 * * * *"));
            for (int i = 0; i < 3; i++) {
                Instant slot = T0.plus(Duration.ofMinutes(10L * (i + 1)));
                h.advanceTo(slot.plusSeconds(30));
                TestObjects.JobBuilder b = TestObjects.job(cj).name("r" + i).uid("r" + i).scheduled(slot);
                w.addJob(i == 1 ? b.succeeded(slot, slot.plusSeconds(5)).build()
                        : b.failed(slot, slot.plusSeconds(5)).termination(new Termination("main", 1, "Error", null,
                                "boom")).build());
                h.run();
            }
            h.advance(Duration.ofMinutes(1));
            return (int) rec.messages().stream().filter(m -> m.key().type() == AlertType.JOB_FAILED
                    && m.kind() == io.cronjobguardian.api.NotificationKind.OPENED).count();
        }
    }

    /** How often an idle CronJob (a yearly schedule) is evaluated in the 30 minutes after its first evaluation. */
    private static int sweepEvaluations(String interval) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        io.cronjobguardian.engine.core.EngineObserver counter = new io.cronjobguardian.engine.core.EngineObserver() {
            @Override
            public void evaluated(CronJobRef ref, Duration took, Map<Severity, Integer> openBySeverity) {
                n.incrementAndGet();
            }
        };
        try (EngineHarness h = harness(List.of(monitor("")), c -> c.set("scheduler.safetySweepInterval", interval),
                gb -> gb.observer(counter)).start()) {
            h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("0 0 1 1 *"));
            n.set(0);
            h.advance(Duration.ofMinutes(30));
            return n.get();
        }
    }

    /** A watcher that records the log requests the engine makes. */
    private static final class Spy implements CronJobWatcher {
        private final CronJobWatcher d;
        private final List<LogRequest> requests;

        Spy(CronJobWatcher d, List<LogRequest> requests) {
            this.d = d;
            this.requests = requests;
        }

        @Override
        public void start(WatchListener l) {
            d.start(l);
        }

        @Override
        public boolean hasSynced() {
            return d.hasSynced();
        }

        @Override
        public Collection<CronJobSnapshot> cronJobs() {
            return d.cronJobs();
        }

        @Override
        public Optional<CronJobSnapshot> cronJob(CronJobRef ref) {
            return d.cronJob(ref);
        }

        @Override
        public Collection<JobSnapshot> jobs(CronJobRef owner) {
            return d.jobs(owner);
        }

        @Override
        public Optional<Map<String, String>> namespaceLabels(String namespace) {
            return d.namespaceLabels(namespace);
        }

        @Override
        public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
            synchronized (requests) {
                requests.add(request);
            }
            return d.fetchLogTail(job, request);
        }

        @Override
        public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
            return d.fetchEvents(job, maxEvents);
        }

        @Override
        public void close() {
            d.close();
        }
    }
}
