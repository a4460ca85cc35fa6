package io.cronjobguardian.store.jdbc;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import static org.jooq.impl.DSL.table;

import io.cronjobguardian.api.StoredText;
import org.jooq.Converter;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;
import org.jooq.impl.SQLDataType;

/**
 * The schema, defined once for every dialect (no code generation). Must match the migration scripts under
 * {@code io/cronjobguardian/store/<dialect>/migration/}.
 *
 * <p>Every instant is a {@code BIGINT} of milliseconds since the epoch (UTC): exact on every database, independent
 * of the JVM's and the session's time zone, sortable, and able to hold years before 1970 and up to 9999. Free text
 * that is never compared is unbounded ({@code TEXT}); identifiers have Kubernetes' limits.
 */
final class Tables {

    private Tables() {
    }

    /**
     * Free text: written through {@link StoredText#clean} wherever jOOQ binds it (inserts, updates, conditions), so a
     * NUL or a lone surrogate that reached a statement without being cleaned first cannot fail it. The write methods
     * clean their records on entry as well, so that what they return equals what is read back.
     */
    private static final DataType<String> TEXT = SQLDataType.VARCHAR.asConvertedDataType(
            Converter.of(String.class, String.class, s -> s, StoredText::clean));

    private static <T> Field<T> col(String table, String column, DataType<T> type) {
        return field(name(table, column), type);
    }

    /** One row per Job UID: the hot table that statistics and lists read. */
    static final class Executions {
        static final String NAME = "guardian_executions";
        static final Table<Record> T = table(name(NAME));
        static final Field<String> JOB_UID = col(NAME, "job_uid", SQLDataType.VARCHAR(255));
        static final Field<String> NAMESPACE = col(NAME, "namespace", SQLDataType.VARCHAR(253));
        static final Field<String> CRONJOB_NAME = col(NAME, "cronjob_name", SQLDataType.VARCHAR(253));
        static final Field<String> JOB_NAME = col(NAME, "job_name", SQLDataType.VARCHAR(253));
        static final Field<String> CRONJOB_UID = col(NAME, "cronjob_uid", SQLDataType.VARCHAR(255));
        static final Field<Long> SCHEDULED_AT = col(NAME, "scheduled_at", SQLDataType.BIGINT);
        static final Field<Boolean> MANUAL = col(NAME, "manual", SQLDataType.BOOLEAN);
        static final Field<Long> CREATED_AT = col(NAME, "created_at", SQLDataType.BIGINT);
        static final Field<Long> STARTED_AT = col(NAME, "started_at", SQLDataType.BIGINT);
        static final Field<Long> FINISHED_AT = col(NAME, "finished_at", SQLDataType.BIGINT);
        /** started_at, else created_at: the start every window and ordering uses. */
        static final Field<Long> EFFECTIVE_START = col(NAME, "effective_start", SQLDataType.BIGINT);
        /** finished_at - effective_start for finished runs, NULL while running. */
        static final Field<Long> DURATION_MS = col(NAME, "duration_ms", SQLDataType.BIGINT);
        static final Field<String> STATE = col(NAME, "state", SQLDataType.VARCHAR(16));
        static final Field<Integer> ATTEMPTS = col(NAME, "attempts", SQLDataType.INTEGER);
        static final Field<String> CONDITION_REASON = col(NAME, "condition_reason", TEXT);
        static final Field<String> CONDITION_MESSAGE = col(NAME, "condition_message", TEXT);
        static final Field<Boolean> TERM_PRESENT = col(NAME, "term_present", SQLDataType.BOOLEAN);
        static final Field<String> TERM_CONTAINER = col(NAME, "term_container", TEXT);
        static final Field<Integer> TERM_EXIT_CODE = col(NAME, "term_exit_code", SQLDataType.INTEGER);
        static final Field<String> TERM_REASON = col(NAME, "term_reason", TEXT);
        static final Field<Integer> TERM_SIGNAL = col(NAME, "term_signal", SQLDataType.INTEGER);
        static final Field<String> TERM_MESSAGE = col(NAME, "term_message", TEXT);
        /** {@link DurationBuckets#period} of effective_start: the histogram week the run counts in. */
        static final Field<Long> START_PERIOD = col(NAME, "start_period", SQLDataType.BIGINT);
        /** {@link DurationBuckets#bucket} of duration_ms, NULL while running. */
        static final Field<Integer> DURATION_BUCKET = col(NAME, "duration_bucket", SQLDataType.INTEGER);

        static final Field<?>[] ALL = {JOB_UID, NAMESPACE, CRONJOB_NAME, JOB_NAME, CRONJOB_UID, SCHEDULED_AT,
            MANUAL, CREATED_AT, STARTED_AT, FINISHED_AT, EFFECTIVE_START, DURATION_MS, STATE, ATTEMPTS,
            CONDITION_REASON, CONDITION_MESSAGE, TERM_PRESENT, TERM_CONTAINER, TERM_EXIT_CODE, TERM_REASON,
            TERM_SIGNAL, TERM_MESSAGE, START_PERIOD, DURATION_BUCKET};

        private Executions() {
        }
    }

    /**
     * The exact duration histogram: finished runs per (CronJob, week, manual flag, duration bucket), maintained in
     * the transaction of every write to executions (see {@link DurationBuckets}).
     */
    /**
     * The lazy, multi-level duration histogram (schema version 2): finished runs per CronJob, block of weeks
     * ({@code block_level} L covers 2^L weeks from {@code start_period}, a multiple of 2^L), manual flag and duration
     * bucket, for the weeks below the CronJob's {@link Frontier}.
     */
    static final class Histogram {
        static final String NAME = "guardian_duration_histogram";
        static final Table<Record> T = table(name(NAME));
        static final Field<String> NAMESPACE = col(NAME, "namespace", SQLDataType.VARCHAR(253));
        static final Field<String> CRONJOB_NAME = col(NAME, "cronjob_name", SQLDataType.VARCHAR(253));
        static final Field<Integer> LEVEL = col(NAME, "block_level", SQLDataType.INTEGER);
        static final Field<Long> START_PERIOD = col(NAME, "start_period", SQLDataType.BIGINT);
        static final Field<Boolean> MANUAL = col(NAME, "manual", SQLDataType.BOOLEAN);
        static final Field<Integer> BUCKET = col(NAME, "bucket", SQLDataType.INTEGER);
        static final Field<Long> RUNS = col(NAME, "runs", SQLDataType.BIGINT);
        static final Field<Long> SUCCEEDED = col(NAME, "succeeded", SQLDataType.BIGINT);
        static final Field<Long> SUM_MS = col(NAME, "sum_ms", SQLDataType.BIGINT);

        static final Field<?>[] ALL = {NAMESPACE, CRONJOB_NAME, LEVEL, START_PERIOD, MANUAL, BUCKET, RUNS, SUCCEEDED,
            SUM_MS};

        private Histogram() {
        }
    }

    /** Per CronJob: every week below {@code materialized_to} is in the {@link Histogram}. */
    static final class Frontier {
        static final String NAME = "guardian_histogram_frontier";
        static final Table<Record> T = table(name(NAME));
        static final Field<String> NAMESPACE = col(NAME, "namespace", SQLDataType.VARCHAR(253));
        static final Field<String> CRONJOB_NAME = col(NAME, "cronjob_name", SQLDataType.VARCHAR(253));
        static final Field<Long> MATERIALIZED_TO = col(NAME, "materialized_to", SQLDataType.BIGINT);

        private Frontier() {
        }
    }

    /** Large text of an execution, kept out of the hot table; a row exists only when there is something. */
    static final class Details {
        static final String NAME = "guardian_execution_details";
        static final Table<Record> T = table(name(NAME));
        static final Field<String> JOB_UID = col(NAME, "job_uid", SQLDataType.VARCHAR(255));
        static final Field<String> LOG_TAIL = col(NAME, "log_tail", TEXT);
        /** JSON array of strings, NULL when there are none. */
        static final Field<String> EVENTS = col(NAME, "events", TEXT);
        static final Field<String> SUGGESTED_FIX = col(NAME, "suggested_fix", TEXT);

        static final Field<?>[] ALL = {JOB_UID, LOG_TAIL, EVENTS, SUGGESTED_FIX};

        private Details() {
        }
    }

    /** Incidents; {@code open_key} (a hash of the key) is set while open and unique, so one is open per key. */
    static final class Incidents {
        static final String NAME = "guardian_incidents";
        static final Table<Record> T = table(name(NAME));
        static final Field<Long> ID = col(NAME, "id", SQLDataType.BIGINT);
        static final Field<String> MONITOR = col(NAME, "monitor", SQLDataType.VARCHAR(507));
        static final Field<String> NAMESPACE = col(NAME, "namespace", SQLDataType.VARCHAR(253));
        static final Field<String> CRONJOB_NAME = col(NAME, "cronjob_name", SQLDataType.VARCHAR(253));
        static final Field<String> ALERT_TYPE = col(NAME, "alert_type", SQLDataType.VARCHAR(32));
        static final Field<String> SUBJECT = col(NAME, "subject", SQLDataType.VARCHAR(100));
        static final Field<String> OPEN_KEY = col(NAME, "open_key", SQLDataType.VARCHAR(64));
        static final Field<String> SEVERITY = col(NAME, "severity", SQLDataType.VARCHAR(16));
        static final Field<String> TITLE = col(NAME, "title", TEXT);
        static final Field<String> MESSAGE = col(NAME, "message", TEXT);
        static final Field<String> SIGNATURE = col(NAME, "signature", TEXT);
        /** JSON object of the AlertContext. */
        static final Field<String> CONTEXT = col(NAME, "context", TEXT);
        static final Field<Long> OPENED_AT = col(NAME, "opened_at", SQLDataType.BIGINT);
        static final Field<Long> LAST_NOTIFIED_AT = col(NAME, "last_notified_at", SQLDataType.BIGINT);
        static final Field<Integer> NOTIFICATION_COUNT = col(NAME, "notification_count", SQLDataType.INTEGER);
        static final Field<Long> RESOLVED_AT = col(NAME, "resolved_at", SQLDataType.BIGINT);
        static final Field<Long> VERSION = col(NAME, "version", SQLDataType.BIGINT);
        /** Schema version 4: who acknowledged it and when; until when and by whom it is silenced. */
        static final Field<Long> ACKNOWLEDGED_AT = col(NAME, "acknowledged_at", SQLDataType.BIGINT);
        static final Field<String> ACKNOWLEDGED_BY = col(NAME, "acknowledged_by", SQLDataType.VARCHAR(253));
        static final Field<Long> SILENCED_UNTIL = col(NAME, "silenced_until", SQLDataType.BIGINT);
        static final Field<String> SILENCED_BY = col(NAME, "silenced_by", SQLDataType.VARCHAR(253));

        static final Field<?>[] ALL = {ID, MONITOR, NAMESPACE, CRONJOB_NAME, ALERT_TYPE, SUBJECT, OPEN_KEY, SEVERITY,
            TITLE, MESSAGE, SIGNATURE, CONTEXT, OPENED_AT, LAST_NOTIFIED_AT, NOTIFICATION_COUNT, RESOLVED_AT,
            VERSION, ACKNOWLEDGED_AT, ACKNOWLEDGED_BY, SILENCED_UNTIL, SILENCED_BY};

        private Incidents() {
        }
    }

    /** The notification outbox; unique {@code (incident_id, channel, kind, seq)}. */
    static final class Notifications {
        static final String NAME = "guardian_notifications";
        static final Table<Record> T = table(name(NAME));
        static final Field<Long> ID = col(NAME, "id", SQLDataType.BIGINT);
        static final Field<String> INCIDENT_ID = col(NAME, "incident_id", SQLDataType.VARCHAR(255));
        static final Field<String> CHANNEL = col(NAME, "channel", SQLDataType.VARCHAR(253));
        static final Field<String> KIND = col(NAME, "kind", SQLDataType.VARCHAR(16));
        static final Field<Integer> SEQ = col(NAME, "seq", SQLDataType.INTEGER);
        static final Field<String> STATUS = col(NAME, "status", SQLDataType.VARCHAR(16));
        static final Field<Integer> ATTEMPTS = col(NAME, "attempts", SQLDataType.INTEGER);
        static final Field<Long> DUE_AT = col(NAME, "due_at", SQLDataType.BIGINT);
        static final Field<String> CLAIMED_BY = col(NAME, "claimed_by", TEXT);
        static final Field<Long> CLAIM_EXPIRES_AT = col(NAME, "claim_expires_at", SQLDataType.BIGINT);
        static final Field<String> LAST_ERROR = col(NAME, "last_error", TEXT);
        static final Field<Long> CREATED_AT = col(NAME, "created_at", SQLDataType.BIGINT);
        static final Field<Long> SENT_AT = col(NAME, "sent_at", SQLDataType.BIGINT);

        static final Field<?>[] ALL = {ID, INCIDENT_ID, CHANNEL, KIND, SEQ, STATUS, ATTEMPTS, DUE_AT, CLAIMED_BY,
            CLAIM_EXPIRES_AT, LAST_ERROR, CREATED_AT, SENT_AT};

        private Notifications() {
        }
    }

    /** Delivery statistics per channel. */
    static final class ChannelStatsT {
        static final String NAME = "guardian_channel_stats";
        static final Table<Record> T = table(name(NAME));
        static final Field<String> CHANNEL = col(NAME, "channel", SQLDataType.VARCHAR(253));
        static final Field<Long> SENT = col(NAME, "sent", SQLDataType.BIGINT);
        static final Field<Long> FAILED = col(NAME, "failed", SQLDataType.BIGINT);
        static final Field<Integer> CONSECUTIVE_FAILURES = col(NAME, "consecutive_failures", SQLDataType.INTEGER);
        static final Field<Long> LAST_SENT_AT = col(NAME, "last_sent_at", SQLDataType.BIGINT);
        static final Field<Long> LAST_FAILURE_AT = col(NAME, "last_failure_at", SQLDataType.BIGINT);
        static final Field<String> LAST_ERROR = col(NAME, "last_error", TEXT);

        static final Field<?>[] ALL = {CHANNEL, SENT, FAILED, CONSECUTIVE_FAILURES, LAST_SENT_AT, LAST_FAILURE_AT,
            LAST_ERROR};

        private ChannelStatsT() {
        }
    }

    /** What the engine remembers per CronJob. */
    static final class CronJobStates {
        static final String NAME = "guardian_cronjob_states";
        static final Table<Record> T = table(name(NAME));
        static final Field<String> NAMESPACE = col(NAME, "namespace", SQLDataType.VARCHAR(253));
        static final Field<String> CRONJOB_NAME = col(NAME, "cronjob_name", SQLDataType.VARCHAR(253));
        static final Field<String> UID = col(NAME, "uid", SQLDataType.VARCHAR(255));
        static final Field<Long> FIRST_SEEN_AT = col(NAME, "first_seen_at", SQLDataType.BIGINT);
        static final Field<Long> SUSPENDED_SINCE = col(NAME, "suspended_since", SQLDataType.BIGINT);
        static final Field<Long> DELETED_AT = col(NAME, "deleted_at", SQLDataType.BIGINT);
        static final Field<Long> MISSED_SLOTS_FLOOR = col(NAME, "missed_slots_floor", SQLDataType.BIGINT);
        static final Field<Long> PURGE_AT = col(NAME, "purge_at", SQLDataType.BIGINT);
        static final Field<String> SCHEDULE = col(NAME, "schedule", SQLDataType.VARCHAR(1024));
        static final Field<Long> SCHEDULE_CHANGED_AT = col(NAME, "schedule_changed_at", SQLDataType.BIGINT);

        static final Field<?>[] ALL = {NAMESPACE, CRONJOB_NAME, UID, FIRST_SEEN_AT, SUSPENDED_SINCE, DELETED_AT,
            MISSED_SLOTS_FLOOR, PURGE_AT, SCHEDULE, SCHEDULE_CHANGED_AT};

        private CronJobStates() {
        }
    }

    /**
     * The single-row leader-epoch fence. Every write transaction starts with
     * {@code UPDATE guardian_fence SET epoch = ?, writes = writes + 1 WHERE id = 1 AND epoch <= ?}: the row lock it
     * takes is held to commit, so check and write are atomic and write transactions are serialised.
     */
    static final class Fence {
        static final String NAME = "guardian_fence";
        static final Table<Record> T = table(name(NAME));
        static final Field<Integer> ID = col(NAME, "id", SQLDataType.INTEGER);
        static final Field<Long> EPOCH = col(NAME, "epoch", SQLDataType.BIGINT);
        static final Field<Long> WRITES = col(NAME, "writes", SQLDataType.BIGINT);

        private Fence() {
        }
    }

    /** Applied migrations; created by the migrator itself. */
    static final class SchemaHistory {
        static final String NAME = "guardian_schema_history";
        static final Table<Record> T = table(name(NAME));
        static final Field<Integer> VERSION = col(NAME, "version", SQLDataType.INTEGER);
        static final Field<String> DESCRIPTION = col(NAME, "description", SQLDataType.VARCHAR(200));
        static final Field<String> CHECKSUM = col(NAME, "checksum", SQLDataType.VARCHAR(64));
        static final Field<Long> INSTALLED_AT = col(NAME, "installed_at", SQLDataType.BIGINT);
        static final Field<Long> EXECUTION_MS = col(NAME, "execution_ms", SQLDataType.BIGINT);

        private SchemaHistory() {
        }
    }
}
