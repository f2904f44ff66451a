-- Workflow: status history of instructions (dispatch_state) and tasks (REFERENCE 1.5, 5.2, 8)
-- of the instructions of s_instr.

INSERT INTO dispatch_state (id, instruction_id, status, "on", actor_id, changed_at)
SELECT st.id, s.id,
       CASE WHEN synthetic.r('state.status', st.id) < 0.55 THEN 11 ELSE 12 END,
       synthetic.r('state.on', st.id) < 0.6,
       CASE WHEN synthetic.r('state.no_actor', st.id) < 0.03 THEN NULL
            ELSE actors.ids[1 + synthetic.ri('state.actor', st.id, cardinality(actors.ids))] END,
       least(s.t0 + synthetic.r('state.changed', st.id) * interval '60 days', synthetic.clock())
FROM s_instr AS s
CROSS JOIN (SELECT (SELECT ids FROM s_pool WHERE name = 'technician')
                   || (SELECT ids FROM s_pool WHERE name = 'staff') AS ids) AS actors
CROSS JOIN LATERAL generate_series(s.states_lo + 1, s.states_hi) AS st(id);

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
