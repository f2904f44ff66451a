-- The rows of the instructions planned in s_instr: dispatch_instruction, dispatch_order, dispatch_jaw.

INSERT INTO dispatch_instruction (id, patient_id, course_id, status, deleted, submitted_at,
                                  updated_at, notes, complaint, conditions, objective, scanner_notes,
                                  comprehensive, accept_extraction, cbct, model, scanner, "order",
                                  exports, price, suffix, upper_jaw_id, lower_jaw_id)
SELECT s.id, s.patient_id, c.course,
       CASE WHEN st < 0.05 THEN 0 WHEN st < 0.2 THEN 1 WHEN st < 0.5 THEN 2 ELSE 4 END,
       false,
       CASE WHEN synthetic.r('instruction.no_submit', s.id) >= 0.01 THEN s.t0 END,
       s.t0 + synthetic.r('instruction.updated', s.id) * interval '90 days',
       CASE WHEN synthetic.r('instruction.notes', s.id) < 0.5 THEN NULL
            ELSE synthetic.pick(synthetic.pool('phrase'), synthetic.r('instruction.notes_text', s.id)) END,
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'Crowding', 'Spacing', 'Overbite'], synthetic.r('instruction.complaint', s.id)),
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'Class II', 'Class I', 'Open bite'], synthetic.r('instruction.conditions', s.id)),
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'Align both arches', 'Close spaces', 'Level the curve'], synthetic.r('instruction.objective', s.id)),
       synthetic.pick(ARRAY['', '', '', '', '', '', NULL, 'iTero', '3Shape', 'Medit'], synthetic.r('instruction.scanner_notes', s.id)),
       CASE WHEN synthetic.r('instruction.comprehensive', s.id) < 0.3 THEN NULL ELSE synthetic.r('instruction.comprehensive_v', s.id) < 0.5 END,
       CASE WHEN synthetic.r('instruction.extraction', s.id) < 0.3 THEN NULL ELSE synthetic.r('instruction.extraction_v', s.id) < 0.1 END,
       synthetic.r('instruction.cbct', s.id) < 0.2,
       CASE WHEN synthetic.r('instruction.model', s.id) < 0.4 THEN NULL ELSE 1 + synthetic.ri('instruction.model_v', s.id, 5) END,
       CASE WHEN synthetic.r('instruction.scanner', s.id) < 0.3 THEN NULL ELSE 1 + synthetic.ri('instruction.scanner_v', s.id, 8) END,
       s.ordinal,
       CASE WHEN ex < 0.6 THEN '{}' WHEN ex < 0.8 THEN NULL
            ELSE '{"stl": "exports/' || md5('export' || s.id) || '.zip"}' END,
       CASE WHEN synthetic.r('instruction.no_price', s.id) < 0.05 THEN NULL
            ELSE CASE c.course WHEN 1 THEN 1495 + 100 * synthetic.ri('instruction.price', s.id, 6)
                               WHEN 2 THEN 295 * synthetic.ri('instruction.price', s.id, 2)
                               WHEN 3 THEN 150 WHEN 4 THEN 995
                               WHEN 7 THEN 50 + 10 * synthetic.ri('instruction.price', s.id, 45)
                               ELSE 15 + synthetic.ri('instruction.price', s.id, 45) END END,
       CASE WHEN char_length(s.suffix) = 4 THEN s.suffix END,
       s.upper_jaw_id, s.lower_jaw_id
FROM s_instr AS s
CROSS JOIN LATERAL (
    SELECT CASE WHEN s.ordinal = 1 THEN 1
                WHEN u < 0.45 THEN 2 WHEN u < 0.6 THEN 3 WHEN u < 0.7 THEN 4 WHEN u < 0.8 THEN 7
                WHEN u < 0.88 THEN 8 ELSE 1 END AS course,
           synthetic.r('instruction.status', s.id) AS st,
           synthetic.r('instruction.exports', s.id) AS ex
    FROM (SELECT synthetic.r('instruction.course', s.id) AS u) AS x
) AS c;

INSERT INTO dispatch_order (id, instruction_id, course_id, patient_id)
SELECT s.order_id, i.id, i.course_id, i.patient_id
FROM s_instr AS s JOIN dispatch_instruction AS i ON i.id = s.id
WHERE s.order_id IS NOT NULL;

INSERT INTO dispatch_jaw (id, product_id, reason, labial, bond_teeth, extract_teeth)
SELECT j.id,
       CASE WHEN synthetic.r('jaw.no_product', j.id) < 0.1 THEN NULL
            ELSE (ARRAY[1, 2, 3, 4, 6, 13, 17])[1 + synthetic.ri('jaw.product', j.id, 7)] END,
       CASE WHEN synthetic.r('jaw.reason', j.id) < 0.8 THEN NULL ELSE 1 + synthetic.ri('jaw.reason_v', j.id, 3) END,
       synthetic.r('jaw.labial', j.id) < 0.3,
       CASE WHEN synthetic.r('jaw.bond', j.id) < 0.5 THEN '' ELSE '13,23' END,
       CASE WHEN synthetic.r('jaw.extract', j.id) < 0.9 THEN '' ELSE '14,24' END
FROM (SELECT upper_jaw_id AS id FROM s_instr WHERE upper_jaw_id IS NOT NULL
      UNION ALL SELECT lower_jaw_id FROM s_instr WHERE lower_jaw_id IS NOT NULL) AS j;
