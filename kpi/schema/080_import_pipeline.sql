-- One import pipeline (issues 12 and 13): Planner exports and people files become batches of
-- import_batches like ticket exports and interval reports, so one history lists them, one undo
-- takes them back and one originals folder keeps their files. Older stores are carried over:
-- their Planner imports and people imports get batch ids of their own.

-- Planner: what a batch of a plan adds to its import_batches row.
CREATE TABLE okr_batches (
    batch_id        INTEGER PRIMARY KEY,
    plan_id         VARCHAR NOT NULL,
    header_language VARCHAR NOT NULL,        -- en or zh-TW: the language of Planner's headers
    export_date     TIMESTAMP NOT NULL       -- from the plan-name block, else the import time
);

ALTER TABLE okr_imports ADD COLUMN batch_id INTEGER;
UPDATE okr_imports SET batch_id = nextval('import_batch_seq');
INSERT INTO import_batches (batch_id, kind, file_name, checksum, profile, source_system, header_row, mapping,
                            source_columns, original_file, rows_read, rows_inserted, rows_updated, rows_unchanged,
                            rows_rejected, imported_at, is_demo, undone_at)
SELECT batch_id, 'planner', file_name, checksum, 'planner', 'planner', header_row, '{}', '[]', original_file,
       rows_read, rows_inserted, rows_updated, rows_unchanged, rows_rejected, imported_at, is_demo, undone_at
FROM okr_imports;
INSERT INTO okr_batches SELECT batch_id, plan_id, header_language, export_date FROM okr_imports;

DROP VIEW okr_tasks;
DROP VIEW okr_current_imports;
UPDATE okr_task_snapshots s SET import_id = i.batch_id FROM okr_imports i WHERE s.import_id = i.import_id;
ALTER TABLE okr_task_snapshots RENAME COLUMN import_id TO batch_id;
DROP TABLE okr_imports;
DROP SEQUENCE okr_import_seq;

-- A plan's exports in force; its current tasks are those of the latest one.
CREATE VIEW okr_exports AS
SELECT o.batch_id, o.plan_id, o.header_language, o.export_date, b.file_name, b.imported_at
FROM okr_batches o JOIN import_batches b USING (batch_id) WHERE b.undone_at IS NULL;

CREATE VIEW okr_tasks AS
SELECT s.* FROM okr_task_snapshots s JOIN (
    SELECT batch_id FROM (
        SELECT batch_id, row_number() OVER (PARTITION BY plan_id ORDER BY export_date DESC, batch_id DESC) AS newest
        FROM okr_exports
    ) WHERE newest = 1
) USING (batch_id);

-- People files write their rows in place (other pages edit the same rows); a batch keeps each
-- row it replaced, so undo can put it back (kpi.ingest.batches.keep_replaced).
CREATE TABLE batch_replaced_rows (
    batch_id        INTEGER NOT NULL,
    table_name      VARCHAR NOT NULL,
    row_key         JSON NOT NULL,           -- the row's primary key, {column: value}
    before          JSON,                    -- the row as it was; NULL: the batch added it
    PRIMARY KEY (batch_id, table_name, row_key)
);

-- Earlier people imports kept no original and no replaced rows: listed, but not undoable.
ALTER TABLE people_imports ADD COLUMN batch_id INTEGER;
UPDATE people_imports SET batch_id = nextval('import_batch_seq');
INSERT INTO import_batches (batch_id, kind, file_name, checksum, profile, source_system, encoding, delimiter,
                            header_row, mapping, source_columns, original_file, rows_read, rows_inserted,
                            rows_updated, rows_unchanged, rows_rejected, imported_at)
SELECT batch_id, 'people', file_name, '', kind, 'people', encoding, delimiter, header_row, '{}', '[]', '',
       rows_read, rows_imported, 0, 0, rows_rejected, imported_at
FROM people_imports;
UPDATE assessments a SET import_id = p.batch_id FROM people_imports p WHERE a.import_id = p.import_id;
UPDATE certificates c SET import_id = p.batch_id FROM people_imports p WHERE c.import_id = p.import_id;
UPDATE completed_learning l SET import_id = p.batch_id FROM people_imports p WHERE l.import_id = p.import_id;
ALTER TABLE assessments RENAME COLUMN import_id TO batch_id;
ALTER TABLE certificates RENAME COLUMN import_id TO batch_id;
ALTER TABLE completed_learning RENAME COLUMN import_id TO batch_id;
DROP TABLE people_imports;
DROP SEQUENCE people_import_seq;
