-- Permissions and the template junctions (REFERENCE 1.1, 1.8, 6.1): catalogues of fixed size
-- whatever the scale, made once at generation. Each junction picks exactly its volume of
-- distinct pairs by a seeded shuffle; its pathologies are then injected into a seeded choice
-- of its rows. Orphans are recorded by the scan of foreign_keys.py.

-- Courses 5 and 6 have no course_type mapping (codes.py COURSE): the courses entity refuses them.
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_course', id, 'unknown_code', 'id' FROM dispatch_course WHERE id NOT IN (1, 2, 3, 4, 7, 8);

-- Django's four permissions per content type.
INSERT INTO auth_permission (id, name, content_type_id, codename)
SELECT (ct.id - 1) * 4 + a.k, 'Can ' || a.verb || ' ' || replace(ct.model, '_', ' '), ct.id,
       a.verb || '_' || ct.model
FROM django_content_type AS ct
CROSS JOIN (VALUES (1, 'add'), (2, 'change'), (3, 'delete'), (4, 'view')) AS a(k, verb);

INSERT INTO auth_group_permissions (id, group_id, permission_id)
SELECT row_number() OVER (ORDER BY group_id, permission_id), group_id, permission_id
FROM (SELECT g.id AS group_id, p.id AS permission_id FROM auth_group AS g CROSS JOIN auth_permission AS p
      ORDER BY synthetic.r('group_permission', g.id * 10000 + p.id), g.id, p.id
      LIMIT 150) AS chosen;

CREATE TEMP TABLE s_catalogue ON COMMIT DROP AS
SELECT (SELECT array_agg(id ORDER BY id) FROM dispatch_template) AS templates,
       (SELECT array_agg(id ORDER BY id) FROM dispatch_role) AS roles,
       (SELECT array_agg(id ORDER BY id) FROM auth_group) AS groups,
       (SELECT array_agg(id ORDER BY id) FROM auth_permission) AS permissions,
       (SELECT array_agg(id ORDER BY id) FROM dispatch_product
        WHERE NOT deleted AND course_id IN (1, 2, 3, 4, 7, 8)) AS kept_products,
       (SELECT array_agg(id ORDER BY id) FROM dispatch_product
        WHERE deleted OR course_id NOT IN (1, 2, 3, 4, 7, 8)) AS lost_products;

INSERT INTO dispatch_role_permissions (id, role_id, permission_id)
SELECT p.* FROM s_catalogue AS c, synthetic.pairs('role_permission', c.roles, c.permissions, 1244, true) AS p;
INSERT INTO dispatch_template_edit_roles (id, template_id, role_id)
SELECT p.* FROM s_catalogue AS c, synthetic.pairs('template_edit_role', c.templates, c.roles, 603, true) AS p;
INSERT INTO dispatch_template_view_roles (id, template_id, role_id)
SELECT p.* FROM s_catalogue AS c, synthetic.pairs('template_view_role', c.templates, c.roles, 1036, true) AS p;
INSERT INTO dispatch_template_view_groups (id, template_id, group_id)
SELECT p.* FROM s_catalogue AS c, synthetic.pairs('template_view_group', c.templates, c.groups, 183, true) AS p;
INSERT INTO dispatch_template_predecessors (id, from_template_id, to_template_id)
SELECT p.* FROM s_catalogue AS c, synthetic.pairs('template_predecessor', c.templates, c.templates, 191, false) AS p;

-- Template products: 44% of the 166 links on products that are not migrated (REFERENCE 5.2).
INSERT INTO dispatch_template_products (id, template_id, product_id)
SELECT row_number() OVER (ORDER BY template_id, product_id), template_id, product_id
FROM (
    SELECT p.first_id AS template_id, p.second_id AS product_id
    FROM s_catalogue AS c,
         synthetic.pairs('template_product.lost', c.templates, c.lost_products,
                         synthetic.quota('template_product_not_migrated', 166), true) AS p
    UNION ALL
    SELECT p.first_id, p.second_id
    FROM s_catalogue AS c,
         synthetic.pairs('template_product.kept', c.templates, c.kept_products,
                         166 - synthetic.quota('template_product_not_migrated', 166), true) AS p
) AS links;

INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_template_products', t.id, 'parent_not_migrated', 'product_id'
FROM dispatch_template_products AS t, s_catalogue AS c
WHERE t.product_id = ANY(c.lost_products);

-- Role permissions whose permission or role does not exist (disjoint, one seeded ranking).
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.role_permission', id), id) AS rn
    FROM dispatch_role_permissions
), bounds AS (
    SELECT synthetic.quota('orphan_role_permission_permission', 1244) AS a,
           synthetic.quota('orphan_role_permission_permission', 1244)
               + synthetic.quota('orphan_role_permission_role', 1244) AS b
)
UPDATE dispatch_role_permissions AS t
SET permission_id = CASE WHEN r.rn <= b.a THEN 1000 + t.id ELSE t.permission_id END,
    role_id = CASE WHEN r.rn > b.a THEN 1000 + t.id ELSE t.role_id END
FROM ranked AS r, bounds AS b
WHERE t.id = r.id AND r.rn <= b.b;

-- Junction rows whose template (odd ranks) or other parent (even ranks) does not exist: the
-- first `quota` rows of a seeded ranking.
CREATE OR REPLACE FUNCTION pg_temp.s_orphan_junction(tab regclass, first_column text,
                                                     second_column text, quota bigint)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format(
        'WITH ranked AS (SELECT id, row_number() OVER (ORDER BY synthetic.r(%L, id), id) AS rn FROM %s)'
        ' UPDATE %s AS t SET %I = CASE WHEN r.rn %% 2 = 1 THEN 1000 + t.id ELSE t.%I END,'
        ' %I = CASE WHEN r.rn %% 2 = 0 THEN 1000 + t.id ELSE t.%I END'
        ' FROM ranked AS r WHERE t.id = r.id AND r.rn <= %s',
        'inject.orphan_junction.' || tab::text, tab, tab, first_column, first_column,
        second_column, second_column, quota);
END
$$;
SELECT pg_temp.s_orphan_junction('dispatch_template_edit_roles', 'template_id', 'role_id',
    synthetic.quota('orphan_template_junction', (SELECT count(*) FROM dispatch_template_edit_roles)));
SELECT pg_temp.s_orphan_junction('dispatch_template_view_roles', 'template_id', 'role_id',
    synthetic.quota('orphan_template_junction', (SELECT count(*) FROM dispatch_template_view_roles)));
SELECT pg_temp.s_orphan_junction('dispatch_template_view_groups', 'template_id', 'group_id',
    synthetic.quota('orphan_template_junction', (SELECT count(*) FROM dispatch_template_view_groups)));
SELECT pg_temp.s_orphan_junction('dispatch_template_predecessors', 'from_template_id', 'to_template_id',
    synthetic.quota('orphan_template_junction', (SELECT count(*) FROM dispatch_template_predecessors)));

DROP FUNCTION pg_temp.s_orphan_junction(regclass, text, text, bigint);
