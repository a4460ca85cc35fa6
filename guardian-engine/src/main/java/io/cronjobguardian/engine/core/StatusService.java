package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.CronJobWatcher;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.engine.ActiveJob;
import io.cronjobguardian.engine.CronJobStatus;
import io.cronjobguardian.engine.HealthState;
import io.cronjobguardian.engine.MonitorStatus;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.engine.schedule.CronSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds statuses from the watcher's cache and the store. Thread-safe, touches no engine state, so every replica
 * answers reads. Statistics of many CronJobs come from one bulk query per window, open incidents from one query.
 */
public final class StatusService {

    /** Window of the statistics when no selecting monitor has an SLA. */
    public static final int DEFAULT_WINDOW_DAYS = 7;

    private final Clock clock;
    private final HistoryStore store;
    private final CronJobWatcher watcher;
    private final List<MonitorSpec> monitors;
    private final Set<String> ignoredNamespaces;

    public StatusService(Clock clock, HistoryStore store, CronJobWatcher watcher, List<MonitorSpec> monitors,
            Set<String> ignoredNamespaces) {
        this.clock = clock;
        this.store = store;
        this.watcher = watcher;
        this.monitors = List.copyOf(monitors);
        this.ignoredNamespaces = Set.copyOf(ignoredNamespaces);
    }

    /** Status of one CronJob over all monitors that select it. */
    public Optional<CronJobStatus> cronJob(CronJobRef ref) {
        return watcher.cronJob(ref).map(s -> build(List.of(s), null).get(0));
    }

    /** Status of every watched CronJob, ordered by namespace and name. */
    public List<CronJobStatus> cronJobs() {
        return build(sorted(watcher.cronJobs()), null);
    }

    /** Status of one monitor. */
    public Optional<MonitorStatus> monitor(String id) {
        return monitors.stream().filter(m -> m.id().equals(id)).findFirst().map(this::monitorStatus);
    }

    /** Status of every monitor. */
    public List<MonitorStatus> monitors() {
        List<MonitorStatus> out = new ArrayList<>();
        for (MonitorSpec m : monitors) {
            out.add(monitorStatus(m));
        }
        return out;
    }

    private MonitorStatus monitorStatus(MonitorSpec m) {
        List<CronJobSnapshot> selected = new ArrayList<>();
        for (CronJobSnapshot s : sorted(watcher.cronJobs())) {
            if (m.matches(s, nsLabels(s), ignoredNamespaces)) {
                selected.add(s);
            }
        }
        return MonitorStatus.of(m.id(), build(selected, m));
    }

    private List<CronJobStatus> build(List<CronJobSnapshot> snapshots, MonitorSpec only) {
        Instant now = clock.instant();
        Map<CronJobSnapshot, List<MonitorSpec>> selecting = new HashMap<>();
        Map<StatsQuery, List<CronJobRef>> byWindow = new HashMap<>();
        for (CronJobSnapshot s : snapshots) {
            List<MonitorSpec> ms = only != null ? List.of(only) : matching(s);
            selecting.put(s, ms);
            byWindow.computeIfAbsent(window(ms, now), d -> new ArrayList<>()).add(s.ref());
        }
        Map<CronJobRef, ExecutionStats> stats = new HashMap<>();
        byWindow.forEach((window, refs) -> stats.putAll(store.stats(refs, window)));
        Map<CronJobRef, List<Incident>> incidents = openIncidents(snapshots.size() == 1 ? snapshots.get(0).ref() : null);
        List<CronJobStatus> out = new ArrayList<>();
        for (CronJobSnapshot s : snapshots) {
            List<MonitorSpec> ms = selecting.get(s);
            List<Incident> open = new ArrayList<>();
            for (Incident i : incidents.getOrDefault(s.ref(), List.of())) {
                if (only == null || only.id().equals(i.key().monitor())) {
                    open.add(i);
                }
            }
            out.add(status(s, ms, stats.get(s.ref()), open, now));
        }
        return out;
    }

    private CronJobStatus status(CronJobSnapshot s, List<MonitorSpec> ms, ExecutionStats st, List<Incident> open,
            Instant now) {
        CronSchedule schedule = null;
        String problem = null;
        try {
            schedule = CronSchedule.parse(s.schedule(),
                    java.time.ZoneId.of(s.timeZone() == null ? "UTC" : s.timeZone()));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            problem = (e instanceof java.time.DateTimeException ? "unknown time zone \"" + s.timeZone() + "\""
                    : "invalid schedule \"" + s.schedule() + "\": " + e.getMessage());
        }
        List<ActiveJob> active = new ArrayList<>();
        for (JobSnapshot j : watcher.jobs(s.ref())) {
            if (j.state() == JobState.RUNNING) {
                active.add(new ActiveJob(j.name(), j.scheduledTime(), j.effectiveStart(), j.durationAt(now)));
            }
        }
        active.sort(Comparator.comparing(ActiveJob::startedAt));
        Instant lastSuccess = st == null ? null : st.lastSuccessAt();
        Instant lastFailure = st == null ? null : st.lastFailureAt();
        Instant lastRunAt = null;
        JobState lastState = null;
        if (lastSuccess != null && (lastFailure == null || !lastFailure.isAfter(lastSuccess))) {
            lastRunAt = lastSuccess;
            lastState = JobState.SUCCEEDED;
        } else if (lastFailure != null) {
            lastRunAt = lastFailure;
            lastState = JobState.FAILED;
        }
        HealthState state;
        if (open.stream().anyMatch(i -> i.severity() == Severity.CRITICAL)) {
            state = HealthState.CRITICAL;
        } else if (!open.isEmpty()) {
            state = HealthState.WARNING;
        } else if (s.suspended()) {
            state = HealthState.SUSPENDED;
        } else if (problem != null || (lastRunAt == null && active.isEmpty())) {
            state = HealthState.UNKNOWN;
        } else {
            state = HealthState.HEALTHY;
        }
        Instant next = schedule == null || s.suspended() ? null : schedule.next(now).orElse(null);
        List<String> ids = new ArrayList<>();
        ms.forEach(m -> ids.add(m.id()));
        open.sort(Comparator.comparing(Incident::openedAt).reversed());
        return new CronJobStatus(s.ref(), s.uid(), s.schedule(),
                schedule == null ? (s.timeZone() == null ? "UTC" : s.timeZone()) : schedule.zone().getId(),
                s.suspended(), state, ids, lastRunAt, lastState, lastSuccess, lastFailure, next, active, open,
                st != null ? st : ExecutionStats.empty(s.ref(), window(ms, now), null, null), problem,
                Evaluator.kubernetesStopped(s, schedule, now) ? Evaluator.KUBERNETES_STOPPED : null);
    }

    private Map<CronJobRef, List<Incident>> openIncidents(CronJobRef single) {
        return PassReads.openIncidents(store, single != null ? IncidentQuery.open().cronJob(single)
                : IncidentQuery.open());
    }

    /**
     * The statistics window of a CronJob's status: the SLA window and {@code sla.durationPercentiles} of the first
     * monitor with an enabled SLA, else 7 days and P50/P95/P99.
     */
    static StatsQuery window(List<MonitorSpec> ms, Instant now) {
        List<Integer> percentiles = StatsQuery.DEFAULT_PERCENTILES;
        for (MonitorSpec m : ms) {
            if (m.sla().enabled()) {
                percentiles = m.sla().durationPercentiles();
                break;
            }
        }
        return StatsQuery.lastWindow(now, Duration.ofDays(windowDays(ms))).percentiles(percentiles);
    }

    /**
     * The duration percentiles reported for a CronJob: {@code sla.durationPercentiles} of the first selecting
     * monitor with an enabled SLA, else P50, P95 and P99 (also for a CronJob not in the watcher's cache).
     *
     * @param ref the CronJob
     * @return the percentiles, in percent, ascending
     */
    public List<Integer> durationPercentiles(CronJobRef ref) {
        Optional<CronJobSnapshot> s = watcher.cronJob(ref);
        return s.isEmpty() ? StatsQuery.DEFAULT_PERCENTILES : window(matching(s.get()), clock.instant()).percentiles();
    }

    private static int windowDays(List<MonitorSpec> ms) {
        for (MonitorSpec m : ms) {
            if (m.sla().enabled()) {
                return m.sla().windowDays();
            }
        }
        return DEFAULT_WINDOW_DAYS;
    }

    private List<MonitorSpec> matching(CronJobSnapshot s) {
        List<MonitorSpec> out = new ArrayList<>();
        Map<String, String> labels = nsLabels(s);
        for (MonitorSpec m : monitors) {
            if (m.matches(s, labels, ignoredNamespaces)) {
                out.add(m);
            }
        }
        return out;
    }

    private Map<String, String> nsLabels(CronJobSnapshot s) {
        return watcher.namespaceLabels(s.ref().namespace()).orElse(Map.of());
    }

    private static List<CronJobSnapshot> sorted(java.util.Collection<CronJobSnapshot> all) {
        List<CronJobSnapshot> l = new ArrayList<>(all);
        l.sort(Comparator.comparing(CronJobSnapshot::ref));
        return l;
    }
}
