-- ferry's own bookkeeping, in the target database, schema ferry.
-- A batch's rows and these records commit in one transaction: they are the truth about what ferry did.

CREATE TABLE ferry.runs (
    run_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    operation     text NOT NULL CHECK (operation IN ('migrate', 'validate', 'rollback', 'sync')),
    target        text NOT NULL,
    parameters    jsonb NOT NULL DEFAULT '{}',
    dry_run       boolean NOT NULL DEFAULT false,
    status        text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
    started_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at   timestamptz,
    error_class   text,
    error_message text,
    ferry_version text NOT NULL,
    host          text,
    pid           integer
);

-- One row per (run, entity, batch), and per (run, entity) a summary row with batch NULL.
CREATE TABLE ferry.migration_control (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id           bigint NOT NULL REFERENCES ferry.runs,
    entity           text NOT NULL,
    operation        text NOT NULL CHECK (operation IN ('migrate', 'validate', 'rollback', 'sync')),
    batch            integer,
    status           text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
    rows_processed   bigint NOT NULL DEFAULT 0 CHECK (rows_processed >= 0),
    rows_migrated    bigint NOT NULL DEFAULT 0 CHECK (rows_migrated >= 0),
    rows_quarantined bigint NOT NULL DEFAULT 0 CHECK (rows_quarantined >= 0),
    rows_skipped     bigint NOT NULL DEFAULT 0 CHECK (rows_skipped >= 0),
    key_from         bigint,
    checkpoint_key   bigint,
    parameters       jsonb NOT NULL DEFAULT '{}',
    started_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at      timestamptz,
    error_class      text,
    sqlstate         text,
    error_message    text,
    CONSTRAINT migration_control_one_row UNIQUE NULLS NOT DISTINCT (run_id, entity, operation, batch)
);
CREATE INDEX migration_control_entity ON ferry.migration_control (entity, operation, id);

-- legacy id -> new id, per entity. origin 'preexisting': made by an earlier tool, adopted by ferry.
CREATE TABLE ferry.migration_mappings (
    entity      text NOT NULL,
    legacy_id   bigint NOT NULL,
    new_id      uuid NOT NULL,
    origin      text NOT NULL DEFAULT 'ferry' CHECK (origin IN ('ferry', 'preexisting')),
    run_id      bigint REFERENCES ferry.runs,
    batch       integer,
    dedup_key   text,
    notes       text[] NOT NULL DEFAULT '{}',
    migrated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (entity, legacy_id)
);
-- Several legacy ids share a new id only where the entity deduplicates (dedup_key set).
CREATE UNIQUE INDEX migration_mappings_one_new_id
    ON ferry.migration_mappings (entity, new_id) WHERE dedup_key IS NULL;
CREATE INDEX migration_mappings_new_id ON ferry.migration_mappings (entity, new_id);
CREATE INDEX migration_mappings_dedup ON ferry.migration_mappings (entity, dedup_key)
    WHERE dedup_key IS NOT NULL;

-- Source rows that could not be migrated: ids and reasons, never row values.
CREATE TABLE ferry.quarantine (
    entity          text NOT NULL,
    legacy_id       bigint NOT NULL,
    reason          text NOT NULL,
    message         text NOT NULL,
    sqlstate        text,
    constraint_name text,
    run_id          bigint REFERENCES ferry.runs,
    batch           integer,
    first_seen      timestamptz NOT NULL DEFAULT clock_timestamp(),
    last_seen       timestamptz NOT NULL DEFAULT clock_timestamp(),
    resolved        boolean NOT NULL DEFAULT false,
    resolved_at     timestamptz,
    PRIMARY KEY (entity, legacy_id)
);
CREATE INDEX quarantine_open ON ferry.quarantine (entity, reason) WHERE NOT resolved;

-- Source rows not migrated by a declared skip rule: counted, never silent.
CREATE TABLE ferry.skipped (
    entity     text NOT NULL,
    legacy_id  bigint NOT NULL,
    rule       text NOT NULL,
    run_id     bigint REFERENCES ferry.runs,
    batch      integer,
    skipped_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (entity, legacy_id)
);

-- Deterministic keys: the RFC 4122 version-3 (md5) UUID of '<entity>:<legacy id>' in ferry's
-- namespace, identical to Python's uuid.uuid3(FERRY_NAMESPACE, name). Built-ins only, so it
-- runs on any PostgreSQL without extensions, set-based inside the load statement.
CREATE FUNCTION ferry.legacy_uuid(entity text, legacy_id bigint) RETURNS uuid
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT (substr(h, 1, 12) || '3' || substr(h, 14, 3)
            || to_hex((('x' || substr(h, 17, 1))::bit(4)::int & 3) | 8)
            || substr(h, 18))::uuid
    FROM (SELECT md5(decode('6f1d6a0e3b8c4b5e9a7d2c4f8e1b3a59', 'hex')
                     || convert_to(entity || ':' || legacy_id, 'UTF8')) AS h) AS digest
$$;
