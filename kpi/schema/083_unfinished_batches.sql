-- A direct import of a big file writes each piece's ticket versions as it checks it, each piece in
-- its own transaction, so that a piece's text and mapped rows leave memory once written. Until the
-- batch's last transaction records it, its versions are not current (no report sees them) and its
-- id is listed here; a store opened with a batch still listed lost its import mid-way, and the
-- batch's versions are deleted (store.sweep_unfinished_batches).
CREATE TABLE unfinished_batches (
    batch_id    INTEGER PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
);
