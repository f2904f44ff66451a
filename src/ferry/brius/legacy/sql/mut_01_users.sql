-- A period's users, planned in the generator's shape (s_user: id, kind, k, patient_doctor) so
-- that gen_02a writes them and gen_02b makes some sick: one new account per new patient (k =
-- its patient id), and a few accounts that come back with their old id because rows still
-- point at them (m_orphan_before: the orphans of the data before the period): the account of a
-- patient whose user was gone, and authors or actors of earlier rows. Then the pools of user
-- ids by role (s_pool) that the shared statements pick actors, authors and orphans from,
-- derived from the data since the generator's plan is gone.

CREATE TEMP TABLE m_arrival_user ON COMMIT DROP AS
WITH patient_users AS (
    SELECT DISTINCT p.user_id AS id
    FROM m_orphan_before AS o JOIN dispatch_patient AS p ON p.id = o.legacy_id
    WHERE o.source_table = 'dispatch_patient' AND o.detail = 'user_id'
), other_users AS (
    SELECT t.author_id AS id FROM dispatch_comment AS t JOIN m_orphan_before AS o
        ON o.source_table = 'dispatch_comment' AND o.detail = 'author_id' AND o.legacy_id = t.id
    UNION SELECT t.actor_id FROM dispatch_task AS t JOIN m_orphan_before AS o
        ON o.source_table = 'dispatch_task' AND o.detail = 'actor_id' AND o.legacy_id = t.id
    UNION SELECT t.actor_id FROM dispatch_state AS t JOIN m_orphan_before AS o
        ON o.source_table = 'dispatch_state' AND o.detail = 'actor_id' AND o.legacy_id = t.id
    UNION SELECT t.author_id FROM dispatch_record AS t JOIN m_orphan_before AS o
        ON o.source_table = 'dispatch_record' AND o.detail = 'author_id' AND o.legacy_id = t.id
    UNION SELECT t.creator_id FROM dispatch_project AS t JOIN m_orphan_before AS o
        ON o.source_table = 'dispatch_project' AND o.detail = 'creator_id' AND o.legacy_id = t.id
), candidates AS (
    SELECT id, 'patient' AS kind, 'arrive_patient_users' AS knob FROM patient_users
    UNION ALL
    SELECT id, 'other', 'arrive_users' FROM other_users
    WHERE id NOT IN (SELECT id FROM patient_users)
), ranked AS (
    SELECT c.id, c.kind, c.knob,
           row_number() OVER (PARTITION BY c.kind ORDER BY synthetic.r('mutate.' || c.knob, c.id), c.id) AS rn,
           count(*) OVER (PARTITION BY c.kind) AS n
    FROM candidates AS c
    -- ids above the floor are the new accounts' (the serial may hand them out this period)
    WHERE c.id <= synthetic.id_floor('user_ids')
      AND NOT EXISTS (SELECT 1 FROM auth_user AS u WHERE u.id = c.id)
)
SELECT id, kind FROM ranked WHERE rn <= synthetic.quota(knob, n);

CREATE TEMP TABLE s_user ON COMMIT DROP AS
SELECT synthetic.id_floor('user_ids') + g AS id, 'patient'::text AS kind,
       (synthetic.id_floor('patients') + g)::integer AS k, false AS patient_doctor
FROM generate_series(1, synthetic.population('patients')) AS g
UNION ALL
SELECT id, kind, NULL::integer, false FROM m_arrival_user;
CREATE UNIQUE INDEX ON s_user (id);

-- Roles as the data shows them: a patient row makes a patient, staff flags and group 11 a
-- technician, a settings row or an office link a doctor ('migrated_doctor': those the ground
-- truth migrates as doctors). 'deleted': user ids no account holds (and no patient row: a
-- second patient on one missing account would break its uniqueness).
CREATE TEMP TABLE s_pool ON COMMIT DROP AS
WITH users AS (
    SELECT u.id,
           CASE WHEN p.user_id IS NOT NULL THEN 'patient'
                WHEN u.is_staff AND EXISTS (SELECT 1 FROM auth_user_groups AS g
                                            WHERE g.user_id = u.id AND g.group_id = 11) THEN 'technician'
                WHEN u.is_staff THEN 'staff'
                WHEN c.id IS NOT NULL THEN 'doctor'
                ELSE 'other' END AS kind,
           p.user_id IS NOT NULL AND c.id IS NOT NULL AS patient_doctor
    FROM auth_user AS u
    LEFT JOIN dispatch_patient AS p ON p.user_id = u.id
    LEFT JOIN synthetic.doctor_candidate AS c ON c.id = u.id
)
SELECT kind AS name, array_agg(id ORDER BY id) AS ids FROM users GROUP BY kind
UNION ALL
SELECT 'patient_doctor', array_agg(id ORDER BY id) FROM users WHERE patient_doctor
UNION ALL
SELECT 'migrated_doctor', array_agg(id ORDER BY id) FROM synthetic.migrated_doctor
UNION ALL
SELECT 'deleted', array_agg(g ORDER BY g)
FROM generate_series(1, (SELECT max(id) FROM auth_user)) AS g
WHERE NOT EXISTS (SELECT 1 FROM auth_user AS u WHERE u.id = g)
  AND NOT EXISTS (SELECT 1 FROM dispatch_patient AS p WHERE p.user_id = g)
  AND g NOT IN (SELECT id FROM s_user);
