-- Lighter mapping writes (issue 7's profile, tasks at scale 0.25: 27 µs per mapping row).
-- * The foreign key to ferry.runs ran a trigger query per mapping row (about 4.6 µs); the run
--   row is always written before any batch of the run, so run_id keeps its meaning unenforced.
-- * The partial unique index on (entity, new_id) was a second random-UUID btree beside
--   migration_mappings_new_id. New ids are deterministic (a version-3 UUID of entity and legacy
--   id), so one legacy id per new id holds by construction; `ferry validate` checks it (keys).
ALTER TABLE ferry.migration_mappings DROP CONSTRAINT migration_mappings_run_id_fkey;
DROP INDEX ferry.migration_mappings_one_new_id;
