-- Treatment planning (REFERENCE 1.6): projects, plans (several per project), comments on plans,
-- project brackets, and notes about doctors. Shared by generation and mutation: rows go after
-- synthetic.id_floor(...), comments only on the plans made now.

CREATE OR REPLACE TEMP VIEW s_ids AS
SELECT (SELECT ids FROM s_pool WHERE name = 'technician') AS technicians,
       (SELECT ids FROM s_pool WHERE name = 'staff') AS staff,
       (SELECT ids FROM s_pool WHERE name = 'deleted') AS deleted;

INSERT INTO dispatch_project (id, uid, name, size, public, type, status, creator_id, created_at)
SELECT p.id, md5('project' || p.id),
       CASE WHEN k.is_plan THEN 'Treatment plan ' || (p.id - s.projects_lo)
            ELSE CASE k.type WHEN 0 THEN 'Upper scan' WHEN 1 THEN 'Lower scan'
                             WHEN 2 THEN 'Clinical photos' WHEN 4 THEN 'X-ray' WHEN 5 THEN 'CBCT scan'
                             WHEN 10 THEN 'Simulation' ELSE 'Aligner design' END END,
       100000 + synthetic.ri('project.size', p.id, 80000000),
       synthetic.r('project.public', p.id) < 0.1,
       k.type,
       CASE WHEN synthetic.r('project.status', p.id) < 0.0002 THEN 2 ELSE 0 END,
       CASE WHEN s.doctor_user IS NOT NULL AND synthetic.r('project.by_doctor', p.id) < 0.6 THEN s.doctor_user
            ELSE ids.technicians[1 + synthetic.ri('project.technician', p.id, cardinality(ids.technicians))] END,
       s.t0 + synthetic.r('project.created', p.id) * interval '30 days'
FROM s_instr AS s
CROSS JOIN s_ids AS ids
CROSS JOIN LATERAL generate_series(s.projects_lo + 1, s.projects_hi) AS p(id)
CROSS JOIN LATERAL (
    SELECT p.id - s.projects_lo <= s.n3 AS is_plan,
           CASE WHEN p.id - s.projects_lo <= s.n3 THEN 3
                ELSE (ARRAY[0, 0, 0, 1, 1, 1, 2, 2, 4, 5, 10, 11])[1 + synthetic.ri('project.type', p.id, 12)] END AS type
) AS k;

INSERT INTO dispatch_plan (id, instruction_id, project_id, name, number, notes, original, created_at)
SELECT pl.id, s.id, s.projects_lo + 1 + (pl.id - s.plans_lo - 1) % s.n3,
       'Plan ' || (pl.id - s.plans_lo),
       CASE WHEN synthetic.r('plan.no_number', pl.id) >= 0.05 THEN (pl.id - s.plans_lo)::integer END,
       CASE WHEN synthetic.r('plan.notes', pl.id) < 0.7 THEN NULL
            ELSE synthetic.pick(synthetic.pool('phrase'), synthetic.r('plan.notes_text', pl.id)) END,
       pl.id = s.plans_lo + 1,
       s.t0 + (pl.id - s.plans_lo - 1) * interval '10 days' + synthetic.r('plan.created', pl.id) * interval '5 days'
FROM s_instr AS s
CROSS JOIN LATERAL generate_series(s.plans_lo + 1, s.plans_hi) AS pl(id);

-- Comments: on about one plan in five, by the doctor (60%), a technician or the patient.
INSERT INTO dispatch_comment (id, plan_id, author_id, text, created_at)
SELECT c.id, b.id,
       CASE WHEN a < 0.6 AND s.doctor_user IS NOT NULL THEN s.doctor_user
            WHEN a >= 0.9 AND s.patient_user IS NOT NULL THEN s.patient_user
            ELSE ids.technicians[1 + synthetic.ri('comment.technician', c.id, cardinality(ids.technicians))] END,
       synthetic.pick(synthetic.pool('phrase'), synthetic.r('comment.text1', c.id))
           || CASE WHEN synthetic.r('comment.long', c.id) < 0.5 THEN ' '
                   || synthetic.pick(synthetic.pool('phrase'), synthetic.r('comment.text2', c.id)) ELSE '' END,
       b.created_at + synthetic.r('comment.created', c.id) * interval '20 days'
FROM (
    SELECT pl.id, pl.instruction_id, pl.created_at,
           synthetic.id_floor('comments') + synthetic.share(sum(w) OVER o - w, sum(w) OVER t, synthetic.population('comments')) AS lo,
           synthetic.id_floor('comments') + synthetic.share(sum(w) OVER o, sum(w) OVER t, synthetic.population('comments')) AS hi
    FROM (SELECT p.*, CASE WHEN synthetic.r('plan.commented', p.id) < 0.2
                           THEN round(1e6 * exp(0.5 * synthetic.rnorm('plan.comments', p.id)))::bigint
                           ELSE 0 END AS w
          FROM dispatch_plan AS p WHERE p.id > synthetic.id_floor('plans')) AS pl
    WINDOW o AS (ORDER BY pl.id), t AS ()
) AS b
JOIN s_instr AS s ON s.id = b.instruction_id
CROSS JOIN s_ids AS ids
CROSS JOIN LATERAL generate_series(b.lo + 1, b.hi) AS c(id)
CROSS JOIN LATERAL (SELECT synthetic.r('comment.author', c.id) AS a) AS x;

INSERT INTO dispatch_bracket (id, name, project_id, type)
SELECT b.id,
       synthetic.pick(ARRAY['Roth', 'MBT', 'Damon', 'Victory', 'Clarity', 'Empower'], synthetic.r('bracket.system', b.id))
           || ' ' || synthetic.pick(ARRAY['0.018', '0.022'], synthetic.r('bracket.slot', b.id))
           || ' ' || synthetic.pick(ARRAY['upper', 'lower'], synthetic.r('bracket.arch', b.id)),
       1 + synthetic.ri('bracket.project', b.id, (SELECT max(id) FROM dispatch_project)),
       1 + synthetic.ri('bracket.type', b.id, 3)
FROM generate_series(synthetic.id_floor('brackets') + 1, synthetic.n('brackets')) AS b(id);

-- Notes about doctors, written by about 21 staff members and technicians (2021-05 to 2025-06).
INSERT INTO dispatch_note (id, doctor_id, author_id, text, created_at)
SELECT n.id,
       dist.ids[width_bucket(synthetic.r('note.doctor', n.id), dist.lo)],
       authors.ids[1 + synthetic.ri('note.author', n.id, cardinality(authors.ids))],
       synthetic.pick(synthetic.pool('phrase'), synthetic.r('note.text', n.id)),
       coalesce(synthetic.period_time('notes', n.id),
                timestamptz '2021-05-04 09:00+00'
                + (n.id::double precision / synthetic.n('notes')) * (timestamptz '2025-06-11' - timestamptz '2021-05-04'))
FROM generate_series(synthetic.id_floor('notes') + 1, synthetic.n('notes')) AS n(id)
CROSS JOIN s_doctor_dist AS dist
CROSS JOIN (SELECT (ids.staff || ids.technicians)[1:21] AS ids FROM s_ids AS ids) AS authors;
