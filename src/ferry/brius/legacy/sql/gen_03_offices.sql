-- Offices and the office <-> doctor links (REFERENCE 1.3, 5.2 "Offices", 8).
-- Addresses are unique by construction (the street number is the id), so the only offices that
-- share a normalised name|address|city|state|zip are the injected duplicates.

INSERT INTO dispatch_office (id, name, address, apt, city, state, zip, country, phone, tax_rate,
                             valid, sq_customer_id, emails)
SELECT o.id,
       (synthetic.pool('last_name'))[1 + synthetic.ri('office.name', o.id, 252)] || ' '
           || synthetic.pick(synthetic.pool('practice_kind'), synthetic.r('office.kind', o.id)),
       (100 + o.id) || ' ' || synthetic.pick(synthetic.pool('street'), synthetic.r('office.street', o.id))
           || ' ' || synthetic.pick(synthetic.pool('street_kind'), synthetic.r('office.street_kind', o.id)),
       CASE WHEN synthetic.r('office.apt', o.id) < 0.3 THEN 'Suite ' || (100 + synthetic.ri('office.suite', o.id, 800)) END,
       split_part(place, '|', 1),
       nullif(split_part(place, '|', 2), ''),
       CASE country
           WHEN 'USA' THEN lpad((10000 + synthetic.ri('office.zip', o.id, 89999))::text, 5, '0')
               || CASE WHEN synthetic.r('office.zip4', o.id) < 0.1 THEN '-' || (1000 + synthetic.ri('office.zip4n', o.id, 8999)) ELSE '' END
           WHEN 'Japan' THEN (100 + synthetic.ri('office.zip', o.id, 899)) || '-' || lpad(synthetic.ri('office.zipb', o.id, 9999)::text, 4, '0')
           ELSE (10000 + synthetic.ri('office.zip', o.id, 89999))::text END,
       country,
       CASE WHEN synthetic.r('office.phone', o.id) < 0.05 THEN NULL
            WHEN country = 'USA' THEN '(' || (200 + synthetic.ri('office.area', o.id, 700)) || ') 555-'
                                     || lpad(synthetic.ri('office.line', o.id, 10000)::text, 4, '0')
            ELSE '+' || CASE country WHEN 'India' THEN '91' WHEN 'Japan' THEN '81'
                                     WHEN 'Thailand' THEN '66' WHEN 'Vietnam' THEN '84'
                                     WHEN 'Australia' THEN '61' WHEN 'Philippines' THEN '63'
                                     WHEN 'Singapore' THEN '65' WHEN 'France' THEN '33'
                                     ELSE '64' END
                 || ' ' || (1000000 + synthetic.ri('office.line', o.id, 8999999)) END,
       CASE WHEN country = 'USA' THEN
                CASE WHEN synthetic.r('office.tax_null', o.id) < 0.1 THEN NULL
                     ELSE round((0.04 + synthetic.r('office.tax', o.id) * 0.065)::numeric, 4) END
            WHEN synthetic.r('office.tax_null', o.id) < 0.8 THEN NULL
            ELSE round((0.05 + synthetic.r('office.tax', o.id) * 0.05)::numeric, 4) END,
       true,
       CASE WHEN synthetic.r('office.sq', o.id) < 0.4 THEN NULL
            ELSE 'FAKE-SQ-' || upper(left(md5('office' || o.id), 10)) END,
       synthetic.r('office.emails', o.id) < 0.7
FROM generate_series(1, synthetic.n('offices')) AS o(id)
CROSS JOIN LATERAL (
    SELECT CASE WHEN u < 0.62 THEN 'USA' WHEN u < 0.79 THEN 'India' WHEN u < 0.91 THEN 'Japan'
                WHEN u < 0.98 THEN 'Thailand'
                ELSE split_part(synthetic.pick(synthetic.pool('country_other'), synthetic.r('office.other', o.id)), '|', 1) END AS country
    FROM (SELECT synthetic.r('office.country', o.id) AS u) AS x
) AS c
CROSS JOIN LATERAL (
    SELECT CASE c.country
               WHEN 'USA' THEN synthetic.pick(synthetic.pool('city_usa'), synthetic.r('office.city', o.id))
               WHEN 'India' THEN synthetic.pick(synthetic.pool('city_india'), synthetic.r('office.city', o.id))
               WHEN 'Japan' THEN synthetic.pick(synthetic.pool('city_japan'), synthetic.r('office.city', o.id))
               WHEN 'Thailand' THEN synthetic.pick(synthetic.pool('city_thailand'), synthetic.r('office.city', o.id))
               ELSE (SELECT split_part(x, '|', 2) || '|' || split_part(x, '|', 3)
                     FROM unnest(synthetic.pool('country_other')) AS x
                     WHERE split_part(x, '|', 1) = c.country
                     ORDER BY synthetic.r('office.city.' || x, o.id) LIMIT 1) END AS place
) AS p;

-- Tax rates stored as a percentage (10.25 instead of 0.1025), on US offices.
WITH upd AS (
    UPDATE dispatch_office SET tax_rate = tax_rate * 100
    WHERE id IN (SELECT id FROM dispatch_office WHERE country = 'USA' AND tax_rate IS NOT NULL
                 ORDER BY synthetic.r('inject.tax_percent', id), id
                 LIMIT synthetic.quota('tax_rate_percent', synthetic.n('offices')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', id, 'tax_rate_percent', 'tax_rate' FROM upd;

WITH upd AS (
    UPDATE dispatch_office SET valid = false
    WHERE id IN (SELECT id FROM dispatch_office ORDER BY synthetic.r('inject.invalid_office', id), id
                 LIMIT synthetic.quota('invalid_office', synthetic.n('offices')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', id, 'invalid_office', 'valid' FROM upd;

-- Duplicates: later rows copying an office with other case and spacing (same normalised key).
WITH src AS (
    SELECT o.*, row_number() OVER (ORDER BY synthetic.r('inject.duplicate_office', o.id), o.id) AS rn
    FROM dispatch_office AS o
), ins AS (
    INSERT INTO dispatch_office (id, name, address, apt, city, state, zip, country, phone, tax_rate,
                                 valid, sq_customer_id, emails)
    SELECT synthetic.n('offices') + rn,
           CASE WHEN rn % 2 = 0 THEN upper(name) ELSE replace(name, ' ', '  ') END,
           CASE WHEN rn % 2 = 0 THEN lower(address) ELSE address || ' ' END,
           apt, ' ' || city, lower(state), zip, country, phone, tax_rate,
           synthetic.r('duplicate.valid', rn) < 0.5, NULL, emails
    FROM src
    WHERE rn <= synthetic.quota('duplicate_office', synthetic.n('offices'))
    RETURNING id, (id - synthetic.n('offices'))::integer AS rn
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', ins.id, 'duplicate_office', src.id::text
FROM ins JOIN src ON src.rn = ins.rn;

-- A copy of an office whose rate is a percentage holds a percentage too.
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', id, 'tax_rate_percent', 'tax_rate'
FROM dispatch_office WHERE id > synthetic.n('offices') AND tax_rate >= 1;

CREATE OR REPLACE TEMP VIEW s_office_dup AS
SELECT legacy_id AS id FROM synthetic.pathology WHERE class = 'duplicate_office'
UNION SELECT detail::integer FROM synthetic.pathology WHERE class = 'duplicate_office';

WITH upd AS (
    UPDATE dispatch_office SET country = NULL
    WHERE id IN (SELECT id FROM dispatch_office WHERE id NOT IN (SELECT id FROM s_office_dup)
                 ORDER BY synthetic.r('inject.null_country', id), id
                 LIMIT synthetic.quota('null_country', synthetic.n('offices')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', id, 'null_country', 'country' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.country_variant', id), id) AS rn
    FROM dispatch_office WHERE country = 'USA' AND id NOT IN (SELECT id FROM s_office_dup)
), upd AS (
    UPDATE dispatch_office AS o
    SET country = (ARRAY['usa', 'us', 'United States', 'U.S.A.'])[1 + c.rn % 4]
    FROM chosen AS c
    WHERE o.id = c.id AND c.rn <= synthetic.quota('country_variant', synthetic.n('offices'))
    RETURNING o.id, o.country
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', id, 'country_variant', country FROM upd;

WITH upd AS (
    UPDATE dispatch_office SET name = ''
    WHERE id IN (SELECT id FROM dispatch_office WHERE id NOT IN (SELECT id FROM s_office_dup)
                 ORDER BY synthetic.r('inject.blank_office_name', id), id
                 LIMIT synthetic.quota('blank_office_name', synthetic.n('offices')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_office', id, 'blank_name', 'name' FROM upd;

-- Office links: about a third of the doctor users (all of those without a usersetting row),
-- one to three offices each, among the offices that are not duplicate copies.
INSERT INTO dispatch_office_doctors (id, office_id, user_id)
SELECT row_number() OVER (ORDER BY user_id, j), office_id, user_id
FROM (
    SELECT DISTINCT ON (u.id, office_id) u.id AS user_id, j.j,
           1 + (synthetic.ri('link.office', u.id, synthetic.n('offices')) + j.j * 7) % synthetic.n('offices') AS office_id
    FROM s_user AS u
    CROSS JOIN LATERAL (
        SELECT synthetic.r('link.count', u.id) AS c
    ) AS c
    CROSS JOIN LATERAL generate_series(0, CASE WHEN c.c < 0.8 THEN 0 WHEN c.c < 0.95 THEN 1 ELSE 2 END) AS j(j)
    WHERE u.id IN (
        SELECT id FROM s_user AS d
        WHERE d.kind = 'doctor' AND NOT EXISTS (SELECT 1 FROM dispatch_usersetting AS s WHERE s.user_id = d.id)
        UNION ALL
        (SELECT id FROM s_user AS d
         WHERE d.kind = 'doctor' AND EXISTS (SELECT 1 FROM dispatch_usersetting AS s WHERE s.user_id = d.id)
         ORDER BY synthetic.r('link.has', d.id), d.id
         LIMIT synthetic.quota('doctors_with_offices', synthetic.n('doctor_candidates'))
               - (SELECT count(*) FROM s_user AS d WHERE d.kind = 'doctor'
                  AND NOT EXISTS (SELECT 1 FROM dispatch_usersetting AS s WHERE s.user_id = d.id))))
    ORDER BY u.id, office_id, j.j
) AS l;

-- Some links point at the duplicate copy of their office instead of the original.
UPDATE dispatch_office_doctors AS l SET office_id = p.legacy_id
FROM synthetic.pathology AS p
WHERE p.class = 'duplicate_office' AND p.detail::integer = l.office_id
  AND synthetic.r('link.to_duplicate', l.id) < 0.5;

-- Orphan links: to an office that does not exist, from a user that does not exist (only links
-- of users who stay doctor candidates through their usersetting row).
WITH upd AS (
    UPDATE dispatch_office_doctors
    SET office_id = (SELECT max(id) FROM dispatch_office) + 10 + id
    WHERE id IN (SELECT id FROM dispatch_office_doctors
                 ORDER BY synthetic.r('inject.orphan_link_office', id), id
                 LIMIT synthetic.quota('orphan_link_office', (SELECT count(*) FROM dispatch_office_doctors)))
    RETURNING id
)
SELECT count(*) FROM upd;

WITH chosen AS (
    SELECT l.id, row_number() OVER (ORDER BY synthetic.r('inject.orphan_link_user', l.id), l.id) AS rn
    FROM dispatch_office_doctors AS l
    WHERE EXISTS (SELECT 1 FROM dispatch_usersetting AS s WHERE s.user_id = l.user_id)
      AND l.office_id IN (SELECT id FROM dispatch_office)
), deleted AS (
    SELECT id, row_number() OVER (ORDER BY id) AS rn FROM s_user WHERE kind = 'deleted'
)
UPDATE dispatch_office_doctors AS l SET user_id = d.id
FROM chosen AS c
JOIN deleted AS d ON d.rn = 1 + (c.rn - 1) % synthetic.n('deleted_users')
WHERE l.id = c.id
  AND c.rn <= synthetic.quota('orphan_link_user', (SELECT count(*) FROM dispatch_office_doctors));
