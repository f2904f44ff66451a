-- Files, records (messages and team communications) and their attachments (REFERENCE 1.7), for
-- the instructions of s_instr; only files above synthetic.id_floor('files') are touched.

INSERT INTO dispatch_file (id, uid, name, ext, size, type, status, instruction_id, product_id,
                           record_id, parameters, created_at)
SELECT f.id, md5('file' || f.id),
       synthetic.pick(ARRAY['upper', 'lower', 'bite', 'photo_front', 'photo_left', 'scan', 'model',
                            'plan', 'report'], synthetic.r('file.base', f.id)) || '_' || f.id || e.ext,
       e.ext,
       1000 + synthetic.ri('file.size', f.id, 50000000),
       CASE lower(e.ext) WHEN '.stl' THEN 6 + synthetic.ri('file.model_type', f.id, 2) WHEN '.ply' THEN 7
                         WHEN '.jpg' THEN 8 WHEN '.png' THEN 1 + synthetic.ri('file.photo_type', f.id, 4)
                         WHEN '.pdf' THEN 11 WHEN '.zip' THEN 13 WHEN '.dcm' THEN 5 WHEN '.dxf' THEN 14
                         ELSE 15 END,
       synthetic.ri('file.status', f.id, 3),
       CASE WHEN f.id <= s.linked_hi THEN s.id END,
       CASE WHEN synthetic.r('file.product', f.id) < 0.9 THEN NULL
            ELSE (ARRAY[1, 2, 3, 4, 6, 13, 17])[1 + synthetic.ri('file.product_v', f.id, 7)] END,
       NULL,
       CASE WHEN pr < 0.5 THEN NULL WHEN pr < 0.7 THEN '{}' ELSE '{"scale": 1.0, "units": "mm"}' END,
       least(s.t0 + synthetic.r('file.created', f.id) * interval '60 days', synthetic.clock())
FROM s_instr AS s
CROSS JOIN LATERAL generate_series(s.files_lo + 1, s.files_hi) AS f(id)
CROSS JOIN LATERAL (
    SELECT (ARRAY['.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl',
                  '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl', '.stl',
                  '.jpg', '.jpg', '.jpg', '.jpg', '.jpg', '.jpg', '.jpg', '.jpg', '.jpg', '.jpg',
                  '.jpg', '.jpg', '.jpg', '.png', '.png', '.png', '.zip', '.zip', '.zip', '.zip',
                  '.pdf', '.pdf', '.pdf', '.dcm', '.dcm', '.ply', '.ply', '.dxf', '.irk', '.STL']
           )[1 + synthetic.ri('file.ext', f.id, 50)] AS ext,
           synthetic.r('file.parameters', f.id) AS pr
) AS e;

-- Records: to the patient (content type 11) or a user (58) are messages; the others (about
-- 15%, here about the instruction, content type 9) are team communications.
INSERT INTO dispatch_record (id, type, target_type_id, target_id, text, author_id, group_id, public, created_at)
SELECT rc.id,
       (ARRAY[3, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 8, 8])[1 + synthetic.ri('record.type', rc.id, 20)],
       t.target_type, t.target_id,
       synthetic.pick(synthetic.pool('phrase'), synthetic.r('record.text', rc.id)),
       CASE WHEN synthetic.r('record.no_author', rc.id) < 0.02 THEN NULL
            WHEN a < 0.18 AND s.doctor_user IS NOT NULL THEN s.doctor_user
            WHEN a >= 0.18 AND a < 0.48 AND s.patient_user IS NOT NULL THEN s.patient_user
            WHEN a >= 0.88 THEN ids.staff[1 + synthetic.ri('record.staff', rc.id, cardinality(ids.staff))]
            ELSE ids.technicians[1 + synthetic.ri('record.technician', rc.id, cardinality(ids.technicians))] END,
       CASE WHEN synthetic.r('record.group', rc.id) < 0.7 THEN NULL
            ELSE (ARRAY[1, 2, 11, 4])[1 + synthetic.ri('record.group_v', rc.id, 4)] END,
       CASE WHEN synthetic.r('record.public', rc.id) < 0.2 THEN NULL ELSE synthetic.r('record.public_v', rc.id) < 0.5 END,
       least(s.t0 + synthetic.r('record.created', rc.id) * interval '120 days', synthetic.clock())
FROM s_instr AS s
CROSS JOIN s_ids AS ids
CROSS JOIN LATERAL generate_series(s.records_lo + 1, s.records_hi) AS rc(id)
CROSS JOIN LATERAL (
    SELECT synthetic.r('record.target', rc.id) AS u, synthetic.r('record.author', rc.id) AS a
) AS x
CROSS JOIN LATERAL (
    SELECT CASE WHEN x.u >= 0.85 THEN 9
                WHEN x.u >= 0.45 AND coalesce(s.patient_user, s.doctor_user) IS NOT NULL THEN 58
                ELSE 11 END AS target_type,
           CASE WHEN x.u >= 0.85 THEN s.id
                WHEN x.u >= 0.45 AND coalesce(s.patient_user, s.doctor_user) IS NOT NULL
                    THEN CASE WHEN s.doctor_user IS NOT NULL
                                   AND (s.patient_user IS NULL OR synthetic.r('record.to_doctor', rc.id) < 0.3)
                              THEN s.doctor_user ELSE s.patient_user END
                ELSE s.patient_id END AS target_id
) AS t;

-- About 2% of files belong to a message of their instruction; attachments link those and a
-- few more files to messages.
UPDATE dispatch_file AS f SET record_id = x.rec
FROM (
    SELECT f.id, s.records_lo + 1 + synthetic.ri('file.record', f.id, s.records_hi - s.records_lo) AS rec
    FROM dispatch_file AS f JOIN s_instr AS s ON s.id = f.instruction_id
    WHERE synthetic.r('file.has_record', f.id) < 0.052 AND s.records_hi > s.records_lo
      AND f.id > synthetic.id_floor('files')
) AS x
JOIN dispatch_record AS r ON r.id = x.rec AND r.target_type_id IN (11, 58)
WHERE f.id = x.id;

INSERT INTO dispatch_record_attachments (id, record_id, file_id)
SELECT synthetic.id_floor('attachments') + row_number() OVER (ORDER BY file_id, record_id), record_id, file_id
FROM (
    SELECT record_id, id AS file_id FROM dispatch_file
    WHERE record_id IS NOT NULL AND id > synthetic.id_floor('files')
    UNION ALL
    SELECT x.rec, x.id
    FROM (
        SELECT f.id, s.records_lo + 1 + synthetic.ri('file.attachment', f.id, s.records_hi - s.records_lo) AS rec
        FROM dispatch_file AS f JOIN s_instr AS s ON s.id = f.instruction_id
        WHERE f.record_id IS NULL AND synthetic.r('file.has_attachment', f.id) < 0.028
          AND f.id > synthetic.id_floor('files')
          AND s.records_hi > s.records_lo
    ) AS x
    JOIN dispatch_record AS r ON r.id = x.rec AND r.target_type_id IN (11, 58)
) AS a;
