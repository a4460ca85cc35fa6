-- CronJob Guardian history store, schema version 1, MariaDB 10.3+.
-- (db/migration/mysql/V1__init.sql is the same script with MySQL's collation utf8mb4_0900_bin.)
--
-- Instants are BIGINT milliseconds since 1970-01-01T00:00:00Z (UTC), durations BIGINT milliseconds: exact and
-- independent of the JVM's, the session's and the server's time zone. Text uses utf8mb4 with a binary, no-pad
-- collation: exact (case-, accent- and trailing-space-sensitive) comparison like Java's String.equals.
-- MySQL has no transactional DDL: the store runs this script under GET_LOCK, and every statement is idempotent, so
-- an interrupted run can simply be repeated. With storage.migrate=false, run it yourself (see README) and record it:
--   INSERT INTO guardian_schema_history (version, description, checksum, installed_at, execution_ms)
--   VALUES (1, 'init', '<sha-256 of this file>', <epoch millis>, 0);

-- one row per Job UID: the hot table lists and statistics read
CREATE TABLE IF NOT EXISTS guardian_executions (
    job_uid            VARCHAR(255) NOT NULL,
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
    attempts           INT NOT NULL,
    condition_reason   MEDIUMTEXT,
    condition_message  MEDIUMTEXT,
    term_present       BOOLEAN NOT NULL,
    term_container     MEDIUMTEXT,
    term_exit_code     INT,
    term_reason        MEDIUMTEXT,
    term_signal        INT,
    term_message       MEDIUMTEXT,
    start_period       BIGINT NOT NULL,
    duration_bucket    INT,
    PRIMARY KEY (job_uid),
    -- per-CronJob time ranges; covering for the statistics
    KEY guardian_executions_cj_start (namespace, cronjob_name, effective_start, duration_ms, state, manual,
        duration_bucket),
    -- newest success / failure of a CronJob
    KEY guardian_executions_cj_state (namespace, cronjob_name, state, finished_at),
    -- runs of a schedule slot
    KEY guardian_executions_cj_slot (namespace, cronjob_name, scheduled_at),
    -- retention over every CronJob
    KEY guardian_executions_start (effective_start),
    -- the rows of one duration bucket in duration order: exact ranks from the histogram
    KEY guardian_executions_cj_bucket (namespace, cronjob_name, duration_bucket, duration_ms, effective_start, manual)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- exact duration histogram: finished runs per CronJob, week of start (start_period), manual flag and duration
-- bucket; kept in step with guardian_executions by every write transaction
CREATE TABLE IF NOT EXISTS guardian_duration_buckets (
    namespace      VARCHAR(253) NOT NULL,
    cronjob_name   VARCHAR(253) NOT NULL,
    start_period   BIGINT NOT NULL,
    manual         BOOLEAN NOT NULL,
    bucket         INT NOT NULL,
    runs           BIGINT NOT NULL,
    succeeded      BIGINT NOT NULL,
    sum_ms         BIGINT NOT NULL,
    PRIMARY KEY (namespace, cronjob_name, start_period, manual, bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- large text of an execution, out of the hot table; a row only when there is something
CREATE TABLE IF NOT EXISTS guardian_execution_details (
    job_uid        VARCHAR(255) NOT NULL,
    log_tail       MEDIUMTEXT,
    events         MEDIUMTEXT,
    suggested_fix  MEDIUMTEXT,
    PRIMARY KEY (job_uid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- incidents; open_key (a SHA-256 of the incident key) is set while open: at most one open incident per key
CREATE TABLE IF NOT EXISTS guardian_incidents (
    id                  BIGINT NOT NULL AUTO_INCREMENT,
    monitor             VARCHAR(507) NOT NULL,
    namespace           VARCHAR(253) NOT NULL,
    cronjob_name        VARCHAR(253) NOT NULL,
    alert_type          VARCHAR(32) NOT NULL,
    subject             VARCHAR(100) NOT NULL,
    open_key            VARCHAR(64),
    severity            VARCHAR(16) NOT NULL,
    title               MEDIUMTEXT NOT NULL,
    message             MEDIUMTEXT NOT NULL,
    signature           MEDIUMTEXT NOT NULL,
    context             MEDIUMTEXT NOT NULL,
    opened_at           BIGINT NOT NULL,
    last_notified_at    BIGINT,
    notification_count  INT NOT NULL,
    resolved_at         BIGINT,
    version             BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY guardian_incidents_open_key (open_key),
    KEY guardian_incidents_cj_opened (namespace, cronjob_name, opened_at),
    KEY guardian_incidents_opened (opened_at),
    KEY guardian_incidents_resolved (resolved_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the notification outbox: each (incident, channel, kind, sequence) once
CREATE TABLE IF NOT EXISTS guardian_notifications (
    id                BIGINT NOT NULL AUTO_INCREMENT,
    incident_id       VARCHAR(255) NOT NULL,
    channel           VARCHAR(253) NOT NULL,
    kind              VARCHAR(16) NOT NULL,
    seq               INT NOT NULL,
    status            VARCHAR(16) NOT NULL,
    attempts          INT NOT NULL,
    due_at            BIGINT NOT NULL,
    claimed_by        MEDIUMTEXT,
    claim_expires_at  BIGINT,
    last_error        MEDIUMTEXT,
    created_at        BIGINT NOT NULL,
    sent_at           BIGINT,
    PRIMARY KEY (id),
    UNIQUE KEY guardian_notifications_once (incident_id, channel, kind, seq),
    KEY guardian_notifications_due (status, due_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- delivery statistics per alert channel
CREATE TABLE IF NOT EXISTS guardian_channel_stats (
    channel               VARCHAR(253) NOT NULL,
    sent                  BIGINT NOT NULL,
    failed                BIGINT NOT NULL,
    consecutive_failures  INT NOT NULL,
    last_sent_at          BIGINT,
    last_failure_at       BIGINT,
    last_error            MEDIUMTEXT,
    PRIMARY KEY (channel)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

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
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

-- the leader-epoch fence: one row; every write transaction checks and raises it first
CREATE TABLE IF NOT EXISTS guardian_fence (
    id      INT NOT NULL,
    epoch   BIGINT NOT NULL,
    writes  BIGINT NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT guardian_fence_single_row CHECK (id = 1)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
INSERT IGNORE INTO guardian_fence (id, epoch, writes) VALUES (1, 0, 0);
