-- Phone-platform interval reports (issue 12). Every imported version of an interval is kept in
-- interval_stats, like ticket_versions, so a batch can be undone; exactly one version per
-- (queue, interval_start) is current, and the intervals view shows those. Counts are calls,
-- times are seconds (averages per call where the report gives averages), shares are 0-1.

ALTER TABLE import_batches ADD COLUMN kind VARCHAR NOT NULL DEFAULT 'tickets';  -- tickets | intervals

CREATE TABLE interval_stats (
    interval_start             TIMESTAMP NOT NULL,  -- local wall-clock time, as the report writes it
    interval_minutes           INTEGER NOT NULL,
    queue                      VARCHAR NOT NULL,    -- queue, skill, split or CSQ
    source_system              VARCHAR NOT NULL,    -- the layout (kpi.contact.layouts)
    service_level_basis        VARCHAR NOT NULL,    -- what the platform's service level divides by
    offered                    INTEGER,
    answered                   INTEGER,
    abandoned                  INTEGER,
    abandoned_short            INTEGER,             -- abandoned before the short-abandon threshold
    answered_within_threshold  DOUBLE,              -- as reported, or the platform's % × its denominator
    within_estimated           BOOLEAN NOT NULL,    -- answered_within_threshold came from the %
    service_level_pct          DOUBLE,              -- the platform's own service level, 0-1
    threshold_seconds          DOUBLE NOT NULL,
    asa_seconds                DOUBLE,              -- average speed of answer
    talk_seconds               DOUBLE,              -- averages per answered call
    hold_seconds               DOUBLE,
    acw_seconds                DOUBLE,
    handle_seconds             DOUBLE,
    agents_staffed             DOUBLE,              -- average agents logged in over the interval
    ready_seconds              DOUBLE,              -- agents' available time in the interval, summed
    not_ready_seconds          DOUBLE,
    batch_id                   INTEGER NOT NULL,
    source_row                 INTEGER NOT NULL,    -- 1-based row in the file, header = row 1
    is_current                 BOOLEAN NOT NULL
);

CREATE VIEW intervals AS
SELECT * EXCLUDE (is_current) FROM interval_stats WHERE is_current;
