package io.cronjobguardian.watcher.k8s;

import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Termination;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.UncountedTerminatedPods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Pure functions from fabric8 model objects to the API snapshots (ARCHITECTURE.md §5). No I/O; every time value
 * is parsed zone-independently from RFC 3339 text.
 */
final class Mapping {

    private static final Logger LOG = LoggerFactory.getLogger(Mapping.class);

    /** Set by the CronJob controller (Kubernetes 1.28+) on every Job it creates. */
    static final String SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";
    /** Set by {@code kubectl create job --from=cronjob/...}. */
    static final String INSTANTIATE_ANNOTATION = "cronjob.kubernetes.io/instantiate";
    /** Label the Job controller puts on its pods (every version). */
    static final String JOB_NAME_LABEL = "job-name";
    /** The newer spelling of {@link #JOB_NAME_LABEL} (Kubernetes 1.27+). */
    static final String BATCH_JOB_NAME_LABEL = "batch.kubernetes.io/job-name";

    /** Suffix values at or above this are Unix seconds (the pre-1.21 controller), below are minutes. */
    private static final long LEGACY_SECONDS_THRESHOLD = 1_000_000_000L;
    /** Waiting reasons that are normal progress, not a failure. */
    private static final Set<String> BENIGN_WAITING = Set.of("ContainerCreating", "PodInitializing");

    private Mapping() {
    }

    // ------------------------------------------------------------------------------------------------ time

    /** Parses an RFC 3339 timestamp ({@code 2024-05-01T10:00:00Z}, with offset or fraction); {@code null} if absent or invalid. */
    static @Nullable Instant parseTime(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            return OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e2) {
                LOG.debug("ignoring unparseable timestamp \"{}\"", t);
                return null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ CronJob

    /** The CronJob as a snapshot, or {@code null} (logged) when it lacks what a snapshot needs. */
    static @Nullable CronJobSnapshot cronJob(CronJob cj, Clock clock) {
        ObjectMeta md = cj.getMetadata();
        if (md == null || blank(md.getName()) || blank(md.getNamespace()) || blank(md.getUid())) {
            LOG.warn("ignoring a CronJob without name, namespace or uid: {}", md);
            return null;
        }
        CronJobSpec spec = cj.getSpec();
        if (spec == null || blank(spec.getSchedule())) {
            LOG.warn("ignoring CronJob {}/{}: it has no spec.schedule", md.getNamespace(), md.getName());
            return null;
        }
        ConcurrencyPolicy policy;
        try {
            policy = ConcurrencyPolicy.fromKubernetes(spec.getConcurrencyPolicy());
        } catch (IllegalArgumentException e) {
            LOG.warn("CronJob {}/{}: {}; treating it as Allow", md.getNamespace(), md.getName(), e.getMessage());
            policy = ConcurrencyPolicy.ALLOW;
        }
        Long deadline = spec.getStartingDeadlineSeconds();
        if (deadline != null && deadline < 0) {
            deadline = null;
        }
        CronJobStatus status = cj.getStatus();
        List<String> active = new ArrayList<>();
        if (status != null && status.getActive() != null) {
            for (ObjectReference ref : status.getActive()) {
                if (ref != null && !blank(ref.getName())) {
                    active.add(ref.getName());
                }
            }
        }
        Instant created = parseTime(md.getCreationTimestamp());
        return new CronJobSnapshot(
                CronJobRef.of(md.getNamespace(), md.getName()),
                md.getUid(),
                md.getLabels() == null ? Map.of() : withoutNulls(md.getLabels()),
                spec.getSchedule().trim(),
                blankToNull(spec.getTimeZone()),
                Boolean.TRUE.equals(spec.getSuspend()),
                deadline,
                policy,
                created != null ? created : clock.instant(),
                status == null ? null : parseTime(status.getLastScheduleTime()),
                status == null ? null : parseTime(status.getLastSuccessfulTime()),
                active);
    }

    // ------------------------------------------------------------------------------------------------ Job

    /** The owning CronJob reference of a Job (kind CronJob, the controller one first), or {@code null}. */
    static @Nullable OwnerReference cronJobOwner(Job job) {
        List<OwnerReference> refs = job.getMetadata() == null ? null : job.getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        OwnerReference any = null;
        for (OwnerReference r : refs) {
            if (r != null && "CronJob".equals(r.getKind()) && !blank(r.getName())) {
                if (Boolean.TRUE.equals(r.getController())) {
                    return r;
                }
                if (any == null) {
                    any = r;
                }
            }
        }
        return any;
    }

    static boolean isManual(Job job) {
        Map<String, String> ann = job.getMetadata() == null ? null : job.getMetadata().getAnnotations();
        return ann != null && "manual".equalsIgnoreCase(trimOrEmpty(ann.get(INSTANTIATE_ANNOTATION)));
    }

    /**
     * The schedule slot: the scheduled-timestamp annotation, else the Job-name suffix after the owning CronJob's
     * name (minutes since the epoch; values of 10+ digits are seconds, as the pre-1.21 controller wrote them), else
     * {@code null}. Manual runs have no slot.
     */
    static @Nullable Instant scheduledTime(Job job, @Nullable OwnerReference owner, boolean manual) {
        if (manual) {
            return null;
        }
        Map<String, String> ann = job.getMetadata().getAnnotations();
        if (ann != null) {
            Instant fromAnnotation = parseTime(ann.get(SCHEDULED_TIMESTAMP_ANNOTATION));
            if (fromAnnotation != null) {
                return fromAnnotation;
            }
        }
        if (owner == null) {
            return null;
        }
        String name = job.getMetadata().getName();
        String prefix = owner.getName() + "-";
        if (!name.startsWith(prefix)) {
            return null;
        }
        String suffix = name.substring(prefix.length());
        if (suffix.isEmpty() || suffix.length() > 12 || !suffix.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        long value = Long.parseLong(suffix);
        return value >= LEGACY_SECONDS_THRESHOLD ? Instant.ofEpochSecond(value) : Instant.ofEpochSecond(value * 60);
    }

    /** The outcome of a Job and the condition that decided it. */
    record Outcome(JobState state, @Nullable JobCondition condition, @Nullable Instant finishedAt) {
    }

    /**
     * The outcome from the Job's conditions (status {@code True} only): {@code Failed} or {@code FailureTarget} →
     * FAILED, {@code Complete} or {@code SuccessCriteriaMet} → SUCCEEDED, otherwise RUNNING. Never from pod counts.
     * The final condition ({@code Failed}, {@code Complete}) wins over the interim one the Kubernetes 1.31+ Job
     * controller adds first ({@code FailureTarget}, {@code SuccessCriteriaMet}). Finish time: {@code completionTime}
     * for a success, else the deciding condition's {@code lastTransitionTime}; {@code null} when there is none.
     */
    static Outcome outcome(Job job) {
        JobStatus status = job.getStatus();
        if (status == null || status.getConditions() == null) {
            return new Outcome(JobState.RUNNING, null, null);
        }
        JobCondition complete = null;
        JobCondition successCriteriaMet = null;
        JobCondition failed = null;
        JobCondition failureTarget = null;
        for (JobCondition c : status.getConditions()) {
            if (c == null || !"True".equalsIgnoreCase(trimOrEmpty(c.getStatus()))) {
                continue;
            }
            switch (trimOrEmpty(c.getType())) {
                case "Complete": complete = c; break;
                case "SuccessCriteriaMet": successCriteriaMet = c; break;
                case "Failed": failed = c; break;
                case "FailureTarget": failureTarget = c; break;
                default: break;
            }
        }
        if (failed != null || failureTarget != null) {
            JobCondition decided = failed != null ? failed : failureTarget;
            Instant at = conditionTime(failed);
            if (at == null) {
                at = conditionTime(failureTarget);
            }
            return new Outcome(JobState.FAILED, decided, at);
        }
        if (complete != null || successCriteriaMet != null) {
            JobCondition decided = complete != null ? complete : successCriteriaMet;
            Instant at = parseTime(status.getCompletionTime());
            if (at == null) {
                at = conditionTime(complete);
            }
            if (at == null) {
                at = conditionTime(successCriteriaMet);
            }
            return new Outcome(JobState.SUCCEEDED, decided, at);
        }
        return new Outcome(JobState.RUNNING, null, null);
    }

    private static @Nullable Instant conditionTime(@Nullable JobCondition c) {
        if (c == null) {
            return null;
        }
        Instant t = parseTime(c.getLastTransitionTime());
        return t != null ? t : parseTime(c.getLastProbeTime());
    }

    /**
     * Pods tried: {@code succeeded + failed} (plus pods already finished but not yet counted by the Job controller),
     * plus {@code active} while running; at least 1 once the Job has started.
     */
    static int attempts(Job job, JobState state) {
        JobStatus s = job.getStatus();
        if (s == null) {
            return 0;
        }
        long n = nz(s.getSucceeded()) + nz(s.getFailed());
        UncountedTerminatedPods u = s.getUncountedTerminatedPods();
        if (u != null) {
            n += u.getSucceeded() == null ? 0 : u.getSucceeded().size();
            n += u.getFailed() == null ? 0 : u.getFailed().size();
        }
        if (state == JobState.RUNNING) {
            n += nz(s.getActive());
        }
        if (n == 0 && s.getStartTime() != null) {
            n = 1;
        }
        return (int) Math.min(Integer.MAX_VALUE, n);
    }

    /**
     * When the Job was suspended: the {@code lastTransitionTime} of its {@code Suspended} condition with status
     * {@code True} (the Job controller adds it when {@code spec.suspend} is set, by hand or by a queue such as
     * Kueue), else its creation time when the condition carries no time; {@code null} when the Job is not suspended
     * (no such condition, or status {@code False} after it resumed).
     */
    static @Nullable Instant suspendedSince(Job job, Instant createdAt) {
        JobStatus status = job.getStatus();
        if (status == null || status.getConditions() == null) {
            return null;
        }
        for (JobCondition c : status.getConditions()) {
            if (c != null && "Suspended".equals(trimOrEmpty(c.getType()))
                    && "True".equalsIgnoreCase(trimOrEmpty(c.getStatus()))) {
                Instant at = conditionTime(c);
                return at != null ? at : createdAt;
            }
        }
        return null;
    }

    /**
     * Whether a pod of the Job ran or runs: pods that succeeded or failed (counted or not yet counted), or ready
     * pods ({@code status.ready}); on clusters that do not report {@code ready} (before Kubernetes 1.24), active
     * pods. An active pod that is Pending ({@code FailedScheduling}, image pulls) is not ready, and a Job whose pods
     * cannot be created ({@code FailedCreate}) has none.
     */
    static boolean podStarted(Job job) {
        JobStatus s = job.getStatus();
        if (s == null) {
            return false;
        }
        if (nz(s.getSucceeded()) + nz(s.getFailed()) > 0) {
            return true;
        }
        UncountedTerminatedPods u = s.getUncountedTerminatedPods();
        if (u != null && ((u.getSucceeded() != null && !u.getSucceeded().isEmpty())
                || (u.getFailed() != null && !u.getFailed().isEmpty()))) {
            return true;
        }
        if (s.getReady() != null) {
            return s.getReady() > 0;
        }
        return nz(s.getActive()) > 0;
    }

    /**
     * The Job as a snapshot, or {@code null} (logged) when it lacks name, namespace or uid; no pod of it seen before.
     *
     * @param termination       the last attempt's termination to carry, or {@code null}
     * @param knownFinishedAt   the finish time delivered before for this Job, used when the Job carries none
     */
    static @Nullable JobSnapshot job(Job job, @Nullable Termination termination, @Nullable Instant knownFinishedAt,
            Clock clock) {
        return job(job, termination, knownFinishedAt, false, clock);
    }

    /**
     * The Job as a snapshot, or {@code null} (logged) when it lacks name, namespace or uid.
     *
     * @param termination       the last attempt's termination to carry, or {@code null}
     * @param knownFinishedAt   the finish time delivered before for this Job, used when the Job carries none
     * @param podStartedBefore  a snapshot delivered before said a pod of this Job ran (it stays so: a pod that ran
     *                          and was replaced leaves {@code ready} at 0 for a moment)
     */
    static @Nullable JobSnapshot job(Job job, @Nullable Termination termination, @Nullable Instant knownFinishedAt,
            boolean podStartedBefore, Clock clock) {
        ObjectMeta md = job.getMetadata();
        if (md == null || blank(md.getName()) || blank(md.getNamespace()) || blank(md.getUid())) {
            LOG.warn("ignoring a Job without name, namespace or uid: {}", md);
            return null;
        }
        OwnerReference ownerRef = cronJobOwner(job);
        boolean manual = isManual(job);
        JobStatus status = job.getStatus();
        Instant startedAt = status == null ? null : parseTime(status.getStartTime());
        Instant createdAt = parseTime(md.getCreationTimestamp());
        if (createdAt == null) {
            createdAt = startedAt != null ? startedAt : clock.instant();
        }
        Outcome outcome = outcome(job);
        Instant finishedAt = null;
        if (outcome.state().isTerminal()) {
            finishedAt = outcome.finishedAt();
            if (finishedAt == null) {
                finishedAt = knownFinishedAt != null ? knownFinishedAt : clock.instant();
            }
            Instant start = startedAt != null ? startedAt : createdAt;
            if (finishedAt.isBefore(start)) {
                // clock skew between controller and API server; a run cannot end before it began
                finishedAt = start;
            }
        }
        JobCondition c = outcome.condition();
        return new JobSnapshot(
                md.getNamespace(),
                md.getName(),
                md.getUid(),
                ownerRef == null ? null : CronJobRef.of(md.getNamespace(), ownerRef.getName()),
                ownerRef == null ? null : blankToNull(ownerRef.getUid()),
                scheduledTime(job, ownerRef, manual),
                manual,
                createdAt,
                startedAt,
                finishedAt,
                outcome.state(),
                attempts(job, outcome.state()),
                c == null ? null : blankToNull(c.getReason()),
                c == null ? null : blankToNull(c.getMessage()),
                outcome.state() == JobState.FAILED ? termination : null,
                suspendedSince(job, createdAt),
                podStartedBefore || podStarted(job));
    }

    /** A termination built from the Job's own terminal condition, for when no pod tells more. */
    static @Nullable Termination fromJobCondition(JobSnapshot job) {
        if (job.state() != JobState.FAILED || (job.conditionReason() == null && job.conditionMessage() == null)) {
            return null;
        }
        return new Termination(null, null, job.conditionReason(), null, job.conditionMessage());
    }

    // ------------------------------------------------------------------------------------------------ pods

    /**
     * The pods that belong to the Job: those whose Job owner reference has the Job's UID, and those without a Job
     * owner reference (the name label already matched), newest (last attempt) first.
     */
    static List<Pod> podsOfJob(Collection<Pod> pods, String jobUid) {
        List<Pod> out = new ArrayList<>();
        for (Pod p : pods) {
            if (p == null || p.getMetadata() == null) {
                continue;
            }
            List<OwnerReference> refs = p.getMetadata().getOwnerReferences();
            boolean hasJobOwner = false;
            boolean ownedByThisJob = false;
            if (refs != null) {
                for (OwnerReference r : refs) {
                    if (r != null && "Job".equals(r.getKind())) {
                        hasJobOwner = true;
                        ownedByThisJob |= jobUid.equals(r.getUid());
                    }
                }
            }
            if (!hasJobOwner || ownedByThisJob) {
                out.add(p);
            }
        }
        out.sort(NEWEST_FIRST);
        return out;
    }

    /** Newest creation first; then newest start; then name, descending (pod names of one Job differ in a random suffix). */
    static final Comparator<Pod> NEWEST_FIRST = Comparator
            .comparing((Pod p) -> orMin(parseTime(p.getMetadata().getCreationTimestamp())))
            .thenComparing(p -> orMin(p.getStatus() == null ? null : parseTime(p.getStatus().getStartTime())))
            .thenComparing(p -> trimOrEmpty(p.getMetadata().getName()))
            .reversed();

    /**
     * How a pod's run ended, in this order of preference:
     * <ol>
     *   <li>a pod-level reason ({@code Evicted}, {@code DeadlineExceeded}, {@code NodeLost}, ...) with the pod
     *       message, plus exit code and signal of the first terminated container, if any;</li>
     *   <li>a terminated container that failed (non-zero exit or a reason other than {@code Completed}): regular
     *       init containers first (they run first), then app containers, then native sidecars;</li>
     *   <li>a container waiting for a failure reason ({@code ImagePullBackOff}, {@code ErrImagePull},
     *       {@code CreateContainerConfigError}, {@code CrashLoopBackOff}, ...), with the exit code of its previous
     *       run when there was one;</li>
     *   <li>a failed previous run ({@code lastState.terminated}) of any container.</li>
     * </ol>
     * {@code null} when the pod shows no failure.
     */
    static @Nullable Termination termination(Pod pod) {
        PodStatus st = pod.getStatus();
        if (st == null) {
            return null;
        }
        List<ContainerStatus> ordered = orderedStatuses(pod);
        String podReason = blankToNull(st.getReason());
        if (podReason != null) {
            ContainerStatus cs = ordered.stream().filter(s -> terminated(s) != null).findFirst().orElse(null);
            ContainerStateTerminated t = cs == null ? null : terminated(cs);
            return new Termination(cs == null ? null : cs.getName(), t == null ? null : t.getExitCode(), podReason,
                    t == null ? null : nonZero(t.getSignal()), blankToNull(st.getMessage()));
        }
        for (ContainerStatus cs : ordered) {
            ContainerStateTerminated t = terminated(cs);
            if (t != null && failedRun(t)) {
                return new Termination(cs.getName(), t.getExitCode(), blankToNull(t.getReason()), nonZero(t.getSignal()),
                        blankToNull(t.getMessage()));
            }
        }
        for (ContainerStatus cs : ordered) {
            ContainerStateWaiting w = cs.getState() == null ? null : cs.getState().getWaiting();
            if (w != null && !blank(w.getReason()) && !BENIGN_WAITING.contains(w.getReason().trim())) {
                ContainerStateTerminated previous = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
                return new Termination(cs.getName(), previous == null ? null : previous.getExitCode(),
                        w.getReason().trim(), previous == null ? null : nonZero(previous.getSignal()),
                        blankToNull(w.getMessage()));
            }
        }
        for (ContainerStatus cs : ordered) {
            ContainerStateTerminated previous = cs.getLastState() == null ? null : cs.getLastState().getTerminated();
            if (previous != null && failedRun(previous)) {
                return new Termination(cs.getName(), previous.getExitCode(), blankToNull(previous.getReason()),
                        nonZero(previous.getSignal()), blankToNull(previous.getMessage()));
            }
        }
        return null;
    }

    /** The first pod (of a newest-first list) that tells how the run ended. */
    static Optional<Termination> termination(List<Pod> newestFirst) {
        for (Pod p : newestFirst) {
            Termination t = termination(p);
            if (t != null) {
                return Optional.of(t);
            }
            // the newest pod is the last attempt; an older pod only speaks when the newest shows nothing
        }
        return Optional.empty();
    }

    private static List<ContainerStatus> orderedStatuses(Pod pod) {
        Set<String> sidecars = new HashSet<>();
        if (pod.getSpec() != null && pod.getSpec().getInitContainers() != null) {
            for (Container c : pod.getSpec().getInitContainers()) {
                if (c != null && "Always".equals(c.getRestartPolicy())) {
                    sidecars.add(c.getName());
                }
            }
        }
        PodStatus st = pod.getStatus();
        List<ContainerStatus> init = new ArrayList<>();
        List<ContainerStatus> side = new ArrayList<>();
        for (ContainerStatus cs : nn(st.getInitContainerStatuses())) {
            if (cs != null) {
                (sidecars.contains(cs.getName()) ? side : init).add(cs);
            }
        }
        List<ContainerStatus> app = new ArrayList<>();
        for (ContainerStatus cs : nn(st.getContainerStatuses())) {
            if (cs != null) {
                app.add(cs);
            }
        }
        // app containers in spec order
        if (pod.getSpec() != null && pod.getSpec().getContainers() != null) {
            Map<String, Integer> order = new HashMap<>();
            List<Container> specs = pod.getSpec().getContainers();
            for (int i = 0; i < specs.size(); i++) {
                order.put(specs.get(i).getName(), i);
            }
            app.sort(Comparator.comparingInt(cs -> order.getOrDefault(cs.getName(), Integer.MAX_VALUE)));
        }
        List<ContainerStatus> all = new ArrayList<>(init);
        all.addAll(app);
        all.addAll(side);
        return all;
    }

    private static @Nullable ContainerStateTerminated terminated(ContainerStatus cs) {
        ContainerState s = cs.getState();
        return s == null ? null : s.getTerminated();
    }

    private static boolean failedRun(ContainerStateTerminated t) {
        Integer code = t.getExitCode();
        String reason = trimOrEmpty(t.getReason());
        return (code != null && code != 0) || (!reason.isEmpty() && !reason.equals("Completed"));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static boolean blank(@Nullable String s) {
        return s == null || s.isBlank();
    }

    static @Nullable String blankToNull(@Nullable String s) {
        return blank(s) ? null : s.trim();
    }

    private static String trimOrEmpty(@Nullable String s) {
        return s == null ? "" : s.trim();
    }

    private static long nz(@Nullable Integer i) {
        return i == null || i < 0 ? 0 : i;
    }

    private static @Nullable Integer nonZero(@Nullable Integer i) {
        return i == null || i == 0 ? null : i;
    }

    private static Instant orMin(@Nullable Instant i) {
        return i == null ? Instant.MIN : i;
    }

    private static <T> List<T> nn(@Nullable List<T> l) {
        return l == null ? List.of() : l;
    }

    private static Map<String, String> withoutNulls(Map<String, String> m) {
        Map<String, String> out = new HashMap<>();
        m.forEach((k, v) -> {
            if (k != null && v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
