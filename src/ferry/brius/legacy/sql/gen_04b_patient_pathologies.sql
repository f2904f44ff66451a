-- Pathologies of patients (REFERENCE 5.2 "Patients"), injected into the patients above
-- synthetic.id_floor('patients'): every patient at generation, a period's new ones in a mutation.

WITH upd AS (
    UPDATE dispatch_patient
    SET archived = true,
        status = CASE WHEN synthetic.r('patient.archived_status', id) < 0.9 THEN 10 ELSE 3 END
    WHERE id IN (SELECT id FROM dispatch_patient WHERE id > synthetic.id_floor('patients')
                 ORDER BY synthetic.r('inject.archived', id), id
                 LIMIT synthetic.quota('archived_patient', synthetic.population('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'archived_patient', 'archived' FROM upd;

-- Missing suffixes, concentrated in archived patients: NULL, then ''.
WITH upd AS (
    UPDATE dispatch_patient SET suffix = NULL
    WHERE id IN (SELECT id FROM dispatch_patient WHERE id > synthetic.id_floor('patients')
                 ORDER BY synthetic.r('inject.null_suffix', id) - CASE WHEN archived THEN 0.15 ELSE 0 END, id
                 LIMIT synthetic.quota('null_suffix', synthetic.population('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'null_suffix', 'suffix' FROM upd;

WITH upd AS (
    UPDATE dispatch_patient SET suffix = ''
    WHERE id IN (SELECT id FROM dispatch_patient WHERE id > synthetic.id_floor('patients') AND suffix IS NOT NULL
                 ORDER BY synthetic.r('inject.blank_suffix', id) - CASE WHEN archived THEN 0.15 ELSE 0 END, id
                 LIMIT synthetic.quota('blank_suffix', synthetic.population('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'blank_suffix', 'suffix' FROM upd;

-- Suffixes that are not 4 characters long (the target refuses them).
WITH chosen AS (
    SELECT p.id, row_number() OVER (ORDER BY synthetic.r('inject.malformed_suffix', p.id), p.id) AS rn
    FROM dispatch_patient AS p JOIN s_user AS u ON u.id = p.user_id
    WHERE p.id > synthetic.id_floor('patients') AND NOT p.archived AND p.suffix <> '' AND NOT u.patient_doctor
), upd AS (
    UPDATE dispatch_patient AS p
    SET suffix = CASE WHEN c.rn % 2 = 1 THEN right(p.suffix, 3) ELSE p.suffix || 'X' END
    FROM chosen AS c
    WHERE p.id = c.id AND c.rn <= synthetic.quota('malformed_suffix', synthetic.population('patients'))
    RETURNING p.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'malformed_suffix', 'suffix' FROM upd;

WITH upd AS (
    UPDATE dispatch_patient SET doctor_id = NULL
    WHERE id IN (SELECT id FROM dispatch_patient WHERE id > synthetic.id_floor('patients')
                 ORDER BY synthetic.r('inject.patient_without_doctor', id), id
                 LIMIT synthetic.quota('patient_without_doctor', synthetic.population('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'null_reference', 'doctor_id' FROM upd;

-- Patients whose doctor will not be a migrated doctor: a test account, a user who is not a
-- doctor, a patient who is also a doctor, or a deleted user (the last one is an orphan).
WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.unmigratable_doctor', id), id) AS rn
    FROM dispatch_patient WHERE id > synthetic.id_floor('patients') AND doctor_id IS NOT NULL
), target AS (
    SELECT c.id, c.rn,
           CASE c.rn % 4
               WHEN 1 THEN (SELECT t.id FROM s_tested AS t ORDER BY synthetic.r('pick.test', t.id + c.rn), t.id LIMIT 1)
               WHEN 2 THEN (SELECT u.id FROM s_pool AS sp, unnest(sp.ids) AS u(id)
                            WHERE sp.name IN ('technician', 'other')
                            ORDER BY synthetic.r('pick.not_doctor', u.id + c.rn), u.id LIMIT 1)
               WHEN 3 THEN (SELECT u.id FROM s_pool AS sp, unnest(sp.ids) AS u(id) WHERE sp.name = 'patient_doctor'
                            ORDER BY synthetic.r('pick.patient_doctor', u.id + c.rn), u.id LIMIT 1)
               ELSE (SELECT u.id FROM s_pool AS sp, unnest(sp.ids) AS u(id) WHERE sp.name = 'deleted'
                     ORDER BY synthetic.r('pick.deleted', u.id + c.rn), u.id LIMIT 1) END AS doctor_id
    FROM chosen AS c
    WHERE c.rn <= synthetic.quota('unmigratable_doctor', synthetic.population('patients'))
), upd AS (
    UPDATE dispatch_patient AS p SET doctor_id = t.doctor_id
    FROM target AS t WHERE p.id = t.id
    RETURNING p.id, t.rn
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'parent_not_migrated', 'doctor_id' FROM upd WHERE rn % 4 <> 0;

WITH upd AS (
    UPDATE dispatch_patient SET office_id = NULL
    WHERE id IN (SELECT id FROM dispatch_patient WHERE id > synthetic.id_floor('patients')
                 ORDER BY synthetic.r('inject.patient_without_office', id), id
                 LIMIT synthetic.quota('patient_without_office', synthetic.population('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'null_reference', 'office_id' FROM upd;

UPDATE dispatch_patient SET office_id = (SELECT max(id) FROM dispatch_office) + 100 + id
WHERE id IN (SELECT id FROM dispatch_patient WHERE id > synthetic.id_floor('patients') AND office_id IS NOT NULL
             ORDER BY synthetic.r('inject.orphan_patient_office', id), id
             LIMIT synthetic.quota('orphan_patient_office', synthetic.population('patients')));

-- Patients whose own user account is gone (a deleted user id, distinct per patient).
WITH chosen AS (
    SELECT p.id, row_number() OVER (ORDER BY synthetic.r('inject.orphan_patient_user', p.id), p.id) AS rn
    FROM dispatch_patient AS p JOIN s_user AS u ON u.id = p.user_id
    WHERE p.id > synthetic.id_floor('patients') AND NOT u.patient_doctor
      AND p.id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE class = 'malformed_suffix')
), deleted AS (
    SELECT d.id, row_number() OVER (ORDER BY synthetic.r('pick.deleted_patient_user', d.id), d.id) AS rn
    FROM s_pool AS sp, unnest(sp.ids) AS d(id) WHERE sp.name = 'deleted'
)
UPDATE dispatch_patient AS p SET user_id = d.id
FROM chosen AS c JOIN deleted AS d ON d.rn = c.rn
WHERE p.id = c.id AND c.rn <= synthetic.quota('orphan_patient_user', synthetic.population('patients'));

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_schemes', id), id) AS rn
    FROM dispatch_patient WHERE id > synthetic.id_floor('patients')
), upd AS (
    UPDATE dispatch_patient AS p
    SET schemes = (ARRAY['{"upper": {"stages": 12}', '{''upper'': 12}', 'None'])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE p.id = c.id AND c.rn <= synthetic.quota('invalid_json_schemes', synthetic.population('patients'))
    RETURNING p.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'invalid_json', 'schemes' FROM upd;
