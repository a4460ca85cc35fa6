package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.Incident;
import io.cronjobguardian.engine.monitor.MonitorSpec;

/**
 * Told about incident transitions the leader made, on the engine thread, after the store accepted them (the
 * alerting pipeline listens here). Must not block.
 */
public interface IncidentListener {

    /** Nothing happens. */
    IncidentListener NONE = new IncidentListener() {
    };

    /** An incident was opened. */
    default void opened(Incident incident, MonitorSpec monitor, long epoch) {
    }

    /**
     * An open incident whose condition still holds is being evaluated (before any reminder or change of it):
     * the listener may repair what a failure left undone since it was opened.
     *
     * @return the incident as stored now ({@code incident} itself when the listener did not change it)
     */
    default Incident stillOpen(Incident incident, MonitorSpec monitor, long epoch) {
        return incident;
    }

    /** An open incident changed severity or failure signature. */
    default void changed(Incident before, Incident after, MonitorSpec monitor, long epoch) {
    }

    /** An open incident whose condition still holds is due for a reminder ({@code alerting.renotifyInterval}). */
    default void remind(Incident incident, MonitorSpec monitor, long epoch) {
    }

    /** An incident was resolved. */
    default void resolved(Incident incident, MonitorSpec monitor, long epoch) {
    }

    /** An incident was resolved because its monitor no longer selects the CronJob or the CronJob is gone. */
    default void resolvedWithoutMonitor(Incident incident, long epoch) {
    }

    /** Combines listeners: each is told everything, in order. */
    static IncidentListener all(java.util.List<IncidentListener> listeners) {
        java.util.List<IncidentListener> list = java.util.List.copyOf(listeners);
        return new IncidentListener() {
            @Override
            public void opened(Incident incident, MonitorSpec monitor, long epoch) {
                list.forEach(l -> l.opened(incident, monitor, epoch));
            }

            @Override
            public Incident stillOpen(Incident incident, MonitorSpec monitor, long epoch) {
                Incident current = incident;
                for (IncidentListener l : list) {
                    current = l.stillOpen(current, monitor, epoch);
                }
                return current;
            }

            @Override
            public void changed(Incident before, Incident after, MonitorSpec monitor, long epoch) {
                list.forEach(l -> l.changed(before, after, monitor, epoch));
            }

            @Override
            public void remind(Incident incident, MonitorSpec monitor, long epoch) {
                list.forEach(l -> l.remind(incident, monitor, epoch));
            }

            @Override
            public void resolved(Incident incident, MonitorSpec monitor, long epoch) {
                list.forEach(l -> l.resolved(incident, monitor, epoch));
            }

            @Override
            public void resolvedWithoutMonitor(Incident incident, long epoch) {
                list.forEach(l -> l.resolvedWithoutMonitor(incident, epoch));
            }
        };
    }
}
