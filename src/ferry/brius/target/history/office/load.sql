-- The office tool's transforms (REFERENCE 3.1): lower-cased, whitespace-collapsed name, address
-- and city; upper-cased state; digits-only zip and phone; tax_rate from percent to a fraction,
-- capped at 0.9999; country as in the source with usa / united states / us written USA (the
-- state after the Nov 3 fix). Offices whose normalised name|address|city|state|zip repeat are
-- not inserted again: their legacy id is mapped to the office already written (lowest id wins).
WITH normalised AS MATERIALIZED (
    SELECT s.*, k.*,
           min(s.id) OVER (PARTITION BY k.key_name, k.key_address, k.key_city, k.key_state,
                                        k.key_zip) AS keeper_id
    FROM stage_office AS s
    CROSS JOIN LATERAL (
        SELECT lower(regexp_replace(btrim(coalesce(s.name, '')), '\s+', ' ', 'g')) AS key_name,
               lower(regexp_replace(btrim(coalesce(s.address, '')), '\s+', ' ', 'g'))
                   AS key_address,
               lower(regexp_replace(btrim(coalesce(s.city, '')), '\s+', ' ', 'g')) AS key_city,
               upper(btrim(coalesce(s.state, ''))) AS key_state,
               regexp_replace(coalesce(s.zip, ''), '\D', '', 'g') AS key_zip
    ) AS k
    WHERE NOT EXISTS (
        SELECT 1 FROM migration_mappings AS m
        WHERE m.entity_type = 'office' AND m.legacy_id = s.id
    )
),
keepers AS MATERIALIZED (
    SELECT n.*, gen_random_uuid() AS new_id FROM normalised AS n WHERE n.id = n.keeper_id
),
inserted AS (
    INSERT INTO offices (
        id, name, address, apartment, city, state, zip_code, country, phone, tax_rate,
        square_customer_id, is_active, email_notifications, metadata, legacy_office_id,
        created_at, updated_at
    )
    SELECT k.new_id,
           coalesce(nullif(k.key_name, ''), 'office ' || k.id),
           nullif(k.key_address, ''),
           nullif(btrim(k.apt), ''),
           nullif(k.key_city, ''),
           nullif(k.key_state, ''),
           nullif(k.key_zip, ''),
           CASE WHEN lower(btrim(k.country)) IN ('usa', 'united states', 'us') THEN 'USA'
                ELSE nullif(btrim(k.country), '') END,
           nullif(regexp_replace(coalesce(k.phone, ''), '\D', '', 'g'), ''),
           CASE WHEN k.tax_rate >= 0
                THEN least(CASE WHEN k.tax_rate > 1 THEN k.tax_rate / 100 ELSE k.tax_rate END,
                           0.9999) END,
           k.sq_customer_id,
           true,
           true,
           jsonb_build_object('migration', jsonb_build_object(
               'source_table', 'dispatch_office',
               'original', jsonb_build_object('name', k.name, 'tax_rate', k.tax_rate,
                                              'emails', k.emails))),
           k.id,
           TIMESTAMPTZ '2025-08-15 10:15:00+00',
           TIMESTAMPTZ '2025-08-15 10:15:00+00'
    FROM keepers AS k
    RETURNING id
),
mapped AS (
    INSERT INTO migration_mappings (entity_type, legacy_id, new_id, migrated_at, migration_batch)
    SELECT 'office', n.id, k.new_id, TIMESTAMP '2025-08-15 10:15:00',
           'office_migration_20250815_101500'
    FROM normalised AS n
    JOIN keepers AS k ON k.id = n.keeper_id
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM mapped)
