-- Ground truth, part 2: orders and everything hanging from them (planning, comments, notes,
-- states, tasks).

-- orders: dispatch_instruction; doctor and office are reached through the patient (optional).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'orders', 'dispatch_instruction', i.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_instruction AS i
LEFT JOIN dispatch_patient AS p ON p.id = i.patient_id
LEFT JOIN synthetic.lost AS lp ON lp.entity = 'patients' AND lp.legacy_id = i.patient_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = p.doctor_id
LEFT JOIN dispatch_office AS o ON o.id = p.office_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'soft_deleted', 'soft_deleted', i.deleted),
    ('quarantine', 200, 'unknown_code', 'unknown_code',
     i.status NOT IN (0, 1, 2, 4) OR i.course_id NOT IN (1, 2, 3, 4, 7, 8)),
    ('quarantine', 300, 'missing_parent:patients', synthetic.cause(i.patient_id, p.id),
     p.id IS NULL OR lp.legacy_id IS NOT NULL),
    ('fix', 0, 'invalid_json_kept_raw', 'invalid_json', i.exports IS NOT NULL AND NOT synthetic.is_json(i.exports)),
    ('fix', 0, 'optional_parent_null:doctor_id', 'cascade', p.doctor_id IS NOT NULL AND md.id IS NULL),
    ('fix', 0, 'optional_parent_null:office_id', 'cascade', p.office_id IS NOT NULL AND o.id IS NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('orders', 'dispatch_instruction', (SELECT count(*) FROM dispatch_instruction));

-- jaws: the order is the instruction pointing at the jaw (upper or lower; the lowest id if
-- several); no instruction points at an unreferenced jaw.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'jaws', 'dispatch_jaw', j.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_jaw AS j
LEFT JOIN (
    SELECT jaw_id, min(instruction_id) AS instruction_id
    FROM (SELECT upper_jaw_id AS jaw_id, id AS instruction_id FROM dispatch_instruction
          UNION ALL SELECT lower_jaw_id, id FROM dispatch_instruction) AS refs
    WHERE jaw_id IS NOT NULL GROUP BY jaw_id
) AS ref ON ref.jaw_id = j.id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = ref.instruction_id
LEFT JOIN dispatch_product AS pr ON pr.id = j.product_id
LEFT JOIN synthetic.lost AS lpr ON lpr.entity = 'products' AND lpr.legacy_id = j.product_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:orders',
     CASE WHEN ref.jaw_id IS NULL THEN 'unreferenced_jaw' ELSE 'cascade' END,
     ref.jaw_id IS NULL OR lo.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:product_id', synthetic.cause(j.product_id, pr.id),
     j.product_id IS NOT NULL AND (pr.id IS NULL OR lpr.legacy_id IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('jaws', 'dispatch_jaw', (SELECT count(*) FROM dispatch_jaw));

-- projects: type 0,1,2,3,4,5,10,11 and status 0,2 are known.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'projects', 'dispatch_project', pj.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_project AS pj
LEFT JOIN auth_user AS u ON u.id = pj.creator_id
LEFT JOIN synthetic.lost AS lu ON lu.entity = 'profiles' AND lu.legacy_id = pj.creator_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 200, 'unknown_code', 'unknown_code',
     pj.type NOT IN (0, 1, 2, 3, 4, 5, 10, 11) OR pj.status NOT IN (0, 2)),
    ('fix', 0, 'optional_parent_null:creator_id', synthetic.cause(pj.creator_id, u.id),
     pj.creator_id IS NOT NULL AND (u.id IS NULL OR lu.legacy_id IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('projects', 'dispatch_project', (SELECT count(*) FROM dispatch_project));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'brackets', 'dispatch_bracket', b.id, 'fix', 0, 'optional_parent_null:project_id',
       synthetic.cause(b.project_id, pj.id)
FROM dispatch_bracket AS b
LEFT JOIN dispatch_project AS pj ON pj.id = b.project_id
LEFT JOIN synthetic.lost AS l ON l.entity = 'projects' AND l.legacy_id = b.project_id
WHERE pj.id IS NULL OR l.legacy_id IS NOT NULL;
SELECT synthetic.settle('brackets', 'dispatch_bracket', (SELECT count(*) FROM dispatch_bracket));

-- treatment_plans: the project is required, the order optional.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'treatment_plans', 'dispatch_plan', pl.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_plan AS pl
LEFT JOIN dispatch_project AS pj ON pj.id = pl.project_id
LEFT JOIN synthetic.lost AS lpj ON lpj.entity = 'projects' AND lpj.legacy_id = pl.project_id
LEFT JOIN dispatch_instruction AS i ON i.id = pl.instruction_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = pl.instruction_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:projects', synthetic.cause(pl.project_id, pj.id),
     pj.id IS NULL OR lpj.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:order_id', synthetic.cause(pl.instruction_id, i.id),
     i.id IS NULL OR lo.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('treatment_plans', 'dispatch_plan', (SELECT count(*) FROM dispatch_plan));

-- comments, case_messages and customer_feedback all read dispatch_comment. The case and the
-- patient of a comment are those of its plan's instruction (read in the legacy tables, so an
-- instruction that is not migrated as an order still leads to its patient).
CREATE OR REPLACE TEMP VIEW t_comment AS
SELECT m.id, m.text, m.plan_id, m.author_id,
       u.id AS author_found, lu.legacy_id AS author_lost,
       pl.id AS plan_found, lpl.legacy_id AS plan_lost,
       i.patient_id, c.id AS case_found, lc.legacy_id AS case_lost, lpt.legacy_id AS patient_lost
FROM dispatch_comment AS m
LEFT JOIN auth_user AS u ON u.id = m.author_id
LEFT JOIN synthetic.lost AS lu ON lu.entity = 'profiles' AND lu.legacy_id = m.author_id
LEFT JOIN dispatch_plan AS pl ON pl.id = m.plan_id
LEFT JOIN synthetic.lost AS lpl ON lpl.entity = 'treatment_plans' AND lpl.legacy_id = m.plan_id
LEFT JOIN dispatch_instruction AS i ON i.id = pl.instruction_id
LEFT JOIN dispatch_patient AS c ON c.id = i.patient_id
LEFT JOIN synthetic.lost AS lc ON lc.entity = 'cases' AND lc.legacy_id = i.patient_id
LEFT JOIN synthetic.lost AS lpt ON lpt.entity = 'patients' AND lpt.legacy_id = i.patient_id;

-- comments: from dispatch_comment (on a plan) and from dispatch_note (on a doctor).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'comments', 'dispatch_comment', m.id, c.kind, c.priority, c.detail, c.pathology
FROM t_comment AS m
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(m.text)),
    ('fix', 0, 'optional_parent_null:author_id', synthetic.cause(m.author_id, m.author_found),
     m.author_id IS NOT NULL AND (m.author_found IS NULL OR m.author_lost IS NOT NULL)),
    ('fix', 0, 'optional_parent_null:treatment_plan_id', synthetic.cause(m.plan_id, m.plan_found),
     m.plan_found IS NULL OR m.plan_lost IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('comments', 'dispatch_comment', (SELECT count(*) FROM dispatch_comment));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'comments', 'dispatch_note', n.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_note AS n
LEFT JOIN auth_user AS au ON au.id = n.author_id
LEFT JOIN synthetic.lost AS la ON la.entity = 'profiles' AND la.legacy_id = n.author_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(n.text)),
    ('fix', 0, 'optional_parent_null:author_id', synthetic.cause(n.author_id, au.id),
     n.author_id IS NOT NULL AND (au.id IS NULL OR la.legacy_id IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('comments', 'dispatch_note', (SELECT count(*) FROM dispatch_note));

-- case_messages: the case is required, the plan optional.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'case_messages', 'dispatch_comment', m.id, c.kind, c.priority, c.detail, c.pathology
FROM t_comment AS m
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(m.text)),
    ('quarantine', 300, 'missing_parent:cases',
     CASE WHEN m.plan_found IS NULL THEN 'orphan' ELSE 'cascade' END,
     m.case_found IS NULL OR m.case_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:treatment_plan_id', 'cascade', m.plan_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:sender_id', synthetic.cause(m.author_id, m.author_found),
     m.author_id IS NOT NULL AND (m.author_found IS NULL OR m.author_lost IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('case_messages', 'dispatch_comment', (SELECT count(*) FROM dispatch_comment));

-- customer_feedback: comments and records written by a doctor (synthetic.doctor_source). The
-- author and the patient (the comment's plan's patient, the record's target patient) are optional.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'customer_feedback', 'dispatch_comment', m.id, c.kind, c.priority, c.detail, c.pathology
FROM t_comment AS m
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(m.text)),
    ('skip', 110, 'short_text', 'short_text', char_length(btrim(m.text)) <= 5),
    ('fix', 0, 'optional_parent_null:author_id', 'cascade', m.author_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:patient_id', synthetic.cause(m.patient_id, m.case_found),
     m.patient_id IS NOT NULL AND (m.case_found IS NULL OR m.patient_lost IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit AND m.author_id IN (SELECT id FROM synthetic.doctor_source);
SELECT synthetic.settle('customer_feedback', 'dispatch_comment',
    (SELECT count(*) FROM dispatch_comment WHERE author_id IN (SELECT id FROM synthetic.doctor_source)));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'customer_feedback', 'dispatch_record', r.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_record AS r
LEFT JOIN synthetic.lost AS la ON la.entity = 'profiles' AND la.legacy_id = r.author_id
LEFT JOIN dispatch_patient AS tp ON r.target_type_id = 11 AND tp.id = r.target_id
LEFT JOIN synthetic.lost AS ltp ON r.target_type_id = 11 AND ltp.entity = 'patients' AND ltp.legacy_id = r.target_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(r.text)),
    ('skip', 110, 'short_text', 'short_text', char_length(btrim(r.text)) <= 5),
    ('fix', 0, 'optional_parent_null:author_id', 'cascade', la.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:patient_id', synthetic.cause(r.target_id, tp.id),
     r.target_type_id = 11 AND (tp.id IS NULL OR ltp.legacy_id IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit AND r.author_id IN (SELECT id FROM synthetic.doctor_source);
SELECT synthetic.settle('customer_feedback', 'dispatch_record',
    (SELECT count(*) FROM dispatch_record WHERE author_id IN (SELECT id FROM synthetic.doctor_source)));

-- doctor_notes: the note's comments row and the doctor are required.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'doctor_notes', 'dispatch_note', n.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_note AS n
LEFT JOIN synthetic.lost AS lc ON lc.entity = 'comments' AND lc.source_table = 'dispatch_note'
                              AND lc.legacy_id = n.id
LEFT JOIN auth_user AS du ON du.id = n.doctor_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = n.doctor_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(n.text)),
    ('quarantine', 300, 'missing_parent:comments', 'cascade', lc.legacy_id IS NOT NULL),
    ('quarantine', 310, 'missing_parent:doctors', synthetic.cause(n.doctor_id, du.id), md.id IS NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('doctor_notes', 'dispatch_note', (SELECT count(*) FROM dispatch_note));

-- case_states: the case is that of the instruction's patient (required), the order optional;
-- order_states: the order is required.
CREATE OR REPLACE TEMP VIEW t_state AS
SELECT st.id, st.instruction_id, st.actor_id, i.id AS instruction_found, lo.legacy_id AS order_lost,
       i.patient_id, c.id AS case_found, lc.legacy_id AS case_lost,
       u.id AS actor_found, lu.legacy_id AS actor_lost
FROM dispatch_state AS st
LEFT JOIN dispatch_instruction AS i ON i.id = st.instruction_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = st.instruction_id
LEFT JOIN dispatch_patient AS c ON c.id = i.patient_id
LEFT JOIN synthetic.lost AS lc ON lc.entity = 'cases' AND lc.legacy_id = i.patient_id
LEFT JOIN auth_user AS u ON u.id = st.actor_id
LEFT JOIN synthetic.lost AS lu ON lu.entity = 'profiles' AND lu.legacy_id = st.actor_id;

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'case_states', 'dispatch_state', st.id, c.kind, c.priority, c.detail, c.pathology
FROM t_state AS st
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:cases',
     CASE WHEN st.instruction_found IS NULL THEN synthetic.cause(st.instruction_id, NULL) ELSE 'cascade' END,
     st.case_found IS NULL OR st.case_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:order_id', 'cascade', st.order_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:changed_by', synthetic.cause(st.actor_id, st.actor_found),
     st.actor_id IS NOT NULL AND (st.actor_found IS NULL OR st.actor_lost IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('case_states', 'dispatch_state', (SELECT count(*) FROM dispatch_state));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'order_states', 'dispatch_state', st.id, c.kind, c.priority, c.detail, c.pathology
FROM t_state AS st
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:orders', synthetic.cause(st.instruction_id, st.instruction_found),
     st.instruction_found IS NULL OR st.order_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:changed_by', synthetic.cause(st.actor_id, st.actor_found),
     st.actor_id IS NOT NULL AND (st.actor_found IS NULL OR st.actor_lost IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('order_states', 'dispatch_state', (SELECT count(*) FROM dispatch_state));

-- tasks: the order is required; assignee and template are optional.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'tasks', 'dispatch_task', t.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_task AS t
LEFT JOIN dispatch_instruction AS i ON i.id = t.instruction_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = t.instruction_id
LEFT JOIN auth_user AS u ON u.id = t.actor_id
LEFT JOIN synthetic.lost AS lu ON lu.entity = 'profiles' AND lu.legacy_id = t.actor_id
LEFT JOIN dispatch_template AS tp ON tp.id = t.template_id
LEFT JOIN synthetic.lost AS lt ON lt.entity = 'templates' AND lt.legacy_id = t.template_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:orders', synthetic.cause(t.instruction_id, i.id),
     i.id IS NULL OR lo.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:assigned_to', synthetic.cause(t.actor_id, u.id),
     t.actor_id IS NOT NULL AND (u.id IS NULL OR lu.legacy_id IS NOT NULL)),
    ('fix', 0, 'optional_parent_null:template_id', synthetic.cause(t.template_id, tp.id),
     tp.id IS NULL OR lt.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('tasks', 'dispatch_task', (SELECT count(*) FROM dispatch_task));
