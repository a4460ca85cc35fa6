package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.Nullable;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 *   <li>{@code metadata} except {@code managedFields}, the last-applied annotation and, of a Job, its labels
 *       (name, namespace, uid, {@code resourceVersion} — which the informer compares and resumes watches from —
 *       a CronJob's labels, the other annotations, owner references, timestamps, finalizers, generation);</li>
 *   <li>CronJob {@code spec} without {@code jobTemplate}; the scalar fields of a Job's {@code spec} (not its
 *       {@code template}, {@code selector}, {@code podFailurePolicy}, {@code successPolicy});</li>
 *   <li>the whole {@code status} (Job conditions, counts, {@code ready}, {@code active}, times).</li>
 * </ul>
 *
 * Strings that repeat across objects (namespaces, label and annotation keys, condition reasons and messages) are
 * shared through one {@link Canonical} per watcher, and the copy shares what it keeps unchanged (a CronJob's status,
 * a Job's {@code uncountedTerminatedPods}) with the object it came from; nothing in the informer or the watcher
 * modifies objects. The received object itself is not changed, because the informer also hands it to the event
 * handler.
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

    /** A store of slim CronJobs, sharing repeated strings through {@code canonical}. */
    static SlimItemStore<CronJob> cronJobs(Canonical canonical) {
        return new SlimItemStore<>(cj -> slim(cj, canonical));
    }

    /** A store of slim Jobs, sharing repeated strings through {@code canonical}. */
    static SlimItemStore<Job> jobs(Canonical canonical) {
        return new SlimItemStore<>(job -> slim(job, canonical));
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

    /**
     * One canonical instance per distinct text among the low-variety strings of the stored objects (namespaces, label
     * and annotation keys, short values, condition types, reasons and messages), up to
     * {@value #MAX_CANONICAL} of them; past that, strings are kept as they are.
     */
    static final class Canonical {
        private final Map<String, String> strings = new ConcurrentHashMap<>();

        @Nullable String of(@Nullable String s) {
            if (s == null) {
                return null;
            }
            String c = strings.get(s);
            if (c != null) {
                return c;
            }
            if (strings.size() >= MAX_CANONICAL) {
                return s;
            }
            c = strings.putIfAbsent(s, s);
            return c != null ? c : s;
        }
    }

    /** Label and annotation values up to this length are shared (longer ones rarely repeat). */
    private static final int SHORT = 40;

    /** Bound of {@link Canonical}: about 3 MB of map for the strings it shares at most. */
    static final int MAX_CANONICAL = 50_000;

    /** The CronJob without managed fields, last-applied annotation and job template. */
    static CronJob slim(CronJob cj) {
        return slim(cj, new Canonical());
    }

    /** The Job without managed fields, last-applied annotation, labels and pod template. */
    static Job slim(Job job) {
        return slim(job, new Canonical());
    }

    static CronJob slim(CronJob cj, Canonical c) {
        CronJob out = new CronJob();
        out.setAdditionalProperties(cj.getAdditionalProperties());
        out.setApiVersion(c.of(cj.getApiVersion()));
        out.setKind(c.of(cj.getKind()));
        ObjectMeta md = slim(cj.getMetadata(), c);
        if (md != null) {
            md.setLabels(canonical(cj.getMetadata().getLabels(), c));
        }
        out.setMetadata(md);
        CronJobSpec spec = cj.getSpec();
        if (spec != null) {
            CronJobSpec s = new CronJobSpec();
            s.setAdditionalProperties(Map.of());
            s.setSchedule(c.of(spec.getSchedule()));
            s.setTimeZone(c.of(spec.getTimeZone()));
            s.setSuspend(spec.getSuspend());
            s.setStartingDeadlineSeconds(spec.getStartingDeadlineSeconds());
            s.setConcurrencyPolicy(c.of(spec.getConcurrencyPolicy()));
            s.setSuccessfulJobsHistoryLimit(spec.getSuccessfulJobsHistoryLimit());
            s.setFailedJobsHistoryLimit(spec.getFailedJobsHistoryLimit());
            out.setSpec(s);
        }
        out.setStatus(cj.getStatus());
        return out;
    }

    static Job slim(Job job, Canonical c) {
        Job out = new Job();
        out.setAdditionalProperties(job.getAdditionalProperties());
        out.setApiVersion(c.of(job.getApiVersion()));
        out.setKind(c.of(job.getKind()));
        out.setMetadata(slim(job.getMetadata(), c));
        JobSpec spec = job.getSpec();
        if (spec != null) {
            JobSpec s = new JobSpec();
            s.setAdditionalProperties(Map.of());
            s.setActiveDeadlineSeconds(spec.getActiveDeadlineSeconds());
            s.setBackoffLimit(spec.getBackoffLimit());
            s.setBackoffLimitPerIndex(spec.getBackoffLimitPerIndex());
            s.setCompletionMode(c.of(spec.getCompletionMode()));
            s.setCompletions(spec.getCompletions());
            s.setManagedBy(c.of(spec.getManagedBy()));
            s.setManualSelector(spec.getManualSelector());
            s.setMaxFailedIndexes(spec.getMaxFailedIndexes());
            s.setParallelism(spec.getParallelism());
            s.setPodReplacementPolicy(c.of(spec.getPodReplacementPolicy()));
            s.setSuspend(spec.getSuspend());
            s.setTtlSecondsAfterFinished(spec.getTtlSecondsAfterFinished());
            out.setSpec(s);
        }
        JobStatus status = job.getStatus();
        if (status != null) {
            JobStatus st = new JobStatus();
            st.setAdditionalProperties(status.getAdditionalProperties());
            st.setActive(status.getActive());
            st.setReady(status.getReady());
            st.setTerminating(status.getTerminating());
            st.setSucceeded(status.getSucceeded());
            st.setFailed(status.getFailed());
            st.setStartTime(status.getStartTime());
            st.setCompletionTime(status.getCompletionTime());
            st.setCompletedIndexes(status.getCompletedIndexes());
            st.setFailedIndexes(status.getFailedIndexes());
            st.setUncountedTerminatedPods(status.getUncountedTerminatedPods());
            List<JobCondition> conditions = status.getConditions();
            if (conditions != null) {
                List<JobCondition> copies = new ArrayList<>(conditions.size());
                String time = status.getCompletionTime();
                for (JobCondition jc : conditions) {
                    if (jc == null) {
                        copies.add(null);
                        continue;
                    }
                    JobCondition k = new JobCondition();
                    k.setAdditionalProperties(jc.getAdditionalProperties());
                    k.setType(c.of(jc.getType()));
                    k.setStatus(c.of(jc.getStatus()));
                    k.setReason(c.of(jc.getReason()));
                    k.setMessage(c.of(jc.getMessage()));
                    // the times of a Job's conditions are mostly one instant: share it within the Job
                    String probe = jc.getLastProbeTime();
                    String transition = jc.getLastTransitionTime();
                    if (time != null && time.equals(probe)) {
                        probe = time;
                    }
                    if (probe != null && probe.equals(transition)) {
                        transition = probe;
                    } else if (time != null && time.equals(transition)) {
                        transition = time;
                    }
                    time = transition != null ? transition : probe;
                    k.setLastProbeTime(probe);
                    k.setLastTransitionTime(transition);
                    copies.add(k);
                }
                st.setConditions(copies);
            } else {
                st.setConditions(null);
            }
            out.setStatus(st);
        }
        return out;
    }

    /**
     * Metadata without {@code managedFields}, the last-applied annotation and labels (the callers put back what
     * the mapping reads).
     */
    static @Nullable ObjectMeta slim(@Nullable ObjectMeta md, Canonical c) {
        if (md == null) {
            return null;
        }
        ObjectMeta m = new ObjectMeta();
        m.setAdditionalProperties(Map.of());
        m.setName(md.getName());
        m.setNamespace(c.of(md.getNamespace()));
        m.setUid(md.getUid());
        m.setResourceVersion(md.getResourceVersion());
        m.setGeneration(md.getGeneration());
        m.setGenerateName(md.getGenerateName());
        m.setCreationTimestamp(md.getCreationTimestamp());
        m.setDeletionTimestamp(md.getDeletionTimestamp());
        m.setDeletionGracePeriodSeconds(md.getDeletionGracePeriodSeconds());
        m.setManagedFields(List.of());
        m.setLabels(null);
        List<String> finalizers = md.getFinalizers();
        m.setFinalizers(finalizers == null || finalizers.isEmpty() ? List.of() : finalizers);
        List<OwnerReference> owners = md.getOwnerReferences();
        if (owners == null || owners.isEmpty()) {
            m.setOwnerReferences(List.of());
        } else {
            List<OwnerReference> copies = new ArrayList<>(owners.size());
            for (OwnerReference o : owners) {
                if (o == null) {
                    copies.add(null);
                    continue;
                }
                OwnerReference r = new OwnerReference();
                r.setAdditionalProperties(Map.of());
                r.setApiVersion(c.of(o.getApiVersion()));
                r.setKind(c.of(o.getKind()));
                r.setName(o.getName());
                r.setUid(o.getUid());
                r.setController(o.getController());
                r.setBlockOwnerDeletion(o.getBlockOwnerDeletion());
                copies.add(r);
            }
            m.setOwnerReferences(copies);
        }
        Map<String, String> annotations = md.getAnnotations();
        if (annotations != null && !annotations.isEmpty()) {
            Map<String, String> kept = new HashMap<>(Math.max(2, annotations.size() * 2));
            annotations.forEach((k, v) -> {
                if (!LAST_APPLIED_ANNOTATION.equals(k)) {
                    kept.put(c.of(k), v == null || v.length() > SHORT ? v : c.of(v));
                }
            });
            m.setAnnotations(kept);
        } else {
            m.setAnnotations(annotations);
        }
        return m;
    }

    private static @Nullable Map<String, String> canonical(@Nullable Map<String, String> map, Canonical c) {
        if (map == null || map.isEmpty()) {
            return map;
        }
        Map<String, String> out = new HashMap<>(Math.max(2, map.size() * 2));
        map.forEach((k, v) -> out.put(c.of(k), v == null || v.length() > SHORT ? v : c.of(v)));
        return out;
    }
}
