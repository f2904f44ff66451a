-- Users (auth_user) and what makes some of them doctors, technicians or staff: the plan
-- (s_user, s_pool); gen_02a writes the rows.
-- Every user id gets a kind by a seeded shuffle; 'deleted' ids are never inserted: they are the
-- users that existed once, which orphan references (actors, authors, doctors) point at.
-- Names are unique by construction (a bijection of the id onto first x last pools), so the
-- only duplicate names and emails are the injected ones.

CREATE TEMP TABLE s_user ON COMMIT DROP AS
WITH ranked AS (
    SELECT g AS id, row_number() OVER (ORDER BY synthetic.r('user.kind', g), g) AS rk
    FROM generate_series(1, synthetic.n('user_ids')) AS g
), kinded AS (
    SELECT id,
           CASE WHEN rk <= synthetic.n('deleted_users') THEN 'deleted'
                WHEN rk <= synthetic.n('deleted_users') + synthetic.n('technicians') THEN 'technician'
                WHEN rk <= synthetic.n('deleted_users') + synthetic.n('technicians')
                           + synthetic.n('staff') THEN 'staff'
                WHEN rk <= synthetic.n('deleted_users') + synthetic.n('technicians')
                           + synthetic.n('staff') + synthetic.n('doctor_users') THEN 'doctor'
                WHEN rk <= synthetic.n('deleted_users') + synthetic.n('technicians')
                           + synthetic.n('staff') + synthetic.n('doctor_users')
                           + synthetic.n('other_users') THEN 'other'
                ELSE 'patient' END AS kind
    FROM ranked
)
SELECT id, kind, row_number() OVER (PARTITION BY kind ORDER BY id)::integer AS k
FROM kinded;
CREATE UNIQUE INDEX ON s_user (id);

-- Patient users that are also doctor candidates (they get a usersetting row below).
ALTER TABLE s_user ADD COLUMN patient_doctor boolean NOT NULL DEFAULT false;
UPDATE s_user SET patient_doctor = true
WHERE id IN (SELECT id FROM s_user WHERE kind = 'patient'
             ORDER BY synthetic.r('user.patient_doctor', id), id
             LIMIT synthetic.n('patient_doctors'));

-- Pools of user ids by role, for picking authors, actors and doctors ('patient_doctor': the
-- patient users that are doctor candidates too).
CREATE TEMP TABLE s_pool ON COMMIT DROP AS
SELECT kind AS name, array_agg(id ORDER BY id) AS ids
FROM s_user GROUP BY kind
UNION ALL
SELECT 'patient_doctor', array_agg(id ORDER BY id) FROM s_user WHERE patient_doctor;
