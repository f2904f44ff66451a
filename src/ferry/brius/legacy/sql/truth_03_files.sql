-- Ground truth, part 3: files, messages and attachments.

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'files', 'dispatch_file', f.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_file AS f
LEFT JOIN dispatch_instruction AS i ON i.id = f.instruction_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = f.instruction_id
CROSS JOIN LATERAL (VALUES
    ('fix', 0, 'optional_parent_null:order_id', synthetic.cause(f.instruction_id, i.id),
     f.instruction_id IS NOT NULL AND (i.id IS NULL OR lo.legacy_id IS NOT NULL)),
    ('fix', 0, 'double_extension_stripped', 'double_extension',
     lower(f.name) LIKE '%' || lower(f.ext) || lower(f.ext)),
    ('fix', 0, 'invalid_json_kept_raw', 'invalid_json',
     f.parameters IS NOT NULL AND NOT synthetic.is_json(f.parameters))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('files', 'dispatch_file', (SELECT count(*) FROM dispatch_file));

-- order_files and case_files: the files that carry an instruction. order_files needs the
-- order; case_files needs the case of the instruction's patient (read in the legacy tables).
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'order_files', 'dispatch_file', f.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_file AS f
LEFT JOIN dispatch_instruction AS i ON i.id = f.instruction_id
LEFT JOIN synthetic.lost AS lo ON lo.entity = 'orders' AND lo.legacy_id = f.instruction_id
LEFT JOIN synthetic.lost AS lf ON lf.entity = 'files' AND lf.legacy_id = f.id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:orders', synthetic.cause(f.instruction_id, i.id),
     i.id IS NULL OR lo.legacy_id IS NOT NULL),
    ('quarantine', 310, 'missing_parent:files', 'cascade', lf.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit AND f.instruction_id IS NOT NULL;
SELECT synthetic.settle('order_files', 'dispatch_file',
                        (SELECT count(*) FROM dispatch_file WHERE instruction_id IS NOT NULL));

INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'case_files', 'dispatch_file', f.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_file AS f
LEFT JOIN dispatch_instruction AS i ON i.id = f.instruction_id
LEFT JOIN dispatch_patient AS p ON p.id = i.patient_id
LEFT JOIN synthetic.lost AS lc ON lc.entity = 'cases' AND lc.legacy_id = i.patient_id
LEFT JOIN synthetic.lost AS lf ON lf.entity = 'files' AND lf.legacy_id = f.id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:cases',
     CASE WHEN i.id IS NULL THEN 'orphan' ELSE 'cascade' END,
     p.id IS NULL OR lc.legacy_id IS NOT NULL),
    ('quarantine', 310, 'missing_parent:files', 'cascade', lf.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit AND f.instruction_id IS NOT NULL;
SELECT synthetic.settle('case_files', 'dispatch_file',
                        (SELECT count(*) FROM dispatch_file WHERE instruction_id IS NOT NULL));

-- messages: records to a patient (content type 11, target = dispatch_patient.id) or a user
-- (58, target = auth_user.id); team_communications: every other record.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT CASE WHEN r.target_type_id IN (11, 58) THEN 'messages' ELSE 'team_communications' END,
       'dispatch_record', r.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_record AS r
LEFT JOIN auth_user AS au ON au.id = r.author_id
LEFT JOIN synthetic.lost AS la ON la.entity = 'profiles' AND la.legacy_id = r.author_id
LEFT JOIN dispatch_patient AS tp ON r.target_type_id = 11 AND tp.id = r.target_id
LEFT JOIN synthetic.lost AS ltp ON r.target_type_id = 11 AND ltp.entity = 'patients' AND ltp.legacy_id = r.target_id
LEFT JOIN auth_user AS tu ON r.target_type_id = 58 AND tu.id = r.target_id
LEFT JOIN synthetic.lost AS ltu ON r.target_type_id = 58 AND ltu.entity = 'profiles' AND ltu.legacy_id = r.target_id
CROSS JOIN LATERAL (VALUES
    ('skip', 100, 'blank_text', 'blank_text', synthetic.blank(r.text)),
    ('quarantine', 200, 'unknown_code', 'unknown_code', r.type NOT IN (3, 4, 5, 6, 8)),
    ('quarantine', 300, 'missing_parent:patients', synthetic.cause(r.target_id, tp.id),
     r.target_type_id = 11 AND (tp.id IS NULL OR ltp.legacy_id IS NOT NULL)),
    ('quarantine', 300, 'missing_parent:profiles', synthetic.cause(r.target_id, tu.id),
     r.target_type_id = 58 AND (tu.id IS NULL OR ltu.legacy_id IS NOT NULL)),
    ('fix', 0, CASE WHEN r.target_type_id IN (11, 58) THEN 'optional_parent_null:sender_id'
                    ELSE 'optional_parent_null:author_id' END,
     synthetic.cause(r.author_id, au.id),
     r.author_id IS NOT NULL AND (au.id IS NULL OR la.legacy_id IS NOT NULL))
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('messages', 'dispatch_record',
                        (SELECT count(*) FROM dispatch_record WHERE target_type_id IN (11, 58)));
SELECT synthetic.settle('team_communications', 'dispatch_record',
                        (SELECT count(*) FROM dispatch_record WHERE target_type_id NOT IN (11, 58)));

-- message_attachments: the record must be a migrated message, the file a migrated file.
INSERT INTO synthetic.candidate (entity, source_table, legacy_id, kind, priority, detail, pathology)
SELECT 'message_attachments', 'dispatch_record_attachments', a.id, c.kind, c.priority, c.detail, c.pathology
FROM dispatch_record_attachments AS a
LEFT JOIN dispatch_record AS r ON r.id = a.record_id
LEFT JOIN synthetic.lost AS lm ON lm.entity = 'messages' AND lm.legacy_id = a.record_id
LEFT JOIN dispatch_file AS f ON f.id = a.file_id
LEFT JOIN synthetic.lost AS lf ON lf.entity = 'files' AND lf.legacy_id = a.file_id
CROSS JOIN LATERAL (VALUES
    ('quarantine', 300, 'missing_parent:messages', synthetic.cause(a.record_id, r.id),
     r.id IS NULL OR r.target_type_id NOT IN (11, 58) OR lm.legacy_id IS NOT NULL),
    ('quarantine', 310, 'missing_parent:files', synthetic.cause(a.file_id, f.id),
     f.id IS NULL OR lf.legacy_id IS NOT NULL)
) AS c(kind, priority, detail, pathology, hit)
WHERE c.hit;
SELECT synthetic.settle('message_attachments', 'dispatch_record_attachments',
                        (SELECT count(*) FROM dispatch_record_attachments));
