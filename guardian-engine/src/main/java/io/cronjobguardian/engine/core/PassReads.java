package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.Page;
import io.cronjobguardian.api.StatsQuery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads shared by one evaluation pass over many CronJobs (evaluate-all).
 *
 * <p><b>Open incidents</b>: a pass of at least {@link #BULK_AFTER} CronJobs reads every open incident once, when the
 * first CronJob asks, instead of once per CronJob. A CronJob's open incidents change only in its own evaluation
 * (on the engine thread, which runs the pass), so what was read before a CronJob's turn is what it would read then.
 * When that read fails, the pass reads them per CronJob.
 *
 * <p><b>Statistics</b>: the pass judges every CronJob at the same instant, so that the CronJobs ask for the same
 * windows. A window asked for more than {@link #BULK_AFTER} times
 * in the pass is then read with the store's bulk {@code stats(refs, window)} for the next {@link #CHUNK} CronJobs
 * of the pass at once instead of one query per CronJob; a window only a few CronJobs ask for stays per CronJob.
 * The figures are the store's either way (the bulk call returns what the single call does), and nothing records
 * runs while a pass runs (both happen on the engine thread). Engine thread only; lives for one pass.
 *
 * <p><b>Newest finished runs</b>: likewise, a CronJob's newest finished runs (what its latest outcome is judged on)
 * are read with the store's bulk {@code newestFinished(refs, limit)} for the next {@link #CHUNK} CronJobs once more
 * than {@link #BULK_AFTER} CronJobs of the pass asked for them; a CronJob asking for more than was read reads its
 * own.
 */
final class PassReads {

    private static final Logger LOG = LoggerFactory.getLogger(PassReads.class);
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
    private int newestAsked;
    private int newestLimit;
    private Map<CronJobRef, List<io.cronjobguardian.api.Execution>> newest = Map.of();
    private boolean newestFailed;
    /** Open incidents by CronJob, read at the first ask; {@code null} before that or when the read failed. */
    private Map<CronJobRef, List<Incident>> open;
    private boolean openFailed;

    /**
     * @param order the CronJobs in the order the pass evaluates them
     */
    PassReads(HistoryStore store, List<CronJobRef> order) {
        this.store = store;
        this.order = order;
    }

    /** The pass now evaluates the CronJob at this index of the order. */
    void at(int index) {
        position = index;
    }

    /**
     * The open incidents of one CronJob, as the store holds them before its evaluation: from the pass's one read of
     * every open incident when the pass is large enough, else (and after that read failed) its own read.
     */
    List<Incident> openIncidents(CronJobRef ref) {
        if (open == null && !openFailed && order.size() >= BULK_AFTER) {
            try {
                open = openIncidents(store, IncidentQuery.open());
            } catch (RuntimeException e) {
                LOG.debug("reading every open incident failed ({}); reading them per CronJob", e.toString());
                openFailed = true;
            }
        }
        if (open != null) {
            return open.getOrDefault(ref, List.of());
        }
        return store.incidents(IncidentQuery.open().cronJob(ref)).items();
    }

    /** Every incident the query matches, page after page, by CronJob. */
    static Map<CronJobRef, List<Incident>> openIncidents(HistoryStore store, IncidentQuery q) {
        Map<CronJobRef, List<Incident>> out = new HashMap<>();
        int offset = 0;
        while (true) {
            Page<Incident> page = store.incidents(q.page(offset, ExecutionQuery.MAX_LIMIT));
            for (Incident i : page.items()) {
                out.computeIfAbsent(i.key().cronJob(), k -> new ArrayList<>()).add(i);
            }
            if (!page.hasMore() || page.items().isEmpty()) {
                return out;
            }
            offset += page.items().size();
        }
    }

    /**
     * The CronJob's newest {@code limit} finished runs, newest start first (as the store's
     * {@code findExecutions(forCronJob(ref).states(SUCCEEDED, FAILED).page(0, limit))}): from the pass's bulk read
     * when it covers this CronJob and limit, else its own read.
     */
    List<io.cronjobguardian.api.Execution> newestFinished(CronJobRef ref, int limit) {
        List<io.cronjobguardian.api.Execution> known = newest.get(ref);
        if (known != null && limit <= newestLimit) {
            return known.size() <= limit ? known : known.subList(0, limit);
        }
        if (++newestAsked > BULK_AFTER && !newestFailed && position < order.size()
                && order.get(position).equals(ref)) {
            List<CronJobRef> next = order.subList(position, Math.min(order.size(), position + CHUNK));
            try {
                newest = store.newestFinished(next, limit);
                newestLimit = limit;
                List<io.cronjobguardian.api.Execution> mine = newest.get(ref);
                if (mine != null) {
                    return mine;
                }
            } catch (RuntimeException e) {
                LOG.debug("bulk read of the newest runs of {} CronJobs failed ({}); reading them one by one",
                        next.size(), e.toString());
                newestFailed = true;
                newest = Map.of();
            }
        }
        return store.findExecutions(io.cronjobguardian.api.ExecutionQuery.forCronJob(ref)
                .states(io.cronjobguardian.api.JobState.SUCCEEDED, io.cronjobguardian.api.JobState.FAILED)
                .page(0, limit));
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
