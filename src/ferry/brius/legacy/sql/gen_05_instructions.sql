-- Orders (dispatch_instruction), their jaws and dispatch_order rows (REFERENCE 1.5, 5.2, 8).
-- s_instr plans every instruction and the size of each of its child blocks: children are
-- shared out by seeded integer weights (exact totals), in contiguous id blocks per instruction,
-- so child ids grow with time like the parents' do.

CREATE TEMP TABLE s_instr ON COMMIT DROP AS
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
), base AS (
    SELECT i.id, b.patient_id, b.patient_user, b.doctor_user, b.suffix, (i.id - b.lo)::integer AS ordinal,
           synthetic.ts_at((i.id - 0.5) / synthetic.n('instructions'))
               + (synthetic.r('instruction.t0', i.id) - 0.5) * interval '6 days' AS t0,
           synthetic.r('instruction.upper', i.id) < 0.85 AS has_upper,
           synthetic.r('instruction.lower', i.id) < 0.85 AS has_lower,
           round(1e6 * exp(0.6 * synthetic.rnorm('instruction.plans', i.id)))::bigint AS w_plans,
           round(1e6 * exp(0.5 * synthetic.rnorm('instruction.tasks', i.id)))::bigint AS w_tasks,
           round(1e6 * exp(0.6 * synthetic.rnorm('instruction.files', i.id)))::bigint AS w_files,
           round(1e6 * i.id::double precision / synthetic.n('instructions') + 1e4)::bigint AS w_states,
           round(1e6 * exp(0.8 * synthetic.rnorm('instruction.records', i.id)))::bigint AS w_records,
           CASE WHEN synthetic.r('instruction.paid', i.id) >= 0.62 THEN 0
                WHEN synthetic.r('instruction.paid_twice', i.id) < 0.12 THEN 2
                ELSE 1 END::bigint AS w_payments
    FROM blocks AS b CROSS JOIN LATERAL generate_series(b.lo + 1, b.hi) AS i(id)
), jaws AS (
    SELECT base.*,
           (has_upper OR NOT has_lower)::integer AS nu, has_lower::integer AS nl
    FROM base
)
SELECT id, patient_id, patient_user, doctor_user, suffix, ordinal, t0,
       CASE WHEN nu = 1 THEN sum(nu + nl) OVER o - nl END AS upper_jaw_id,
       CASE WHEN nl = 1 THEN sum(nu + nl) OVER o END AS lower_jaw_id,
       CASE WHEN synthetic.r('instruction.has_order', id) < 0.15 THEN 1 END AS has_order,
       synthetic.share(sum(w_plans) OVER o - w_plans, sum(w_plans) OVER a, synthetic.n('plans')) AS plans_lo,
       synthetic.share(sum(w_plans) OVER o, sum(w_plans) OVER a, synthetic.n('plans')) AS plans_hi,
       synthetic.share(sum(w_tasks) OVER o - w_tasks, sum(w_tasks) OVER a, synthetic.n('tasks')) AS tasks_lo,
       synthetic.share(sum(w_tasks) OVER o, sum(w_tasks) OVER a, synthetic.n('tasks')) AS tasks_hi,
       synthetic.share(sum(w_files) OVER o - w_files, sum(w_files) OVER a, synthetic.n('files')) AS files_lo,
       synthetic.share(sum(w_files) OVER o, sum(w_files) OVER a, synthetic.n('files')) AS files_hi,
       synthetic.share(sum(w_states) OVER o - w_states, sum(w_states) OVER a, synthetic.n('states')) AS states_lo,
       synthetic.share(sum(w_states) OVER o, sum(w_states) OVER a, synthetic.n('states')) AS states_hi,
       synthetic.share(sum(w_records) OVER o - w_records, sum(w_records) OVER a, synthetic.n('records')) AS records_lo,
       synthetic.share(sum(w_records) OVER o, sum(w_records) OVER a, synthetic.n('records')) AS records_hi,
       synthetic.share(sum(w_payments) OVER o - w_payments, sum(w_payments) OVER a, synthetic.n('payments')) AS payments_lo,
       synthetic.share(sum(w_payments) OVER o, sum(w_payments) OVER a, synthetic.n('payments')) AS payments_hi
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
FROM (SELECT id, CASE WHEN has_order = 1 THEN count(has_order) OVER (ORDER BY id) END AS order_id FROM s_instr) AS x
WHERE x.id = s.id;
CREATE UNIQUE INDEX ON s_instr (id);

-- Projects: n3 treatment-plan projects (type 3) that the instruction's plans share (1.2 to 3.2
-- plans each), then other
-- projects (scans, photos ...) to reach the volume.
WITH others AS (
    SELECT id, round(1e6 * exp(0.7 * synthetic.rnorm('instruction.projects', id)))::bigint AS w,
           greatest(synthetic.n('projects') - (SELECT sum(n3) FROM s_instr), 0) AS n_other
    FROM s_instr
), blocks AS (
    SELECT id, synthetic.share(sum(w) OVER o - w, sum(w) OVER a, n_other) AS lo,
           synthetic.share(sum(w) OVER o, sum(w) OVER a, n_other) AS hi
    FROM others WINDOW o AS (ORDER BY id), a AS ()
), sized AS (
    SELECT s.id, s.n3 + b.hi - b.lo AS k FROM s_instr AS s JOIN blocks AS b ON b.id = s.id
)
UPDATE s_instr AS s SET projects_lo = x.hi - x.k, projects_hi = x.hi
FROM (SELECT id, k, sum(k) OVER (ORDER BY id) AS hi FROM sized) AS x
WHERE x.id = s.id;

INSERT INTO dispatch_instruction (id, patient_id, course_id, status, deleted, submitted_at,
                                  updated_at, notes, complaint, conditions, objective, scanner_notes,
                                  comprehensive, accept_extraction, cbct, model, scanner, "order",
                                  exports, price, suffix, upper_jaw_id, lower_jaw_id)
SELECT s.id, s.patient_id, c.course,
       CASE WHEN st < 0.05 THEN 0 WHEN st < 0.2 THEN 1 WHEN st < 0.5 THEN 2 ELSE 4 END,
       false,
       CASE WHEN synthetic.r('instruction.no_submit', s.id) >= 0.01 THEN s.t0 END,
       s.t0 + synthetic.r('instruction.updated', s.id) * interval '90 days',
       CASE WHEN synthetic.r('instruction.notes', s.id) < 0.5 THEN NULL
            ELSE synthetic.pick(synthetic.pool('phrase'), synthetic.r('instruction.notes_text', s.id)) END,
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'Crowding', 'Spacing', 'Overbite'], synthetic.r('instruction.complaint', s.id)),
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'Class II', 'Class I', 'Open bite'], synthetic.r('instruction.conditions', s.id)),
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'Align both arches', 'Close spaces', 'Level the curve'], synthetic.r('instruction.objective', s.id)),
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'iTero', '3Shape', 'Medit'], synthetic.r('instruction.scanner_notes', s.id)),
       CASE WHEN synthetic.r('instruction.comprehensive', s.id) < 0.3 THEN NULL ELSE synthetic.r('instruction.comprehensive_v', s.id) < 0.5 END,
       CASE WHEN synthetic.r('instruction.extraction', s.id) < 0.3 THEN NULL ELSE synthetic.r('instruction.extraction_v', s.id) < 0.1 END,
       synthetic.r('instruction.cbct', s.id) < 0.2,
       CASE WHEN synthetic.r('instruction.model', s.id) < 0.4 THEN NULL ELSE 1 + synthetic.ri('instruction.model_v', s.id, 5) END,
       CASE WHEN synthetic.r('instruction.scanner', s.id) < 0.3 THEN NULL ELSE 1 + synthetic.ri('instruction.scanner_v', s.id, 8) END,
       s.ordinal,
       CASE WHEN ex < 0.6 THEN '{}' WHEN ex < 0.8 THEN NULL
            ELSE '{"stl": "exports/' || md5('export' || s.id) || '.zip"}' END,
       CASE WHEN synthetic.r('instruction.no_price', s.id) < 0.05 THEN NULL
            ELSE CASE c.course WHEN 1 THEN 1495 + 100 * synthetic.ri('instruction.price', s.id, 6)
                               WHEN 2 THEN 295 * synthetic.ri('instruction.price', s.id, 2)
                               WHEN 3 THEN 150 WHEN 4 THEN 995
                               WHEN 7 THEN 50 + 10 * synthetic.ri('instruction.price', s.id, 45)
                               ELSE 15 + synthetic.ri('instruction.price', s.id, 45) END END,
       CASE WHEN char_length(s.suffix) = 4 THEN s.suffix END,
       s.upper_jaw_id, s.lower_jaw_id
FROM s_instr AS s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.ordinal = 1 THEN 1
                WHEN u < 0.45 THEN 2 WHEN u < 0.6 THEN 3 WHEN u < 0.7 THEN 4 WHEN u < 0.8 THEN 7
                WHEN u < 0.88 THEN 8 ELSE 1 END AS course,
           synthetic.r('instruction.status', s.id) AS st,
           synthetic.r('instruction.exports', s.id) AS ex
    FROM (SELECT synthetic.r('instruction.course', s.id) AS u) AS x
) AS c;

INSERT INTO dispatch_order (id, instruction_id, course_id, patient_id)
SELECT s.order_id, i.id, i.course_id, i.patient_id
FROM s_instr AS s JOIN dispatch_instruction AS i ON i.id = s.id
WHERE s.order_id IS NOT NULL;

INSERT INTO dispatch_jaw (id, product_id, reason, labial, bond_teeth, extract_teeth)
SELECT j.id,
       CASE WHEN synthetic.r('jaw.no_product', j.id) < 0.1 THEN NULL
            ELSE (ARRAY[1, 2, 3, 4, 6, 13, 17])[1 + synthetic.ri('jaw.product', j.id, 7)] END,
       CASE WHEN synthetic.r('jaw.reason', j.id) < 0.8 THEN NULL ELSE 1 + synthetic.ri('jaw.reason_v', j.id, 3) END,
       synthetic.r('jaw.labial', j.id) < 0.3,
       CASE WHEN synthetic.r('jaw.bond', j.id) < 0.5 THEN '' ELSE '13,23' END,
       CASE WHEN synthetic.r('jaw.extract', j.id) < 0.9 THEN '' ELSE '14,24' END
FROM (SELECT upper_jaw_id AS id FROM s_instr WHERE upper_jaw_id IS NOT NULL
      UNION ALL SELECT lower_jaw_id FROM s_instr WHERE lower_jaw_id IS NOT NULL) AS j;

-- Pathologies of instructions.
WITH upd AS (
    UPDATE dispatch_instruction SET deleted = true
    WHERE id IN (SELECT id FROM dispatch_instruction ORDER BY synthetic.r('inject.soft_deleted', id), id
                 LIMIT synthetic.quota('soft_deleted_instruction', synthetic.n('instructions')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_instruction', id, 'soft_deleted', 'deleted' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.unknown_status', id), id) AS rn
    FROM dispatch_instruction WHERE NOT deleted
), upd AS (
    UPDATE dispatch_instruction AS i SET status = CASE WHEN c.rn % 2 = 1 THEN 3 ELSE 7 END
    FROM chosen AS c
    WHERE i.id = c.id AND c.rn <= synthetic.quota('unknown_order_status', synthetic.n('instructions'))
    RETURNING i.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_instruction', id, 'unknown_code', 'status' FROM upd;

UPDATE dispatch_instruction SET patient_id = synthetic.n('patients') + 1000 + id
WHERE id IN (SELECT id FROM dispatch_instruction WHERE NOT deleted AND status IN (0, 1, 2, 4)
             ORDER BY synthetic.r('inject.orphan_instruction_patient', id), id
             LIMIT synthetic.quota('orphan_instruction_patient', synthetic.n('instructions')));

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_exports', id), id) AS rn
    FROM dispatch_instruction
), upd AS (
    UPDATE dispatch_instruction AS i
    SET exports = (ARRAY['{"stl": "exports/upper.zip"', '{''stl'': 1}', 'undefined'])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE i.id = c.id AND c.rn <= synthetic.quota('invalid_json_exports', synthetic.n('instructions'))
    RETURNING i.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_instruction', id, 'invalid_json', 'exports' FROM upd;

-- Jaws no instruction points at any more (the instruction lost its upper jaw).
WITH chosen AS (
    SELECT id, upper_jaw_id FROM dispatch_instruction WHERE upper_jaw_id IS NOT NULL
    ORDER BY synthetic.r('inject.unreferenced_jaw', id), id
    LIMIT synthetic.quota('unreferenced_jaw', (SELECT count(*) FROM dispatch_jaw))
), upd AS (
    UPDATE dispatch_instruction AS i SET upper_jaw_id = NULL
    FROM chosen AS c WHERE i.id = c.id
    RETURNING c.upper_jaw_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_jaw', upper_jaw_id, 'unreferenced_jaw', '' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.jaw_product', id), id) AS rn
    FROM dispatch_jaw
), upd AS (
    UPDATE dispatch_jaw AS j
    SET product_id = (ARRAY[5, 11, 7, 14, 8, 16, 10, 18, 12, 21, 15, 23, 19, 26, 20, 29, 24, 25, 28, 30])[1 + (c.rn - 1) % 20]
    FROM chosen AS c
    WHERE j.id = c.id AND c.rn <= synthetic.quota('jaw_product_not_migrated', (SELECT count(*) FROM dispatch_jaw))
    RETURNING j.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_jaw', id, 'parent_not_migrated', 'product_id' FROM upd;

UPDATE dispatch_jaw SET product_id = 100 + id % 50
WHERE id IN (SELECT id FROM dispatch_jaw
             WHERE id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE source_table = 'dispatch_jaw')
             ORDER BY synthetic.r('inject.orphan_jaw_product', id), id
             LIMIT synthetic.quota('orphan_jaw_product', (SELECT count(*) FROM dispatch_jaw)));
