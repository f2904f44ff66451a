-- The profile tool's transforms (REFERENCE 3.1, simplified): profile_type patient when the user
-- has a patient row or is only in group 1, technician for group 11, master for group 5 or a
-- superuser, admin for group 4 or staff, doctor otherwise; blank names become 'Unknown'; the
-- email is trimmed and lower-cased and dropped when it fails the email_format check; the
-- patient suffix is kept only when it has the 4-character format; sex 1/2 -> male/female,
-- anything else unknown (patients only).
WITH fresh AS MATERIALIZED (
    SELECT s.*, lower(btrim(s.email)) AS clean_email, btrim(s.suffix) AS clean_suffix
    FROM stage_profile AS s
    WHERE NOT EXISTS (
        SELECT 1 FROM migration_mappings AS m
        WHERE m.entity_type = 'profile' AND m.legacy_id = s.id
    )
),
inserted AS (
    INSERT INTO profiles (
        id, profile_type, first_name, last_name, email, date_of_birth, gender, username,
        password_hash, is_active, archived, suspended, patient_suffix, date_joined,
        last_login_at, metadata, legacy_user_id, created_at, updated_at
    )
    SELECT gen_random_uuid(),
           CASE WHEN f.patient_id IS NOT NULL OR f.top_group = 1 THEN 'patient'
                WHEN f.top_group = 11 THEN 'technician'
                WHEN f.top_group = 5 OR f.is_superuser THEN 'master'
                WHEN f.top_group = 4 OR f.is_staff THEN 'admin'
                ELSE 'doctor' END::profile_type,
           coalesce(nullif(btrim(f.first_name), ''), 'Unknown'),
           coalesce(nullif(btrim(f.last_name), ''), 'Unknown'),
           CASE WHEN f.clean_email ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'
                THEN f.clean_email END,
           f.birthdate,
           CASE WHEN f.patient_id IS NULL THEN NULL
                WHEN f.sex = 1 THEN 'male'
                WHEN f.sex = 2 THEN 'female'
                ELSE 'unknown' END::gender,
           f.username,
           f.password,
           coalesce(f.is_active, true),
           coalesce(f.archived, false),
           coalesce(f.suspended, false),
           CASE WHEN f.clean_suffix ~ '^[0-9A-Z]{4}$' THEN f.clean_suffix END,
           f.date_joined,
           f.last_login,
           jsonb_build_object('migration', jsonb_build_object(
               'source_table', 'auth_user',
               'legacy_patient_id', f.patient_id, 'top_group', f.top_group,
               'is_staff', f.is_staff, 'is_superuser', f.is_superuser)),
           f.id,
           TIMESTAMPTZ '2025-08-15 10:30:00+00',
           TIMESTAMPTZ '2025-08-15 10:30:00+00'
    FROM fresh AS f
    RETURNING id, legacy_user_id
),
mapped AS (
    INSERT INTO migration_mappings (entity_type, legacy_id, new_id, migrated_at, migration_batch)
    SELECT 'profile', i.legacy_user_id, i.id, TIMESTAMP '2025-08-15 10:30:00',
           'profile_migration_20250815_103000'
    FROM inserted AS i
    RETURNING 1
)
SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM mapped)
