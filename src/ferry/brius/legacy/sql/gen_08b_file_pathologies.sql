-- Pathologies of files, records and attachments, injected into the rows above
-- synthetic.id_floor(...) (every row at generation, a period's new ones in a mutation).

WITH upd AS (
    UPDATE dispatch_file SET name = name || ext
    WHERE id IN (SELECT id FROM dispatch_file WHERE id > synthetic.id_floor('files')
                 ORDER BY synthetic.r('inject.double_extension', id), id
                 LIMIT synthetic.quota('double_extension', (SELECT count(*) FROM dispatch_file WHERE id > synthetic.id_floor('files'))))
    RETURNING id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_file', id, 'double_extension', 'name' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.invalid_parameters', id), id) AS rn
    FROM dispatch_file WHERE id > synthetic.id_floor('files')
), upd AS (
    UPDATE dispatch_file AS f
    SET parameters = (ARRAY['{"scale": 1.0', '{scale: 1}', 'nan'])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE f.id = c.id AND c.rn <= synthetic.quota('invalid_json_parameters', (SELECT count(*) FROM dispatch_file WHERE id > synthetic.id_floor('files')))
    RETURNING f.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_file', id, 'invalid_json', 'parameters' FROM upd;

-- One storage object on two orders: pairs of files of different instructions sharing a uid.
WITH ranked AS (
    SELECT id, instruction_id, row_number() OVER (ORDER BY synthetic.r('inject.shared_uid', id), id) AS rn
    FROM dispatch_file WHERE id > synthetic.id_floor('files') AND instruction_id IS NOT NULL
), pairs AS (
    SELECT a.id AS first_id, b.id AS second_id
    FROM ranked AS a JOIN ranked AS b ON b.rn = a.rn + 1
    WHERE a.rn % 2 = 1 AND a.instruction_id <> b.instruction_id
      AND a.rn <= 2 * synthetic.quota('shared_file_uid', (SELECT count(instruction_id) FROM dispatch_file WHERE id > synthetic.id_floor('files')))
), upd AS (
    UPDATE dispatch_file AS f SET uid = (SELECT uid FROM dispatch_file WHERE id = p.first_id)
    FROM pairs AS p WHERE f.id = p.second_id
    RETURNING p.first_id, p.second_id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_file', first_id, 'shared_file_uid', second_id::text FROM upd
UNION ALL
SELECT 'dispatch_file', second_id, 'shared_file_uid', first_id::text FROM upd;

UPDATE dispatch_file SET instruction_id = synthetic.n('instructions') + 100 + id % 1000
WHERE id IN (SELECT id FROM dispatch_file
             WHERE id > synthetic.id_floor('files') AND instruction_id IS NOT NULL
               AND id NOT IN (SELECT legacy_id FROM synthetic.pathology
                              WHERE source_table = 'dispatch_file' AND class = 'shared_file_uid')
             ORDER BY synthetic.r('inject.orphan_file_instruction', id), id
             LIMIT synthetic.quota('orphan_file_instruction', (SELECT count(instruction_id) FROM dispatch_file WHERE id > synthetic.id_floor('files'))));

-- Pathologies of records.
WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.unknown_record_type', id), id) AS rn
    FROM dispatch_record WHERE id > synthetic.id_floor('records')
), upd AS (
    UPDATE dispatch_record AS r SET type = 7
    FROM chosen AS c
    WHERE r.id = c.id AND c.rn <= synthetic.quota('unknown_record_type', (SELECT count(*) FROM dispatch_record WHERE id > synthetic.id_floor('records')))
    RETURNING r.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_record', id, 'unknown_code', 'type' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.blank_record', id), id) AS rn
    FROM dispatch_record WHERE id > synthetic.id_floor('records') AND type <> 7
), upd AS (
    UPDATE dispatch_record AS r SET text = (ARRAY[NULL, '', '   '])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE r.id = c.id AND c.rn <= synthetic.quota('blank_record', (SELECT count(*) FROM dispatch_record WHERE id > synthetic.id_floor('records')))
    RETURNING r.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_record', id, 'blank_text', 'text' FROM upd;

UPDATE dispatch_record AS r
SET author_id = ids.deleted[1 + synthetic.ri('pick.deleted', r.id, cardinality(ids.deleted))]
FROM s_ids AS ids
WHERE r.id IN (SELECT id FROM dispatch_record
               WHERE id > synthetic.id_floor('records') AND author_id IS NOT NULL AND btrim(text) <> '' AND type <> 7
               ORDER BY synthetic.r('inject.orphan_record_author', id), id
               LIMIT synthetic.quota('orphan_record_author', (SELECT count(*) FROM dispatch_record WHERE id > synthetic.id_floor('records'))));

UPDATE dispatch_record AS r
SET target_id = CASE WHEN r.target_type_id = 11 THEN synthetic.n('patients') + 100 + r.id % 1000
                     ELSE ids.deleted[1 + synthetic.ri('pick.deleted', r.id, cardinality(ids.deleted))] END
FROM s_ids AS ids
WHERE r.id IN (SELECT id FROM dispatch_record
               WHERE id > synthetic.id_floor('records') AND target_type_id IN (11, 58) AND btrim(text) <> '' AND type <> 7
               ORDER BY synthetic.r('inject.orphan_record_target', id), id
               LIMIT synthetic.quota('orphan_record_target',
                                     (SELECT count(*) FROM dispatch_record
                                      WHERE id > synthetic.id_floor('records') AND target_type_id IN (11, 58))));

WITH doctor_authored AS (
    SELECT r.id FROM dispatch_record AS r
    WHERE r.id > synthetic.id_floor('records') AND r.author_id IN (SELECT id FROM synthetic.doctor_candidate) AND btrim(r.text) <> ''
), chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.short_record', id), id) AS rn
    FROM doctor_authored
), upd AS (
    UPDATE dispatch_record AS r SET text = (ARRAY['ok', 'Thx!', 'Yes', '+1', ' done '])[1 + c.rn % 5]
    FROM chosen AS c
    WHERE r.id = c.id AND c.rn <= synthetic.quota('short_feedback_record', (SELECT count(*) FROM doctor_authored))
    RETURNING r.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_record', id, 'short_text', 'text' FROM upd;

-- Attachments whose record or file is gone.
UPDATE dispatch_record_attachments SET record_id = (SELECT max(id) FROM dispatch_record) + 100 + id
WHERE id IN (SELECT id FROM dispatch_record_attachments WHERE id > synthetic.id_floor('attachments')
             ORDER BY synthetic.r('inject.orphan_attachment_record', id), id
             LIMIT synthetic.quota('orphan_attachment_record', (SELECT count(*) FROM dispatch_record_attachments WHERE id > synthetic.id_floor('attachments'))));

UPDATE dispatch_record_attachments SET file_id = (SELECT max(id) FROM dispatch_file) + 100 + id
WHERE id IN (SELECT id FROM dispatch_record_attachments
             WHERE id > synthetic.id_floor('attachments') AND record_id IN (SELECT id FROM dispatch_record)
             ORDER BY synthetic.r('inject.orphan_attachment_file', id), id
             LIMIT synthetic.quota('orphan_attachment_file', (SELECT count(*) FROM dispatch_record_attachments WHERE id > synthetic.id_floor('attachments'))));
