package io.cronjobguardian.examples.reference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The metric-name extraction the dashboard/rules check relies on: it must not miss a metric nor invent one. */
class DeployMetricsTest {

    @Test
    void findsTheMetricsOfAnExpressionAndNothingElse() {
        assertThat(DeployMetrics.metricsOf("histogram_quantile(0.95, sum by (le, namespace) "
                + "(rate(cronjob_guardian_duration_seconds_bucket{namespace=~\"$namespace\", cronjob=~\"a|b\"}"
                + "[$__rate_interval])))"))
                .containsExactly("cronjob_guardian_duration_seconds_bucket");
        assertThat(DeployMetrics.metricsOf("sum by (namespace, pod) (rate(container_cpu_usage_seconds_total"
                + "{container=\"guardian\"}[5m])) / on (pod) group_left sum(jvm_memory_used_bytes) >= 0.7"))
                .containsExactly("container_cpu_usage_seconds_total", "jvm_memory_used_bytes");
        assertThat(DeployMetrics.metricsOf("label_values(cronjob_guardian_success_rate{namespace=~\"$namespace\"},"
                + " cronjob)")).containsExactly("cronjob_guardian_success_rate");
        assertThat(DeployMetrics.metricsOf("sum(up{job=\"cronjob-guardian\"}) < 2")).containsExactly("up");
    }

    @Test
    void readsTheShippedDashboardAndRules() throws Exception {
        assertThat(DeployMetrics.used(Path.of("..", "..", "deploy"))).contains("cronjob_guardian_leader_status",
                "cronjob_guardian_db_connections_open", "cronjob_guardian_active_alerts",
                "cronjob_guardian_success_rate").doesNotContain("up", "namespace", "cronjob", "le");
    }
}
