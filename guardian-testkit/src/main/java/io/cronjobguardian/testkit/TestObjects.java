package io.cronjobguardian.testkit;

import io.cronjobguardian.api.ConcurrencyPolicy;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Nullable;
import io.cronjobguardian.api.Termination;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Fluent builders for test data with sensible, deterministic defaults.
 *
 * <pre>{@code
 * CronJobSnapshot cj = TestObjects.cronJob("ns", "backup").schedule("@hourly").build();
 * JobSnapshot run = TestObjects.job(cj).scheduled(t).succeeded(t.plusSeconds(1), t.plusSeconds(31)).build();
 * Execution e = TestObjects.job(cj).scheduled(t).failed(t, t.plusSeconds(5)).attempts(3).execution();
 * }</pre>
 *
 * UIDs default to name-based UUIDs ({@link #uid(String)}), so the same names give the same UIDs in every run.
 */
public final class TestObjects {

    /** The default creation time of CronJobs and Jobs built without one: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_TIME = Instant.parse("2024-01-01T00:00:00Z");

    private TestObjects() {
    }

    /** A deterministic UID derived from {@code seed} (a name-based UUID). */
    public static String uid(String seed) {
        return UUID.nameUUIDFromBytes(seed.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The UID a CronJob built by {@link #cronJob(String, String)} gets unless told otherwise. */
    public static String defaultCronJobUid(CronJobRef ref) {
        return uid("cronjob:" + ref);
    }

    /** A CronJob builder with schedule <code>"*&#47;5 * * * *"</code>, not suspended, created at {@link #DEFAULT_TIME}. */
    public static CronJobBuilder cronJob(String namespace, String name) {
        return new CronJobBuilder(CronJobRef.of(namespace, name));
    }

    /** A CronJob builder; see {@link #cronJob(String, String)}. */
    public static CronJobBuilder cronJob(CronJobRef ref) {
        return new CronJobBuilder(ref);
    }

    /** A builder starting from an existing CronJob, to derive a changed copy. */
    public static CronJobBuilder cronJob(CronJobSnapshot existing) {
        return new CronJobBuilder(existing);
    }

    /** A running Job owned by {@code owner} (its ref and UID). */
    public static JobBuilder job(CronJobSnapshot owner) {
        return new JobBuilder(owner.ref().namespace(), owner.ref(), owner.uid());
    }

    /** A running Job owned by {@code owner}, owner UID {@link #defaultCronJobUid}. */
    public static JobBuilder job(CronJobRef owner) {
        return new JobBuilder(owner.namespace(), owner, defaultCronJobUid(owner));
    }

    /** A running Job owned by the CronJob {@code namespace/cronJobName}. */
    public static JobBuilder job(String namespace, String cronJobName) {
        return job(CronJobRef.of(namespace, cronJobName));
    }

    /** A builder starting from an existing Job, to derive a changed copy (same UID, name and owner). */
    public static JobBuilder job(JobSnapshot existing) {
        return new JobBuilder(existing);
    }

    /** A running Job that no CronJob owns (it cannot be stored as an execution). */
    public static JobBuilder unownedJob(String namespace, String name) {
        return new JobBuilder(namespace, null, null).name(name);
    }

    /** Builds {@link CronJobSnapshot}s. */
    public static final class CronJobBuilder {
        private final CronJobRef ref;
        private String uid;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String schedule = "*/5 * * * *";
        private @Nullable String timeZone;
        private boolean suspended;
        private @Nullable Long startingDeadlineSeconds;
        private ConcurrencyPolicy concurrencyPolicy = ConcurrencyPolicy.ALLOW;
        private Instant creationTime = DEFAULT_TIME;
        private @Nullable Instant lastScheduleTime;
        private @Nullable Instant lastSuccessfulTime;
        private final List<String> activeJobNames = new ArrayList<>();

        CronJobBuilder(CronJobRef ref) {
            this.ref = Objects.requireNonNull(ref, "ref");
            this.uid = defaultCronJobUid(ref);
        }

        CronJobBuilder(CronJobSnapshot s) {
            this.ref = s.ref();
            this.uid = s.uid();
            this.labels.putAll(s.labels());
            this.schedule = s.schedule();
            this.timeZone = s.timeZone();
            this.suspended = s.suspended();
            this.startingDeadlineSeconds = s.startingDeadlineSeconds();
            this.concurrencyPolicy = s.concurrencyPolicy();
            this.creationTime = s.creationTime();
            this.lastScheduleTime = s.lastScheduleTime();
            this.lastSuccessfulTime = s.lastSuccessfulTime();
            this.activeJobNames.addAll(s.activeJobNames());
        }

        /** Sets the UID (e.g. a recreated CronJob). */
        public CronJobBuilder uid(String value) {
            this.uid = value;
            return this;
        }

        /** Adds a label. */
        public CronJobBuilder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /** Sets {@code spec.schedule}. */
        public CronJobBuilder schedule(String value) {
            this.schedule = value;
            return this;
        }

        /** Sets {@code spec.timeZone}. */
        public CronJobBuilder timeZone(@Nullable String value) {
            this.timeZone = value;
            return this;
        }

        /** Sets {@code spec.suspend}. */
        public CronJobBuilder suspended(boolean value) {
            this.suspended = value;
            return this;
        }

        /** Sets {@code spec.startingDeadlineSeconds}. */
        public CronJobBuilder startingDeadlineSeconds(@Nullable Long value) {
            this.startingDeadlineSeconds = value;
            return this;
        }

        /** Sets {@code spec.concurrencyPolicy}. */
        public CronJobBuilder concurrencyPolicy(ConcurrencyPolicy value) {
            this.concurrencyPolicy = value;
            return this;
        }

        /** Sets {@code metadata.creationTimestamp}. */
        public CronJobBuilder creationTime(Instant value) {
            this.creationTime = value;
            return this;
        }

        /** Sets {@code status.lastScheduleTime}. */
        public CronJobBuilder lastScheduleTime(@Nullable Instant value) {
            this.lastScheduleTime = value;
            return this;
        }

        /** Sets {@code status.lastSuccessfulTime}. */
        public CronJobBuilder lastSuccessfulTime(@Nullable Instant value) {
            this.lastSuccessfulTime = value;
            return this;
        }

        /** Replaces {@code status.active}. */
        public CronJobBuilder activeJobs(String... names) {
            activeJobNames.clear();
            activeJobNames.addAll(Arrays.asList(names));
            return this;
        }

        /** Builds the snapshot. */
        public CronJobSnapshot build() {
            return new CronJobSnapshot(ref, uid, labels, schedule, timeZone, suspended, startingDeadlineSeconds,
                    concurrencyPolicy, creationTime, lastScheduleTime, lastSuccessfulTime, activeJobNames);
        }
    }

    /**
     * Builds {@link JobSnapshot}s. Defaults: a RUNNING Job created at its scheduled time (else its start, else
     * {@link #DEFAULT_TIME}), started when created, one attempt; named {@code <cronjob>-<epoch minutes>} like the
     * CronJob controller does; UID derived from namespace and name.
     */
    public static final class JobBuilder {
        private final String namespace;
        private final @Nullable CronJobRef owner;
        private @Nullable String ownerUid;
        private @Nullable String name;
        private @Nullable String uid;
        private @Nullable Instant scheduledTime;
        private boolean manual;
        private @Nullable Instant createdAt;
        private @Nullable Instant startedAt;
        private boolean notStarted;
        private @Nullable Instant finishedAt;
        private JobState state = JobState.RUNNING;
        private @Nullable Integer attempts;
        private @Nullable String conditionReason;
        private @Nullable String conditionMessage;
        private @Nullable Termination lastTermination;
        private @Nullable Instant suspendedSince;
        private boolean podStarted = true;

        JobBuilder(String namespace, @Nullable CronJobRef owner, @Nullable String ownerUid) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            this.owner = owner;
            this.ownerUid = ownerUid;
        }

        JobBuilder(JobSnapshot j) {
            this.namespace = j.namespace();
            this.owner = j.owner();
            this.ownerUid = j.ownerUid();
            this.name = j.name();
            this.uid = j.uid();
            this.scheduledTime = j.scheduledTime();
            this.manual = j.manual();
            this.createdAt = j.createdAt();
            this.startedAt = j.startedAt();
            this.notStarted = j.startedAt() == null;
            this.finishedAt = j.finishedAt();
            this.state = j.state();
            this.attempts = j.attempts();
            this.conditionReason = j.conditionReason();
            this.conditionMessage = j.conditionMessage();
            this.lastTermination = j.lastTermination();
            this.suspendedSince = j.suspendedSince();
            this.podStarted = j.podStarted();
        }

        /** Sets the Job name. */
        public JobBuilder name(String value) {
            this.name = value;
            return this;
        }

        /** Sets the Job UID. */
        public JobBuilder uid(String value) {
            this.uid = value;
            return this;
        }

        /** Sets the owner's UID (e.g. runs of an earlier incarnation of the CronJob). */
        public JobBuilder ownerUid(@Nullable String value) {
            this.ownerUid = value;
            return this;
        }

        /** Sets the scheduled slot (the {@code cronjob-scheduled-timestamp} annotation). */
        public JobBuilder scheduled(@Nullable Instant value) {
            this.scheduledTime = value;
            return this;
        }

        /** Marks the Job as created by hand (and clears its scheduled slot). */
        public JobBuilder manual() {
            return manual(true);
        }

        /** Sets the manual flag; {@code true} also clears the scheduled slot. */
        public JobBuilder manual(boolean value) {
            this.manual = value;
            if (value) {
                this.scheduledTime = null;
            }
            return this;
        }

        /** Sets {@code metadata.creationTimestamp}. */
        public JobBuilder createdAt(Instant value) {
            this.createdAt = value;
            return this;
        }

        /** The Job has not started: no {@code startTime}, no attempt yet, RUNNING. */
        public JobBuilder notStarted() {
            this.notStarted = true;
            this.startedAt = null;
            this.finishedAt = null;
            this.state = JobState.RUNNING;
            if (attempts != null && attempts > 0) {
                attempts = null;
            }
            return this;
        }

        /** RUNNING since {@code start}. */
        public JobBuilder running(Instant start) {
            return state(JobState.RUNNING, start, null);
        }

        /** SUCCEEDED: started at {@code start}, complete at {@code end}. */
        public JobBuilder succeeded(Instant start, Instant end) {
            return state(JobState.SUCCEEDED, start, end);
        }

        /** SUCCEEDED after {@code duration} from {@code start}. */
        public JobBuilder succeeded(Instant start, Duration duration) {
            return succeeded(start, start.plus(duration));
        }

        /** FAILED: started at {@code start}, Failed condition at {@code end}. */
        public JobBuilder failed(Instant start, Instant end) {
            return state(JobState.FAILED, start, end);
        }

        /** FAILED after {@code duration} from {@code start}. */
        public JobBuilder failed(Instant start, Duration duration) {
            return failed(start, start.plus(duration));
        }

        private JobBuilder state(JobState s, Instant start, @Nullable Instant end) {
            this.state = s;
            this.startedAt = Objects.requireNonNull(start, "start");
            this.notStarted = false;
            this.finishedAt = end;
            return this;
        }

        /** Number of pods tried. */
        public JobBuilder attempts(int value) {
            this.attempts = value;
            return this;
        }

        /** Reason and message of the terminal condition, e.g. {@code BackoffLimitExceeded}. */
        public JobBuilder condition(@Nullable String reason, @Nullable String message) {
            this.conditionReason = reason;
            this.conditionMessage = message;
            return this;
        }

        /** How the last attempt ended. */
        public JobBuilder termination(@Nullable Termination value) {
            this.lastTermination = value;
            return this;
        }

        /** The last attempt's main container exited with {@code exitCode} for {@code reason}. */
        public JobBuilder exitCode(int exitCode, @Nullable String reason) {
            return termination(new Termination(null, exitCode, reason, null, null));
        }

        /**
         * Suspended since {@code since} (the Job's {@code Suspended} condition is {@code True}), or not suspended
         * ({@code null}, the default).
         */
        public JobBuilder suspendedSince(@Nullable Instant since) {
            this.suspendedSince = since;
            return this;
        }

        /**
         * Whether a pod of the Job ran or runs (default {@code true}); {@code false} for a Job whose pods were never
         * created or never left Pending.
         */
        public JobBuilder podStarted(boolean value) {
            this.podStarted = value;
            return this;
        }

        /** Builds the snapshot. */
        public JobSnapshot build() {
            Instant created = createdAt != null ? createdAt
                    : scheduledTime != null ? scheduledTime
                    : startedAt != null ? startedAt
                    : DEFAULT_TIME;
            Instant started = notStarted ? null : startedAt != null ? startedAt : created;
            String jobName = name != null ? name : defaultName(created);
            String jobUid = uid != null ? uid : TestObjects.uid("job:" + namespace + "/" + jobName);
            int tries = attempts != null ? attempts : started == null ? 0 : 1;
            return new JobSnapshot(namespace, jobName, jobUid, owner, owner == null ? null : ownerUid,
                    scheduledTime, manual, created, started, finishedAt, state, tries, conditionReason,
                    conditionMessage, lastTermination, suspendedSince, podStarted);
        }

        private String defaultName(Instant created) {
            String base = owner != null ? owner.name() : "job";
            Instant slot = scheduledTime != null ? scheduledTime : created;
            return base + (manual ? "-manual-" : "-") + Math.floorDiv(slot.getEpochSecond(), 60);
        }

        /** An execution of the built Job without details. */
        public Execution execution() {
            return Execution.of(build());
        }

        /** An execution of the built Job with details. */
        public Execution execution(@Nullable String logTail, List<String> events, @Nullable String suggestedFix) {
            return new Execution(build(), logTail, events, suggestedFix);
        }
    }
}
