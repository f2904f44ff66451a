-- Pathologies of states and tasks, injected into the rows above synthetic.id_floor(...).

-- States whose instruction is NULL, 0 or gone (about 4% together), in one seeded ranking.
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.state_instruction', id), id) AS rn
    FROM dispatch_state WHERE id > synthetic.id_floor('states')
), bounds AS (
    SELECT synthetic.quota('null_state_instruction', n) AS a,
           synthetic.quota('null_state_instruction', n) + synthetic.quota('zero_state_instruction', n) AS b,
           synthetic.quota('null_state_instruction', n) + synthetic.quota('zero_state_instruction', n)
               + synthetic.quota('orphan_state_instruction', n) AS c
    FROM (SELECT count(*) AS n FROM dispatch_state WHERE id > synthetic.id_floor('states')) AS x
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
WHERE st.id IN (SELECT id FROM dispatch_state WHERE id > synthetic.id_floor('states') AND actor_id IS NOT NULL
                ORDER BY synthetic.r('inject.orphan_state_actor', id), id
                LIMIT synthetic.quota('orphan_state_actor', (SELECT count(*) FROM dispatch_state WHERE id > synthetic.id_floor('states'))));

-- Task pathologies in one seeded ranking (disjoint): NULL instruction, gone instruction, gone
-- actor, template ids 16-20 that do not exist.
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.task', id), id) AS rn
    FROM dispatch_task WHERE id > synthetic.id_floor('tasks')
), bounds AS (
    SELECT q1 AS a, q1 + q2 AS b, q1 + q2 + q3 AS c, q1 + q2 + q3 + q4 AS d
    FROM (SELECT synthetic.quota('null_task_instruction', n) AS q1,
                 synthetic.quota('orphan_task_instruction', n) AS q2,
                 synthetic.quota('orphan_task_actor', n) AS q3,
                 synthetic.quota('orphan_task_template', n) AS q4
          FROM (SELECT count(*) AS n FROM dispatch_task WHERE id > synthetic.id_floor('tasks')) AS x) AS q
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
