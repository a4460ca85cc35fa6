package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A fresh in-memory API server (the testkit's {@link MockApiServer}: fabric8's mock server in CRUD mode on loopback)
 * and domain helpers for tests. It runs no controllers: tests create Jobs, pods and events and set their status.
 */
final class MockCluster implements AutoCloseable {

    /** The API server with its outage controls ({@code partition} acts on {@link #newWatcherClient()} clients). */
    final MockApiServer api;
    /** The underlying fabric8 server, for expectations. */
    final KubernetesMockServer server;
    /** The test's own client (not subject to {@link MockApiServer#partition}). */
    final NamespacedKubernetesClient admin;

    MockCluster() {
        api = MockApiServer.start();
        api.resumeWatchesAfterResourceVersion(true);
        server = api.server();
        admin = server.createClient();
    }

    /** Config for a client of the watcher under test: its User-Agent lets the server partition it. */
    Config watcherConfig() {
        return new ConfigBuilder(api.clientUnderTestConfig())
                .withWatchReconnectInterval(50)
                .withRequestRetryBackoffLimit(1)
                .withRequestRetryBackoffInterval(50)
                .withRequestTimeout(5_000)
                .build();
    }

    /** A new client for the watcher under test; closed with the cluster. */
    KubernetesClient newWatcherClient() {
        return api.newClient(watcherConfig());
    }

    /** A kubeconfig file text pointing at this server. */
    String kubeconfigYaml() {
        return "apiVersion: v1\nkind: Config\nclusters:\n- name: mock\n  cluster:\n    server: " + api.url()
                + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: mock\n  context:\n    cluster: mock\n"
                + "    user: mock\n    namespace: default\ncurrent-context: mock\nusers:\n- name: mock\n  user:\n"
                + "    token: secret\n";
    }

    @Override
    public void close() {
        admin.close();
        api.close();
    }

    // ------------------------------------------------------------------------------------------------ namespaces

    void createNamespace(String name, Map<String, String> labels) {
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels)
                .endMetadata().build()).create();
    }

    void relabelNamespace(String name, Map<String, String> labels) {
        admin.namespaces().withName(name).edit(n -> new NamespaceBuilder(n).editMetadata().withLabels(labels)
                .endMetadata().build());
    }

    // ------------------------------------------------------------------------------------------------ CronJobs

    CronJob createCronJob(String ns, String name, String schedule) {
        return admin.batch().v1().cronjobs().inNamespace(ns).resource(new CronJobBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).addToLabels("app", name).endMetadata()
                .withNewSpec().withSchedule(schedule)
                .withNewJobTemplate().withNewSpec().withNewTemplate().withNewSpec()
                .addToContainers(new ContainerBuilder().withName("main").withImage("busybox").build())
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec().endJobTemplate()
                .endSpec().build()).create();
    }

    CronJob editCronJob(String ns, String name, UnaryOperator<CronJob> edit) {
        return admin.batch().v1().cronjobs().inNamespace(ns).withName(name).edit(edit);
    }

    CronJob updateCronJobStatus(String ns, String name, UnaryOperator<CronJob> edit) {
        CronJob cj = edit.apply(admin.batch().v1().cronjobs().inNamespace(ns).withName(name).get());
        return admin.batch().v1().cronjobs().inNamespace(ns).resource(cj).updateStatus();
    }

    void deleteCronJob(String ns, String name) {
        admin.batch().v1().cronjobs().inNamespace(ns).withName(name).delete();
    }

    // ------------------------------------------------------------------------------------------------ Jobs

    /**
     * Creates a Job the way the CronJob controller does (owner reference to the CronJob when {@code cronJobName} is
     * set and exists, scheduled-timestamp annotation when {@code scheduled} is set, the manual annotation when
     * {@code manual}), running since {@code started} (no status when {@code null}).
     */
    Job createJob(String ns, String cronJobName, String jobName, Instant scheduled, boolean manual,
            Map<String, String> extraAnnotations) {
        return createJob(ns, cronJobName, jobName, scheduled, manual, extraAnnotations, null);
    }

    Job createJob(String ns, String cronJobName, String jobName, Instant scheduled, boolean manual,
            Map<String, String> extraAnnotations, JobStatus status) {
        ObjectMetaBuilder md = new ObjectMetaBuilder().withName(jobName).withNamespace(ns);
        if (cronJobName != null) {
            CronJob cj = admin.batch().v1().cronjobs().inNamespace(ns).withName(cronJobName).get();
            if (cj != null) {
                md.addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
                        .withName(cronJobName).withUid(cj.getMetadata().getUid()).withController(true)
                        .withBlockOwnerDeletion(true).build());
            }
            md.addToLabels("cronjob", cronJobName);
        }
        if (scheduled != null) {
            md.addToAnnotations(Mapping.SCHEDULED_TIMESTAMP_ANNOTATION, scheduled.toString());
        }
        if (manual) {
            md.addToAnnotations(Mapping.INSTANTIATE_ANNOTATION, "manual");
        }
        md.addToAnnotations(extraAnnotations);
        Job job = new JobBuilder().withMetadata(md.build())
                .withNewSpec().withBackoffLimit(6).withNewTemplate().withNewSpec()
                .addToContainers(new ContainerBuilder().withName("main").withImage("busybox").build())
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec()
                .withStatus(status)
                .build();
        return admin.batch().v1().jobs().inNamespace(ns).resource(job).create();
    }

    /** A Job created already running (the CRUD mock keeps the status of a create; a real API server would not). */
    Job createRunningJob(String ns, String cronJobName, String jobName, Instant scheduled, boolean manual) {
        Instant start = scheduled != null ? scheduled : now();
        return createJob(ns, cronJobName, jobName, scheduled, manual, Map.of(),
                new JobStatusBuilder().withStartTime(ts(start)).withActive(1).build());
    }

    Job updateJobStatus(String ns, String name, UnaryOperator<JobStatus> edit) {
        Job job = admin.batch().v1().jobs().inNamespace(ns).withName(name).get();
        JobStatus current = job.getStatus() == null ? new JobStatus() : job.getStatus();
        job.setStatus(edit.apply(current));
        return admin.batch().v1().jobs().inNamespace(ns).resource(job).updateStatus();
    }

    /** Success after {@code failedAttempts} failed pods; failure with BackoffLimitExceeded. */
    Job finishJob(String ns, String name, boolean succeeded, int failedAttempts, Instant finishedAt) {
        return updateJobStatus(ns, name, s -> {
            JobStatusBuilder b = new JobStatusBuilder(s).withActive(0).withReady(0);
            if (s.getStartTime() == null) {
                b.withStartTime(ts(finishedAt));
            }
            if (succeeded) {
                b.withSucceeded(1).withFailed(failedAttempts > 0 ? failedAttempts : null)
                        .withCompletionTime(ts(finishedAt))
                        .withConditions(condition("SuccessCriteriaMet", "CompletionsReached",
                                "Reached expected number of succeeded pods", finishedAt),
                                condition("Complete", "CompletionsReached",
                                        "Reached expected number of succeeded pods", finishedAt));
            } else {
                b.withFailed(Math.max(1, failedAttempts))
                        .withConditions(condition("FailureTarget", "BackoffLimitExceeded",
                                "Job has reached the specified backoff limit", finishedAt),
                                condition("Failed", "BackoffLimitExceeded",
                                        "Job has reached the specified backoff limit", finishedAt));
            }
            return b.build();
        });
    }

    void deleteJob(String ns, String name) {
        admin.batch().v1().jobs().inNamespace(ns).withName(name).delete();
    }

    static JobCondition condition(String type, String reason, String message, Instant at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(ts(at)).withLastTransitionTime(ts(at)).build();
    }

    // ------------------------------------------------------------------------------------------------ pods, events

    /** A pod of the Job (labels and owner reference as the Job controller sets them). */
    Pod createPod(Job job, String podName, Instant started, PodStatus status) {
        Pod pod = new PodBuilder()
                .withNewMetadata().withName(podName).withNamespace(job.getMetadata().getNamespace())
                .addToLabels(Mapping.JOB_NAME_LABEL, job.getMetadata().getName())
                .addToLabels(Mapping.BATCH_JOB_NAME_LABEL, job.getMetadata().getName())
                .addToLabels("controller-uid", job.getMetadata().getUid())
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                        .withName(job.getMetadata().getName()).withUid(job.getMetadata().getUid())
                        .withController(true).build())
                .endMetadata()
                .withNewSpec()
                .addToInitContainers(new ContainerBuilder().withName("setup").withImage("busybox").build())
                .addToContainers(new ContainerBuilder().withName("main").withImage("busybox").build())
                .addToContainers(new ContainerBuilder().withName("helper").withImage("busybox").build())
                .withRestartPolicy("Never")
                .endSpec()
                .build();
        Pod created = admin.pods().inNamespace(job.getMetadata().getNamespace()).resource(pod).create();
        if (status != null) {
            if (status.getStartTime() == null) {
                status.setStartTime(ts(started));
            }
            created.setStatus(status);
            created = admin.pods().inNamespace(job.getMetadata().getNamespace()).resource(created).updateStatus();
        }
        return created;
    }

    Event createEvent(String ns, String kind, String name, String uid, String reason, String message, Instant at) {
        Event e = new EventBuilder()
                .withNewMetadata().withName(name + "." + UUID.randomUUID().toString().substring(0, 8))
                .withNamespace(ns).endMetadata()
                .withNewInvolvedObject().withKind(kind).withName(name).withUid(uid).withNamespace(ns)
                .withApiVersion(kind.equals("Job") ? "batch/v1" : "v1").endInvolvedObject()
                .withReason(reason).withMessage(message).withType("Normal")
                .withFirstTimestamp(ts(at)).withLastTimestamp(ts(at)).withCount(1)
                .build();
        return admin.v1().events().inNamespace(ns).resource(e).create();
    }

    // ------------------------------------------------------------------------------------------------ time

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    static String ts(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
