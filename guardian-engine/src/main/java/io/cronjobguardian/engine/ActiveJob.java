package io.cronjobguardian.engine;

import io.cronjobguardian.api.Nullable;
import java.time.Duration;
import java.time.Instant;

/**
 * A Job of a CronJob that is running now.
 *
 * @param name          Job name
 * @param scheduledTime the slot it runs for, or {@code null} (manual)
 * @param startedAt     when it started
 * @param runningFor    how long it has been running
 */
public record ActiveJob(String name, @Nullable Instant scheduledTime, Instant startedAt, Duration runningFor) {
}
