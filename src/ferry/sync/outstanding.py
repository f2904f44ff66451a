"""Which legacy ids a sync must look at again, found by comparing key sets.

Every key the entity reads in the source (under the run's snapshot) is streamed into a
temporary table of the target, where two set differences against ferry's records answer:
- keys to (re)load: in the source without a mapping. That covers rows in quarantine (their
  cause may be fixed: a parent arrived, a value was corrected), rows skipped by rule (the rule
  may no longer hold), and rows no batch ever saw (a transaction that committed a lower id
  after the checkpoint moved past it);
- keys gone from the source: a mapping, quarantine entry or skip record without a source row
  (rows already retained by an earlier `--keep-deleted` sync apart, and those of them back in
  the source).
Keys only, never values; one sequential pass over each side.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, keys_query

_KEYS = sql.Identifier("ferry_sync_source_keys")


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


@dataclass(frozen=True)
class Outstanding:
    entity: str
    reload: list[int]
    gone: list[int]
    retained: list[int]
    returned: list[int]


def outstanding_keys(
    reader: SourceReader, target: psycopg.Connection, entity: Entity, held: HeldBack | None
) -> Outstanding:
    """Keys to reload (all keys without a mapping, less those `held` keeps held back) and
    keys gone from the source, each in ascending order."""
    with target.transaction(force_rollback=True), target.cursor() as cur:
        cur.execute(sql.SQL("CREATE TEMP TABLE {} (key bigint PRIMARY KEY)").format(_KEYS))
        copy_out = sql.SQL("COPY ({}) TO STDOUT").format(keys_query(entity))
        copy_in = sql.SQL("COPY {} (key) FROM STDIN").format(_KEYS)
        with (
            reader.conn.cursor() as source,
            source.copy(copy_out) as out,
            cur.copy(copy_in) as into,
        ):
            for block in out:
                into.write(block)
        cur.execute(sql.SQL("ANALYZE {}").format(_KEYS))
        name = sql.Literal(entity.name)
        reload = cur.execute(
            sql.SQL(
                "SELECT k.key FROM {keys} k WHERE NOT EXISTS (SELECT 1 FROM"
                " ferry.migration_mappings m WHERE m.entity = {name} AND m.legacy_id = k.key)"
                " AND {not_held} ORDER BY 1"
            ).format(keys=_KEYS, name=name, not_held=_not_held(entity, held))
        ).fetchall()
        recorded = cur.execute(
            sql.SQL(
                "SELECT legacy_id, EXISTS (SELECT 1 FROM ferry.retained r WHERE r.entity = {name}"
                "  AND r.legacy_id = recorded.legacy_id),"
                " EXISTS (SELECT 1 FROM {keys} k WHERE k.key = recorded.legacy_id)"
                " FROM (SELECT legacy_id FROM ferry.migration_mappings WHERE entity = {name}"
                " UNION SELECT legacy_id FROM ferry.quarantine WHERE entity = {name}"
                "  AND NOT resolved"
                " UNION SELECT legacy_id FROM ferry.skipped WHERE entity = {name}) recorded"
                " WHERE NOT EXISTS (SELECT 1 FROM {keys} k WHERE k.key = recorded.legacy_id)"
                " OR EXISTS (SELECT 1 FROM ferry.retained r WHERE r.entity = {name}"
                "  AND r.legacy_id = recorded.legacy_id)"
                " ORDER BY 1"
            ).format(keys=_KEYS, name=name)
        ).fetchall()
    return Outstanding(
        entity.name,
        [r[0] for r in reload],
        gone=[key for key, retained, present in recorded if not retained and not present],
        retained=[key for key, retained, present in recorded if retained and not present],
        returned=[key for key, retained, present in recorded if retained and present],
    )


def _not_held(entity: Entity, held: HeldBack | None) -> sql.Composable:
    """The condition on `k.key` that the key is not kept held back by `held`."""
    if held is None:
        return sql.SQL("true")
    name = sql.Literal(entity.name)
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
