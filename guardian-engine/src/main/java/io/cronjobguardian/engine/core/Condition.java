package io.cronjobguardian.engine.core;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.Severity;
import java.time.Instant;

/**
 * A condition that holds now and should have an open incident.
 *
 * @param key       incident key
 * @param severity  severity after overrides
 * @param title     one-line title
 * @param message   explanation
 * @param signature failure signature (changes let a changed failure through duplicate suppression)
 * @param context   alert context
 */
record Condition(IncidentKey key, Severity severity, String title, String message, String signature,
        AlertContext context) {

    IncidentDraft draft(Instant now) {
        return new IncidentDraft(key, severity, title, message, signature, context, now);
    }
}
