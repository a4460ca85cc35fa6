-- CronJob Guardian history store, schema version 1, SQLite 3.25+.
--
-- Instants are INTEGER (64-bit) milliseconds since 1970-01-01T00:00:00Z (UTC), durations INTEGER milliseconds.
-- Text compares with SQLite's default BINARY collation (exact, like Java's String.equals). The store runs this script
-- in a BEGIN EXCLUSIVE transaction and records it in guardian_schema_history; every statement is idempotent.

-- one row per Job UID: the hot table lists and statistics read
CREATE TABLE IF NOT EXISTS guardian_executions (
    job_uid            VARCHAR(255) NOT NULL PRIMARY KEY,
    namespace          VARCHAR(253) NOT NULL,
    cronjob_name       VARCHAR(253) NOT NULL,
    job_name           VARCHAR(253) NOT NULL,
    cronjob_uid        VARCHAR(255),
    scheduled_at       BIGINT,
    manual             BOOLEAN NOT NULL,
    created_at         BIGINT NOT NULL,
    started_at         BIGINT,
    finished_at        BIGINT,
    effective_start    BIGINT NOT NULL,
    duration_ms        BIGINT,
    state              VARCHAR(16) NOT NULL,
    attempts           INTEGER NOT NULL,
    condition_reason   TEXT,
    condition_message  TEXT,
    term_present       BOOLEAN NOT NULL,
    term_container     TEXT,
    term_exit_code     INTEGER,
    term_reason        TEXT,
    term_signal        INTEGER,
    term_message       TEXT,
    start_period       BIGINT NOT NULL,
    duration_bucket    INTEGER
);
-- per-CronJob time ranges; covering for the statistics
CREATE INDEX IF NOT EXISTS guardian_executions_cj_start
    ON guardian_executions (namespace, cronjob_name, effective_start, duration_ms, state, manual, duration_bucket);
-- newest success / failure of a CronJob
CREATE INDEX IF NOT EXISTS guardian_executions_cj_state
    ON guardian_executions (namespace, cronjob_name, state, finished_at);
-- runs of a schedule slot
CREATE INDEX IF NOT EXISTS guardian_executions_cj_slot
    ON guardian_executions (namespace, cronjob_name, scheduled_at);
-- retention over every CronJob
CREATE INDEX IF NOT EXISTS guardian_executions_start ON guardian_executions (effective_start);
-- the rows of one duration bucket in duration order: exact ranks from the histogram
CREATE INDEX IF NOT EXISTS guardian_executions_cj_bucket
    ON guardian_executions (namespace, cronjob_name, duration_bucket, duration_ms, effective_start, manual);

-- exact duration histogram: finished runs per CronJob, week of start (start_period), manual flag and duration
-- bucket; kept in step with guardian_executions by every write transaction
CREATE TABLE IF NOT EXISTS guardian_duration_buckets (
    namespace      VARCHAR(253) NOT NULL,
    cronjob_name   VARCHAR(253) NOT NULL,
    start_period   BIGINT NOT NULL,
    manual         BOOLEAN NOT NULL,
    bucket         INTEGER NOT NULL,
    runs           BIGINT NOT NULL,
    succeeded      BIGINT NOT NULL,
    sum_ms         BIGINT NOT NULL,
    PRIMARY KEY (namespace, cronjob_name, start_period, manual, bucket)
);

-- large text of an execution, out of the hot table; a row only when there is something
CREATE TABLE IF NOT EXISTS guardian_execution_details (
    job_uid        VARCHAR(255) NOT NULL PRIMARY KEY,
    log_tail       TEXT,
    events         TEXT,
    suggested_fix  TEXT
);

-- incidents; open_key (a SHA-256 of the incident key) is set while open: at most one open incident per key
CREATE TABLE IF NOT EXISTS guardian_incidents (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    monitor             VARCHAR(507) NOT NULL,
    namespace           VARCHAR(253) NOT NULL,
    cronjob_name        VARCHAR(253) NOT NULL,
    alert_type          VARCHAR(32) NOT NULL,
    subject             VARCHAR(100) NOT NULL,
    open_key            VARCHAR(64),
    severity            VARCHAR(16) NOT NULL,
    title               TEXT NOT NULL,
    message             TEXT NOT NULL,
    signature           TEXT NOT NULL,
    context             TEXT NOT NULL,
    opened_at           BIGINT NOT NULL,
    last_notified_at    BIGINT,
    notification_count  INTEGER NOT NULL,
    resolved_at         BIGINT,
    version             BIGINT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS guardian_incidents_open_key ON guardian_incidents (open_key);
CREATE INDEX IF NOT EXISTS guardian_incidents_cj_opened ON guardian_incidents (namespace, cronjob_name, opened_at);
CREATE INDEX IF NOT EXISTS guardian_incidents_opened ON guardian_incidents (opened_at);
CREATE INDEX IF NOT EXISTS guardian_incidents_resolved ON guardian_incidents (resolved_at);

-- the notification outbox: each (incident, channel, kind, sequence) once
CREATE TABLE IF NOT EXISTS guardian_notifications (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id       VARCHAR(255) NOT NULL,
    channel           VARCHAR(253) NOT NULL,
    kind              VARCHAR(16) NOT NULL,
    seq               INTEGER NOT NULL,
    status            VARCHAR(16) NOT NULL,
    attempts          INTEGER NOT NULL,
    due_at            BIGINT NOT NULL,
    claimed_by        TEXT,
    claim_expires_at  BIGINT,
    last_error        TEXT,
    created_at        BIGINT NOT NULL,
    sent_at           BIGINT,
    CONSTRAINT guardian_notifications_once UNIQUE (incident_id, channel, kind, seq)
);
CREATE INDEX IF NOT EXISTS guardian_notifications_due ON guardian_notifications (status, due_at);

-- delivery statistics per alert channel
CREATE TABLE IF NOT EXISTS guardian_channel_stats (
    channel               VARCHAR(253) NOT NULL PRIMARY KEY,
    sent                  BIGINT NOT NULL,
    failed                BIGINT NOT NULL,
    consecutive_failures  INTEGER NOT NULL,
    last_sent_at          BIGINT,
    last_failure_at       BIGINT,
    last_error            TEXT
);

-- what the engine remembers per CronJob
CREATE TABLE IF NOT EXISTS guardian_cronjob_states (
    namespace           VARCHAR(253) NOT NULL,
    cronjob_name        VARCHAR(253) NOT NULL,
    uid                 VARCHAR(255) NOT NULL,
    first_seen_at       BIGINT NOT NULL,
    suspended_since     BIGINT,
    deleted_at          BIGINT,
    missed_slots_floor  BIGINT,
    purge_at            BIGINT,
    PRIMARY KEY (namespace, cronjob_name)
);

-- the leader-epoch fence: one row; every write transaction checks and raises it first
CREATE TABLE IF NOT EXISTS guardian_fence (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    epoch   BIGINT NOT NULL,
    writes  BIGINT NOT NULL
);
INSERT OR IGNORE INTO guardian_fence (id, epoch, writes) VALUES (1, 0, 0);
