-- CronJob Guardian history store, schema version 3, PostgreSQL 11+: the CronJob state remembers its schedule.
--
-- A CronJob whose spec.schedule or spec.timeZone changes is scheduled by Kubernetes with the new expression from
-- the change on; slots of the new expression before the change were never due. To know a change that happened
-- while no engine ran, the state keeps the schedule last seen (spec.schedule, plus " TZ=<spec.timeZone>" when set)
-- and when a change to it was first seen (epoch millis): no slot at or before that instant is judged as missed.
-- Existing rows get NULL in both columns: the schedule is recorded at the next sighting, without moving the floor.
-- Every statement is idempotent. With storage.migrate=false, run it yourself and record it:
--   INSERT INTO guardian_schema_history (version, description, checksum, installed_at, execution_ms)
--   VALUES (3, 'schedule_change', '<sha-256 of this file>', <epoch millis>, 0);

ALTER TABLE guardian_cronjob_states
    ADD COLUMN IF NOT EXISTS schedule VARCHAR(1024) COLLATE "C",
    ADD COLUMN IF NOT EXISTS schedule_changed_at BIGINT;
