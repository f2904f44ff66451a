"""The ledger's side of the content check's digests (`ferry.validate.digests`): which rows
ferry wrote in a key range, their hashes summed per chunk, and the keys the load refused."""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.target import TargetTable
from ferry.state.ledger.load_sql import MAPPINGS
from ferry.state.slices import KeyRange

JOIN_MEMORY = "256MB"  # one hash join of the range's mappings with the table (not per row)

Sums = dict[int, tuple[int, int]]  # chunk -> (rows, sum of row hashes)


def mapped(
    conn: psycopg.Connection, entity: str, key_range: KeyRange
) -> tuple[int, int, int | None, int | None]:
    """The range's mappings: how many ferry made, how many it adopted, lowest and highest key."""
    return conn.execute(
        sql.SQL(
            "SELECT count(*) FILTER (WHERE origin = 'ferry'),"
            " count(*) FILTER (WHERE origin <> 'ferry'), min(legacy_id), max(legacy_id)"
            " FROM {mappings} own WHERE own.entity = %s AND {range}"
        ).format(mappings=MAPPINGS, range=_in_range(key_range)),
        (entity,),
    ).fetchone()


def target_sums(
    conn: psycopg.Connection,
    entity: Entity,
    table: TargetTable,
    key_range: KeyRange,
    width: int,
    hashed: sql.Composable,
) -> Sums:
    """Per chunk, how many rows ferry wrote in the range and the sum of their `hashed` (an
    expression over the target row `t`)."""
    query = sql.SQL(
        "SELECT own.legacy_id / {width}, count(*), sum({hashed})"
        " FROM {mappings} own JOIN {table} t ON t.{key} = own.new_id"
        " WHERE own.entity = %s AND own.origin = 'ferry' AND {range} GROUP BY 1"
    ).format(
        width=sql.Literal(width),
        hashed=hashed,
        mappings=MAPPINGS,
        table=table.identifier,
        key=sql.Identifier(entity.target_key),
        range=_in_range(key_range),
    )
    with conn.transaction(force_rollback=True):
        conn.execute(sql.SQL("SET LOCAL work_mem = {}").format(sql.Literal(JOIN_MEMORY)))
        found = conn.execute(query, (entity.name,)).fetchall()
    return {chunk: (rows, int(total)) for chunk, rows, total in found}


def refused(conn: psycopg.Connection, entity: str, key_range: KeyRange) -> set[int]:
    """Keys of the range in open quarantine: the load refused them, the target has none."""
    rows = conn.execute(
        sql.SQL(
            "SELECT own.legacy_id FROM ferry.quarantine own"
            " WHERE own.entity = %s AND NOT own.resolved AND {}"
        ).format(_in_range(key_range)),
        (entity,),
    ).fetchall()
    return {key for (key,) in rows}


def _in_range(key_range: KeyRange) -> sql.Composable:
    bounds = [sql.SQL("true")]
    if key_range.after is not None:
        bounds.append(sql.SQL("own.legacy_id > {}").format(sql.Literal(key_range.after)))
    if key_range.last is not None:
        bounds.append(sql.SQL("own.legacy_id <= {}").format(sql.Literal(key_range.last)))
    return sql.SQL(" AND ").join(bounds)
