/**
 * How the engine runs work: every task runs serially on one engine thread, and timed tasks fire at instants of the
 * engine's injected {@link java.time.Clock}. {@link io.cronjobguardian.engine.time.SystemTaskScheduler} is the
 * production implementation; {@link io.cronjobguardian.engine.time.ManualTaskScheduler} runs tasks only when a test
 * asks, against a manual clock, so that tests are deterministic.
 */
package io.cronjobguardian.engine.time;
