/**
 * Test kit for CronJob Guardian: deterministic stand-ins for every SPI and the conformance suites every provider
 * must pass.
 *
 * <ul>
 *   <li>{@link io.cronjobguardian.testkit.ManualClock}: a settable, thread-safe {@link java.time.Clock}.</li>
 *   <li>{@link io.cronjobguardian.testkit.InMemoryHistoryStore}: a complete, thread-safe
 *       {@link io.cronjobguardian.api.HistoryStore} in memory; peers sharing an
 *       {@link io.cronjobguardian.testkit.InMemoryDatabase} behave like replicas sharing a database.</li>
 *   <li>{@link io.cronjobguardian.testkit.ScriptableCronJobWatcher} and
 *       {@link io.cronjobguardian.testkit.TestObjects}: push CronJobs and Jobs to the engine by hand.</li>
 *   <li>{@link io.cronjobguardian.testkit.ManualElection} and
 *       {@link io.cronjobguardian.testkit.ManualLeaderElector}: leadership granted and revoked by the test.</li>
 *   <li>{@link io.cronjobguardian.testkit.RecordingAlertChannel}: records messages, fails or hangs on demand.</li>
 *   <li>{@link io.cronjobguardian.testkit.HistoryStoreContract},
 *       {@link io.cronjobguardian.testkit.CronJobWatcherContract},
 *       {@link io.cronjobguardian.testkit.LeaderElectorContract}: abstract JUnit 5 suites; extend one and implement
 *       its factory methods.</li>
 * </ul>
 * Nothing here holds static mutable state: two test fixtures in one JVM never see each other.
 */
package io.cronjobguardian.testkit;
