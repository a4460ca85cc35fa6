package io.cronjobguardian.engine.config;

import io.cronjobguardian.api.Nullable;
import java.util.Objects;

/**
 * One problem found in configuration: a configuration key ({@code leaderElection.leaseDuration}) or a path inside a
 * monitor document ({@code spec.sla.minSuccessRate}), what is wrong with it and what is accepted, and where it came
 * from. Messages never contain secret values.
 *
 * @param path    the key or document path the problem is about
 * @param message what is wrong and what is accepted, without the path
 * @param source  where the value came from ({@code file /etc/guardian.yaml}, {@code environment variable
 *                GUARDIAN_STORAGE_TYPE}, {@code builder}), or {@code null} when unknown
 * @param line    the 1-based line in {@code source}, or 0 when unknown
 */
public record ConfigProblem(String path, String message, @Nullable String source, int line) {

    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0, was " + line);
        }
    }

    /** A problem without a known source. */
    public static ConfigProblem of(String path, String message) {
        return new ConfigProblem(path, message, null, 0);
    }

    /** {@code path: message (source:line)}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(path).append(": ").append(message);
        if (source != null) {
            sb.append(" (").append(source);
            if (line > 0) {
                sb.append(", line ").append(line);
            }
            sb.append(')');
        }
        return sb.toString();
    }
}
