-- Bulk loads (see ferry/engine/bulk.py): the exact definitions of the foreign keys and
-- non-unique secondary indexes ferry dropped from an empty target table before its first
-- batch, recorded in the same transaction as the drop. `restored_at` is set, in the
-- transaction that re-creates (or validates) the definition, once it is back and valid; rows
-- stay afterwards so that `validate final` can check the schema against what it was.
CREATE TABLE ferry.deferred_constraints (
    table_schema text NOT NULL,
    table_name   text NOT NULL,
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('index', 'foreign_key')),
    definition   text NOT NULL,  -- pg_get_indexdef / pg_get_constraintdef, as they were
    entity       text NOT NULL,
    run_id       bigint NOT NULL,
    deferred_at  timestamptz NOT NULL DEFAULT now(),
    restored_at  timestamptz,
    PRIMARY KEY (table_schema, table_name, name)
);
