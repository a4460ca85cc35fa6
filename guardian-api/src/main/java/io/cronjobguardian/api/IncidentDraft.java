package io.cronjobguardian.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An incident about to be opened.
 *
 * @param key       identity; at most one open incident per key
 * @param severity  severity
 * @param title     one-line title
 * @param message   human-readable explanation
 * @param signature failure signature (exit-code category and reason) used to let a changed failure through
 *                  duplicate suppression; empty when not applicable
 * @param context   facts for the alert
 * @param openedAt  when the condition was detected
 */
public record IncidentDraft(
        IncidentKey key,
        Severity severity,
        String title,
        String message,
        String signature,
        AlertContext context,
        Instant openedAt) {

    public IncidentDraft {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(severity, "severity must not be null");
        Checks.notBlank(title, "title");
        message = message == null ? "" : message;
        signature = signature == null ? "" : signature;
        context = context == null ? AlertContext.EMPTY : context;
        openedAt = Checks.required(openedAt, "openedAt");
    }
}
