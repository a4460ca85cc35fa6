-- CronJob Guardian history store, schema version 2, MySQL 8.0.17+: the duration histogram becomes lazy and multi-level.
--
-- Version 1 kept one histogram row per (CronJob, week, manual flag, duration bucket) in step with every write,
-- which cost 20-35 % of the recording throughput. From version 2 the store adds a CronJob's weeks to the histogram
-- only once a run of a later week is recorded (the "frontier"), in one INSERT ... SELECT per week, and also keeps
-- aligned blocks of 2, 4, ... 128 weeks (level 1..7) so that a long window reads a few blocks instead of every week.
-- Runs of weeks below the frontier that change later still update the histogram in the same transaction.
--
-- The histogram is derived data: this script drops version 1's table instead of converting it. A CronJob without
-- a frontier row is answered from its runs (exact, slower) until its next recorded run rebuilds its histogram.
-- Every statement is idempotent. With storage.migrate=false, run it yourself and record it:
--   INSERT INTO guardian_schema_history (version, description, checksum, installed_at, execution_ms)
--   VALUES (2, 'lazy_histogram', '<sha-256 of this file>', <epoch millis>, 0);

DROP TABLE IF EXISTS guardian_duration_buckets;

-- finished runs per CronJob, block of weeks (block_level L: 2^L weeks from start_period, a multiple of 2^L; weeks counted
-- from 1970-01-01), manual flag and duration bucket; only for weeks below the CronJob's frontier
CREATE TABLE IF NOT EXISTS guardian_duration_histogram (
    namespace      VARCHAR(253) NOT NULL,
    cronjob_name   VARCHAR(253) NOT NULL,
    block_level    SMALLINT NOT NULL,
    start_period   BIGINT NOT NULL,
    manual         BOOLEAN NOT NULL,
    bucket         INT NOT NULL,
    runs           BIGINT NOT NULL,
    succeeded      BIGINT NOT NULL,
    sum_ms         BIGINT NOT NULL,
    PRIMARY KEY (namespace, cronjob_name, block_level, start_period, manual, bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;

-- per CronJob: every week below materialized_to (weeks since 1970-01-01) is in guardian_duration_histogram
CREATE TABLE IF NOT EXISTS guardian_histogram_frontier (
    namespace        VARCHAR(253) NOT NULL,
    cronjob_name     VARCHAR(253) NOT NULL,
    materialized_to  BIGINT NOT NULL,
    PRIMARY KEY (namespace, cronjob_name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_bin;
