-- When each firings row was written, stamped by the engine as the row is inserted (a DEFAULT no
-- line can set: the ingest writes only the fields of its stream). The assignment rollup (0017)
-- is built from the firings of one moment; inserted_at tells a query which rows may have come
-- after it. Rows written before this migration get 1970-01-01 (written before any build): the
-- column is added with that default, materialized (synchronously), and only then given its
-- default for new rows.
-- cluster: shard by cityHash64(person_id)
ALTER TABLE firings ADD COLUMN IF NOT EXISTS inserted_at DateTime64(3, 'UTC') DEFAULT toDateTime64(0, 3, 'UTC');

ALTER TABLE firings MATERIALIZE COLUMN inserted_at SETTINGS mutations_sync = 2;

ALTER TABLE firings MODIFY COLUMN inserted_at DEFAULT now64(3);
