package io.cronjobguardian.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecordsTest {

    private static final Instant T0 = Instant.parse("2026-03-08T06:00:00.123456789Z");
    private static final CronJobRef REF = CronJobRef.of("team-a", "backup");

    static JobSnapshot job(JobState state, Instant start, Instant end) {
        return new JobSnapshot("team-a", "backup-29000000", "uid-1", REF, "cj-uid", start, false, start, start, end,
                state, 1, null, null, null);
    }

    @Test
    void cronJobRefValidatesAndParses() {
        assertThat(CronJobRef.parse("ns/name")).isEqualTo(CronJobRef.of("ns", "name"));
        assertThat(CronJobRef.of("ns", "name")).hasToString("ns/name");
        assertThatThrownBy(() -> CronJobRef.of(" ", "x")).hasMessageContaining("namespace must not be blank");
        assertThatThrownBy(() -> CronJobRef.of("ns", null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> CronJobRef.parse("nonamespace")).hasMessageContaining("namespace/name");
        assertThatThrownBy(() -> CronJobRef.of("ns", "x".repeat(254))).hasMessageContaining("at most 253");
        assertThat(CronJobRef.of("a", "b").compareTo(CronJobRef.of("a", "c"))).isNegative();
    }

    @Test
    void instantsAreTruncatedToMillis() {
        JobSnapshot j = job(JobState.SUCCEEDED, T0, T0.plusSeconds(5));
        assertThat(j.createdAt()).isEqualTo(Instant.parse("2026-03-08T06:00:00.123Z"));
        assertThat(j.finishedAt()).isEqualTo(Instant.parse("2026-03-08T06:00:05.123Z"));
        assertThat(j.duration()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void jobStateAndFinishTimeMustAgree() {
        assertThatThrownBy(() -> job(JobState.SUCCEEDED, T0, null)).hasMessageContaining("needs finishedAt");
        assertThatThrownBy(() -> job(JobState.RUNNING, T0, T0.plusSeconds(1)))
                .hasMessageContaining("must not have finishedAt");
        assertThatThrownBy(() -> job(JobState.FAILED, T0, T0.minusSeconds(1)))
                .hasMessageContaining("must not be before");
    }

    @Test
    void runningJobDurationGrowsWithTime() {
        JobSnapshot running = job(JobState.RUNNING, T0, null);
        assertThat(running.duration()).isNull();
        assertThat(running.durationAt(T0.plusSeconds(90))).isEqualTo(Duration.ofSeconds(90));
        assertThat(running.durationAt(T0.minusSeconds(5))).isEqualTo(Duration.ZERO);
    }

    @Test
    void ownerMustBeInJobNamespace() {
        assertThatThrownBy(() -> new JobSnapshot("other", "j", "u", REF, "x", null, false, T0, null, null,
                JobState.RUNNING, 0, null, null, null)).hasMessageContaining("not in the Job's namespace");
    }

    @Test
    void executionNeedsOwnerAndCopiesCollections() {
        JobSnapshot orphan = new JobSnapshot("team-a", "j", "u", null, null, null, true, T0, null, null,
                JobState.RUNNING, 0, null, null, null);
        assertThatThrownBy(() -> Execution.of(orphan)).hasMessageContaining("has no owner");
        List<String> events = new ArrayList<>(List.of("Started: ok"));
        Execution e = new Execution(job(JobState.FAILED, T0, T0.plusSeconds(1)), "tail", events, "fix");
        events.add("mutated");
        assertThat(e.events()).containsExactly("Started: ok");
        assertThat(e.hasDetails()).isTrue();
        assertThat(e.withoutDetails().hasDetails()).isFalse();
        assertThatThrownBy(() -> e.events().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void cronJobSnapshotCopiesLabelsAndRejectsNegativeDeadline() {
        Map<String, String> labels = new HashMap<>(Map.of("team", "a"));
        CronJobSnapshot cj = new CronJobSnapshot(REF, "uid", labels, "*/5 * * * *", "", false, null, null, T0,
                null, null, null);
        labels.put("x", "y");
        assertThat(cj.labels()).containsOnlyKeys("team");
        assertThat(cj.timeZone()).isNull();
        assertThat(cj.concurrencyPolicy()).isEqualTo(ConcurrencyPolicy.ALLOW);
        assertThat(cj.activeJobNames()).isEmpty();
        assertThatThrownBy(() -> new CronJobSnapshot(REF, "uid", null, "* * * * *", null, false, -1L, null, T0,
                null, null, null)).hasMessageContaining("startingDeadlineSeconds");
    }

    @Test
    void statsSuccessRateIsEmptyWithoutRuns() {
        StatsQuery w = StatsQuery.lastWindow(T0, Duration.ofDays(7));
        ExecutionStats empty = ExecutionStats.empty(REF, w, null, null);
        assertThat(empty.successRate()).isEmpty();
        assertThat(empty.isEmpty()).isTrue();
        ExecutionStats s = new ExecutionStats(REF, w.from(), w.to(), 4, 3, 1, null, null, null, null, null, null,
                null);
        assertThat(s.successRate()).hasValue(75.0);
        assertThatThrownBy(() -> new ExecutionStats(REF, w.from(), w.to(), 4, 3, 0, null, null, null, null, null,
                null, null)).hasMessageContaining("must equal total");
    }

    @Test
    void statsQueryNeedsAPositiveWindow() {
        assertThatThrownBy(() -> StatsQuery.between(T0, T0)).hasMessageContaining("must be after");
        assertThatThrownBy(() -> StatsQuery.lastWindow(T0, Duration.ZERO)).hasMessageContaining("positive");
        assertThat(StatsQuery.lastWindow(T0, Duration.ofDays(1)).includeManual()).isFalse();
    }

    @Test
    void executionQueryMatchesEveryFilter() {
        Execution e = Execution.of(job(JobState.FAILED, T0, T0.plusSeconds(3)));
        ExecutionQuery q = ExecutionQuery.forCronJob(REF);
        assertThat(q.matches(e)).isTrue();
        assertThat(q.states(JobState.SUCCEEDED).matches(e)).isFalse();
        assertThat(q.states(JobState.FAILED, JobState.SUCCEEDED).matches(e)).isTrue();
        assertThat(q.startedBetween(T0.plusMillis(1), null).matches(e)).isFalse();
        assertThat(q.startedBetween(null, T0).matches(e)).isFalse();
        assertThat(q.startedBetween(T0, T0.plusMillis(1)).matches(e)).isTrue();
        assertThat(q.cronJobUid("other").matches(e)).isFalse();
        assertThat(ExecutionQuery.forCronJob(CronJobRef.of("team-a", "x")).matches(e)).isFalse();
        assertThatThrownBy(() -> q.page(0, 0)).hasMessageContaining("limit");
        assertThatThrownBy(() -> q.page(-1, 10)).hasMessageContaining("offset");
    }

    @Test
    void pageKnowsWhetherMoreFollow() {
        assertThat(new Page<>(List.of(1, 2), 5, 0, 2).hasMore()).isTrue();
        assertThat(new Page<>(List.of(5), 5, 4, 2).hasMore()).isFalse();
    }

    @Test
    void terminationDerivesSignalFromExitCode() {
        assertThat(new Termination("main", 137, "OOMKilled", null, null).effectiveSignal()).isEqualTo(9);
        assertThat(new Termination("main", 143, "Error", null, null).effectiveSignal()).isEqualTo(15);
        assertThat(new Termination("main", 1, "Error", null, null).effectiveSignal()).isNull();
        assertThat(new Termination("main", null, "ImagePullBackOff", null, null).effectiveSignal()).isNull();
        assertThat(new Termination("main", 0, null, 6, null).effectiveSignal()).isEqualTo(6);
    }

    @Test
    void incidentKeyAndTypeParsing() {
        IncidentKey k = new IncidentKey("ops/mon", REF, AlertType.SLA_BREACHED, "successRate");
        assertThat(k.asString()).isEqualTo("ops/mon|team-a/backup|SLABreached|successRate");
        assertThat(IncidentKey.of("m", REF, AlertType.JOB_FAILED).asString()).isEqualTo("m|team-a/backup|JobFailed");
        assertThat(AlertType.parse("deadmantriggered")).isEqualTo(AlertType.DEAD_MAN_TRIGGERED);
        assertThat(AlertType.parse("JOB_FAILED")).isEqualTo(AlertType.JOB_FAILED);
        assertThatThrownBy(() -> AlertType.parse("Nope")).hasMessageContaining("SLABreached");
        assertThat(Severity.parse(" Critical ")).isEqualTo(Severity.CRITICAL);
        assertThatThrownBy(() -> Severity.parse("fatal")).hasMessageContaining("info, warning or critical");
        assertThat(ConcurrencyPolicy.fromKubernetes("Forbid")).isEqualTo(ConcurrencyPolicy.FORBID);
        assertThatThrownBy(() -> ConcurrencyPolicy.fromKubernetes("Sometimes")).hasMessageContaining("Allow");
    }

    @Test
    void incidentLifecycleCopies() {
        Incident i = new Incident("1", IncidentKey.of("m", REF, AlertType.JOB_FAILED), Severity.CRITICAL, "t", null,
                null, null, T0, null, 0, null, 0);
        assertThat(i.isOpen()).isTrue();
        Incident n = i.notifiedAt(T0.plusSeconds(1));
        assertThat(n.notificationCount()).isEqualTo(1);
        assertThat(n.lastNotifiedAt()).isEqualTo(T0.plusSeconds(1).truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertThat(n.version()).isEqualTo(i.version());
        assertThatThrownBy(() -> new Incident("1", i.key(), Severity.CRITICAL, "t", "", "", null, T0, null, 0,
                T0.minusSeconds(1), 0)).hasMessageContaining("resolvedAt");
    }

    @Test
    void notificationClaimability() {
        Notification pending = new Notification(1, "i", "slack", NotificationKind.OPENED, 0,
                NotificationStatus.PENDING, 0, T0, null, null, null, T0, null);
        assertThat(pending.isClaimableAt(T0.minusMillis(1000))).isFalse();
        assertThat(pending.isClaimableAt(T0)).isTrue();
        Notification claimed = new Notification(1, "i", "slack", NotificationKind.OPENED, 0,
                NotificationStatus.CLAIMED, 1, T0, "a", T0.plusSeconds(30), null, T0, null);
        assertThat(claimed.isClaimableAt(T0.plusSeconds(29))).isFalse();
        assertThat(claimed.isClaimableAt(T0.plusSeconds(30))).isTrue();
        Notification sent = new Notification(1, "i", "slack", NotificationKind.OPENED, 0, NotificationStatus.SENT,
                1, T0, "a", null, null, T0, T0);
        assertThat(sent.isClaimableAt(T0.plusSeconds(3600))).isFalse();
        assertThat(NotificationStatus.SENT.isFinal()).isTrue();
    }

    @Test
    void logRequestBounds() {
        assertThatThrownBy(() -> new LogRequest(null, false, 0, 2048)).hasMessageContaining("maxLines");
        assertThatThrownBy(() -> new LogRequest(null, false, 10, 10)).hasMessageContaining("maxBytes");
        assertThat(LogRequest.DEFAULT.maxLines()).isEqualTo(50);
    }

    @Test
    void deliveryResults() {
        assertThat(DeliveryResult.delivered("202").isDelivered()).isTrue();
        assertThat(DeliveryResult.retryAfter("429", Duration.ofSeconds(3)).retryAfter())
                .isEqualTo(Duration.ofSeconds(3));
        assertThatThrownBy(() -> DeliveryResult.retryAfter("x", Duration.ofSeconds(-1)))
                .hasMessageContaining("negative");
    }

    @Test
    void providerContextLooksUpByExactTypeThenAssignable() {
        StringBuilder sb = new StringBuilder("host");
        ProviderContext ctx = ProviderContext.builder().service(CharSequence.class, sb).build();
        assertThat(ctx.lookup(CharSequence.class)).containsSame(sb);
        assertThat(ctx.lookup(StringBuilder.class)).containsSame(sb);
        assertThat(ctx.lookup(Integer.class)).isEmpty();
        assertThat(ctx.secretResolver().resolve("anything")).isEmpty();
    }

    @Test
    void staleEpochExceptionExplains() {
        StaleEpochException e = new StaleEpochException(3, 5);
        assertThat(e.epoch()).isEqualTo(3);
        assertThat(e.highestEpoch()).isEqualTo(5);
        assertThat(e).hasMessageContaining("epoch 3").hasMessageContaining("epoch 5");
        assertThat(new ConfigException("a.b", "bad").key()).isEqualTo("a.b");
    }
}
