-- Ground truth, part 1: offices, people, catalogue. Each entity adds one synthetic.candidate
-- row per rule that fires on one of its source rows (skips 1xx, unknown codes 2xx, required
-- parents 3xx in declared order, target constraints 4xx; fixes 0), then settles: one final
-- outcome per row. Parents are looked up in synthetic.lost, filled by the entities before.

-- offices: every office migrates; duplicates map onto the lowest id of their key, after their
-- own transform (so a merged duplicate lists its own fixes too).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'offices', 'dispatch_office', o.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_office AS o
JOIN synthetic.office_canonical AS k ON k.id = o.id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 200, 'invalid_tax_rate', 'tax_rate_percent', o.tax_rate < 0 OR o.tax_rate >= 100),
    ('fix', 0, 'merged_duplicate_office', 'duplicate_office', k.canonical <> o.id),
    ('fix', 0, 'tax_rate_percent', 'tax_rate_percent', synthetic.percent_rate(o.tax_rate)),
    ('fix', 0, 'country_normalised', 'country_variant', synthetic.usa_variant(o.country))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('offices', 'dispatch_office', (SELECT count(*) FROM dispatch_office));

-- profiles: one per auth_user, all of them (inactive included).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'profiles', 'auth_user', u.id, c.kind, c.priority, c.detail, c.pathology
FROM auth_user AS u
LEFT JOIN dispatch_patient AS p ON p.user_id = u.id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 400, 'constraint:profiles_patient_suffix_format', 'malformed_suffix',
     NOT synthetic.blank(p.suffix) AND NOT synthetic.valid_suffix(p.suffix)),
    ('fix', 0, 'invalid_email_nulled', 'invalid_email',
     btrim(u.email) <> '' AND NOT synthetic.valid_email(u.email)),
    ('fix', 0, 'empty_string_null', 'blank_email', btrim(u.email) = ''),
    ('fix', 0, 'blank_name_unknown', 'blank_name', synthetic.blank(u.first_name) OR synthetic.blank(u.last_name)),
    ('fix', 0, 'empty_string_null', 'blank_suffix', p.suffix IS NOT NULL AND btrim(p.suffix) = '')
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('profiles', 'auth_user', (SELECT count(*) FROM auth_user));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'categories', 'dispatch_category', g.id, 'fix', 0, 'optional_parent_null:parent_id', 'orphan'
FROM dispatch_category AS g
WHERE g.parent_id IS NOT NULL AND g.parent_id NOT IN (SELECT id FROM dispatch_category);
SELECT synthetic.settle('categories', 'dispatch_category', (SELECT count(*) FROM dispatch_category));

SELECT synthetic.settle('roles', 'dispatch_role', (SELECT count(*) FROM dispatch_role));
-- technician_roles: the roles of group 11 (a catalogue: technician_id stays NULL).
SELECT synthetic.settle('technician_roles', 'dispatch_role',
                        (SELECT count(*) FROM dispatch_role WHERE group_id = 11));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'templates', 'dispatch_template', t.id, 'fix', 0, 'optional_parent_null:category_id', 'orphan'
FROM dispatch_template AS t
WHERE t.category_id IS NOT NULL AND t.category_id NOT IN (SELECT id FROM dispatch_category);
SELECT synthetic.settle('templates', 'dispatch_template', (SELECT count(*) FROM dispatch_template));

-- products: course_type comes from course_id (1 main, 2 refinement, 3 replacement, 4 any,
-- 7 invoice, 8 merchandise); any other course is an unknown code.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'products', 'dispatch_product', pr.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_product AS pr
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'soft_deleted', 'soft_deleted', pr.deleted),
    ('quarantine', 200, 'unknown_code', 'unknown_code', pr.course_id NOT IN (1, 2, 3, 4, 7, 8)),
    ('fix', 0, 'invalid_json_kept_raw', 'invalid_json',
     pr.customization IS NOT NULL AND NOT synthetic.is_json(pr.customization))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('products', 'dispatch_product', (SELECT count(*) FROM dispatch_product));

-- doctors: one per candidate that is not a patient; primary office = the lowest office id
-- among the doctor's links.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'doctors', 'auth_user', u.id, c.kind, c.priority, c.detail, c.pathology
FROM synthetic.doctor_source AS d
JOIN auth_user AS u ON u.id = d.id
LEFT JOIN synthetic.lost AS lp ON lp.entity = 'profiles' AND lp.legacy_id = u.id
LEFT JOIN LATERAL (SELECT min(l.office_id) AS office_id FROM dispatch_office_doctors AS l
                   WHERE l.user_id = u.id) AS primary_office ON true
LEFT JOIN dispatch_office AS o ON o.id = primary_office.office_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'test_account', 'test_account', synthetic.test_account(u.email, u.first_name, u.last_name)),
    ('quarantine', 300, 'missing_parent:profiles', 'cascade', lp.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:primary_office_id', synthetic.cause(primary_office.office_id, o.id),
     primary_office.office_id IS NOT NULL AND o.id IS NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('doctors', 'auth_user', (SELECT count(*) FROM synthetic.doctor_source));

-- technicians: users in group 11.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'technicians', 'auth_user', u.id, 'quarantine', 300, 'missing_parent:profiles', 'cascade'
FROM auth_user AS u
JOIN synthetic.lost AS lp ON lp.entity = 'profiles' AND lp.legacy_id = u.id
WHERE EXISTS (SELECT 1 FROM auth_user_groups AS g WHERE g.user_id = u.id AND g.group_id = 11);
SELECT synthetic.settle('technicians', 'auth_user',
    (SELECT count(*) FROM auth_user AS u
     WHERE EXISTS (SELECT 1 FROM auth_user_groups AS g WHERE g.user_id = u.id AND g.group_id = 11)));

-- doctor_offices: one per link; a second link of a doctor to the same merged office would
-- break the target's UNIQUE (doctor_id, office_id).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'doctor_offices', 'dispatch_office_doctors', l.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_office_doctors AS l
LEFT JOIN auth_user AS u ON u.id = l.user_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = l.user_id
LEFT JOIN dispatch_office AS o ON o.id = l.office_id
LEFT JOIN synthetic.office_canonical AS k ON k.id = l.office_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:doctors', synthetic.cause(l.user_id, u.id), md.id IS NULL),
    ('quarantine', 310, 'missing_parent:offices', synthetic.cause(l.office_id, o.id), o.id IS NULL),
    ('quarantine', 400, 'constraint:doctor_offices_doctor_id_office_id_key', 'duplicate_office',
     EXISTS (SELECT 1 FROM dispatch_office_doctors AS l2
             JOIN synthetic.office_canonical AS k2 ON k2.id = l2.office_id
             WHERE l2.user_id = l.user_id AND l2.id < l.id AND k2.canonical = k.canonical))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('doctor_offices', 'dispatch_office_doctors', (SELECT count(*) FROM dispatch_office_doctors));

-- patients: all of them; the primary doctor and the office are optional.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'patients', 'dispatch_patient', p.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_patient AS p
LEFT JOIN auth_user AS u ON u.id = p.user_id
LEFT JOIN synthetic.lost AS lp ON lp.entity = 'profiles' AND lp.legacy_id = p.user_id
LEFT JOIN auth_user AS du ON du.id = p.doctor_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = p.doctor_id
LEFT JOIN dispatch_office AS o ON o.id = p.office_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:profiles', synthetic.cause(p.user_id, u.id),
     u.id IS NULL OR lp.legacy_id IS NOT NULL),
    ('fix', 0, 'empty_string_null', 'blank_suffix', p.suffix IS NOT NULL AND btrim(p.suffix) = ''),
    ('fix', 0, 'invalid_json_kept_raw', 'invalid_json', p.schemes IS NOT NULL AND NOT synthetic.is_json(p.schemes)),
    ('fix', 0, 'optional_parent_null:primary_doctor_id', synthetic.cause(p.doctor_id, du.id),
     p.doctor_id IS NOT NULL AND md.id IS NULL),
    ('fix', 0, 'optional_parent_null:assigned_office_id', synthetic.cause(p.office_id, o.id),
     p.office_id IS NOT NULL AND o.id IS NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('patients', 'dispatch_patient', (SELECT count(*) FROM dispatch_patient));

-- cases: one per patient (no default doctor).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'cases', 'dispatch_patient', p.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_patient AS p
LEFT JOIN synthetic.lost AS lp ON lp.entity = 'patients' AND lp.legacy_id = p.id
LEFT JOIN auth_user AS du ON du.id = p.doctor_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = p.doctor_id
LEFT JOIN dispatch_office AS o ON o.id = p.office_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:patients', 'cascade', lp.legacy_id IS NOT NULL),
    ('fix', 0, 'optional_parent_null:primary_doctor_id', synthetic.cause(p.doctor_id, du.id),
     p.doctor_id IS NOT NULL AND md.id IS NULL),
    ('fix', 0, 'optional_parent_null:office_id', synthetic.cause(p.office_id, o.id),
     p.office_id IS NOT NULL AND o.id IS NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('cases', 'dispatch_patient', (SELECT count(*) FROM dispatch_patient));
