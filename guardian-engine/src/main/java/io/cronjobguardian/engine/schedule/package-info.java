/**
 * Kubernetes-exact cron schedules: {@link io.cronjobguardian.engine.schedule.CronSchedule} parses a CronJob's
 * {@code spec.schedule} the way the Kubernetes CronJob controller does (robfig/cron v3 {@code ParseStandard}) and
 * computes its slots with robfig's wall-clock walk, including its daylight-saving behaviour. The dead-man's switch
 * counts missed slots with it. Decisions: {@code docs/adr/0001-kubernetes-exact-cron-schedules.md}.
 */
package io.cronjobguardian.engine.schedule;
