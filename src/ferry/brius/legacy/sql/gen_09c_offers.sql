-- Offers to doctors and their discounts (REFERENCE 1.8): made once, at generation.

-- Offers: concentrated on a few doctors (many of whom have no orders).
INSERT INTO dispatch_offer (id, doctor_id, product_id, price_both, price_upper, price_lower)
SELECT o.id, d.ids[width_bucket(synthetic.r('offer.doctor', o.id), d.lo)],
       (ARRAY[1, 2, 3, 4, 6, 13, 17])[1 + synthetic.ri('offer.product', o.id, 7)],
       x.both, round(x.both * 0.6, 0), round(x.both * 0.6, 0)
FROM generate_series(1, synthetic.n('offers')) AS o(id)
CROSS JOIN (
    SELECT array_agg(id ORDER BY id) AS ids, array_agg(lo ORDER BY id) AS lo
    FROM (SELECT id, (sum(w) OVER (ORDER BY id) - w) / sum(w) OVER () AS lo
          FROM (SELECT id, exp(1.2 * synthetic.rnorm('offer.weight', id)) AS w
                FROM s_user
                WHERE kind = 'doctor' AND id NOT IN (SELECT id FROM s_tested)
                  AND synthetic.r('offer.has', id) < 0.3) AS w) AS c
) AS d
CROSS JOIN LATERAL (SELECT 5 * synthetic.ri('offer.price', o.id, 400)::numeric AS both) AS x;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.offer_doctor', id), id) AS rn
    FROM dispatch_offer
), bounds AS (
    SELECT synthetic.quota('null_offer_doctor', synthetic.n('offers')) AS a,
           synthetic.quota('null_offer_doctor', synthetic.n('offers'))
               + synthetic.quota('offer_doctor_not_migrated', synthetic.n('offers')) AS b
), upd AS (
    UPDATE dispatch_offer AS o
    SET doctor_id = CASE WHEN c.rn <= b.a THEN NULL
        WHEN c.rn % 3 = 0 THEN (SELECT t.id FROM s_tested AS t ORDER BY synthetic.r('pick.test', t.id + c.rn), t.id LIMIT 1)
        WHEN c.rn % 3 = 1 THEN (SELECT u.id FROM s_user AS u WHERE u.patient_doctor
                                ORDER BY synthetic.r('pick.patient_doctor', u.id + c.rn), u.id LIMIT 1)
        ELSE (SELECT u.id FROM s_user AS u WHERE u.kind IN ('technician', 'other')
              ORDER BY synthetic.r('pick.not_doctor', u.id + c.rn), u.id LIMIT 1) END
    FROM chosen AS c, bounds AS b
    WHERE o.id = c.id AND c.rn <= b.b
    RETURNING o.id, o.doctor_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_offer', id, CASE WHEN doctor_id IS NULL THEN 'null_reference' ELSE 'parent_not_migrated' END,
       'doctor_id'
FROM upd;

INSERT INTO dispatch_discount (id, offer_id, percent, reason, count, start, finish, total, used)
SELECT d.id, 1 + synthetic.ri('discount.offer', d.id, synthetic.n('offers')),
       CASE x.reason WHEN 'Academic' THEN 50 WHEN 'Fast Track' THEN 50 WHEN 'Resident' THEN 100
                     ELSE 13 + synthetic.ri('discount.percent', d.id, 88) END,
       x.reason, x.count,
       CASE WHEN synthetic.r('discount.dates', d.id) < 0.3 THEN NULL ELSE x.start END,
       CASE WHEN synthetic.r('discount.dates', d.id) < 0.3 THEN NULL ELSE x.start + 365 END,
       synthetic.r('discount.total', d.id) < 0.2,
       CASE WHEN synthetic.r('discount.used', d.id) < 0.2 THEN NULL
            ELSE synthetic.ri('discount.used_v', d.id, coalesce(x.count, 10) + 1) END
FROM generate_series(1, synthetic.n('discounts')) AS d(id)
CROSS JOIN LATERAL (
    SELECT synthetic.pick(ARRAY['Academic', 'Fast Track', 'Resident', 'Promotion', 'Loyalty'],
                          synthetic.r('discount.reason', d.id)) AS reason,
           CASE WHEN synthetic.r('discount.count', d.id) < 0.5 THEN NULL
                ELSE 1 + synthetic.ri('discount.count_v', d.id, 10) END AS count,
           date '2020-01-01' + synthetic.ri('discount.start', d.id, 2000) AS start
) AS x;

-- Discounts moved onto offers that will not be migrated (about 10%).
WITH lost AS (
    SELECT legacy_id AS offer_id, row_number() OVER (ORDER BY legacy_id) AS k, count(*) OVER () AS n
    FROM synthetic.pathology WHERE source_table = 'dispatch_offer'
), chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.discount_offer', id), id) AS rn
    FROM dispatch_discount
), upd AS (
    UPDATE dispatch_discount AS d SET offer_id = l.offer_id
    FROM chosen AS c JOIN lost AS l ON l.k = 1 + (c.rn - 1) % l.n
    WHERE d.id = c.id AND c.rn <= synthetic.quota('discount_on_lost_offer', synthetic.n('discounts'))
    RETURNING d.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_discount', id, 'parent_not_migrated', 'offer_id' FROM upd;
