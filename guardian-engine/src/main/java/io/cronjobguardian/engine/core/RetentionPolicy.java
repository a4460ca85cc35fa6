package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.engine.config.GuardianConfig;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** How long a CronJob's history is kept, given the monitors that select it. */
final class RetentionPolicy {

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
