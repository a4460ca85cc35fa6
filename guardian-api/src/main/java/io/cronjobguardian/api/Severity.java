package io.cronjobguardian.api;

import java.util.Locale;

/** Severity of an incident, ordered from least to most severe. */
public enum Severity {
    /** Informational (test alerts). */
    INFO,
    /** Needs attention soon. */
    WARNING,
    /** Needs attention now. */
    CRITICAL;

    /** Lower-case name, as used in YAML, payloads and meter tags. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code info}, {@code warning} or {@code critical}, case-insensitive.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Severity parse(String text) {
        for (Severity s : values()) {
            if (s.name().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown severity \"" + text + "\"; expected info, warning or critical");
    }
}
