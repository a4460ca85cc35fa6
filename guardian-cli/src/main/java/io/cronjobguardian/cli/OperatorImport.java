package io.cronjobguardian.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cronjobguardian.api.AlertContext;
import io.cronjobguardian.api.AlertType;
import io.cronjobguardian.api.ChannelStats;
import io.cronjobguardian.api.CronJobRef;
import io.cronjobguardian.api.Execution;
import io.cronjobguardian.api.Incident;
import io.cronjobguardian.api.IncidentKey;
import io.cronjobguardian.api.JobSnapshot;
import io.cronjobguardian.api.JobState;
import io.cronjobguardian.api.Notification;
import io.cronjobguardian.api.NotificationKind;
import io.cronjobguardian.api.NotificationStatus;
import io.cronjobguardian.api.Severity;
import io.cronjobguardian.api.Termination;
import io.cronjobguardian.store.jdbc.StoreTransfer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the Go operator's GORM tables ({@code executions}, {@code alert_history}, {@code channel_stats}) on SQLite,
 * PostgreSQL or MySQL/MariaDB and hands them to a {@link HistoryTransfer.Sink} as runs, resolved incidents with their
 * sent notifications, and channel statistics. The mapping is documented in the module README.
 */
final class OperatorImport {

    static final String EXECUTIONS = "executions";
    static final String ALERTS = "alert_history";
    static final String CHANNELS = "channel_stats";

    static final List<String> EXEC_REQUIRED = List.of("id", "cronjob_ns", "cronjob_name", "job_name", "start_time",
            "succeeded");
    static final List<String> EXEC_OPTIONAL = List.of("cronjob_uid", "scheduled_time", "completion_time",
            "duration_secs", "exit_code", "reason", "is_retry", "retry_of", "logs", "events", "suggested_fix",
            "created_at");
    static final List<String> ALERT_REQUIRED = List.of("id", "alert_type", "severity", "title", "occurred_at");
    static final List<String> ALERT_OPTIONAL = List.of("message", "cronjob_ns", "cronjob_name", "monitor_ns",
            "monitor_name", "channels_notified", "resolved_at", "exit_code", "reason", "suggested_fix");
    static final List<String> CHANNEL_REQUIRED = List.of("channel_name", "alerts_sent_total", "alerts_failed_total");
    static final List<String> CHANNEL_OPTIONAL = List.of("id", "last_alert_time", "last_failed_time",
            "last_failed_error", "consecutive_failures", "updated_at");

    /** Job condition reasons (the rest of the operator's {@code reason} values are container termination reasons). */
    private static final Set<String> CONDITION_REASONS = Set.of("BackoffLimitExceeded", "DeadlineExceeded",
            "FailedIndexes", "MaxFailedIndexesExceeded", "PodFailurePolicy", "SuccessPolicy", "CompletionsReached");

    private static final int PAGE = 1_000;

    private final Connection db;
    private final Clock clock;
    private final Progress progress;
    private final boolean mysqlFamily;
    private final boolean postgres;

    OperatorImport(Connection db, Clock clock, Progress progress) {
        this.db = db;
        this.clock = clock;
        this.progress = progress;
        String product;
        try {
            product = db.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        } catch (SQLException e) {
            throw new TransferException("cannot read the operator database's metadata: " + e.getMessage(), e);
        }
        this.mysqlFamily = product.contains("mysql") || product.contains("mariadb");
        this.postgres = product.contains("postgres");
    }

    void run(HistoryTransfer.Sink sink) {
        Map<String, String> execCols = columns(EXECUTIONS, EXEC_REQUIRED, EXEC_OPTIONAL, true);
        Map<String, String> alertCols = columns(ALERTS, ALERT_REQUIRED, ALERT_OPTIONAL, true);
        Map<String, String> channelCols = columns(CHANNELS, CHANNEL_REQUIRED, CHANNEL_OPTIONAL, false);
        importExecutions(sink, execCols);
        importAlerts(sink, alertCols);
        if (channelCols != null) {
            importChannels(sink, channelCols);
        }
    }

    // ---------------------------------------------------------------- schema

    /**
     * The table's columns (lower-case name → database type name), checked against what this importer knows.
     *
     * @return {@code null} when an optional table is absent
     */
    private Map<String, String> columns(String table, List<String> required, List<String> optional,
            boolean tableRequired) {
        Map<String, String> cols = new LinkedHashMap<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table
                + " WHERE 1 = 0")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                cols.put(md.getColumnLabel(i).toLowerCase(Locale.ROOT), md.getColumnTypeName(i).toLowerCase(
                        Locale.ROOT));
            }
        } catch (SQLException e) {
            rollbackQuietly();
            if (!tableRequired) {
                return null;
            }
            throw new TransferException("the operator database has no readable table " + table + " (is this the "
                    + "operator's database, and does the user may read it?): " + e.getMessage(), e);
        }
        for (String c : required) {
            if (!cols.containsKey(c)) {
                throw new TransferException("table " + table + " has no column " + c + ": not an operator schema "
                        + "this guardian-cli knows (it reads the GORM models of cronjob-guardian's internal/store: "
                        + table + " needs " + String.join(", ", required) + ")");
            }
        }
        Set<String> unknown = new LinkedHashSet<>(cols.keySet());
        required.forEach(unknown::remove);
        optional.forEach(unknown::remove);
        if (!unknown.isEmpty()) {
            throw new TransferException("table " + table + " has column" + (unknown.size() > 1 ? "s " : " ")
                    + String.join(", ", unknown) + " that this guardian-cli does not know: an operator schema newer "
                    + "than the one it maps (see the guardian-cli README); nothing was imported");
        }
        return cols;
    }

    private void rollbackQuietly() {
        try {
            if (!db.getAutoCommit()) {
                db.rollback();
            }
        } catch (SQLException ignored) {
            // the next statement reports the problem
        }
    }

    private long count(String table) {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new TransferException("counting " + table + " failed: " + e.getMessage(), e);
        }
    }

    private interface RowHandler {
        void row(ResultSet rs) throws SQLException;
    }

    /** Reads the table by ascending {@code id} in pages (keyset), so memory stays flat. */
    private void forEachRow(String table, Map<String, String> cols, String idColumn, RowHandler handler) {
        String select = "SELECT " + String.join(", ", cols.keySet()) + " FROM " + table + " WHERE " + idColumn
                + " > ? ORDER BY " + idColumn + " LIMIT " + PAGE;
        long last = Long.MIN_VALUE;
        while (true) {
            int n = 0;
            try (PreparedStatement ps = db.prepareStatement(select)) {
                ps.setLong(1, last);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        n++;
                        last = rs.getLong(idColumn);
                        handler.row(rs);
                    }
                }
            } catch (SQLException e) {
                throw new TransferException("reading " + table + " after id " + last + " failed: " + e.getMessage(),
                        e);
            }
            if (n < PAGE) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- executions

    private void importExecutions(HistoryTransfer.Sink sink, Map<String, String> cols) {
        long total = count(EXECUTIONS);
        long[] done = {0};
        forEachRow(EXECUTIONS, cols, "id", rs -> {
            long id = rs.getLong("id");
            try {
                Execution e = execution(rs, cols);
                sink.run(e);
            } catch (IllegalArgumentException | TransferException e) {
                sink.warn("executions id " + id + " skipped: " + e.getMessage());
            }
            if (++done[0] % 10_000 == 0) {
                progress.update("operator runs", done[0], total);
            }
        });
        progress.update("operator runs", done[0], total);
    }

    private Execution execution(ResultSet rs, Map<String, String> cols) throws SQLException {
        String ns = text(rs, cols, "cronjob_ns");
        String cronJob = text(rs, cols, "cronjob_name");
        String job = text(rs, cols, "job_name");
        if (ns == null || cronJob == null || job == null) {
            throw new IllegalArgumentException("cronjob_ns, cronjob_name and job_name must not be empty");
        }
        Instant start = time(rs, cols, "start_time");
        if (start == null) {
            throw new IllegalArgumentException("start_time is empty");
        }
        Instant completion = time(rs, cols, "completion_time");
        Double durationSecs = cols.containsKey("duration_secs") ? number(rs.getObject("duration_secs")) : null;
        Instant createdRow = time(rs, cols, "created_at");
        boolean succeeded = bool(rs.getObject("succeeded"));
        Instant finished;
        if (completion != null && !completion.isBefore(start)) {
            finished = completion;
        } else if (durationSecs != null && durationSecs >= 0) {
            finished = start.plusMillis(Math.round(durationSecs * 1000));
        } else if (createdRow != null && !createdRow.isBefore(start)) {
            finished = createdRow; // failures: the operator recorded the row when it saw the Job fail
        } else {
            finished = start;
        }
        Integer exit = cols.containsKey("exit_code") ? integer(rs.getObject("exit_code")) : null;
        String reason = text(rs, cols, "reason");
        String conditionReason = reason != null && CONDITION_REASONS.contains(reason) ? reason : null;
        String terminationReason = conditionReason == null ? reason : null;
        Termination term = (exit != null && exit != 0) || terminationReason != null
                || (succeeded && exit != null) ? new Termination(null, exit, terminationReason, null, null) : null;
        String ownerUid = text(rs, cols, "cronjob_uid");
        JobSnapshot snapshot = new JobSnapshot(ns, job, uid(ns, job), CronJobRef.of(ns, cronJob), ownerUid,
                time(rs, cols, "scheduled_time"), false, start, start, finished,
                succeeded ? JobState.SUCCEEDED : JobState.FAILED, 1, conditionReason, null, term);
        return new Execution(snapshot, text(rs, cols, "logs"), events(text(rs, cols, "events")),
                text(rs, cols, "suggested_fix"));
    }

    /**
     * The run identity of an operator row: the operator kept no Job UID, and a Job's namespace and name identify it
     * (the operator's duplicate rows of one Job collapse into one run).
     */
    static String uid(String namespace, String job) {
        String uid = "operator:" + namespace + "/" + job;
        if (uid.length() <= 255) {
            return uid;
        }
        try {
            return "operator:sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                    (namespace + "/" + job).getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> events(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (JsonParser p = Codec.FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                return List.of(json);
            }
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                out.add(p.getText());
            }
            if (p.currentToken() != JsonToken.END_ARRAY) {
                return List.of(json);
            }
            return out;
        } catch (IOException e) {
            return List.of(json); // not a JSON array: keep the text as one event
        }
    }

    // ---------------------------------------------------------------- alerts

    private void importAlerts(HistoryTransfer.Sink sink, Map<String, String> cols) {
        Instant now = clock.instant();
        forEachRow(ALERTS, cols, "id", rs -> {
            long id = rs.getLong("id");
            try {
                sink.incident(incident(rs, cols, id, now));
            } catch (IllegalArgumentException | TransferException e) {
                sink.warn("alert_history id " + id + " skipped: " + e.getMessage());
            }
        });
    }

    private StoreTransfer.IncidentRows incident(ResultSet rs, Map<String, String> cols, long id, Instant now)
            throws SQLException {
        String ns = text(rs, cols, "cronjob_ns");
        String cronJob = text(rs, cols, "cronjob_name");
        if (ns == null || cronJob == null) {
            throw new IllegalArgumentException("no CronJob (cronjob_ns/cronjob_name empty)");
        }
        AlertType type = AlertType.parse(text(rs, cols, "alert_type"));
        String monitorNs = text(rs, cols, "monitor_ns");
        String monitorName = text(rs, cols, "monitor_name");
        String monitor = monitorName == null ? "operator" : (monitorNs == null ? "" : monitorNs + "/") + monitorName;
        String severityText = text(rs, cols, "severity");
        Severity severity;
        try {
            severity = Severity.parse(severityText);
        } catch (IllegalArgumentException e) {
            severity = Severity.WARNING;
        }
        Instant opened = time(rs, cols, "occurred_at");
        if (opened == null) {
            throw new IllegalArgumentException("occurred_at is empty");
        }
        Instant resolved = time(rs, cols, "resolved_at");
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("source", "cronjob-guardian operator");
        attributes.put("operatorAlertId", Long.toString(id));
        if (resolved == null) {
            resolved = now.isBefore(opened) ? opened : now;
            attributes.put("resolvedBy", "import-operator (the alert was open in the operator)");
        }
        if (!severity.name().equalsIgnoreCase(severityText == null ? "" : severityText.trim())) {
            attributes.put("operatorSeverity", String.valueOf(severityText));
        }
        List<String> channels = new ArrayList<>();
        String notified = text(rs, cols, "channels_notified");
        if (notified != null) {
            for (String c : notified.split(",")) {
                if (!c.isBlank() && !channels.contains(c.trim())) {
                    channels.add(c.trim());
                }
            }
        }
        if (!channels.isEmpty()) {
            attributes.put("channelsNotified", String.join(",", channels));
        }
        Integer exit = cols.containsKey("exit_code") ? integer(rs.getObject("exit_code")) : null;
        String title = text(rs, cols, "title");
        AlertContext context = new AlertContext(null, exit != null && exit != 0 ? exit : null,
                text(rs, cols, "reason"), null, null, List.of(), null, text(rs, cols, "suggested_fix"), null, null,
                attributes);
        String incidentId = "operator-" + id; // not a number: the store gives it an id of its own
        Incident incident = new Incident(incidentId, new IncidentKey(monitor, CronJobRef.of(ns, cronJob), type, ""),
                severity, title == null ? type.wireName() : title, text(rs, cols, "message"), "", context, opened,
                channels.isEmpty() ? null : opened, channels.isEmpty() ? 0 : 1, resolved, 1);
        List<Notification> ns2 = new ArrayList<>();
        for (String c : channels) {
            ns2.add(new Notification(0, incidentId, c, NotificationKind.OPENED, 0, NotificationStatus.SENT, 1, opened,
                    null, null, null, opened, opened));
        }
        return new StoreTransfer.IncidentRows(incident, ns2);
    }

    // ---------------------------------------------------------------- channels

    private void importChannels(HistoryTransfer.Sink sink, Map<String, String> cols) {
        String sql = "SELECT " + String.join(", ", cols.keySet()) + " FROM " + CHANNELS + " ORDER BY channel_name";
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String name = text(rs, cols, "channel_name");
                if (name == null) {
                    sink.warn("channel_stats row without channel_name skipped");
                    continue;
                }
                Integer consecutive = cols.containsKey("consecutive_failures")
                        ? integer(rs.getObject("consecutive_failures")) : null;
                sink.channel(new ChannelStats(name, Math.max(0, rs.getLong("alerts_sent_total")),
                        Math.max(0, rs.getLong("alerts_failed_total")), consecutive == null ? 0 : Math.max(0,
                                consecutive), time(rs, cols, "last_alert_time"), time(rs, cols, "last_failed_time"),
                        text(rs, cols, "last_failed_error")));
            }
        } catch (SQLException e) {
            throw new TransferException("reading " + CHANNELS + " failed: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- values

    private static String text(ResultSet rs, Map<String, String> cols, String col) throws SQLException {
        if (!cols.containsKey(col)) {
            return null;
        }
        String s = rs.getString(col);
        return s == null || s.isEmpty() ? null : s;
    }

    private static Double number(Object o) {
        if (o == null) {
            return null;
        }
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        try {
            return Double.parseDouble(o.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + o);
        }
    }

    private static Integer integer(Object o) {
        Double d = number(o);
        return d == null ? null : (int) Math.round(d);
    }

    private static boolean bool(Object o) {
        if (o instanceof Boolean b) {
            return b;
        }
        if (o instanceof Number n) {
            return n.intValue() != 0;
        }
        if (o == null) {
            return false;
        }
        String s = o.toString().trim();
        return s.equalsIgnoreCase("true") || s.equals("1") || s.equalsIgnoreCase("t");
    }

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd['T'][' ']HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OFFSET = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendOffset("+HH:MM:ss", "Z")
            .toFormatter(Locale.ROOT);
    private static final DateTimeFormatter OFFSET_COMPACT = new DateTimeFormatterBuilder()
            .append(LOCAL)
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendOffset("+HHMM", "Z")
            .toFormatter(Locale.ROOT);
    /** Go's {@code time.Time.String()}: {@code 2006-01-02 15:04:05.999999999 -0700 MST} (with an optional m=+...). */
    private static final Pattern GO_STRING = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?) ([+-]\\d{4})(?: \\S+)?(?: m=\\S+)?$");

    /**
     * An instant from a GORM time column: PostgreSQL {@code timestamptz} (or {@code timestamp}, taken as UTC),
     * MySQL/MariaDB {@code datetime} (taken as UTC, GORM's default), SQLite text as the Go drivers write it (with an
     * offset, or without one = UTC) or Unix seconds. Go's zero time (year 1) means "not set".
     */
    private Instant time(ResultSet rs, Map<String, String> cols, String col) throws SQLException {
        String type = cols.get(col);
        if (type == null) {
            return null;
        }
        Instant t;
        if (postgres && type.contains("tz")) {
            OffsetDateTime o = rs.getObject(col, OffsetDateTime.class);
            t = o == null ? null : o.toInstant();
        } else if (postgres || mysqlFamily) {
            LocalDateTime l = rs.getObject(col, LocalDateTime.class);
            t = l == null ? null : l.toInstant(ZoneOffset.UTC);
        } else {
            Object o = rs.getObject(col);
            t = o == null ? null : parseTime(o, col);
        }
        if (t == null || t.isBefore(Instant.parse("1900-01-01T00:00:00Z"))) {
            return null;
        }
        return t;
    }

    static Instant parseTime(Object o, String col) {
        if (o instanceof Timestamp ts) {
            return ts.toLocalDateTime().toInstant(ZoneOffset.UTC);
        }
        if (o instanceof Number n) {
            double v = n.doubleValue();
            return v > 1e11 ? Instant.ofEpochMilli((long) v) : Instant.ofEpochMilli(Math.round(v * 1000));
        }
        String s = o.toString().trim();
        if (s.isEmpty()) {
            return null;
        }
        Matcher go = GO_STRING.matcher(s);
        if (go.matches()) {
            s = go.group(1) + go.group(2);
        }
        try {
            return OffsetDateTime.parse(s, OFFSET).toInstant();
        } catch (DateTimeParseException e1) {
            try {
                return OffsetDateTime.parse(s, OFFSET_COMPACT).toInstant();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e3) {
                    throw new IllegalArgumentException("column " + col + ": not a time: \"" + s + "\"");
                }
            }
        }
    }
}
