package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.OpenIncidentResult;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the store's open incidents agree with an {@link Evaluation}: opens incidents for conditions that hold
 * (unless a maintenance window holds openings back), resolves judged conditions that no longer hold (always, even
 * in a maintenance window), and updates an open incident whose severity or failure signature changed (a changed
 * signature of the same run, its final termination, is updated without being announced).
 */
final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final HistoryStore store;
    private final IncidentListener listener;

    Reconciler(HistoryStore store, IncidentListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /**
     * @param open the open incidents of the CronJob by key (updated in place)
     * @return when to evaluate again for the incidents' sake: the end of a maintenance window that held an opening
     *         back, or the next reminder of an open incident; {@code null} when neither applies
     */
    Instant apply(MonitorSpec m, Evaluation ev, Map<IncidentKey, Incident> open, Instant now, long epoch) {
        Instant heldUntil = null;
        for (IncidentKey key : ev.judged()) {
            Condition c = ev.holding().get(key);
            Incident found = open.get(key);
            if (c == null) {
                if (found != null) {
                    Optional<Incident> resolved = store.resolveIncident(found.id(), now, epoch);
                    open.remove(key);
                    resolved.ifPresent(i -> {
                        LOG.info("resolved {} {}", i.key().asString(), i.id());
                        listener.resolved(i, m, epoch);
                    });
                }
                continue;
            }
            if (found == null) {
                Optional<Instant> suppressed = MaintenanceWindows.suppressedUntil(m, now);
                if (suppressed.isPresent()) {
                    LOG.debug("{} held back by a maintenance window until {}", key.asString(), suppressed.get());
                    heldUntil = heldUntil == null || suppressed.get().isBefore(heldUntil) ? suppressed.get() : heldUntil;
                    continue;
                }
                OpenIncidentResult r = store.openIncident(c.draft(now), epoch);
                open.put(key, r.incident());
                if (r.created()) {
                    LOG.info("opened {} {}: {}", key.asString(), r.incident().id(), c.message());
                    listener.opened(r.incident(), m, epoch);
                    java.time.Duration renotify = m.alerting().renotifyInterval();
                    if (renotify != null) {
                        Instant due = now.plus(renotify);
                        heldUntil = heldUntil == null || due.isBefore(heldUntil) ? due : heldUntil;
                    }
                }
                continue;
            }
            // queues what a failure since the opening left out (its notifications were queued in other writes)
            Incident current = listener.stillOpen(found, m, epoch);
            java.time.Duration renotify = m.alerting().renotifyInterval();
            if (renotify != null && m.alerting().enabled() && current.lastNotifiedAt() != null) {
                // a silence postpones the next reminder to one interval after it ends
                Instant since = current.silencedUntil() != null && current.silencedUntil().isAfter(
                        current.lastNotifiedAt()) ? current.silencedUntil() : current.lastNotifiedAt();
                Instant due = since.plus(renotify);
                if (!now.isBefore(due)) {
                    listener.remind(current, m, epoch);
                    // the reminder updated the incident: go on with the stored version
                    current = store.findIncident(current.id()).filter(Incident::isOpen).orElse(current);
                    due = now.plus(renotify);
                }
                heldUntil = heldUntil == null || due.isBefore(heldUntil) ? due : heldUntil;
            }
            Incident existing = current;
            open.put(key, existing);
            boolean newFailure = !existing.signature().equals(c.signature()) && !sameRun(existing, c);
            if (existing.severity() != c.severity() || newFailure) {
                Incident wanted = existing.withContent(c.severity(), c.title(), c.message(), c.signature(),
                        c.context());
                Optional<Incident> updated = store.updateIncident(wanted, epoch);
                updated.ifPresent(u -> {
                    open.put(key, u);
                    listener.changed(existing, u, m, epoch);
                });
            } else if (!existing.message().equals(c.message()) || !existing.title().equals(c.title())
                    || !existing.signature().equals(c.signature())) {
                // same failure, newer figures (more missed runs, another success rate), or the final termination
                // of the same run: keep the incident current for readers without announcing it again
                store.updateIncident(existing.withContent(c.severity(), c.title(), c.message(), c.signature(),
                        c.context()), epoch).ifPresent(u -> open.put(key, u));
            }
        }
        return heldUntil;
    }

    /**
     * {@code true} when the incident and the condition describe the same run: a changed signature is then that
     * run's final termination (a Kubernetes 1.31+ Job is failed from {@code FailureTarget} on, before its pods
     * have terminated), not a new failure.
     */
    private static boolean sameRun(Incident existing, Condition c) {
        String job = existing.context().jobName();
        return job != null && c.context() != null && job.equals(c.context().jobName());
    }
}
