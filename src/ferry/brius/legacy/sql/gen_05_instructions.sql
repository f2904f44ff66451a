-- Orders (dispatch_instruction), their jaws and dispatch_order rows (REFERENCE 1.5, 5.2, 8).
-- s_instr_base plans every instruction: its patient, its rank among the patient's orders and its
-- time; gen_05a then sizes each instruction's child blocks.

CREATE TEMP TABLE s_instr_base ON COMMIT DROP AS
WITH patients AS (
    SELECT p.id AS patient_id,
           CASE WHEN p.user_id IN (SELECT id FROM auth_user) THEN p.user_id END AS patient_user,
           CASE WHEN p.doctor_id IN (SELECT id FROM auth_user) THEN p.doctor_id END AS doctor_user,
           p.suffix,
           round(1e6 * exp(0.75 * synthetic.rnorm('instruction.per_patient', p.id)))::bigint AS w
    FROM dispatch_patient AS p
), blocks AS (
    SELECT patients.*,
           synthetic.share(sum(w) OVER o - w, sum(w) OVER a, synthetic.n('instructions')) AS lo,
           synthetic.share(sum(w) OVER o, sum(w) OVER a, synthetic.n('instructions')) AS hi
    FROM patients WINDOW o AS (ORDER BY patient_id), a AS ()
)
SELECT i.id, b.patient_id, b.patient_user, b.doctor_user, b.suffix, (i.id - b.lo)::integer AS ordinal,
       synthetic.ts_at((i.id - 0.5) / synthetic.n('instructions'))
           + (synthetic.r('instruction.t0', i.id) - 0.5) * interval '6 days' AS t0
FROM blocks AS b CROSS JOIN LATERAL generate_series(b.lo + 1, b.hi) AS i(id);
