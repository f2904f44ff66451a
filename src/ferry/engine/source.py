"""Reading an entity's rows from the source database.

Rows come in the order of their key's ordinal (`key_ordinal`: the key itself for an integer
key), one batch at a time (keyset pagination: `WHERE key > last ORDER BY key LIMIT n`), through
`COPY (SELECT ...) TO STDOUT` in text format: values arrive as text and
columns that need no Python work are passed through untouched (see perf-notes: decoding and
re-encoding values is where a Python pipeline spends its time). Every read of one run happens in
one REPEATABLE READ, read-only transaction, so that related tables agree with each other; the
transaction's snapshot can be exported for parallel readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity, Parent

# Leading columns of every source row, before the entity's own.
KEY, SKIP, DEDUP = 0, 1, 2
FIXED_COLUMNS = 3


@dataclass(frozen=True)
class SourceLayout:
    """Positions of an entity's values in a source row: fixed columns, parents, then columns."""

    entity: Entity

    @property
    def parent_offset(self) -> int:
        return FIXED_COLUMNS

    @property
    def column_offset(self) -> int:
        return FIXED_COLUMNS + len(self.entity.parents)


def _skip_case(entity: Entity) -> sql.Composable:
    if not entity.skip_rules:
        return sql.SQL("NULL::text")
    whens = sql.SQL(" ").join(
        sql.SQL("WHEN ({}) THEN {}").format(sql.SQL(rule.where), sql.Literal(rule.name))
        for rule in entity.skip_rules
    )
    return sql.SQL("CASE {} END").format(whens)


# A row's 64-bit hash, `t` being the row as the entity reads it (see ferry.sync.digests).
ROW_HASH = sql.SQL("hashtextextended(t::text, 0)")

# The name of the skip rule a row meets (NULL: none), computed once per row in a lateral
# subquery so that the values of a skipped row are never computed nor sent.
SKIPPED_BY = sql.Identifier("ferry_skip", "rule")


def from_where(entity: Entity, *, skip: bool = False) -> sql.Composable:
    source = entity.source
    parts = [sql.SQL("FROM {}").format(sql.SQL(source.relation))]
    if source.joins:
        parts.append(sql.SQL(source.joins))
    if skip and entity.skip_rules:
        parts.append(
            sql.SQL("CROSS JOIN LATERAL (SELECT {} AS rule) AS ferry_skip").format(
                _skip_case(entity)
            )
        )
    parts.append(sql.SQL("WHERE ({})").format(sql.SQL(source.where or "true")))
    return sql.SQL(" ").join(parts)


def _unless_skipped(entity: Entity, expr: str, cast: str = "") -> sql.Composable:
    """`(expr)` with an optional cast, NULL for a skipped row: a skipped row carries its key
    and its rule only (notifications skip 60% of 5M rows, whose contexts need not travel)."""
    value = sql.SQL("({}){}").format(sql.SQL(expr), sql.SQL(cast))
    if not entity.skip_rules:
        return value
    return sql.SQL("CASE WHEN {} IS NULL THEN {} END").format(SKIPPED_BY, value)


def select_batch(
    entity: Entity,
    after: int | None,
    limit: int | None,
    last: int | None = None,
    condition: sql.Composable | None = None,
    extra: tuple[str, ...] = (),
) -> sql.Composed:
    """The SELECT of the next batch: key, skip rule, dedup key, parents' ids, columns, then
    `extra` expressions; keys after `after` and up to `last` (each None: unbounded), rows
    meeting `condition`."""
    source = entity.source
    items = [
        sql.SQL(source.ordinal),
        SKIPPED_BY if entity.skip_rules else sql.SQL("NULL::text"),
        _unless_skipped(entity, entity.dedup_key, "::text") if entity.dedup_key else sql.NULL,
        *(_unless_skipped(entity, p.ordinal) for p in entity.parents),
        *(_unless_skipped(entity, c.expr) for c in entity.columns),
        *(sql.SQL("({})::text").format(sql.SQL(e)) for e in extra),
    ]
    query = sql.SQL("SELECT {} {}").format(sql.SQL(", ").join(items), from_where(entity, skip=True))
    if after is not None:
        query += sql.SQL(" AND {} > {}").format(sql.SQL(source.sort_key), sql.Literal(after))
    if last is not None:
        query += sql.SQL(" AND {} <= {}").format(sql.SQL(source.sort_key), sql.Literal(last))
    if condition is not None:
        query += sql.SQL(" AND ({})").format(condition)
    query += sql.SQL(" ORDER BY {}").format(sql.SQL(source.sort_key))
    if limit is not None:
        query += sql.SQL(" LIMIT {}").format(sql.Literal(limit))
    return query


def key_parts(entity: Entity) -> tuple[str, ...]:
    """The expressions of a tuple key's parts (none for an integer key, its own legacy id):
    what a person looks a row up by."""
    key = entity.source.key
    return () if isinstance(key, str) else key


def with_keys(entity: Entity, keys: list[int]) -> sql.Composed:
    """The condition: the entity's key is one of `keys` (on the uncast key, by its index)."""
    return sql.SQL("{} = ANY({}::bigint[])").format(
        sql.SQL(entity.source.sort_key), sql.Literal(keys)
    )


def parent_keys_query(entity: Entity, parent: Parent, keys: list[int]) -> sql.Composed:
    """(key, parent's key) of the rows with one of `keys` whose `parent` is given."""
    return sql.SQL("SELECT {key}, {parent} {rest} AND {parent} IS NOT NULL AND {keys}").format(
        key=sql.SQL(entity.source.ordinal),
        parent=sql.SQL(parent.ordinal),
        rest=from_where(entity),
        keys=with_keys(entity, keys),
    )


def latest_change_query(entity: Entity) -> sql.Composed:
    """The latest declared change time among the rows the entity reads."""
    return sql.SQL("SELECT max({}) {}").format(
        sql.SQL(entity.source.changed_at or "NULL"), from_where(entity)
    )


def changed_since(entity: Entity, moment: datetime) -> sql.Composed:
    """The condition: the row's declared change time is at or after `moment`."""
    return sql.SQL("({}) >= {}::timestamptz").format(
        sql.SQL(entity.source.changed_at or "NULL"), sql.Literal(moment)
    )


def keys_query(entity: Entity, condition: sql.Composable | None = None) -> sql.Composed:
    """Every key the entity reads (those meeting `condition`), in order (for locating rows
    without an outcome)."""
    also = sql.SQL(" AND ({})").format(condition) if condition is not None else sql.SQL("")
    return sql.SQL("SELECT {key} {rest}{also} ORDER BY {order}").format(
        key=sql.SQL(entity.source.ordinal),
        rest=from_where(entity),
        also=also,
        order=sql.SQL(entity.source.sort_key),
    )


def skipped_keys_query(entity: Entity) -> sql.Composed:
    """(key, rule) of every row a skip rule skips, the entity's skip rules being declared."""
    return sql.SQL("SELECT {key}, {rule} {rest} AND {rule} IS NOT NULL").format(
        key=sql.SQL(entity.source.ordinal), rule=SKIPPED_BY, rest=from_where(entity, skip=True)
    )


def unskipped(entity: Entity) -> sql.Composable | None:
    """The condition that a row meets no skip rule (None: the entity declares none), written as
    each rule's predicate negated. The source's planner estimates those like any filter; the
    same condition as `rule IS NULL` over the rules' CASE looked to it like 0.5% of the rows,
    and at scale 0.25 it scanned and sorted the whole notification table for every chunk."""
    if not entity.skip_rules:
        return None
    return sql.SQL(" AND ").join(
        sql.SQL("NOT coalesce(({}), false)").format(sql.SQL(rule.where))
        for rule in entity.skip_rules
    )


def key_percentiles_query(entity: Entity, after: int | None) -> sql.Composed:
    """The keys at the given fractions (parameter: float8[]) of the entity's keys after `after`."""
    query = sql.SQL(
        "SELECT percentile_disc(%s::float8[]) WITHIN GROUP (ORDER BY {key}) {rest}"
    ).format(key=sql.SQL(entity.source.ordinal), rest=from_where(entity))
    if after is not None:
        query += sql.SQL(" AND {} > {}").format(sql.SQL(entity.source.sort_key), sql.Literal(after))
    return query


def count_query(entity: Entity) -> sql.Composed:
    """Rows the entity reads, and its largest key, counted the way the entity reads them."""
    return sql.SQL("SELECT count(*), max({}) {}").format(
        sql.SQL(entity.source.ordinal), from_where(entity)
    )


class SourceReader:
    """A read-only, repeatable-read view of the source for the length of one run."""

    def __init__(self, conn: psycopg.Connection, snapshot: str | None = None) -> None:
        self.conn = conn
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        if snapshot:  # must be the transaction's first statement
            conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
        else:  # opens the transaction whose snapshot every read of the run shares
            conn.execute("SELECT 1")

    def export_snapshot(self) -> str:
        return self.conn.execute("SELECT pg_export_snapshot()").fetchone()[0]

    def read_batch(
        self,
        entity: Entity,
        after: int | None,
        limit: int,
        last: int | None = None,
        condition: sql.Composable | None = None,
        *,
        hashed: bool = False,
    ) -> list[tuple[str | None, ...]]:
        """Up to `limit` rows with key in (`after`, `last`] meeting `condition`, as tuples of
        text, in key order; `hashed`: each with its ROW_HASH last, computed over the row
        (the subquery's LIMIT keeps the planner from evaluating the row's expressions twice;
        its rows come out in its order, which the migration checks key by key)."""
        rows: list[tuple[str | None, ...]] = []
        select = select_batch(entity, after, limit, last, condition)
        if hashed:
            select = sql.SQL("SELECT t.*, {} FROM ({}) AS t").format(ROW_HASH, select)
        query = sql.SQL("COPY ({}) TO STDOUT").format(select)
        with self.conn.cursor() as cur, cur.copy(query) as copy:
            rows.extend(copy.rows())
        return rows

    def count(self, entity: Entity) -> tuple[int, int | None]:
        return self.conn.execute(count_query(entity)).fetchone()
