-- The category tool wrote the rows, then set parent_id in a second pass; here the new keys are
-- drawn first so one statement can do both. A parent that is neither in this batch nor
-- already mapped leaves parent_id NULL.
WITH fresh AS MATERIALIZED (
    SELECT s.*, gen_random_uuid() AS new_id
    FROM stage_category AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM migration_mappings AS m
        WHERE m.entity_type = 'category' AND m.legacy_id = s.id
    )
),
inserted AS (
    INSERT INTO categories (id, name, parent_id, metadata, legacy_category_id, created_at,
                            updated_at)
    SELECT f.new_id,
           coalesce(nullif(btrim(f.name), ''), 'Category ' || f.id),
           coalesce(p.new_id, m.new_id),
           jsonb_build_object('migration', jsonb_build_object(
               'source_table', 'dispatch_category',
               'legacy_parent_id', f.parent_id)),
           f.id,
           TIMESTAMPTZ '2025-08-15 10:20:00+00',
           TIMESTAMPTZ '2025-08-15 10:20:00+00'
    FROM fresh AS f
    LEFT JOIN fresh AS p ON p.id = f.parent_id
    LEFT JOIN migration_mappings AS m ON m.entity_type = 'category' AND m.legacy_id = f.parent_id
    RETURNING id, legacy_category_id
),
mapped AS (
    INSERT INTO migration_mappings (entity_type, legacy_id, new_id, migrated_at, migration_batch)
    SELECT 'category', i.legacy_category_id, i.id, TIMESTAMP '2025-08-15 10:20:00',
           'category_migration_20250815_102000'
    FROM inserted AS i
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM mapped)
