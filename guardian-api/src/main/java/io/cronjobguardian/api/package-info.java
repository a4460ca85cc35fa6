/**
 * The public API of CronJob Guardian: immutable domain records and the service-provider interfaces every part of
 * the engine is built on.
 *
 * <h2>Conventions that hold for every type in this package</h2>
 * <ul>
 *   <li>All points in time are UTC {@link java.time.Instant}s. Records truncate them to millisecond precision on
 *       construction, which is the precision every {@link io.cronjobguardian.api.HistoryStore} must keep, so a value
 *       read back from any store equals the value written.</li>
 *   <li>Nothing is {@code null} unless the component or parameter is marked {@link io.cronjobguardian.api.Nullable}.
 *       Collections are never {@code null}; records copy them into unmodifiable collections.</li>
 *   <li>Records validate their components in the constructor and throw {@link java.lang.IllegalArgumentException}
 *       (or {@link java.lang.NullPointerException} for a missing required value) with a message naming the
 *       component.</li>
 *   <li>Implementations are found through {@link java.util.ServiceLoader}; see {@link io.cronjobguardian.api.Providers}.</li>
 * </ul>
 */
package io.cronjobguardian.api;
