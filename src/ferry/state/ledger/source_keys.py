"""The ledger's side of a sync's key comparison: source keys against ferry's records.

The source's keys are streamed into a temporary table of the target (`ferry.sync.outstanding`);
these statements compare it with the mappings, quarantine entries, skip records and retained
rows of the entity. Where the source's chunk digests tell what changed, only the keys of some
chunks are streamed (`to_compare`), and the comparison keeps to those chunks.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class HeldBack:
    """Which keys without a mapping stay held back instead of reloading: those whose cause
    an unchanged source row keeps, outside the chunks (`width` keys each) whose source
    changed. Skip records always qualify (a rule reads the row alone); open quarantine
    entries only while `quarantine` (no parent gained rows since: a missing parent may have
    arrived). Notifications hold back about 3M skipped rows at scale 1.0: the filter runs in
    the target, so they are never fetched into ferry's memory (a sync peaked at 656 MB)."""

    width: int
    changed: list[int]
    quarantine: bool
    rows: dict[int, int]  # source rows per chunk now


def to_compare(conn: psycopg.Connection, entity: str, held: HeldBack) -> list[int]:
    """The chunks whose keys a sync must compare: those whose source changed, those holding
    retained rows, and those where the entity's other records are not exactly as many as the
    source's rows. In any other chunk the source keys are those the digests were stored with,
    each of which had a record then (a migrate or sync stores digests only over rows it
    accounted for) and still has one: a record lost since (a dependent released with its
    parent) or a chunk gone entirely shows as a count that differs."""
    name = sql.Literal(entity)
    counts = conn.execute(
        sql.SQL(
            "SELECT legacy_id / {width}, count(*) FILTER (WHERE NOT retained), bool_or(retained)"
            " FROM (SELECT legacy_id, EXISTS (SELECT 1 FROM ferry.retained t WHERE"
            " t.entity = {name} AND t.legacy_id = r.legacy_id) AS retained FROM ({records}) r)"
            " AS records GROUP BY 1"
        ).format(width=sql.Literal(held.width), name=name, records=_records(name))
    ).fetchall()
    records = {chunk: n for chunk, n, _ in counts}
    retained = {chunk for chunk, _, any_retained in counts if any_retained}
    chunks = records.keys() | held.rows.keys()
    differing = {c for c in chunks if records.get(c, 0) != held.rows.get(c, 0)}
    return sorted(differing | retained | set(held.changed))


def held_quarantined(entity: str, width: int, compared: list[int]) -> sql.Composed:
    """Open quarantine entries outside the `compared` chunks, when a parent gained rows (their
    cause may be fixed): their rows are in the source unchanged, so they reload."""
    return sql.SQL(
        "SELECT legacy_id FROM ferry.quarantine WHERE entity = {name} AND NOT resolved"
        " AND NOT {in_chunks} ORDER BY 1"
    ).format(name=sql.Literal(entity), in_chunks=_in_chunks(width, compared))


def unmapped(keys: sql.Identifier, entity: str, held: HeldBack | None) -> sql.Composed:
    """The keys of the table `keys` (column `key`) without a mapping of the entity, less those
    `held` keeps held back, in order: the keys a sync (re)loads."""
    name = sql.Literal(entity)
    return sql.SQL(
        "SELECT k.key FROM {keys} k WHERE NOT EXISTS (SELECT 1 FROM"
        " ferry.migration_mappings m WHERE m.entity = {name} AND m.legacy_id = k.key)"
        " AND {not_held} ORDER BY 1"
    ).format(keys=keys, name=name, not_held=_not_held(entity, held))


def recorded(
    keys: sql.Identifier, entity: str, compared: tuple[int, list[int]] | None = None
) -> sql.Composed:
    """The entity's records (mapping, open quarantine entry, skip record) that are absent from
    `keys` or retained: (legacy id, retained, present in `keys`), in order; with `compared`
    (width, chunks), only records of those chunks."""
    name = sql.Literal(entity)
    within = sql.SQL("")
    if compared is not None:
        within = sql.SQL(" AND {}").format(_in_chunks(*compared))
    return sql.SQL(
        "SELECT legacy_id, EXISTS (SELECT 1 FROM ferry.retained r WHERE r.entity = {name}"
        "  AND r.legacy_id = recorded.legacy_id),"
        " EXISTS (SELECT 1 FROM {keys} k WHERE k.key = recorded.legacy_id)"
        " FROM ({records}) recorded"
        " WHERE (NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.key = recorded.legacy_id)"
        " OR EXISTS (SELECT 1 FROM ferry.retained r WHERE r.entity = {name}"
        "  AND r.legacy_id = recorded.legacy_id)){within}"
        " ORDER BY 1"
    ).format(keys=keys, name=name, records=_records(name), within=within)


def _records(name: sql.Literal) -> sql.Composed:
    """The legacy ids of the entity's records: mappings, open quarantine entries, skip records."""
    return sql.SQL(
        "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = {name}"
        " UNION SELECT legacy_id FROM ferry.quarantine WHERE entity = {name} AND NOT resolved"
        " UNION SELECT legacy_id FROM ferry.skipped WHERE entity = {name}"
    ).format(name=name)


def _in_chunks(width: int, chunks: list[int]) -> sql.Composed:
    """The condition: the record's legacy id lies in one of `chunks` of `width` keys."""
    return sql.SQL("legacy_id / {} = ANY({}::bigint[])").format(
        sql.Literal(width), sql.Literal(chunks)
    )


def _not_held(entity: str, held: HeldBack | None) -> sql.Composable:
    """The condition on `k.key` that the key is not kept held back by `held`."""
    if held is None:
        return sql.SQL("true")
    name = sql.Literal(entity)
    quarantined = sql.SQL(
        " OR EXISTS (SELECT 1 FROM ferry.quarantine q WHERE q.entity = {name}"
        " AND q.legacy_id = k.key AND NOT q.resolved)"
    ).format(name=name)
    return sql.SQL(
        "(k.key / {width} = ANY({changed}::bigint[]) OR NOT (EXISTS (SELECT 1 FROM"
        " ferry.skipped s WHERE s.entity = {name} AND s.legacy_id = k.key){quarantined}))"
    ).format(
        width=sql.Literal(held.width),
        changed=sql.Literal(held.changed),
        name=name,
        quarantined=quarantined if held.quarantine else sql.SQL(""),
    )
