-- Catalogue tables: fixed sizes whatever the scale (groups, content types, courses, products,
-- categories, templates, roles). Products carry their pathologies by construction, the same at
-- every scale: 12 soft-deleted, 8 on a course with no course_type mapping (5, 6), 2 with
-- malformed customization JSON.

INSERT INTO auth_group (id, name) VALUES
    (1, 'Patient'), (2, 'Doctor'), (3, 'Billing'), (4, 'Admin'), (5, 'Master'), (6, 'Sales'),
    (7, 'Support'), (8, 'Export'), (9, 'External Partners'), (11, 'Technician');

INSERT INTO django_content_type (id, app_label, model) VALUES
    (1, 'admin', 'logentry'),
    (2, 'auth', 'permission'),
    (3, 'auth', 'group'),
    (4, 'contenttypes', 'contenttype'),
    (5, 'sessions', 'session'),
    (6, 'dispatch', 'action'),
    (7, 'dispatch', 'agent'),
    (8, 'dispatch', 'bracket'),
    (9, 'dispatch', 'instruction'),
    (10, 'dispatch', 'category'),
    (11, 'dispatch', 'patient'),
    (12, 'dispatch', 'plan'),
    (13, 'dispatch', 'client'),
    (14, 'dispatch', 'client3d'),
    (15, 'dispatch', 'comment'),
    (16, 'dispatch', 'course'),
    (17, 'dispatch', 'discount'),
    (18, 'dispatch', 'doctorsetting'),
    (19, 'dispatch', 'event'),
    (20, 'dispatch', 'file'),
    (21, 'dispatch', 'globalsetting'),
    (22, 'dispatch', 'instance'),
    (23, 'dispatch', 'jaw'),
    (24, 'dispatch', 'language'),
    (25, 'dispatch', 'link'),
    (26, 'dispatch', 'master'),
    (27, 'dispatch', 'note'),
    (28, 'dispatch', 'notification'),
    (29, 'dispatch', 'offer'),
    (30, 'dispatch', 'office'),
    (31, 'dispatch', 'operation'),
    (32, 'dispatch', 'order'),
    (33, 'dispatch', 'payment'),
    (34, 'dispatch', 'product'),
    (35, 'dispatch', 'project'),
    (36, 'dispatch', 'purchase'),
    (37, 'dispatch', 'reading'),
    (38, 'dispatch', 'record'),
    (39, 'dispatch', 'role'),
    (40, 'dispatch', 'state'),
    (41, 'dispatch', 'storage'),
    (42, 'dispatch', 'task'),
    (43, 'dispatch', 'template'),
    (44, 'dispatch', 'usersetting'),
    (45, 'dispatch', 'ware'),
    (46, 'django_celery_beat', 'periodictask'),
    (47, 'django_celery_beat', 'intervalschedule'),
    (48, 'django_celery_beat', 'crontabschedule'),
    (49, 'django_celery_beat', 'solarschedule'),
    (50, 'django_celery_beat', 'clockedschedule'),
    (51, 'django_celery_beat', 'periodictasks'),
    (52, 'authtoken', 'token'),
    (53, 'sites', 'site'),
    (54, 'admin_interface', 'theme'),
    (55, 'django_ses', 'sesstat'),
    (56, 'guardian', 'userobjectpermission'),
    (57, 'guardian', 'groupobjectpermission'),
    (58, 'auth', 'user'),
    (59, 'reversion', 'revision'),
    (60, 'reversion', 'version');

INSERT INTO dispatch_course (id, name, type, customization) VALUES
    (1, 'Main', 1, '{"stages": 30}'),
    (2, 'Refinement', 2, '{"stages": 15}'),
    (3, 'Replacement', 4, '{}'),
    (4, 'Any', 3, NULL),
    (5, 'Retainer', 1, '{"retainer": true}'),
    (6, 'Consultation', 2, NULL),
    (7, 'Invoice', 5, '{}'),
    (8, 'Merchandise', 6, NULL);

-- course per product: mapped courses 1,2,3,4,7,8; 5 and 6 have no course_type mapping.
INSERT INTO dispatch_product (id, name, description, free, deleted, customization, type, substitute, course_id)
SELECT p.id,
       synthetic.pick(ARRAY['Aligner', 'Retainer', 'Refinement aligner', 'Replacement aligner',
                            'Attachment kit', 'Chewies', 'Case', 'Whitening kit'], synthetic.r('product.name', p.id))
           || ' ' || p.id,
       CASE WHEN p.id % 3 = 0 THEN NULL ELSE 'Catalogue item ' || p.id END,
       p.id IN (9, 27),
       p.id IN (5, 7, 8, 10, 12, 15, 19, 20, 24, 25, 28, 30),
       CASE WHEN p.id IN (9, 22) THEN '{"arches": ["upper", "lower"],'
            WHEN p.id % 4 = 0 THEN NULL
            ELSE '{"arches": ["upper", "lower"], "stages": ' || (10 + p.id) || '}' END,
       CASE WHEN p.id % 5 = 0 THEN NULL ELSE 1 + p.id % 4 END,
       p.id % 7 = 0,
       CASE WHEN p.id IN (11, 14, 16, 18, 21, 23, 26, 29) THEN 5 + p.id % 2
            ELSE (ARRAY[1, 2, 3, 4, 7, 8])[1 + p.id % 6] END
FROM generate_series(1, 30) AS p(id);

INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_product', id, 'soft_deleted', 'deleted' FROM dispatch_product WHERE deleted
UNION ALL
SELECT 'dispatch_product', id, 'unknown_code', 'course_id' FROM dispatch_product WHERE course_id IN (5, 6)
UNION ALL
SELECT 'dispatch_product', id, 'invalid_json', 'customization' FROM dispatch_product WHERE id IN (9, 22);

INSERT INTO dispatch_category (id, name, parent_id)
SELECT c.id,
       CASE WHEN c.id <= 8 THEN roots[c.id] ELSE roots[1 + c.id % 8] || ' / step ' || c.id END,
       CASE WHEN c.id <= 8 THEN NULL ELSE 1 + c.id % 8 END
FROM generate_series(1, 40) AS c(id),
     (SELECT ARRAY['Design', 'Manufacturing', 'Shipping', 'Billing', 'Clinical', 'Scanning',
                   'Quality', 'Support'] AS roots) AS r;

-- Template ids 16-20 do not exist (tasks still point at them: REFERENCE 3.1 "fallback template
-- names for ids 16-20").
INSERT INTO dispatch_template (id, task_name, text_name, action_name, function, status, duration,
                               category_id, predefined, read_only, extensions, alerts, separate)
SELECT t.id,
       verb || ' ' || obj,
       initcap(obj) || ' ' || lower(verb),
       lower(verb) || '_' || replace(obj, ' ', '_'),
       'dispatch.tasks.' || lower(verb),
       CASE WHEN synthetic.r('template.status', t.id) < 0.9 THEN 1 ELSE 0 END,
       5 + synthetic.ri('template.duration', t.id, 236),
       9 + t.id % 32,
       synthetic.r('template.predefined', t.id) < 0.5,
       synthetic.r('template.read_only', t.id) < 0.2,
       synthetic.pick(ARRAY['.stl', '.stl,.zip', '.jpg,.png', '.pdf', ''], synthetic.r('template.ext', t.id)),
       synthetic.r('template.alerts', t.id) < 0.3,
       synthetic.r('template.separate', t.id) < 0.1
FROM generate_series(1, 157) AS t(id)
CROSS JOIN LATERAL (
    SELECT synthetic.pick(ARRAY['Review', 'Design', 'Approve', 'Print', 'Trim', 'Pack', 'Ship',
                                'Scan', 'Section', 'Stage', 'Check', 'Invoice'],
                          synthetic.r('template.verb', t.id)) AS verb,
           synthetic.pick(ARRAY['upper arch', 'lower arch', 'models', 'aligners', 'attachments',
                                'treatment plan', 'retainers', 'photos', 'case'],
                          synthetic.r('template.object', t.id)) AS obj
) AS w
WHERE t.id NOT BETWEEN 16 AND 20;

-- 46 roles, 31 of them technician roles (group 11). "order" is a reserved word.
INSERT INTO dispatch_role (id, name, abbrev, type, "order", user_id, group_id) VALUES
    (1, 'Doctor', 'D', 2, 10, NULL, 2),
    (2, 'MT-Printing', 'MT-Printing', 3, 20, NULL, 11),
    (3, 'MT-Thermoforming', 'MT-Thermoforming', 1, 30, NULL, 11),
    (4, 'Doctor Assistant', 'DA', 2, 40, NULL, 2),
    (5, 'MT-Trimming', 'MT-Trimming', 3, 50, NULL, 11),
    (6, 'MT-Polishing', 'MT-Polishing', 1, 60, NULL, 11),
    (7, 'Office Manager', 'OM', 2, 70, NULL, 2),
    (8, 'MT-Packaging', 'MT-Packaging', 3, 80, NULL, 11),
    (9, 'MT-IPR/Sticker', 'MT-IPR/Sticker', 1, 90, NULL, 11),
    (10, 'Admin', 'A', 2, 100, NULL, 4),
    (11, 'MT-Laser Marking', 'MT-LaserMarking', 3, 110, NULL, 11),
    (12, 'MT-Quality Check', 'MT-QualityCheck', 1, 120, NULL, 11),
    (13, 'Billing Admin', 'BA', 2, 130, NULL, 3),
    (14, 'MT-Retainers', 'MT-Retainers', 3, 140, NULL, 11),
    (15, 'MT-Attachment Templates', 'MT-AttachmentTemplates', 1, 150, NULL, 11),
    (16, 'Master', 'M', 2, 160, NULL, 5),
    (17, 'MT-Cutting', 'MT-Cutting', 3, 170, NULL, 11),
    (18, 'MT-Cleaning', 'MT-Cleaning', 1, 180, NULL, 11),
    (19, 'Master Reviewer', 'MR', 2, 190, NULL, 5),
    (20, 'MT-Labeling', 'MT-Labeling', 3, 200, NULL, 11),
    (21, 'MT-Shipping Prep', 'MT-ShippingPrep', 1, 210, NULL, 11),
    (22, 'Sales Representative', 'SR', 2, 220, NULL, 6),
    (23, 'MT-Model Pouring', 'MT-ModelPouring', 3, 230, NULL, 11),
    (24, 'MT-Resin Cure', 'MT-ResinCure', 1, 240, NULL, 11),
    (25, 'Sales Manager', 'SM', 2, 250, NULL, 6),
    (26, 'MT-Inventory', 'MT-Inventory', 3, 260, NULL, 11),
    (27, 'MT-Rework', 'MT-Rework', 1, 270, NULL, 11),
    (28, 'Support Agent', 'SA', 2, 280, NULL, 7),
    (29, 'MT-Sorting', 'MT-Sorting', 3, 290, NULL, 11),
    (30, 'MT-Boxing', 'MT-Boxing', 1, 300, NULL, 11),
    (31, 'Support Lead', 'SL', 2, 310, NULL, 7),
    (32, 'Japan Aligner Technician', 'JAT', 3, 320, NULL, 11),
    (33, 'Designing Technician DT-Design', 'DT-Design', 1, 330, NULL, 11),
    (34, 'Export Operator', 'EO', 2, 340, NULL, 8),
    (35, 'Designing Technician DT-Staging', 'DT-Staging', 3, 350, NULL, 11),
    (36, 'Designing Technician DT-Review', 'DT-Review', 1, 360, NULL, 11),
    (37, 'External Partner', 'EP', 2, 370, NULL, 9),
    (38, 'Sectioning Technician IDB', 'IDB', 3, 380, NULL, 11),
    (39, 'IDB Upper', 'IDB', 1, 390, NULL, 11),
    (40, 'Auditor', 'A', 2, 400, NULL, 4),
    (41, 'IDB Lower', 'IDB', 3, 410, NULL, 11),
    (42, 'IDB Review', 'IDB', 1, 420, NULL, 11),
    (43, 'Viewer', 'V', 2, 430, NULL, 7),
    (44, 'Remote Technician DTR', 'DTR', 3, 440, NULL, 11),
    (45, 'Remote Technician Sectioning Approver DTR', 'DTR', 1, 450, NULL, 11),
    (46, 'Technician Supervisor', 'TS', 2, 460, NULL, 11);
