-- Lighter skip and quarantine writes (issue 17: notifications skip about 3M rows at scale 1.0,
-- and counting a skipped row must not cost as much as migrating one). Like the mappings'
-- (0003), their foreign keys to ferry.runs ran a trigger query per row; the run row is always
-- written before any batch of the run, so run_id keeps its meaning unenforced.
ALTER TABLE ferry.skipped DROP CONSTRAINT skipped_run_id_fkey;
ALTER TABLE ferry.quarantine DROP CONSTRAINT quarantine_run_id_fkey;
