package io.cronjobguardian.api;

/**
 * What log tail to fetch for a Job's last attempt.
 *
 * @param container             container to read, or {@code null} for the pod's first (main) container
 * @param includeInitContainers also read init containers (their tails come first)
 * @param maxLines              at most this many lines from the end (1 to 10,000)
 * @param maxBytes              at most this many bytes (UTF-8) from the end (1 KiB to 10 MiB); the tail is cut at
 *                              a line or character boundary, never inside a UTF-8 sequence
 */
public record LogRequest(@Nullable String container, boolean includeInitContainers, int maxLines, int maxBytes) {

    /** 50 lines, 100 KiB, main container. */
    public static final LogRequest DEFAULT = new LogRequest(null, false, 50, 100 * 1024);

    public LogRequest {
        if (maxLines < 1 || maxLines > 10_000) {
            throw new IllegalArgumentException("maxLines must be between 1 and 10000, was " + maxLines);
        }
        if (maxBytes < 1024 || maxBytes > 10 * 1024 * 1024) {
            throw new IllegalArgumentException("maxBytes must be between 1024 and 10485760, was " + maxBytes);
        }
    }
}
