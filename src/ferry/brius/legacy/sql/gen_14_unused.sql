-- The tables the application never used and no entity reads (REFERENCE 1.8: "not migrated and
-- undocumented"): small plausible contents, fixed whatever the scale, so that every table of
-- the inventory exists with rows and a coverage report can count them.

INSERT INTO dispatch_client (id, name, token, created_at)
SELECT g, 'Scanner client ' || g, md5('fake client token ' || g), synthetic.ts_at(g / 12.0)
FROM generate_series(1, 12) AS g;

INSERT INTO dispatch_client3d (id, client_id, version, platform, created_at)
SELECT g, 1 + g % 12, '3.' || (g % 7) || '.' || (g % 4),
       (ARRAY['windows', 'macos', 'linux'])[1 + g % 3], synthetic.ts_at(g / 30.0)
FROM generate_series(1, 30) AS g;

INSERT INTO dispatch_event (id, name, payload, created_at)
SELECT g, (ARRAY['deploy', 'maintenance', 'outage', 'release'])[1 + g % 4],
       CASE WHEN g % 3 = 0 THEN NULL ELSE '{"version": "' || (g / 4) || '.0"}' END,
       synthetic.ts_at(g / 50.0)
FROM generate_series(1, 50) AS g;

INSERT INTO dispatch_language (id, code, name) VALUES
    (1, 'en', 'English'), (2, 'ja', 'Japanese'), (3, 'th', 'Thai'), (4, 'hi', 'Hindi'),
    (5, 'vi', 'Vietnamese'), (6, 'fr', 'French'), (7, 'es', 'Spanish'), (8, 'en-au', 'English (Australia)');

INSERT INTO dispatch_link (id, url, title, created_at)
SELECT g, 'https://help.example.com/articles/' || g,
       CASE WHEN g % 5 = 0 THEN NULL ELSE 'Help article ' || g END, synthetic.ts_at(g / 25.0)
FROM generate_series(1, 25) AS g;

INSERT INTO dispatch_master (id, user_id, name)
SELECT g, staff.ids[1 + (g - 1) % cardinality(staff.ids)], 'Master ' || g
FROM generate_series(1, 10) AS g
CROSS JOIN (SELECT ids FROM s_pool WHERE name = 'staff') AS staff;

INSERT INTO dispatch_reading (id, user_id, record_id, read_at)
SELECT g, pool.ids[1 + synthetic.ri('reading.user', g, cardinality(pool.ids))],
       1 + synthetic.ri('reading.record', g, synthetic.n('records')),
       synthetic.ts_at(g / 200.0)
FROM generate_series(1, 200) AS g
CROSS JOIN (SELECT ids FROM s_pool WHERE name = 'technician') AS pool;

INSERT INTO dispatch_record_roles (id, record_id, role_id)
SELECT p.* FROM s_catalogue AS c,
       synthetic.pairs('record_role', ARRAY(SELECT generate_series(1, 200)), c.roles, 150, true) AS p;

INSERT INTO dispatch_product_roles (id, product_id, role_id)
SELECT p.* FROM s_catalogue AS c,
       synthetic.pairs('product_role', c.kept_products || c.lost_products, c.roles, 60, true) AS p;

INSERT INTO dispatch_product_successors (id, from_product_id, to_product_id)
SELECT p.* FROM s_catalogue AS c,
       synthetic.pairs('product_successor', c.kept_products, c.kept_products, 20, false) AS p;

INSERT INTO dispatch_doctorsetting_masters (id, doctorsetting_id, user_id)
SELECT p.* FROM (SELECT ARRAY(SELECT id FROM dispatch_doctorsetting ORDER BY id) AS settings,
                        (SELECT ids::integer[] FROM s_pool WHERE name = 'staff') AS staff) AS c,
       synthetic.pairs('doctorsetting_master', c.settings, c.staff, 40, true) AS p;

INSERT INTO dispatch_doctorsetting_sales (id, doctorsetting_id, user_id)
SELECT p.* FROM (SELECT ARRAY(SELECT id FROM dispatch_doctorsetting ORDER BY id) AS settings,
                        (SELECT ids::integer[] FROM s_pool WHERE name = 'staff') AS staff) AS c,
       synthetic.pairs('doctorsetting_sale', c.settings, c.staff, 40, true) AS p;
