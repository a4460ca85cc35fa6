package io.cronjobguardian.testkit;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.StoredText;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The shared state behind {@link InMemoryHistoryStore}s: several stores on one database behave like replicas on one
 * SQL database (they see each other's writes and race on the same compare-and-set operations).
 *
 * <p>Every operation runs under this database's single lock, so each is atomic and the database is linearizable.
 * A test can make the database unreachable with {@link #setUnavailable(boolean)}: every store operation then throws
 * {@link io.cronjobguardian.api.StoreUnavailableException} and health reports down.
 */
public final class InMemoryDatabase {

    /** Lock guarding every field below. */
    final Object lock = new Object();

    long highestEpoch;
    final Map<String, Execution> executions = new HashMap<>();
    final Map<String, Incident> incidents = new HashMap<>();
    final Map<IncidentKey, String> openIncidentByKey = new HashMap<>();
    /** Notifications by id; the delivery error is kept as the SQL stores keep it ({@link StoredText#clean}). */
    final TreeMap<Long, Notification> notifications = new TreeMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        public Notification put(Long id, Notification n) {
            String error = StoredText.clean(n.lastError());
            return super.put(id, error == n.lastError() ? n : new Notification(n.id(), n.incidentId(), n.channel(),
                    n.kind(), n.sequence(), n.status(), n.attempts(), n.dueAt(), n.claimedBy(), n.claimExpiresAt(),
                    error, n.createdAt(), n.sentAt()));
        }
    };
    final Set<List<Object>> notificationKeys = new HashSet<>();
    final Map<String, ChannelStats> channelStats = new TreeMap<>();
    final Map<CronJobRef, CronJobState> cronJobStates = new TreeMap<>();
    long nextIncidentId = 1;
    long nextNotificationId = 1;

    private volatile boolean unavailable;

    /** A new, empty database. */
    public InMemoryDatabase() {
    }

    /**
     * Makes every store on this database fail with {@code StoreUnavailableException} (writes apply nothing) until
     * called again with {@code false}.
     */
    public void setUnavailable(boolean value) {
        this.unavailable = value;
    }

    /** {@code true} while {@link #setUnavailable(boolean)} makes the database unreachable. */
    public boolean isUnavailable() {
        return unavailable;
    }

    /** Removes everything, including the highest epoch. */
    public void clear() {
        synchronized (lock) {
            highestEpoch = 0;
            executions.clear();
            incidents.clear();
            openIncidentByKey.clear();
            notifications.clear();
            notificationKeys.clear();
            channelStats.clear();
            cronJobStates.clear();
            nextIncidentId = 1;
            nextNotificationId = 1;
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "InMemoryDatabase[epoch=" + highestEpoch + ", executions=" + executions.size() + ", incidents="
                    + incidents.size() + ", notifications=" + notifications.size() + "]";
        }
    }
}
