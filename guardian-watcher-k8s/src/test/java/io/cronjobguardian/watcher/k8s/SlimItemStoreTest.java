package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.testkit.RecordingWatchListener;
import io.cronjobguardian.testkit.RecordingWatchListener.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.cronjobguardian.api.WatchEventType.ADDED;
import static io.cronjobguardian.api.WatchEventType.DELETED;
import static io.cronjobguardian.api.WatchEventType.UPDATED;
import static io.cronjobguardian.watcher.k8s.MockCluster.condition;
import static io.cronjobguardian.watcher.k8s.MockCluster.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The informers keep slim copies (no managedFields, no last-applied annotation, no pod template) that map to the
 * same snapshots as the whole objects, including the objects the informer hands back from its store: the initial
 * list, resyncs and the DELETEs a relist finds.
 */
class SlimItemStoreTest extends WatcherTestSupport {

    private static final String NS = "ns1";
    private static final Instant SLOT = Instant.parse("2026-03-01T10:00:00Z");
    private static final Clock FIXED = Clock.fixed(Instant.parse("2026-03-02T00:00:00Z"), ZoneOffset.UTC);

    /** managedFields as the API server writes them: one entry per manager, a tree of every field it set. */
    static List<ManagedFieldsEntry> managedFields(int fields) {
        List<ManagedFieldsEntry> out = new ArrayList<>();
        for (String manager : List.of("kubectl-client-side-apply", "kube-controller-manager")) {
            Map<String, Object> tree = new LinkedHashMap<>();
            for (int i = 0; i < fields; i++) {
                tree.put("f:field" + i, Map.of("f:value", Map.of(), "f:nested" + i, Map.of(".", Map.of())));
            }
            out.add(new ManagedFieldsEntryBuilder().withManager(manager).withOperation("Update")
                    .withApiVersion("batch/v1").withTime(ts(SLOT)).withFieldsType("FieldsV1")
                    .withNewFieldsV1().withAdditionalProperties(Map.of("f:spec", tree)).endFieldsV1().build());
        }
        return out;
    }

    static CronJob bigCronJob(String name) {
        CronJob cj = new CronJobBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", name).addToLabels("team", "a")
                .addToAnnotations("owner", "team-a")
                .withManagedFields(managedFields(40))
                .endMetadata()
                .withNewSpec().withSchedule("*/5 * * * *").withTimeZone("Europe/Berlin").withSuspend(false)
                .withStartingDeadlineSeconds(300L).withConcurrencyPolicy("Forbid")
                .withSuccessfulJobsHistoryLimit(3).withFailedJobsHistoryLimit(1)
                .withNewJobTemplate().withNewSpec().withBackoffLimit(2).withNewTemplate().withNewSpec()
                .addNewContainer().withName("main").withImage("registry.local/backup:1.2.3")
                .withArgs("--all", "--compress").addNewEnv().withName("TARGET").withValue("s3://bucket").endEnv()
                .endContainer().withRestartPolicy("Never").endSpec().endTemplate().endSpec().endJobTemplate()
                .endSpec()
                .build();
        cj.getMetadata().getAnnotations().put(SlimItemStore.LAST_APPLIED_ANNOTATION, Serialization.asJson(cj));
        return cj;
    }

    static Job bigJob(String cronJobName, String cronJobUid, String name) {
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("cronjob", cronJobName)
                .addToAnnotations(Mapping.SCHEDULED_TIMESTAMP_ANNOTATION, SLOT.toString())
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob").withName(cronJobName)
                .withUid(cronJobUid).withController(true).withBlockOwnerDeletion(true).endOwnerReference()
                .withManagedFields(managedFields(40))
                .endMetadata()
                .withNewSpec().withBackoffLimit(2).withNewTemplate().withNewSpec()
                .addNewContainer().withName("main").withImage("registry.local/backup:1.2.3").endContainer()
                .withRestartPolicy("Never").endSpec().endTemplate().endSpec()
                .withNewStatus().withStartTime(ts(SLOT.plusSeconds(2))).withActive(1).withReady(1).endStatus()
                .build();
    }

    private static void assertSlim(HasMetadata o) {
        ObjectMeta md = o.getMetadata();
        assertThat(md.getManagedFields()).as("managedFields of " + md.getName()).isNullOrEmpty();
        assertThat(md.getAnnotations()).as("annotations of " + md.getName())
                .doesNotContainKey(SlimItemStore.LAST_APPLIED_ANNOTATION);
        assertThat(md.getResourceVersion()).as("resourceVersion (watches resume from it)").isNotBlank();
        if (o instanceof CronJob cj) {
            assertThat(cj.getSpec().getJobTemplate()).isNull();
            assertThat(cj.getSpec().getSchedule()).isNotBlank();
        } else {
            Job j = (Job) o;
            assertThat(j.getSpec().getTemplate()).isNull();
            assertThat(j.getMetadata().getLabels()).as("a Job's labels are never read").isNullOrEmpty();
            assertThat(j.getStatus()).isNotNull();
        }
    }

    @Test
    void slimCopiesMapToTheSameSnapshotsAndLeaveTheOriginalAlone() {
        CronJob cj = bigCronJob("backup");
        cj.getMetadata().setUid("cj-uid");
        cj.getMetadata().setResourceVersion("17");
        cj.getMetadata().setCreationTimestamp(ts(SLOT.minusSeconds(86_400)));
        cj.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.CronJobStatusBuilder()
                .withLastScheduleTime(ts(SLOT)).withLastSuccessfulTime(ts(SLOT.minusSeconds(300)))
                .addNewActive().withName("backup-1").withNamespace(NS).endActive().build());
        String before = Serialization.asJson(cj);
        CronJob slimCj = SlimItemStore.slim(cj);
        assertThat(Serialization.asJson(cj)).as("the received object is not changed").isEqualTo(before);
        assertSlim(slimCj);
        assertThat(Mapping.cronJob(slimCj, FIXED)).isEqualTo(Mapping.cronJob(cj, FIXED)).isNotNull();
        assertThat(slimCj.getMetadata().getAnnotations()).containsEntry("owner", "team-a");
        assertThat(Serialization.asJson(slimCj).length()).as("slim JSON").isLessThan(before.length() / 4);

        List<Job> jobs = new ArrayList<>();
        Job running = bigJob("backup", "cj-uid", "backup-1");
        jobs.add(running);
        jobs.add(new JobBuilder(running).editMetadata().withName("backup-2").endMetadata()
                .withStatus(new JobStatusBuilder().withStartTime(ts(SLOT)).withFailed(3).withActive(0)
                        .withNewUncountedTerminatedPods().withFailed("p-uid").endUncountedTerminatedPods()
                        .withConditions(condition("FailureTarget", "BackoffLimitExceeded", "limit", SLOT.plusSeconds(60)),
                                condition("Failed", "BackoffLimitExceeded", "limit", SLOT.plusSeconds(61)))
                        .build()).build());
        jobs.add(new JobBuilder(running).editMetadata().withName("backup-3").endMetadata()
                .withStatus(new JobStatusBuilder().withStartTime(ts(SLOT)).withSucceeded(1).withFailed(1)
                        .withCompletionTime(ts(SLOT.plusSeconds(90))).withConditions(condition("Complete",
                                "CompletionsReached", "done", SLOT.plusSeconds(90))).build()).build());
        jobs.add(new JobBuilder(running).editMetadata().withName("backup-manual").addToAnnotations(
                Mapping.INSTANTIATE_ANNOTATION, "manual").endMetadata()
                .withStatus(new JobStatusBuilder().withActive(0).withConditions(condition("Suspended", "JobSuspended",
                        "suspended", SLOT)).build()).build());
        Termination known = new Termination("main", 1, "Error", null, null);
        for (Job j : jobs) {
            j.getMetadata().setUid("uid-" + j.getMetadata().getName());
            j.getMetadata().setResourceVersion("42");
            j.getMetadata().setCreationTimestamp(ts(SLOT));
            String json = Serialization.asJson(j);
            Job slim = SlimItemStore.slim(j);
            assertThat(Serialization.asJson(j)).isEqualTo(json);
            assertSlim(slim);
            assertThat(slim.getStatus()).isEqualTo(j.getStatus());
            assertThat(Mapping.job(slim, known, null, FIXED)).as(j.getMetadata().getName())
                    .isEqualTo(Mapping.job(j, known, null, FIXED)).isNotNull();
            assertThat(Mapping.outcome(slim)).isEqualTo(Mapping.outcome(j));
            assertThat(Serialization.asJson(slim).length()).as("slim JSON").isLessThan(json.length() / 4);
        }
    }

    private CronJob create(CronJob cj) {
        return cluster.admin.batch().v1().cronjobs().inNamespace(NS).resource(cj).create();
    }

    private Job create(Job job) {
        return cluster.admin.batch().v1().jobs().inNamespace(NS).resource(job).create();
    }

    private final List<KubernetesCronJobWatcher> started = new ArrayList<>();

    @AfterEach
    void closeWatchers() {
        started.forEach(KubernetesCronJobWatcher::close);
    }

    private KubernetesCronJobWatcher watcher(KubernetesWatcherConfig config, RecordingWatchListener listener) {
        KubernetesCronJobWatcher w = new KubernetesCronJobWatcher(config, cluster.newWatcherClient(),
                Clock.systemUTC());
        started.add(w);
        int open = cluster.api.openWatchCount();
        w.start(listener);
        await().atMost(TIMEOUT).until(w::hasSynced);
        await().atMost(TIMEOUT).until(() -> cluster.api.openWatchCount() >= open + w.informers().size());
        return w;
    }

    private static List<HasMetadata> stored(KubernetesCronJobWatcher w) {
        List<HasMetadata> out = new ArrayList<>();
        for (SharedIndexInformer<?> i : w.informers()) {
            for (Object o : i.getStore().list()) {
                out.add((HasMetadata) o);
            }
        }
        return out;
    }

    /** Per object, the delivered (type, snapshot) sequence, in order. */
    private static Map<String, List<String>> byObject(RecordingWatchListener l) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Event e : l.events()) {
            String key = e.isJob() ? "job " + e.job().name() : "cronjob " + e.cronJob().ref();
            out.computeIfAbsent(key, k -> new ArrayList<>()).add(e.type() + " " + (e.isJob() ? e.job() : e.cronJob()));
        }
        return out;
    }

    @Test
    void theSlimStoreDropsTheFieldsAndDeliversWhatTheWholeObjectStoreDeliversAcrossARelist() {
        CronJob backup = create(bigCronJob("backup"));
        create(bigCronJob("report"));
        String uid = backup.getMetadata().getUid();
        create(bigJob("backup", uid, "backup-1"));
        create(bigJob("backup", uid, "backup-2"));
        Job failed = create(bigJob("backup", uid, "backup-3"));
        cluster.finishJob(NS, failed.getMetadata().getName(), false, 2, SLOT.plusSeconds(60));

        RecordingWatchListener wholeEvents = new RecordingWatchListener();
        KubernetesWatcherConfig config = KubernetesWatcherConfig.from(Settings.of("watcher.namespaces", NS));
        KubernetesCronJobWatcher slim = watcher(config, events);
        KubernetesCronJobWatcher whole = watcher(config.withSlimItemStore(false), wholeEvents);
        {
            // the whole-object store really holds what the API server sent; the slim one does not
            assertThat(stored(whole)).hasSize(5).allSatisfy(o -> assertThat(o.getMetadata().getManagedFields())
                    .hasSize(2));
            assertThat(stored(slim)).hasSize(5).allSatisfy(SlimItemStoreTest::assertSlim);
            assertThat(stored(slim)).filteredOn(o -> o instanceof CronJob)
                    .allSatisfy(o -> assertThat(o.getMetadata().getAnnotations()).containsEntry("owner", "team-a"));
            assertThat(byObject(events)).isEqualTo(byObject(wholeEvents)).hasSize(5);

            // an API-server restart: watches dropped, changes and deletions unseen, every version compacted
            cluster.api.partition(true);
            cluster.api.dropWatches();
            cluster.finishJob(NS, "backup-1", true, 0, SLOT.plusSeconds(120));
            cluster.deleteJob(NS, "backup-2");
            cluster.deleteCronJob(NS, "report");
            cluster.api.compact();
            cluster.api.partition(false);

            for (RecordingWatchListener l : List.of(events, wholeEvents)) {
                l.awaitJob(UPDATED, NS, "backup-1", j -> j.state() == JobState.SUCCEEDED, TIMEOUT);
                l.awaitJob(DELETED, NS, "backup-2", j -> true, TIMEOUT);
                l.awaitCronJob(DELETED, CronJobRef.of(NS, "report"), c -> true, TIMEOUT);
            }
            await().atMost(TIMEOUT).until(() -> slim.relistCount() >= 2 && whole.relistCount() >= 2);
            assertThat(byObject(events)).isEqualTo(byObject(wholeEvents));
            assertThat(events.events(e -> e.isJob(NS, "backup-2"))).extracting(Event::type)
                    .containsExactly(ADDED, DELETED);
            await().atMost(TIMEOUT).until(() -> stored(slim).size() == 3);
            assertThat(stored(slim)).allSatisfy(SlimItemStoreTest::assertSlim);
        }
    }

    @Test
    void resyncsFromTheSlimStoreRedeliverTheSameSnapshots() {
        CronJob backup = create(bigCronJob("backup"));
        Job failed = create(bigJob("backup", backup.getMetadata().getUid(), "backup-1"));
        cluster.finishJob(NS, failed.getMetadata().getName(), false, 2, SLOT.plusSeconds(60));
        create(bigJob("backup", backup.getMetadata().getUid(), "backup-2"));

        KubernetesCronJobWatcher w = watcher(KubernetesWatcherConfig.from(Settings.of("watcher.namespaces", NS))
                .withResyncPeriod(Duration.ofMillis(300)), events);
        for (String name : List.of("backup-1", "backup-2")) {
            var added = events.awaitJob(ADDED, NS, name, j -> true, TIMEOUT);
            assertThat(events.awaitJob(UPDATED, NS, name, j -> true, TIMEOUT)).isEqualTo(added);
        }
        var cj = events.awaitCronJob(ADDED, CronJobRef.of(NS, "backup"), c -> true, TIMEOUT);
        assertThat(events.awaitCronJob(UPDATED, CronJobRef.of(NS, "backup"), c -> true, TIMEOUT)).isEqualTo(cj);
        assertThat(stored(w)).hasSize(3).allSatisfy(SlimItemStoreTest::assertSlim);
    }
}
