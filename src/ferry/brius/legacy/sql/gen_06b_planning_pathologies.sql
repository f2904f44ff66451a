-- Pathologies of projects, plans, comments and notes, injected into the rows above
-- synthetic.id_floor(...) (every row at generation, a period's new ones in a mutation).

-- Pathologies of projects and plans.
WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.unknown_project_type', id), id) AS rn
    FROM dispatch_project WHERE id > synthetic.id_floor('projects')
), upd AS (
    UPDATE dispatch_project AS p SET type = CASE WHEN c.rn % 2 = 1 THEN 9 ELSE 99 END
    FROM chosen AS c
    WHERE p.id = c.id AND c.rn <= synthetic.quota('unknown_project_type', (SELECT count(*) FROM dispatch_project WHERE id > synthetic.id_floor('projects')))
    RETURNING p.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_project', id, 'unknown_code', 'type' FROM upd;

UPDATE dispatch_project AS p
SET creator_id = ids.deleted[1 + synthetic.ri('pick.deleted', p.id, cardinality(ids.deleted))]
FROM s_ids AS ids
WHERE p.id IN (SELECT id FROM dispatch_project WHERE id > synthetic.id_floor('projects')
               ORDER BY synthetic.r('inject.orphan_project_creator', id), id
               LIMIT synthetic.quota('orphan_project_creator', (SELECT count(*) FROM dispatch_project WHERE id > synthetic.id_floor('projects'))));

UPDATE dispatch_plan SET instruction_id = synthetic.n('instructions') + 100 + id % 1000
WHERE id IN (SELECT id FROM dispatch_plan WHERE id > synthetic.id_floor('plans')
             ORDER BY synthetic.r('inject.orphan_plan_instruction', id), id
             LIMIT synthetic.quota('orphan_plan_instruction', (SELECT count(*) FROM dispatch_plan WHERE id > synthetic.id_floor('plans'))));

UPDATE dispatch_plan SET project_id = (SELECT max(id) FROM dispatch_project) + 100 + id % 1000
WHERE id IN (SELECT id FROM dispatch_plan WHERE id > synthetic.id_floor('plans')
             ORDER BY synthetic.r('inject.orphan_plan_project', id), id
             LIMIT synthetic.quota('orphan_plan_project', (SELECT count(*) FROM dispatch_plan WHERE id > synthetic.id_floor('plans'))));

-- Pathologies of comments: blank text, gone authors, gone plans, and the very short texts of
-- doctors that customer feedback skips.
WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.blank_comment', id), id) AS rn
    FROM dispatch_comment WHERE id > synthetic.id_floor('comments')
), upd AS (
    UPDATE dispatch_comment AS m SET text = (ARRAY[NULL, '', '   '])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE m.id = c.id AND c.rn <= synthetic.quota('blank_comment', (SELECT count(*) FROM dispatch_comment WHERE id > synthetic.id_floor('comments')))
    RETURNING m.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_comment', id, 'blank_text', 'text' FROM upd;

UPDATE dispatch_comment AS m
SET author_id = ids.deleted[1 + synthetic.ri('pick.deleted', m.id, cardinality(ids.deleted))]
FROM s_ids AS ids
WHERE m.id IN (SELECT id FROM dispatch_comment WHERE id > synthetic.id_floor('comments') AND btrim(text) <> ''
               ORDER BY synthetic.r('inject.orphan_comment_author', id), id
               LIMIT synthetic.quota('orphan_comment_author', (SELECT count(*) FROM dispatch_comment WHERE id > synthetic.id_floor('comments'))));

UPDATE dispatch_comment SET plan_id = (SELECT max(id) FROM dispatch_plan) + 100 + id % 1000
WHERE id IN (SELECT id FROM dispatch_comment WHERE id > synthetic.id_floor('comments') AND btrim(text) <> ''
             ORDER BY synthetic.r('inject.orphan_comment_plan', id), id
             LIMIT synthetic.quota('orphan_comment_plan', (SELECT count(*) FROM dispatch_comment WHERE id > synthetic.id_floor('comments'))));

WITH doctor_authored AS (
    SELECT m.id FROM dispatch_comment AS m
    WHERE m.id > synthetic.id_floor('comments') AND m.author_id IN (SELECT id FROM synthetic.doctor_candidate) AND btrim(m.text) <> ''
), chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.short_comment', id), id) AS rn
    FROM doctor_authored
), upd AS (
    UPDATE dispatch_comment AS m SET text = (ARRAY['ok', 'Thx!', 'Yes', '+1', ' done '])[1 + c.rn % 5]
    FROM chosen AS c
    WHERE m.id = c.id AND c.rn <= synthetic.quota('short_feedback_comment', (SELECT count(*) FROM doctor_authored))
    RETURNING m.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_comment', id, 'short_text', 'text' FROM upd;

-- Pathologies of notes.
WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.blank_note', id), id) AS rn
    FROM dispatch_note WHERE id > synthetic.id_floor('notes')
), upd AS (
    UPDATE dispatch_note AS n SET text = (ARRAY[NULL, '', '  '])[1 + c.rn % 3]
    FROM chosen AS c
    WHERE n.id = c.id AND c.rn <= synthetic.quota('blank_note', synthetic.population('notes'))
    RETURNING n.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_note', id, 'blank_text', 'text' FROM upd;

WITH chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('inject.note_doctor', id), id) AS rn
    FROM dispatch_note WHERE id > synthetic.id_floor('notes') AND btrim(text) <> ''
), upd AS (
    UPDATE dispatch_note AS n
    SET doctor_id = CASE c.rn % 3
        WHEN 1 THEN (SELECT t.id FROM s_tested AS t ORDER BY synthetic.r('pick.test', t.id + c.rn), t.id LIMIT 1)
        WHEN 2 THEN (SELECT u.id FROM s_pool AS sp, unnest(sp.ids) AS u(id) WHERE sp.name = 'patient_doctor'
                     ORDER BY synthetic.r('pick.patient_doctor', u.id + c.rn), u.id LIMIT 1)
        ELSE (SELECT u.id FROM s_pool AS sp, unnest(sp.ids) AS u(id) WHERE sp.name IN ('technician', 'other')
              ORDER BY synthetic.r('pick.not_doctor', u.id + c.rn), u.id LIMIT 1) END
    FROM chosen AS c
    WHERE n.id = c.id AND c.rn <= synthetic.quota('note_doctor_not_migrated', synthetic.population('notes'))
    RETURNING n.id
)
INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)
SELECT 'dispatch_note', id, 'parent_not_migrated', 'doctor_id' FROM upd;

UPDATE dispatch_note AS n
SET author_id = ids.deleted[1 + synthetic.ri('pick.deleted', n.id, cardinality(ids.deleted))]
FROM s_ids AS ids
WHERE n.id IN (SELECT id FROM dispatch_note WHERE id > synthetic.id_floor('notes') AND btrim(text) <> ''
               AND id NOT IN (SELECT legacy_id FROM synthetic.pathology WHERE source_table = 'dispatch_note')
               ORDER BY synthetic.r('inject.orphan_note_author', id), id
               LIMIT synthetic.quota('orphan_note_author', synthetic.population('notes')));
