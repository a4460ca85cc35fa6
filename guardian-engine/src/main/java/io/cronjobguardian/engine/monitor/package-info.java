/**
 * Monitors: {@link io.cronjobguardian.engine.monitor.MonitorSpec}, the spec of the operator's {@code CronJobMonitor}
 * (which CronJobs to watch and how), built in code or read from YAML by
 * {@link io.cronjobguardian.engine.monitor.MonitorSpecLoader}, which reports every problem of a file at once with its
 * path and line.
 */
package io.cronjobguardian.engine.monitor;
