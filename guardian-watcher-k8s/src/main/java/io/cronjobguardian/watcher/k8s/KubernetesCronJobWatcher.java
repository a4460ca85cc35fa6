package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.LogRequest;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.api.WatchEventType;
import io.cronjobguardian.api.WatchListener;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@link CronJobWatcher} on fabric8 shared informers for CronJobs ({@code batch/v1}) and Jobs.
 *
 * <h2>Scope</h2>
 * Every namespace (one cluster-wide informer per kind), a list of namespaces (one informer per kind and namespace),
 * or the namespaces whose labels match a selector (a Namespace informer follows label changes and starts or stops
 * the per-namespace informers; objects of a namespace that leaves the selection are delivered as DELETED). Ignored
 * namespaces are never delivered. Pods and events are never watched: they are read on demand, only for a Job that
 * failed ({@code lastTermination}) and in {@link #fetchLogTail}/{@link #fetchEvents}.
 *
 * <h2>Delivery</h2>
 * All listener calls come from one thread ({@code guardian-k8s-watcher-…-delivery}), so a listener never sees two
 * calls at once. Job events are chained per Job UID: when a Job becomes FAILED its newest pod is read on a separate
 * context thread, and the FAILED snapshot is delivered with {@code lastTermination} set, before any later event of
 * the same Job. An event is delivered only when the snapshot changed (or on a resync); the first delivery of an
 * object is ADDED, later ones UPDATED, the last DELETED. When a DELETED arrives whose final state is terminal but
 * was never delivered (the Job finished and was deleted during a watch outage), the terminal UPDATED is delivered
 * first.
 *
 * <h2>Relists</h2>
 * fabric8 informers reconnect a dropped watch from the last resourceVersion and relist on HTTP 410 Gone; a relist
 * turns every object whose resourceVersion changed into an update, which this watcher delivers when its snapshot
 * changed. No terminal transition of a Job that still exists is lost.
 */
public final class KubernetesCronJobWatcher implements CronJobWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(KubernetesCronJobWatcher.class);
    private static final String ALL = "*";
    private static final int CONTEXT_THREADS = 2;
    /** Parallel pod reads for Jobs already FAILED when listed (kept apart so live failures never wait behind them). */
    private static final int BACKFILL_THREADS = 2;

    private enum Phase { NEW, STARTED, CLOSED }

    private final KubernetesWatcherConfig config;
    private final @Nullable KubernetesClient suppliedClient;
    private final Clock clock;
    private final String id = Integer.toHexString(System.identityHashCode(this));

    private final Object lifecycle = new Object();
    private volatile Phase phase = Phase.NEW;
    private volatile @Nullable KubernetesClient client;
    private boolean ownsClient;
    private volatile @Nullable ClusterReads reads;
    private volatile WatchListener listener;
    private ExecutorService delivery;
    private ExecutorService contextPool;
    /** Reads the pods of Jobs that were already FAILED in an initial list, after their delivery. */
    private ExecutorService backfillPool;
    private volatile Thread deliveryThread;

    private final Map<String, Scope> scopes = new ConcurrentHashMap<>();
    private volatile @Nullable SharedIndexInformer<Namespace> namespaceInformer;
    private volatile boolean namespacesListed;
    private volatile @Nullable List<Scope> initialScopes;
    private volatile boolean synced;

    /** Delivered state: what the listener was last told. Written only on the delivery thread. */
    private final Map<String, CronJobSnapshot> cronJobsByUid = new ConcurrentHashMap<>();
    private final Map<CronJobRef, CronJobSnapshot> cronJobsByRef = new ConcurrentHashMap<>();
    private final Map<String, JobSnapshot> jobsByUid = new ConcurrentHashMap<>();
    private final Map<CronJobRef, Set<String>> jobUidsByOwner = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> namespaceLabels = new ConcurrentHashMap<>();
    /** Per Job UID, the completion of the last queued step (chains keep one Job's events in order). */
    private final Map<String, CompletableFuture<Void>> jobTails = new ConcurrentHashMap<>();
    private final AtomicInteger relists = new AtomicInteger();
    /** Strings shared by the slim copies of every informer's store. */
    private final SlimItemStore.Canonical canonical = new SlimItemStore.Canonical();

    /**
     * A watcher that builds its own client from {@code config} when {@code client} is {@code null} (and closes it
     * on {@link #close()}), or uses the host's client (never closed here).
     */
    public KubernetesCronJobWatcher(KubernetesWatcherConfig config, @Nullable KubernetesClient client, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.suppliedClient = client;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The configuration in use. */
    public KubernetesWatcherConfig config() {
        return config;
    }

    // ================================================================================================ lifecycle

    @Override
    public void start(WatchListener listener) {
        Objects.requireNonNull(listener, "listener");
        synchronized (lifecycle) {
            if (phase != Phase.NEW) {
                throw new IllegalStateException("watcher " + (phase == Phase.CLOSED ? "is closed" : "already started"));
            }
            phase = Phase.STARTED;
            try {
                this.listener = listener;
                KubernetesClient c = suppliedClient;
                if (c == null) {
                    c = buildClient();
                    ownsClient = true;
                }
                client = c;
                reads = new ClusterReads(readClient(c), config.requestTimeout());
                delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "guardian-k8s-watcher-" + id + "-delivery");
                    t.setDaemon(true);
                    deliveryThread = t;
                    return t;
                });
                AtomicInteger n = new AtomicInteger();
                contextPool = new ThreadPoolExecutor(CONTEXT_THREADS, CONTEXT_THREADS, 30, TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(), r -> {
                            Thread t = new Thread(r, "guardian-k8s-watcher-" + id + "-context-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
                ((ThreadPoolExecutor) contextPool).allowCoreThreadTimeOut(true);
                AtomicInteger b = new AtomicInteger();
                backfillPool = new ThreadPoolExecutor(BACKFILL_THREADS, BACKFILL_THREADS, 30, TimeUnit.SECONDS,
                        new LinkedBlockingQueue<>(), r -> {
                            Thread t = new Thread(r, "guardian-k8s-watcher-" + id + "-backfill-" + b.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
                ((ThreadPoolExecutor) backfillPool).allowCoreThreadTimeOut(true);
                LOG.info("starting Kubernetes CronJob watcher: {}", config);
                if (config.parsedNamespaceSelector() == null) {
                    if (config.namespaces().isEmpty()) {
                        startScope(ALL);
                    } else {
                        config.namespaces().forEach(this::startScope);
                    }
                }
                if (config.watchNamespaces()) {
                    startNamespaceInformer();
                }
            } catch (RuntimeException e) {
                LOG.error("starting the Kubernetes CronJob watcher failed", e);
                closeLocked();
                throw e;
            }
        }
    }

    private KubernetesClient buildClient() {
        Config cfg;
        if (config.kubeconfig() != null) {
            String text;
            try {
                text = Files.readString(config.kubeconfig(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new IllegalStateException(KubernetesWatcherConfig.KUBECONFIG + ": cannot read "
                        + config.kubeconfig() + ": " + e.getMessage(), e);
            }
            cfg = Config.fromKubeconfig(config.context(), text, config.kubeconfig().toString());
        } else {
            cfg = Config.autoConfigure(config.context());
        }
        return new KubernetesClientBuilder().withConfig(cfg).build();
    }

    /** A view of the client whose requests time out after {@code watcher.requestTimeout} (shares its resources). */
    private KubernetesClient readClient(KubernetesClient c) {
        try {
            RequestConfig rc = new RequestConfigBuilder(c.getConfiguration().getRequestConfig())
                    .withRequestTimeout((int) config.requestTimeout().toMillis())
                    .build();
            return c.adapt(NamespacedKubernetesClient.class).withRequestConfig(rc).call(x -> x);
        } catch (RuntimeException e) {
            LOG.debug("cannot derive a client with a request timeout; using the client as is", e);
            return c;
        }
    }

    @Override
    public boolean hasSynced() {
        if (phase == Phase.CLOSED) {
            return false;   // the cache is gone: nothing may be judged from it
        }
        if (synced) {
            return true;
        }
        if (phase != Phase.STARTED) {
            return false;
        }
        Collection<Scope> required;
        if (config.parsedNamespaceSelector() != null) {
            List<Scope> initial = initialScopes;
            if (!namespacesListed || initial == null) {
                return false;
            }
            required = initial;
        } else {
            if (config.watchNamespaces() && !namespacesListed) {
                return false;
            }
            required = scopes.values();
        }
        for (Scope s : required) {
            if (!s.synced()) {
                return false;
            }
        }
        synced = true;
        return true;
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (phase == Phase.CLOSED) {
                return;
            }
            closeLocked();
        }
    }

    private void closeLocked() {
        phase = Phase.CLOSED;
        SharedIndexInformer<Namespace> ns = namespaceInformer;
        if (ns != null) {
            stopQuietly(ns);
        }
        for (Scope s : scopes.values()) {
            s.stop();
        }
        boolean onDeliveryThread = Thread.currentThread() == deliveryThread;
        for (ExecutorService e : new ExecutorService[] {delivery, contextPool, backfillPool}) {
            if (e == null) {
                continue;
            }
            e.shutdownNow();
            if (!onDeliveryThread) {
                try {
                    if (!e.awaitTermination(5, TimeUnit.SECONDS)) {
                        LOG.warn("a watcher thread did not stop within 5s");
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        KubernetesClient c = client;
        if (ownsClient && c != null) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the Kubernetes client failed", e);
            }
        }
        LOG.info("Kubernetes CronJob watcher stopped");
    }

    private static void stopQuietly(SharedIndexInformer<?> informer) {
        try {
            informer.stop();
        } catch (RuntimeException e) {
            LOG.debug("stopping an informer failed", e);
        }
    }

    // ================================================================================================ scopes

    /** The informers of one namespace (or of every namespace). */
    private final class Scope {
        final String namespace;
        volatile boolean active = true;
        volatile boolean cronJobsListed;
        volatile boolean jobsListed;
        /** The Job informer's initial list was handed over (its events are routed; delivery may still be going on). */
        volatile boolean jobsListArrived;
        /** Completes when the Job informer's initial list was delivered; pod reads for its FAILED Jobs wait for it. */
        final CompletableFuture<Void> jobsDelivered = new CompletableFuture<>();
        SharedIndexInformer<CronJob> cronJobs;
        SharedIndexInformer<Job> jobs;

        Scope(String namespace) {
            this.namespace = namespace;
        }

        boolean synced() {
            return !active || (cronJobsListed && jobsListed);
        }

        void stop() {
            active = false;
            if (cronJobs != null) {
                stopQuietly(cronJobs);
            }
            if (jobs != null) {
                stopQuietly(jobs);
            }
        }
    }

    private void startScope(String namespace) {
        synchronized (lifecycle) {
            if (phase != Phase.STARTED || scopes.containsKey(namespace)) {
                return;
            }
            Scope scope = new Scope(namespace);
            long resync = config.resyncPeriod().toMillis();
            KubernetesClient c = client;
            // cluster-wide informers leave ignored namespaces out on the server side (field selector)
            // paged lists: only one page of whole objects is in memory at a time while listing
            Long limit = config.listPageSize() > 0 ? Long.valueOf(config.listPageSize()) : null;
            scope.cronJobs = (namespace.equals(ALL) ? withoutIgnored(c.batch().v1().cronjobs().inAnyNamespace())
                    : c.batch().v1().cronjobs().inNamespace(namespace)).withLimit(limit).runnableInformer(resync);
            scope.jobs = (namespace.equals(ALL) ? withoutIgnored(c.batch().v1().jobs().inAnyNamespace())
                    : c.batch().v1().jobs().inNamespace(namespace)).withLimit(limit).runnableInformer(resync);
            if (config.slimItemStore()) {
                // the informers keep only what the mapping reads (initial lists, resyncs and relist-deletes are
                // handed over from the store)
                scope.cronJobs.itemStore(SlimItemStore.cronJobs(canonical));
                scope.jobs.itemStore(SlimItemStore.jobs(canonical));
            }
            scope.cronJobs.exceptionHandler((started, t) -> retry("CronJobs", namespace, t));
            scope.jobs.exceptionHandler((started, t) -> retry("Jobs", namespace, t));
            scope.cronJobs.addEventHandler(new Handler<>(scope, true));
            scope.jobs.addEventHandler(new Handler<>(scope, false));
            scopes.put(namespace, scope);
            scope.cronJobs.start();
            scope.jobs.start();
            LOG.debug("watching CronJobs and Jobs in {}", namespace.equals(ALL) ? "every namespace" : namespace);
        }
    }

    private <T, L, R> FilterWatchListDeletable<T, L, R> withoutIgnored(FilterWatchListDeletable<T, L, R> op) {
        FilterWatchListDeletable<T, L, R> out = op;
        for (String ignored : config.ignoredNamespaces()) {
            out = out.withoutField("metadata.namespace", ignored);
        }
        return out;
    }

    /**
     * Informers retry every failure with backoff (fabric8's default gives up on the first failure before the initial
     * list and on some watch errors): a missing permission or an unreachable API server shows as
     * {@code hasSynced() == false}, not as a dead watcher. After close the informer is stopped and a retry is a
     * no-op, so "retry" is also the quiet answer then.
     */
    private boolean retry(String what, String namespace, Throwable t) {
        if (phase == Phase.STARTED) {
            LOG.debug("informer for {} in {} failed, retrying: {}", what, namespace, t.toString());
        }
        return true;
    }

    private void stopScope(String namespace) {
        Scope scope;
        synchronized (lifecycle) {
            scope = scopes.remove(namespace);
            if (scope == null) {
                return;
            }
            scope.stop();
        }
        LOG.info("namespace {} left the watcher's scope; its CronJobs and Jobs are delivered as DELETED", namespace);
        for (JobSnapshot j : List.copyOf(jobsByUid.values())) {
            if (j.namespace().equals(namespace)) {
                enqueueJob(j.uid(), () -> {
                    JobSnapshot last = jobsByUid.get(j.uid());
                    if (last != null && last.namespace().equals(namespace) && !scopeActive(namespace)) {
                        forgetJob(last);
                        deliverJob(WatchEventType.DELETED, last);
                    }
                    return done();
                });
            }
        }
        execute(() -> {
            for (CronJobSnapshot cj : List.copyOf(cronJobsByUid.values())) {
                if (cj.ref().namespace().equals(namespace) && !scopeActive(namespace)) {
                    forgetCronJob(cj);
                    deliverCronJob(WatchEventType.DELETED, cj);
                }
            }
        });
    }

    private boolean scopeActive(String namespace) {
        Scope s = scopes.get(namespace);
        return s != null && s.active;
    }

    private void startNamespaceInformer() {
        SharedIndexInformer<Namespace> inf = client.namespaces().runnableInformer(config.resyncPeriod().toMillis());
        inf.exceptionHandler((started, t) -> retry("Namespaces", "the cluster", t));
        inf.addEventHandler(new ResourceEventHandler<Namespace>() {
            @Override
            public void onAdd(Namespace ns) {
                onNamespace(ns, false);
            }

            @Override
            public void onUpdate(Namespace oldNs, Namespace newNs) {
                onNamespace(newNs, false);
            }

            @Override
            public void onDelete(Namespace ns, boolean deletedFinalStateUnknown) {
                onNamespace(ns, true);
            }

            @Override
            public void onList(String resourceVersion, boolean remainedEmpty) {
                if (!namespacesListed) {
                    if (config.parsedNamespaceSelector() != null) {
                        initialScopes = List.copyOf(scopes.values());
                    }
                    namespacesListed = true;
                }
            }
        });
        namespaceInformer = inf;
        inf.start();
    }

    private void onNamespace(Namespace ns, boolean deleted) {
        if (ns.getMetadata() == null || ns.getMetadata().getName() == null || phase != Phase.STARTED) {
            return;
        }
        String name = ns.getMetadata().getName();
        boolean statically = config.staticallyInScope(name);
        if (deleted || !statically) {
            namespaceLabels.remove(name);
        } else {
            Map<String, String> labels = ns.getMetadata().getLabels();
            namespaceLabels.put(name, labels == null ? Map.of() : Map.copyOf(labels));
        }
        LabelSelector selector = config.parsedNamespaceSelector();
        if (selector == null) {
            return;
        }
        boolean selected = !deleted && statically && selector.matches(ns.getMetadata().getLabels());
        if (selected) {
            startScope(name);
        } else {
            stopScope(name);
        }
    }

    // ================================================================================================ events in

    private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
        private final Scope scope;
        private final boolean cronJobs;

        Handler(Scope scope, boolean cronJobs) {
            this.scope = scope;
            this.cronJobs = cronJobs;
        }

        @Override
        public void onAdd(T obj) {
            route(obj, false, false);
        }

        @Override
        public void onUpdate(T oldObj, T newObj) {
            boolean resync = oldObj == newObj || Objects.equals(oldObj.getMetadata().getResourceVersion(),
                    newObj.getMetadata().getResourceVersion());
            route(newObj, false, resync);
        }

        @Override
        public void onDelete(T obj, boolean deletedFinalStateUnknown) {
            route(obj, true, false);
        }

        @Override
        public void onList(String resourceVersion, boolean remainedEmpty) {
            if (cronJobs) {
                if (scope.cronJobsListed) {
                    relists.incrementAndGet();
                    LOG.debug("CronJobs in {} relisted at resourceVersion {}", scope.namespace, resourceVersion);
                    return;
                }
                // everything listed so far is queued on the single delivery thread ahead of this marker
                execute(() -> scope.cronJobsListed = true);
            } else {
                if (scope.jobsListArrived) {
                    relists.incrementAndGet();
                    LOG.debug("Jobs in {} relisted at resourceVersion {}", scope.namespace, resourceVersion);
                    return;
                }
                scope.jobsListArrived = true;
                // Jobs FAILED in the list are delivered without waiting for their pods (read afterwards)
                CompletableFuture.allOf(jobTails.values().toArray(new CompletableFuture<?>[0]))
                        .whenComplete((v, t) -> {
                            scope.jobsListed = true;
                            scope.jobsDelivered.complete(null);
                        });
            }
        }

        private void route(T obj, boolean deleted, boolean resync) {
            if (!scope.active || obj.getMetadata() == null || obj.getMetadata().getUid() == null) {
                return;
            }
            String ns = obj.getMetadata().getNamespace();
            if (ns == null || config.ignoredNamespaces().contains(ns)) {
                return;
            }
            if (cronJobs) {
                CronJob cj = (CronJob) obj;
                execute(() -> {
                    if (scope.active) {
                        processCronJob(cj, deleted, resync);
                    }
                });
            } else {
                Job job = (Job) obj;
                Scope initial = scope.jobsListArrived ? null : scope;
                enqueueJob(job.getMetadata().getUid(),
                        () -> scope.active ? processJob(job, deleted, resync, initial) : done());
            }
        }
    }

    private void execute(Runnable task) {
        ExecutorService d = delivery;
        if (d == null || phase == Phase.CLOSED) {
            return;
        }
        try {
            d.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("watcher delivery failed", e);
                }
            });
        } catch (RejectedExecutionException e) {
            LOG.debug("watcher closed; dropping an event");
        }
    }

    /** Queues {@code step} after every earlier step of the same Job; it runs on the delivery thread. */
    private void enqueueJob(String uid, Supplier<CompletionStage<Void>> step) {
        ExecutorService d = delivery;
        if (d == null || phase == Phase.CLOSED) {
            return;
        }
        CompletableFuture<Void> finished = new CompletableFuture<>();
        CompletableFuture<Void> previous = jobTails.put(uid, finished);
        CompletableFuture<Void> start = previous == null ? CompletableFuture.completedFuture(null) : previous;
        start.thenComposeAsync(v -> {
            try {
                return step.get();
            } catch (RuntimeException e) {
                LOG.warn("watcher delivery for Job uid {} failed", uid, e);
                return done();
            }
        }, d).whenComplete((v, t) -> {
            if (t != null && !(unwrap(t) instanceof RejectedExecutionException)) {
                LOG.warn("watcher delivery for Job uid {} failed", uid, t);
            }
            jobTails.remove(uid, finished);
            finished.complete(null);
        });
    }

    private static Throwable unwrap(Throwable t) {
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException
                || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t;
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedFuture(null);
    }

    // ================================================================================================ CronJobs

    /** Runs on the delivery thread. */
    private void processCronJob(CronJob cj, boolean deleted, boolean resync) {
        String uid = cj.getMetadata().getUid();
        CronJobSnapshot prev = cronJobsByUid.get(uid);
        if (deleted) {
            if (prev == null) {
                return;
            }
            CronJobSnapshot last = Mapping.cronJob(cj, clock);
            forgetCronJob(prev);
            deliverCronJob(WatchEventType.DELETED, last != null ? last : prev);
            return;
        }
        CronJobSnapshot snap = Mapping.cronJob(cj, clock);
        if (snap == null || (prev != null && !resync && prev.equals(snap))) {
            return;
        }
        cronJobsByUid.put(uid, snap);
        cronJobsByRef.put(snap.ref(), snap);
        deliverCronJob(prev == null ? WatchEventType.ADDED : WatchEventType.UPDATED, snap);
    }

    private void forgetCronJob(CronJobSnapshot cj) {
        cronJobsByUid.remove(cj.uid());
        cronJobsByRef.computeIfPresent(cj.ref(), (k, v) -> v.uid().equals(cj.uid()) ? null : v);
    }

    private void deliverCronJob(WatchEventType type, CronJobSnapshot cj) {
        try {
            listener.onCronJob(type, cj);
        } catch (RuntimeException e) {
            LOG.warn("WatchListener.onCronJob({}, {}) threw; the event is not redelivered", type, cj.ref(), e);
        }
    }

    // ================================================================================================ Jobs

    /**
     * Runs on the delivery thread, as one step of the Job's chain.
     *
     * @param initial the scope when the Job comes from its informer's initial list: a FAILED one is delivered at
     *                once with the termination from its condition, and its pods are read once the list was
     *                delivered ({@link #backfill}); {@code null} otherwise
     */
    private CompletionStage<Void> processJob(Job job, boolean deleted, boolean resync, @Nullable Scope initial) {
        String uid = job.getMetadata().getUid();
        JobSnapshot prev = jobsByUid.get(uid);
        Termination known = prev == null ? null : prev.lastTermination();
        JobSnapshot snap = Mapping.job(job, known, prev == null ? null : prev.finishedAt(),
                prev != null && prev.podStarted(), clock);
        if (deleted) {
            if (prev == null) {
                return done();
            }
            JobSnapshot last = snap != null ? snap : prev;
            if (last.state().isTerminal() && last.state() != prev.state()) {
                // finished and deleted while we were not watching: deliver the terminal state first
                return withFailureContext(prev, last).thenAcceptAsync(finished -> {
                    rememberJob(finished);
                    deliverJob(WatchEventType.UPDATED, finished);
                    forgetJob(finished);
                    deliverJob(WatchEventType.DELETED, finished);
                }, delivery);
            }
            forgetJob(prev);
            deliverJob(WatchEventType.DELETED, last);
            return done();
        }
        if (snap == null || (prev != null && !resync && prev.equals(snap))) {
            return done();
        }
        WatchEventType type = prev == null ? WatchEventType.ADDED : WatchEventType.UPDATED;
        if (snap.state() == JobState.FAILED && !resync && initial != null && prev == null) {
            // already failed when listed: never hold the initial list (and readiness) up for pod reads
            JobSnapshot now = snap.withLastTermination(Mapping.fromJobCondition(snap));
            rememberJob(now);
            deliverJob(type, now);
            backfill(now, initial.jobsDelivered);
            return done();
        }
        if (snap.state() == JobState.FAILED && !resync) {
            return withFailureContext(prev, snap).thenAcceptAsync(s -> {
                rememberJob(s);
                deliverJob(type, s);
            }, delivery);
        }
        rememberJob(snap);
        deliverJob(type, snap);
        return done();
    }

    /**
     * The FAILED snapshot with the last attempt's termination read from its newest pod (on a context thread); when
     * no pod tells anything, the termination delivered before, else one from the Job's own condition.
     */
    private CompletableFuture<JobSnapshot> withFailureContext(@Nullable JobSnapshot prev, JobSnapshot snap) {
        if (snap.state() != JobState.FAILED) {
            return CompletableFuture.completedFuture(snap);
        }
        Termination known = prev == null ? null : prev.lastTermination();
        Termination fallback = known != null ? known : Mapping.fromJobCondition(snap);
        ClusterReads r = reads;
        if (!config.failureContext() || r == null) {
            return CompletableFuture.completedFuture(snap.withLastTermination(fallback));
        }
        CompletableFuture<JobSnapshot> result = new CompletableFuture<>();
        try {
            contextPool.execute(() -> {
                Termination t = null;
                try {
                    t = r.lastTermination(snap).orElse(null);
                } catch (RuntimeException e) {
                    LOG.warn("reading the pods of failed Job {}/{} failed: {}", snap.namespace(), snap.name(),
                            e.toString());
                }
                result.complete(snap.withLastTermination(t != null ? t : fallback));
            });
        } catch (RejectedExecutionException e) {
            result.complete(snap.withLastTermination(fallback));
        }
        return result;
    }

    /**
     * Reads the pods of a Job that was delivered FAILED from an initial list with the termination from its condition,
     * once that list was delivered ({@code after}; the reads do not compete with the delivery that readiness waits
     * for), on a backfill thread (at most {@value #BACKFILL_THREADS} reads at a time), and delivers it again as
     * UPDATED with the pod's termination when that tells something else, unless a later event of the Job came first.
     */
    private void backfill(JobSnapshot delivered, CompletableFuture<Void> after) {
        ClusterReads r = reads;
        if (!config.failureContext() || r == null) {
            return;
        }
        String uid = delivered.uid();
        try {
            after.thenRunAsync(() -> {
                if (!delivered.equals(jobsByUid.get(uid))) {
                    return; // changed or gone meanwhile: its own events carry what there is
                }
                Termination t;
                try {
                    t = r.lastTermination(delivered).orElse(null);
                } catch (RuntimeException e) {
                    if (phase == Phase.STARTED) {
                        LOG.warn("reading the pods of failed Job {}/{} failed: {}", delivered.namespace(),
                                delivered.name(), e.toString());
                    }
                    return;
                }
                if (t == null || t.equals(delivered.lastTermination())) {
                    return;
                }
                enqueueJob(uid, () -> {
                    JobSnapshot current = jobsByUid.get(uid);
                    if (current != null && current.state() == JobState.FAILED
                            && Objects.equals(current.lastTermination(), delivered.lastTermination())) {
                        JobSnapshot enriched = current.withLastTermination(t);
                        rememberJob(enriched);
                        deliverJob(WatchEventType.UPDATED, enriched);
                    }
                    return done();
                });
            }, backfillPool);
        } catch (RejectedExecutionException e) {
            LOG.debug("watcher closed; not reading the pods of Job {}/{}", delivered.namespace(), delivered.name());
        }
    }

    private void rememberJob(JobSnapshot j) {
        jobsByUid.put(j.uid(), j);
        if (j.owner() != null) {
            jobUidsByOwner.computeIfAbsent(j.owner(), k -> ConcurrentHashMap.newKeySet()).add(j.uid());
        }
    }

    private void forgetJob(JobSnapshot j) {
        jobsByUid.remove(j.uid());
        if (j.owner() != null) {
            jobUidsByOwner.computeIfPresent(j.owner(), (k, set) -> {
                set.remove(j.uid());
                return set.isEmpty() ? null : set;
            });
        }
    }

    private void deliverJob(WatchEventType type, JobSnapshot j) {
        try {
            listener.onJob(type, j);
        } catch (RuntimeException e) {
            LOG.warn("WatchListener.onJob({}, {}/{}) threw; the event is not redelivered", type, j.namespace(),
                    j.name(), e);
        }
    }

    // ================================================================================================ reads

    @Override
    public Collection<CronJobSnapshot> cronJobs() {
        return List.copyOf(cronJobsByRef.values());
    }

    @Override
    public Optional<CronJobSnapshot> cronJob(CronJobRef ref) {
        return Optional.ofNullable(cronJobsByRef.get(ref));
    }

    @Override
    public Collection<JobSnapshot> jobs(CronJobRef owner) {
        Set<String> uids = jobUidsByOwner.get(owner);
        if (uids == null) {
            return List.of();
        }
        List<JobSnapshot> out = new ArrayList<>();
        for (String uid : uids) {
            JobSnapshot j = jobsByUid.get(uid);
            if (j != null && owner.equals(j.owner())) {
                out.add(j);
            }
        }
        return out;
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        return Optional.ofNullable(namespaceLabels.get(namespace));
    }

    @Override
    public Optional<String> fetchLogTail(JobSnapshot job, LogRequest request) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(request, "request");
        ClusterReads r = readsOrNull();
        if (r == null) {
            return Optional.empty();
        }
        try {
            return r.logTail(job, request);
        } catch (RuntimeException e) {
            LOG.warn("fetching the log tail of Job {}/{} failed: {}", job.namespace(), job.name(), e.toString());
            return Optional.empty();
        }
    }

    @Override
    public List<String> fetchEvents(JobSnapshot job, int maxEvents) {
        Objects.requireNonNull(job, "job");
        ClusterReads r = readsOrNull();
        if (r == null || maxEvents <= 0) {
            return List.of();
        }
        try {
            return r.events(job, maxEvents);
        } catch (RuntimeException e) {
            LOG.warn("fetching the events of Job {}/{} failed: {}", job.namespace(), job.name(), e.toString());
            return List.of();
        }
    }

    private @Nullable ClusterReads readsOrNull() {
        if (phase == Phase.STARTED) {
            return reads;
        }
        if (phase == Phase.NEW && suppliedClient != null) {
            // reads before start work with the host's client; never build a client just for that
            return new ClusterReads(suppliedClient, config.requestTimeout());
        }
        if (phase == Phase.CLOSED && !ownsClient && reads != null) {
            return reads;
        }
        LOG.debug("watcher has no usable client ({}); nothing fetched", phase);
        return null;
    }

    // ================================================================================================ for tests

    /** Every informer this watcher started (for tests: all must stop on close). */
    List<SharedIndexInformer<?>> informers() {
        List<SharedIndexInformer<?>> out = new ArrayList<>();
        SharedIndexInformer<Namespace> ns = namespaceInformer;
        if (ns != null) {
            out.add(ns);
        }
        for (Scope s : scopes.values()) {
            out.add(s.cronJobs);
            out.add(s.jobs);
        }
        return out;
    }

    /** Namespaces with running per-namespace informers ({@code *} for the cluster-wide ones). */
    Set<String> watchedNamespaces() {
        return Set.copyOf(scopes.keySet());
    }

    /** How many relists (after the initial list) the CronJob and Job informers went through. */
    int relistCount() {
        return relists.get();
    }
}
