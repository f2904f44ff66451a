"""The slice plans of large entities, and where each loop of an entity resumes.

A sliced entity's key ranges are recorded with their own checkpoints (`ferry.engine.slices`
says why and how they are cut); an unsliced entity resumes from the checkpoint of its summary
row. `resume_point` answers for both: the one place a loop learns where to start.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from ferry.errors import StateError
from ferry.state import control


@dataclass(frozen=True)
class KeyRange:
    """Keys `(after, last]` that one loop migrates; `number` is its row in ferry.slices, or
    None for the whole entity (checkpointed in its summary row)."""

    after: int | None
    last: int | None = None
    number: int | None = None


def existing_plan(conn: psycopg.Connection, entity: str, operation: str) -> list[KeyRange]:
    """The unfinished plan's ranges, each starting at its own checkpoint."""
    rows = conn.execute(
        "SELECT coalesce(checkpoint_key, key_after), key_last, slice FROM ferry.slices"
        " WHERE entity = %s AND operation = %s ORDER BY slice",
        (entity, operation),
    ).fetchall()
    return [KeyRange(*row) for row in rows]


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


def resume_point(
    conn: psycopg.Connection, entity: str, operation: str, key_range: KeyRange
) -> int | None:
    """The key after which the loop of `key_range` goes on: its slice's checkpoint, or the
    entity's last checkpoint (none after a rollback: it starts over)."""
    if key_range.number is not None:
        return checkpoint(conn, entity, operation, key_range.number)
    last = control.last_checkpoint(conn, entity)
    return last.key if last and last.operation != "rollback" else None
