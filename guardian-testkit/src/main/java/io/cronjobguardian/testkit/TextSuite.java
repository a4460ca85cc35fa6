package io.cronjobguardian.testkit;

import static io.cronjobguardian.testkit.HistoryStoreContract.CJ;
import static io.cronjobguardian.testkit.HistoryStoreContract.EPOCH;
import static io.cronjobguardian.testkit.HistoryStoreContract.NASTY;
import static io.cronjobguardian.testkit.HistoryStoreContract.T0;
import static io.cronjobguardian.testkit.HistoryStoreContract.UNSTORABLE;
import static io.cronjobguardian.testkit.HistoryStoreContract.UNSTORABLE_STORED;
import static io.cronjobguardian.testkit.HistoryStoreContract.failed;
import static io.cronjobguardian.testkit.HistoryStoreContract.run;
import static io.cronjobguardian.testkit.HistoryStoreContract.uid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.CronJobState;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionQuery;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentDraft;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.api.UpsertResult;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The conformance of free text: unicode, quotes and SQL metacharacters round-trip everywhere text is stored; NUL
 * and lone surrogates are stored as U+FFFD; large details round-trip. Part of {@link HistoryStoreContract}.
 */
abstract class TextSuite extends StoreSuite {

    TextSuite(HistoryStoreContract contract) {
        super(contract);
    }

    @Test
    @DisplayName("unicode, quotes and SQL metacharacters round-trip everywhere text is stored")
    void nastyStringsRoundTrip() {
        CronJobRef weird = CronJobRef.of("ns-ü'\"", "name-`;--\\日本");
        JobSnapshot job = TestObjects.job(weird).uid("uid-" + NASTY).name("job-" + NASTY).scheduled(T0)
                .failed(T0, Duration.ofSeconds(1)).condition(NASTY, NASTY)
                .termination(new Termination(NASTY, 1, NASTY, 9, NASTY)).build();
        Execution e = new Execution(job, NASTY, List.of(NASTY, "second: " + NASTY), NASTY);
        store.upsertExecution(e, EPOCH);

        assertThat(store.findExecution("uid-" + NASTY)).contains(e);
        assertThat(store.executions(ExecutionQuery.forCronJob(weird).withDetails(true)).items()).containsExactly(e);
        assertThat(store.stats(weird, DAY).failed()).isEqualTo(1);

        IncidentKey k = new IncidentKey("monitor " + NASTY, weird, AlertType.JOB_FAILED, "subj'\"`;");
        IncidentDraft d = new IncidentDraft(k, Severity.WARNING, "title " + NASTY, NASTY, NASTY,
                new AlertContext(NASTY, 2, NASTY, NASTY, NASTY, List.of(NASTY), NASTY, NASTY, 12.25,
                        Duration.ofMillis(1), Map.of(NASTY, NASTY)), T0);
        Incident inc = store.openIncident(d, EPOCH).incident();
        assertThat(store.findOpenIncident(k)).contains(inc);
        assertThat(inc.context()).isEqualTo(d.context());
        assertThat(inc.title()).isEqualTo(d.title());
        assertThat(store.incidents(IncidentQuery.all().monitor("monitor " + NASTY)).items()).containsExactly(inc);

        Notification n = enqueue(inc.id(), "chan " + NASTY, NotificationKind.OPENED, 0, T0);
        assertThat(store.claimNotification(n.id(), "claimant " + NASTY, T0, Duration.ofMinutes(1), EPOCH))
                .isPresent();
        assertThat(store.markNotificationFailed(n.id(), "claimant " + NASTY, "error " + NASTY, T0)).isTrue();
        assertThat(store.notifications(inc.id()).get(0).lastError()).isEqualTo("error " + NASTY);

        store.recordChannelResult("chan " + NASTY, false, T0, "err " + NASTY);
        assertThat(store.channelStats().get("chan " + NASTY).lastError()).isEqualTo("err " + NASTY);

        CronJobState st = new CronJobState(weird, "uid " + NASTY, T0, null, null, null);
        store.saveCronJobState(st, EPOCH);
        assertThat(store.findCronJobState(weird)).contains(st);
    }

    private static Execution unstorableRun(String uid, String text) {
        JobSnapshot job = TestObjects.job(CJ).uid(uid).name(CJ.name() + "-" + uid).scheduled(T0)
                .failed(T0, Duration.ofSeconds(3)).condition("BackoffLimitExceeded", "condition " + text)
                .termination(new Termination("main", 1, "reason " + text, null, "message " + text)).build();
        return new Execution(job, "log\n" + text, List.of("Event: " + text, "plain"), "fix " + text);
    }

    private static AlertContext unstorableContext(String text) {
        return new AlertContext("backup-1", 1, "reason " + text, "message " + text, "log " + text,
                List.of("Event: " + text), "Failed " + text, "fix " + text, null, Duration.ofMillis(5),
                Map.of("node", "worker " + text));
    }

    @Test
    @DisplayName("NUL and lone surrogates in free text are stored as U+FFFD by every store; pairs, quotes, backslashes kept")
    void unstorableCharactersAreReplaced() {
        Execution e = unstorableRun(uid(1), UNSTORABLE);

        assertThat(store.upsertExecution(e, EPOCH)).isEqualTo(UpsertResult.INSERTED);

        Execution expected = unstorableRun(uid(1), UNSTORABLE_STORED);
        assertThat(peer().findExecution(uid(1))).contains(expected);
        assertThat(store.executions(ExecutionQuery.forCronJob(CJ).withDetails(true)).items()).containsExactly(expected);
        assertThat(store.upsertExecution(e, EPOCH)).as("the same run again").isEqualTo(UpsertResult.UNCHANGED);

        IncidentDraft d = new IncidentDraft(key(CJ, AlertType.JOB_FAILED), Severity.CRITICAL, "title " + UNSTORABLE,
                "message " + UNSTORABLE, "sig " + UNSTORABLE, unstorableContext(UNSTORABLE), T0);
        Incident opened = store.openIncident(d, EPOCH).incident();
        assertThat(opened.title()).isEqualTo("title " + UNSTORABLE_STORED);
        assertThat(opened.message()).isEqualTo("message " + UNSTORABLE_STORED);
        assertThat(opened.signature()).isEqualTo("sig " + UNSTORABLE_STORED);
        assertThat(opened.context()).isEqualTo(unstorableContext(UNSTORABLE_STORED));
        assertThat(peer().findIncident(opened.id())).contains(opened);

        Incident updated = store.updateIncident(new Incident(opened.id(), opened.key(), opened.severity(),
                "again " + UNSTORABLE, opened.message(), opened.signature(), opened.context(), opened.openedAt(),
                T0.plusSeconds(1), 1, null, opened.version()), EPOCH).orElseThrow();
        assertThat(updated.title()).isEqualTo("again " + UNSTORABLE_STORED);
        assertThat(peer().findIncident(opened.id())).contains(updated);

        Notification n = enqueue(opened.id(), "slack", NotificationKind.OPENED, 0, T0);
        store.claimNotification(n.id(), "me", T0, Duration.ofMinutes(1), EPOCH).orElseThrow();
        assertThat(store.markNotificationFailed(n.id(), "me", "HTTP 500: " + UNSTORABLE, T0.plusSeconds(30))).isTrue();
        assertThat(peer().notifications(opened.id()).get(0).lastError()).isEqualTo("HTTP 500: " + UNSTORABLE_STORED);

        store.recordChannelResult("slack", false, T0, "refused " + UNSTORABLE);
        assertThat(peer().channelStats().get("slack").lastError()).isEqualTo("refused " + UNSTORABLE_STORED);
    }

    @Test
    @DisplayName("a batch with one run holding NUL and lone surrogates stores every run of it")
    void batchWithUnstorableTextStoresEveryRun() {
        List<Execution> batch = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            batch.add(i == 3 ? unstorableRun(uid(i), UNSTORABLE) : failed(CJ, uid(i), T0.plusSeconds(i),
                    Duration.ofSeconds(i)));
        }

        assertThat(store.upsertExecutions(batch, EPOCH)).containsOnly(UpsertResult.INSERTED).hasSize(5);

        assertThat(peer().executionCount()).isEqualTo(5);
        assertThat(store.findExecution(uid(3))).contains(unstorableRun(uid(3), UNSTORABLE_STORED));
        assertThat(store.findExecution(uid(4))).contains(batch.get(3));
        assertThat(store.upsertExecutions(batch, EPOCH)).containsOnly(UpsertResult.UNCHANGED);
    }

    @Test
    @DisplayName("a 1 MiB log tail (multi-byte UTF-8) and 100 events round-trip")
    void largeDetailsRoundTrip() {
        StringBuilder sb = new StringBuilder();
        int line = 0;
        while (sb.length() < 1024 * 1024 - 200) {
            sb.append(String.format("%06d ", line++)).append(line % 7 == 0 ? "Größe 日本語 🚀 ✓" : "plain ascii text")
                    .append(" ").append("x".repeat(line % 50)).append('\n');
        }
        String log = sb.toString();
        List<String> events = IntStream.range(0, 100).mapToObj(i -> "Reason" + i + ": message " + i + " " + NASTY)
                .collect(Collectors.toList());
        Execution e = new Execution(failed(CJ, uid(1), T0, Duration.ofSeconds(1)).job(), log, events, "fix");

        store.upsertExecution(e, EPOCH);

        Execution stored = peer().findExecution(uid(1)).orElseThrow();
        assertThat(stored.logTail()).hasSize(log.length());
        assertThat(stored.logTail()).isEqualTo(log);
        assertThat(stored.events()).containsExactlyElementsOf(events);
        assertThat(stored).isEqualTo(e);
    }
}
