-- One lifecycle per ticket, derived once on import (kpi.ingest.importer._lifecycle) and read by
-- every consumer: state (new, open, pending, on_hold, resolved, closed, cancelled), is_open,
-- completed_at (NULL while open, and for cancelled tickets) and whether that time was inferred.
ALTER TABLE ticket_versions ADD COLUMN state VARCHAR;
ALTER TABLE ticket_versions ADD COLUMN completed_at TIMESTAMP;
ALTER TABLE ticket_versions ADD COLUMN completion_inferred BOOLEAN NOT NULL DEFAULT false;
UPDATE ticket_versions SET
    state = CASE WHEN is_open THEN 'open' WHEN closed_at IS NOT NULL THEN 'closed' ELSE 'resolved' END,
    completed_at = CASE WHEN NOT is_open THEN coalesce(resolved_at, closed_at, updated_at, created_at) END,
    completion_inferred = NOT is_open AND resolved_at IS NULL AND closed_at IS NULL;
ALTER TABLE ticket_versions ALTER COLUMN state SET NOT NULL;

-- Cancelled (and deleted, merged) tickets are kept, counted apart, and left out of every KPI.
CREATE OR REPLACE VIEW tickets AS
SELECT * EXCLUDE (is_current), state = 'cancelled' AS is_cancelled FROM ticket_versions WHERE is_current;

-- Status and priority words, the date floor and the known format, kept with a profile or batch.
ALTER TABLE mapping_profiles ADD COLUMN options JSON;
ALTER TABLE import_batches ADD COLUMN options JSON;

-- Settings of the store itself, one row per key: 'time_zone', which times with a UTC offset are
-- converted to; 'erasure_key', the random secret behind an erased person's stable pseudonym
-- (kpi/people/erasure.py), written the first time someone is erased.
CREATE TABLE store_settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
INSERT INTO store_settings VALUES ('time_zone', 'Asia/Taipei');
