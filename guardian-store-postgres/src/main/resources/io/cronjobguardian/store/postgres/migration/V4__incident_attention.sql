-- CronJob Guardian history store, schema version 4, PostgreSQL 11+: an incident can be acknowledged and silenced.
--
-- acknowledged_at / acknowledged_by: who acknowledged an open incident and when (epoch millis); its reminders stop.
-- silenced_until / silenced_by: until when (epoch millis) and by whom it is silenced; its openings and reminders are
-- not claimed before then (its resolution is). None of the four is under the incident's optimistic lock (version).
-- Existing rows get NULL in all four: nothing acknowledged, nothing silenced.
-- Every statement is idempotent. With storage.migrate=false, run it yourself and record it:
--   INSERT INTO guardian_schema_history (version, description, checksum, installed_at, execution_ms)
--   VALUES (4, 'incident_attention', '<sha-256 of this file>', <epoch millis>, 0);

ALTER TABLE guardian_incidents
    ADD COLUMN IF NOT EXISTS acknowledged_at BIGINT,
    ADD COLUMN IF NOT EXISTS acknowledged_by VARCHAR(253),
    ADD COLUMN IF NOT EXISTS silenced_until BIGINT,
    ADD COLUMN IF NOT EXISTS silenced_by VARCHAR(253);

CREATE INDEX IF NOT EXISTS guardian_incidents_silenced ON guardian_incidents (silenced_until);
