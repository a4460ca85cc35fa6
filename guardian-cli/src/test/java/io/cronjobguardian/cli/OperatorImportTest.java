package io.cronjobguardian.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.ExecutionStats;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentQuery;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.StatsQuery;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.store.jdbc.JdbcHistoryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * import-operator against databases created with the operator's DDL (its GORM models as AutoMigrate creates them) on
 * SQLite, PostgreSQL and MariaDB, with rows written the way its Go drivers write them.
 */
class OperatorImportTest {

    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant S1 = Instant.parse("2025-05-01T10:00:00.123Z");
    static final Instant S2 = Instant.parse("2025-05-02T10:00:00Z");
    static final Instant S3 = Instant.parse("2025-05-03T10:00:00Z");

    private final Dbs dbs = new Dbs();
    private final HistoryTransfer transfer = new HistoryTransfer(Clock.fixed(NOW, ZoneOffset.UTC));

    @AfterEach
    void drop() {
        dbs.close();
    }

    // ---------------------------------------------------------------- the operator's schema per database

    static List<String> ddl(String kind) {
        return switch (kind) {
            case "sqlite" -> List.of(
                    "CREATE TABLE `executions` (`id` integer PRIMARY KEY AUTOINCREMENT,`cronjob_ns` text NOT NULL,"
                            + "`cronjob_name` text NOT NULL,`cronjob_uid` text,`job_name` text NOT NULL,"
                            + "`scheduled_time` datetime,`start_time` datetime NOT NULL,`completion_time` datetime,"
                            + "`duration_secs` real,`succeeded` numeric NOT NULL,`exit_code` integer,`reason` text,"
                            + "`is_retry` numeric DEFAULT false,`retry_of` text,`logs` text,`events` text,"
                            + "`suggested_fix` text,`created_at` datetime)",
                    "CREATE INDEX `idx_cronjob_time` ON `executions`(`cronjob_ns`,`cronjob_name`,`start_time` desc)",
                    "CREATE TABLE `alert_history` (`id` integer PRIMARY KEY AUTOINCREMENT,`alert_type` text NOT NULL,"
                            + "`severity` text NOT NULL,`title` text NOT NULL,`message` text,`cronjob_ns` text,"
                            + "`cronjob_name` text,`monitor_ns` text,`monitor_name` text,`channels_notified` text,"
                            + "`occurred_at` datetime NOT NULL,`resolved_at` datetime,`exit_code` integer,"
                            + "`reason` text,`suggested_fix` text)",
                    "CREATE TABLE `channel_stats` (`id` integer PRIMARY KEY AUTOINCREMENT,`channel_name` text NOT NULL,"
                            + "`alerts_sent_total` integer DEFAULT 0,`alerts_failed_total` integer DEFAULT 0,"
                            + "`last_alert_time` datetime,`last_failed_time` datetime,`last_failed_error` text,"
                            + "`consecutive_failures` integer DEFAULT 0,`updated_at` datetime)",
                    "CREATE UNIQUE INDEX `idx_channel_stats_channel_name` ON `channel_stats`(`channel_name`)");
            case "postgres" -> List.of(
                    "CREATE TABLE \"executions\" (\"id\" bigserial,\"cronjob_ns\" varchar(253) NOT NULL,"
                            + "\"cronjob_name\" varchar(253) NOT NULL,\"cronjob_uid\" varchar(36),"
                            + "\"job_name\" varchar(253) NOT NULL,\"scheduled_time\" timestamptz,"
                            + "\"start_time\" timestamptz NOT NULL,\"completion_time\" timestamptz,"
                            + "\"duration_secs\" decimal,\"succeeded\" boolean NOT NULL,\"exit_code\" integer,"
                            + "\"reason\" varchar(255),\"is_retry\" boolean DEFAULT false,\"retry_of\" varchar(253),"
                            + "\"logs\" text,\"events\" text,\"suggested_fix\" text,\"created_at\" timestamptz,"
                            + "PRIMARY KEY (\"id\"))",
                    "CREATE INDEX IF NOT EXISTS \"idx_cronjob_time\" ON \"executions\" (\"cronjob_ns\",\"cronjob_name\","
                            + "\"start_time\" DESC)",
                    "CREATE TABLE \"alert_history\" (\"id\" bigserial,\"alert_type\" varchar(100) NOT NULL,"
                            + "\"severity\" varchar(20) NOT NULL,\"title\" varchar(500) NOT NULL,\"message\" text,"
                            + "\"cronjob_ns\" varchar(253),\"cronjob_name\" varchar(253),\"monitor_ns\" varchar(253),"
                            + "\"monitor_name\" varchar(253),\"channels_notified\" text,"
                            + "\"occurred_at\" timestamptz NOT NULL,\"resolved_at\" timestamptz,\"exit_code\" integer,"
                            + "\"reason\" varchar(255),\"suggested_fix\" text,PRIMARY KEY (\"id\"))",
                    "CREATE TABLE \"channel_stats\" (\"id\" bigserial,\"channel_name\" varchar(253) NOT NULL,"
                            + "\"alerts_sent_total\" bigint DEFAULT 0,\"alerts_failed_total\" bigint DEFAULT 0,"
                            + "\"last_alert_time\" timestamptz,\"last_failed_time\" timestamptz,"
                            + "\"last_failed_error\" text,\"consecutive_failures\" integer DEFAULT 0,"
                            + "\"updated_at\" timestamptz,PRIMARY KEY (\"id\"),"
                            + "CONSTRAINT \"uni_channel_stats_channel_name\" UNIQUE (\"channel_name\"))");
            default -> List.of(
                    "CREATE TABLE `executions` (`id` bigint AUTO_INCREMENT,`cronjob_ns` varchar(253) NOT NULL,"
                            + "`cronjob_name` varchar(253) NOT NULL,`cronjob_uid` varchar(36),"
                            + "`job_name` varchar(253) NOT NULL,`scheduled_time` datetime(3) NULL,"
                            + "`start_time` datetime(3) NOT NULL,`completion_time` datetime(3) NULL,"
                            + "`duration_secs` double,`succeeded` boolean NOT NULL,`exit_code` int,"
                            + "`reason` varchar(255),`is_retry` boolean DEFAULT false,`retry_of` varchar(253),"
                            + "`logs` text,`events` text,`suggested_fix` text,`created_at` datetime(3) NULL,"
                            + "PRIMARY KEY (`id`),INDEX `idx_cronjob_time` (`cronjob_ns`,`cronjob_name`,"
                            + "`start_time` DESC))",
                    "CREATE TABLE `alert_history` (`id` bigint AUTO_INCREMENT,`alert_type` varchar(100) NOT NULL,"
                            + "`severity` varchar(20) NOT NULL,`title` varchar(500) NOT NULL,`message` text,"
                            + "`cronjob_ns` varchar(253),`cronjob_name` varchar(253),`monitor_ns` varchar(253),"
                            + "`monitor_name` varchar(253),`channels_notified` text,"
                            + "`occurred_at` datetime(3) NOT NULL,`resolved_at` datetime(3) NULL,`exit_code` int,"
                            + "`reason` varchar(255),`suggested_fix` text,PRIMARY KEY (`id`))",
                    "CREATE TABLE `channel_stats` (`id` bigint AUTO_INCREMENT,`channel_name` varchar(253) NOT NULL,"
                            + "`alerts_sent_total` bigint DEFAULT 0,`alerts_failed_total` bigint DEFAULT 0,"
                            + "`last_alert_time` datetime(3) NULL,`last_failed_time` datetime(3) NULL,"
                            + "`last_failed_error` text,`consecutive_failures` int DEFAULT 0,"
                            + "`updated_at` datetime(3) NULL,PRIMARY KEY (`id`),"
                            + "CONSTRAINT `uni_channel_stats_channel_name` UNIQUE (`channel_name`))");
        };
    }

    /** Binds an instant as the operator's Go driver writes it; {@code null} binds Go's zero time. */
    static void time(PreparedStatement ps, int i, Instant t, String kind) throws SQLException {
        switch (kind) {
            case "sqlite" -> ps.setString(i, t == null ? "0001-01-01 00:00:00+00:00" // Go: 2006-01-02 15:04:05.999999999-07:00
                    : java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                            .format(t.atOffset(ZoneOffset.ofHours(2))).replaceAll("\\.?0+$", "") + "+02:00");
            case "postgres" -> ps.setObject(i, (t == null ? Instant.parse("0001-01-01T00:00:00Z") : t)
                    .atOffset(ZoneOffset.UTC));
            default -> ps.setObject(i, t == null ? java.time.LocalDateTime.of(1, 1, 1, 0, 0)
                    : t.atOffset(ZoneOffset.UTC).toLocalDateTime());
        }
    }

    static void nullableTime(PreparedStatement ps, int i, Instant t, String kind) throws SQLException {
        if (t == null) {
            ps.setNull(i, kind.equals("sqlite") ? Types.VARCHAR : Types.TIMESTAMP);
        } else {
            time(ps, i, t, kind);
        }
    }

    static void execution(Connection c, String kind, String ns, String cj, String job, Instant start,
            Instant completion, Double secs, boolean ok, int exit, String reason, String logs, String events,
            String fix, Instant created) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO executions (cronjob_ns, cronjob_name, "
                + "cronjob_uid, job_name, scheduled_time, start_time, completion_time, duration_secs, succeeded, "
                + "exit_code, reason, is_retry, retry_of, logs, events, suggested_fix, created_at) VALUES (?, ?, ?, ?, "
                + "NULL, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?)")) {
            ps.setString(1, ns);
            ps.setString(2, cj);
            ps.setString(3, "uid-" + cj);
            ps.setString(4, job);
            time(ps, 5, start, kind);
            time(ps, 6, completion, kind);
            if (secs == null) {
                ps.setNull(7, Types.DOUBLE);
            } else {
                ps.setDouble(7, secs);
            }
            ps.setBoolean(8, ok);
            ps.setInt(9, exit);
            ps.setString(10, reason);
            ps.setBoolean(11, false);
            ps.setString(12, logs);
            ps.setString(13, events);
            ps.setString(14, fix);
            time(ps, 15, created, kind);
            ps.executeUpdate();
        }
    }

    static void alert(Connection c, String kind, String type, String severity, String cj, String channels,
            Instant occurred, Instant resolved) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO alert_history (alert_type, severity, title, "
                + "message, cronjob_ns, cronjob_name, monitor_ns, monitor_name, channels_notified, occurred_at, "
                + "resolved_at, exit_code, reason, suggested_fix) VALUES (?, ?, ?, ?, 'prod', ?, 'prod', 'guard', ?, ?, "
                + "?, 137, 'OOMKilled', 'raise memory')")) {
            ps.setString(1, type);
            ps.setString(2, severity);
            ps.setString(3, type + " on prod/" + cj);
            ps.setString(4, "the message");
            ps.setString(5, cj);
            ps.setString(6, channels);
            time(ps, 7, occurred, kind);
            nullableTime(ps, 8, resolved, kind);
            ps.executeUpdate();
        }
    }

    /** An operator database of the given kind with its tables (optionally altered) and some history. */
    Dbs.Fresh operatorDb(String kind, boolean withRows) throws SQLException {
        Dbs.Fresh f = dbs.fresh(kind);
        if (kind.equals("sqlite")) {
            try {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(f.settings().require(
                        "storage.sqlite.path")).getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        try (Connection c = f.target().connect(f.settings()); Statement st = c.createStatement()) {
            if (kind.equals("mariadb")) {
                st.execute("SET SESSION sql_mode = ''"); // as the Go driver's zero times need
            }
            for (String sql : ddl(kind)) {
                st.execute(sql);
            }
            if (withRows) {
                execution(c, kind, "prod", "backup", "backup-1", S1, S1.plusMillis(65_500), 65.5, true, 0, "",
                        "hello\nworld", "[\"Pulled: ok\",\"Started: main\"]", "", S1.plusSeconds(66));
                execution(c, kind, "prod", "backup", "backup-2", S2, null, null, false, 137, "OOMKilled", null, null,
                        "raise memory", S2.plusSeconds(40));
                execution(c, kind, "prod", "report", "report-3", S3, null, null, false, 1, "BackoffLimitExceeded",
                        null, "not json", "", S3.plusSeconds(90));
                execution(c, kind, "prod", "backup", "backup-1", S1, S1.plusMillis(65_500), 65.5, true, 0, "",
                        "hello\nworld", "[\"Pulled: ok\",\"Started: main\"]", "", S1.plusSeconds(70)); // duplicate
                execution(c, kind, "prod", "report", "", S3, null, null, false, 1, "", null, null, "", S3);
                alert(c, kind, "JobFailed", "critical", "backup", "slack-ops,pagerduty", S2.plusSeconds(41),
                        S2.plusSeconds(3_600));
                alert(c, kind, "DeadManTriggered", "warning", "report", "", S3.plusSeconds(7_200), null);
                alert(c, kind, "SomethingNew", "warning", "report", "", S3, null);
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO channel_stats (channel_name, "
                        + "alerts_sent_total, alerts_failed_total, last_alert_time, last_failed_time, "
                        + "last_failed_error, consecutive_failures) VALUES ('slack-ops', 10, 2, ?, ?, 'HTTP 500', 1)")) {
                    time(ps, 1, S2.plusSeconds(41), kind);
                    time(ps, 2, S2.plusSeconds(50), kind);
                    ps.executeUpdate();
                }
            }
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres", "mariadb"})
    void importsRunsAlertsAndChannelFiguresAndImportingAgainChangesNothing(String kind) throws SQLException {
        Dbs.Fresh op = operatorDb(kind, true);
        JdbcHistoryStore target = dbs.store(dbs.fresh("sqlite"));
        Summary s;
        try (Connection c = StoreUrls.connect(op.url(), op.user(), op.password())) {
            s = transfer.importOperator(c, target);
        }
        assertThat(s.runs()).isEqualTo(4);
        assertThat(s.warnings()).anySatisfy(w -> assertThat(w).startsWith("executions id 5 skipped"))
                .anySatisfy(w -> assertThat(w).startsWith("alert_history id 3 skipped: unknown alert type "
                        + "\"SomethingNew\""));
        assertThat(target.executionCount()).isEqualTo(3); // backup-1's duplicate row is the same run

        Execution ok = target.findExecution("operator:prod/backup-1").orElseThrow();
        assertThat(ok.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(ok.job().startedAt()).isEqualTo(S1);
        assertThat(ok.job().finishedAt()).isEqualTo(S1.plusMillis(65_500));
        assertThat(ok.job().ownerUid()).isEqualTo("uid-backup");
        assertThat(ok.job().lastTermination()).isEqualTo(new Termination(null, 0, null, null, null));
        assertThat(ok.logTail()).isEqualTo("hello\nworld");
        assertThat(ok.events()).containsExactly("Pulled: ok", "Started: main");

        Execution failed = target.findExecution("operator:prod/backup-2").orElseThrow();
        assertThat(failed.state()).isEqualTo(JobState.FAILED);
        assertThat(failed.job().finishedAt()).as("the row's creation: when the operator saw the failure")
                .isEqualTo(S2.plusSeconds(40));
        assertThat(failed.job().lastTermination()).isEqualTo(new Termination(null, 137, "OOMKilled", null, null));
        assertThat(failed.suggestedFix()).isEqualTo("raise memory");

        Execution backoff = target.findExecution("operator:prod/report-3").orElseThrow();
        assertThat(backoff.job().conditionReason()).isEqualTo("BackoffLimitExceeded");
        assertThat(backoff.job().lastTermination()).isEqualTo(new Termination(null, 1, null, null, null));
        assertThat(backoff.events()).containsExactly("not json");

        ExecutionStats stats = target.stats(CronJobRef.of("prod", "backup"), StatsQuery.between(S1, S3));
        assertThat(stats.total()).isEqualTo(2);
        assertThat(stats.succeeded()).isEqualTo(1);
        assertThat(stats.maxDuration()).isEqualTo(Duration.ofMillis(65_500));
        assertThat(stats.failed()).isEqualTo(1);

        List<Incident> incidents = target.incidents(IncidentQuery.all()).items().stream()
                .sorted(Comparator.comparing(Incident::openedAt)).toList();
        assertThat(incidents).hasSize(2).allSatisfy(i -> assertThat(i.isOpen()).isFalse());
        Incident jobFailed = incidents.get(0);
        assertThat(jobFailed.key().asString()).isEqualTo("prod/guard|prod/backup|JobFailed");
        assertThat(jobFailed.resolvedAt()).isEqualTo(S2.plusSeconds(3_600));
        assertThat(jobFailed.context().exitCode()).isEqualTo(137);
        assertThat(jobFailed.context().attributes()).containsEntry("channelsNotified", "slack-ops,pagerduty");
        assertThat(target.notifications(jobFailed.id())).extracting(Notification::channel, Notification::kind,
                Notification::status, Notification::sentAt).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("slack-ops", NotificationKind.OPENED,
                                NotificationStatus.SENT, S2.plusSeconds(41)),
                        org.assertj.core.groups.Tuple.tuple("pagerduty", NotificationKind.OPENED,
                                NotificationStatus.SENT, S2.plusSeconds(41)));
        Incident wasOpen = incidents.get(1);
        assertThat(wasOpen.resolvedAt()).isEqualTo(NOW);
        assertThat(wasOpen.context().attributes()).containsKey("resolvedBy");

        ChannelStats slack = target.channelStats().get("slack-ops");
        assertThat(slack).isEqualTo(new ChannelStats("slack-ops", 10, 2, 1, S2.plusSeconds(41), S2.plusSeconds(50),
                "HTTP 500"));

        Fixtures.Content before = Fixtures.content(target);
        Summary again;
        try (Connection c = StoreUrls.connect(op.url(), op.user(), op.password())) {
            again = transfer.importOperator(c, target);
        }
        assertThat(again.runsWritten()).isZero();
        assertThat(again.incidentsNew()).isZero();
        assertThat(Fixtures.content(target)).isEqualTo(before);
    }

    private Dbs.Fresh operatorDbWithout(String kind) {
        Dbs.Fresh f = dbs.fresh(kind);
        if (kind.equals("sqlite")) {
            try {
                java.nio.file.Files.createDirectories(java.nio.file.Path.of(f.settings().require(
                        "storage.sqlite.path")).getParent());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return f;
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgres", "mariadb"})
    void anUnknownSchemaIsRefusedNamingTheTableAndColumn(String kind) throws SQLException {
        JdbcHistoryStore target = dbs.store(dbs.fresh("sqlite"));
        Dbs.Fresh newer = operatorDb(kind, false);
        try (Connection c = newer.target().connect(newer.settings()); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE executions ADD COLUMN attempt_count integer");
        }
        try (Connection c = StoreUrls.connect(newer.url(), newer.user(), newer.password())) {
            assertThatThrownBy(() -> transfer.importOperator(c, target)).isInstanceOf(TransferException.class)
                    .hasMessageStartingWith("table executions has column attempt_count that this guardian-cli does "
                            + "not know");
        }
        Dbs.Fresh older = operatorDb(kind, false);
        try (Connection c = older.target().connect(older.settings()); Statement st = c.createStatement()) {
            st.execute("DROP TABLE alert_history");
            st.execute("CREATE TABLE alert_history (id integer, alert_type varchar(100), severity varchar(20), "
                    + "title varchar(500))");
        }
        try (Connection c = StoreUrls.connect(older.url(), older.user(), older.password())) {
            assertThatThrownBy(() -> transfer.importOperator(c, target)).isInstanceOf(TransferException.class)
                    .hasMessageStartingWith("table alert_history has no column occurred_at");
        }
        Dbs.Fresh empty = operatorDbWithout(kind);
        if (kind.equals("sqlite")) {
            try (Connection c = empty.target().connect(empty.settings()); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE something_else (id integer)"); // the file must exist
            }
        }
        try (Connection c = StoreUrls.connect(empty.url(), empty.user(), empty.password())) {
            assertThatThrownBy(() -> transfer.importOperator(c, target)).isInstanceOf(TransferException.class)
                    .hasMessageStartingWith("the operator database has no readable table executions");
        }
        assertThat(target.executionCount()).isZero();
    }
}
