-- Settings of the store itself, one row per key. 'erasure_key' is the random secret that makes
-- an erased person's pseudonym (kpi/people/erasure.py): stable for this store, unguessable
-- without it.
CREATE TABLE store_settings (
    key     VARCHAR PRIMARY KEY,
    value   VARCHAR NOT NULL
);
