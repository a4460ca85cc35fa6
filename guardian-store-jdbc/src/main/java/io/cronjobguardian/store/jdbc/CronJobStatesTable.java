package io.cronjobguardian.store.jdbc;

import static io.cronjobguardian.store.jdbc.Sql.millis;

import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.store.jdbc.Tables.CronJobStates;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.Condition;

/**
 * What the engine keeps per CronJob between runs ({@code guardian_cronjob_states}): first seen, suspended since,
 * deleted at, the missed-slot floor, the purge time and the schedule last seen. Saved by update-else-insert in a
 * fenced write.
 */
final class CronJobStatesTable {

    private final Transactions tx;

    CronJobStatesTable(Transactions tx) {
        this.tx = tx;
    }

    private static Condition stateKey(CronJobRef ref) {
        return CronJobStates.NAMESPACE.eq(ref.namespace()).and(CronJobStates.CRONJOB_NAME.eq(ref.name()));
    }

    void saveCronJobState(CronJobState state, long epoch) {
        Objects.requireNonNull(state, "state");
        tx.write("saveCronJobState", epoch, ctx -> {
            int n = ctx.update(CronJobStates.T)
                    .set(CronJobStates.UID, state.uid())
                    .set(CronJobStates.FIRST_SEEN_AT, state.firstSeenAt().toEpochMilli())
                    .set(CronJobStates.SUSPENDED_SINCE, millis(state.suspendedSince()))
                    .set(CronJobStates.DELETED_AT, millis(state.deletedAt()))
                    .set(CronJobStates.MISSED_SLOTS_FLOOR, millis(state.missedSlotsFloor()))
                    .set(CronJobStates.PURGE_AT, millis(state.purgeAt()))
                    .set(CronJobStates.SCHEDULE, state.schedule())
                    .set(CronJobStates.SCHEDULE_CHANGED_AT, millis(state.scheduleChangedAt()))
                    .where(stateKey(state.ref()))
                    .execute();
            if (n == 0) {
                ctx.insertInto(CronJobStates.T, CronJobStates.ALL).values(state.ref().namespace(),
                        state.ref().name(), state.uid(), state.firstSeenAt().toEpochMilli(),
                        millis(state.suspendedSince()), millis(state.deletedAt()),
                        millis(state.missedSlotsFloor()), millis(state.purgeAt()), state.schedule(),
                        millis(state.scheduleChangedAt())).execute();
            }
            return null;
        });
    }

    Optional<CronJobState> findCronJobState(CronJobRef ref) {
        Objects.requireNonNull(ref, "ref");
        return tx.read("findCronJobState", ctx -> ctx.select(CronJobStates.ALL).from(CronJobStates.T)
                .where(stateKey(ref)).fetchOptional().map(Mapping::cronJobState));
    }

    List<CronJobState> cronJobStates() {
        return tx.read("cronJobStates", ctx -> {
            List<CronJobState> out = new ArrayList<>();
            ctx.select(CronJobStates.ALL).from(CronJobStates.T)
                    .orderBy(CronJobStates.NAMESPACE, CronJobStates.CRONJOB_NAME)
                    .forEach(r -> out.add(Mapping.cronJobState(r)));
            return out;
        });
    }

    boolean deleteCronJobState(CronJobRef ref, long epoch) {
        Objects.requireNonNull(ref, "ref");
        return tx.write("deleteCronJobState", epoch, ctx -> ctx.deleteFrom(CronJobStates.T).where(stateKey(ref))
                .execute() > 0);
    }
}
