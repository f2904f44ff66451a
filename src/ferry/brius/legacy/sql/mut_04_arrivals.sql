-- Orders that arrive late: ids that tasks already pointed at before the period although no
-- instruction had them (m_orphan_before), now inserted with exactly that id, so that the first
-- migration's orphans (tasks quarantined for their missing order, and whatever else shares the
-- id) must be healed by the next sync. Only ids above every instruction are free to take. Each
-- goes to a patient that migrates cleanly (its case is owed and it carries no pathology), so the
-- order itself migrates. Run after the period's new orders, with every population set to 0:
-- gen_05a then gives these instructions their jaws and maybe a dispatch_order, nothing else.

CREATE TEMP TABLE s_instr_base ON COMMIT DROP AS
WITH wanted AS (
    SELECT DISTINCT t.instruction_id AS id
    FROM m_orphan_before AS o JOIN dispatch_task AS t ON t.id = o.legacy_id
    WHERE o.source_table = 'dispatch_task' AND o.detail = 'instruction_id'
      AND t.instruction_id > (SELECT max(id) FROM dispatch_instruction)
), chosen AS (
    SELECT id, row_number() OVER (ORDER BY synthetic.r('mutate.arrive_instruction', id), id) AS rn,
           count(*) OVER () AS n
    FROM wanted
), patients AS (
    SELECT p.id, p.user_id, p.doctor_id, p.suffix,
           row_number() OVER (ORDER BY synthetic.r('mutate.arrive_patient', p.id), p.id) AS rn
    FROM dispatch_patient AS p
    WHERE NOT p.archived
      AND p.user_id IN (SELECT id FROM auth_user)
      AND NOT EXISTS (SELECT 1 FROM synthetic.lost AS l WHERE l.entity IN ('patients', 'cases')
                      AND l.legacy_id = p.id)
      AND NOT EXISTS (SELECT 1 FROM synthetic.pathology AS x
                      WHERE x.source_table = 'dispatch_patient' AND x.legacy_id = p.id)
)
SELECT c.id, p.id AS patient_id, p.user_id AS patient_user,
       CASE WHEN p.doctor_id IN (SELECT id FROM auth_user) THEN p.doctor_id END AS doctor_user,
       p.suffix,
       (1 + coalesce((SELECT max(i."order") FROM dispatch_instruction AS i
                      WHERE i.patient_id = p.id), 0))::integer AS ordinal,
       synthetic.period_at(synthetic.r('mutate.arrive_time', c.id)) AS t0
FROM chosen AS c JOIN patients AS p ON p.rn = c.rn
WHERE c.rn <= synthetic.quota('arrive_instructions', c.n);
