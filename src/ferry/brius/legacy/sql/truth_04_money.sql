-- Ground truth, part 4: payments, purchases, offers, discounts.

-- payments: the order is required; the patient is the order's (so migrated with it); the
-- doctor and office are the payment's own legacy columns (optional).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'payments', 'dispatch_payment', p.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_payment AS p
LEFT JOIN dispatch_instruction AS i ON i.id = p.instruction_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = p.instruction_id
LEFT JOIN auth_user AS du ON du.id = p.doctor_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = p.doctor_id
LEFT JOIN dispatch_office AS o ON o.id = p.office_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:orders', synthetic.cause(p.instruction_id, i.id),
     i.id IS NULL OR lo.legacy_id IS NOT NULL),
    ('fix', 0, 'invalid_json_kept_raw', 'invalid_json',
     p.installments IS NOT NULL AND NOT synthetic.is_json(p.installments)),
    ('fix', 0, 'optional_parent_null:doctor_id', synthetic.cause(p.doctor_id, du.id),
     p.doctor_id IS NOT NULL AND md.id IS NULL),
    ('fix', 0, 'optional_parent_null:office_id', synthetic.cause(p.office_id, o.id),
     p.office_id IS NOT NULL AND o.id IS NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('payments', 'dispatch_payment', (SELECT count(*) FROM dispatch_payment));

-- purchases: the paid, not cancelled payments with a positive total; they need the payment
-- (and through it the order). No product: a payment names none.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'purchases', 'dispatch_payment', p.id, 'quarantine', 300, 'missing_parent:payments', 'cascade'
FROM dispatch_payment AS p
JOIN synthetic.lost AS l ON l.entity = 'payments' AND l.legacy_id = p.id
WHERE p.paid AND NOT p.canceled AND p.total_price > 0;
SELECT synthetic.settle('purchases', 'dispatch_payment',
    (SELECT count(*) FROM dispatch_payment WHERE paid AND NOT canceled AND total_price > 0));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'offers', 'dispatch_offer', o.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_offer AS o
LEFT JOIN auth_user AS du ON du.id = o.doctor_id
LEFT JOIN synthetic.migrated_doctor AS md ON md.id = o.doctor_id
LEFT JOIN dispatch_product AS pr ON pr.id = o.product_id
LEFT JOIN synthetic.lost AS lpr ON lpr.entity = 'products' AND lpr.legacy_id = o.product_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:doctors', synthetic.cause(o.doctor_id, du.id), md.id IS NULL),
    ('fix', 0, 'optional_parent_null:product_id', synthetic.cause(o.product_id, pr.id),
     pr.id IS NULL OR lpr.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('offers', 'dispatch_offer', (SELECT count(*) FROM dispatch_offer));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'discounts', 'dispatch_discount', d.id, 'quarantine', 300, 'missing_parent:offers',
       synthetic.cause(d.offer_id, o.id)
FROM dispatch_discount AS d
LEFT JOIN dispatch_offer AS o ON o.id = d.offer_id
LEFT JOIN synthetic.lost AS l ON l.entity = 'offers' AND l.legacy_id = d.offer_id
WHERE o.id IS NULL OR l.legacy_id IS NOT NULL;
SELECT synthetic.settle('discounts', 'dispatch_discount', (SELECT count(*) FROM dispatch_discount));

DROP VIEW IF EXISTS pg_temp.t_comment, pg_temp.t_state;
