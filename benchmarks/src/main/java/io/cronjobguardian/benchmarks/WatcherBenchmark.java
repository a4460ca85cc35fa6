package io.cronjobguardian.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.api.WatchListener;
import io.cronjobguardian.watcher.k8s.KubernetesCronJobWatcher;
import io.cronjobguardian.watcher.k8s.KubernetesWatcherConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real {@link KubernetesCronJobWatcher} at scale, against fabric8's in-process {@link KubernetesMockServer} in
 * CRUD mode (HTTP and watches on loopback), with realistic objects: CronJobs of about 14 KB of JSON carrying a
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation and {@code managedFields}, three Jobs per
 * CronJob of about 10.5 KB each with {@code managedFields} and the pod template, the newest Job of every 4th CronJob
 * failed (no pods left, so each failure-context read is two empty pod lists). Prints figures; asserts nothing.
 *
 * <p>For each size ({@code cronjobs=1000,10000}): the time for plain fabric8 informers (CronJobs and Jobs, default
 * store, no handler) to list everything, then the watcher with fabric8's default item store (whole objects; the
 * baseline) and with its slim item store, each measured as: heap used after full GCs before {@code start()} and
 * after {@code hasSynced()} plus the failure-context reads that follow it (the difference is the heap the watcher
 * holds), time from {@code start()} to {@code hasSynced()}, pod list requests before and after sync. The mock
 * server's own data stays in the heap throughout and is not part of the difference.
 */
public final class WatcherBenchmark {

    private static final ObjectMapper JSON = Serialization.jsonMapper();
    /**
     * The instant the objects are made for: 2026-11-21T12:00:00Z, or {@code -Dbench.now} (an ISO instant, or
     * {@code now}) for a process that runs on the real clock ({@link ServiceFootprint}).
     */
    static final Instant NOW = benchNow();

    private static Instant benchNow() {
        String v = System.getProperty("bench.now", "");
        if (v.isBlank()) {
            return Instant.parse("2026-11-21T12:00:00Z");
        }
        return v.equals("now") ? Instant.now().truncatedTo(ChronoUnit.MINUTES) : Instant.parse(v);
    }
    /** The mock web server logs every request at INFO through java.util.logging; held so the level sticks. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private final BenchArgs args;

    private WatcherBenchmark(BenchArgs args) {
        this.args = args;
    }

    /**
     * Runs the benchmark.
     *
     * @param argv {@code cronjobs=1000,10000} (sizes), {@code namespaces=50}, {@code modes=whole,slim}
     * @throws Exception on any failure
     */
    public static void main(String[] argv) throws Exception {
        new WatcherBenchmark(BenchArgs.parse(argv)).run();
        System.exit(0);
    }

    private void run() throws Exception {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        System.out.printf("CronJob Guardian watcher benchmark  (JVM %s, %d cores, load average %.1f, max heap %d MB, "
                + "args %s)%n", System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                Runtime.getRuntime().maxMemory() >> 20, args);
        List<String> rows = new ArrayList<>();
        for (String size : args.string("cronjobs", "1000,10000").split(",")) {
            rows.addAll(measure(Integer.parseInt(size.trim().replace("_", ""))));
        }
        System.out.println();
        System.out.println("| CronJobs (+ Jobs) | item store | heap added by the watcher | per CronJob | time to hasSynced()"
                + " | plain informers' list | pod lists before / after sync |");
        System.out.println("|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
    }

    // ------------------------------------------------------------------------------------------------ one size

    /**
     * The CRUD dispatcher, counting pod lists, with watches as a real API server opens them after a list: nothing
     * changes during the benchmark, so a watch from the list's resourceVersion stays open and silent. (The CRUD
     * mock's own watch replays every stored object as ADDED when it opens and writes them from its event loop,
     * which stalls the whole server for tens of seconds at a few thousand objects.)
     */
    private static final class CountingDispatcher extends KubernetesCrudDispatcher {
        final AtomicLong podLists = new AtomicLong();
        /** While the data is created: names are unique, so skip the CRUD mock's linear scan for duplicates. */
        volatile boolean populating;

        @Override
        public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
            return populating ? null : super.findResource(attributes);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            if (path.contains("watch=true")) {
                return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                });
            }
            if (path.contains("/pods?")) {
                // no pods exist; answered without the CRUD mock's scan over every stored object
                podLists.incrementAndGet();
                return new MockResponse().setResponseCode(200).setBody("{\"apiVersion\":\"v1\",\"kind\":\"PodList\","
                        + "\"metadata\":{\"resourceVersion\":\"1\"},\"items\":[]}");
            }
            return super.dispatch(request);
        }
    }

    private List<String> measure(int cronJobs) throws Exception {
        int namespaces = Math.max(1, args.integer("namespaces", 50));
        CountingDispatcher dispatcher = new CountingDispatcher();
        KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()),
                new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        List<String> rows = new ArrayList<>();
        try (KubernetesClient admin = server.createClient()) {
            dispatcher.populating = true;
            int failed = populate(admin, cronJobs, namespaces);
            dispatcher.populating = false;
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withTrustCerts(true)
                    .withHttp2Disable(true).withRequestTimeout(60_000).build();

            // plain informers: what listing everything costs without the watcher (run twice, the first warms up)
            long plainMillis = 0;
            for (int round = 0; round < 2; round++) {
                plainMillis = plainInformers(config);
            }
            System.out.printf("%,d CronJobs: plain informers (CronJobs + Jobs, default store, no handler) synced "
                    + "in %,d ms%n", cronJobs, plainMillis);

            Map<String, long[]> results = new LinkedHashMap<>();
            for (String mode : args.string("modes", "whole,slim").split(",")) {
                boolean slim = mode.trim().equals("slim");
                long[] r = watcher(config, slim, dispatcher, failed);
                results.put(slim ? "slim" : "whole", r);
                System.out.printf("%,d CronJobs: watcher with the %s item store: heap added %,.1f MiB (%,.1f KB per "
                        + "CronJob with its Jobs), hasSynced() after %,d ms, %,d pod lists before sync, %,d after "
                        + "(of %,d expected: 2 per Job already failed), %,d events delivered by sync%n", cronJobs,
                        slim ? "slim" : "default (whole objects)", r[0] / 1048576.0, r[0] / 1000.0 / cronJobs,
                        r[1], r[2], r[3], 2L * failed, r[4]);
                rows.add(String.format("| %,d (+ %,d) | %s | %,.1f MiB | %,.1f KB | %,.1f s | %,.1f s | %,d / %,d |",
                        cronJobs, 3 * cronJobs, slim ? "slim" : "default (whole objects)", r[0] / 1048576.0,
                        r[0] / 1000.0 / cronJobs, r[1] / 1000.0, plainMillis / 1000.0, r[2], r[3]));
            }
            long[] whole = results.get("whole");
            long[] slimR = results.get("slim");
            if (whole != null && slimR != null) {
                System.out.printf("%,d CronJobs: slim store holds %.1fx less heap than the default store "
                        + "(%,.1f vs %,.1f MiB); hasSynced() %,d vs %,d ms (%.2fx of the plain informers' list time "
                        + "with the slim store)%n", cronJobs, whole[0] / (double) Math.max(1, slimR[0]),
                        slimR[0] / 1048576.0, whole[0] / 1048576.0, slimR[1], whole[1],
                        slimR[1] / (double) Math.max(1, plainMillis));
            }
        } finally {
            server.destroy();
        }
        return rows;
    }

    private static long plainInformers(Config config) throws InterruptedException {
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            long t0 = System.nanoTime();
            SharedIndexInformer<CronJob> cj = client.batch().v1().cronjobs().inAnyNamespace().runnableInformer(0);
            SharedIndexInformer<Job> jobs = client.batch().v1().jobs().inAnyNamespace().runnableInformer(0);
            cj.start();
            jobs.start();
            while (!cj.hasSynced() || !jobs.hasSynced()) {
                Thread.sleep(5);
            }
            long millis = (System.nanoTime() - t0) / 1_000_000;
            cj.stop();
            jobs.stop();
            Thread.sleep(200);
            return millis;
        }
    }

    /** {heap bytes added, millis to hasSynced, pod lists before sync, pod lists after, events before sync}. */
    private static long[] watcher(Config config, boolean slim, CountingDispatcher dispatcher, int failed)
            throws InterruptedException {
        long before = heapUsed();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        KubernetesWatcherConfig wc = KubernetesWatcherConfig.defaults().withSlimItemStore(slim);
        KubernetesCronJobWatcher w = new KubernetesCronJobWatcher(wc, client, Clock.systemUTC());
        AtomicLong events = new AtomicLong();
        WatchListener listener = new WatchListener() {
            @Override
            public void onCronJob(WatchEventType type, CronJobSnapshot cronJob) {
                events.incrementAndGet();
            }

            @Override
            public void onJob(WatchEventType type, JobSnapshot job) {
                events.incrementAndGet();
            }
        };
        long pods0 = dispatcher.podLists.get();
        long t0 = System.nanoTime();
        w.start(listener);
        while (!w.hasSynced()) {
            Thread.sleep(2);
        }
        long syncMillis = (System.nanoTime() - t0) / 1_000_000;
        long podsAtSync = dispatcher.podLists.get() - pods0;
        long eventsAtSync = events.get();
        // let the failure-context reads that follow sync finish (their results are part of what the watcher holds)
        long last = -1;
        long stableSince = System.nanoTime();
        long deadline = System.nanoTime() + 600_000_000_000L;
        while (System.nanoTime() < deadline) {
            long now = dispatcher.podLists.get() - pods0;
            if (now >= 2L * failed) {
                break;
            }
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > 5_000_000_000L) {
                break;
            }
            Thread.sleep(20);
        }
        Thread.sleep(200);
        long after = heapUsed();
        long podsTotal = dispatcher.podLists.get() - pods0;
        w.close();
        client.close();
        return new long[] {after - before, syncMillis, podsAtSync, podsTotal, eventsAtSync};
    }

    private static long heapUsed() throws InterruptedException {
        Thread.sleep(500);
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(150);
            min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return min;
    }

    // ------------------------------------------------------------------------------------------------ data

    /** Creates the CronJobs and their Jobs; returns how many Jobs failed. */
    private static int populate(KubernetesClient admin, int cronJobs, int namespaces) throws Exception {
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < cronJobs; i++) {
            int n = i;
            results.add(pool.submit(() -> {
                String ns = "team-" + (n % namespaces);
                CronJob cj = admin.batch().v1().cronjobs().inNamespace(ns).resource(cronJob(ns, "job-" + n, n))
                        .create();
                boolean failedNewest = n % 4 == 0;
                for (int k = 0; k < 3; k++) {
                    boolean fails = k == 2 && failedNewest;
                    admin.batch().v1().jobs().inNamespace(ns).resource(job(cj, k, fails)).create();
                }
                return failedNewest;
            }));
        }
        int failed = 0;
        for (Future<Boolean> f : results) {
            failed += f.get() ? 1 : 0;
        }
        pool.shutdown();
        CronJob sampleCj = admin.batch().v1().cronjobs().inNamespace("team-0").withName("job-0").get();
        Job sampleJob = admin.batch().v1().jobs().inNamespace("team-0").list().getItems().get(0);
        System.out.printf("%,d CronJobs (%,d bytes of JSON each) and %,d Jobs (%,d bytes each, %,d failed) in %d "
                + "namespaces created in %,d ms%n", cronJobs, Serialization.asJson(sampleCj).length(), 3 * cronJobs,
                Serialization.asJson(sampleJob).length(), failed, namespaces, (System.nanoTime() - t0) / 1_000_000);
        return failed;
    }

    private static PodTemplateSpec podTemplate(String app, int n) {
        List<EnvVar> env = new ArrayList<>();
        for (int e = 0; e < 26; e++) {
            env.add(new EnvVar("SETTING_" + e, "value-" + e + "-for-" + app, null));
        }
        Container main = new ContainerBuilder().withName("main")
                .withImage("registry.example.com/platform/" + app + ":1.4." + (n % 50))
                .withImagePullPolicy("IfNotPresent")
                .withCommand("/bin/sh", "-c").withArgs("exec /app/run --mode=batch --shard=" + (n % 8))
                .withEnv(env)
                .addNewEnv().withName("DB_PASSWORD").withNewValueFrom().withNewSecretKeyRef().withName(app + "-db")
                .withKey("password").endSecretKeyRef().endValueFrom().endEnv()
                .withNewResources().addToRequests("cpu", new Quantity("250m")).addToRequests("memory",
                        new Quantity("256Mi")).addToLimits("cpu", new Quantity("1")).addToLimits("memory",
                        new Quantity("1Gi")).endResources()
                .addNewVolumeMount().withName("config").withMountPath("/etc/" + app).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName("scratch").withMountPath("/tmp").endVolumeMount()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(10001L).withReadOnlyRootFilesystem(true)
                .withAllowPrivilegeEscalation(false).withNewCapabilities().addToDrop("ALL").endCapabilities()
                .endSecurityContext()
                .withTerminationMessagePath("/dev/termination-log").withTerminationMessagePolicy("File")
                .build();
        Container sidecar = new ContainerBuilder().withName("log-shipper")
                .withImage("registry.example.com/platform/log-shipper:2.1.0")
                .withArgs("--input=/var/log/app", "--output=loki")
                .withNewResources().addToRequests("cpu", new Quantity("10m")).addToRequests("memory",
                        new Quantity("32Mi")).endResources()
                .addNewVolumeMount().withName("scratch").withMountPath("/var/log/app").endVolumeMount()
                .build();
        return new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", app).addToLabels("team", "team-" + (n % 50))
                .addToAnnotations("prometheus.io/scrape", "false").endMetadata()
                .withNewSpec().withContainers(main, sidecar).withRestartPolicy("Never")
                .withServiceAccountName(app).withTerminationGracePeriodSeconds(30L).withDnsPolicy("ClusterFirst")
                .withSchedulerName("default-scheduler").addToNodeSelector("kubernetes.io/os", "linux")
                .addToNodeSelector("node-pool", "batch")
                .addNewToleration().withKey("dedicated").withOperator("Equal").withValue("batch")
                .withEffect("NoSchedule").endToleration()
                .addNewVolume().withName("config").withNewConfigMap().withName(app + "-config").endConfigMap()
                .endVolume()
                .addNewVolume().withName("scratch").withNewEmptyDir().withSizeLimit(new Quantity("1Gi"))
                .endEmptyDir().endVolume()
                .withNewSecurityContext().withFsGroup(10001L).withNewSeccompProfile().withType("RuntimeDefault")
                .endSeccompProfile().endSecurityContext()
                .endSpec().build();
    }

    static CronJob cronJob(String ns, String name, int n) {
        CronJob applied = new CronJobBuilder()
                .withNewMetadata().withName(name).withNamespace(ns)
                .addToLabels("app", name).addToLabels("team", ns).addToLabels("tier", "batch")
                .addToLabels("app.kubernetes.io/managed-by", "Helm").addToLabels("helm.sh/chart", "batch-jobs-3.2.1")
                .addToAnnotations("meta.helm.sh/release-name", "batch-jobs")
                .addToAnnotations("meta.helm.sh/release-namespace", ns)
                .addToAnnotations("description", "Nightly " + name + " export of the " + ns + " data warehouse into the"
                        + " reporting bucket. Owner: data platform on-call. Runbook: https://runbooks.example.com/batch/"
                        + name + ". Re-run manually with kubectl create job --from=cronjob/" + name + " if the"
                        + " export failed; it is idempotent and overwrites the partial output of a failed run.")
                .endMetadata()
                .withNewSpec().withSchedule((n % 60) + " " + (n % 24) + " * * *").withTimeZone("Europe/Berlin")
                .withConcurrencyPolicy("Forbid").withStartingDeadlineSeconds(600L)
                .withSuccessfulJobsHistoryLimit(3).withFailedJobsHistoryLimit(3).withSuspend(false)
                .withNewJobTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withBackoffLimit(2).withActiveDeadlineSeconds(3600L).withTtlSecondsAfterFinished(86_400)
                .withTemplate(podTemplate(name, n)).endSpec().endJobTemplate()
                .endSpec().build();
        String lastApplied = Serialization.asJson(applied);
        return new CronJobBuilder(applied).editMetadata()
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", lastApplied)
                .withManagedFields(managedFields(applied, "kubectl-client-side-apply", "Update", null),
                        managedFields(statusOf(NOW), "kube-controller-manager", "Update", "status"))
                .endMetadata()
                .withNewStatus().withLastScheduleTime(ts(NOW.minus(1, ChronoUnit.HOURS)))
                .withLastSuccessfulTime(ts(NOW.minus(25, ChronoUnit.HOURS))).endStatus()
                .build();
    }

    private static Map<String, Object> statusOf(Instant t) {
        return Map.of("status", Map.of("lastScheduleTime", ts(t), "lastSuccessfulTime", ts(t), "active", List.of()));
    }

    static Job job(CronJob cj, int k, boolean fails) {
        String cjName = cj.getMetadata().getName();
        Instant slot = NOW.minus(3 - k, ChronoUnit.DAYS).truncatedTo(ChronoUnit.HOURS);
        String name = cjName + "-" + slot.getEpochSecond() / 60;
        String controllerUid = java.util.UUID.nameUUIDFromBytes((cj.getMetadata().getUid() + k).getBytes())
                .toString();
        Instant start = slot.plusSeconds(2);
        Instant end = start.plusSeconds(300 + k * 17L);
        JobCondition[] conditions = fails
                ? new JobCondition[] {condition("FailureTarget", "BackoffLimitExceeded",
                        "Job has reached the specified backoff limit", end),
                        condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit", end)}
                : new JobCondition[] {condition("SuccessCriteriaMet", "CompletionsReached",
                        "Reached expected number of succeeded pods", end),
                        condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", end)};
        PodTemplateSpec template = new PodTemplateSpecBuilder(cj.getSpec().getJobTemplate().getSpec().getTemplate())
                .editMetadata().addToLabels("batch.kubernetes.io/controller-uid", controllerUid)
                .addToLabels("batch.kubernetes.io/job-name", name).addToLabels("controller-uid", controllerUid)
                .addToLabels("job-name", name).endMetadata().build();
        Job spec = new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(cj.getMetadata().getNamespace())
                .addToLabels(template.getMetadata().getLabels())
                .addToAnnotations("batch.kubernetes.io/cronjob-scheduled-timestamp", ts(slot))
                .addToAnnotations("batch.kubernetes.io/job-tracking", "")
                .addNewOwnerReference().withApiVersion("batch/v1").withKind("CronJob").withName(cjName)
                .withUid(cj.getMetadata().getUid()).withController(true).withBlockOwnerDeletion(true)
                .endOwnerReference()
                .endMetadata()
                .withNewSpec().withBackoffLimit(2).withActiveDeadlineSeconds(3600L).withTtlSecondsAfterFinished(86_400)
                .withCompletionMode("NonIndexed").withCompletions(1).withParallelism(1).withManualSelector(false)
                .withPodReplacementPolicy("TerminatingOrFailed").withSuspend(false)
                .withNewSelector().addToMatchLabels("batch.kubernetes.io/controller-uid", controllerUid).endSelector()
                .withTemplate(template).endSpec()
                .build();
        Job status = new JobBuilder().withNewStatus().withStartTime(ts(start)).withReady(0).withTerminating(0)
                .withActive(0).withSucceeded(fails ? null : 1).withFailed(fails ? 3 : null)
                .withCompletionTime(fails ? null : ts(end)).withConditions(conditions)
                .withNewUncountedTerminatedPods().endUncountedTerminatedPods().endStatus().build();
        return new JobBuilder(spec).editMetadata()
                .withManagedFields(managedFields(spec, "kube-controller-manager", "Update", null),
                        managedFields(status, "kube-controller-manager", "Update", "status"))
                .endMetadata()
                .withStatus(status.getStatus())
                .build();
    }

    private static JobCondition condition(String type, String reason, String message, Instant at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(ts(at)).withLastTransitionTime(ts(at)).build();
    }

    /** A managedFields entry covering every field of {@code object}, in the API server's FieldsV1 form. */
    private static ManagedFieldsEntry managedFields(Object object, String manager, String operation,
            String subresource) {
        JsonNode tree = JSON.valueToTree(object);
        Map<String, Object> fields = fieldsV1(tree);
        fields.remove("f:apiVersion");
        fields.remove("f:kind");
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation(operation)
                .withApiVersion("batch/v1").withTime(ts(NOW)).withFieldsType("FieldsV1").withSubresource(subresource)
                .withNewFieldsV1().withAdditionalProperties(fields).endFieldsV1().build();
    }

    private static Map<String, Object> fieldsV1(JsonNode node) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put("f:" + e.getKey(), fieldsV1(e.getValue()));
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                String key;
                if (item.isObject() && item.has("name")) {
                    key = "k:{\"name\":\"" + item.get("name").asText() + "\"}";
                } else if (item.isObject() && item.has("type")) {
                    key = "k:{\"type\":\"" + item.get("type").asText() + "\"}";
                } else {
                    key = "v:" + item;
                }
                Map<String, Object> sub = fieldsV1(item);
                sub.put(".", Map.of());
                out.put(key, sub);
            }
        }
        return out;
    }

    private static String ts(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
