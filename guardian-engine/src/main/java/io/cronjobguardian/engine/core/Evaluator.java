package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Settings;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Judges every condition of one monitor for one CronJob, level-triggered: the result depends only on the store,
 * the watcher's cache and the time, never on what was judged before. Engine thread only.
 */
final class Evaluator {

    /** Most slots looked at when counting consecutive misses (more than any threshold accepts). */
    static final int MAX_SLOTS = 1001;
    /**
     * Missed start times above which the CronJob controller no longer starts a Job for the CronJob (it only logs
     * and records an event), counted from {@code status.lastScheduleTime} (else creation), or from {@code now -
     * startingDeadlineSeconds} when that is later.
     */
    static final int KUBERNETES_MAX_MISSED = 100;
    /** What the MissedSchedule incident and the status say when {@link #KUBERNETES_MAX_MISSED} is exceeded. */
    static final String KUBERNETES_STOPPED = "Kubernetes stopped scheduling this CronJob: too many missed start "
            + "times (>100); set or decrease spec.startingDeadlineSeconds or check clock skew";
    /** The {@code reason} attribute of a MissedSchedule incident when Kubernetes stopped scheduling. */
    static final String TOO_MANY_MISSED = "TooManyMissedStartTimes";
    /** Slots of the schedule (counting back from now) in which RanTooOften looks for extra scheduled runs. */
    static final int RAN_TOO_OFTEN_SLOTS = 10;
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z", Locale.ROOT);

    /** Most schedules whose period {@link #period} remembers. */
    private static final int MAX_PERIODS = 10_000;
    /** Schedule → typical interval, least recently used first (engine thread only). */
    private final Map<CronSchedule, Optional<Duration>> periods = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<CronSchedule, Optional<Duration>> eldest) {
            return size() > MAX_PERIODS;
        }
    };

    /** Added to a slot's window before it counts as missed: watch latency and clock skew (ADR 0002). */
    private final Duration observationGrace;

    /**
     * @param observationGrace added to a slot's window ({@code startingDeadlineSeconds} or the buffer) before the
     *                         slot counts as missed ({@code scheduler.observationGrace})
     */
    Evaluator(Duration observationGrace) {
        this.observationGrace = observationGrace;
    }

    Evaluation evaluate(MonitorSpec m, Tracked t, Facts f) {
        Evaluation ev = new Evaluation();
        jobFailed(m, f, ev);
        deadManWindow(m, t, f, ev);
        ranTooOften(m, t, f, ev);
        missedSchedule(m, t, f, ev);
        successRate(m, t, f, ev);
        maxDuration(m, f, ev);
        regression(m, t, f, ev);
        suspendedTooLong(m, t, f, ev);
        stuckJob(m, t, f, ev);
        return ev;
    }

    // ---------------------------------------------------------------- JobFailed

    private void jobFailed(MonitorSpec m, Facts f, Evaluation ev) {
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.JOB_FAILED);
        int threshold = m.sla().enabled() && m.sla().maxConsecutiveFailures() != null
                ? m.sla().maxConsecutiveFailures() : 1;
        List<Execution> runs = f.recentFinished(threshold);   // in finish order: overlapping runs finish out of order
        int failedInARow = 0;
        for (Execution e : runs) {
            if (e.state() != JobState.FAILED) {
                break;
            }
            failedInARow++;
        }
        if (failedInARow < threshold) {
            ev.clear(key);
            return;
        }
        Execution newest = f.withDetails(runs.get(0).jobUid()).orElse(runs.get(0));
        JobSnapshot job = newest.job();
        Termination term = job.lastTermination();
        String reason = reasonOf(job);
        Integer exit = term == null ? null : term.exitCode();
        StringBuilder msg = new StringBuilder("Job ").append(job.name()).append(" failed");
        if (reason != null) {
            msg.append(": ").append(reason);
        }
        if (exit != null) {
            msg.append(" (exit code ").append(exit).append(')');
        }
        String detail = term != null && term.message() != null ? term.message() : job.conditionMessage();
        if (detail != null && !detail.isBlank()) {
            msg.append(". ").append(detail.strip());
        }
        if (threshold > 1) {
            msg.append(". ").append(failedInARow).append(" runs in a row failed (threshold ").append(threshold)
                    .append(')');
        }
        if (job.attempts() > 1) {
            msg.append(". Attempts: ").append(job.attempts());
        }
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.JOB_FAILED),
                "Job failed: " + f.ref(), msg.toString(), signature(exit, reason),
                failureContext(m, newest)));
    }

    /** The most specific reason: termination, else Job condition. */
    static String reasonOf(JobSnapshot job) {
        Termination t = job.lastTermination();
        if (t != null && t.reason() != null && !t.reason().isBlank()) {
            return t.reason();
        }
        return job.conditionReason();
    }

    /**
     * The failure signature: exit-code category and reason. A changed signature is a new failure (it passes
     * duplicate suppression). Categories as in the operator: success, oom (137), sigterm (143), signal (128+),
     * app-error; plus none when there is no exit code.
     */
    static String signature(Integer exitCode, String reason) {
        String category;
        if (exitCode == null) {
            category = "none";
        } else if (exitCode == 0) {
            category = "success";
        } else if (exitCode == 137) {
            category = "oom";
        } else if (exitCode == 143) {
            category = "sigterm";
        } else if (exitCode >= 128) {
            category = "signal";
        } else {
            category = "app-error";
        }
        return category + "|" + (reason == null ? "" : reason);
    }

    /** Alert context of a failed run, as much as the monitor wants included. */
    static AlertContext failureContext(MonitorSpec m, Execution e) {
        MonitorSpec.IncludeContext inc = m.alerting().includeContext();
        JobSnapshot job = e.job();
        Termination term = job.lastTermination();
        String log = inc.logs() ? tailLines(e.logTail(), inc.logLines()) : null;
        List<String> events = inc.events() ? e.events() : List.of();
        String podStatus = inc.podStatus() ? podStatus(job) : null;
        String fix = inc.suggestedFixes()
                ? io.cronjobguardian.engine.alert.SuggestedFixes.forMonitor(m).suggest(
                        failureOf(job, e.logTail(), e.events()))
                : null;
        return new AlertContext(job.name(), term == null ? null : term.exitCode(), reasonOf(job),
                term != null && term.message() != null ? term.message() : job.conditionMessage(), log, events,
                podStatus, fix, null, job.duration(), Map.of());
    }

    /** What the suggested-fix patterns see of a failed Job. */
    static io.cronjobguardian.engine.alert.SuggestedFixes.Failure failureOf(JobSnapshot job, String logTail,
            List<String> events) {
        Termination t = job.lastTermination();
        CronJobRef owner = job.owner();
        return new io.cronjobguardian.engine.alert.SuggestedFixes.Failure(job.namespace(),
                owner == null ? job.name() : owner.name(), job.name(), t == null ? null : t.exitCode(),
                t == null ? null : t.reason(), job.conditionReason(), logTail, events);
    }

    private static String podStatus(JobSnapshot job) {
        Termination t = job.lastTermination();
        StringBuilder sb = new StringBuilder("state=").append(job.state().name().toLowerCase(Locale.ROOT))
                .append(", attempts=").append(job.attempts());
        if (t != null) {
            if (t.container() != null) {
                sb.append(", container=").append(t.container());
            }
            if (t.reason() != null) {
                sb.append(", reason=").append(t.reason());
            }
            if (t.exitCode() != null) {
                sb.append(", exitCode=").append(t.exitCode());
            }
            if (t.effectiveSignal() != null) {
                sb.append(", signal=").append(t.effectiveSignal());
            }
        }
        if (job.conditionReason() != null) {
            sb.append(", condition=").append(job.conditionReason());
        }
        return sb.toString();
    }

    /** The last {@code lines} lines of a text (all of it when shorter). */
    static String tailLines(String text, int lines) {
        if (text == null) {
            return null;
        }
        int end = text.length();
        if (end > 0 && text.charAt(end - 1) == '\n') {
            end--;
        }
        int count = 0;
        for (int i = end - 1; i >= 0; i--) {
            if (text.charAt(i) == '\n' && ++count == lines) {
                return text.substring(i + 1);
            }
        }
        return text;
    }

    // ---------------------------------------------------------------- dead-man's switch

    /** Whether dead-man and missed-slot checks are paused for this CronJob (suspended, pauseMonitoring on). */
    static boolean paused(MonitorSpec m, CronJobSnapshot s) {
        return s.suspended() && m.suspendedHandling().pauseMonitoring();
    }

    /**
     * The instant before which no slot is judged: creation, last schedule, resume after suspension, change of the
     * schedule or time zone (Kubernetes schedules a new expression from the change on).
     */
    static Instant slotFloor(Tracked t) {
        Instant floor = t.snapshot.creationTime();
        if (t.snapshot.lastScheduleTime() != null && t.snapshot.lastScheduleTime().isAfter(floor)) {
            floor = t.snapshot.lastScheduleTime();
        }
        if (t.state != null && t.state.missedSlotsFloor() != null && t.state.missedSlotsFloor().isAfter(floor)) {
            floor = t.state.missedSlotsFloor();
        }
        if (t.state != null && t.state.scheduleChangedAt() != null && t.state.scheduleChangedAt().isAfter(floor)) {
            floor = t.state.scheduleChangedAt();
        }
        return floor;
    }

    private void deadManWindow(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        MonitorSpec.DeadManSwitch dm = m.deadManSwitch();
        if (!dm.enabled() || dm.maxTimeSinceLastSuccess() == null) {
            return;
        }
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.DEAD_MAN_TRIGGERED);
        if (paused(m, t.snapshot)) {
            ev.clear(key);
            return;
        }
        Instant lastSuccess = lastSuccess(t, f);
        Instant reference = t.snapshot.creationTime();
        if (t.state != null && t.state.missedSlotsFloor() != null && t.state.missedSlotsFloor().isAfter(reference)) {
            reference = t.state.missedSlotsFloor();
        }
        if (lastSuccess != null && lastSuccess.isAfter(reference)) {
            reference = lastSuccess;
        }
        Instant due = reference.plus(dm.maxTimeSinceLastSuccess());
        if (f.observedUntil().isBefore(due)) {   // a success still queued is not its absence
            ev.clear(key);
            ev.wakeAt(due);
            return;
        }
        Duration since = Duration.between(reference, f.now());
        String what = lastSuccess == null ? "No successful run since " + (reference.equals(t.snapshot.creationTime())
                ? "the CronJob was created" : "monitoring resumed") + " " + human(since) + " ago"
                : "No successful run for " + human(since) + " (last success at " + lastSuccess + ")";
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.DEAD_MAN_TRIGGERED),
                "Dead-man's switch triggered: " + f.ref(),
                what + "; the limit is " + human(dm.maxTimeSinceLastSuccess()) + ".", "",
                withAttributes(Map.of("lastSuccess", String.valueOf(lastSuccess),
                        "maxTimeSinceLastSuccess", Settings.format(dm.maxTimeSinceLastSuccess())))));
    }

    /**
     * The newest success: the later of the store's and the CronJob's {@code status.lastSuccessfulTime}, which
     * covers runs no replica saw (finished and removed while none ran, or pruned from the history).
     */
    static Instant lastSuccess(Tracked t, Facts f) {
        Instant stored = f.lastSuccessAt();
        Instant status = t.snapshot.lastSuccessfulTime();
        if (status == null || (stored != null && !status.isAfter(stored))) {
            return stored;
        }
        return status;
    }

    /**
     * The window after a slot in which its Job must start: the buffer, or startingDeadlineSeconds when shorter. The
     * slot counts as missed only after the window plus the observation grace.
     */
    static Duration window(MonitorSpec m, CronJobSnapshot s) {
        Duration g = m.deadManSwitch().autoFromSchedule().buffer();
        if (s.startingDeadlineSeconds() != null) {
            Duration sds = Duration.ofSeconds(s.startingDeadlineSeconds());
            if (sds.compareTo(g) < 0) {
                g = sds;
            }
        }
        return g;
    }

    private void missedSchedule(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        MonitorSpec.DeadManSwitch dm = m.deadManSwitch();
        if (!dm.enabled() || !dm.autoFromSchedule().enabled()) {
            return;
        }
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.MISSED_SCHEDULE);
        CronSchedule schedule = t.schedule;
        if (paused(m, t.snapshot) || schedule == null) {
            ev.clear(key);
            return;
        }
        Duration window = window(m, t.snapshot);
        // a Job created just inside the window reaches us through the watch a little later
        Duration grace = window.plus(observationGrace);
        Instant horizon = f.observedUntil().minus(grace);   // a Job creation still queued is not a miss
        Instant floor = slotFloor(t);
        schedule.next(horizon).ifPresent(s -> ev.wakeAt(s.plus(grace)));
        if (!horizon.isAfter(floor)) {
            ev.clear(key);
            return;
        }
        List<Instant> newestFirst = slotsNewestFirst(schedule, floor, horizon);
        if (newestFirst.isEmpty()) {
            ev.clear(key);
            return;
        }
        Set<Instant> met = f.scheduledSlotsAfter(floor);
        Optional<Instant> newestStarted = schedule.isRelative() ? Optional.empty() : schedule.previous(f.now());
        if (newestStarted.isPresent() && newestStarted.get().isAfter(horizon) && met.contains(newestStarted.get())) {
            ev.clear(key);   // a Job already started for a slot still in its grace: the CronJob runs again
            return;
        }
        boolean forbid = t.snapshot.concurrencyPolicy() == io.cronjobguardian.api.ConcurrencyPolicy.FORBID;
        int missed = 0;
        Instant lastMissed = null;
        for (Instant slot : newestFirst) {
            if (met.contains(slot)) {
                break;
            }
            if (forbid && f.activeAt(slot, floor)) {
                continue;   // the controller skips a slot while a Job runs: not a miss, not a run either
            }
            if (lastMissed == null) {
                lastMissed = slot;
            }
            missed++;
        }
        int threshold = dm.autoFromSchedule().missedScheduleThreshold();
        if (missed < threshold) {
            ev.clear(key);
            return;
        }
        ZonedDateTime local = lastMissed.atZone(schedule.zone());
        String count = missed >= MAX_SLOTS - 1 ? "at least " + missed : String.valueOf(missed);
        boolean stopped = kubernetesStopped(t.snapshot, schedule, f.now());
        Map<String, String> attributes = new java.util.LinkedHashMap<>(Map.of("schedule", t.snapshot.schedule(),
                "timeZone", schedule.zone().getId(), "missedRuns", String.valueOf(missed),
                "lastMissedSlot", lastMissed.toString()));
        if (stopped) {
            attributes.put("reason", TOO_MANY_MISSED);
        }
        MonitorSpec.SeverityOverrides o = m.alerting().severityOverrides();
        // the operator reported schedule misses as DeadManTriggered: its override applies unless missedSchedule is set
        io.cronjobguardian.api.Severity severity = o.missedSchedule() != null ? o.missedSchedule()
                : o.deadManTriggered() != null ? o.deadManTriggered() : o.severityFor(AlertType.MISSED_SCHEDULE);
        ev.hold(new Condition(key, severity,
                "Missed schedule: " + f.ref(),
                "Missed " + count + " scheduled run(s) in a row of \"" + t.snapshot.schedule() + "\"; the latest was "
                        + "due at " + LOCAL.format(local) + " (" + lastMissed + ") and no Job started within "
                        + human(window) + " (threshold: " + threshold + ")."
                        + (stopped ? " " + KUBERNETES_STOPPED + "." : ""),
                "", withAttributes(attributes)));
    }

    /**
     * Whether the CronJob controller has stopped starting Jobs for this CronJob: more than
     * {@value #KUBERNETES_MAX_MISSED} start times passed since {@code status.lastScheduleTime} (else creation),
     * counted from {@code now - startingDeadlineSeconds} instead when that is later (a starting deadline bounds the
     * count). A suspended CronJob is not scheduled anyway. At most {@value #KUBERNETES_MAX_MISSED} + 1 slots are
     * enumerated.
     */
    static boolean kubernetesStopped(CronJobSnapshot s, CronSchedule schedule, Instant now) {
        if (schedule == null || s.suspended()) {
            return false;
        }
        Instant earliest = s.lastScheduleTime() != null ? s.lastScheduleTime() : s.creationTime();
        if (s.startingDeadlineSeconds() != null) {
            Instant deadline = now.minusSeconds(s.startingDeadlineSeconds());
            if (deadline.isAfter(earliest)) {
                earliest = deadline;
            }
        }
        Optional<Instant> first = schedule.next(earliest);
        if (first.isEmpty() || first.get().isAfter(now)) {
            return false;   // nothing missed: the common case costs one next()
        }
        return schedule.slotsBetween(earliest, now, KUBERNETES_MAX_MISSED + 1).size() > KUBERNETES_MAX_MISSED;
    }

    /** Slots in {@code (floor, horizon]}, newest first, at most {@link #MAX_SLOTS}. */
    static List<Instant> slotsNewestFirst(CronSchedule schedule, Instant floor, Instant horizon) {
        List<Instant> out = new ArrayList<>();
        if (schedule.isRelative()) {
            List<Instant> forward = schedule.slotsBetween(floor, horizon, 100_000);
            for (int i = forward.size() - 1; i >= 0 && out.size() < MAX_SLOTS; i--) {
                out.add(forward.get(i));
            }
            return out;
        }
        Optional<Instant> s = schedule.previous(horizon);
        while (s.isPresent() && s.get().isAfter(floor) && out.size() < MAX_SLOTS) {
            out.add(s.get());
            s = schedule.previous(s.get().minusMillis(1));
        }
        return out;
    }

    // ---------------------------------------------------------------- ran too often

    /**
     * Scheduled runs (manual ones excepted) more often than the schedule allows, among the runs scheduled in the
     * last {@value #RAN_TOO_OFTEN_SLOTS} slots (not before creation or the last schedule change): every scheduled
     * run belongs to the slot at or before its scheduled time, and a slot with two or more runs (two Jobs for one
     * {@code cronjob-scheduled-timestamp}, or runs scheduled between two slots) is reported. The incident resolves
     * once no such slot is left in the window. Not judged for {@code @every} schedules (no absolute slots).
     *
     * <p>Reads nothing of its own: the runs are the watcher's cached Jobs and the newest finished runs JobFailed
     * has read ({@link Facts#finishedRead()}, at least {@value Facts#FINISH_ORDER_SLACK} + 1 by start), so a slot
     * is judged while its runs are among them.
     */
    private void ranTooOften(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.RAN_TOO_OFTEN);
        CronSchedule schedule = t.schedule;
        if (schedule == null || schedule.isRelative()) {
            ev.clear(key);
            return;
        }
        // runs before creation or the last schedule change belong to no slot of this schedule
        Instant floor = t.snapshot.creationTime();
        if (t.state != null && t.state.scheduleChangedAt() != null && t.state.scheduleChangedAt().isAfter(floor)) {
            floor = t.state.scheduleChangedAt();
        }
        Map<String, JobSnapshot> runs = new java.util.HashMap<>();
        for (Execution e : f.finishedRead()) {
            runs.put(e.jobUid(), e.job());
        }
        for (JobSnapshot j : f.cachedJobs()) {
            runs.put(j.uid(), j);
        }
        // a run scheduled exactly at a slot (every Job the CronJob controller creates) costs one next(); only
        // off-slot times search backwards, and the 10-slot window is computed only when a slot has two runs
        java.util.TreeMap<Instant, List<JobSnapshot>> bySlot = new java.util.TreeMap<>();
        boolean twice = false;
        for (JobSnapshot j : runs.values()) {
            Instant at = j.scheduledTime();
            if (j.manual() || at == null || at.isBefore(floor)) {
                continue;
            }
            Optional<Instant> slot = at.getNano() == 0 && schedule.next(at.minusSeconds(1)).filter(at::equals)
                    .isPresent() ? Optional.of(at) : schedule.previous(at);
            if (slot.isPresent()) {
                List<JobSnapshot> in = bySlot.computeIfAbsent(slot.get(), k -> new ArrayList<>());
                in.add(j);
                twice |= in.size() > 1;
            }
        }
        if (!twice) {
            ev.clear(key);
            return;
        }
        Instant from = null;
        Optional<Instant> s = schedule.previous(f.now());
        for (int i = 0; i < RAN_TOO_OFTEN_SLOTS && s.isPresent(); i++) {
            from = s.get();
            s = schedule.previous(from.minusMillis(1));
        }
        if (from == null) {
            ev.clear(key);
            return;
        }
        bySlot.headMap(from).clear();   // a slot before the window's first (its runs are scheduled before it)
        List<Instant> extra = new ArrayList<>();
        int most = 0;
        for (Map.Entry<Instant, List<JobSnapshot>> e : bySlot.entrySet()) {
            if (e.getValue().size() > 1) {
                extra.add(e.getKey());
                most = Math.max(most, e.getValue().size());
            }
        }
        if (extra.isEmpty()) {
            ev.clear(key);
            return;
        }
        schedule.next(f.now()).ifPresent(ev::wakeAt);   // the window moves on at the next slot
        StringBuilder msg = new StringBuilder("The CronJob ran more often than its schedule \"")
                .append(t.snapshot.schedule()).append("\" allows (one scheduled run per slot): ");
        int shown = 0;
        for (Instant slot : extra) {
            if (shown == 5) {
                msg.append("; and ").append(extra.size() - shown).append(" more slot(s)");
                break;
            }
            List<JobSnapshot> js = new ArrayList<>(bySlot.get(slot));
            js.sort(java.util.Comparator.comparing(JobSnapshot::scheduledTime).thenComparing(JobSnapshot::name));
            msg.append(shown == 0 ? "" : "; ").append(js.size()).append(" scheduled runs for the slot ")
                    .append(LOCAL.format(slot.atZone(schedule.zone()))).append(" (").append(slot).append("): ");
            for (int i = 0; i < js.size(); i++) {
                JobSnapshot j = js.get(i);
                msg.append(i == 0 ? "" : ", ").append(j.name());
                if (!j.scheduledTime().equals(slot)) {
                    msg.append(" (scheduled ").append(LOCAL.format(j.scheduledTime().atZone(schedule.zone())))
                            .append(')');
                }
            }
            shown++;
        }
        msg.append(". Two controllers, a restored cluster or clock skew can cause this; manual runs do not count.");
        List<String> slots = new ArrayList<>();
        extra.forEach(x -> slots.add(x.toString()));
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.RAN_TOO_OFTEN),
                "Ran too often: " + f.ref(), msg.toString(), "",
                withAttributes(Map.of("duplicateSlots", String.join(",", slots), "mostRunsPerSlot",
                        String.valueOf(most)))));
    }

    // ---------------------------------------------------------------- SLA

    /**
     * The schedule's typical interval between slots ({@link CronSchedule#typicalInterval()}), or {@code null} when
     * the schedule is unknown. Remembered per expression and zone: CronJobs often share schedules, and a first
     * evaluation pass over many CronJobs would otherwise walk every schedule.
     */
    private Duration period(Tracked t) {
        if (t.schedule == null) {
            return null;
        }
        return periods.computeIfAbsent(t.schedule, s -> s.typicalInterval()).orElse(null);
    }

    /** The period in seconds, {@link Long#MAX_VALUE} when unknown: orders an evaluation pass. */
    long periodSeconds(Tracked t) {
        Duration p = period(t);
        return p == null ? Long.MAX_VALUE : p.getSeconds();
    }

    private void successRate(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        MonitorSpec.Sla sla = m.sla();
        if (!sla.enabled()) {
            return;
        }
        IncidentKey key = new IncidentKey(m.id(), f.ref(), AlertType.SLA_BREACHED, "successRate");
        ExecutionStats s = f.statsLast(Duration.ofDays(sla.windowDays()));
        if (s.total() < sla.minRunsForSuccessRate(period(t)) || s.successRate().isEmpty()
                || s.successRate().getAsDouble() >= sla.minSuccessRate()) {
            ev.clear(key);
            return;
        }
        double rate = s.successRate().getAsDouble();
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.SLA_BREACHED),
                "SLA breached: " + f.ref(),
                String.format(Locale.ROOT, "Success rate %.1f%% is below %.1f%% over %d day(s) (%d of %d runs "
                        + "succeeded).", rate, sla.minSuccessRate(), sla.windowDays(), s.succeeded(), s.total()),
                "successRate",
                new AlertContext(null, null, null, null, null, List.of(), null, null, rate, null,
                        Map.of("window", sla.windowDays() + "d", "runs", String.valueOf(s.total())))));
    }

    private void maxDuration(MonitorSpec m, Facts f, Evaluation ev) {
        MonitorSpec.Sla sla = m.sla();
        if (!sla.enabled() || sla.maxDuration() == null) {
            return;
        }
        IncidentKey key = new IncidentKey(m.id(), f.ref(), AlertType.SLA_BREACHED, "maxDuration");
        Duration max = sla.maxDuration();
        JobSnapshot over = null;
        boolean running = false;
        for (JobSnapshot j : f.runningJobs()) {
            if (j.suspended()) {
                continue;   // suspended time is not run time; it runs again (and is judged) once resumed
            }
            Duration d = j.durationAt(f.observedUntil());   // its finish may still be queued
            if (d.compareTo(max) > 0) {
                if (over == null || j.effectiveStart().isBefore(over.effectiveStart())) {
                    over = j;
                    running = true;
                }
            } else {
                ev.wakeAt(j.effectiveStart().plus(max).plusMillis(1));
            }
        }
        if (over == null) {
            List<Execution> last = f.recentFinished(1);
            if (!last.isEmpty() && last.get(0).duration() != null && last.get(0).duration().compareTo(max) > 0) {
                over = last.get(0).job();
            }
        }
        if (over == null) {
            ev.clear(key);
            return;
        }
        Duration d = over.durationAt(f.now());
        String msg = running
                ? "Job " + over.name() + " has been running for " + human(d) + ", longer than the maximum " + human(max)
                : "The last run " + over.name() + " took " + human(d) + ", longer than the maximum " + human(max);
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.SLA_BREACHED),
                "SLA breached: " + f.ref(), msg + ".", "maxDuration",
                new AlertContext(over.name(), null, null, null, null, List.of(), null, null, null, d,
                        Map.of("maxDuration", Settings.format(max), "running", String.valueOf(running)))));
    }

    private void regression(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        MonitorSpec.Sla sla = m.sla();
        if (!sla.enabled()) {
            return;
        }
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.DURATION_REGRESSION);
        Duration period = period(t);
        Duration recentWindow = sla.recentWindow(period);
        Instant recentFrom = f.now().minus(recentWindow);
        Instant baseFrom = f.now().minus(Duration.ofDays(sla.durationBaselineWindowDays()));
        if (!recentFrom.isAfter(baseFrom)) { // a derived recent window as long as the baseline: nothing to compare
            ev.clear(key);
            return;
        }
        // successful runs only: quickly failing runs would pull the P95 down and look "faster"
        ExecutionStats recent = f.stats(StatsQuery.between(recentFrom, f.now()).successfulOnly(true));
        ExecutionStats base = f.stats(StatsQuery.between(baseFrom, recentFrom).successfulOnly(true));
        int min = sla.regressionMinSamples(period);
        if (recent.total() < min || base.total() < min || recent.p95() == null || base.p95() == null
                || base.p95().isZero() || recent.p95().isZero()) {
            ev.clear(key);
            return;
        }
        double ratio = (double) recent.p95().toNanos() / base.p95().toNanos();
        double factor = 1 + sla.durationRegressionThreshold() / 100.0;
        String direction;
        if (ratio >= factor) {
            direction = "slower";
        } else if (ratio <= 1 / factor) {
            direction = "faster";
        } else {
            ev.clear(key);
            return;
        }
        String msg = String.format(Locale.ROOT, "P95 duration %s by %.0f%%: %s over the last %s vs %s over the "
                        + "%d-day baseline (threshold %d%%).", direction.equals("slower") ? "increased" : "decreased",
                Math.abs(ratio - 1) * 100, human(recent.p95()), human(recentWindow), human(base.p95()),
                sla.durationBaselineWindowDays(), sla.durationRegressionThreshold());
        if (direction.equals("faster")) {
            msg += " Suspiciously fast runs may be doing less work than they should.";
        }
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.DURATION_REGRESSION),
                "Duration regression: " + f.ref(), msg, direction,
                new AlertContext(null, null, null, null, null, List.of(), null, null, null, recent.p95(),
                        Map.of("direction", direction, "recentP95", Settings.format(recent.p95()),
                                "baselineP95", Settings.format(base.p95())))));
    }

    // ---------------------------------------------------------------- suspension

    private void suspendedTooLong(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        Duration limit = m.suspendedHandling().alertIfSuspendedFor();
        if (limit == null) {
            return;
        }
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.SUSPENDED_TOO_LONG);
        Instant since = t.state == null ? null : t.state.suspendedSince();
        if (!t.snapshot.suspended() || since == null) {
            ev.clear(key);
            return;
        }
        Instant due = since.plus(limit);
        if (f.observedUntil().isBefore(due)) {   // its resumption may still be queued
            ev.clear(key);
            ev.wakeAt(due);
            return;
        }
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.SUSPENDED_TOO_LONG),
                "Suspended too long: " + f.ref(),
                "CronJob has been suspended for " + human(Duration.between(since, f.now())) + " (since " + since
                        + "; threshold " + human(limit) + ").", "",
                withAttributes(Map.of("suspendedSince", since.toString()))));
    }

    // ---------------------------------------------------------------- stuck Jobs

    /**
     * Since when a Job waits for a pod: its creation, or its {@code status.startTime} when later (the Job controller
     * resets it when a suspended Job resumes, e.g. when Kueue admits a queued Job).
     */
    static Instant waitingSince(JobSnapshot j) {
        Instant s = j.startedAt();
        return s != null && s.isAfter(j.createdAt()) ? s : j.createdAt();
    }

    /**
     * JobStuck: a running, not suspended Job of the CronJob with no pod running {@code noPodAfter} after it was
     * created (or resumed). Wakes at the exact deadline of each waiting Job; resolves when a pod runs, the Job ends
     * or is deleted (it leaves the running Jobs).
     */
    private void stuckJob(MonitorSpec m, Tracked t, Facts f, Evaluation ev) {
        MonitorSpec.StuckJob sj = m.stuckJob();
        if (!sj.enabled()) {
            return;
        }
        IncidentKey key = IncidentKey.of(m.id(), f.ref(), AlertType.JOB_STUCK);
        JobSnapshot stuck = null;
        for (JobSnapshot j : f.runningJobs()) {
            if (j.podStarted() || j.suspended()) {
                continue;
            }
            Instant due = waitingSince(j).plus(sj.noPodAfter());
            if (f.observedUntil().isBefore(due)) {   // its pod's start may still be queued
                ev.wakeAt(due);
            } else if (stuck == null || waitingSince(j).isBefore(waitingSince(stuck))) {
                stuck = j;
            }
        }
        if (stuck == null) {
            ev.clear(key);
            return;
        }
        Instant since = waitingSince(stuck);
        StringBuilder msg = new StringBuilder("Job ").append(stuck.name()).append(" has had no pod running since it ")
                .append(since.equals(stuck.createdAt()) ? "was created" : "started").append(" at ").append(since)
                .append(" (limit ").append(human(sj.noPodAfter())).append(")");
        List<String> events = m.alerting().includeContext().events() ? f.stuckEvents(stuck) : List.of();
        if (events == null) {
            return;   // its events are being read: judged when they are (the alert goes out with them)
        }
        String reason = lastReason(events);
        if (reason != null) {
            msg.append("; latest event: ").append(reason);
        }
        msg.append('.');
        boolean forbid = t.snapshot.concurrencyPolicy() == io.cronjobguardian.api.ConcurrencyPolicy.FORBID;
        if (forbid) {
            msg.append(" With concurrencyPolicy Forbid the CronJob skips every slot while this Job is active.");
        }
        ev.hold(new Condition(key, m.alerting().severityOverrides().severityFor(AlertType.JOB_STUCK),
                "Job stuck: " + f.ref(), msg.toString(), stuck.name(),
                new AlertContext(stuck.name(), null, reason, null, null, events,
                        m.alerting().includeContext().podStatus() ? "state=running, pods running=0, attempts="
                                + stuck.attempts() : null,
                        null, null, null, Map.of("waitingSince", since.toString(),
                                "noPodAfter", Settings.format(sj.noPodAfter()),
                                "concurrencyPolicy", String.valueOf(t.snapshot.concurrencyPolicy())))));
    }

    /** The reason of the newest event rendered {@code "Reason: message"}, or {@code null}. */
    private static String lastReason(List<String> events) {
        if (events.isEmpty()) {
            return null;
        }
        String e = events.get(events.size() - 1);
        int colon = e.indexOf(':');
        return colon > 0 ? e.substring(0, colon).strip() : null;
    }

    // ---------------------------------------------------------------- helpers

    private static AlertContext withAttributes(Map<String, String> attributes) {
        return new AlertContext(null, null, null, null, null, List.of(), null, null, null, null, attributes);
    }

    /** A duration for people: {@code 2h5m}, {@code 45s}, {@code 3d4h}. */
    static String human(Duration d) {
        if (d.isNegative()) {
            d = Duration.ZERO;
        }
        if (d.toDays() >= 1) {
            long h = d.toHoursPart();
            return d.toDays() + "d" + (h > 0 ? h + "h" : "");
        }
        Duration rounded = d.toMillis() >= 1000 ? Duration.ofSeconds(d.getSeconds()) : d;
        return Settings.format(rounded);
    }
}
