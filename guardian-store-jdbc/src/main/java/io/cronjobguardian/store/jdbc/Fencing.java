package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.inline;
import static org.jooq.impl.DSL.val;

import io.cronjobguardian.api.StaleEpochException;
import io.cronjobguardian.api.StoreUnavailableException;
import io.cronjobguardian.store.jdbc.Tables.Fence;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.UpdateSetMoreStep;
import org.jooq.impl.DSL;

/**
 * The leader-epoch fence: one row ({@code guardian_fence}, id 1) holding the highest epoch and a count of writes.
 * Every write of the store takes it first ({@link #take}, called by {@link Transactions}); a write from an epoch
 * below the fence's fails with {@link StaleEpochException} and applies nothing. Also the store's epoch operations
 * ({@code advanceEpoch}, {@code claimEpoch}, {@code highestEpoch}).
 */
final class Fencing {

    private final Transactions tx;

    Fencing(Transactions tx) {
        this.tx = tx;
    }

    /** {@link #take}'s epoch for writes recording what a claimant did: the epoch is neither checked nor raised. */
    static final long NO_EPOCH = -1;

    /**
     * Takes the fence row's lock for this transaction and adds one to its write count; with an epoch, first checks
     * that it is not below the fence's and raises the fence to it. Tells the transaction's {@link FrontierCache.Tx}
     * (put into the jOOQ context's data) whether another writer committed since this store's last write: the
     * count is raised on the condition that it still holds what this store left, and read back only when it does not.
     */
    static void take(Started s, DSLContext ctx, long epoch) {
        FrontierCache.Tx tx = s.histogram.frontierCache().begin();
        ctx.data(FrontierCache.TX_KEY, tx);
        if (tx.expectedWrites() >= 0 && raise(ctx, epoch, tx.expectedWrites()) == 1) {
            tx.matched();
            return;
        }
        if (raise(ctx, epoch, -1) == 0) {
            Long current = ctx.select(Fence.EPOCH).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.EPOCH);
            if (current == null) {
                throw new StoreUnavailableException("the fence row (guardian_fence, id 1) is missing: the schema was "
                        + "not created by the migration scripts");
            }
            throw new StaleEpochException(epoch, current);
        }
        tx.counted(ctx.select(Fence.WRITES).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.WRITES));
    }

    /**
     * {@code UPDATE guardian_fence SET [epoch = ?,] writes = writes + 1 WHERE id = 1 [AND epoch <= ?]
     * [AND writes = ?]}: the number of rows it changed (0 or 1).
     */
    private static int raise(DSLContext ctx, long epoch, long expectedWrites) {
        UpdateSetMoreStep<Record> u = ctx.update(Fence.T).set(Fence.WRITES, Fence.WRITES.plus(inline(1L)));
        if (epoch != NO_EPOCH) {
            u = u.set(Fence.EPOCH, val(epoch));
        }
        Condition where = Fence.ID.eq(inline(1));
        if (epoch != NO_EPOCH) {
            where = where.and(Fence.EPOCH.le(val(epoch)));
        }
        if (expectedWrites >= 0) {
            where = where.and(Fence.WRITES.eq(val(expectedWrites)));
        }
        return u.where(where).execute();
    }

    long advanceEpoch(long epoch) {
        return tx.write("advanceEpoch", epoch, ctx -> epoch);
    }

    /**
     * One transaction on the fence row: {@code UPDATE guardian_fence SET epoch = GREATEST(?, epoch + 1) WHERE id = 1},
     * then the epoch read back under the row lock the update took. Concurrent claims from any store instance queue
     * on that lock, so each sees the one before it and none returns the same epoch. The write count is left alone:
     * no table but the fence changes.
     */
    long claimEpoch(long atLeast) {
        Started s = tx.started("claimEpoch");
        return tx.run(s, "claimEpoch", true, ctx -> {
            int changed = ctx.update(Fence.T)
                    .set(Fence.EPOCH, DSL.greatest(val(atLeast), Fence.EPOCH.plus(inline(1L))))
                    .where(Fence.ID.eq(inline(1)))
                    .execute();
            Long epoch = changed == 1
                    ? ctx.select(Fence.EPOCH).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.EPOCH)
                    : null;
            if (epoch == null) {
                throw new StoreUnavailableException("the fence row (guardian_fence, id 1) is missing: the schema was "
                        + "not created by the migration scripts");
            }
            return epoch;
        });
    }

    long highestEpoch() {
        return tx.read("highestEpoch", ctx -> {
            Long e = ctx.select(Fence.EPOCH).from(Fence.T).where(Fence.ID.eq(inline(1))).fetchOne(Fence.EPOCH);
            return e == null ? 0L : e;
        });
    }
}
