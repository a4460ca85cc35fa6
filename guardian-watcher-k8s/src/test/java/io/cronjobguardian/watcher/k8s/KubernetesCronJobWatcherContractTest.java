package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.testkit.CronJobWatcherContract;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterEach;

import java.time.Duration;
import java.time.Instant;

/**
 * The testkit's conformance suite against the fabric8 mock API server (CRUD mode, real HTTP and watches). Each test
 * gets a fresh server; the watcher is created through the provider with the host's client in the context.
 */
class KubernetesCronJobWatcherContractTest extends CronJobWatcherContract {

    private MockCluster cluster;

    /** Called by the suite before any other hook, so the cluster is created here. */
    @Override
    protected CronJobWatcher createWatcher() {
        cluster = new MockCluster();
        ProviderContext context = ProviderContext.builder()
                .service(KubernetesClient.class, cluster.newWatcherClient())
                .build();
        return new KubernetesCronJobWatcherProvider().create(Settings.of("watcher.type", "kubernetes"), context);
    }

    /** The build machine is shared and loaded; give events more time than the default 10 s. */
    @Override
    protected Duration eventTimeout() {
        return Duration.ofSeconds(30);
    }

    @AfterEach
    void closeCluster() {
        if (watcher != null) {
            watcher.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Override
    protected void createCronJob(String namespace, String name, String schedule) {
        cluster.createCronJob(namespace, name, schedule);
    }

    @Override
    protected void setSuspended(String namespace, String name, boolean suspended) {
        cluster.editCronJob(namespace, name, cj -> new CronJobBuilder(cj).editSpec().withSuspend(suspended).endSpec()
                .build());
    }

    @Override
    protected void deleteCronJob(String namespace, String name) {
        cluster.deleteCronJob(namespace, name);
    }

    @Override
    protected void createJob(String namespace, String cronJobName, String jobName, Instant scheduledTime,
            boolean manual) {
        cluster.createRunningJob(namespace, cronJobName, jobName, scheduledTime, manual);
    }

    @Override
    protected void finishJob(String namespace, String jobName, boolean succeeded, int failedAttempts,
            Instant finishedAt) {
        cluster.finishJob(namespace, jobName, succeeded, failedAttempts, finishedAt);
    }

    @Override
    protected void deleteJob(String namespace, String jobName) {
        cluster.deleteJob(namespace, jobName);
    }
}
