-- OKRs and weekly work plans from Microsoft Planner's "Export plan to Excel" (issue 13).
-- Every import of a plan keeps one snapshot row per task, so progress over the weeks can be
-- shown; a plan's current tasks are those of its latest export still in force (view okr_tasks).

CREATE SEQUENCE okr_import_seq START 1;

CREATE TABLE okr_imports (
    import_id       INTEGER PRIMARY KEY DEFAULT nextval('okr_import_seq'),
    plan_id         VARCHAR NOT NULL,
    file_name       VARCHAR NOT NULL,
    checksum        VARCHAR NOT NULL,        -- sha256 of the uploaded bytes
    original_file   VARCHAR NOT NULL,        -- the file byte for byte, in the store's originals folder
    header_language VARCHAR NOT NULL,        -- en or zh-TW: the language of Planner's headers
    header_row      INTEGER NOT NULL,
    export_date     TIMESTAMP NOT NULL,      -- from the plan-name block, else the import time
    rows_read       INTEGER NOT NULL,
    rows_inserted   INTEGER NOT NULL,
    rows_updated    INTEGER NOT NULL,
    rows_unchanged  INTEGER NOT NULL,
    rows_rejected   INTEGER NOT NULL,
    imported_at     TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
    is_demo         BOOLEAN NOT NULL DEFAULT false,
    undone_at       TIMESTAMP
);

CREATE TABLE okr_plans (
    plan_id         VARCHAR PRIMARY KEY,     -- Planner's Plan ID, or the plan name when the block has none
    plan_name       VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL DEFAULT 'okr' CHECK (kind IN ('okr', 'weekly')),
    -- A: a task is an objective and its checklist items are its KRs; B: a task is a KR labelled
    -- with its objective (a label, or "O: …" in a label or the description).
    convention      VARCHAR NOT NULL DEFAULT 'A' CHECK (convention IN ('A', 'B'))
);

CREATE TABLE okr_task_snapshots (
    import_id               INTEGER NOT NULL,
    plan_id                 VARCHAR NOT NULL,
    task_id                 VARCHAR NOT NULL,
    source_row              INTEGER NOT NULL,
    task_name               VARCHAR NOT NULL,
    bucket                  VARCHAR,
    progress                VARCHAR NOT NULL CHECK (progress IN ('not_started', 'in_progress', 'completed')),
    priority                VARCHAR,
    assigned_to             VARCHAR,         -- ";"-separated names, as Planner writes them
    created_by              VARCHAR,
    created_on              DATE,
    start_on                DATE,
    due_on                  DATE,
    is_recurring            BOOLEAN,
    is_late                 BOOLEAN,
    completed_on            DATE,
    completed_by            VARCHAR,
    checklist_done          INTEGER,         -- "Completed Checklist Items": 2/5 → 2
    checklist_total         INTEGER,         -- 2/5 → 5
    checklist_items         VARCHAR,         -- the items' text, ";"-separated
    labels                  VARCHAR,
    description             VARCHAR,
    PRIMARY KEY (import_id, task_id)
);

CREATE VIEW okr_current_imports AS
SELECT plan_id, import_id, export_date FROM (
    SELECT plan_id, import_id, export_date,
           row_number() OVER (PARTITION BY plan_id ORDER BY export_date DESC, import_id DESC) AS newest
    FROM okr_imports WHERE undone_at IS NULL
) WHERE newest = 1;

CREATE VIEW okr_tasks AS
SELECT s.* FROM okr_task_snapshots s JOIN okr_current_imports c USING (import_id);

-- Which tier and owner a bucket stands for, per plan (edited on the OKR page).
CREATE TABLE okr_buckets (
    plan_id         VARCHAR NOT NULL,
    bucket          VARCHAR NOT NULL,
    tier            VARCHAR NOT NULL CHECK (tier IN ('company', 'department', 'person')),
    owner           VARCHAR,
    PRIMARY KEY (plan_id, bucket)
);

-- How a manager follows a person (the seed's cadences): strong performers, average, new or below
-- expectations. HR people data beside ``people`` (keyed by its employee id, so erasing a person
-- removes it too) rather than a column of it: people files and the people editor rewrite whole
-- ``people`` rows and would blank a column they do not know.
CREATE TABLE people_checkin_groups (
    employee_id     VARCHAR PRIMARY KEY,
    checkin_group   VARCHAR NOT NULL CHECK (checkin_group IN ('strong', 'average', 'new'))
);
