-- The child blocks of the instructions planned in s_instr_base (id, patient_id, patient_user,
-- doctor_user, suffix, ordinal, t0): children are shared out by seeded integer weights (exact
-- totals: the population of each volume), in contiguous id blocks per instruction after
-- synthetic.id_floor(...), so child ids grow with time like the parents' do. Shared by
-- generation (every instruction) and mutation (a period's new and arriving instructions).

CREATE TEMP TABLE s_instr ON COMMIT DROP AS
WITH base AS (
    SELECT b.id, b.patient_id, b.patient_user, b.doctor_user, b.suffix, b.ordinal, b.t0,
           synthetic.r('instruction.upper', b.id) < 0.85 AS has_upper,
           synthetic.r('instruction.lower', b.id) < 0.85 AS has_lower,
           round(1e6 * exp(0.6 * synthetic.rnorm('instruction.plans', b.id)))::bigint AS w_plans,
           round(1e6 * exp(0.5 * synthetic.rnorm('instruction.tasks', b.id)))::bigint AS w_tasks,
           round(1e6 * exp(0.6 * synthetic.rnorm('instruction.files', b.id)))::bigint AS w_files,
           round(1e6 * b.id::double precision / synthetic.n('instructions') + 1e4)::bigint AS w_states,
           round(1e6 * exp(0.8 * synthetic.rnorm('instruction.records', b.id)))::bigint AS w_records,
           CASE WHEN synthetic.r('instruction.paid', b.id) >= 0.62 THEN 0
                WHEN synthetic.r('instruction.paid_twice', b.id) < 0.12 THEN 2
                ELSE 1 END::bigint AS w_payments
    FROM s_instr_base AS b
), jaws AS (
    SELECT base.*,
           (has_upper OR NOT has_lower)::integer AS nu, has_lower::integer AS nl
    FROM base
)
SELECT id, patient_id, patient_user, doctor_user, suffix, ordinal, t0,
       synthetic.id_floor('jaws') + CASE WHEN nu = 1 THEN sum(nu + nl) OVER o - nl END AS upper_jaw_id,
       synthetic.id_floor('jaws') + CASE WHEN nl = 1 THEN sum(nu + nl) OVER o END AS lower_jaw_id,
       CASE WHEN synthetic.r('instruction.has_order', id) < 0.15 THEN 1 END AS has_order,
       synthetic.id_floor('plans') + synthetic.share(sum(w_plans) OVER o - w_plans, sum(w_plans) OVER a, synthetic.population('plans')) AS plans_lo,
       synthetic.id_floor('plans') + synthetic.share(sum(w_plans) OVER o, sum(w_plans) OVER a, synthetic.population('plans')) AS plans_hi,
       synthetic.id_floor('tasks') + synthetic.share(sum(w_tasks) OVER o - w_tasks, sum(w_tasks) OVER a, synthetic.population('tasks')) AS tasks_lo,
       synthetic.id_floor('tasks') + synthetic.share(sum(w_tasks) OVER o, sum(w_tasks) OVER a, synthetic.population('tasks')) AS tasks_hi,
       synthetic.id_floor('files') + synthetic.share(sum(w_files) OVER o - w_files, sum(w_files) OVER a, synthetic.population('files')) AS files_lo,
       synthetic.id_floor('files') + synthetic.share(sum(w_files) OVER o, sum(w_files) OVER a, synthetic.population('files')) AS files_hi,
       synthetic.id_floor('states') + synthetic.share(sum(w_states) OVER o - w_states, sum(w_states) OVER a, synthetic.population('states')) AS states_lo,
       synthetic.id_floor('states') + synthetic.share(sum(w_states) OVER o, sum(w_states) OVER a, synthetic.population('states')) AS states_hi,
       synthetic.id_floor('records') + synthetic.share(sum(w_records) OVER o - w_records, sum(w_records) OVER a, synthetic.population('records')) AS records_lo,
       synthetic.id_floor('records') + synthetic.share(sum(w_records) OVER o, sum(w_records) OVER a, synthetic.population('records')) AS records_hi,
       synthetic.id_floor('payments') + synthetic.share(sum(w_payments) OVER o - w_payments, sum(w_payments) OVER a, synthetic.population('payments')) AS payments_lo,
       synthetic.id_floor('payments') + synthetic.share(sum(w_payments) OVER o, sum(w_payments) OVER a, synthetic.population('payments')) AS payments_hi
FROM jaws WINDOW o AS (ORDER BY id), a AS ();


-- dispatch_order ids for the 15% of instructions that have one; files: the first half of a
-- block carries the instruction, the second half does not (about 50% of files have none).
ALTER TABLE s_instr ADD COLUMN order_id integer, ADD COLUMN linked_hi bigint,
    ADD COLUMN projects_lo bigint, ADD COLUMN projects_hi bigint, ADD COLUMN n3 integer;
UPDATE s_instr AS s
SET order_id = x.order_id,
    linked_hi = s.files_lo + ceil((s.files_hi - s.files_lo) / 2.0)::bigint,
    n3 = CASE WHEN s.plans_hi > s.plans_lo
               THEN greatest(1, round((s.plans_hi - s.plans_lo)
                                      / (1.2 + 2.0 * synthetic.r('instruction.plans_per_project', s.id))))::integer
               ELSE 0 END
FROM (SELECT id, CASE WHEN has_order = 1
                      THEN synthetic.id_floor('orders') + count(has_order) OVER (ORDER BY id) END AS order_id
      FROM s_instr) AS x
WHERE x.id = s.id;
CREATE UNIQUE INDEX ON s_instr (id);

-- Projects: n3 treatment-plan projects (type 3) that the instruction's plans share (1.2 to 3.2
-- plans each), then other projects (scans, photos ...) to reach the volume.
WITH others AS (
    SELECT id, round(1e6 * exp(0.7 * synthetic.rnorm('instruction.projects', id)))::bigint AS w,
           greatest(synthetic.population('projects') - (SELECT sum(n3) FROM s_instr), 0) AS n_other
    FROM s_instr
), blocks AS (
    SELECT id, synthetic.share(sum(w) OVER o - w, sum(w) OVER a, n_other) AS lo,
           synthetic.share(sum(w) OVER o, sum(w) OVER a, n_other) AS hi
    FROM others WINDOW o AS (ORDER BY id), a AS ()
), sized AS (
    SELECT s.id, s.n3 + b.hi - b.lo AS k FROM s_instr AS s JOIN blocks AS b ON b.id = s.id
)
UPDATE s_instr AS s SET projects_lo = x.hi - x.k, projects_hi = x.hi
FROM (SELECT id, k, synthetic.id_floor('projects') + sum(k) OVER (ORDER BY id) AS hi FROM sized) AS x
WHERE x.id = s.id;
