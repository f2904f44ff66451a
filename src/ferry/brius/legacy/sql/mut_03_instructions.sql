-- A period's orders, planned in the generator's shape (s_instr_base: id, patient_id,
-- patient_user, doctor_user, suffix, ordinal, t0) for gen_05a to size their children: the first
-- order of each new patient, in the order the patients arrived, then refinements and
-- replacements for earlier patients that are not archived, picked by a seeded shuffle (one
-- each). Ids continue after the floor in time order; t0 spreads them over the period.

CREATE TEMP TABLE s_instr_base ON COMMIT DROP AS
WITH fresh AS (
    SELECT p.id AS patient_id,
           (p.id - synthetic.id_floor('patients') - 0.5) / greatest(synthetic.population('patients'), 1) AS slot
    FROM dispatch_patient AS p
    WHERE p.id > synthetic.id_floor('patients')
    ORDER BY p.id
    LIMIT synthetic.population('instructions')
), earlier AS (
    SELECT p.id AS patient_id, synthetic.r('mutate.order_slot', p.id) AS slot
    FROM dispatch_patient AS p
    WHERE p.id <= synthetic.id_floor('patients') AND NOT p.archived
    ORDER BY synthetic.r('mutate.order_patient', p.id), p.id
    LIMIT greatest(synthetic.population('instructions') - (SELECT count(*) FROM fresh), 0)
), numbered AS (
    SELECT c.patient_id,
           synthetic.id_floor('instructions') + row_number() OVER (ORDER BY c.slot, c.patient_id) AS id
    FROM (SELECT * FROM fresh UNION ALL SELECT * FROM earlier) AS c
)
SELECT n.id, n.patient_id,
       CASE WHEN p.user_id IN (SELECT id FROM auth_user) THEN p.user_id END AS patient_user,
       CASE WHEN p.doctor_id IN (SELECT id FROM auth_user) THEN p.doctor_id END AS doctor_user,
       p.suffix,
       (1 + coalesce((SELECT max(i."order") FROM dispatch_instruction AS i
                      WHERE i.patient_id = n.patient_id), 0))::integer AS ordinal,
       synthetic.period_time('instructions', n.id)
           + synthetic.r('instruction.t0', n.id) * interval '1 day' AS t0
FROM numbered AS n JOIN dispatch_patient AS p ON p.id = n.patient_id;
