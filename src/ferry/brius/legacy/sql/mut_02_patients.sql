-- Who treats a period's new patients (s_doctor_dist, the generator's shape: ids and the lower
-- bound of each doctor's share of [0, 1)): the doctors that migrate, in proportion to the
-- patients they already have, so the long tail of patients per doctor keeps its shape. The
-- patients whose doctor will not migrate are then injected by gen_04b at the generator's rate.

CREATE TEMP TABLE s_doctor_dist ON COMMIT DROP AS
WITH weights AS (
    SELECT p.doctor_id AS id, count(*)::double precision AS w
    FROM dispatch_patient AS p
    WHERE p.doctor_id IN (SELECT id FROM synthetic.migrated_doctor)
    GROUP BY p.doctor_id
), cumulated AS (
    SELECT id, (sum(w) OVER (ORDER BY id) - w) / sum(w) OVER () AS lo FROM weights
)
SELECT array_agg(id ORDER BY id) AS ids, array_agg(lo ORDER BY id) AS lo FROM cumulated;
