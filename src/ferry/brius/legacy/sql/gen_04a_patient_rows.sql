-- The rows of the patients whose users s_user plans (shared by generation and mutation).

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
FROM generate_series(synthetic.id_floor('patients') + 1, synthetic.n('patients')) AS p(id)
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
