-- CronJob Guardian history store, schema version 3, MySQL 8.0.17+: the CronJob state remembers its schedule.
--
-- A CronJob whose spec.schedule or spec.timeZone changes is scheduled by Kubernetes with the new expression from
-- the change on; slots of the new expression before the change were never due. To know a change that happened
-- while no engine ran, the state keeps the schedule last seen (spec.schedule, plus " TZ=<spec.timeZone>" when set)
-- and when a change to it was first seen (epoch millis): no slot at or before that instant is judged as missed.
-- Existing rows get NULL in both columns: the schedule is recorded at the next sighting, without moving the floor.
-- The one statement adds both columns at once (it fails as a whole, so it can simply be run again). With storage.migrate=false, run it yourself and record it:
--   INSERT INTO guardian_schema_history (version, description, checksum, installed_at, execution_ms)
--   VALUES (3, 'schedule_change', '<sha-256 of this file>', <epoch millis>, 0);

ALTER TABLE guardian_cronjob_states
    ADD COLUMN schedule VARCHAR(1024),
    ADD COLUMN schedule_changed_at BIGINT;
