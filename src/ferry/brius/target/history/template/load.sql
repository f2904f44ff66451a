-- The template tool: name = task_name or text_name, is_active = (status = 1), category through
-- the category mapping (NULL when the category was never migrated), the rest in metadata.
WITH inserted AS (
    INSERT INTO templates (id, name, action_name, category_id, is_active, status_code,
                           estimated_duration_minutes, metadata, legacy_template_id, created_at,
                           updated_at)
    SELECT gen_random_uuid(),
           coalesce(nullif(btrim(s.task_name), ''), nullif(btrim(s.text_name), ''),
                    'Template ' || s.id),
           nullif(btrim(s.action_name), ''),
           c.new_id,
           coalesce(s.status = 1, false),
           s.status,
           s.duration,
           coalesce(s.extra, '{}') || jsonb_build_object(
               'task_name', s.task_name, 'text_name', s.text_name,
               'migration', jsonb_build_object(
                   'source_table', 'dispatch_template',
                   'legacy_category_id', s.category_id)),
           s.id,
           TIMESTAMPTZ '2025-08-15 11:05:00+00',
           TIMESTAMPTZ '2025-08-15 11:05:00+00'
    FROM stage_template AS s
    LEFT JOIN migration_mappings AS c ON c.entity_type = 'category' AND c.legacy_id = s.category_id
    WHERE NOT EXISTS (
        SELECT 1 FROM migration_mappings AS m
        WHERE m.entity_type = 'template' AND m.legacy_id = s.id
    )
    RETURNING id, legacy_template_id
),
mapped AS (
    INSERT INTO migration_mappings (entity_type, legacy_id, new_id, migrated_at, migration_batch)
    SELECT 'template', i.legacy_template_id, i.id, TIMESTAMP '2025-08-15 11:05:00',
           'template_migration_20250815_110500'
    FROM inserted AS i
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM mapped)
