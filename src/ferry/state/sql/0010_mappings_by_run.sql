-- Which entities gained mappings after a run (`ledger.mappings.gained_since`): every sync asks
-- it of each entity's parents, and without an index it read every mapping of the parent (a
-- sync over an unchanged source spent 2.45 of its 5.6 s there at scale 0.25). Within a run the
-- key repeats, so the index stays small (6.7 MB against 56 MB for the new-id index at scale
-- 0.25) and a mapping row costs about 1 µs more to write (notifications at scale 0.25, one
-- worker: 2.61-2.90 s against 3.10-3.39 s for 510K mapping rows).
CREATE INDEX migration_mappings_run ON ferry.migration_mappings (entity, run_id);
