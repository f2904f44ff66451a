"""Splitting a large entity into key ranges that workers migrate at once.

One target backend inserting rows (foreign-key triggers, index updates) is what bounds a large
entity, so a second backend filling another key range of it uses the second core. The ranges
`(after, last]` partition the keys still to migrate into parts of equal row counts. Each has its
checkpoint in `ferry.slices`, written in the transaction of each of its batches: a crash resumes
every slice where it stopped, with any number of workers. The plan exists only while the entity
is unfinished; completing the entity, a rollback or `--restart` ends it.

Entities that deduplicate or reference themselves are never sliced: a batch of theirs reads
rows committed by earlier batches (the canonical row, the parent), which in another slice
might not be committed yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, key_percentiles_query
from ferry.errors import StateError

MIN_BATCHES_PER_SLICE = 4


@dataclass(frozen=True)
class KeyRange:
    """Keys `(after, last]` that one loop migrates; `number` is its row in ferry.slices, or
    None for the whole entity (checkpointed in its summary row)."""

    after: int | None
    last: int | None = None
    number: int | None = None


def sliceable(entity: Entity) -> bool:
    return entity.dedup_key is None and all(p.entity != entity.name for p in entity.parents)


def slice_count(entity: Entity, rows: int, workers: int, batch_size: int) -> int:
    """How many slices: one per worker, as long as each gets a few batches' worth of rows."""
    if not sliceable(entity):
        return 1
    return max(1, min(workers, rows // (MIN_BATCHES_PER_SLICE * batch_size)))


def existing_plan(conn: psycopg.Connection, entity: str, operation: str) -> list[KeyRange]:
    """The unfinished plan's ranges, each starting at its own checkpoint."""
    rows = conn.execute(
        "SELECT coalesce(checkpoint_key, key_after), key_last, slice FROM ferry.slices"
        " WHERE entity = %s AND operation = %s ORDER BY slice",
        (entity, operation),
    ).fetchall()
    return [KeyRange(*row) for row in rows]


def cut(reader: SourceReader, entity: Entity, after: int | None, parts: int) -> list[KeyRange]:
    """The keys after `after` cut into `parts` ranges of equal row counts (read in the source)."""
    fractions = [i / parts for i in range(1, parts)]
    cuts = reader.conn.execute(key_percentiles_query(entity, after), (fractions,)).fetchone()[0]
    bounds = [after, *sorted(set(cuts or []))]
    return [
        KeyRange(low, high, number)
        for number, (low, high) in enumerate(zip(bounds, [*bounds[1:], None], strict=True))
    ]


def record_plan(
    conn: psycopg.Connection, run_id: int, entity: str, operation: str, ranges: list[KeyRange]
) -> None:
    """The plan's ranges in ferry.slices, where each keeps its checkpoint."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO ferry.slices (entity, operation, slice, key_after, key_last, run_id)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [(entity, operation, r.number, r.after, r.last, run_id) for r in ranges],
        )


def checkpoint(conn: psycopg.Connection, entity: str, operation: str, number: int) -> int | None:
    """Where the slice resumes: its last committed key, else its lower bound."""
    row = conn.execute(
        "SELECT coalesce(checkpoint_key, key_after) FROM ferry.slices"
        " WHERE entity = %s AND operation = %s AND slice = %s",
        (entity, operation, number),
    ).fetchone()
    if row is None:
        raise StateError(f"Slice {number} of {entity} is no longer planned; the run stops.")
    return row[0]


def advance(cur: psycopg.Cursor, entity: str, operation: str, number: int, key: int) -> None:
    """The slice's checkpoint, in its batch's transaction."""
    cur.execute(
        "UPDATE ferry.slices SET checkpoint_key = %s"
        " WHERE entity = %s AND operation = %s AND slice = %s",
        (key, entity, operation, number),
    )
    if cur.rowcount != 1:
        raise StateError(f"Slice {number} of {entity} is no longer planned; the run stops.")


def end_plan(conn: psycopg.Connection, entity: str, operation: str) -> None:
    conn.execute(
        "DELETE FROM ferry.slices WHERE entity = %s AND operation = %s", (entity, operation)
    )
