package io.cronjobguardian.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Validation helpers shared by the records of this package. Not part of the API. */
final class Checks {
    private Checks() {
    }

    static String notBlank(String value, String component) {
        Objects.requireNonNull(value, component + " must not be null");
        if (value.isBlank()) {
            throw new IllegalArgumentException(component + " must not be blank");
        }
        return value;
    }

    static String maxLength(String value, int max, String component) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(component + " must be at most " + max + " characters, was "
                    + value.length());
        }
        return value;
    }

    static Instant required(Instant value, String component) {
        return Objects.requireNonNull(value, component + " must not be null").truncatedTo(ChronoUnit.MILLIS);
    }

    static Instant millis(Instant value) {
        return value == null ? null : value.truncatedTo(ChronoUnit.MILLIS);
    }

    static <T> List<T> list(List<T> value, String component) {
        if (value == null) {
            return List.of();
        }
        for (T t : value) {
            Objects.requireNonNull(t, component + " must not contain null");
        }
        return List.copyOf(value);
    }

    static Map<String, String> map(Map<String, String> value, String component) {
        if (value == null) {
            return Map.of();
        }
        value.forEach((k, v) -> {
            Objects.requireNonNull(k, component + " must not contain a null key");
            Objects.requireNonNull(v, component + " must not contain a null value (key " + k + ")");
        });
        return Map.copyOf(value);
    }

    static int nonNegative(int value, String component) {
        if (value < 0) {
            throw new IllegalArgumentException(component + " must be >= 0, was " + value);
        }
        return value;
    }

    static long nonNegative(long value, String component) {
        if (value < 0) {
            throw new IllegalArgumentException(component + " must be >= 0, was " + value);
        }
        return value;
    }

    static void notBefore(Instant later, Instant earlier, String laterName, String earlierName) {
        if (later != null && earlier != null && later.isBefore(earlier)) {
            throw new IllegalArgumentException(laterName + " (" + later + ") must not be before " + earlierName
                    + " (" + earlier + ")");
        }
    }
}
