-- Scratch tables of one mutation period (dropped at commit).
-- m_event: every insert, update and delete the period makes, with why (several per row).
-- m_before: a row's image before the period's first edit or its deletion.
-- m_delete / m_set_null: the rows a deletion takes, the references it sets to NULL.
-- m_orphan_before / m_owed_before: the orphans and owed outcomes a first migration saw.

CREATE TEMP TABLE m_event (
    ord bigserial PRIMARY KEY,
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    kind text NOT NULL,
    note text NOT NULL
) ON COMMIT DROP;
CREATE INDEX ON m_event (source_table, legacy_id);

CREATE TEMP TABLE m_before (
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    image jsonb NOT NULL,
    PRIMARY KEY (source_table, legacy_id)
) ON COMMIT DROP;

CREATE TEMP TABLE m_delete (
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    note text NOT NULL,
    PRIMARY KEY (source_table, legacy_id)
) ON COMMIT DROP;

CREATE TEMP TABLE m_set_null (
    source_table text NOT NULL,
    legacy_id integer NOT NULL,
    column_name text NOT NULL,
    PRIMARY KEY (source_table, legacy_id, column_name)
) ON COMMIT DROP;

CREATE TEMP TABLE m_orphan_before ON COMMIT DROP AS
SELECT source_table, legacy_id, detail FROM synthetic.pathology WHERE class = 'orphan';
CREATE INDEX ON m_orphan_before (source_table, detail, legacy_id);

CREATE TEMP TABLE m_owed_before ON COMMIT DROP AS
SELECT entity, source_table, legacy_id, owed FROM synthetic.owed;
