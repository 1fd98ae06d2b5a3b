-- The raw events of imported process-mining event logs (kpi.ingest.eventlog), one row per
-- activity of a case. A later slice of the same log is folded with every stored event of its
-- cases into new ticket versions; undoing a batch removes its events with its versions.
CREATE TABLE ticket_events (
    case_id         VARCHAR NOT NULL,     -- the ticket_id of the case's ticket
    activity        VARCHAR,
    occurred_at     TIMESTAMP NOT NULL,
    resource        VARCHAR,
    group_name      VARCHAR,
    transition      VARCHAR,              -- XES lifecycle transition or sub-status
    subject         VARCHAR,              -- the mapped subject column, where the log has one
    batch_id        INTEGER NOT NULL,
    source_row      INTEGER NOT NULL      -- 1-based row in the file, header = row 1
);
