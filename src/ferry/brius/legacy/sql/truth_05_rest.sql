-- Ground truth, part 5: the entities of tables_rest.sql and the derived tables (teams,
-- courses, permissions and template junctions, patients_doctors_offices, order_cases,
-- system_messages, operations, inventory, settings, actions). Same shape as parts 1-4.
--
-- Pathology attribution (synthetic.cause): a row's own reference is blamed when it is NULL
-- ('null_reference') or points at no row ('orphan'); a parent that exists but is not migrated,
-- and any link further up a chain (operations: payment -> instruction -> patient -> case), is
-- 'cascade': the row itself is sound, an ancestor is the cause.

SELECT synthetic.settle('teams', 'auth_group', (SELECT count(*) FROM auth_group));

-- courses: the course map knows 1, 2, 3, 4, 7, 8 (codes.py COURSE).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'courses', 'dispatch_course', id, 'quarantine', 200, 'unknown_code', 'unknown_code'
FROM dispatch_course WHERE id NOT IN (1, 2, 3, 4, 7, 8);
SELECT synthetic.settle('courses', 'dispatch_course', (SELECT count(*) FROM dispatch_course));

-- role_permissions: a permission that is no auth_permission is refused by the transform (a
-- coercion-level reject, before parents); the role is required.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'role_permissions', 'dispatch_role_permissions', t.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_role_permissions AS t
LEFT JOIN auth_permission AS pm ON pm.id = t.permission_id
LEFT JOIN dispatch_role AS r ON r.id = t.role_id
LEFT JOIN synthetic.lost AS lr ON lr.entity = 'roles' AND lr.legacy_id = t.role_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 200, 'unknown_permission', 'orphan', pm.id IS NULL),
    ('quarantine', 300, 'missing_parent:roles', synthetic.cause(t.role_id, r.id),
     r.id IS NULL OR lr.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('role_permissions', 'dispatch_role_permissions',
                        (SELECT count(*) FROM dispatch_role_permissions));

-- The template junctions: two required parents each, the template first (as declared; the
-- engine resolves parents in declared order and the first missing one names the reason).
CREATE OR REPLACE FUNCTION pg_temp.t_junction(
    p_entity text, p_source regclass,
    first_column text, first_table regclass, first_entity text,
    second_column text, second_table regclass, second_entity text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    seen bigint;
BEGIN
    EXECUTE format(
        'INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)'
        ' SELECT %1$L, %2$L, t.id, ''quarantine'', c.priority, c.detail, c.pathology'
        ' FROM %2$s AS t'
        ' LEFT JOIN %4$s AS p1 ON p1.id = t.%3$I'
        ' LEFT JOIN synthetic.lost AS l1 ON l1.entity = %5$L AND l1.legacy_id = t.%3$I'
        ' LEFT JOIN %7$s AS p2 ON p2.id = t.%6$I'
        ' LEFT JOIN synthetic.lost AS l2 ON l2.entity = %8$L AND l2.legacy_id = t.%6$I'
        ' CROSS JOIN LATERAL (VALUES'
        '  (300, ''missing_parent:'' || %5$L, synthetic.cause(t.%3$I, p1.id), p1.id IS NULL OR l1.legacy_id IS NOT NULL),'
        '  (310, ''missing_parent:'' || %8$L, synthetic.cause(t.%6$I, p2.id), p2.id IS NULL OR l2.legacy_id IS NOT NULL)'
        ' ) AS c(priority, detail, pathology, hit)'
        ' WHERE c.hit',
        p_entity, p_source::text, first_column, first_table, first_entity,
        second_column, second_table, second_entity);
    EXECUTE format('SELECT count(*) FROM %s', p_source) INTO seen;
    PERFORM synthetic.settle(p_entity, p_source::text, seen);
END
$$;
SELECT pg_temp.t_junction('template_edit_roles', 'dispatch_template_edit_roles',
    'template_id', 'dispatch_template', 'templates', 'role_id', 'dispatch_role', 'roles');
SELECT pg_temp.t_junction('template_view_roles', 'dispatch_template_view_roles',
    'template_id', 'dispatch_template', 'templates', 'role_id', 'dispatch_role', 'roles');
SELECT pg_temp.t_junction('template_view_groups', 'dispatch_template_view_groups',
    'template_id', 'dispatch_template', 'templates', 'group_id', 'auth_group', 'teams');
SELECT pg_temp.t_junction('template_products', 'dispatch_template_products',
    'template_id', 'dispatch_template', 'templates', 'product_id', 'dispatch_product', 'products');
SELECT pg_temp.t_junction('template_predecessors', 'dispatch_template_predecessors',
    'from_template_id', 'dispatch_template', 'templates',
    'to_template_id', 'dispatch_template', 'templates');
DROP FUNCTION pg_temp.t_junction(text, regclass, text, regclass, text, text, regclass, text);

-- patients_doctors_offices: one row per patient that names both a doctor and an office; the
-- patient, the doctor (a migrated doctor) and the office are required, in that order.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'patients_doctors_offices', 'dispatch_patient', p.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_patient AS p
LEFT JOIN synthetic.lost AS lp ON lp.entity = 'patients' AND lp.legacy_id = p.id
LEFT JOIN auth_user AS du ON du.id = p.doctor_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = p.doctor_id
LEFT JOIN dispatch_office AS o ON o.id = p.office_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'offices' AND lo.legacy_id = p.office_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'no_doctor_or_office', 'null_reference', p.doctor_id IS NULL OR p.office_id IS NULL),
    ('quarantine', 300, 'missing_parent:patients', 'cascade', lp.legacy_id IS NOT NULL),
    ('quarantine', 310, 'missing_parent:doctors', synthetic.cause(p.doctor_id, du.id), md.id IS NULL),
    ('quarantine', 320, 'missing_parent:offices', synthetic.cause(p.office_id, o.id),
     o.id IS NULL OR lo.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('patients_doctors_offices', 'dispatch_patient', (SELECT count(*) FROM dispatch_patient));

-- order_cases: the order and the case of its patient, both required.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'order_cases', 'dispatch_instruction', i.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_instruction AS i
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = i.id
LEFT JOIN dispatch_patient AS p ON p.id = i.patient_id
LEFT JOIN synthetic.lost AS lc ON lc.entity = 'cases' AND lc.legacy_id = i.patient_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'soft_deleted', 'soft_deleted', i.deleted),
    ('quarantine', 300, 'missing_parent:orders', 'cascade', lo.legacy_id IS NOT NULL),
    ('quarantine', 310, 'missing_parent:cases', synthetic.cause(i.patient_id, p.id),
     p.id IS NULL OR lc.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('order_cases', 'dispatch_instruction', (SELECT count(*) FROM dispatch_instruction));

-- system_messages: the notifications outside the valid subset are skipped. They are 60% of
-- the biggest table, so their outcomes are written straight into expected_outcome (a skip is
-- the first rule: nothing could override it) instead of passing through synthetic.candidate;
-- their pathology is NULL: the lab's valid-subset rule, measured from the data, not a class
-- injected row by row. Inside the subset: a malformed context (not JSON, or JSON null while
-- a template is named) is refused by the transform; the recipient is required; the order
-- (the item when its content type is 9, an instruction) is optional.
INSERT INTO synthetic.expected_outcome (entity, source_table, legacy_id, outcome, reason, pathology)
SELECT 'system_messages', 'dispatch_notification', n.id, 'skip', 'outside_valid_subset', NULL
FROM dispatch_notification AS n
WHERE NOT synthetic.valid_notification(n.send, n.template_context, n.recipient_id);
ANALYZE synthetic.expected_outcome;

-- The few rows some rule hits are found first (OFFSET 0: the rules are then spelled out on
-- them only, not on the 2M rows of the subset).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'system_messages', 'dispatch_notification', n.id, c.kind, c.priority, c.detail, c.pathology
FROM (
    SELECT m.id, m.recipient_id, m.order_id, m.invalid, u.id AS recipient_found,
           lu.legacy_id AS recipient_lost, i.id AS order_found, lo.legacy_id AS order_lost
    FROM (SELECT id, recipient_id, CASE WHEN item_type_id = 9 THEN item_id END AS order_id,
                 synthetic.invalid_context(template_name, template_context) AS invalid
          FROM dispatch_notification
          WHERE synthetic.valid_notification(send, template_context, recipient_id)) AS m
    LEFT JOIN auth_user AS u ON u.id = m.recipient_id
    LEFT JOIN synthetic.lost AS lu ON lu.entity = 'profiles' AND lu.legacy_id = m.recipient_id
    LEFT JOIN dispatch_instruction AS i ON i.id = m.order_id
    LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = m.order_id
    WHERE m.invalid OR u.id IS NULL OR lu.legacy_id IS NOT NULL
       OR (m.order_id IS NOT NULL AND (i.id IS NULL OR lo.legacy_id IS NOT NULL))
    OFFSET 0
) AS n
CROSS JOIN LATERAL (VALUES
    ('quarantine', 200, 'invalid_context', 'invalid_context', n.invalid),
    ('quarantine', 300, 'missing_parent:profiles', synthetic.cause(n.recipient_id, n.recipient_found),
     n.recipient_found IS NULL OR n.recipient_lost IS NOT NULL),
    ('fix', 0, 'optional_parent_null:order_id', synthetic.cause(n.order_id, n.order_found),
     n.order_id IS NOT NULL AND (n.order_found IS NULL OR n.order_lost IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('system_messages', 'dispatch_notification', (SELECT count(*) FROM dispatch_notification));

-- operations: the case is reached through payment -> instruction -> patient (legacy tables,
-- so a payment or an order that is not migrated still leads to its case); no route, or a case
-- that is not migrated, quarantines. The payment itself is optional.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'operations', 'dispatch_operation', o.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_operation AS o
LEFT JOIN dispatch_payment AS p ON p.id = o.payment_id
LEFT JOIN synthetic.lost AS lpay ON lpay.entity = 'payments' AND lpay.legacy_id = o.payment_id
LEFT JOIN dispatch_instruction AS i ON i.id = p.instruction_id
LEFT JOIN dispatch_patient AS pt ON pt.id = i.patient_id
LEFT JOIN synthetic.lost AS lc ON lc.entity = 'cases' AND lc.legacy_id = i.patient_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 200, 'unknown_code', 'unknown_code', o.type NOT IN (1, 2)),
    ('quarantine', 300, 'missing_parent:cases', synthetic.cause(o.payment_id, p.id),
     pt.id IS NULL OR lc.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:payment_id', 'cascade', lpay.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('operations', 'dispatch_operation', (SELECT count(*) FROM dispatch_operation));

SELECT synthetic.settle('storages', 'dispatch_storage', (SELECT count(*) FROM dispatch_storage));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'ware', 'dispatch_ware', w.id, 'fix', 0, c.detail, c.pathology
FROM dispatch_ware AS w
LEFT JOIN dispatch_storage AS s ON s.id = w.storage_id
LEFT JOIN synthetic.lost AS ls ON ls.entity = 'storages' AND ls.legacy_id = w.storage_id
LEFT JOIN dispatch_product AS pr ON pr.id = w.product_id
LEFT JOIN synthetic.lost AS lpr ON lpr.entity = 'products' AND lpr.legacy_id = w.product_id
CROSS JOIN LATERAL (VALUES
    ('optional_parent_null:storage_id', synthetic.cause(w.storage_id, s.id),
     w.storage_id IS NOT NULL AND (s.id IS NULL OR ls.legacy_id IS NOT NULL)),
    ('optional_parent_null:product_id', synthetic.cause(w.product_id, pr.id),
     w.product_id IS NOT NULL AND (pr.id IS NULL OR lpr.legacy_id IS NOT NULL))
) AS c(detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('ware', 'dispatch_ware', (SELECT count(*) FROM dispatch_ware));

SELECT synthetic.settle('global_settings', 'dispatch_globalsetting', (SELECT count(*) FROM dispatch_globalsetting));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'user_actions', 'dispatch_action', a.id, 'fix', 0, c.detail, c.pathology
FROM dispatch_action AS a
LEFT JOIN auth_user AS u ON u.id = a.user_id
LEFT JOIN synthetic.lost AS lu ON lu.entity = 'profiles' AND lu.legacy_id = a.user_id
CROSS JOIN LATERAL (VALUES
    ('optional_parent_null:user_id', synthetic.cause(a.user_id, u.id),
     a.user_id IS NOT NULL AND (u.id IS NULL OR lu.legacy_id IS NOT NULL)),
    ('invalid_json_kept_raw', 'invalid_json', a.data IS NOT NULL AND NOT synthetic.is_json(a.data))
) AS c(detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('user_actions', 'dispatch_action', (SELECT count(*) FROM dispatch_action));
