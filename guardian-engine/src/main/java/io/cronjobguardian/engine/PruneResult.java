package io.cronjobguardian.engine;

/**
 * What one retention pass deleted ({@link Guardian#pruneNow()}).
 *
 * @param runs              runs deleted (past their CronJob's retention, or of CronJobs purged after deletion)
 * @param runDetails        runs whose log tail, events and suggested fix were dropped (the runs stay)
 * @param resolvedIncidents resolved incidents deleted
 */
public record PruneResult(long runs, long runDetails, long resolvedIncidents) {
}
