package io.cronjobguardian.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.CronJobRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The cache's bookkeeping; {@code JdbcStoreScenarios} covers it against real databases and two replicas. */
class FrontierCacheTest {

    private static final CronJobRef A = CronJobRef.of("ns", "a");
    private static final CronJobRef B = CronJobRef.of("ns", "b");

    /** A transaction that found the fence at {@code count} (matched when the cache expected it). */
    private static FrontierCache.Tx tx(FrontierCache cache, long count) {
        FrontierCache.Tx tx = cache.begin();
        if (tx.expectedWrites() == count) {
            tx.matched();
        } else {
            tx.counted(count + 1);
        }
        return tx;
    }

    @Test
    void aFreshCacheKnowsNothingAndLearnsFromACommit() {
        FrontierCache cache = new FrontierCache();
        FrontierCache.Tx t1 = tx(cache, 41);
        assertThat(t1.expectedWrites()).isEqualTo(-1);
        assertThat(t1.known(List.of(A, B))).isEmpty();
        t1.saw(A, 2_900);
        t1.saw(B, FrontierCache.NO_ROW);
        assertThat(t1.known(List.of(A, B))).containsOnly(Map.entry(A, 2_900L), Map.entry(B, FrontierCache.NO_ROW));
        cache.committed(t1);

        FrontierCache.Tx t2 = tx(cache, 42);
        assertThat(t2.expectedWrites()).isEqualTo(42);
        assertThat(t2.known(List.of(A, B))).containsOnly(Map.entry(A, 2_900L), Map.entry(B, FrontierCache.NO_ROW));
    }

    @Test
    void anotherWriterInBetweenMeansReadingAgain() {
        FrontierCache cache = new FrontierCache();
        FrontierCache.Tx t1 = tx(cache, 10);
        t1.saw(A, 5);
        cache.committed(t1); // count 11
        FrontierCache.Tx t2 = tx(cache, 12); // someone else wrote: 12, not 11
        assertThat(t2.known(List.of(A))).isEmpty();
        t2.saw(B, 7);
        cache.committed(t2); // count 13; only what t2 saw holds
        FrontierCache.Tx t3 = tx(cache, 13);
        assertThat(t3.known(List.of(A, B))).containsOnly(Map.entry(B, 7L));
    }

    @Test
    void aFailedWriteEmptiesTheCache() {
        FrontierCache cache = new FrontierCache();
        FrontierCache.Tx t1 = tx(cache, 0);
        t1.saw(A, 5);
        cache.committed(t1);
        cache.invalidate();
        FrontierCache.Tx t2 = cache.begin();
        assertThat(t2.expectedWrites()).isEqualTo(-1);
        t2.counted(2);
        assertThat(t2.known(List.of(A))).isEmpty();
    }

    @Test
    void commitsReportedOutOfOrderNeverLeaveAStaleEntry() {
        FrontierCache cache = new FrontierCache();
        FrontierCache.Tx t0 = tx(cache, 0);
        t0.saw(A, 5);
        t0.saw(B, 9);
        cache.committed(t0); // count 1: A=5, B=9
        FrontierCache.Tx t1 = tx(cache, 1); // moves A to 6, commits count 2 ...
        t1.saw(A, 6);
        FrontierCache.Tx t2 = cache.begin(); // ... then t2 takes the fence (count 3) before t1 reports its commit
        t2.counted(3);
        t2.saw(B, 10);
        cache.committed(t2); // reported first
        cache.committed(t1); // late: describes an older state, dropped
        FrontierCache.Tx t3 = tx(cache, 3);
        assertThat(t3.known(List.of(A, B))).containsOnly(Map.entry(B, 10L)); // A=5 would be stale
    }

    @Test
    void aTransactionOnAnOlderGenerationStopsTakingEntries() {
        FrontierCache cache = new FrontierCache();
        FrontierCache.Tx t0 = tx(cache, 0);
        t0.saw(A, 5);
        cache.committed(t0);
        FrontierCache.Tx t1 = tx(cache, 1);
        assertThat(t1.known(List.of(A))).containsOnly(Map.entry(A, 5L));
        cache.invalidate(); // another thread's write failed
        FrontierCache.Tx late = cache.begin();
        late.counted(1);
        late.saw(A, 4); // a late report of an old state repopulates the cache ...
        cache.committed(late);
        assertThat(t1.known(List.of(A))).isEmpty(); // ... which t1, begun on the old generation, must not use
    }
}
