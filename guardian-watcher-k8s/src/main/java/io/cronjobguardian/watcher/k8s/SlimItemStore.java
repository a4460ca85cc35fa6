package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.Nullable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The informers' item store: it keeps a slim copy of each CronJob and Job instead of the whole object.
 *
 * <p>fabric8's default store keeps every listed and watched object as received: {@code metadata.managedFields}, the
 * {@code kubectl.kubernetes.io/last-applied-configuration} annotation (a second copy of the whole object as last
 * applied) and the pod template, which together are most of a CronJob's or Job's JSON. The watcher never reads them:
 * it answers from its own snapshots. The informer does hand stored objects back, though: the initial list is
 * delivered from the store, and so are resyncs and the DELETEs a relist finds; those objects must map to the same
 * snapshots (see {@link Mapping}). So a slim copy keeps:
 *
 * <ul>
 *   <li>all of {@code metadata} except {@code managedFields} and the last-applied annotation (name, namespace,
 *       uid, {@code resourceVersion} — which the informer compares and resumes watches from — labels, the other
 *       annotations, owner references, timestamps, finalizers, generation);</li>
 *   <li>CronJob {@code spec} without {@code jobTemplate}; Job {@code spec} without {@code template};</li>
 *   <li>the whole {@code status} (Job conditions, counts, {@code ready}, {@code active}, times).</li>
 * </ul>
 *
 * The copy shares the unchanged parts (status, labels, owner references) with the object it came from; nothing in
 * the informer or the watcher modifies objects. The received object itself is not changed, because the informer
 * also hands it to the event handler.
 *
 * @param <T> CronJob or Job
 */
final class SlimItemStore<T extends HasMetadata> implements ItemStore<T> {

    /** Written by {@code kubectl apply} (client-side apply): the whole object as last applied. */
    static final String LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

    private final Map<String, T> items = new ConcurrentHashMap<>();
    private final UnaryOperator<T> slim;

    private SlimItemStore(UnaryOperator<T> slim) {
        this.slim = slim;
    }

    /** A store of slim CronJobs. */
    static SlimItemStore<CronJob> cronJobs() {
        return new SlimItemStore<>(SlimItemStore::slim);
    }

    /** A store of slim Jobs. */
    static SlimItemStore<Job> jobs() {
        return new SlimItemStore<>(SlimItemStore::slim);
    }

    @Override
    public String getKey(T obj) {
        return Cache.metaNamespaceKeyFunc(obj);
    }

    @Override
    public T put(String key, T obj) {
        return items.put(key, slim.apply(obj));
    }

    @Override
    public T remove(String key) {
        return items.remove(key);
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return items.values().stream();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }

    // ------------------------------------------------------------------------------------------------ copies

    /** The CronJob without managed fields, last-applied annotation and job template. */
    static CronJob slim(CronJob cj) {
        CronJob out = new CronJob();
        out.setApiVersion(cj.getApiVersion());
        out.setKind(cj.getKind());
        out.setMetadata(slim(cj.getMetadata()));
        CronJobSpec spec = cj.getSpec();
        if (spec != null) {
            CronJobSpec s = new CronJobSpec();
            s.setSchedule(spec.getSchedule());
            s.setTimeZone(spec.getTimeZone());
            s.setSuspend(spec.getSuspend());
            s.setStartingDeadlineSeconds(spec.getStartingDeadlineSeconds());
            s.setConcurrencyPolicy(spec.getConcurrencyPolicy());
            s.setSuccessfulJobsHistoryLimit(spec.getSuccessfulJobsHistoryLimit());
            s.setFailedJobsHistoryLimit(spec.getFailedJobsHistoryLimit());
            out.setSpec(s);
        }
        out.setStatus(cj.getStatus());
        return out;
    }

    /** The Job without managed fields, last-applied annotation and pod template. */
    static Job slim(Job job) {
        Job out = new Job();
        out.setApiVersion(job.getApiVersion());
        out.setKind(job.getKind());
        out.setMetadata(slim(job.getMetadata()));
        JobSpec spec = job.getSpec();
        if (spec != null) {
            JobSpec s = new JobSpec();
            s.setActiveDeadlineSeconds(spec.getActiveDeadlineSeconds());
            s.setBackoffLimit(spec.getBackoffLimit());
            s.setBackoffLimitPerIndex(spec.getBackoffLimitPerIndex());
            s.setCompletionMode(spec.getCompletionMode());
            s.setCompletions(spec.getCompletions());
            s.setManagedBy(spec.getManagedBy());
            s.setManualSelector(spec.getManualSelector());
            s.setMaxFailedIndexes(spec.getMaxFailedIndexes());
            s.setParallelism(spec.getParallelism());
            s.setPodFailurePolicy(spec.getPodFailurePolicy());
            s.setPodReplacementPolicy(spec.getPodReplacementPolicy());
            s.setSelector(spec.getSelector());
            s.setSuccessPolicy(spec.getSuccessPolicy());
            s.setSuspend(spec.getSuspend());
            s.setTtlSecondsAfterFinished(spec.getTtlSecondsAfterFinished());
            out.setSpec(s);
        }
        out.setStatus(job.getStatus());
        return out;
    }

    /** Metadata without {@code managedFields} and the last-applied annotation. */
    static @Nullable ObjectMeta slim(@Nullable ObjectMeta md) {
        if (md == null) {
            return null;
        }
        ObjectMeta m = new ObjectMeta();
        m.setName(md.getName());
        m.setNamespace(md.getNamespace());
        m.setUid(md.getUid());
        m.setResourceVersion(md.getResourceVersion());
        m.setGeneration(md.getGeneration());
        m.setGenerateName(md.getGenerateName());
        m.setCreationTimestamp(md.getCreationTimestamp());
        m.setDeletionTimestamp(md.getDeletionTimestamp());
        m.setDeletionGracePeriodSeconds(md.getDeletionGracePeriodSeconds());
        m.setLabels(md.getLabels());
        m.setOwnerReferences(md.getOwnerReferences());
        m.setFinalizers(md.getFinalizers());
        Map<String, String> annotations = md.getAnnotations();
        if (annotations != null && annotations.containsKey(LAST_APPLIED_ANNOTATION)) {
            annotations = new HashMap<>(annotations);
            annotations.remove(LAST_APPLIED_ANNOTATION);
        }
        m.setAnnotations(annotations);
        return m;
    }
}
