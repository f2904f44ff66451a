-- Rows gone from the source that a sync kept in the target by choice (`ferry sync
-- --keep-deleted`): their mappings stay, and they are counted as `retained`, beside the
-- equation (current source rows = migrated + quarantined + skipped) rather than in it.
CREATE TABLE ferry.retained (
    entity      text NOT NULL,
    legacy_id   bigint NOT NULL,
    run_id      bigint NOT NULL,
    retained_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (entity, legacy_id)
);

-- Per entity, a digest of the source rows of each chunk of keys (keys div width), computed in
-- the source by the last migrate or sync that brought the whole entity up to date. The next
-- sync compares only the rows of chunks whose digest differs.
CREATE TABLE ferry.source_digests (
    entity text NOT NULL,
    width  bigint NOT NULL,
    chunk  bigint NOT NULL,
    rows   bigint NOT NULL,
    digest text NOT NULL,
    run_id bigint NOT NULL,
    PRIMARY KEY (entity, chunk)
);

-- A sync now deletes the rows that leave the migration in the transaction that releases them,
-- children first, so nothing waits for a last pass any more.
DROP TABLE ferry.pending_deletions;
