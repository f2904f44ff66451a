"""The lab's scripts' way, for comparison: 500-row multi-row INSERTs, one transaction each.

Per batch it selects the parents' UUIDs from the mappings (one query per parent), inserts the
rows with one multi-row `INSERT ... VALUES` into the same constrained target table, then their
mappings the same way; rows whose required parent is missing are skipped, and a batch the
target refuses is retried row by row, as the TypeScript loaders did (REFERENCE section 3).
The transform is ferry's own, so the two methods write the same rows.
"""

from __future__ import annotations

import time

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.keys import legacy_uuid
from ferry.engine.source import SourceReader
from ferry.engine.target import read_target_table
from ferry.engine.transform import HEAD, INSERT, STATUS, RowShaper, written_columns

BATCH = 500


def _parents(conn: psycopg.Connection, entity: Entity, rows: list[tuple]) -> list[dict]:
    found = []
    for index, parent in enumerate(entity.parents):
        ids = [row[HEAD + index] for row in rows if row[HEAD + index] is not None]
        found.append(
            dict(
                conn.execute(
                    "SELECT legacy_id::text, new_id FROM ferry.migration_mappings"
                    " WHERE entity = %s AND legacy_id = ANY(%s::bigint[])",
                    (parent.entity, ids),
                ).fetchall()
            )
        )
    return found


def load(source_url: str, target_url: str, entity: Entity) -> tuple[int, float]:
    """Rows written and seconds spent loading `entity` the lab's way."""
    shaper = RowShaper(entity)
    columns = [p.column for p in entity.parents] + [c.name for c in written_columns(entity)]
    written = 0
    started = time.perf_counter()
    with (
        psycopg.connect(source_url) as source,
        psycopg.connect(target_url, autocommit=True) as target,
    ):
        table = read_target_table(target, entity.target)
        casts = [sql.SQL("%s::" + table.column_types[c]) for c in ["id", *columns]]
        insert = sql.SQL("INSERT INTO {} ({}) VALUES ").format(
            table.identifier, sql.SQL(", ").join(map(sql.Identifier, ["id", *columns]))
        )
        one_row = sql.SQL("({})").format(sql.SQL(", ").join(casts))
        reader = SourceReader(source)
        after = None
        while rows := reader.read_batch(entity, after, BATCH):
            after = int(rows[-1][0])
            staged = [row for row in map(shaper.shape, rows) if row[STATUS] == INSERT]
            lookups = _parents(target, entity, staged)
            values = []
            for row in staged:
                resolved = [lookups[i].get(row[HEAD + i]) for i in range(len(entity.parents))]
                required = [p.required for p in entity.parents]
                if any(r and v is None for r, v in zip(required, resolved, strict=True)):
                    continue
                values.append((legacy_uuid(entity.name, row[0]), row[0], resolved, row))
            written += _insert(target, entity, insert, one_row, values)
    return written, time.perf_counter() - started


def _insert(target, entity: Entity, insert, one_row, values: list) -> int:
    def params(item) -> list:
        new_id, _key, resolved, row = item
        return [new_id, *resolved, *row[HEAD + len(entity.parents) :]]

    def mappings(items) -> None:
        target.cursor().executemany(
            "INSERT INTO ferry.migration_mappings (entity, legacy_id, new_id) VALUES (%s, %s, %s)",
            [(entity.name, key, new_id) for new_id, key, _r, _row in items],
        )

    if not values:
        return 0
    try:
        with target.transaction():
            flat = [value for item in values for value in params(item)]
            target.execute(insert + sql.SQL(", ").join([one_row] * len(values)), flat)
            mappings(values)
        return len(values)
    except psycopg.Error:
        written = 0
        for item in values:  # the loaders' fallback: row by row
            try:
                with target.transaction():
                    target.execute(insert + one_row, params(item))
                    mappings([item])
                written += 1
            except psycopg.Error:
                pass
        return written
