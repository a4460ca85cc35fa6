package io.cronjobguardian.api;

import java.time.Instant;

/**
 * Result of {@link HistoryStore#health()}.
 *
 * @param up        {@code true} when the store answered
 * @param detail    a short explanation (never contains secrets)
 * @param checkedAt when the check ran
 */
public record StoreHealth(boolean up, String detail, Instant checkedAt) {
    public StoreHealth {
        detail = detail == null ? "" : detail;
        checkedAt = Checks.required(checkedAt, "checkedAt");
    }

    /** A healthy result. */
    public static StoreHealth up(String detail, Instant at) {
        return new StoreHealth(true, detail, at);
    }

    /** An unhealthy result. */
    public static StoreHealth down(String detail, Instant at) {
        return new StoreHealth(false, detail, at);
    }
}
