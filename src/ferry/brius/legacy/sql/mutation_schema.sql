-- Ground truth of `ferry legacy mutate`: the periods of the legacy application's life played on
-- the generated data, every row each period inserted, updated or deleted, and every owed outcome
-- that changed although its row did not (a parent arrived, was deleted or soft-deleted...).
-- Emptied by `ferry legacy generate`. Idempotent: every statement may run twice.

-- One row per period, in the order they were played.
CREATE TABLE IF NOT EXISTS synthetic.period (
    period integer PRIMARY KEY,
    seed integer NOT NULL UNIQUE,
    -- The application's time during the period: every time it writes lies in [starts_at, ends_at]
    -- (a few child times run past ends_at), and starts_at is after every time written before.
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    applied_at timestamptz NOT NULL,
    seconds double precision NOT NULL,
    -- Per legacy table, before the period: {"rows", "max_id", "max_updated_at" (tables that have
    -- the column)}: the high-water marks a first migration taken just before would hold.
    watermarks jsonb NOT NULL,
    -- Per legacy table: {"insert", "update", "delete"} (the rows of synthetic.mutation).
    counts jsonb NOT NULL
);

-- One row per legacy row a period changed, its net effect over the period (a row inserted and
-- deleted in one period is not listed; inserted then updated is an insert).
-- changed_columns: for updates, the columns whose value differs from before the period.
-- before: for updates, the old values of changed_columns; for deletes, the whole row.
-- note: why, e.g. 'new', 'parent_arrives', 'task_completed', 'deleted_with:dispatch_instruction',
-- 'set_null:author_id', 'shared_updated_at' (several rows of one table share one new
-- updated_at); reasons are joined with '; '.
CREATE TABLE IF NOT EXISTS synthetic.mutation (
    period integer NOT NULL,
    seed integer NOT NULL,
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('insert', 'update', 'delete')),
    changed_columns text[] NOT NULL DEFAULT '{}',
    note text NOT NULL,
    before jsonb NULL,
    PRIMARY KEY (period, source_table, legacy_id),
    CHECK ((kind = 'update') = (cardinality(changed_columns) > 0)),
    CHECK ((kind = 'insert') = (before IS NULL))
);

-- Owed outcomes that a period changed for rows that existed before it and still exist:
-- 'fix:<fixes>' | 'skip:<rule>' | 'quarantine:<reason>'; NULL = migrated as is (or outside the
-- entity's domain, e.g. a payment cancelled out of purchases).
CREATE TABLE IF NOT EXISTS synthetic.outcome_change (
    period integer NOT NULL,
    entity text NOT NULL,
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    before text NULL,
    after text NULL,
    PRIMARY KEY (period, entity, source_table, legacy_id),
    CHECK (before IS DISTINCT FROM after)
);

-- The owed outcome of every row that is not migrated as is, as one comparable text.
CREATE OR REPLACE VIEW synthetic.owed AS
SELECT o.entity, o.source_table, o.legacy_id,
       CASE WHEN o.outcome = 'fix' THEN 'fix:' || f.fixes ELSE o.outcome || ':' || o.reason END AS owed
FROM synthetic.expected_outcome AS o
LEFT JOIN (SELECT entity, source_table, legacy_id, string_agg(fix, ',' ORDER BY fix) AS fixes
           FROM synthetic.expected_fix GROUP BY entity, source_table, legacy_id) AS f
  ON f.entity = o.entity AND f.source_table = o.source_table AND f.legacy_id = o.legacy_id;
