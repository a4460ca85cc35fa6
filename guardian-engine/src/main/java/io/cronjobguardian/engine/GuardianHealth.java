package io.cronjobguardian.engine;

import java.util.List;

/**
 * Liveness and readiness of one engine, for the host's probes.
 *
 * @param live    the engine is running (started, not closed, its engine thread alive)
 * @param ready   live, the store is reachable and the watcher has synced
 * @param leader  this replica currently leads
 * @param reasons why it is not live or not ready (empty when both are true)
 */
public record GuardianHealth(boolean live, boolean ready, boolean leader, List<String> reasons) {
    public GuardianHealth {
        reasons = List.copyOf(reasons);
    }
}
