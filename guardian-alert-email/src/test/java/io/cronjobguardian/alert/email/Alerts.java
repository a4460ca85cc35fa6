package io.cronjobguardian.alert.email;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.ProviderContext;
import io.cronjobguardian.api.SecretResolver;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Alert messages and channel settings for the channel tests (the engine's channel tests have the same fixture). */
final class Alerts {

    /** Text that breaks naive JSON, HTML and mrkdwn: quotes, backslash, newlines, tab, controls, markup, emoji. */
    static final String NASTY = "quote \" backslash \\ slash / newline\n tab\t cr\r ctrl \u0001\u001f\u007f "
            + "</script><script>alert(1)</script> <!channel> <@U123> & &amp; emoji \uD83D\uDEA8\uD83D\uDD25 "
            + "line sep \u2028 end";
    /** A lone high surrogate (half an emoji). */
    static final String LONE = "half \uD83D cut";
    static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
    static final Clock CLOCK = Clock.fixed(T0.plusSeconds(30), ZoneOffset.UTC);

    private Alerts() {
    }

    static ProviderContext context() {
        return context(ref -> Optional.empty());
    }

    static ProviderContext context(SecretResolver resolver) {
        return ProviderContext.builder().clock(CLOCK).service(SecretResolver.class, resolver).build();
    }

    /** Settings from pairs, with name and type. */
    static Settings settings(String name, String type, String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("type", type);
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return Settings.of(m);
    }

    /** A log of {@code lines} numbered lines; the last one is {@code LAST LINE <n>}. */
    static String log(int lines) {
        StringBuilder sb = new StringBuilder();
        for (int i = 1; i < lines; i++) {
            sb.append("2026-03-01T11:59:").append(String.format("%02d", i % 60)).append(" line ").append(i)
                    .append(" doing work\n");
        }
        return sb.append("LAST LINE ").append(lines).toString();
    }

    static Builder alert() {
        return new Builder();
    }

    /** Another attempt of the notification {@code m}: sent {@code later}, with the same idempotency key. */
    static AlertMessage retry(AlertMessage m, Duration later) {
        return new AlertMessage(m.notificationId(), m.kind(), m.incidentId(), m.key(), m.severity(), m.title(),
                m.message(), m.context(), m.openedAt(), m.resolvedAt(), m.sentAt().plus(later), m.idempotencyKey());
    }

    static final class Builder {
        long notificationId = 7;
        NotificationKind kind = NotificationKind.OPENED;
        String incidentId = "inc-42";
        String monitor = "team-a/nightly";
        String namespace = "prod";
        String name = "nightly-backup";
        AlertType type = AlertType.JOB_FAILED;
        String subject = "";
        Severity severity = Severity.CRITICAL;
        String title = "Job failed: nightly-backup";
        String message = "The last run failed with exit code 137.";
        String jobName = "nightly-backup-29512345";
        Integer exitCode = 137;
        String reason = "OOMKilled";
        String termination = null;
        String logTail = "starting\nallocating\nKilled";
        List<String> events = new ArrayList<>(List.of("BackOff: Back-off restarting failed container",
                "OOMKilling: Memory cgroup out of memory"));
        String podStatus = null;
        String suggestedFix = "Increase the memory limit of the container.";
        Double successRate = 87.5;
        Duration lastDuration = Duration.ofSeconds(95);
        Map<String, String> attributes = Map.of();
        Instant openedAt = T0;
        Instant resolvedAt = null;
        Instant sentAt = T0.plusSeconds(5);

        Builder kind(NotificationKind k) {
            kind = k;
            if (k == NotificationKind.RESOLVED && resolvedAt == null) {
                resolvedAt = T0.plus(Duration.ofMinutes(75));
                sentAt = resolvedAt.plusSeconds(1);
            }
            return this;
        }

        Builder incident(String id) {
            incidentId = id;
            return this;
        }

        Builder notification(long id) {
            notificationId = id;
            return this;
        }

        Builder severity(Severity s) {
            severity = s;
            return this;
        }

        Builder type(AlertType t) {
            type = t;
            return this;
        }

        Builder cronJob(String ns, String n) {
            namespace = ns;
            name = n;
            return this;
        }

        Builder title(String t) {
            title = t;
            return this;
        }

        Builder message(String m) {
            message = m;
            return this;
        }

        Builder logs(String l) {
            logTail = l;
            return this;
        }

        Builder reason(String r) {
            reason = r;
            return this;
        }

        Builder suggestedFix(String f) {
            suggestedFix = f;
            return this;
        }

        Builder events(List<String> e) {
            events = new ArrayList<>(e);
            return this;
        }

        Builder termination(String t) {
            termination = t;
            return this;
        }

        Builder podStatus(String p) {
            podStatus = p;
            return this;
        }

        Builder attributes(Map<String, String> a) {
            attributes = a;
            return this;
        }

        Builder jobName(String j) {
            jobName = j;
            return this;
        }

        Builder monitor(String m) {
            monitor = m;
            return this;
        }

        /** Everything optional in the context unset. */
        Builder bare() {
            jobName = null;
            exitCode = null;
            reason = null;
            termination = null;
            logTail = null;
            events = new ArrayList<>();
            podStatus = null;
            suggestedFix = null;
            successRate = null;
            lastDuration = null;
            attributes = Map.of();
            return this;
        }

        /** Every text field full of {@link #NASTY}, and a lone surrogate in names and logs. */
        Builder nasty() {
            name = "job \"" + NASTY.replace("\n", " ") + LONE;
            monitor = "mon " + NASTY + LONE;
            title = "Title " + NASTY + LONE;
            message = "Message " + NASTY + LONE;
            jobName = "job-" + NASTY;
            reason = "Reason " + NASTY;
            termination = "Termination " + NASTY;
            logTail = "log start\n" + NASTY + "\n" + LONE + "\nlog end";
            events = new ArrayList<>(List.of("Event " + NASTY, "Second " + LONE));
            podStatus = "Pod " + NASTY;
            suggestedFix = "Fix " + NASTY + LONE;
            attributes = Map.of("key \"quoted\"", NASTY + LONE);
            return this;
        }

        AlertMessage build() {
            AlertContext c = new AlertContext(jobName, exitCode, reason, termination, logTail, events, podStatus,
                    suggestedFix, successRate, lastDuration, attributes);
            return new AlertMessage(notificationId, kind, incidentId,
                    new IncidentKey(monitor, CronJobRef.of(namespace, name), type, subject), severity, title, message,
                    c, openedAt, resolvedAt, sentAt);
        }
    }
}
