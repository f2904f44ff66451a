"""The set-based statements of a batch load, composed with psycopg.sql.

They are built here rather than kept in .sql files because their column lists come from each
entity's declaration; every identifier is quoted and every value is a literal or a parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

from psycopg import sql

from ferry.catalog.spec import Entity, Parent
from ferry.engine.target import TargetTable

MAPPINGS = sql.SQL("ferry.migration_mappings")


class StageNames:
    """Column names of an entity's stage table."""

    def __init__(self, entity: Entity, columns: list[str]) -> None:
        self.entity = entity
        self.columns = columns
        self.parents = [f"_p_{p.column}" for p in entity.parents]

    def parent(self, index: int) -> sql.Identifier:
        return sql.Identifier(self.parents[index])

    @property
    def copied(self) -> sql.Composable:
        names = ["_key", "_id", "_status", "_reason", "_message", "_dedup", "_notes"]
        return sql.SQL(", ").join(map(sql.Identifier, [*names, *self.parents, *self.columns]))


def create_stage(stage: sql.Identifier, names: StageNames) -> sql.Composed:
    """The batch's stage table; `_id` (the row's deterministic new key) is NULL for a row
    skipped by rule, which is never written and has no key in the target."""
    columns = [
        sql.SQL("_key bigint NOT NULL, _id uuid, _status text NOT NULL"),
        sql.SQL("_reason text, _message text"),
        sql.SQL("_dedup text, _notes text[] NOT NULL DEFAULT '{}'"),
        sql.SQL("_new_id uuid, _sqlstate text, _constraint text"),
        *(sql.SQL("{} bigint").format(sql.Identifier(p)) for p in names.parents),
        *(sql.SQL("{} text").format(sql.Identifier(c)) for c in names.columns),
    ]
    return sql.SQL("CREATE TEMP TABLE IF NOT EXISTS {} ({})").format(
        stage, sql.SQL(", ").join(columns)
    )


def analyze_stage(stage: sql.Identifier, names: StageNames) -> sql.Composed:
    """Statistics of the columns the batch statements join and filter on (all columns would
    cost about 4 µs a row, mostly on wide text the plans never look at)."""
    columns = ["_key", "_status", *names.parents]
    return sql.SQL("ANALYZE {} ({})").format(
        stage, sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def in_batch_range(column: sql.Composable, stage: sql.Identifier) -> sql.Composed:
    """`column` lies within the batch's key range: a batch reads an index range of the ledger
    as long as itself, however many records the entity already has."""
    return sql.SQL(
        "{column} BETWEEN (SELECT min(_key) FROM {stage}) AND (SELECT max(_key) FROM {stage})"
    ).format(column=column, stage=stage)


def _with_mappings(stage: sql.Identifier, entity: Entity) -> sql.Composed:
    """Stage rows `s` joined with their mapping `own`, read within the batch's key range."""
    return sql.SQL(
        "{stage} s JOIN {mappings} own ON own.entity = {entity} AND own.legacy_id = s._key"
        " AND {range}"
    ).format(
        stage=stage,
        mappings=MAPPINGS,
        entity=sql.Literal(entity.name),
        range=in_batch_range(sql.SQL("own.legacy_id"), stage),
    )


def owned_rows(stage: sql.Identifier, entity: Entity, *, own_id: bool = False) -> sql.Composed:
    """Stage rows `s` joined with their mapping `own` written by ferry (not adopted from an
    earlier tool); with `own_id`, only where the mapping's new id is the row's own (not merged
    onto another row)."""
    own = sql.SQL(" AND own.new_id = s._id") if own_id else sql.SQL("")
    return sql.SQL("{joined} AND own.origin = 'ferry'{own}").format(
        joined=_with_mappings(stage, entity), own=own
    )


def adopted_count(stage: sql.Identifier, entity: Entity) -> sql.Composed:
    """How many stage rows map to rows adopted from earlier tools (not ferry's to compare)."""
    return sql.SQL("SELECT count(*) FROM {joined} WHERE own.origin <> 'ferry'").format(
        joined=_with_mappings(stage, entity)
    )


def mark_existing(stage: sql.Identifier, entity: sql.Literal) -> sql.Composed:
    """Rows that already have a mapping keep it: nothing is written twice.

    The mappings are read within the batch's key range only, so each batch reads an index
    range as long as itself, however many mappings the entity already has.
    """
    return sql.SQL(
        "UPDATE {stage} s SET _status = 'existing', _new_id = m.new_id"
        " FROM {mappings} m WHERE m.entity = {entity} AND m.legacy_id = s._key AND {range}"
    ).format(
        stage=stage,
        mappings=MAPPINGS,
        entity=entity,
        range=in_batch_range(sql.SQL("m.legacy_id"), stage),
    )


def mark_dedup(stage: sql.Identifier, entity: sql.Literal, fix: str) -> sql.Composed:
    """Duplicates map onto the canonical row: an earlier mapping with the same dedup key, else
    the smallest key of the batch carrying it. Their mappings record the fix `fix`."""
    return sql.SQL(
        "WITH canon AS ("
        " SELECT s._key, coalesce("
        "  (SELECT m.new_id FROM {mappings} m WHERE m.entity = {entity}"
        "   AND m.dedup_key = s._dedup ORDER BY m.legacy_id LIMIT 1),"
        "  (SELECT o._id FROM {stage} o WHERE o._dedup = s._dedup AND o._status = 'insert'"
        "   ORDER BY o._key LIMIT 1)) AS canonical"
        " FROM {stage} s WHERE s._status = 'insert' AND s._dedup IS NOT NULL)"
        " UPDATE {stage} s SET _status = 'dedup', _new_id = c.canonical,"
        " _notes = s._notes || {fix}::text"
        " FROM canon c WHERE c._key = s._key AND c.canonical <> s._id"
    ).format(stage=stage, mappings=MAPPINGS, entity=entity, fix=sql.Literal(fix))


def _mapped(
    parent: Parent, column: sql.Identifier, stage: sql.Identifier, entity: str
) -> sql.Composed:
    """The parent has a mapping, or (self-reference) is being inserted in this very batch."""
    mapped = sql.SQL(
        "EXISTS (SELECT 1 FROM {mappings} m WHERE m.entity = {parent} AND m.legacy_id = s.{col})"
    ).format(mappings=MAPPINGS, parent=sql.Literal(parent.entity), col=column)
    if parent.entity != entity:
        return mapped
    return sql.SQL(
        "({mapped} OR EXISTS (SELECT 1 FROM {stage} o WHERE o._key = s.{col}"
        " AND o._status = 'insert'))"
    ).format(mapped=mapped, stage=stage, col=column)


def resolve_parent(
    stage: sql.Identifier, column: sql.Identifier, parent: Parent, entity: str
) -> sql.Composed:
    """Required parent missing -> quarantine with the parent's fate; optional -> NULL + note.

    The fate: quarantined (with its reason), skipped (with its rule), absent from the source
    (the parent entity has completed, so every source row of it is accounted for), or not
    migrated yet."""
    if not parent.required:
        return sql.SQL(
            "UPDATE {stage} s SET _notes = s._notes || {note}::text "
            "WHERE s._status = 'insert' AND s.{col} IS NOT NULL AND NOT {mapped}"
        ).format(
            stage=stage,
            col=column,
            note=sql.Literal(f"optional_parent_null:{parent.column}"),
            mapped=_mapped(parent, column, stage, entity),
        )
    name = sql.Literal(parent.entity)
    return sql.SQL(
        "UPDATE {stage} s SET _status = 'missing', _reason = {reason}, _message = CASE"
        " WHEN s.{col} IS NULL THEN {empty}"
        " ELSE coalesce("
        "  (SELECT 'parent ' || {name} || ' ' || s.{col} || ' is quarantined (' || q.reason || ')'"
        "   FROM ferry.quarantine q WHERE q.entity = {name} AND q.legacy_id = s.{col}"
        "   AND NOT q.resolved),"
        "  (SELECT 'parent ' || {name} || ' ' || s.{col} || ' was skipped by rule ' || k.rule"
        "   FROM ferry.skipped k WHERE k.entity = {name} AND k.legacy_id = s.{col}),"
        "  (SELECT 'parent ' || {name} || ' ' || s.{col} || ' does not exist in the source'"
        "   FROM ferry.migration_control c WHERE c.entity = {name} AND c.batch IS NULL"
        "   AND c.operation IN ('migrate', 'sync') AND c.status = 'completed'"
        "   AND c.id = (SELECT max(l.id) FROM ferry.migration_control l WHERE l.entity = {name}"
        "    AND l.batch IS NULL AND l.operation IN ('migrate', 'sync', 'rollback'))),"
        "  'parent ' || {name} || ' ' || s.{col} || ' is not migrated') END"
        " WHERE s._status = 'insert' AND (s.{col} IS NULL OR NOT {mapped})"
    ).format(
        stage=stage,
        col=column,
        name=name,
        reason=sql.Literal(f"missing_parent:{parent.entity}"),
        empty=sql.Literal(f"{parent.column} has no {parent.entity} in the source"),
        mapped=_mapped(parent, column, stage, entity),
    )


def keys_to_insert(stage: sql.Identifier) -> sql.Composed:
    return sql.SQL("SELECT _key FROM {} WHERE _status = 'insert' ORDER BY _key").format(stage)


def span_to_insert(stage: sql.Identifier) -> sql.Composed:
    """How many stage rows are to be written, and their lowest and highest key."""
    return sql.SQL("SELECT count(*), min(_key), max(_key) FROM {} WHERE _status = 'insert'").format(
        stage
    )


@dataclass(frozen=True)
class Expected:
    """The target row a stage row becomes: column names, value expressions, parent joins.

    The same expressions feed the INSERT of a migration and the comparison of a validation,
    so that what is verified is exactly what is written.
    """

    names: list[str]
    values: list[sql.Composable]
    joins: sql.Composable

    @property
    def columns(self) -> list[sql.Identifier]:
        return [sql.Identifier(name) for name in self.names]


def expected_row(
    table: TargetTable, entity: Entity, names: StageNames, stage: sql.Identifier
) -> Expected:
    columns = [entity.target_key]
    values: list[sql.Composable] = [sql.SQL("s._id")]
    joins: list[sql.Composable] = []
    for index, parent in enumerate(entity.parents):
        alias = sql.Identifier(f"m{index}")
        columns.append(parent.column)
        value = sql.SQL("{}.new_id").format(alias)
        if parent.entity == entity.name:  # a parent staged in the same batch is inserted with it
            value = sql.SQL(
                "coalesce({value}, (SELECT o._id FROM {stage} o"
                " WHERE o._key = s.{col} AND o._status = 'insert'))"
            ).format(
                value=value,
                stage=stage,
                col=names.parent(index),
            )
        values.append(value)
        joins.append(
            sql.SQL(
                "LEFT JOIN {mappings} {alias} ON {alias}.entity = {parent}"
                " AND {alias}.legacy_id = s.{col}"
            ).format(
                mappings=MAPPINGS,
                alias=alias,
                parent=sql.Literal(parent.entity),
                col=names.parent(index),
            )
        )
    for column in names.columns:
        columns.append(column)
        values.append(table.cast(column, sql.SQL("s.{}").format(sql.Identifier(column))))
    return Expected(columns, values, sql.SQL(" ").join(joins))


def insert_rows(
    stage: sql.Identifier, table: TargetTable, entity: Entity, names: StageNames
) -> sql.Composed:
    """INSERT the stage rows still marked 'insert' whose keys lie in [first, last] (the slice
    of a bisection, see `apply_isolating_refusals`)."""
    expected = expected_row(table, entity, names, stage)
    return sql.SQL(
        "INSERT INTO {table} ({columns}) SELECT {values} FROM {stage} s {joins}"
        " WHERE s._status = 'insert' AND s._key BETWEEN %(first)s AND %(last)s"
    ).format(
        table=table.identifier,
        columns=sql.SQL(", ").join(expected.columns),
        values=sql.SQL(", ").join(expected.values),
        stage=stage,
        joins=expected.joins,
    )


def mark_refused(stage: sql.Identifier) -> sql.Composed:
    return sql.SQL(
        "UPDATE {} SET _status = 'refused', _reason = %(reason)s, _message = %(message)s,"
        " _sqlstate = %(sqlstate)s, _constraint = %(constraint)s WHERE _key = %(key)s"
    ).format(stage)


def orphaned_duplicates(stage: sql.Identifier, entity: sql.Literal) -> sql.Composed:
    """Duplicates whose canonical row did not make it into the target go to quarantine too."""
    return sql.SQL(
        "UPDATE {stage} s SET _status = 'missing', _reason = 'duplicate_of_unmigrated',"
        " _message = 'duplicate of a row of ' || {entity} || ' that is not migrated'"
        " WHERE s._status = 'dedup'"
        " AND NOT EXISTS (SELECT 1 FROM {stage} c WHERE c._status = 'insert'"
        "  AND c._id = s._new_id)"
        " AND NOT EXISTS (SELECT 1 FROM {mappings} m WHERE m.entity = {entity}"
        "  AND m.new_id = s._new_id)"
    ).format(stage=stage, entity=entity, mappings=MAPPINGS)


def records_in_range() -> sql.SQL:
    """Whether ferry holds any record (mapping, quarantine entry, skip record) of the entity
    (parameter `entity`) with a legacy id between `first` and `last`."""
    return sql.SQL(
        "SELECT EXISTS (SELECT 1 FROM ferry.migration_mappings WHERE entity = %(entity)s"
        "  AND legacy_id BETWEEN %(first)s AND %(last)s)"
        " OR EXISTS (SELECT 1 FROM ferry.quarantine WHERE entity = %(entity)s"
        "  AND legacy_id BETWEEN %(first)s AND %(last)s)"
        " OR EXISTS (SELECT 1 FROM ferry.skipped WHERE entity = %(entity)s"
        "  AND legacy_id BETWEEN %(first)s AND %(last)s)"
    )


COPY_SKIPPED = sql.SQL("COPY ferry.skipped (entity, legacy_id, rule, run_id, batch) FROM STDIN")


def count_statuses(stage: sql.Identifier) -> sql.Composed:
    return sql.SQL("SELECT _status, count(*) FROM {} GROUP BY _status").format(stage)


def bookkeeping(stage: sql.Identifier, entity: sql.Literal) -> dict[str, sql.Composed]:
    """Mappings, quarantine, skips, and keeping each legacy id in exactly one of the three.

    Quarantine and skip records are looked up within the batch's key range only, as mappings
    are in mark_existing.
    """
    fmt = {
        "stage": stage,
        "entity": entity,
        "mappings": MAPPINGS,
        "q_range": in_batch_range(sql.SQL("q.legacy_id"), stage),
        "k_range": in_batch_range(sql.SQL("k.legacy_id"), stage),
    }
    return {
        "mappings": sql.SQL(
            "INSERT INTO {mappings} (entity, legacy_id, new_id, run_id, batch, dedup_key, notes)"
            " SELECT {entity}, _key, coalesce(_new_id, _id),"
            " %(run_id)s, %(batch)s, _dedup, _notes FROM {stage}"
            " WHERE _status IN ('insert', 'dedup')"
        ).format(**fmt),
        "quarantine": sql.SQL(
            "INSERT INTO ferry.quarantine (entity, legacy_id, reason, message, sqlstate,"
            " constraint_name, run_id, batch)"
            " SELECT {entity}, _key, _reason, _message, _sqlstate, _constraint,"
            " %(run_id)s, %(batch)s FROM {stage}"
            " WHERE _status IN ('rejected', 'missing', 'refused')"
            " ON CONFLICT (entity, legacy_id) DO UPDATE SET reason = EXCLUDED.reason,"
            " message = EXCLUDED.message, sqlstate = EXCLUDED.sqlstate,"
            " constraint_name = EXCLUDED.constraint_name, run_id = EXCLUDED.run_id,"
            " batch = EXCLUDED.batch, last_seen = clock_timestamp(), resolved = false,"
            " resolved_at = NULL"
        ).format(**fmt),
        # A skip record that already names the row's rule stays as the run that first skipped
        # the row wrote it: upserted again, 765K identical records of the notifications were
        # rewritten or locked (22.6 s) by a sync comparing every row at scale 0.25. One row
        # comes back per skipped stage row, written now or already recorded, so the count
        # check holds either way.
        "skipped": sql.SQL(
            "WITH wanted AS (SELECT s._key, s._reason, EXISTS (SELECT 1 FROM ferry.skipped k"
            "  WHERE k.entity = {entity} AND k.legacy_id = s._key AND k.rule = s._reason"
            "  AND {k_range}) AS recorded FROM {stage} s WHERE s._status = 'skipped'),"
            " written AS (INSERT INTO ferry.skipped (entity, legacy_id, rule, run_id, batch)"
            "  SELECT {entity}, _key, _reason, %(run_id)s, %(batch)s FROM wanted"
            "  WHERE NOT recorded"
            "  ON CONFLICT (entity, legacy_id) DO UPDATE SET rule = EXCLUDED.rule,"
            "  run_id = EXCLUDED.run_id, batch = EXCLUDED.batch, skipped_at = clock_timestamp()"
            "  RETURNING legacy_id)"
            " SELECT legacy_id FROM written UNION ALL SELECT _key FROM wanted WHERE recorded"
        ).format(**fmt),
        "resolve_quarantine": sql.SQL(
            "UPDATE ferry.quarantine q SET resolved = true, resolved_at = clock_timestamp()"
            " FROM {stage} s WHERE q.entity = {entity} AND q.legacy_id = s._key"
            " AND {q_range}"
            " AND NOT q.resolved AND s._status IN ('insert', 'existing', 'dedup', 'skipped')"
        ).format(**fmt),
        "unskip": sql.SQL(
            "DELETE FROM ferry.skipped k USING {stage} s WHERE k.entity = {entity}"
            " AND k.legacy_id = s._key AND {k_range}"
            " AND s._status <> 'skipped'"
        ).format(**fmt),
    }


def refresh_mappings(stage: sql.Identifier, entity: Entity) -> sql.Composed:
    """A changed row's mapping carries its new dedup key and fixes, as a fresh load's would
    (rows the target refused, parameter `refused`, keep their old ones with their old content)."""
    return sql.SQL(
        "UPDATE {mappings} m SET dedup_key = s._dedup, notes = s._notes"
        " FROM {owned} WHERE m.entity = own.entity AND m.legacy_id = own.legacy_id"
        " AND s._status = 'insert' AND (m.dedup_key IS DISTINCT FROM s._dedup"
        " OR m.notes IS DISTINCT FROM s._notes) AND s._key <> ALL(%(refused)s::bigint[])"
    ).format(mappings=MAPPINGS, owned=owned_rows(stage, entity, own_id=True))
