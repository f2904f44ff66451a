-- The bracket tool ran before projects existed in the target: project_id stays NULL and the
-- legacy project id is kept in legacy_project_id for whoever links brackets to projects later.
WITH inserted AS (
    INSERT INTO brackets (id, name, project_id, type_code, legacy_project_id, metadata,
                          legacy_bracket_id, created_at, updated_at)
    SELECT gen_random_uuid(),
           s.name,
           NULL,
           s.type,
           s.project_id,
           jsonb_build_object('migration', jsonb_build_object(
               'source_table', 'dispatch_bracket')),
           s.id,
           TIMESTAMPTZ '2025-08-18 09:00:00+00',
           TIMESTAMPTZ '2025-08-18 09:00:00+00'
    FROM stage_bracket AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM migration_mappings AS m
        WHERE m.entity_type = 'bracket' AND m.legacy_id = s.id
    )
    RETURNING id, legacy_bracket_id
),
mapped AS (
    INSERT INTO migration_mappings (entity_type, legacy_id, new_id, migrated_at, migration_batch)
    SELECT 'bracket', i.legacy_bracket_id, i.id, TIMESTAMP '2025-08-18 09:00:00',
           'bracket_migration_20250818_090000'
    FROM inserted AS i
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM mapped)
