-- Files a scheduled export job dropped into the inbox folder, and what became of each.
CREATE SEQUENCE inbox_log_seq START 1;

CREATE TABLE inbox_log (
    entry_id     INTEGER PRIMARY KEY DEFAULT nextval('inbox_log_seq'),
    file         VARCHAR NOT NULL,          -- the name it had in the inbox
    received_at  TIMESTAMP NOT NULL,        -- when it was taken from the inbox
    outcome      VARCHAR NOT NULL,          -- imported | unchanged | failed
    batch_id     INTEGER,                   -- the batch it became, if any
    reason       JSON                       -- why it failed: {key, row, column, values} (kpi.ingest.errors)
);
