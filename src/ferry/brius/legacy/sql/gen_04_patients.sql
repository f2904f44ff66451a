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
