-- The earlier TypeScript tools' mapping table, in the lab's production shape (REFERENCE 4.2
-- variant A). No UNIQUE (new_id): the office tool mapped several duplicate legacy offices to one
-- target office.
CREATE TABLE IF NOT EXISTS migration_mappings (
    entity_type varchar(50) NOT NULL,
    legacy_id integer NOT NULL,
    new_id uuid NOT NULL,
    migrated_at timestamp NOT NULL DEFAULT now(),
    migration_batch varchar(100) NOT NULL,
    CONSTRAINT migration_mappings_pkey PRIMARY KEY (entity_type, legacy_id)
);
CREATE INDEX IF NOT EXISTS migration_mappings_new_id_idx ON migration_mappings (new_id);
CREATE INDEX IF NOT EXISTS migration_mappings_migration_batch_idx
    ON migration_mappings (migration_batch);
