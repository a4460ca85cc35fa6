package io.cronjobguardian.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.engine.Guardian;
import io.cronjobguardian.engine.core.EngineObserver;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The real Kubernetes watcher (guardian-watcher-k8s, found by ServiceLoader) on the host's {@link KubernetesClient}
 * bean, against the mock API server on loopback: the watcher's own kubeconfig points where nothing answers, so it
 * sees the CronJob only through the host's client.
 */
class HostKubernetesClientTest {

    private MockApiServer server;
    private KubernetesClient client;

    @BeforeEach
    void startServer() {
        server = MockApiServer.start();
        client = server.newClient();
        CronJob cj = new CronJobBuilder().withNewMetadata().withName("backup").withNamespace("team-k")
                .addToLabels("tier", "backup").endMetadata()
                .withNewSpec().withSchedule("0 3 * * *").withNewJobTemplate().withNewSpec().withNewTemplate()
                .withNewSpec().addNewContainer().withName("c").withImage("busybox").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().endJobTemplate().endSpec().build();
        server.adminClient().batch().v1().cronjobs().inNamespace("team-k").resource(cj).create();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.close();
    }

    @Test
    void theWatcherRunsOnTheHostsClient(@TempDir Path dir) throws IOException {
        // a cluster of the watcher's own that answers nothing (nothing listens on port 1 of loopback)
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1"}}]
                users: [{name: nobody, user: {token: none}}]
                contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
                current-context: nowhere
                """);
        CronJobRef ref = new CronJobRef("team-k", "backup");
        CountDownLatch evaluated = new CountDownLatch(1);
        EngineObserver observer = new EngineObserver() {
            @Override
            public void evaluated(CronJobRef r, Duration took, Map<io.cronjobguardian.api.Severity, Integer> open) {
                if (r.equals(ref)) {
                    evaluated.countDown();
                }
            }
        };
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(GuardianAutoConfiguration.class))
                .withPropertyValues("guardian.storage.type=memory",
                        "guardian.watcher.kubeconfig=" + kubeconfig, "guardian.scheduler.startup-grace-period=0s")
                // the host closes its client itself (after this test): not Spring, and not Guardian
                .withBean(KubernetesClient.class, () -> client, bd -> bd.setDestroyMethodName(""))
                .withBean(MonitorSpec.class, () -> MonitorSpec.builder("team-k", "backups")
                        .matchLabels(Map.of("tier", "backup")).build())
                .withBean(GuardianBuilderCustomizer.class, () -> b -> b.observer(observer))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(evaluated.await(30, TimeUnit.SECONDS)).as("the CronJob seen and evaluated").isTrue();
                    Guardian g = ctx.getBean(Guardian.class);
                    assertThat(g.status(ref)).isPresent();
                    assertThat(g.health().ready()).as(g.health().reasons().toString()).isTrue();
                });
        // the watcher does not close a client it was given: the host's client still answers
        assertThat(client.batch().v1().cronjobs().inNamespace("team-k").withName("backup").get()).isNotNull();
    }
}
