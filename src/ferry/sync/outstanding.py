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
Keys only, never values; one sequential pass over each side. Where the source's chunk digests
tell what changed (`held`), only the keys of the chunks that may differ are streamed and
compared (`source_keys.to_compare`): a sync over a small change reads few keys.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, keys_query
from ferry.state.ledger import source_keys
from ferry.state.ledger.source_keys import HeldBack
from ferry.sync.digests import in_chunks

_KEYS = sql.Identifier("ferry_sync_source_keys")


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
    keys = keys_query(entity)
    compared = None  # (width, chunks) the comparison keeps to; None: every key
    if held is not None:
        compared = (held.width, source_keys.to_compare(target, entity.name, held))
        keys = keys_query(entity, in_chunks(entity, *compared))
    with target.transaction(force_rollback=True), target.cursor() as cur:
        cur.execute(sql.SQL("CREATE TEMP TABLE {} (key bigint PRIMARY KEY)").format(_KEYS))
        copy_out = sql.SQL("COPY ({}) TO STDOUT").format(keys)
        copy_in = sql.SQL("COPY {} (key) FROM STDIN").format(_KEYS)
        with (
            reader.conn.cursor() as source,
            source.copy(copy_out) as out,
            cur.copy(copy_in) as into,
        ):
            for block in out:
                into.write(block)
        cur.execute(sql.SQL("ANALYZE {}").format(_KEYS))
        reload = [r[0] for r in cur.execute(source_keys.unmapped(_KEYS, entity.name, held))]
        if compared is not None and not held.quarantine:
            quarantined = source_keys.held_quarantined(entity.name, *compared)
            reload = sorted(reload + [r[0] for r in cur.execute(quarantined)])
        recorded = cur.execute(source_keys.recorded(_KEYS, entity.name, compared)).fetchall()
    return Outstanding(
        entity.name,
        reload,
        gone=[key for key, retained, present in recorded if not retained and not present],
        retained=[key for key, retained, present in recorded if retained and not present],
        returned=[key for key, retained, present in recorded if retained and present],
    )
