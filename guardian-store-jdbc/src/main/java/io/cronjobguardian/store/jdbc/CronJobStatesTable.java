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

    /**
     * Saves many states in one fenced write per {@link Sql#IN_CHUNK} states: one batch of updates, one read of which
     * rows exist, one batch of inserts for the others. All of a chunk or nothing of it.
     */
    void saveCronJobStates(java.util.Collection<CronJobState> states, long epoch) {
        Objects.requireNonNull(states, "states");
        List<CronJobState> all = new ArrayList<>();
        java.util.Set<CronJobRef> refs = new java.util.HashSet<>();
        for (CronJobState st : states) {
            Objects.requireNonNull(st, "state");
            if (!refs.add(st.ref())) {
                throw new IllegalArgumentException("two states of " + st.ref() + " in one call");
            }
            all.add(st);
        }
        for (List<CronJobState> chunk : Sql.chunks(all, Sql.IN_CHUNK)) {
            tx.write("saveCronJobStates", epoch, ctx -> {
                List<org.jooq.Query> updates = new ArrayList<>(chunk.size());
                for (CronJobState state : chunk) {
                    updates.add(ctx.update(CronJobStates.T)
                            .set(CronJobStates.UID, state.uid())
                            .set(CronJobStates.FIRST_SEEN_AT, state.firstSeenAt().toEpochMilli())
                            .set(CronJobStates.SUSPENDED_SINCE, millis(state.suspendedSince()))
                            .set(CronJobStates.DELETED_AT, millis(state.deletedAt()))
                            .set(CronJobStates.MISSED_SLOTS_FLOOR, millis(state.missedSlotsFloor()))
                            .set(CronJobStates.PURGE_AT, millis(state.purgeAt()))
                            .set(CronJobStates.SCHEDULE, state.schedule())
                            .set(CronJobStates.SCHEDULE_CHANGED_AT, millis(state.scheduleChangedAt()))
                            .where(stateKey(state.ref())));
                }
                ctx.batch(updates).execute();
                // which of them have a row now: batch update counts are not reliable across drivers (MariaDB's
                // rewritten batches answer SUCCESS_NO_INFO), so ask (a superset by namespace and name, then exact)
                java.util.Set<String> namespaces = new java.util.HashSet<>();
                java.util.Set<String> names = new java.util.HashSet<>();
                chunk.forEach(st -> {
                    namespaces.add(st.ref().namespace());
                    names.add(st.ref().name());
                });
                java.util.Set<CronJobRef> present = new java.util.HashSet<>();
                ctx.select(CronJobStates.NAMESPACE, CronJobStates.CRONJOB_NAME).from(CronJobStates.T)
                        .where(CronJobStates.NAMESPACE.in(namespaces)).and(CronJobStates.CRONJOB_NAME.in(names))
                        .forEach(r -> present.add(CronJobRef.of(r.value1(), r.value2())));
                List<org.jooq.Query> inserts = new ArrayList<>();
                for (CronJobState state : chunk) {
                    if (!present.contains(state.ref())) {
                        inserts.add(ctx.insertInto(CronJobStates.T, CronJobStates.ALL).values(
                                state.ref().namespace(), state.ref().name(), state.uid(),
                                state.firstSeenAt().toEpochMilli(), millis(state.suspendedSince()),
                                millis(state.deletedAt()), millis(state.missedSlotsFloor()), millis(state.purgeAt()),
                                state.schedule(), millis(state.scheduleChangedAt())));
                    }
                }
                if (!inserts.isEmpty()) {
                    ctx.batch(inserts).execute();
                }
                return null;
            });
        }
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
