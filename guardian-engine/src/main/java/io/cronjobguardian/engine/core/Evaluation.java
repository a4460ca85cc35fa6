package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.IncidentKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The result of evaluating one (monitor, CronJob) pair: which keys were judged, which of them hold, and when the
 * pair should be evaluated again.
 */
final class Evaluation {

    private final Set<IncidentKey> judged = new LinkedHashSet<>();
    private final Map<IncidentKey, Condition> holding = new LinkedHashMap<>();
    private Instant wakeAt;

    /** Records that {@code key} was judged and does not hold. */
    void clear(IncidentKey key) {
        judged.add(key);
        holding.remove(key);
    }

    /** Records that the condition holds. */
    void hold(Condition c) {
        judged.add(c.key());
        holding.put(c.key(), c);
    }

    /** Asks to be evaluated again at {@code at} (the earliest of all requests wins). */
    void wakeAt(Instant at) {
        if (at != null && (wakeAt == null || at.isBefore(wakeAt))) {
            wakeAt = at;
        }
    }

    Set<IncidentKey> judged() {
        return judged;
    }

    Map<IncidentKey, Condition> holding() {
        return holding;
    }

    Instant wakeAt() {
        return wakeAt;
    }
}
