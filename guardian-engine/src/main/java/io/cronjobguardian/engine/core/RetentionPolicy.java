package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** How long a CronJob's history is kept, given the monitors that select it. */
public final class RetentionPolicy {

    private RetentionPolicy() {
    }

    /** Days runs are kept: the longest any selecting monitor asks for (the default without monitors), capped. */
    static int runDays(GuardianConfig.Retention r, List<MonitorSpec> monitors) {
        if (monitors.isEmpty()) {
            return r.runDaysFor(null);
        }
        int days = 0;
        for (MonitorSpec m : monitors) {
            days = Math.max(days, r.runDaysFor(m.dataRetention().retentionDays()));
        }
        return days;
    }

    /**
     * Monitors whose fixed dead-man window ({@code deadManSwitch.maxTimeSinceLastSuccess}) is longer than the history
     * retention that must serve it (the monitor's {@code dataRetention.retentionDays}, else
     * {@code historyRetention.defaultDays}, capped by {@code historyRetention.maxDays}): the stored last success is
     * pruned before the window ends, so the switch then rests on the CronJob's {@code status.lastSuccessfulTime}
     * alone (gone when the CronJob is recreated). One message per such monitor, naming the monitor, the window, the
     * retention and its key; public so that a host can surface them (the engine logs them at WARN on build).
     */
    public static List<String> deadManWindowsBeyondRetention(GuardianConfig.Retention r, List<MonitorSpec> monitors) {
        List<String> out = new java.util.ArrayList<>();
        for (MonitorSpec m : monitors) {
            Duration window = m.deadManSwitch().enabled() ? m.deadManSwitch().maxTimeSinceLastSuccess() : null;
            if (window == null) {
                continue;
            }
            Integer own = m.dataRetention().retentionDays();
            int days = r.runDaysFor(own);
            if (window.compareTo(Duration.ofDays(days)) <= 0) {
                continue;
            }
            String key = own == null ? "historyRetention.defaultDays" : own > r.maxDays() ? "historyRetention.maxDays"
                    : "dataRetention.retentionDays of the monitor";
            out.add("monitor " + m.id() + ": deadManSwitch.maxTimeSinceLastSuccess (" + Evaluator.human(window)
                    + ") is longer than the history retention that must serve it (" + days + " days, " + key
                    + "): the stored last success is pruned before the window ends, and the dead-man's switch then "
                    + "relies on the CronJob's status.lastSuccessfulTime alone (lost when the CronJob is recreated); "
                    + "raise " + key + " to at least " + (window.toDays() + (window.equals(Duration.ofDays(
                    window.toDays())) ? 0 : 1)) + " days or shorten the window");
        }
        return out;
    }

    /** Days logs and events are kept: the longest any selecting monitor asks for, never longer than the runs. */
    static int logDays(GuardianConfig.Retention r, List<MonitorSpec> monitors) {
        if (monitors.isEmpty()) {
            return r.logDaysFor(null, null);
        }
        int days = 0;
        for (MonitorSpec m : monitors) {
            days = Math.max(days, r.logDaysFor(m.dataRetention().retentionDays(), m.dataRetention().logRetentionDays()));
        }
        return days;
    }

    /** The delay after deletion before a deleted CronJob's history is purged, when a monitor asks for it. */
    static Optional<Duration> purgeAfter(List<MonitorSpec> monitors) {
        Integer days = null;
        for (MonitorSpec m : monitors) {
            if (m.dataRetention().onCronJobDeletion() == MonitorSpec.OnCronJobDeletion.PURGE_AFTER_DAYS) {
                days = days == null ? m.dataRetention().purgeAfterDays()
                        : Math.max(days, m.dataRetention().purgeAfterDays());
            }
        }
        return days == null ? Optional.empty() : Optional.of(Duration.ofDays(days));
    }

    /** The state with the purge instant set. */
    static CronJobState withPurgeAt(CronJobState st, Instant purgeAt) {
        return st.withPurgeAt(purgeAt);
    }

    /** When a deleted CronJob's history is to be purged, or {@code null}. */
    static Instant purgeAt(CronJobState st) {
        return st.deletedAt() == null ? null : st.purgeAt();
    }
}
