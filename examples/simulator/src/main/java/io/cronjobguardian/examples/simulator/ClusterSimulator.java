package io.cronjobguardian.examples.simulator;

import io.cronjobguardian.engine.schedule.CronSchedule;
import io.cronjobguardian.testkit.k8s.MockApiServer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays the Kubernetes CronJob, Job and kubelet controllers against an API server that runs none (the
 * {@link MockApiServer}): it creates the CronJobs, and at every slot of each schedule (in its {@code spec.timeZone},
 * with {@link CronSchedule}, exactly as the CronJob controller computes them) creates a Job the way the controller
 * does, runs its pods and finishes it according to the CronJob's {@link Behaviour}.
 *
 * <p>For every run, all timestamps written come from the simulated time line (the slot and the planned durations),
 * never from the wall clock:
 * <ol>
 *   <li>at the slot: the Job {@code <cronjob>-<slot minutes since the epoch>} with the annotation
 *       {@code batch.kubernetes.io/cronjob-scheduled-timestamp}, a controller owner reference to the CronJob and the
 *       {@code backoffLimit} of its behaviour; the CronJob's {@code status.lastScheduleTime} and
 *       {@code status.active};</li>
 *   <li>a moment later ({@code status.startTime}, via {@code updateStatus()}): the first pod, running;</li>
 *   <li>when a pod ends: its terminated container state (exit code, reason, message) and log; after a failed pod
 *       that is retried, {@code status.failed} and, after a back-off, the next pod;</li>
 *   <li>when the last pod ends: the Job's conditions ({@code SuccessCriteriaMet} + {@code Complete} with
 *       {@code completionTime}, or {@code FailureTarget} + {@code Failed} with reason {@code BackoffLimitExceeded}
 *       and a Warning event), {@code succeeded}/{@code failed} counts; the CronJob's {@code status.active} and
 *       {@code lastSuccessfulTime}; then Jobs beyond the history limits are deleted with their pods, as the
 *       controller (and the garbage collector) would.</li>
 * </ol>
 * Before each slot the CronJob is read: a suspended CronJob ({@code spec.suspend}, whoever set it) gets no Job, a
 * deleted one is no longer simulated. With {@code concurrencyPolicy: Forbid} a slot is skipped while a Job runs.
 *
 * <p>Deterministic: the n-th run of a CronJob behaves the same in every simulation with the same seed (see
 * {@link Behaviour}); the slots depend only on the clock's readings.
 *
 * <p>Drive it either with a background thread ({@link #start()}, following the clock, typically an
 * {@link AcceleratedClock}) or step by step ({@link #createCronJobs()}, then {@link #runUntil(Instant)} while a test
 * advances its own clock). Thread-safe.
 */
public final class ClusterSimulator implements AutoCloseable {

    /** Set by the CronJob controller (Kubernetes 1.28+) on every Job it creates. */
    public static final String SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /** The container every simulated pod runs. */
    public static final String CONTAINER = "main";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSimulator.class);
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private final KubernetesClient client;
    private final Clock clock;
    private final long seed;
    private final Duration pollInterval;
    private final MockApiServer logServer;
    private final Map<String, Sim> sims = new LinkedHashMap<>();
    private final PriorityQueue<Step> queue = new PriorityQueue<>();
    private final Map<String, SimulatedRun> runs = new LinkedHashMap<>();
    private final Object lock = new Object();
    private long sequence;
    private boolean cronJobsCreated;
    private volatile boolean running;
    private Thread thread;

    private ClusterSimulator(Builder b) {
        this.client = b.client;
        this.clock = b.clock;
        this.seed = b.seed;
        this.pollInterval = b.pollInterval;
        this.logServer = b.logServer;
        for (SimulatedCronJob spec : b.cronJobs) {
            if (sims.put(spec.key(), new Sim(spec)) != null) {
                throw new IllegalArgumentException("two simulated CronJobs are named " + spec.key());
            }
        }
    }

    /**
     * A simulator on the given API server: it uses the server's {@link MockApiServer#adminClient()} and serves the
     * pods' logs from it.
     */
    public static Builder builder(MockApiServer server, Clock clock) {
        Builder b = new Builder(server.adminClient(), clock);
        b.logServer = server;
        return b;
    }

    /** A simulator on any API server that runs no controllers (pod logs are not served). */
    public static Builder builder(KubernetesClient client, Clock clock) {
        return new Builder(client, clock);
    }

    /** The clock the simulation follows. */
    public Clock clock() {
        return clock;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The simulated CronJobs, in the order given. */
    public List<SimulatedCronJob> cronJobs() {
        synchronized (lock) {
            return sims.values().stream().map(s -> s.spec).collect(Collectors.toList());
        }
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Creates the namespaces and CronJobs (an existing CronJob of the same name is adopted) and plans each CronJob's
     * first slot after the clock's reading. Idempotent.
     *
     * @throws KubernetesClientException when the API server refuses
     */
    public void createCronJobs() {
        synchronized (lock) {
            if (cronJobsCreated) {
                return;
            }
            Instant now = clock.instant();
            Set<String> namespaces = new LinkedHashSet<>();
            sims.values().forEach(s -> namespaces.add(s.spec.namespace()));
            for (String ns : namespaces) {
                if (client.namespaces().withName(ns).get() == null) {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                            .addToLabels("kubernetes.io/metadata.name", ns).endMetadata().build()).create();
                }
            }
            for (Sim s : sims.values()) {
                CronJob desired = cronJobObject(s.spec);
                CronJob existing = client.batch().v1().cronjobs().inNamespace(s.spec.namespace())
                        .withName(s.spec.name()).get();
                CronJob cj = existing == null
                        ? client.batch().v1().cronjobs().inNamespace(s.spec.namespace()).resource(desired).create()
                        : existing;
                s.uid = cj.getMetadata().getUid();
                planNextSlot(s, now);
                LOG.debug("simulating CronJob {} ({}, {}{})", s.spec.key(), s.spec.behaviour().kind(),
                        s.spec.schedule(), s.spec.timeZone() == null ? "" : " " + s.spec.timeZone());
            }
            cronJobsCreated = true;
        }
    }

    /**
     * Processes everything due at or before {@code until}, in time order (slots, pod starts and ends), writing the
     * planned instants. Creates the CronJobs first if that has not happened yet. A failing API request is logged
     * and the simulation goes on.
     *
     * @return how many steps were processed
     */
    public int runUntil(Instant until) {
        return runDue(until, () -> true);
    }

    private int runDue(Instant until, java.util.function.BooleanSupplier keepGoing) {
        Objects.requireNonNull(until, "until");
        createCronJobs();
        int n = 0;
        synchronized (lock) {
            while (!queue.isEmpty() && !queue.peek().at.isAfter(until) && keepGoing.getAsBoolean()) {
                Step step = queue.poll();
                try {
                    step.action.run();
                } catch (KubernetesClientException e) {
                    LOG.warn("simulating {} at {} failed: {}", step.what, step.at, e.getMessage());
                } catch (RuntimeException e) {
                    LOG.warn("simulating {} at {} failed: {}", step.what, step.at, e.toString(), e);
                }
                n++;
            }
        }
        return n;
    }

    /** The instant of the next planned step, if any. */
    public Optional<Instant> nextStepAt() {
        synchronized (lock) {
            return queue.isEmpty() ? Optional.empty() : Optional.of(queue.peek().at);
        }
    }

    /**
     * Creates the CronJobs and starts a daemon thread that follows the clock: every {@code pollInterval} of real
     * time (sooner when an {@link AcceleratedClock} says the next step is due) it runs what is due.
     *
     * @throws IllegalStateException when already started
     */
    public synchronized ClusterSimulator start() {
        if (thread != null) {
            throw new IllegalStateException("already started");
        }
        createCronJobs();
        running = true;
        thread = new Thread(this::loop, "cluster-simulator");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void loop() {
        while (running) {
            try {
                runDue(clock.instant(), () -> running);
            } catch (RuntimeException e) {
                LOG.warn("simulation step failed: {}", e.toString());
            }
            long waitMs = pollInterval.toMillis();
            if (clock instanceof AcceleratedClock) {
                Optional<Instant> next = nextStepAt();
                if (next.isPresent()) {
                    waitMs = Math.min(waitMs, ((AcceleratedClock) clock).realTimeUntil(next.get()).toMillis());
                }
            }
            try {
                Thread.sleep(Math.max(1, waitMs));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Stops the background thread after the step in progress (no further step starts). Objects in the API server
     * stay. Idempotent.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            // not interrupted: a request cut in the middle would leave a half-written run behind
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ controls

    /**
     * Suspends or resumes a CronJob ({@code spec.suspend}), as {@code kubectl patch} would.
     *
     * @throws IllegalArgumentException when the CronJob is not simulated
     */
    public void setSuspended(String namespace, String name, boolean suspended) {
        Sim s = sim(namespace, name);
        client.batch().v1().cronjobs().inNamespace(namespace).withName(s.spec.name())
                .edit(cj -> new CronJobBuilder(cj).editSpec().withSuspend(suspended).endSpec().build());
    }

    // ------------------------------------------------------------------------------------------------ results

    /** Every run so far, in the order their Jobs were created. */
    public List<SimulatedRun> runs() {
        synchronized (lock) {
            return List.copyOf(runs.values());
        }
    }

    /** The runs of one CronJob, oldest first. */
    public List<SimulatedRun> runs(String namespace, String name) {
        String key = namespace + "/" + name;
        synchronized (lock) {
            return runs.values().stream().filter(r -> r.cronJobKey().equals(key)).collect(Collectors.toList());
        }
    }

    /** Slots of one CronJob for which no Job was created (suspended, missed on purpose, or Forbid). */
    public List<Instant> skippedSlots(String namespace, String name) {
        synchronized (lock) {
            return List.copyOf(sim(namespace, name).skipped);
        }
    }

    private Sim sim(String namespace, String name) {
        Sim s = sims.get(namespace + "/" + name);
        if (s == null) {
            throw new IllegalArgumentException("not a simulated CronJob: " + namespace + "/" + name);
        }
        return s;
    }

    // ------------------------------------------------------------------------------------------------ the controller

    private void planNextSlot(Sim s, Instant after) {
        Optional<Instant> next = s.schedule.next(after);
        next.ifPresent(slot -> plan(slot, "slot " + slot + " of " + s.spec.key(), () -> onSlot(s, slot)));
    }

    private void plan(Instant at, String what, Runnable action) {
        queue.add(new Step(at, sequence++, what, action));
    }

    private void onSlot(Sim s, Instant slot) {
        if (s.deleted) {
            return;
        }
        planNextSlot(s, slot);
        String ns = s.spec.namespace();
        CronJob cj = client.batch().v1().cronjobs().inNamespace(ns).withName(s.spec.name()).get();
        if (cj == null) {
            LOG.info("CronJob {} was deleted; no longer simulated", s.spec.key());
            s.deleted = true;
            return;
        }
        if (Boolean.TRUE.equals(cj.getSpec().getSuspend())) {
            s.skipped.add(slot);
            return;
        }
        if (!s.spec.behaviour().runs(s.runCount)) {
            LOG.debug("{}: skipping slot {} (behaviour {})", s.spec.key(), slot, s.spec.behaviour().kind());
            s.skipped.add(slot);
            return;
        }
        if (s.spec.forbidConcurrent() && !s.active.isEmpty()) {
            s.skipped.add(slot);
            return;
        }
        int index = s.runCount++;
        Behaviour.RunPlan plan = s.spec.behaviour().plan(seed, s.spec.key(), index);
        String jobName = s.spec.name() + "-" + slot.getEpochSecond() / 60;
        Job job = client.batch().v1().jobs().inNamespace(ns).resource(jobObject(s, cj, jobName, slot)).create();
        Active a = new Active(job, plan, new SimulatedRun(ns, s.spec.name(), jobName, index, slot, null, null,
                SimulatedRun.Outcome.RUNNING, 0, null, null));
        s.active.put(jobName, a);
        runs.put(ns + "/" + jobName, a.run);
        updateCronJobStatus(s, st -> {
            st.setLastScheduleTime(ts(slot));
            List<ObjectReference> active = new ArrayList<>(st.getActive() == null ? List.of() : st.getActive());
            active.add(new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job").withName(jobName)
                    .withNamespace(ns).withUid(job.getMetadata().getUid())
                    .withResourceVersion(job.getMetadata().getResourceVersion()).build());
            st.setActive(active);
        }, cj);
        Instant start = slot.plus(plan.startDelay());
        plan(start, "start of " + jobName, () -> onStart(s, a, start));
    }

    private void onStart(Sim s, Active a, Instant at) {
        a.startedAt = at;
        a.job = updateStatus(client.batch().v1().jobs(), a.job, j -> {
            j.setStatus(jobStatus(a, 1, 0, 0));
            return j;
        });
        a.run = a.run.started(at);
        runs.put(s.spec.namespace() + "/" + a.run.jobName(), a.run);
        startPod(s, a, 0, at);
    }

    private void startPod(Sim s, Active a, int attempt, Instant at) {
        String podName = a.run.jobName() + "-" + a.plan.podSuffixes()[attempt];
        a.podNames.add(podName);
        Pod pod = client.pods().inNamespace(s.spec.namespace()).resource(podObject(s, a, podName)).create();
        pod = updateStatus(client.pods(), pod, p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Running").withStartTime(ts(at)).withHostIP("10.0.0.2")
                    .withPodIP("10.244.0." + (10 + Math.floorMod(podName.hashCode(), 200)))
                    .withContainerStatuses(containerStatus(s, at, null, null)).build());
            return p;
        });
        a.pod = pod;
        a.podStartedAt = at;
        Behaviour.Attempt plan = a.plan.attempts().get(attempt);
        Instant end = at.plus(plan.duration());
        plan(end, "end of pod " + podName, () -> onPodEnd(s, a, attempt, end));
    }

    private void onPodEnd(Sim s, Active a, int attempt, Instant at) {
        Behaviour.Attempt plan = a.plan.attempts().get(attempt);
        boolean last = attempt == a.plan.attempts().size() - 1;
        Instant podStart = a.podStartedAt;
        updateStatus(client.pods(), a.pod, p -> {
            p.setStatus(new PodStatusBuilder().withPhase(plan.succeeded() ? "Succeeded" : "Failed")
                    .withStartTime(ts(podStart)).withHostIP("10.0.0.2")
                    .withContainerStatuses(containerStatus(s, podStart, at, plan)).build());
            return p;
        });
        if (logServer != null) {
            logServer.setPodLog(s.spec.namespace(), a.pod.getMetadata().getName(), CONTAINER,
                    log(s, a.run.jobName(), podStart, at, plan));
        }
        if (!last) {
            int failedSoFar = attempt + 1;
            a.job = updateStatus(client.batch().v1().jobs(), a.job, j -> {
                j.setStatus(jobStatus(a, 1, 0, failedSoFar));
                return j;
            });
            a.run = a.run.retried(attempt + 2);
            runs.put(s.spec.namespace() + "/" + a.run.jobName(), a.run);
            Instant next = at.plus(Behaviour.BACKOFF);
            plan(next, "retry of " + a.run.jobName(), () -> startPod(s, a, attempt + 1, next));
            return;
        }
        finishJob(s, a, at, plan);
    }

    private void finishJob(Sim s, Active a, Instant at, Behaviour.Attempt lastPod) {
        String ns = s.spec.namespace();
        boolean ok = lastPod.succeeded();
        int pods = a.plan.attempts().size();
        a.job = updateStatus(client.batch().v1().jobs(), a.job, j -> {
            JobStatus st = jobStatus(a, 0, ok ? 1 : 0, ok ? pods - 1 : pods);
            if (ok) {
                st.setCompletionTime(ts(at));
                st.setConditions(List.of(
                        condition("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded "
                                + "pods", at),
                        condition("Complete", "CompletionsReached", "Reached expected number of succeeded pods", at)));
            } else {
                st.setConditions(List.of(
                        condition("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff "
                                + "limit", at),
                        condition("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit",
                                at)));
            }
            j.setStatus(st);
            return j;
        });
        if (!ok) {
            client.v1().events().inNamespace(ns).resource(failureEvent(a, at)).create();
        }
        s.active.remove(a.run.jobName());
        a.run = a.run.finished(at, ok, pods, lastPod.exitCode(), lastPod.reason());
        runs.put(ns + "/" + a.run.jobName(), a.run);
        updateCronJobStatus(s, st -> {
            List<ObjectReference> active = new ArrayList<>(st.getActive() == null ? List.of() : st.getActive());
            active.removeIf(r -> a.run.jobName().equals(r.getName()));
            st.setActive(active.isEmpty() ? null : active);
            if (ok) {
                st.setLastSuccessfulTime(ts(at));
            }
        }, null);
        Deque<Active> history = ok ? s.succeeded : s.failed;
        history.addLast(a);
        int limit = ok ? s.spec.successfulJobsHistoryLimit() : s.spec.failedJobsHistoryLimit();
        while (history.size() > limit) {
            delete(s, history.removeFirst());
        }
    }

    /** Deletes a finished Job with its pods and events, as the CronJob controller and the garbage collector do. */
    private void delete(Sim s, Active a) {
        String ns = s.spec.namespace();
        client.batch().v1().jobs().inNamespace(ns).withName(a.run.jobName()).delete();
        for (String pod : a.podNames) {
            client.pods().inNamespace(ns).withName(pod).delete();
            if (logServer != null) {
                logServer.removePodLogs(ns, pod);
            }
        }
        if (a.eventName != null) {
            client.v1().events().inNamespace(ns).withName(a.eventName).delete();
        }
    }

    private void updateCronJobStatus(Sim s, java.util.function.Consumer<CronJobStatus> change, CronJob current) {
        CronJob cj = current != null ? current
                : client.batch().v1().cronjobs().inNamespace(s.spec.namespace()).withName(s.spec.name()).get();
        if (cj == null) {
            return;
        }
        updateStatus(client.batch().v1().cronjobs(), cj, c -> {
            CronJobStatus st = c.getStatus() == null ? new CronJobStatus() : c.getStatus();
            change.accept(st);
            c.setStatus(st);
            return c;
        });
    }

    /** {@code updateStatus()} with the object's resourceVersion; on 409 once more on a fresh copy. */
    private static <T extends HasMetadata, L, R extends Resource<T>> T updateStatus(MixedOperation<T, L, R> op, T obj,
            UnaryOperator<T> change) {
        String ns = obj.getMetadata().getNamespace();
        String name = obj.getMetadata().getName();
        try {
            return op.inNamespace(ns).resource(change.apply(obj)).updateStatus();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            T fresh = op.inNamespace(ns).withName(name).get();
            if (fresh == null) {
                throw e;
            }
            return op.inNamespace(ns).resource(change.apply(fresh)).updateStatus();
        }
    }

    // ------------------------------------------------------------------------------------------------ objects

    private static CronJob cronJobObject(SimulatedCronJob spec) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app", spec.name());
        labels.putAll(spec.labels());
        return new CronJobBuilder()
                .withNewMetadata().withName(spec.name()).withNamespace(spec.namespace()).withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .withSchedule(spec.schedule())
                .withTimeZone(spec.timeZone())
                .withSuspend(spec.behaviour().kind() == Behaviour.Kind.SUSPENDED)
                .withConcurrencyPolicy(spec.forbidConcurrent() ? "Forbid" : "Allow")
                .withSuccessfulJobsHistoryLimit(spec.successfulJobsHistoryLimit())
                .withFailedJobsHistoryLimit(spec.failedJobsHistoryLimit())
                .withNewJobTemplate()
                .withNewMetadata().addToLabels("app", spec.name()).endMetadata()
                .withNewSpec()
                .withBackoffLimit(spec.behaviour().backoffLimit())
                .withTemplate(podTemplate(spec))
                .endSpec()
                .endJobTemplate()
                .endSpec()
                .build();
    }

    private static PodTemplateSpec podTemplate(SimulatedCronJob spec) {
        return new PodTemplateSpecBuilder()
                .withNewMetadata().addToLabels("app", spec.name()).endMetadata()
                .withNewSpec()
                .addToContainers(new ContainerBuilder().withName(CONTAINER).withImage(image(spec))
                        .withCommand("/bin/run-" + spec.name()).build())
                .withRestartPolicy("Never")
                .endSpec()
                .build();
    }

    private static String image(SimulatedCronJob spec) {
        return "registry.example.com/" + spec.namespace() + "/" + spec.name() + ":1.4.2";
    }

    private static Job jobObject(Sim s, CronJob cj, String jobName, Instant slot) {
        SimulatedCronJob spec = s.spec;
        OwnerReference owner = new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("CronJob")
                .withName(spec.name()).withUid(cj.getMetadata().getUid()).withController(true)
                .withBlockOwnerDeletion(true).build();
        return new JobBuilder()
                .withNewMetadata().withName(jobName).withNamespace(spec.namespace())
                .addToLabels("app", spec.name())
                .addToAnnotations(SCHEDULED_TIMESTAMP_ANNOTATION, ts(slot))
                .withOwnerReferences(owner)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(spec.behaviour().backoffLimit())
                .withCompletions(1).withParallelism(1)
                .withTemplate(podTemplate(spec))
                .endSpec()
                .build();
    }

    private static Pod podObject(Sim s, Active a, String podName) {
        SimulatedCronJob spec = s.spec;
        String jobUid = a.job.getMetadata().getUid();
        String jobName = a.run.jobName();
        return new PodBuilder()
                .withNewMetadata().withName(podName).withNamespace(spec.namespace())
                .addToLabels("app", spec.name())
                .addToLabels("job-name", jobName)
                .addToLabels("batch.kubernetes.io/job-name", jobName)
                .addToLabels("controller-uid", jobUid)
                .addToLabels("batch.kubernetes.io/controller-uid", jobUid)
                .addToOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                        .withName(jobName).withUid(jobUid).withController(true).withBlockOwnerDeletion(true).build())
                .endMetadata()
                .withSpec(podTemplate(spec).getSpec())
                .editSpec().withNodeName("sim-node-1").endSpec()
                .build();
    }

    private static ContainerStatus containerStatus(Sim s, Instant started, Instant finished,
            Behaviour.Attempt ended) {
        ContainerStatusBuilder b = new ContainerStatusBuilder().withName(CONTAINER).withImage(image(s.spec))
                .withImageID(image(s.spec) + "@sha256:5f8e1c0d").withRestartCount(0);
        if (ended == null) {
            return b.withReady(true).withStarted(true)
                    .withNewState().withNewRunning().withStartedAt(ts(started)).endRunning().endState().build();
        }
        return b.withReady(false).withStarted(false)
                .withNewState().withNewTerminated()
                .withExitCode(ended.exitCode()).withReason(ended.reason()).withMessage(ended.message())
                .withStartedAt(ts(started)).withFinishedAt(ts(finished))
                .withContainerID("containerd://" + Integer.toHexString(Objects.hash(s.spec.key(), started)))
                .endTerminated().endState().build();
    }

    private static JobStatus jobStatus(Active a, int active, int succeeded, int failed) {
        return new JobStatusBuilder()
                .withStartTime(ts(a.startedAt))
                .withActive(active == 0 ? null : active)
                .withReady(0)
                .withSucceeded(succeeded == 0 ? null : succeeded)
                .withFailed(failed == 0 ? null : failed)
                .withUncountedTerminatedPods(new UncountedTerminatedPods())
                .build();
    }

    private static JobCondition condition(String type, String reason, String message, Instant at) {
        return new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).withMessage(message)
                .withLastProbeTime(ts(at)).withLastTransitionTime(ts(at)).build();
    }

    private static Event failureEvent(Active a, Instant at) {
        String name = a.run.jobName() + "." + Long.toHexString(at.toEpochMilli());
        a.eventName = name;
        return new EventBuilder()
                .withNewMetadata().withName(name).withNamespace(a.run.namespace()).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                        .withName(a.run.jobName()).withNamespace(a.run.namespace())
                        .withUid(a.job.getMetadata().getUid()).build())
                .withType("Warning").withReason("BackoffLimitExceeded")
                .withMessage("Job has reached the specified backoff limit")
                .withNewSource().withComponent("job-controller").endSource()
                .withReportingComponent("job-controller")
                .withFirstTimestamp(ts(at)).withLastTimestamp(ts(at)).withCount(1)
                .build();
    }

    private static String log(Sim s, String jobName, Instant from, Instant to, Behaviour.Attempt attempt) {
        StringBuilder sb = new StringBuilder();
        sb.append(ts(from)).append(" INFO  starting ").append(s.spec.name()).append(" (job ").append(jobName)
                .append(")\n");
        long seconds = Math.max(1, Duration.between(from, to).getSeconds());
        int batches = (int) Math.min(8, Math.max(1, seconds / 10));
        for (int i = 1; i <= batches; i++) {
            Instant t = from.plusSeconds(seconds * i / (batches + 1));
            sb.append(ts(t)).append(" INFO  processed batch ").append(i).append('/').append(batches).append('\n');
        }
        if (attempt.succeeded()) {
            sb.append(ts(to)).append(" INFO  done in ").append(seconds).append("s\n");
        } else if (attempt.exitCode() == 137) {
            sb.append(ts(to)).append(" WARN  heap usage 97%, allocating buffer for batch ").append(batches + 1)
                    .append('\n');
        } else {
            sb.append(ts(to)).append(" ERROR ").append(attempt.message()).append('\n');
            sb.append(ts(to)).append(" ERROR exiting with code ").append(attempt.exitCode()).append('\n');
        }
        return sb.toString();
    }

    /** RFC 3339 with whole seconds, as the API server writes times. */
    static String ts(Instant t) {
        return t == null ? null : RFC3339.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    // ------------------------------------------------------------------------------------------------ state

    /** Per-CronJob state. Guarded by {@code lock}. */
    private static final class Sim {
        final SimulatedCronJob spec;
        final CronSchedule schedule;
        final Map<String, Active> active = new HashMap<>();
        final Deque<Active> succeeded = new ArrayDeque<>();
        final Deque<Active> failed = new ArrayDeque<>();
        final List<Instant> skipped = new ArrayList<>();
        String uid;
        int runCount;
        boolean deleted;

        Sim(SimulatedCronJob spec) {
            this.spec = spec;
            this.schedule = spec.cronSchedule();
        }
    }

    /** A Job the simulator runs. Guarded by {@code lock}. */
    private static final class Active {
        final Behaviour.RunPlan plan;
        final List<String> podNames = new ArrayList<>();
        Job job;
        Pod pod;
        SimulatedRun run;
        Instant startedAt;
        Instant podStartedAt;
        String eventName;

        Active(Job job, Behaviour.RunPlan plan, SimulatedRun run) {
            this.job = job;
            this.plan = plan;
            this.run = run;
        }
    }

    /** A planned step; ties keep planning order. */
    private static final class Step implements Comparable<Step> {
        final Instant at;
        final long seq;
        final String what;
        final Runnable action;

        Step(Instant at, long seq, String what, Runnable action) {
            this.at = at;
            this.seq = seq;
            this.what = what;
            this.action = action;
        }

        @Override
        public int compareTo(Step o) {
            int c = at.compareTo(o.at);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    // ------------------------------------------------------------------------------------------------ builder

    /** Builds a {@link ClusterSimulator}. */
    public static final class Builder {
        private final KubernetesClient client;
        private final Clock clock;
        private final List<SimulatedCronJob> cronJobs = new ArrayList<>();
        private long seed = 42;
        private Duration pollInterval = Duration.ofMillis(50);
        private MockApiServer logServer;

        private Builder(KubernetesClient client, Clock clock) {
            this.client = Objects.requireNonNull(client, "client");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** The seed of every run's randomness (default 42). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** Adds CronJobs to simulate. */
        public Builder cronJob(SimulatedCronJob... specs) {
            cronJobs.addAll(List.of(specs));
            return this;
        }

        /** Adds CronJobs to simulate. */
        public Builder cronJobs(Collection<SimulatedCronJob> specs) {
            cronJobs.addAll(specs);
            return this;
        }

        /** How often the background thread looks at the clock, in real time (default 50 ms). */
        public Builder pollInterval(Duration value) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("pollInterval must be positive, was " + value);
            }
            this.pollInterval = value;
            return this;
        }

        /** The simulator (not started). */
        public ClusterSimulator build() {
            return new ClusterSimulator(this);
        }
    }
}
