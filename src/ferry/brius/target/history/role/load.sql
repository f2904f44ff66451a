-- The role tool copied name and abbreviation; the integer type (meaning unknown) and "order"
-- are kept raw; user and group ids go to metadata (teams are not part of this target).
WITH inserted AS (
    INSERT INTO roles (id, name, abbreviation, type_code, sort_order, is_active, metadata,
                       legacy_role_id, created_at, updated_at)
    SELECT gen_random_uuid(),
           coalesce(nullif(btrim(s.name), ''), 'Role ' || s.id),
           nullif(btrim(s.abbrev), ''),
           s.type,
           s.sort_order,
           true,
           jsonb_build_object('migration', jsonb_build_object(
               'source_table', 'dispatch_role',
               'legacy_user_id', s.user_id, 'legacy_group_id', s.group_id)),
           s.id,
           TIMESTAMPTZ '2025-08-15 11:00:00+00',
           TIMESTAMPTZ '2025-08-15 11:00:00+00'
    FROM stage_role AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM migration_mappings AS m
        WHERE m.entity_type = 'role' AND m.legacy_id = s.id
    )
    RETURNING id, legacy_role_id
),
mapped AS (
    INSERT INTO migration_mappings (entity_type, legacy_id, new_id, migrated_at, migration_batch)
    SELECT 'role', i.legacy_role_id, i.id, TIMESTAMP '2025-08-15 11:00:00',
           'role_migration_20250815_110000'
    FROM inserted AS i
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM mapped)
