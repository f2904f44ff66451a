-- Patients (REFERENCE 1.4, 5.2 "Patients", 8). Patient n belongs to the n-th patient user, so
-- patient ids and user ids both grow with time. Doctors get patients with a long tail (about
-- 37% of candidates have any; median 4, mean 17): a seeded log-normal weight per doctor.

CREATE TEMP TABLE s_doctor_dist ON COMMIT DROP AS
WITH chosen AS (
    SELECT id, exp(1.7 * synthetic.rnorm('doctor.weight', id)) AS w
    FROM s_user
    WHERE kind = 'doctor' AND id NOT IN (SELECT id FROM s_tested)
    ORDER BY synthetic.r('doctor.has_patients', id), id
    LIMIT synthetic.quota('doctors_with_patients', synthetic.n('doctor_candidates'))
), cumulated AS (
    SELECT id, (sum(w) OVER (ORDER BY id) - w) / sum(w) OVER () AS lo FROM chosen
)
SELECT array_agg(id ORDER BY id) AS ids, array_agg(lo ORDER BY id) AS lo FROM cumulated;

-- A doctor's home office: the office of their first link that exists.
CREATE TEMP TABLE s_home ON COMMIT DROP AS
SELECT DISTINCT ON (l.user_id) l.user_id, l.office_id
FROM dispatch_office_doctors AS l JOIN dispatch_office AS o ON o.id = l.office_id
ORDER BY l.user_id, l.id;

INSERT INTO dispatch_patient (id, user_id, doctor_id, office_id, birthdate, sex, status, archived,
                              suspended, submitted_at, updated_at, suffix, schemes)
SELECT p.id, u.id, d.doctor_id,
       CASE WHEN h.office_id IS NOT NULL AND synthetic.r('patient.home', p.id) < 0.7 THEN h.office_id
            ELSE 1 + synthetic.ri('patient.office', p.id, synthetic.n('offices')) END,
       date '1950-01-01' + synthetic.ri('patient.birth', p.id, 23000),
       CASE WHEN s < 0.40 THEN 1 WHEN s < 0.95 THEN 2 WHEN s < 0.98 THEN 0 END,
       CASE WHEN st < 0.65 THEN 1 WHEN st < 0.87 THEN 4 WHEN st < 0.97 THEN 2 ELSE 3 END,
       false,
       synthetic.r('patient.suspended', p.id) < 0.02,
       CASE WHEN synthetic.r('patient.no_submit', p.id) >= 0.02 THEN submitted END,
       submitted + synthetic.r('patient.updated', p.id) * interval '400 days',
       lpad(((p.id * 7) % 100)::text, 2, '0') || chr(65 + synthetic.ri('patient.s1', p.id, 26))
           || chr(65 + synthetic.ri('patient.s2', p.id, 26)),
       CASE WHEN sc < 0.6 THEN '{"upper": {"stages": ' || (10 + synthetic.ri('patient.upper', p.id, 30))
                               || '}, "lower": {"stages": ' || (10 + synthetic.ri('patient.lower', p.id, 30)) || '}}'
            WHEN sc < 0.8 THEN '{}' END
FROM generate_series(1, synthetic.n('patients')) AS p(id)
JOIN s_user AS u ON u.kind = 'patient' AND u.k = p.id
JOIN auth_user AS a ON a.id = u.id
CROSS JOIN s_doctor_dist AS dist
CROSS JOIN LATERAL (
    SELECT dist.ids[width_bucket(synthetic.r('patient.doctor', p.id), dist.lo)] AS doctor_id,
           synthetic.r('patient.sex', p.id) AS s, synthetic.r('patient.status', p.id) AS st,
           synthetic.r('patient.schemes', p.id) AS sc,
           a.date_joined + synthetic.r('patient.submitted', p.id) * interval '10 days' AS submitted
) AS d
LEFT JOIN s_home AS h ON h.user_id = d.doctor_id;

WITH upd AS (
    UPDATE dispatch_patient
    SET archived = true,
        status = CASE WHEN synthetic.r('patient.archived_status', id) < 0.9 THEN 10 ELSE 3 END
    WHERE id IN (SELECT id FROM dispatch_patient ORDER BY synthetic.r('inject.archived', id), id
                 LIMIT synthetic.quota('archived_patient', synthetic.n('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'archived_patient', 'archived' FROM upd;

-- Missing suffixes, concentrated in archived patients: NULL, then ''.
WITH upd AS (
    UPDATE dispatch_patient SET suffix = NULL
    WHERE id IN (SELECT id FROM dispatch_patient
                 ORDER BY synthetic.r('inject.null_suffix', id) - CASE WHEN archived THEN 0.15 ELSE 0 END, id
                 LIMIT synthetic.quota('null_suffix', synthetic.n('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'null_suffix', 'suffix' FROM upd;

WITH upd AS (
    UPDATE dispatch_patient SET suffix = ''
    WHERE id IN (SELECT id FROM dispatch_patient WHERE suffix IS NOT NULL
                 ORDER BY synthetic.r('inject.blank_suffix', id) - CASE WHEN archived THEN 0.15 ELSE 0 END, id
                 LIMIT synthetic.quota('blank_suffix', synthetic.n('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'blank_suffix', 'suffix' FROM upd;

-- Suffixes that are not 4 characters long (the target refuses them).
WITH chosen AS (
    SELECT p.id, row_number() OVER (ORDER BY synthetic.r('inject.malformed_suffix', p.id), p.id) AS rn
    FROM dispatch_patient AS p JOIN s_user AS u ON u.id = p.user_id
    WHERE NOT p.archived AND p.suffix <> '' AND NOT u.patient_doctor
), upd AS (
    UPDATE dispatch_patient AS p
    SET suffix = CASE WHEN c.rn % 2 = 1 THEN right(p.suffix, 3) ELSE p.suffix || 'X' END
    FROM chosen AS c
    WHERE p.id = c.id AND c.rn <= synthetic.quota('malformed_suffix', synthetic.n('patients'))
    RETURNING p.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'malformed_suffix', 'suffix' FROM upd;

WITH upd AS (
    UPDATE dispatch_patient SET doctor_id = NULL
    WHERE id IN (SELECT id FROM dispatch_patient
                 ORDER BY synthetic.r('inject.patient_without_doctor', id), id
                 LIMIT synthetic.quota('patient_without_doctor', synthetic.n('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'null_reference', 'doctor_id' FROM upd;

-- Patients whose doctor will not be a migrated doctor: a test account, a user who is not a
-- doctor, a patient who is also a doctor, or a deleted user (the last one is an orphan).
WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.unmigratable_doctor', id), id) AS rn
    FROM dispatch_patient WHERE doctor_id IS NOT NULL
), target AS (
    SELECT c.id, c.rn,
           CASE c.rn % 4
               WHEN 1 THEN (SELECT t.id FROM s_tested AS t ORDER BY synthetic.r('pick.test', t.id + c.rn), t.id LIMIT 1)
               WHEN 2 THEN (SELECT u.id FROM s_user AS u WHERE u.kind IN ('technician', 'other')
                            ORDER BY synthetic.r('pick.not_doctor', u.id + c.rn), u.id LIMIT 1)
               WHEN 3 THEN (SELECT u.id FROM s_user AS u WHERE u.patient_doctor
                            ORDER BY synthetic.r('pick.patient_doctor', u.id + c.rn), u.id LIMIT 1)
               ELSE (SELECT u.id FROM s_user AS u WHERE u.kind = 'deleted'
                     ORDER BY synthetic.r('pick.deleted', u.id + c.rn), u.id LIMIT 1) END AS doctor_id
    FROM chosen AS c
    WHERE c.rn <= synthetic.quota('unmigratable_doctor', synthetic.n('patients'))
), upd AS (
    UPDATE dispatch_patient AS p SET doctor_id = t.doctor_id
    FROM target AS t WHERE p.id = t.id
    RETURNING p.id, t.rn
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'parent_not_migrated', 'doctor_id' FROM upd WHERE rn % 4 <> 0;

WITH upd AS (
    UPDATE dispatch_patient SET office_id = NULL
    WHERE id IN (SELECT id FROM dispatch_patient
                 ORDER BY synthetic.r('inject.patient_without_office', id), id
                 LIMIT synthetic.quota('patient_without_office', synthetic.n('patients')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'null_reference', 'office_id' FROM upd;

UPDATE dispatch_patient SET office_id = (SELECT max(id) FROM dispatch_office) + 100 + id
WHERE id IN (SELECT id FROM dispatch_patient WHERE office_id IS NOT NULL
             ORDER BY synthetic.r('inject.orphan_patient_office', id), id
             LIMIT synthetic.quota('orphan_patient_office', synthetic.n('patients')));

-- Patients whose own user account is gone (a deleted user id, distinct per patient).
WITH chosen AS (
    SELECT p.id, row_number() OVER (ORDER BY synthetic.r('inject.orphan_patient_user', p.id), p.id) AS rn
    FROM dispatch_patient AS p JOIN s_user AS u ON u.id = p.user_id
    WHERE NOT u.patient_doctor
      AND p.id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE class = 'malformed_suffix')
), deleted AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('pick.deleted_patient_user', id), id) AS rn
    FROM s_user WHERE kind = 'deleted'
)
UPDATE dispatch_patient AS p SET user_id = d.id
FROM chosen AS c JOIN deleted AS d ON d.rn = c.rn
WHERE p.id = c.id AND c.rn <= synthetic.quota('orphan_patient_user', synthetic.n('patients'));

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_schemes', id), id) AS rn
    FROM dispatch_patient
), upd AS (
    UPDATE dispatch_patient AS p
    SET schemes = (ARRAY['{"upper": {"stages": 12}', '{''upper'': 12}', 'None'])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE p.id = c.id AND c.rn <= synthetic.quota('invalid_json_schemes', synthetic.n('patients'))
    RETURNING p.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_patient', id, 'invalid_json', 'schemes' FROM upd;
