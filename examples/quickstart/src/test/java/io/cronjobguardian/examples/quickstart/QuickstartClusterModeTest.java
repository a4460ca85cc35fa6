package io.cronjobguardian.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.examples.simulator.Behaviour;
import io.cronjobguardian.examples.simulator.ClusterSimulator;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.cronjobguardian.examples.simulator.SimulatedCronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The quickstart's real-cluster mode, pointed by a kubeconfig at a mock API server standing in for a cluster. */
class QuickstartClusterModeTest {

    @Test
    @Timeout(120)
    void withAKubeconfigItWatchesThatClusterInEveryNamespaceOnTheSystemClock(@TempDir Path dir) throws Exception {
        try (MockApiServer cluster = MockApiServer.start(Clock.systemUTC())) {
            ClusterSimulator.builder(cluster, Clock.systemUTC()).cronJob(
                    SimulatedCronJob.of("shop", "nightly-report", "0 3 * * *", Behaviour.healthy(Duration.ofMinutes(1))))
                    .build().createCronJobs();
            KubernetesClient admin = cluster.adminClient();
            CronJob cj = admin.batch().v1().cronjobs().inNamespace("shop").withName("nightly-report").get();
            // a run that finished a minute ago, as the controllers of a real cluster would have left it
            Instant slot = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(3));
            Job job = admin.batch().v1().jobs().inNamespace("shop").resource(new JobBuilder()
                    .withNewMetadata().withName("nightly-report-" + slot.getEpochSecond() / 60)
                    .addToAnnotations(ClusterSimulator.SCHEDULED_TIMESTAMP_ANNOTATION, slot.toString())
                    .addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob").withName("nightly-report")
                    .withUid(cj.getMetadata().getUid()).withController(true).endOwnerReference()
                    .endMetadata()
                    .withNewSpec().withNewTemplate().withNewSpec().addNewContainer().withName("main").withImage("x")
                    .endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec()
                    .build()).create();
            job.setStatus(new JobStatusBuilder().withStartTime(slot.plusSeconds(2).toString()).withSucceeded(1)
                    .withCompletionTime(slot.plusSeconds(62).toString())
                    .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True")
                            .withLastTransitionTime(slot.plusSeconds(62).toString()).build())
                    .build());
            admin.batch().v1().jobs().inNamespace("shop").resource(job).updateStatus();

            Path kubeconfig = dir.resolve("kubeconfig");
            Files.writeString(kubeconfig, cluster.kubeconfigYaml());
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            QuickstartOptions options = new QuickstartOptions(QuickstartOptions.Mode.AUTO, null, 60,
                    Duration.ofSeconds(1), 42, dir.resolve("guardian.db").toString(), false);
            try (Quickstart q = new Quickstart(options, new PrintStream(buffer, true, StandardCharsets.UTF_8),
                    Map.of("KUBECONFIG", kubeconfig.toString(), "GUARDIAN_HTTP_PORT", "0"), dir.toString()).start()) {
                assertThat(q.simulated()).isFalse();
                assertThat(q.simulator()).isNull();
                assertThat(q.guardian().monitors()).extracting(MonitorSpec::id).containsExactly("default/all-cronjobs");
                CronJobRef ref = CronJobRef.of("shop", "nightly-report");
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    assertThat(q.guardian().status(ref)).isPresent();
                    assertThat(q.guardian().executions(ExecutionQuery.forCronJob(ref)).items())
                            .singleElement().satisfies(e -> {
                                assertThat(e.state()).isEqualTo(JobState.SUCCEEDED);
                                assertThat(e.duration()).isEqualTo(Duration.ofSeconds(60));
                            });
                });
                assertThat(q.report()).contains("shop/nightly-report", "0 3 * * *", "leader: this engine",
                        "100% of 1");
                assertThat(Math.abs(Duration.between(q.clock().instant(), Instant.now()).toSeconds())).isLessThan(5);
            }
            assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("CronJob Guardian quickstart: cluster http://")
                    .contains(":" + cluster.port()).contains("kubeconfig " + kubeconfig).contains("stopped after");
            assertThat(List.of(dir.toFile().list())).contains("guardian.db");
        }
    }
}
