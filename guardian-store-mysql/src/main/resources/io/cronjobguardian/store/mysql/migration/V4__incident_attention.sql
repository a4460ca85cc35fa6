-- CronJob Guardian history store, schema version 4, MySQL 8: an incident can be acknowledged and silenced.
--
-- acknowledged_at / acknowledged_by: who acknowledged an open incident and when (epoch millis); its reminders stop.
-- silenced_until / silenced_by: until when (epoch millis) and by whom it is silenced; its openings and reminders are
-- not claimed before then (its resolution is). None of the four is under the incident's optimistic lock (version).
-- Existing rows get NULL in all four: nothing acknowledged, nothing silenced.
-- One statement (MySQL has no ADD COLUMN IF NOT EXISTS). With storage.migrate=false, run it yourself and record it:
--   INSERT INTO guardian_schema_history (version, description, checksum, installed_at, execution_ms)
--   VALUES (4, 'incident_attention', '<sha-256 of this file>', <epoch millis>, 0);

ALTER TABLE guardian_incidents
    ADD COLUMN acknowledged_at BIGINT,
    ADD COLUMN acknowledged_by VARCHAR(253),
    ADD COLUMN silenced_until BIGINT,
    ADD COLUMN silenced_by VARCHAR(253),
    ADD INDEX guardian_incidents_silenced (silenced_until);
