package io.cronjobguardian.engine.alert.channel;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.engine.alert.channel.Template.Shape;
import io.cronjobguardian.engine.alert.channel.Template.Struct;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a template sees: one alert message as fields. Both the operator's names ({@code .CronJob.Namespace},
 * {@code .Context.Logs}, {@code .MonitorRef.Name}, {@code .Timestamp}) and flat ones ({@code .Namespace},
 * {@code .Logs}) work. Field names are matched ignoring case.
 *
 * <table>
 *   <caption>Template fields</caption>
 *   <tr><th>Field</th><th>Value</th></tr>
 *   <tr><td>{@code .Title}, {@code .Message}</td><td>title and explanation</td></tr>
 *   <tr><td>{@code .Severity}</td><td>{@code critical}, {@code warning} or {@code info}</td></tr>
 *   <tr><td>{@code .Type}</td><td>{@code JobFailed}, {@code MissedSchedule}, {@code DeadManTriggered},
 *       {@code SLABreached}, {@code DurationRegression}, {@code SuspendedTooLong}, {@code JobStuck},
 *       {@code RanTooOften},
 *       {@code Test}</td></tr>
 *   <tr><td>{@code .Kind}</td><td>{@code opened}, {@code reminder}, {@code resolved} or {@code test}; also the
 *       booleans {@code .Resolved}, {@code .Reminder}, {@code .Test}</td></tr>
 *   <tr><td>{@code .IncidentId}, {@code .Key}, {@code .Subject}, {@code .NotificationId}</td><td>incident id
 *       (stable), incident key {@code monitor|ns/name|Type[|subject]}, the key's subject, outbox id</td></tr>
 *   <tr><td>{@code .Namespace}, {@code .Name}, {@code .CronJob} ({@code .CronJob.Namespace},
 *       {@code .CronJob.Name})</td><td>the CronJob; {@code .CronJob} prints {@code ns/name}</td></tr>
 *   <tr><td>{@code .Monitor}, {@code .MonitorRef} ({@code .MonitorRef.Namespace}, {@code .MonitorRef.Name})</td>
 *       <td>the monitor id</td></tr>
 *   <tr><td>{@code .JobName}, {@code .ExitCode}, {@code .Reason}, {@code .TerminationMessage}, {@code .PodStatus},
 *       {@code .SuggestedFix}, {@code .Logs}, {@code .Events}, {@code .SuccessRate}, {@code .LastDuration},
 *       {@code .Attributes}</td><td>the context, each absent when unknown; the same under {@code .Context.*}
 *       ({@code .Context.Message} is the termination message)</td></tr>
 *   <tr><td>{@code .Timestamp}</td><td>when it happened: resolution time for a resolution, sending time for a
 *       test, else opening time</td></tr>
 *   <tr><td>{@code .OpenedAt}, {@code .ResolvedAt}, {@code .SentAt}, {@code .OpenFor}</td><td>times, and how long
 *       the incident has been (or was) open</td></tr>
 *   <tr><td>{@code .Channel}, {@code .Emoji}</td><td>channel name; Slack emoji code for the severity or kind</td></tr>
 * </table>
 */
public final class TemplateData {

    /** The static shape of {@link #root()}, for checking templates. */
    static final Shape SHAPE;
    private static final Shape CRONJOB = Shape.struct(true, Map.of("Namespace", Shape.STRING, "Name", Shape.STRING));
    private static final Shape CONTEXT;

    static {
        Map<String, Shape> ctx = new LinkedHashMap<>();
        ctx.put("JobName", Shape.STRING);
        ctx.put("ExitCode", Shape.INT);
        ctx.put("Reason", Shape.STRING);
        ctx.put("Message", Shape.STRING);
        ctx.put("Logs", Shape.STRING);
        ctx.put("Events", Shape.list(Shape.STRING));
        ctx.put("PodStatus", Shape.STRING);
        ctx.put("SuggestedFix", Shape.STRING);
        ctx.put("SuccessRate", Shape.FLOAT);
        ctx.put("LastDuration", Shape.DURATION);
        ctx.put("Attributes", Shape.map(Shape.STRING));
        CONTEXT = Shape.struct(false, ctx);

        Map<String, Shape> root = new LinkedHashMap<>();
        root.put("Title", Shape.STRING);
        root.put("Message", Shape.STRING);
        root.put("Severity", Shape.STRING);
        root.put("Type", Shape.STRING);
        root.put("Kind", Shape.STRING);
        root.put("IncidentId", Shape.STRING);
        root.put("Key", Shape.STRING);
        root.put("Subject", Shape.STRING);
        root.put("NotificationId", Shape.INT);
        root.put("Namespace", Shape.STRING);
        root.put("Name", Shape.STRING);
        root.put("CronJob", CRONJOB);
        root.put("Monitor", Shape.STRING);
        root.put("MonitorRef", CRONJOB);
        root.put("JobName", Shape.STRING);
        root.put("ExitCode", Shape.INT);
        root.put("Reason", Shape.STRING);
        root.put("TerminationMessage", Shape.STRING);
        root.put("PodStatus", Shape.STRING);
        root.put("SuggestedFix", Shape.STRING);
        root.put("Logs", Shape.STRING);
        root.put("Events", Shape.list(Shape.STRING));
        root.put("SuccessRate", Shape.FLOAT);
        root.put("LastDuration", Shape.DURATION);
        root.put("Attributes", Shape.map(Shape.STRING));
        root.put("Context", CONTEXT);
        root.put("Timestamp", Shape.TIME);
        root.put("OpenedAt", Shape.TIME);
        root.put("ResolvedAt", Shape.TIME);
        root.put("SentAt", Shape.TIME);
        root.put("OpenFor", Shape.DURATION);
        root.put("Resolved", Shape.BOOL);
        root.put("Reminder", Shape.BOOL);
        root.put("Test", Shape.BOOL);
        root.put("Channel", Shape.STRING);
        root.put("Emoji", Shape.STRING);
        SHAPE = Shape.struct(false, root);
    }

    private final Struct root;

    private TemplateData(Struct root) {
        this.root = root;
    }

    /** The fields of one message, as seen by the channel named {@code channel}. */
    public static TemplateData of(AlertMessage m, String channel) {
        AlertContext c = m.context();
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("JobName", c.jobName());
        ctx.put("ExitCode", c.exitCode() == null ? null : c.exitCode().longValue());
        ctx.put("Reason", c.reason());
        ctx.put("Message", c.message());
        ctx.put("Logs", c.logTail());
        ctx.put("Events", c.events());
        ctx.put("PodStatus", c.podStatus());
        ctx.put("SuggestedFix", c.suggestedFix());
        ctx.put("SuccessRate", c.successRate());
        ctx.put("LastDuration", c.lastDuration());
        ctx.put("Attributes", c.attributes());

        CronJobRef ref = m.cronJob();
        Struct cronJob = new Struct(pair(ref.namespace(), ref.name()), ref.toString());
        String monitor = m.key().monitor();
        int slash = monitor.indexOf('/');
        Struct monitorRef = new Struct(pair(slash > 0 ? monitor.substring(0, slash) : "",
                slash > 0 ? monitor.substring(slash + 1) : monitor), monitor);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("Title", m.title());
        r.put("Message", m.message());
        r.put("Severity", m.severity().wireName());
        r.put("Type", m.type().wireName());
        r.put("Kind", Texts.kind(m.kind()));
        r.put("IncidentId", m.incidentId());
        r.put("Key", m.key().asString());
        r.put("Subject", m.key().subject());
        r.put("NotificationId", m.notificationId());
        r.put("Namespace", ref.namespace());
        r.put("Name", ref.name());
        r.put("CronJob", cronJob);
        r.put("Monitor", monitor);
        r.put("MonitorRef", monitorRef);
        r.put("JobName", c.jobName());
        r.put("ExitCode", ctx.get("ExitCode"));
        r.put("Reason", c.reason());
        r.put("TerminationMessage", c.message());
        r.put("PodStatus", c.podStatus());
        r.put("SuggestedFix", c.suggestedFix());
        r.put("Logs", c.logTail());
        r.put("Events", c.events());
        r.put("SuccessRate", c.successRate());
        r.put("LastDuration", c.lastDuration());
        r.put("Attributes", c.attributes());
        r.put("Context", new Struct(ctx, null));
        r.put("Timestamp", timestamp(m));
        r.put("OpenedAt", m.openedAt());
        r.put("ResolvedAt", m.resolvedAt());
        r.put("SentAt", m.sentAt());
        Instant until = m.resolvedAt() != null ? m.resolvedAt() : m.sentAt();
        r.put("OpenFor", until.isBefore(m.openedAt()) ? Duration.ZERO : Duration.between(m.openedAt(), until));
        r.put("Resolved", m.kind() == NotificationKind.RESOLVED);
        r.put("Reminder", m.kind() == NotificationKind.REMINDER);
        r.put("Test", m.kind() == NotificationKind.TEST);
        r.put("Channel", channel);
        r.put("Emoji", Texts.emoji(m));
        return new TemplateData(new Struct(r, null));
    }

    private static Map<String, Object> pair(String namespace, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Namespace", namespace);
        m.put("Name", name);
        return m;
    }

    /** When the notified event happened: the resolution, the test, or the opening. */
    static Instant timestamp(AlertMessage m) {
        if (m.kind() == NotificationKind.RESOLVED && m.resolvedAt() != null) {
            return m.resolvedAt();
        }
        return m.kind() == NotificationKind.TEST ? m.sentAt() : m.openedAt();
    }

    Struct root() {
        return root;
    }

    /** The field names at the top level. */
    static List<String> fieldNames() {
        return List.copyOf(SHAPE.fields.keySet());
    }

    /**
     * Sample messages templates are validated with when a channel is created: every kind, every field set with
     * text that breaks naive escaping (quotes, backslashes, newlines, tabs, control characters, {@code </script>},
     * {@code <!channel>}, emoji, a lone surrogate), and one with nothing optional set.
     */
    static List<AlertMessage> samples() {
        String nasty = "quote \" backslash \\ newline\n tab\t ctrl \u0001 </script> <!channel> & emoji \uD83D\uDEA8"
                + " lone \uD800 end";
        Instant opened = Instant.parse("2026-03-01T12:00:00Z");
        CronJobRef ref = CronJobRef.of("sample-ns", "sample \"job\" \uD83D\uDEA8");
        AlertContext full = new AlertContext("sample-job-29000000", 137, "OOMKilled " + nasty, nasty,
                "line 1\n" + nasty + "\nlast line", List.of("BackOff: " + nasty, "Failed: pulled"), nasty, nasty,
                87.5, Duration.ofSeconds(95), Map.of("region", nasty));
        AlertMessage opened1 = new AlertMessage(1, NotificationKind.OPENED, "sample-incident-1",
                IncidentKey.of("monitors/sample", ref, AlertType.JOB_FAILED), Severity.CRITICAL, "Job failed " + nasty,
                nasty, full, opened, null, opened.plusSeconds(5));
        AlertMessage reminder = new AlertMessage(2, NotificationKind.REMINDER, "sample-incident-1",
                IncidentKey.of("monitors/sample", ref, AlertType.JOB_FAILED), Severity.WARNING, "Job failed " + nasty,
                nasty, full, opened, null, opened.plusSeconds(3600));
        AlertMessage resolved = new AlertMessage(3, NotificationKind.RESOLVED, "sample-incident-2",
                new IncidentKey("sample", CronJobRef.of("ns", "job"), AlertType.SLA_BREACHED, "successRate"),
                Severity.WARNING, "Success rate below SLA", "", AlertContext.EMPTY, opened,
                opened.plusSeconds(7200), opened.plusSeconds(7201));
        AlertMessage test = new AlertMessage(0, NotificationKind.TEST, "test-1",
                IncidentKey.of("test", CronJobRef.of("test", "test"), AlertType.TEST), Severity.INFO,
                "CronJob Guardian test alert", "This is a test alert.", AlertContext.EMPTY, opened, null, opened);
        return List.of(opened1, reminder, resolved, test);
    }
}
