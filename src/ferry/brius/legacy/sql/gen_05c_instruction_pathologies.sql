-- Pathologies of instructions and jaws, injected into the rows above synthetic.id_floor(...)
-- (every row at generation, a period's new ones in a mutation).

WITH upd AS (
    UPDATE dispatch_instruction SET deleted = true
    WHERE id IN (SELECT id FROM dispatch_instruction WHERE id > synthetic.id_floor('instructions')
                 ORDER BY synthetic.r('inject.soft_deleted', id), id
                 LIMIT synthetic.quota('soft_deleted_instruction', synthetic.population('instructions')))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_instruction', id, 'soft_deleted', 'deleted' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.unknown_status', id), id) AS rn
    FROM dispatch_instruction WHERE id > synthetic.id_floor('instructions') AND NOT deleted
), upd AS (
    UPDATE dispatch_instruction AS i SET status = CASE WHEN c.rn % 2 = 1 THEN 3 ELSE 7 END
    FROM chosen AS c
    WHERE i.id = c.id AND c.rn <= synthetic.quota('unknown_order_status', synthetic.population('instructions'))
    RETURNING i.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_instruction', id, 'unknown_code', 'status' FROM upd;

UPDATE dispatch_instruction SET patient_id = synthetic.n('patients') + 1000 + id
WHERE id IN (SELECT id FROM dispatch_instruction
             WHERE id > synthetic.id_floor('instructions') AND NOT deleted AND status IN (0, 1, 2, 4)
             ORDER BY synthetic.r('inject.orphan_instruction_patient', id), id
             LIMIT synthetic.quota('orphan_instruction_patient', synthetic.population('instructions')));

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_exports', id), id) AS rn
    FROM dispatch_instruction WHERE id > synthetic.id_floor('instructions')
), upd AS (
    UPDATE dispatch_instruction AS i
    SET exports = (ARRAY['{"stl": "exports/upper.zip"', '{''stl'': 1}', 'undefined'])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE i.id = c.id AND c.rn <= synthetic.quota('invalid_json_exports', synthetic.population('instructions'))
    RETURNING i.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_instruction', id, 'invalid_json', 'exports' FROM upd;

-- Jaws no instruction points at any more (the instruction lost its upper jaw).
WITH chosen AS (
    SELECT id, upper_jaw_id FROM dispatch_instruction WHERE id > synthetic.id_floor('instructions') AND upper_jaw_id IS NOT NULL
    ORDER BY synthetic.r('inject.unreferenced_jaw', id), id
    LIMIT synthetic.quota('unreferenced_jaw', (SELECT count(*) FROM dispatch_jaw WHERE id > synthetic.id_floor('jaws')))
), upd AS (
    UPDATE dispatch_instruction AS i SET upper_jaw_id = NULL
    FROM chosen AS c WHERE i.id = c.id
    RETURNING c.upper_jaw_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_jaw', upper_jaw_id, 'unreferenced_jaw', '' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.jaw_product', id), id) AS rn
    FROM dispatch_jaw WHERE id > synthetic.id_floor('jaws')
), upd AS (
    UPDATE dispatch_jaw AS j
    SET product_id = (ARRAY[5, 11, 7, 14, 8, 16, 10, 18, 12, 21, 15, 23, 19, 26, 20, 29, 24, 25, 28, 30])[1 + (c.rn - 1) % 20]
    FROM chosen AS c
    WHERE j.id = c.id AND c.rn <= synthetic.quota('jaw_product_not_migrated', (SELECT count(*) FROM dispatch_jaw WHERE id > synthetic.id_floor('jaws')))
    RETURNING j.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_jaw', id, 'parent_not_migrated', 'product_id' FROM upd;

UPDATE dispatch_jaw SET product_id = 100 + id % 50
WHERE id IN (SELECT id FROM dispatch_jaw
             WHERE id > synthetic.id_floor('jaws')
               AND id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE source_table = 'dispatch_jaw')
             ORDER BY synthetic.r('inject.orphan_jaw_product', id), id
             LIMIT synthetic.quota('orphan_jaw_product', (SELECT count(*) FROM dispatch_jaw WHERE id > synthetic.id_floor('jaws'))));
