package io.cronjobguardian.engine.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.monitor.MonitorSpec.LabelRequirement;
import io.cronjobguardian.engine.monitor.MonitorSpec.LabelSelector;
import io.cronjobguardian.engine.monitor.MonitorSpec.MaintenanceWindow;
import io.cronjobguardian.engine.monitor.MonitorSpec.Operator;
import io.cronjobguardian.engine.monitor.MonitorSpec.Scope;
import io.cronjobguardian.engine.monitor.MonitorSpec.Selector;
import io.cronjobguardian.engine.monitor.MonitorSpec.SeverityOverrides;
import io.cronjobguardian.engine.monitor.MonitorSpec.Sla;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MonitorSpecTest {

    private static CronJobSnapshot cronJob(String namespace, String name, Map<String, String> labels) {
        return new CronJobSnapshot(CronJobRef.of(namespace, name), "uid-" + name, labels, "*/5 * * * *", null, false,
                null, ConcurrencyPolicy.ALLOW, Instant.parse("2026-01-01T00:00:00Z"), null, null, List.of());
    }

    private static CronJobSnapshot cronJob(String namespace, String name) {
        return cronJob(namespace, name, Map.of());
    }

    private static MonitorSpec monitor(Selector selector) {
        return MonitorSpec.builder("guardian", "m").selector(selector).build();
    }

    private static Selector selector(Map<String, String> labels, List<LabelRequirement> expressions,
            List<String> names, List<String> namespaces, LabelSelector nsSelector, boolean all) {
        return new Selector(labels, expressions, names, namespaces, nsSelector, all);
    }

    // ------------------------------------------------------------------ namespace scope

    @Test
    void noSelectorMeansEveryCronJobOfTheMonitorsOwnNamespace() {
        MonitorSpec m = MonitorSpec.of("guardian", "m");
        assertThat(m.selector().scope()).isEqualTo(Scope.OWN_NAMESPACE);
        assertThat(m.matches(cronJob("guardian", "any", Map.of("a", "b")), Map.of())).isTrue();
        assertThat(m.matches(cronJob("other", "any"), Map.of())).isFalse();
    }

    @Test
    void explicitNamespacesReplaceTheOwnNamespace() {
        MonitorSpec m = monitor(selector(Map.of(), List.of(), List.of(), List.of("prod", "staging"), null, false));
        assertThat(m.selector().scope()).isEqualTo(Scope.NAMESPACES);
        assertThat(m.matches(cronJob("prod", "a"), Map.of())).isTrue();
        assertThat(m.matches(cronJob("staging", "a"), Map.of())).isTrue();
        assertThat(m.matches(cronJob("guardian", "a"), Map.of())).isFalse();
    }

    @Test
    void namespaceSelectorIsCheckedAgainstTheNamespacesLabels() {
        LabelSelector env = new LabelSelector(Map.of("environment", "production"),
                List.of(new LabelRequirement("team", Operator.EXISTS, List.of())));
        MonitorSpec m = monitor(selector(Map.of(), List.of(), List.of(), List.of(), env, false));
        assertThat(m.selector().scope()).isEqualTo(Scope.NAMESPACE_SELECTOR);
        assertThat(m.matches(cronJob("shop", "a"), Map.of("environment", "production", "team", "x"))).isTrue();
        assertThat(m.matches(cronJob("shop", "a"), Map.of("environment", "production"))).isFalse();
        assertThat(m.matches(cronJob("shop", "a"), Map.of("environment", "staging", "team", "x"))).isFalse();
        assertThat(m.matches(cronJob("shop", "a"), Map.of())).isFalse();
        // not even the monitor's own namespace, unless its labels match
        assertThat(m.matches(cronJob("guardian", "a"), Map.of())).isFalse();
        // an empty namespace selector selects every namespace
        MonitorSpec every = monitor(selector(Map.of(), List.of(), List.of(), List.of(), LabelSelector.everything(),
                false));
        assertThat(every.matches(cronJob("anything", "a"), Map.of())).isTrue();
    }

    @Test
    void allNamespacesWinsAndIgnoredNamespacesAreNeverSelected() {
        MonitorSpec all = monitor(selector(Map.of(), List.of(), List.of(), List.of("prod"), null, true));
        assertThat(all.selector().scope()).isEqualTo(Scope.ALL_NAMESPACES);
        assertThat(all.matches(cronJob("anywhere", "a"), Map.of())).isTrue();
        Set<String> ignored = Set.of("kube-system", "guardian");
        assertThat(all.matches(cronJob("kube-system", "a"), Map.of(), ignored)).isFalse();
        assertThat(all.matches(cronJob("prod", "a"), Map.of(), ignored)).isTrue();

        // ignored wins over every scope, as the watcher does not even watch those namespaces
        assertThat(MonitorSpec.of("guardian", "own").matches(cronJob("guardian", "a"), Map.of(), ignored)).isFalse();
        MonitorSpec named = monitor(selector(Map.of(), List.of(), List.of(), List.of("kube-system"), null, false));
        assertThat(named.matches(cronJob("kube-system", "a"), Map.of(), ignored)).isFalse();
        MonitorSpec bySelector = monitor(selector(Map.of(), List.of(), List.of(), List.of(),
                LabelSelector.everything(), false));
        assertThat(bySelector.matches(cronJob("kube-system", "a"), Map.of(), ignored)).isFalse();
    }

    // ------------------------------------------------------------------ CronJob match

    @Test
    void matchLabelsAreAnded() {
        MonitorSpec m = MonitorSpec.builder("guardian", "m").matchLabels(Map.of("tier", "critical", "team", "a"))
                .build();
        assertThat(m.matches(cronJob("guardian", "x", Map.of("tier", "critical", "team", "a", "more", "y")),
                Map.of())).isTrue();
        assertThat(m.matches(cronJob("guardian", "x", Map.of("tier", "critical")), Map.of())).isFalse();
        assertThat(m.matches(cronJob("guardian", "x", Map.of("tier", "low", "team", "a")), Map.of())).isFalse();
    }

    @Test
    void everyExpressionOperator() {
        Map<String, String> critical = Map.of("tier", "critical");
        Map<String, String> low = Map.of("tier", "low");
        Map<String, String> none = Map.of();
        LabelRequirement in = new LabelRequirement("tier", Operator.IN, List.of("critical", "high"));
        LabelRequirement notIn = new LabelRequirement("tier", Operator.NOT_IN, List.of("critical"));
        LabelRequirement exists = new LabelRequirement("tier", Operator.EXISTS, List.of());
        LabelRequirement absent = new LabelRequirement("tier", Operator.DOES_NOT_EXIST, null);
        assertThat(List.of(in.matches(critical), in.matches(low), in.matches(none))).containsExactly(true, false,
                false);
        assertThat(List.of(notIn.matches(critical), notIn.matches(low), notIn.matches(none))).containsExactly(false,
                true, true);
        assertThat(List.of(exists.matches(critical), exists.matches(none))).containsExactly(true, false);
        assertThat(List.of(absent.matches(critical), absent.matches(none))).containsExactly(false, true);

        MonitorSpec m = monitor(selector(Map.of("team", "a"), List.of(in, exists), List.of(), List.of(), null, false));
        assertThat(m.matches(cronJob("guardian", "x", Map.of("team", "a", "tier", "high")), Map.of())).isTrue();
        assertThat(m.matches(cronJob("guardian", "x", Map.of("team", "b", "tier", "high")), Map.of())).isFalse();
        assertThat(m.matches(cronJob("guardian", "x", Map.of("team", "a", "tier", "low")), Map.of())).isFalse();

        assertThat(Operator.parse("NotIn")).isEqualTo(Operator.NOT_IN);
        assertThatThrownBy(() -> Operator.parse("notin")).hasMessageContaining("accepted: In, NotIn, Exists");
        assertThatThrownBy(() -> new LabelRequirement("tier", Operator.IN, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> new LabelRequirement("tier", Operator.EXISTS, List.of("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be empty");
    }

    @Test
    void matchNamesAreAndedWithLabelsAndMayNameTheNamespace() {
        MonitorSpec m = monitor(selector(Map.of("tier", "critical"), List.of(), List.of("backup", "staging/report"),
                List.of("prod", "staging"), null, false));
        Map<String, String> critical = Map.of("tier", "critical");
        assertThat(m.matches(cronJob("prod", "backup", critical), Map.of())).isTrue();
        assertThat(m.matches(cronJob("staging", "backup", critical), Map.of())).isTrue();
        assertThat(m.matches(cronJob("prod", "backup"), Map.of())).as("labels still apply").isFalse();
        assertThat(m.matches(cronJob("prod", "other", critical), Map.of())).isFalse();
        assertThat(m.matches(cronJob("staging", "report", critical), Map.of())).isTrue();
        assertThat(m.matches(cronJob("prod", "report", critical), Map.of())).as("namespace/name entry").isFalse();

        assertThatThrownBy(() -> selector(Map.of(), List.of(), List.of("Bad"), List.of(), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("matchNames entry");
        assertThatThrownBy(() -> selector(Map.of(), List.of(), List.of(), List.of("Bad_NS"), null, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("namespaces entry");
    }

    // ------------------------------------------------------------------ blocks

    @Test
    void builtInCodeWithDefaults() {
        MonitorSpec m = MonitorSpec.builder("payments", "nightly")
                .matchLabels(Map.of("app", "billing"))
                .deadManSwitch(MonitorSpec.DeadManSwitch.fromSchedule())
                .sla(Sla.defaults().withSuccessRate(99.5, 14).withMaxConsecutiveFailures(3))
                .maintenanceWindow(new MaintenanceWindow("patching", "@weekly", Duration.ofHours(2),
                        ZoneId.of("Europe/Berlin"), true))
                .alerting(MonitorSpec.Alerting.toChannels("pagerduty", "slack"))
                .build();
        assertThat(m.id()).isEqualTo("payments/nightly");
        assertThat(m.deadManSwitch().canTrigger()).isTrue();
        assertThat(m.sla().minSuccessRate()).isEqualTo(99.5);
        assertThat(m.sla().windowDays()).isEqualTo(14);
        assertThat(m.sla().maxConsecutiveFailures()).isEqualTo(3);
        assertThat(m.maintenanceWindows().get(0).cronSchedule().zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(m.alerting().channelRefs()).extracting(MonitorSpec.ChannelRef::name)
                .containsExactly("pagerduty", "slack");
        assertThat(m.alerting().channelRefs().get(0).accepts(Severity.INFO)).isTrue();
        assertThat(m.dataRetention().onCronJobDeletion()).isEqualTo(MonitorSpec.OnCronJobDeletion.RETAIN);

        MonitorSpec bare = MonitorSpec.of("ns", "plain");
        assertThat(bare.deadManSwitch().enabled()).isFalse();
        assertThat(bare.deadManSwitch().canTrigger()).isFalse();
        assertThat(bare.sla().enabled()).isFalse();
        assertThat(bare.suspendedHandling().pauseMonitoring()).isTrue();
        assertThat(bare.alerting().enabled()).isTrue();
        assertThat(bare.alerting().includeContext().logs()).isTrue();
        assertThat(bare.alerting().includeContext().logLines()).isEqualTo(50);
    }

    @Test
    void severityDefaultsAndOverrides() {
        SeverityOverrides none = SeverityOverrides.none();
        assertThat(none.severityFor(AlertType.JOB_FAILED)).isEqualTo(Severity.CRITICAL);
        assertThat(none.severityFor(AlertType.MISSED_SCHEDULE)).isEqualTo(Severity.CRITICAL);
        assertThat(none.severityFor(AlertType.DEAD_MAN_TRIGGERED)).isEqualTo(Severity.CRITICAL);
        assertThat(none.severityFor(AlertType.SLA_BREACHED)).isEqualTo(Severity.WARNING);
        assertThat(none.severityFor(AlertType.DURATION_REGRESSION)).isEqualTo(Severity.WARNING);
        assertThat(none.severityFor(AlertType.SUSPENDED_TOO_LONG)).isEqualTo(Severity.WARNING);
        assertThat(none.severityFor(AlertType.TEST)).isEqualTo(Severity.INFO);
        SeverityOverrides o = new SeverityOverrides(Severity.WARNING, null, null, null, null, Severity.CRITICAL);
        assertThat(o.severityFor(AlertType.JOB_FAILED)).isEqualTo(Severity.WARNING);
        assertThat(o.severityFor(AlertType.SUSPENDED_TOO_LONG)).isEqualTo(Severity.CRITICAL);
        assertThat(none.severityFor(AlertType.JOB_STUCK)).isEqualTo(Severity.WARNING);
        assertThat(o.severityFor(AlertType.JOB_STUCK)).isEqualTo(Severity.WARNING);
        assertThat(new SeverityOverrides(null, null, null, null, null, null, Severity.CRITICAL, null)
                .severityFor(AlertType.JOB_STUCK)).isEqualTo(Severity.CRITICAL);
    }

    @Test
    void recordsValidateWhenBuiltInCode() {
        assertThatThrownBy(() -> MonitorSpec.of("Bad_NS", "m")).hasMessageContaining("namespace");
        assertThatThrownBy(() -> Sla.defaults().withSuccessRate(101, 7)).hasMessageContaining("minSuccessRate");
        assertThatThrownBy(() -> new MaintenanceWindow("w", "0 25 * * *", Duration.ofHours(1), ZoneOffset.UTC, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("schedule: ");
        assertThatThrownBy(() -> new MaintenanceWindow("w", "@every 1h", Duration.ofHours(1), ZoneOffset.UTC, true))
                .hasMessageContaining("@every has no fixed start times");
        assertThatThrownBy(() -> new MaintenanceWindow("w", "@daily", Duration.ZERO, ZoneOffset.UTC, true))
                .hasMessageContaining("duration must be positive");
        assertThatThrownBy(() -> MonitorSpec.builder("a", "b")
                .maintenanceWindow(new MaintenanceWindow("w", "@daily", Duration.ofHours(1), null, true))
                .maintenanceWindow(new MaintenanceWindow("w", "@weekly", Duration.ofHours(1), null, true)).build())
                .hasMessageContaining("duplicate name w");
        assertThatThrownBy(() -> new MonitorSpec.FixMatch(null, null, " ", null, null, null))
                .hasMessageContaining("at least one of");
        assertThatThrownBy(() -> new MonitorSpec.ExitCodeRange(3, 1)).hasMessageContaining("must not be greater");
        assertThatThrownBy(() -> new MonitorSpec.DataRetention(10, 20, null, null, null, null, 7, null))
                .hasMessageContaining("logRetentionDays must be between 1 and 10");
        assertThatThrownBy(() -> new MonitorSpec.IncludeContext(true, 0, null, false, true, true, true))
                .hasMessageContaining("logLines");
        assertThatThrownBy(() -> new Sla(true, 95, 7, null, null, 50, 1, Duration.ofDays(1), 5, 3, null))
                .hasMessageContaining("must be shorter than durationBaselineWindowDays");
        assertThat(new MaintenanceWindow("w", "@daily", Duration.ofHours(1), null, true).timezone())
                .isEqualTo(ZoneOffset.UTC);
    }

    @Test
    void regexesFollowGoSyntaxWhereJavaDiffers() {
        Regex r = Regex.compile("exit (?P<code>\\d+)");
        assertThat(r.find("process exit 137")).isTrue();
        assertThat(r.pattern().matcher("exit 3").replaceAll("${code}")).isEqualTo("3");
        assertThat(r.source()).isEqualTo("exit (?P<code>\\d+)");
        assertThat(r).isEqualTo(Regex.compile("exit (?P<code>\\d+)")).hasToString("exit (?P<code>\\d+)");
        assertThat(r.find(null)).isFalse();
        assertThatThrownBy(() -> Regex.compile("(unclosed")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a valid regular expression");
    }

    @Test
    void slaDefaultsFollowTheSchedulePeriodAndExplicitSettingsWin() {
        Sla d = Sla.defaults();
        java.util.function.Function<String, Duration> period = expr -> io.cronjobguardian.engine.schedule.CronSchedule
                .parse(expr, java.time.ZoneOffset.UTC).typicalInterval().orElse(null);
        assertThat(period.apply("*/15 * * * *")).isEqualTo(Duration.ofMinutes(15));
        assertThat(period.apply("0 3 * * *")).isEqualTo(Duration.ofDays(1));
        assertThat(period.apply("0 9 * * 1-5")).isEqualTo(Duration.ofHours(30));
        assertThat(period.apply("0 9 * * 1,4")).isEqualTo(Duration.ofHours(84));
        assertThat(period.apply("0 0 30 2 *")).as("unsatisfiable").isNull();
        assertThat(period.apply("@weekly")).isEqualTo(Duration.ofDays(7));
        assertThat(period.apply("@every 90m")).isEqualTo(Duration.ofMinutes(90));
        // period -> success-rate runs (7-day window), regression samples and recent window (14-day baseline)
        Object[][] rows = {
            {Duration.ofMinutes(15), 3, 5, Duration.ofDays(1)},
            {Duration.ofHours(6), 3, 5, Duration.ofHours(36)},
            {Duration.ofDays(1), 3, 5, Duration.ofDays(6)},
            {Duration.ofDays(2), 3, 3, Duration.ofDays(8)},
            {Duration.ofDays(3), 2, 3, Duration.ofDays(12)},
            {Duration.ofDays(7), 1, 3, Duration.ofDays(28)},
            {Duration.ofDays(30), 1, 3, Duration.ofDays(120)},
        };
        for (Object[] r : rows) {
            Duration p = (Duration) r[0];
            assertThat(d.minRunsForSuccessRate(p)).as("min runs, period %s", p).isEqualTo(r[1]);
            assertThat(d.regressionMinSamples(p)).as("min samples, period %s", p).isEqualTo(r[2]);
            assertThat(d.recentWindow(p)).as("recent window, period %s", p).isEqualTo(r[3]);
        }
        // unknown period: the fixed values
        assertThat(d.minRunsForSuccessRate(null)).isEqualTo(3);
        assertThat(d.regressionMinSamples(null)).isEqualTo(5);
        assertThat(d.recentWindow(null)).isEqualTo(Duration.ofDays(1));
        // explicit settings win whatever the period
        Sla explicit = new Sla(true, 95, 7, null, null, 50, 14, Duration.ofHours(12), 7, 4, null);
        assertThat(explicit.minRunsForSuccessRate(Duration.ofDays(7))).isEqualTo(4);
        assertThat(explicit.regressionMinSamples(Duration.ofDays(1))).isEqualTo(7);
        assertThat(explicit.recentWindow(Duration.ofDays(1))).isEqualTo(Duration.ofHours(12));
        assertThat(d.withSuccessRate(95, 30).minRunsForSuccessRate(Duration.ofDays(7))).isEqualTo(3);
    }
}
