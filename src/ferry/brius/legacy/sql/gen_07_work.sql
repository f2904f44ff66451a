-- Workflow: status history of instructions (dispatch_state) and tasks (REFERENCE 1.5, 5.2, 8).

INSERT INTO dispatch_state (id, instruction_id, status, "on", actor_id, changed_at)
SELECT st.id, s.id,
       CASE WHEN synthetic.r('state.status', st.id) < 0.55 THEN 11 ELSE 12 END,
       synthetic.r('state.on', st.id) < 0.6,
       CASE WHEN synthetic.r('state.no_actor', st.id) < 0.03 THEN NULL
            ELSE actors.ids[1 + synthetic.ri('state.actor', st.id, cardinality(actors.ids))] END,
       least(s.t0 + synthetic.r('state.changed', st.id) * interval '60 days', timestamptz '2025-10-01')
FROM s_instr AS s
CROSS JOIN (SELECT (SELECT ids FROM s_pool WHERE name = 'technician')
                   || (SELECT ids FROM s_pool WHERE name = 'staff') AS ids) AS actors
CROSS JOIN LATERAL generate_series(s.states_lo + 1, s.states_hi) AS st(id);

-- States whose instruction is NULL, 0 or gone (about 4% together), in one seeded ranking.
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.state_instruction', id), id) AS rn
    FROM dispatch_state
), bounds AS (
    SELECT synthetic.quota('null_state_instruction', n) AS a,
           synthetic.quota('null_state_instruction', n) + synthetic.quota('zero_state_instruction', n) AS b,
           synthetic.quota('null_state_instruction', n) + synthetic.quota('zero_state_instruction', n)
               + synthetic.quota('orphan_state_instruction', n) AS c
    FROM (SELECT count(*) AS n FROM dispatch_state) AS x
), upd AS (
    UPDATE dispatch_state AS st
    SET instruction_id = CASE WHEN r.rn <= b.a THEN NULL WHEN r.rn <= b.b THEN 0
                              ELSE synthetic.n('instructions') + 100 + st.id % 1000 END
    FROM ranked AS r, bounds AS b
    WHERE st.id = r.id AND r.rn <= b.c
    RETURNING st.id, st.instruction_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_state', id, 'null_reference', 'instruction_id' FROM upd WHERE instruction_id IS NULL;

UPDATE dispatch_state AS st
SET actor_id = ids.deleted[1 + synthetic.ri('pick.deleted', st.id, cardinality(ids.deleted))]
FROM s_ids AS ids
WHERE st.id IN (SELECT id FROM dispatch_state WHERE actor_id IS NOT NULL
                ORDER BY synthetic.r('inject.orphan_state_actor', id), id
                LIMIT synthetic.quota('orphan_state_actor', (SELECT count(*) FROM dispatch_state)));

-- Tasks: a block per instruction; templates follow the workflow order; some tasks point at a
-- plan, a dispatch_order or a file of the same instruction.
INSERT INTO dispatch_task (id, instruction_id, plan_id, order_id, file_id, template_id, actor_id,
                           checked, done_at, text, jaw)
SELECT t.id, s.id,
       CASE WHEN s.plans_hi > s.plans_lo AND synthetic.r('task.plan', t.id) < 0.3
            THEN s.plans_lo + 1 + (t.id - s.tasks_lo - 1) % (s.plans_hi - s.plans_lo) END,
       CASE WHEN s.order_id IS NOT NULL AND synthetic.r('task.order', t.id) < 0.5 THEN s.order_id END,
       CASE WHEN s.linked_hi > s.files_lo AND synthetic.r('task.file', t.id) < 0.2
            THEN s.files_lo + 1 + (t.id - s.tasks_lo - 1) % (s.linked_hi - s.files_lo) END,
       tpl.ids[1 + ((t.id - s.tasks_lo - 1) * 7 + s.id) % cardinality(tpl.ids)],
       CASE WHEN synthetic.r('task.no_actor', t.id) < 0.1 THEN NULL
            ELSE actors.ids[1 + synthetic.ri('task.actor', t.id, cardinality(actors.ids))] END,
       x.checked,
       CASE WHEN x.checked OR synthetic.r('task.started', t.id) < 0.1
            THEN s.t0 + (t.id - s.tasks_lo) * interval '6 hours' END,
       CASE WHEN x.tx < 0.7 THEN NULL WHEN x.tx < 0.8 THEN ''
            ELSE synthetic.pick(synthetic.pool('phrase'), synthetic.r('task.text_v', t.id)) END,
       CASE WHEN synthetic.r('task.jaw', t.id) < 0.4 THEN NULL ELSE synthetic.ri('task.jaw_v', t.id, 3) END
FROM s_instr AS s
CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM dispatch_template) AS tpl
CROSS JOIN (SELECT ids FROM s_pool WHERE name = 'technician') AS actors
CROSS JOIN LATERAL generate_series(s.tasks_lo + 1, s.tasks_hi) AS t(id)
CROSS JOIN LATERAL (
    SELECT synthetic.r('task.checked', t.id) < 0.8 AS checked, synthetic.r('task.text', t.id) AS tx
) AS x;

-- Task pathologies in one seeded ranking (disjoint): NULL instruction, gone instruction, gone
-- actor, template ids 16-20 that do not exist.
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.task', id), id) AS rn
    FROM dispatch_task
), bounds AS (
    SELECT q1 AS a, q1 + q2 AS b, q1 + q2 + q3 AS c, q1 + q2 + q3 + q4 AS d
    FROM (SELECT synthetic.quota('null_task_instruction', n) AS q1,
                 synthetic.quota('orphan_task_instruction', n) AS q2,
                 synthetic.quota('orphan_task_actor', n) AS q3,
                 synthetic.quota('orphan_task_template', n) AS q4
          FROM (SELECT count(*) AS n FROM dispatch_task) AS x) AS q
), upd AS (
    UPDATE dispatch_task AS t
    SET instruction_id = CASE WHEN r.rn <= b.a THEN NULL
                              WHEN r.rn <= b.b THEN synthetic.n('instructions') + 100 + t.id % 1000
                              ELSE t.instruction_id END,
        actor_id = CASE WHEN r.rn > b.b AND r.rn <= b.c
                        THEN ids.deleted[1 + synthetic.ri('pick.deleted', t.id, cardinality(ids.deleted))]
                        ELSE t.actor_id END,
        template_id = CASE WHEN r.rn > b.c THEN 16 + t.id % 5 ELSE t.template_id END
    FROM ranked AS r, bounds AS b, s_ids AS ids
    WHERE t.id = r.id AND r.rn <= b.d
    RETURNING t.id, r.rn <= b.a AS nulled
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_task', id, 'null_reference', 'instruction_id' FROM upd WHERE nulled;
