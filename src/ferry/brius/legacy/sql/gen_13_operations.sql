-- Card operations on payments, inventory, the payment provider's settings, the action log and
-- the instances (REFERENCE 1.8, 6.1, 8): made once, at generation. dispatch_purchase stays
-- empty, as in the source.

-- Operations: one per payment at most, spread evenly over the payments (about 0.22 each), with
-- the payment's amount and time; about 10% of them are refunds.
INSERT INTO dispatch_operation (id, type, made_at, price, sq_order_id, sq_payment_id, sq_refund_id,
                                card_brand, card_bin, card_last, office_card, payment_id, attempts)
SELECT o.id, 1,
       p.made_at + synthetic.ri('operation.delay', o.id, 600) * interval '1 second',
       greatest(p.total_price, 1),
       'FAKE-SQ-ORDER-' || upper(left(md5('operation.order' || o.id), 12)),
       'FAKE-SQ-PAY-' || upper(left(md5('operation.payment' || o.id), 12)),
       NULL,
       synthetic.pick(ARRAY['VISA', 'VISA', 'MASTERCARD', 'AMERICAN_EXPRESS', 'DISCOVER'],
                      synthetic.r('operation.brand', o.id)),
       lpad((400000 + synthetic.ri('operation.bin', o.id, 100000))::text, 6, '0'),
       lpad(synthetic.ri('operation.last', o.id, 10000)::text, 4, '0'),
       synthetic.r('operation.office_card', o.id) < 0.3,
       p.id,
       1 + (synthetic.r('operation.attempts', o.id) < 0.1)::integer
FROM generate_series(1, synthetic.n('operations')) AS o(id)
JOIN dispatch_payment AS p
  ON p.id = 1 + ((o.id - 1) * synthetic.n('payments')) / synthetic.n('operations');

-- One seeded ranking, disjoint classes: refunds, unknown type codes, NULL payments, payments
-- that do not exist.
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.operation', id), id) AS rn
    FROM dispatch_operation
), bounds AS (
    SELECT q1 AS a, q1 + q2 AS b, q1 + q2 + q3 AS c, q1 + q2 + q3 + q4 AS d
    FROM (SELECT synthetic.quota('refund_operation', synthetic.n('operations')) AS q1,
                 synthetic.quota('unknown_operation_type', synthetic.n('operations')) AS q2,
                 synthetic.quota('null_operation_payment', synthetic.n('operations')) AS q3,
                 synthetic.quota('orphan_operation_payment', synthetic.n('operations')) AS q4) AS q
), upd AS (
    UPDATE dispatch_operation AS t
    SET type = CASE WHEN r.rn <= b.a THEN 2 WHEN r.rn <= b.b THEN 3 ELSE t.type END,
        sq_refund_id = CASE WHEN r.rn <= b.a
                            THEN 'FAKE-SQ-REFUND-' || upper(left(md5('operation.refund' || t.id), 12)) END,
        payment_id = CASE WHEN r.rn > b.b AND r.rn <= b.c THEN NULL
                          WHEN r.rn > b.c THEN synthetic.n('payments') + 100 + t.id % 1000
                          ELSE t.payment_id END
    FROM ranked AS r, bounds AS b
    WHERE t.id = r.id AND r.rn <= b.d
    RETURNING t.id, r.rn > b.a AND r.rn <= b.b AS unknown, t.payment_id IS NULL AS nulled
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_operation', id, 'unknown_code', 'type' FROM upd WHERE unknown
UNION ALL
SELECT 'dispatch_operation', id, 'null_reference', 'payment_id' FROM upd WHERE nulled;

INSERT INTO dispatch_storage (id, name, address, created_at)
VALUES (1, 'Main warehouse', '100 Harbor Way, Austin, TX', timestamptz '2018-01-02 09:00:00+00');

-- Wares: products that migrate (5% name none), a few on products that do not, a few on no storage.
INSERT INTO dispatch_ware (id, name, code, quantity, unit_price, product_id, storage_id, created_at)
SELECT w.id,
       synthetic.pick(ARRAY['Resin cartridge', 'Aligner sheet', 'Retainer blank', 'Case box',
                            'Chewies pack', 'Attachment template', 'Label roll', 'Mailer'],
                      synthetic.r('ware.name', w.id)) || ' ' || w.id,
       'W-' || lpad(w.id::text, 6, '0'),
       synthetic.ri('ware.quantity', w.id, 500),
       CASE WHEN synthetic.r('ware.no_price', w.id) < 0.1 THEN NULL
            ELSE round((1 + synthetic.r('ware.price', w.id) * 99)::numeric, 2) END,
       CASE WHEN synthetic.r('ware.no_product', w.id) < 0.05 THEN NULL
            ELSE c.kept_products[1 + synthetic.ri('ware.product', w.id, cardinality(c.kept_products))] END,
       1,
       synthetic.ts_at((w.id - 0.5) / synthetic.n('wares'))
FROM generate_series(1, synthetic.n('wares')) AS w(id)
CROSS JOIN s_catalogue AS c;

WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.ware', id), id) AS rn
    FROM dispatch_ware WHERE product_id IS NOT NULL
), bounds AS (
    SELECT synthetic.quota('ware_product_not_migrated', synthetic.n('wares')) AS a,
           synthetic.quota('ware_product_not_migrated', synthetic.n('wares'))
               + synthetic.quota('null_ware_storage', synthetic.n('wares')) AS b
), upd AS (
    UPDATE dispatch_ware AS t
    SET product_id = CASE WHEN r.rn <= b.a
                          THEN c.lost_products[1 + synthetic.ri('pick.lost_product', t.id, cardinality(c.lost_products))]
                          ELSE t.product_id END,
        storage_id = CASE WHEN r.rn > b.a THEN NULL ELSE t.storage_id END
    FROM ranked AS r, bounds AS b, s_catalogue AS c
    WHERE t.id = r.id AND r.rn <= b.b
    RETURNING t.id, r.rn <= b.a AS lost
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_ware', id, CASE WHEN lost THEN 'parent_not_migrated' ELSE 'null_reference' END,
       CASE WHEN lost THEN 'product_id' ELSE 'storage_id' END
FROM upd;

-- The Square settings, with a fake access token (REFERENCE 5.2: never a real secret).
INSERT INTO dispatch_globalsetting (id, setting, version, created_at, updated_at, sandbox,
                                    application_id, location_id, access_token)
VALUES (1, 'square', 3, timestamptz '2019-03-01 10:00:00+00', timestamptz '2025-06-01 10:00:00+00',
        false, 'sq0idp-FAKE' || upper(left(md5('fake application'), 16)),
        'FAKELOC' || upper(left(md5('fake location'), 10)),
        'sq0atp-' || md5('ferry synthetic square token ' || synthetic.ri('globalsetting.token', 1, 1000000000)));

-- Actions: who did what to an order (content type 9) or a patient (11); the owner is a user (58).
INSERT INTO dispatch_action (id, action, date, item_id, item_type_id, owner_id, owner_type_id, user_id, data)
SELECT a.id,
       synthetic.pick(ARRAY['created', 'updated', 'updated', 'viewed', 'approved', 'exported',
                            'deleted'], synthetic.r('action.action', a.id)),
       synthetic.ts_at((a.id - 0.5) / synthetic.n('actions')),
       CASE WHEN x.kind < 0.6 THEN 1 + synthetic.ri('action.order', a.id, synthetic.n('instructions'))
            WHEN x.kind < 0.9 THEN 1 + synthetic.ri('action.patient', a.id, synthetic.n('patients')) END,
       CASE WHEN x.kind < 0.6 THEN 9 WHEN x.kind < 0.9 THEN 11 END,
       x.actor, 58, x.actor,
       CASE WHEN synthetic.r('action.no_data', a.id) < 0.3 THEN NULL
            ELSE '{"field": "status", "from": ' || synthetic.ri('action.from', a.id, 5)
                 || ', "to": ' || synthetic.ri('action.to', a.id, 5) || '}' END
FROM generate_series(1, synthetic.n('actions')) AS a(id)
CROSS JOIN (SELECT (SELECT ids FROM s_pool WHERE name = 'technician')
                   || (SELECT ids FROM s_pool WHERE name = 'staff') AS ids) AS pool
CROSS JOIN LATERAL (
    SELECT synthetic.r('action.kind', a.id) AS kind,
           pool.ids[1 + synthetic.ri('action.actor', a.id, cardinality(pool.ids))] AS actor
) AS x;

-- Actions whose user no longer exists, then actions whose data is not JSON (disjoint).
WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.action', id), id) AS rn
    FROM dispatch_action
), bounds AS (
    SELECT synthetic.quota('orphan_action_user', synthetic.n('actions')) AS a,
           synthetic.quota('orphan_action_user', synthetic.n('actions'))
               + synthetic.quota('invalid_json_action_data', synthetic.n('actions')) AS b
), upd AS (
    UPDATE dispatch_action AS t
    SET user_id = CASE WHEN r.rn <= b.a
                       THEN d.ids[1 + synthetic.ri('pick.deleted', t.id, cardinality(d.ids))]
                       ELSE t.user_id END,
        data = CASE WHEN r.rn > b.a
                    THEN (ARRAY['{"field": "status"', '{''field'': 1}', 'None'])[1 + r.rn % 3]
                    ELSE t.data END
    FROM ranked AS r, bounds AS b, (SELECT ids FROM s_pool WHERE name = 'deleted') AS d
    WHERE t.id = r.id AND r.rn <= b.b
    RETURNING t.id, r.rn > b.a AS invalid
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_action', id, 'invalid_json', 'data' FROM upd WHERE invalid;

INSERT INTO dispatch_instance (id, name, patient_id, created_at)
SELECT g, 'Instance ' || g, 1 + synthetic.ri('instance.patient', g, synthetic.n('patients')),
       synthetic.ts_at((g - 0.5) / 29)
FROM generate_series(1, 29) AS g;
