-- The ticket store. Every imported version of a ticket is kept in ticket_versions (so a batch
-- can be undone); exactly one version per ticket_id is current, and the tickets view shows those.
-- Times are local wall-clock TIMESTAMPs, as the exports write them.

CREATE TABLE data_version (version BIGINT NOT NULL);
INSERT INTO data_version VALUES (0);

CREATE SEQUENCE import_batch_seq START 1;

CREATE TABLE import_batches (
    batch_id        INTEGER PRIMARY KEY DEFAULT nextval('import_batch_seq'),
    file_name       VARCHAR NOT NULL,
    checksum        VARCHAR NOT NULL,        -- sha256 of the uploaded bytes
    profile         VARCHAR NOT NULL,        -- format or saved mapping profile used
    source_system   VARCHAR NOT NULL,
    encoding        VARCHAR,
    delimiter       VARCHAR,
    header_row      INTEGER,                 -- 1-based line of the header in the file
    mapping         JSON NOT NULL,           -- canonical field -> source column
    date_formats    JSON,                    -- canonical field -> date form used (kpi.ingest.dates)
    defaults        JSON,                    -- canonical field -> value filled in where a cell is empty
    source_columns  JSON NOT NULL,           -- original header, in file order
    original_file   VARCHAR NOT NULL,        -- the file byte for byte, in the store's originals folder
    rows_read       INTEGER NOT NULL,
    rows_inserted   INTEGER NOT NULL,
    rows_updated    INTEGER NOT NULL,
    rows_unchanged  INTEGER NOT NULL,
    rows_rejected   INTEGER NOT NULL,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    undone_at       TIMESTAMP
);

CREATE TABLE ticket_versions (
    ticket_id               VARCHAR NOT NULL,
    source_system           VARCHAR,
    subject                 VARCHAR,
    department              VARCHAR,
    owner                   VARCHAR,
    customer                VARCHAR,
    channel                 VARCHAR,
    level                   INTEGER,          -- severity 1 (most urgent) .. 5
    priority                VARCHAR,          -- the source's own priority/level text
    status                  VARCHAR,
    is_open                 BOOLEAN NOT NULL,
    created_at              TIMESTAMP NOT NULL,
    first_response_at       TIMESTAMP,
    standard_due_at         TIMESTAMP,        -- 標準完成時間
    first_commitment_at     TIMESTAMP,        -- 首次承諾時間
    current_commitment_at   TIMESTAMP,        -- 預計完成時間
    resolved_at             TIMESTAMP,        -- completed (完成時間)
    closed_at               TIMESTAMP,
    extension_count         INTEGER NOT NULL DEFAULT 0,   -- 延時申請次數
    escalation_count        INTEGER NOT NULL DEFAULT 0,   -- 升級次數
    reassignment_count      INTEGER NOT NULL DEFAULT 0,
    reopen_count            INTEGER NOT NULL DEFAULT 0,
    forwarded_second_line   BOOLEAN NOT NULL DEFAULT false, -- 後送
    satisfaction            VARCHAR,
    source_sla_met          BOOLEAN,          -- the exporting system's own SLA verdict
    updated_at              TIMESTAMP,
    batch_id                INTEGER NOT NULL,
    source_row              INTEGER NOT NULL, -- 1-based row in the file, header = row 1
    is_current              BOOLEAN NOT NULL
);

CREATE VIEW tickets AS
SELECT * EXCLUDE (is_current) FROM ticket_versions WHERE is_current;

-- A user's corrected mapping for an export layout, reused when the same header comes again.
CREATE TABLE mapping_profiles (
    name            VARCHAR PRIMARY KEY,
    header_key      VARCHAR NOT NULL,         -- normalised header signature it matches
    mapping         JSON NOT NULL,
    date_formats    JSON,
    defaults        JSON,                     -- canonical field -> constant fill-in value
    source_system   VARCHAR,
    saved_at        TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
