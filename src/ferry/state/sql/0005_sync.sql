-- Per entity with a declared change time: the latest change time seen by the last sync.
-- The next sync compares only source rows changed since then (minus an overlap).
CREATE TABLE ferry.sync_watermarks (
    entity     text PRIMARY KEY,
    changed_at timestamptz NOT NULL,
    run_id     bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- Target rows that no longer belong to the migration (their source row is gone, or its new
-- version is quarantined or skipped): their mappings are already removed, in the same
-- transaction as this record; the rows themselves are deleted children first at the end of
-- the sync (a parent row cannot go before the children that still point at it).
CREATE TABLE ferry.pending_deletions (
    entity text NOT NULL,
    new_id uuid NOT NULL,
    run_id bigint NOT NULL,
    PRIMARY KEY (entity, new_id)
);
