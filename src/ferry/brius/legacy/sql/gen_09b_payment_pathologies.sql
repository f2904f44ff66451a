-- Pathologies of payments, injected into the payments above synthetic.id_floor('payments').

WITH ranked AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.payment_instruction', id), id) AS rn
    FROM dispatch_payment WHERE id > synthetic.id_floor('payments')
), bounds AS (
    SELECT synthetic.quota('null_payment_instruction', n) AS a,
           synthetic.quota('null_payment_instruction', n) + synthetic.quota('orphan_payment_instruction', n) AS b
    FROM (SELECT count(*) AS n FROM dispatch_payment WHERE id > synthetic.id_floor('payments')) AS x
), upd AS (
    UPDATE dispatch_payment AS p
    SET instruction_id = CASE WHEN r.rn <= b.a THEN NULL ELSE synthetic.n('instructions') + 100 + p.id % 1000 END
    FROM ranked AS r, bounds AS b
    WHERE p.id = r.id AND r.rn <= b.b
    RETURNING p.id, p.instruction_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_payment', id, 'null_reference', 'instruction_id' FROM upd WHERE instruction_id IS NULL;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_installments', id), id) AS rn
    FROM dispatch_payment WHERE id > synthetic.id_floor('payments')
), upd AS (
    UPDATE dispatch_payment AS p
    SET installments = (ARRAY['[{"amount": 100.00', '[{amount: 1}]', 'None'])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE p.id = c.id AND c.rn <= synthetic.quota('invalid_json_installments', (SELECT count(*) FROM dispatch_payment WHERE id > synthetic.id_floor('payments')))
    RETURNING p.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_payment', id, 'invalid_json', 'installments' FROM upd;
