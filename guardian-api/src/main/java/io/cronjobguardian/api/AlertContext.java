package io.cronjobguardian.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Facts attached to an incident so that an alert can explain itself. Every field is optional; a monitor decides
 * which of them are included.
 *
 * @param jobName      the Job the incident is about, or {@code null}
 * @param exitCode     exit code of the last attempt, or {@code null}
 * @param reason       termination, waiting or condition reason, or {@code null}
 * @param message      termination or condition message, or {@code null}
 * @param logTail      last lines of the log, or {@code null}
 * @param events       Kubernetes events, {@code "Reason: message"}
 * @param podStatus    a one-line summary of the pod's status, or {@code null}
 * @param suggestedFix what to try, or {@code null}
 * @param successRate  success rate in percent, or {@code null}
 * @param lastDuration duration of the run concerned, or {@code null}
 * @param attributes   anything else worth showing, by name
 */
public record AlertContext(
        @Nullable String jobName,
        @Nullable Integer exitCode,
        @Nullable String reason,
        @Nullable String message,
        @Nullable String logTail,
        List<String> events,
        @Nullable String podStatus,
        @Nullable String suggestedFix,
        @Nullable Double successRate,
        @Nullable Duration lastDuration,
        Map<String, String> attributes) {

    /** A context with nothing in it. */
    public static final AlertContext EMPTY = new AlertContext(null, null, null, null, null, List.of(), null, null,
            null, null, Map.of());

    public AlertContext {
        events = Checks.list(events, "events");
        attributes = Checks.map(attributes, "attributes");
    }
}
