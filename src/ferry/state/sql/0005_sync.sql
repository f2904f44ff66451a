-- Per entity with a declared change time: the latest change time seen by the last sync.
-- The next sync compares only source rows changed since then (minus an overlap).
CREATE TABLE ferry.sync_watermarks (
    entity     text PRIMARY KEY,
    changed_at timestamptz NOT NULL,
    run_id     bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
