/**
 * The engine's internals: event handling, recording, evaluation, incidents and retention. Not an API: only
 * {@link io.cronjobguardian.engine.Guardian} and the records of {@code io.cronjobguardian.engine} are.
 *
 * <p>Threading: every method of {@link io.cronjobguardian.engine.core.Engine} that changes state runs on the
 * engine's {@link io.cronjobguardian.engine.time.TaskScheduler}; watcher and elector callbacks only enqueue work.
 * Queries ({@link io.cronjobguardian.engine.core.StatusService}) read the watcher's cache and the store, which are
 * thread-safe, and never touch engine state.
 *
 * <p>Evaluation is level-triggered: for a (monitor, CronJob) pair the evaluator computes which conditions hold
 * now from the store and the watcher's cache, and the reconciler opens the incidents that should be open and
 * resolves those that should not. Running it twice, after a restart or on another replica, changes nothing.
 */
package io.cronjobguardian.engine.core;
