package io.cronjobguardian.cli;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.HistoryStore;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationDraft;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** A store filled with one of everything, and a comparable picture of a store's whole content. */
final class Fixtures {

    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final CronJobRef BACKUP = CronJobRef.of("prod", "backup");
    static final CronJobRef REPORT = CronJobRef.of("prod", "report");
    static final CronJobRef CLEANUP = CronJobRef.of("batch", "cleanup");

    private Fixtures() {
    }

    /** A run: every field set that the state allows. */
    static Execution run(CronJobRef cj, int n, JobState state, long durationSec, boolean details) {
        Instant created = T0.plus(Duration.ofHours(7L * n)).plusMillis(n);
        Instant started = created.plusSeconds(2);
        Instant finished = state == JobState.RUNNING ? null : started.plusSeconds(durationSec);
        Termination t = state == JobState.FAILED
                ? new Termination("main", 137, "OOMKilled", 9, "container killed: \"memory\"\nline 2") : null;
        JobSnapshot job = new JobSnapshot(cj.namespace(), cj.name() + "-" + (29_000_000 + n), "uid-" + cj.name()
                + "-" + n, cj, "cj-uid-" + cj.name(), n % 5 == 0 ? null : created, n % 5 == 0, created, started,
                finished, state, state == JobState.FAILED ? 3 : 1,
                state == JobState.FAILED ? "BackoffLimitExceeded" : null,
                state == JobState.FAILED ? "Job has reached the specified backoff limit" : null, t);
        if (!details) {
            return Execution.of(job);
        }
        return new Execution(job, "log line 1\nlog \"quoted\" ü ✓ 日本\n\tend", List.of("Pulled: image ok",
                "BackOff: Back-off restarting failed container"), state == JobState.FAILED
                        ? "Raise the memory limit" : null);
    }

    /** Fills a store: 3 CronJobs with runs over 10 weeks, incidents, outbox rows, channel figures, states. */
    static void fill(HistoryStore s) {
        long epoch = s.claimEpoch(3);
        Random rnd = new Random(42);
        List<Execution> runs = new ArrayList<>();
        for (CronJobRef cj : List.of(BACKUP, REPORT, CLEANUP)) {
            for (int n = 0; n < 240; n++) {
                JobState st = n == 239 ? JobState.RUNNING : (rnd.nextInt(10) == 0 ? JobState.FAILED
                        : JobState.SUCCEEDED);
                runs.add(run(cj, n, st, 1 + rnd.nextInt(3_600), n % 3 == 0 || st == JobState.FAILED));
            }
        }
        for (int i = 0; i < runs.size(); i += 100) {
            s.upsertExecutions(runs.subList(i, Math.min(runs.size(), i + 100)), epoch);
        }
        s.saveCronJobState(new CronJobState(BACKUP, "cj-uid-backup", T0, T0.plus(Duration.ofDays(3)), null,
                T0.plusSeconds(60), null, "0 3 * * * TZ=Europe/Berlin", T0.plusSeconds(10)), epoch);
        s.saveCronJobState(new CronJobState(REPORT, "cj-uid-report", T0, null, T0.plus(Duration.ofDays(9)), null,
                T0.plus(Duration.ofDays(16)), "*/5 * * * *", null), epoch);
        s.saveCronJobState(new CronJobState(CLEANUP, "cj-uid-cleanup", T0.minusSeconds(5), null, null, null, null,
                null, null), epoch);
        // a resolved incident with a sent opening and a sent resolution
        AlertContext ctx = new AlertContext("backup-29000007", 137, "OOMKilled", "killed", "tail\nof log",
                List.of("BackOff: x"), "Failed", "Raise the memory limit", 0.875, Duration.ofSeconds(93),
                Map.of("b", "2", "a", "1"));
        Incident resolved = s.openIncident(new IncidentDraft(IncidentKey.of("prod/backup-monitor", BACKUP,
                AlertType.JOB_FAILED), Severity.CRITICAL, "backup failed", "exit 137", "sig-1", ctx,
                T0.plusSeconds(100)), epoch).incident();
        Notification opened = s.enqueueNotification(new NotificationDraft(resolved.id(), "slack-ops",
                NotificationKind.OPENED, 0, T0.plusSeconds(100)), epoch).orElseThrow();
        s.claimNotification(opened.id(), "replica-a", T0.plusSeconds(101), Duration.ofSeconds(30), epoch);
        s.markNotificationSent(opened.id(), "replica-a", T0.plusSeconds(102));
        s.updateIncident(resolved.notifiedAt(T0.plusSeconds(100)), epoch);
        s.resolveIncident(resolved.id(), T0.plusSeconds(900), epoch);
        Notification res = s.enqueueNotification(new NotificationDraft(resolved.id(), "slack-ops",
                NotificationKind.RESOLVED, 0, T0.plusSeconds(900)), epoch).orElseThrow();
        s.claimNotification(res.id(), "replica-a", T0.plusSeconds(901), Duration.ofSeconds(30), epoch);
        s.markNotificationFailed(res.id(), "replica-a", "HTTP 503 from hooks.slack.com", null);
        // an open incident with a pending notification (a subject, another type)
        Incident open = s.openIncident(new IncidentDraft(new IncidentKey("batch/cleanup-monitor", CLEANUP,
                AlertType.DEAD_MAN_TRIGGERED, "slot"), Severity.WARNING, "no success for 2h", "", "", null,
                T0.plusSeconds(5_000)), epoch).incident();
        s.enqueueNotification(new NotificationDraft(open.id(), "pagerduty", NotificationKind.OPENED, 0,
                T0.plusSeconds(5_000)), epoch);
        s.enqueueNotification(new NotificationDraft(open.id(), "pagerduty", NotificationKind.REMINDER, 1,
                T0.plusSeconds(8_600)), epoch);
        // acknowledged and silenced (schema version 4): both travel with it
        s.acknowledgeIncident(open.id(), "alice 'on call'", T0.plusSeconds(5_100), epoch);
        s.silenceIncident(open.id(), T0.plusSeconds(9_000), "bob", epoch);
        // a test notification (no incident)
        s.enqueueNotification(new NotificationDraft("test-slack-ops-1", "slack-ops", NotificationKind.TEST, 0,
                T0.plusSeconds(50)), epoch);
        s.recordChannelResult("slack-ops", true, T0.plusSeconds(102), null);
        s.recordChannelResult("slack-ops", false, T0.plusSeconds(902), "HTTP 503 from hooks.slack.com");
        s.recordChannelResult("pagerduty", true, T0.plusSeconds(7_000), null);
    }

    /** Everything a store holds, in a form two stores can be compared by (notification ids left out). */
    record Content(List<Execution> runs, List<Incident> incidents, Map<String, List<Notification>> notifications,
            Map<String, ChannelStats> channels, List<CronJobState> states) {
    }

    static Content content(HistoryStore s) {
        List<Execution> runs = new ArrayList<>();
        for (int offset = 0; ; offset += 5_000) {
            List<Execution> page = s.executions(ExecutionQuery.all().includeManual(true).withDetails(true)
                    .page(offset, 5_000)).items();
            runs.addAll(page);
            if (page.size() < 5_000) {
                break;
            }
        }
        runs.sort(Comparator.comparing(Execution::jobUid));
        List<Incident> incidents = new ArrayList<>(s.incidents(IncidentQuery.all().page(0, 1_000)).items());
        incidents.sort(Comparator.comparing(Incident::openedAt));
        Map<String, List<Notification>> ns = new TreeMap<>();
        for (Incident i : incidents) {
            ns.put(i.key().asString() + "@" + i.openedAt(), normalise(s.notifications(i.id())));
        }
        ns.put("test-slack-ops-1", normalise(s.notifications("test-slack-ops-1")));
        return new Content(runs, incidents, ns, new TreeMap<>(s.channelStats()), s.cronJobStates());
    }

    private static List<Notification> normalise(List<Notification> list) {
        List<Notification> out = new ArrayList<>();
        for (Notification n : list) {
            out.add(new Notification(0, "-", n.channel(), n.kind(), n.sequence(), n.status(), n.attempts(),
                    n.dueAt(), n.claimedBy(), n.claimExpiresAt(), n.lastError(), n.createdAt(), n.sentAt()));
        }
        return out;
    }
}
