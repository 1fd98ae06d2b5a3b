-- Rows that are no data (totals rows, the header repeated, a report's footer) are counted apart
-- from the rows refused for a fault, so a Salesforce report's five footer lines no longer read as
-- five rejected rows.
ALTER TABLE import_batches ADD COLUMN rows_skipped INTEGER DEFAULT 0;
