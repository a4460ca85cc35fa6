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
