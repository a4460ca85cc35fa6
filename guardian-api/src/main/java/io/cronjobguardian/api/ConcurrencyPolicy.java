package io.cronjobguardian.api;

/** The CronJob's {@code spec.concurrencyPolicy}. */
public enum ConcurrencyPolicy {
    /** Concurrent Jobs are allowed (the Kubernetes default). */
    ALLOW,
    /** A slot is skipped while a Job of the CronJob is still running. */
    FORBID,
    /** A running Job is replaced by the new one. */
    REPLACE;

    /** Maps the Kubernetes spelling ({@code Allow}, {@code Forbid}, {@code Replace}, case-insensitive); {@code null} or blank → {@link #ALLOW}. */
    public static ConcurrencyPolicy fromKubernetes(@Nullable String value) {
        if (value == null || value.isBlank()) {
            return ALLOW;
        }
        for (ConcurrencyPolicy p : values()) {
            if (p.name().equalsIgnoreCase(value.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown concurrencyPolicy \"" + value + "\" (expected Allow, Forbid or Replace)");
    }
}
