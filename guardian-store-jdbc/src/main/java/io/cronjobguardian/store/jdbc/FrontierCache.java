package io.cronjobguardian.store.jdbc;

import io.cronjobguardian.api.CronJobRef;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * The histogram frontiers this store last read or wrote, so that recording a batch need not read them again.
 *
 * <p><b>When it may be used.</b> Every write transaction of every store instance takes the fence row's lock and
 * adds one to its {@code writes} count ({@code guardian_fence}). The cache remembers the count its last commit left.
 * A write transaction raises the count with {@code ... AND writes = <remembered>}: when that matches, no other
 * writer (another replica, another store instance) committed since, and the cached frontiers are what the database
 * holds ({@link Tx#matched()}). When it does not match, the transaction reads the count it left instead
 * ({@link Tx#counted(long)}), reads every frontier it needs from the database, and its commit starts the cache
 * afresh. A write that fails, or whose commit is in doubt, empties the cache.
 *
 * <p>Anything that changes frontiers outside the store (a DBA rebuilding the histogram by hand) must add one to
 * {@code guardian_fence.writes} in the same transaction (guardian-store-jdbc's README says so).
 *
 * <p>Thread-safe: write transactions of one store may run on several threads. The database serialises them on the
 * fence row, but their cache updates may arrive in any order: an update that does not directly follow the cached
 * state replaces it (or is dropped when the cache already describes a later state), and every replacement moves to
 * a new generation, so a transaction that began on the old one stops taking entries from the cache.
 */
final class FrontierCache {

    /** The key under which a write transaction's {@link Tx} sits in its jOOQ configuration's data. */
    static final String TX_KEY = "io.cronjobguardian.store.jdbc.FrontierCache.Tx";

    /** A cached "no frontier row" (distinct from a row holding 0). */
    static final long NO_ROW = Long.MIN_VALUE;

    /** Entries beyond which the cache starts over (a store sees at most tens of thousands of CronJobs). */
    private static final int MAX_ENTRIES = 200_000;

    /** The fence's write count after this store's last commit; -1 when unknown. */
    private long writes = -1;
    private long generation;
    private final Map<CronJobRef, Long> frontiers = new HashMap<>();

    /** A write transaction about to take the fence row: it raises the count expecting {@link Tx#expectedWrites()}. */
    synchronized Tx begin() {
        return new Tx(writes, generation);
    }

    /** Forgets everything: a write failed, or its commit is in doubt. */
    synchronized void invalidate() {
        writes = -1;
        generation++;
        frontiers.clear();
    }

    /** The transaction committed: what it saw holds now. */
    synchronized void committed(Tx tx) {
        if (tx.writesAfter < 0) {
            return; // it never took the fence row
        }
        if (writes >= 0 && writes == tx.writesAfter - 1) {
            frontiers.putAll(tx.seen); // the cache held the state this transaction started from
        } else if (tx.writesAfter > writes) {
            generation++;
            frontiers.clear(); // only what this transaction saw is known to hold
            frontiers.putAll(tx.seen);
        } else {
            return; // a later commit's update came first: it describes a newer state
        }
        writes = tx.writesAfter;
        if (frontiers.size() > MAX_ENTRIES) {
            generation++;
            frontiers.clear();
        }
    }

    private synchronized void lookup(long gen, Collection<CronJobRef> refs, Map<CronJobRef, Long> out) {
        if (gen != generation) {
            return;
        }
        for (CronJobRef r : refs) {
            Long f = frontiers.get(r);
            if (f != null) {
                out.put(r, f);
            }
        }
    }

    /** One write transaction's view: what it may take from the cache, and the frontiers it read or wrote. */
    final class Tx {
        private final long expected;
        private final long gen;
        private long writesAfter = -1;
        private boolean valid;
        private final Map<CronJobRef, Long> seen = new HashMap<>();

        private Tx(long expected, long gen) {
            this.expected = expected;
            this.gen = gen;
        }

        /** The count the fence row must hold for the cache to hold, or -1 when unknown (read it instead). */
        long expectedWrites() {
            return expected;
        }

        /** The fence row held the expected count (now raised by one): the cached frontiers hold. */
        void matched() {
            writesAfter = expected + 1;
            valid = true;
        }

        /** The fence row did not hold the expected count; {@code writesAfter} is what it holds now. */
        void counted(long writesAfter) {
            this.writesAfter = writesAfter;
            valid = false;
        }

        /**
         * The known frontiers of {@code refs} ({@link #NO_ROW} for "no row"): those this transaction saw, and, when
         * the cache holds, the cached ones. Refs without an entry must be read from the database.
         */
        Map<CronJobRef, Long> known(Collection<CronJobRef> refs) {
            Map<CronJobRef, Long> out = new HashMap<>();
            if (valid) {
                lookup(gen, refs, out);
            }
            for (CronJobRef r : refs) {
                Long f = seen.get(r);
                if (f != null) {
                    out.put(r, f);
                }
            }
            return out;
        }

        /** A frontier read from the database in this transaction or written by it ({@link #NO_ROW}: no row). */
        void saw(CronJobRef ref, long frontier) {
            seen.put(ref, frontier);
        }
    }
}
