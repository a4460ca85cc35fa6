package io.cronjobguardian.engine.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.cronjobguardian.api.AlertMessage;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobSnapshot;
import io.cronjobguardian.api.DeliveryResult;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.engine.EngineHarnessAccess;
import io.cronjobguardian.engine.monitor.MonitorSpec;
import io.cronjobguardian.testkit.RecordingAlertChannel;
import io.cronjobguardian.testkit.TestObjects;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class AlertPipelineTest {

    private static final Instant T0 = Instant.parse("2026-06-01T00:00:00Z");

    private final RecordingAlertChannel slack = RecordingAlertChannel.named("slack");
    private final RecordingAlertChannel pager = RecordingAlertChannel.named("pager");

    private static MonitorSpec.Alerting alerting(Duration delay, Duration dedup, Duration renotify) {
        return new MonitorSpec.Alerting(true, List.of(MonitorSpec.ChannelRef.of("slack"),
                new MonitorSpec.ChannelRef("pager", Set.of(Severity.CRITICAL))), MonitorSpec.SeverityOverrides.none(),
                dedup, delay, MonitorSpec.IncludeContext.defaults(), List.of(), renotify);
    }

    private EngineHarnessAccess harness(MonitorSpec m, Consumer<io.cronjobguardian.engine.config.GuardianConfig.Builder> cfg) {
        return new EngineHarnessAccess(T0, List.of(m), cfg, gb -> gb.alertChannel(slack, pager)
                .synchronousAlertDelivery(true));
    }

    private static MonitorSpec monitor(MonitorSpec.Alerting a) {
        return MonitorSpec.builder("team-a", "m").alerting(a)
                .sla(MonitorSpec.Sla.defaults().withSuccessRate(0, 7).withMaxDuration(Duration.ofMinutes(5)))
                .build();
    }

    // runs at arbitrary times are manual runs: scheduled ones belong to a slot each (else RanTooOften)
    private static void fail(EngineHarnessAccess h, CronJobSnapshot cj, String uid, Instant start, int exit, String reason) {
        h.watcher().addJob(TestObjects.job(cj).name(uid).uid(uid).manual().failed(start, start.plusSeconds(5))
                .termination(new Termination("main", exit, reason, null, "boom")).build());
        h.run();
    }

    private static void succeed(EngineHarnessAccess h, CronJobSnapshot cj, String uid, Instant start, Duration d) {
        h.watcher().addJob(TestObjects.job(cj).name(uid).uid(uid).manual().succeeded(start, start.plus(d))
                .build());
        h.run();
    }

    @Test
    void openingsAreRoutedBySeverityAndResolutionsGoToEveryChannelThatGotTheOpening() {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ofHours(1), null)), c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(30));
            fail(h, cj, "j1", T0.plusSeconds(60), 1, "Error");   // JobFailed: critical
            assertThat(slack.delivered()).singleElement().satisfies(m -> {
                assertThat(m.kind()).isEqualTo(NotificationKind.OPENED);
                assertThat(m.type()).isEqualTo(AlertType.JOB_FAILED);
                assertThat(m.context().exitCode()).isEqualTo(1);
                assertThat(m.context().suggestedFix()).contains("exited with code 1");
            });
            assertThat(pager.delivered()).hasSize(1);
            String incident = slack.delivered().get(0).incidentId();
            assertThat(pager.delivered().get(0).incidentId()).isEqualTo(incident);
            // a slow run: SLABreached (warning) goes to slack only
            succeed(h, cj, "j2", T0.plusSeconds(600), Duration.ofMinutes(10));
            h.advance(Duration.ofMinutes(20));
            List<AlertMessage> s = slack.delivered();
            assertThat(s).extracting(AlertMessage::kind, AlertMessage::type).contains(
                    org.assertj.core.groups.Tuple.tuple(NotificationKind.RESOLVED, AlertType.JOB_FAILED),
                    org.assertj.core.groups.Tuple.tuple(NotificationKind.OPENED, AlertType.SLA_BREACHED));
            assertThat(pager.delivered()).extracting(AlertMessage::kind)
                    .containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(pager.delivered().get(1).incidentId()).isEqualTo(incident);   // one dedup key
            assertThat(pager.delivered().get(1).title()).startsWith("Resolved: ");
        }
    }

    @Test
    void anIncidentOpenedAndResolvedBeforeAnySendIsStillAnnouncedWithoutAlertDelay() {
        // the opening has not been sent when the incident resolves (a failover's catch-up records a failure and
        // the success after it back to back): without alertDelay the failure is paged, then resolved; it used to
        // be cancelled silently, a failure nobody heard of
        FaultyStore faulty = new FaultyStore(new io.cronjobguardian.testkit.InMemoryHistoryStore());
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, faulty.store(),
                List.of(monitor(alerting(Duration.ZERO, Duration.ofHours(1), null))), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(30));
            faulty.down("claimDueNotifications", true);   // nothing is sent yet
            fail(h, cj, "j1", T0.plusSeconds(60), 1, "Error");
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).hasSize(1);
            succeed(h, cj, "j2", T0.plusSeconds(120), Duration.ofSeconds(5));
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            assertThat(pager.messages()).isEmpty();
            faulty.down("claimDueNotifications", false);
            h.advance(Duration.ofMinutes(1));
            assertThat(pager.delivered()).extracting(AlertMessage::kind)
                    .containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(slack.delivered()).extracting(AlertMessage::kind)
                    .containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
        }
    }

    @Test
    void anIncidentResolvedWithinAlertDelayIsNeverAnnounced() {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ofMinutes(10), Duration.ofHours(1), null)),
                c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "app").schedule("*/5 * * * *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", T0.plusSeconds(60), 1, "Error");
            h.advance(Duration.ofMinutes(4));
            succeed(h, cj, "j2", T0.plusSeconds(300), Duration.ofSeconds(5));
            h.advance(Duration.ofMinutes(30));
            assertThat(slack.messages()).isEmpty();
            assertThat(pager.messages()).isEmpty();
            String id = h.store().incidents(io.cronjobguardian.api.IncidentQuery.all()).items().get(0).id();
            assertThat(h.guardian().notifications(id)).allSatisfy(n -> {
                assertThat(n.status()).isEqualTo(NotificationStatus.FAILED);
                assertThat(n.lastError()).contains("cancelled");
            });
            // a failure that outlasts the delay is announced once it is due
            fail(h, cj, "j3", h.now().minusSeconds(30), 1, "Error");
            h.advance(Duration.ofMinutes(9));
            assertThat(slack.messages()).isEmpty();
            h.advance(Duration.ofMinutes(1));
            assertThat(slack.delivered()).hasSize(1);
        }
    }

    @Test
    void aRepeatedFailureWithinTheDedupWindowIsNotReannouncedUnlessItsSignatureChanged() {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ofHours(1), null)), c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "flap").schedule("*/5 * * * *"));
            h.advance(Duration.ofMinutes(1));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            h.advance(Duration.ofMinutes(1));
            succeed(h, cj, "j2", h.now().minusSeconds(20), Duration.ofSeconds(5));
            h.advance(Duration.ofMinutes(1));
            fail(h, cj, "j3", h.now().minusSeconds(20), 1, "Error");   // same failure again: suppressed
            assertThat(slack.delivered()).extracting(AlertMessage::kind)
                    .containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).hasSize(1);   // recorded nonetheless
            // while it is open the failure changes: OOM instead of an app error goes through as a reminder
            h.advance(Duration.ofMinutes(1));
            fail(h, cj, "j4", h.now().minusSeconds(20), 137, "OOMKilled");
            // the silenced incident was never announced: its changes are not announced either
            assertThat(slack.delivered()).hasSize(2);
            h.advance(Duration.ofMinutes(1));
            succeed(h, cj, "j5", h.now().minusSeconds(20), Duration.ofSeconds(5));
            h.advance(Duration.ofMinutes(1));
            fail(h, cj, "j6", h.now().minusSeconds(20), 137, "OOMKilled");   // a different signature: announced
            assertThat(slack.delivered()).hasSize(3);
            assertThat(slack.delivered().get(2).context().reason()).isEqualTo("OOMKilled");
        }
    }

    @Test
    void openIncidentsAreRemindedAndAChangedFailureIsAnnounced() {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ZERO, Duration.ofHours(4))),
                c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "r").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(slack.delivered()).hasSize(1);
            h.advance(Duration.ofHours(4).minusSeconds(1));
            assertThat(slack.delivered()).hasSize(1);
            h.advance(Duration.ofSeconds(1));
            assertThat(slack.delivered()).extracting(AlertMessage::kind)
                    .containsExactly(NotificationKind.OPENED, NotificationKind.REMINDER);
            h.advance(Duration.ofMinutes(5));
            fail(h, cj, "j2", h.now().minusSeconds(20), 143, "Error");   // sigterm now: changed signature
            assertThat(slack.delivered()).extracting(AlertMessage::kind).containsExactly(NotificationKind.OPENED,
                    NotificationKind.REMINDER, NotificationKind.REMINDER);
            assertThat(slack.delivered().get(2).context().exitCode()).isEqualTo(143);
        }
    }

    @Test
    void retriesWithBackoffAndRetryAfterDeliverOnceAndGiveUpOnPermanentErrors() {
        slack.answerNext(DeliveryResult.retry("HTTP 503"), DeliveryResult.retryAfter("HTTP 429", Duration.ofSeconds(30)));
        pager.answerNext(DeliveryResult.failed("HTTP 400"));
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ZERO, null)), c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "x").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(slack.messages()).hasSize(1);   // 503
            h.advance(Duration.ofMillis(999));
            assertThat(slack.messages()).hasSize(1);
            h.advance(Duration.ofMillis(1));           // backoff 1 s
            assertThat(slack.messages()).hasSize(2);   // 429, Retry-After 30 s
            h.advance(Duration.ofSeconds(29));
            assertThat(slack.messages()).hasSize(2);
            h.advance(Duration.ofSeconds(1));
            assertThat(slack.messages()).hasSize(3);
            assertThat(slack.delivered()).hasSize(1);
            assertThat(slack.messages()).extracting(AlertMessage::incidentId).containsOnly(
                    slack.messages().get(0).incidentId());
            assertThat(slack.messages()).extracting(AlertMessage::idempotencyKey).as("one key for every attempt")
                    .containsOnly(slack.messages().get(0).idempotencyKey());
            h.advance(Duration.ofHours(1));
            assertThat(pager.messages()).hasSize(1);   // 400: given up, not retried
            ChannelStats ss = h.guardian().channelStats().get("slack");
            assertThat(ss.sent()).isEqualTo(1);
            assertThat(ss.failed()).isEqualTo(2);
            assertThat(ss.consecutiveFailures()).isZero();
            ChannelStats ps = h.guardian().channelStats().get("pager");
            assertThat(ps.failed()).isEqualTo(1);
            assertThat(ps.lastError()).isEqualTo("HTTP 400");
        }
    }

    @Test
    void rateLimitsDeferNotificationsButNeverDropThem() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m").alerting(new MonitorSpec.Alerting(true,
                List.of(MonitorSpec.ChannelRef.of("slack")), MonitorSpec.SeverityOverrides.none(), Duration.ZERO,
                Duration.ZERO, MonitorSpec.IncludeContext.defaults(), List.of(), null)).build();
        try (EngineHarnessAccess h = harness(m, c -> c.set("rateLimits.maxAlertsPerMinute", "6")
                .set("rateLimits.burstLimit", "2"))) {
            for (int i = 0; i < 5; i++) {
                h.addCronJob(TestObjects.cronJob("team-a", "cj" + i).schedule("0 * * * *"));
            }
            h.advance(Duration.ofMinutes(2));
            for (int i = 0; i < 5; i++) {
                CronJobSnapshot cj = h.watcher().cronJob(io.cronjobguardian.api.CronJobRef.of("team-a", "cj" + i))
                        .orElseThrow();
                fail(h, cj, "f" + i, h.now().minusSeconds(20), 1, "Error");
            }
            assertThat(slack.delivered()).hasSize(2);   // burst
            h.advance(Duration.ofSeconds(10));
            assertThat(slack.delivered()).hasSize(3);   // 6 per minute: one every 10 s
            h.advance(Duration.ofSeconds(30));
            assertThat(slack.delivered()).hasSize(5);
            assertThat(slack.delivered()).extracting(a -> a.cronJob().name())
                    .containsExactlyInAnyOrder("cj0", "cj1", "cj2", "cj3", "cj4");
            assertThat(h.guardian().channelStats().get("slack").failed()).isZero();   // deferred is not failed
        }
    }

    @Test
    void maintenanceWindowsSuppressOpeningsButNotResolutions() {
        MonitorSpec m = MonitorSpec.builder("team-a", "m").alerting(alerting(Duration.ZERO, Duration.ZERO, null))
                .maintenanceWindow(new MonitorSpec.MaintenanceWindow("w", "0 1 * * *", Duration.ofHours(1),
                        ZoneId.of("UTC"), true)).build();
        try (EngineHarnessAccess h = harness(m, c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "mw").schedule("*/10 * * * *"));
            h.advance(Duration.ofMinutes(50));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(slack.delivered()).hasSize(1);
            h.advanceTo(T0.plus(Duration.ofMinutes(65)));          // in the window
            succeed(h, cj, "j2", h.now().minusSeconds(20), Duration.ofSeconds(5));
            assertThat(slack.delivered()).extracting(AlertMessage::kind)
                    .containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            fail(h, cj, "j3", h.now().minusSeconds(10), 1, "Error");   // held back while the window lasts
            assertThat(slack.delivered()).hasSize(2);
            h.advanceTo(T0.plus(Duration.ofHours(2)));
            assertThat(slack.delivered()).hasSize(3);
        }
    }

    @Test
    void aHungChannelDelaysNoOtherChannel() throws Exception {
        slack.block();
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(monitor(alerting(Duration.ZERO,
                Duration.ZERO, null))), c -> { }, gb -> gb.alertChannel(slack, pager))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "hung").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            slack.awaitBlocked(1, Duration.ofSeconds(10));
            assertThat(pager.awaitDelivered(1, Duration.ofSeconds(10))).hasSize(1);   // not behind slack
            assertThat(h.runs(cj.ref())).isEqualTo(1);   // recording goes on
            slack.release();
            assertThat(slack.awaitDelivered(1, Duration.ofSeconds(10))).hasSize(1);
        }
    }

    @Test
    void testAlertsGoOutAtOnceAndCount() {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ZERO, null)), c -> { })) {
            assertThat(h.guardian().sendTestAlert("slack").isDelivered()).isTrue();
            assertThat(slack.delivered()).singleElement()
                    .satisfies(msg -> assertThat(msg.kind()).isEqualTo(NotificationKind.TEST));
            assertThat(h.guardian().channelStats().get("slack").sent()).isEqualTo(1);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.guardian().sendTestAlert("nope"))
                    .hasMessageContaining("slack");
        }
    }

    @Test
    void aMissedScheduleIsActuallyAnnouncedAndOnlyOnce() {   // audit weak spot 9: dead-man alerts were rarely sent
        MonitorSpec m = MonitorSpec.builder("team-a", "m").alerting(alerting(Duration.ZERO, Duration.ofHours(1), null))
                .deadManSwitch(new MonitorSpec.DeadManSwitch(true, null,
                        new MonitorSpec.AutoFromSchedule(true, Duration.ofMinutes(5), 1))).build();
        try (EngineHarnessAccess h = harness(m, c -> { })) {
            h.addCronJob(TestObjects.cronJob("team-a", "dm").schedule("0 * * * *").creationTime(T0));
            h.advanceTo(T0.plus(Duration.ofMinutes(65)));
            assertThat(slack.delivered()).singleElement()
                    .satisfies(msg -> assertThat(msg.type()).isEqualTo(AlertType.MISSED_SCHEDULE));
            assertThat(pager.delivered()).hasSize(1);   // critical
            h.advance(Duration.ofHours(3));             // still missing: the incident stays open, nothing is re-sent
            assertThat(slack.delivered()).hasSize(1);
            assertThat(h.openIncidents(AlertType.MISSED_SCHEDULE)).singleElement()
                    .satisfies(i -> assertThat(i.notificationCount()).isEqualTo(1));
        }
    }

    @Test
    void twoMonitorsOnOneCronJobNotifyTheirOwnChannels() {   // audit weak spot 12: no fan-out per monitor
        MonitorSpec toSlack = MonitorSpec.builder("team-a", "a").alerting(MonitorSpec.Alerting.toChannels("slack"))
                .build();
        MonitorSpec toPager = MonitorSpec.builder("team-a", "b").alerting(MonitorSpec.Alerting.toChannels("pager"))
                .build();
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(toSlack, toPager), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "both").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", T0.plusSeconds(60), 1, "Error");
            assertThat(slack.delivered()).singleElement()
                    .satisfies(msg -> assertThat(msg.key().monitor()).isEqualTo("team-a/a"));
            assertThat(pager.delivered()).singleElement()
                    .satisfies(msg -> assertThat(msg.key().monitor()).isEqualTo("team-a/b"));
            assertThat(slack.delivered().get(0).incidentId()).isNotEqualTo(pager.delivered().get(0).incidentId());
        }
    }

    // ================================================================ failures between steps (issue 12)

    private static List<NotificationKind> kinds(List<AlertMessage> ms) {
        return ms.stream().map(AlertMessage::kind).collect(java.util.stream.Collectors.toList());
    }

    /** Waits (bounded) until {@code condition} holds, running the engine's pending tasks meanwhile. */
    private static void awaitRunning(EngineHarnessAccess h, java.util.function.BooleanSupplier condition,
            String what) {
        org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(5)).until(() -> {
                    if (condition.getAsBoolean()) {
                        return true;
                    }
                    h.run();
                    return condition.getAsBoolean();
                });
    }

    private static io.cronjobguardian.api.Notification notification(EngineHarnessAccess h, String channel,
            NotificationKind kind) {
        String id = h.store().incidents(io.cronjobguardian.api.IncidentQuery.all()).items().get(0).id();
        return h.guardian().notifications(id).stream().filter(n -> n.channel().equals(channel) && n.kind() == kind)
                .findFirst().orElse(null);
    }

    @Test
    void anOpeningLostBetweenOpeningTheIncidentAndQueuingItIsQueuedOnTheNextEvaluation() {
        FaultyStore faulty = new FaultyStore(new io.cronjobguardian.testkit.InMemoryHistoryStore());
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, faulty.store(),
                List.of(monitor(alerting(Duration.ZERO, Duration.ofHours(1), null))), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "lost").schedule("0 * * * *"));
            h.advance(Duration.ofMinutes(2));
            faulty.failNext("enqueueNotification", 1);   // the incident opens, queuing its opening fails
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(faulty.failed("enqueueNotification")).isEqualTo(1);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).hasSize(1);
            assertThat(slack.messages()).isEmpty();

            h.advance(Duration.ofMinutes(1));   // the engine evaluates again after the failure
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED);
            assertThat(kinds(pager.delivered())).containsExactly(NotificationKind.OPENED);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement()
                    .satisfies(i -> assertThat(i.notificationCount()).isEqualTo(1));
            succeed(h, cj, "j2", h.now().minusSeconds(20), Duration.ofSeconds(5));
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(kinds(pager.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
        }
    }

    @Test
    void aResolutionLostBetweenResolvingTheIncidentAndQueuingItIsQueuedByTheDispatcher() {
        FaultyStore faulty = new FaultyStore(new io.cronjobguardian.testkit.InMemoryHistoryStore());
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, faulty.store(),
                List.of(monitor(alerting(Duration.ZERO, Duration.ZERO, null))), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "unresolved").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            faulty.failNext("enqueueNotification", 1);   // the incident resolves, queuing its resolution fails
            succeed(h, cj, "j2", h.now().minusSeconds(10), Duration.ofSeconds(5));
            assertThat(faulty.failed("enqueueNotification")).isEqualTo(1);
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).isEmpty();
            h.advance(Duration.ofSeconds(10));
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(kinds(pager.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
        }
    }

    @Test
    void remindersGoOnAfterRecordingOneOnTheIncidentFailed() {
        FaultyStore faulty = new FaultyStore(new io.cronjobguardian.testkit.InMemoryHistoryStore());
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, faulty.store(),
                List.of(monitor(alerting(Duration.ZERO, Duration.ZERO, Duration.ofHours(1)))), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "remind").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED);
            h.advance(Duration.ofMinutes(59));
            // the first reminder is queued, then recording it on the incident fails
            faulty.failNext("updateIncident", 1);
            h.advance(Duration.ofMinutes(1));
            assertThat(faulty.failed("updateIncident")).isEqualTo(1);
            h.advance(Duration.ofHours(3).plusMinutes(1));
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.REMINDER,
                    NotificationKind.REMINDER, NotificationKind.REMINDER, NotificationKind.REMINDER);
            assertThat(slack.delivered()).extracting(AlertMessage::idempotencyKey).doesNotHaveDuplicates();
            assertThat(h.openIncidents(AlertType.JOB_FAILED)).singleElement()
                    .satisfies(i -> assertThat(i.notificationCount()).isEqualTo(5));
        }
    }

    @Test
    void anOpeningWhoseOutcomeIsUnknownStillGetsItsResolution() {
        slack.answerNext(DeliveryResult.retry("no response from the receiver within 10s"));
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ZERO, null)), c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "unknown").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(kinds(slack.messages())).containsExactly(NotificationKind.OPENED);   // timed out: maybe seen
            succeed(h, cj, "j2", h.now().minusSeconds(10), Duration.ofSeconds(5));   // resolved before the retry
            h.advance(Duration.ofHours(1));
            assertThat(kinds(slack.messages())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(slack.messages().get(1).idempotencyKey()).isNotEqualTo(slack.messages().get(0).idempotencyKey());
            assertThat(kinds(pager.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
        }
    }

    @Test
    void aResolutionNeverOvertakesItsOpeningBeingSentAndRetried() throws Exception {
        slack.answerNext(DeliveryResult.retry("HTTP 503"));
        slack.block();
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(monitor(alerting(Duration.ZERO,
                Duration.ZERO, null))), c -> { }, gb -> gb.alertChannel(slack, pager))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "order").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            slack.awaitBlocked(1, Duration.ofSeconds(10));   // the opening is being sent (and will fail)
            pager.awaitDelivered(1, Duration.ofSeconds(10));
            awaitRunning(h, () -> notification(h, "pager", NotificationKind.OPENED).status()
                    == NotificationStatus.SENT, "the pager opening recorded");
            succeed(h, cj, "j2", h.now().minusSeconds(10), Duration.ofSeconds(5));   // resolved meanwhile
            awaitRunning(h, () -> pager.delivered().size() == 2, "the pager resolution");
            slack.release();
            awaitRunning(h, () -> notification(h, "slack", NotificationKind.OPENED).attempts() == 1,
                    "the failed attempt recorded");
            h.advance(Duration.ofSeconds(1));   // backoff: the opening is retried and delivered
            awaitRunning(h, () -> slack.delivered().size() == 2, "the slack opening and then its resolution");
            assertThat(kinds(slack.messages())).containsExactly(NotificationKind.OPENED, NotificationKind.OPENED,
                    NotificationKind.RESOLVED);
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
        }
    }

    @Test
    void aDeliveryWhoseRecordingFailedIsRecordedWhenTheStoreIsBackAndNeverSentAgain() {
        FaultyStore faulty = new FaultyStore(new io.cronjobguardian.testkit.InMemoryHistoryStore());
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, faulty.store(),
                List.of(monitor(alerting(Duration.ZERO, Duration.ZERO, null))), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "outage").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            faulty.down("markNotificationSent", true);   // delivered, then the database goes away
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(slack.delivered()).hasSize(1);
            h.advance(Duration.ofMinutes(10));            // an outage longer than any claim
            faulty.down("markNotificationSent", false);
            h.advance(Duration.ofSeconds(5));
            assertThat(notification(h, "slack", NotificationKind.OPENED).status()).isEqualTo(NotificationStatus.SENT);
            assertThat(notification(h, "pager", NotificationKind.OPENED).status()).isEqualTo(NotificationStatus.SENT);
            h.advance(Duration.ofHours(1));
            assertThat(slack.messages()).hasSize(1);
            assertThat(pager.messages()).hasSize(1);
        }
    }

    @Test
    void aSendOutlastingItsClaimIsNotClaimedAndSentAgainByTheSameReplica() {
        slack.block();
        EngineHarnessAccess h = new EngineHarnessAccess(T0, List.of(monitor(alerting(Duration.ZERO, Duration.ZERO,
                null))), c -> { }, gb -> gb.alertChannel(slack, pager));
        try {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "slow").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            slack.awaitBlocked(1, Duration.ofSeconds(10));
            h.advance(Duration.ofMinutes(10));   // the send hangs far longer than a claim lasts
            assertThat(notification(h, "slack", NotificationKind.OPENED).claimExpiresAt()).as("kept alive")
                    .isAfter(h.now());
            slack.release();
            awaitRunning(h, () -> notification(h, "slack", NotificationKind.OPENED).status()
                    == NotificationStatus.SENT, "the opening recorded");
        } finally {
            h.close();   // waits for every queued send
        }
        assertThat(slack.messages()).hasSize(1);
    }

    // ---------------------------------------------------------------- acknowledge and silence

    private static java.util.Optional<io.cronjobguardian.api.Incident> ask(EngineHarnessAccess h,
            java.util.concurrent.CompletableFuture<java.util.Optional<io.cronjobguardian.api.Incident>> f)
            throws Exception {
        assertThat(f).as("runs on the engine thread, not the caller's").isNotDone();
        h.run();
        assertThat(f).isDone();
        return f.get();
    }

    @Test
    void anAcknowledgedIncidentGetsNoMoreRemindersOrReannouncementsButItsResolutionGoesOut() throws Exception {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ZERO, Duration.ofHours(1))),
                c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "ack").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED);
            String id = slack.delivered().get(0).incidentId();

            io.cronjobguardian.api.Incident acked = ask(h, h.guardian().acknowledgeIncident(id, "alice"))
                    .orElseThrow();
            assertThat(acked.acknowledgedBy()).isEqualTo("alice");
            assertThat(acked.acknowledgedAt()).isEqualTo(h.now());
            assertThat(h.store().findIncident(id)).contains(acked);

            h.advance(Duration.ofHours(3));
            fail(h, cj, "j2", h.now().minusSeconds(20), 143, "Error");   // another failure (new signature)
            h.advance(Duration.ofHours(2));
            assertThat(kinds(slack.delivered())).as("no reminder, no re-announcement after the acknowledgement")
                    .containsExactly(NotificationKind.OPENED);

            succeed(h, cj, "j3", h.now().minusSeconds(20), Duration.ofSeconds(5));
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
            assertThat(ask(h, h.guardian().acknowledgeIncident(id, "bob"))).as("resolved: nothing to acknowledge")
                    .isEmpty();
            assertThat(ask(h, h.guardian().acknowledgeIncident("no-such-incident", "bob"))).isEmpty();
        }
    }

    @Test
    void aSilencedIncidentsOpeningWaitsUntilTheSilenceEndsAndRemindersResumeAfterIt() throws Exception {
        FaultyStore counting = new FaultyStore(new io.cronjobguardian.testkit.InMemoryHistoryStore());
        try (EngineHarnessAccess h = new EngineHarnessAccess(T0, counting.store(),
                List.of(monitor(alerting(Duration.ofMinutes(5), Duration.ZERO, Duration.ofHours(1)))), c -> { },
                gb -> gb.alertChannel(slack, pager).synchronousAlertDelivery(true))) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "quiet").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            io.cronjobguardian.api.Incident open = h.openIncidents(AlertType.JOB_FAILED).get(0);
            Instant silencedAt = h.now();

            io.cronjobguardian.api.Incident silenced = ask(h,
                    h.guardian().silenceIncident(open.id(), Duration.ofHours(2), "ops on call")).orElseThrow();
            assertThat(silenced.silencedUntil()).isEqualTo(silencedAt.plus(Duration.ofHours(2)));
            assertThat(silenced.silencedBy()).isEqualTo("ops on call");

            int claimsBefore = counting.calls("claimDueNotifications");
            h.advance(Duration.ofHours(2).minusSeconds(1));
            assertThat(slack.delivered()).as("the opening (due after 5 minutes) and reminders wait").isEmpty();
            assertThat(counting.calls("claimDueNotifications") - claimsBefore)
                    .as("the dispatcher polls as usual (every 5 s) instead of retrying the held opening every 100 ms")
                    .isLessThanOrEqualTo(2 * 60 * 12 + 1);
            assertThat(pager.delivered()).isEmpty();
            h.advance(Duration.ofSeconds(1));
            assertThat(kinds(slack.delivered())).as("at the end of the silence")
                    .containsExactly(NotificationKind.OPENED);
            assertThat(kinds(pager.delivered())).containsExactly(NotificationKind.OPENED);
            h.advance(Duration.ofHours(1));
            assertThat(kinds(slack.delivered())).as("reminders resume")
                    .containsExactly(NotificationKind.OPENED, NotificationKind.REMINDER);
        }
    }

    @Test
    void anIncidentResolvedWhileSilencedIsNeverAnnounced() throws Exception {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ofMinutes(5), Duration.ZERO, null)),
                c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "hush").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            String id = h.openIncidents(AlertType.JOB_FAILED).get(0).id();
            ask(h, h.guardian().silenceIncident(id, Duration.ofHours(1), "ops")).orElseThrow();
            h.advance(Duration.ofMinutes(10));   // the opening is due, held by the silence
            succeed(h, cj, "j2", h.now().minusSeconds(20), Duration.ofSeconds(5));
            h.advance(Duration.ofHours(2));
            assertThat(slack.messages()).isEmpty();
            assertThat(pager.messages()).isEmpty();
            assertThat(h.store().findIncident(id).orElseThrow().isOpen()).isFalse();
        }
    }

    @Test
    void liftingASilenceSendsWhatItHeldAtOnceAndAResolutionIsNeverHeld() throws Exception {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ofMinutes(5), Duration.ZERO, null)),
                c -> { })) {
            CronJobSnapshot cj = h.addCronJob(TestObjects.cronJob("team-a", "lift").schedule("0 0 1 1 *"));
            h.advance(Duration.ofMinutes(2));
            fail(h, cj, "j1", h.now().minusSeconds(20), 1, "Error");
            String id = h.openIncidents(AlertType.JOB_FAILED).get(0).id();
            ask(h, h.guardian().silenceIncident(id, Duration.ofHours(8), "ops")).orElseThrow();
            h.advance(Duration.ofMinutes(10));
            assertThat(slack.messages()).isEmpty();

            io.cronjobguardian.api.Incident lifted = ask(h, h.guardian().silenceIncident(id, Duration.ZERO, "ops"))
                    .orElseThrow();
            assertThat(lifted.silencedUntil()).isNull();
            h.run();
            assertThat(kinds(slack.delivered())).containsExactly(NotificationKind.OPENED);

            ask(h, h.guardian().silenceIncident(id, Duration.ofHours(8), "ops")).orElseThrow();
            succeed(h, cj, "j2", h.now().minusSeconds(20), Duration.ofSeconds(5));
            assertThat(kinds(slack.delivered())).as("the resolution of an announced incident goes out while silenced")
                    .containsExactly(NotificationKind.OPENED, NotificationKind.RESOLVED);
        }
    }

    @Test
    void aSilenceIsBoundedAndNeedsAnOpenIncident() throws Exception {
        try (EngineHarnessAccess h = harness(monitor(alerting(Duration.ZERO, Duration.ZERO, null)), c -> { })) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.guardian().silenceIncident("1",
                    Duration.ofDays(91), "ops")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("90 days");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> h.guardian().silenceIncident("1",
                    Duration.ofSeconds(-1), "ops")).isInstanceOf(IllegalArgumentException.class);
            assertThat(ask(h, h.guardian().silenceIncident("no-such-incident", Duration.ofHours(1), "ops")))
                    .isEmpty();
        }
    }
}
