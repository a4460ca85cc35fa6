package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.StatsQuery;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Statistics for one evaluation pass over many CronJobs (evaluate-all), which judges every CronJob at the same
 * instant, so that the CronJobs ask for the same windows. A window asked for more than {@link #BULK_AFTER} times
 * in the pass is then read with the store's bulk {@code stats(refs, window)} for the next {@link #CHUNK} CronJobs
 * of the pass at once instead of one query per CronJob; a window only a few CronJobs ask for stays per CronJob.
 * The figures are the store's either way (the bulk call returns what the single call does), and nothing records
 * runs while a pass runs (both happen on the engine thread). Engine thread only; lives for one pass.
 */
final class PassStats {

    private static final Logger LOG = LoggerFactory.getLogger(PassStats.class);
    /** Single reads of a window before the pass reads it in bulk. */
    static final int BULK_AFTER = 16;
    /** CronJobs per bulk read (bounds memory and statement size). */
    static final int CHUNK = 1000;

    private final HistoryStore store;
    private final List<CronJobRef> order;
    private int position;
    private final Map<StatsQuery, Integer> asked = new HashMap<>();
    private final Map<StatsQuery, Map<CronJobRef, ExecutionStats>> read = new HashMap<>();
    private final Set<StatsQuery> bulkFailed = new HashSet<>();

    /**
     * @param order the CronJobs in the order the pass evaluates them
     */
    PassStats(HistoryStore store, List<CronJobRef> order) {
        this.store = store;
        this.order = order;
    }

    /** The pass now evaluates the CronJob at this index of the order. */
    void at(int index) {
        position = index;
    }

    /** Statistics of one CronJob over the window, read in bulk with the next CronJobs when the window is common. */
    ExecutionStats stats(CronJobRef ref, StatsQuery window) {
        Map<CronJobRef, ExecutionStats> chunk = read.get(window);
        if (chunk != null) {
            ExecutionStats s = chunk.get(ref);
            if (s != null) {
                return s;
            }
        }
        int n = asked.merge(window, 1, Integer::sum);
        if (n > BULK_AFTER && !bulkFailed.contains(window) && position < order.size()
                && order.get(position).equals(ref)) {
            List<CronJobRef> next = order.subList(position, Math.min(order.size(), position + CHUNK));
            try {
                chunk = store.stats(next, window);
                read.put(window, chunk);
                ExecutionStats s = chunk.get(ref);
                if (s != null) {
                    return s;
                }
            } catch (RuntimeException e) {
                // e.g. a statement too large for the database: this pass reads the window per CronJob
                LOG.debug("bulk statistics of {} CronJobs failed ({}); reading them one by one", next.size(),
                        e.toString());
                bulkFailed.add(window);
            }
        }
        return store.stats(ref, window);
    }
}
