"""Runs and migration_control: what ran, when, how far, with which result.

Run rows are committed as soon as a run starts, so a crashed run stays visible. Batch rows and
the per-(run, entity) summary with its checkpoint are written inside the batch's transaction:
the checkpoint can never run ahead of, or behind, the rows it describes.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from ferry import __version__
from ferry.errors import StateError


@dataclass(frozen=True)
class Checkpoint:
    """Where an entity's last migrate or sync stopped, and with which parameters."""

    key: int | None
    parameters: dict
    status: str
    run_id: int
    operation: str


def start_run(
    conn: psycopg.Connection, operation: str, target: str, parameters: dict, dry_run: bool
) -> int:
    return conn.execute(
        "INSERT INTO ferry.runs (operation, target, parameters, dry_run, ferry_version, host, pid)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING run_id",
        (
            operation,
            target,
            Jsonb(parameters),
            dry_run,
            __version__,
            socket.gethostname(),
            os.getpid(),
        ),
    ).fetchone()[0]


def run_ids(conn: psycopg.Connection) -> list[int]:
    """Every run recorded in this target, oldest first (dry runs leave none)."""
    return [row[0] for row in conn.execute("SELECT run_id FROM ferry.runs ORDER BY run_id")]


def mark_interrupted_runs(conn: psycopg.Connection) -> None:
    """Runs still 'running' when a new run holds the run lock died without finishing."""
    conn.execute(
        "UPDATE ferry.runs SET status = 'interrupted', finished_at = clock_timestamp()"
        " WHERE status = 'running'"
    )


def finish_run(
    conn: psycopg.Connection,
    run_id: int,
    status: str,
    error_class: str | None = None,
    error_message: str | None = None,
) -> None:
    conn.execute(
        "UPDATE ferry.runs SET status = %s, finished_at = clock_timestamp(), error_class = %s,"
        " error_message = %s WHERE run_id = %s",
        (status, error_class, error_message, run_id),
    )


def last_checkpoint(conn: psycopg.Connection, entity: str) -> Checkpoint | None:
    """The latest migrate, sync or rollback summary of `entity` (any run), if there is one.

    A rollback's summary carries no checkpoint: after it, migration starts from the first key.
    """
    row = conn.execute(
        "SELECT checkpoint_key, parameters, status, run_id, operation FROM ferry.migration_control"
        " WHERE entity = %s AND operation IN ('migrate', 'sync', 'rollback') AND batch IS NULL"
        " ORDER BY id DESC LIMIT 1",
        (entity,),
    ).fetchone()
    return Checkpoint(*row) if row else None


def start_entity(
    conn: psycopg.Connection,
    run_id: int,
    entity: str,
    operation: str,
    checkpoint: int | None,
    parameters: dict,
    started_at: datetime | None = None,
) -> None:
    """The (run, entity) summary row, carrying the checkpoint it starts from.

    `started_at` is given when the row is written after the work (a validation records its
    outcome once it is known); otherwise the row's own time is the start. Writing it again is
    harmless: a retry after a commit whose acknowledgement was lost finds the row and keeps it.
    """
    conn.execute(
        "INSERT INTO ferry.migration_control (run_id, entity, operation, status, key_from,"
        " checkpoint_key, parameters, started_at)"
        " VALUES (%s, %s, %s, 'running', %s, %s, %s, coalesce(%s, clock_timestamp()))"
        " ON CONFLICT ON CONSTRAINT migration_control_one_row DO NOTHING",
        (run_id, entity, operation, checkpoint, checkpoint, Jsonb(parameters), started_at),
    )


@dataclass(frozen=True)
class BatchRecord:
    run_id: int
    entity: str
    operation: str
    batch: int
    processed: int
    migrated: int
    quarantined: int
    skipped: int
    key_from: int | None
    checkpoint: int
    started_at: datetime


def record_batch(cur: psycopg.Cursor, record: BatchRecord) -> None:
    """The batch's row, and the summary's counters and checkpoint, in the batch transaction.

    Slices of one entity commit batches in any order: the summary keeps the highest key (the
    slices' own checkpoints are in ferry.slices).
    """
    cur.execute(
        "INSERT INTO ferry.migration_control (run_id, entity, operation, batch, status,"
        " rows_processed, rows_migrated, rows_quarantined, rows_skipped, key_from,"
        " checkpoint_key, started_at, finished_at)"
        " VALUES (%s, %s, %s, %s, 'completed', %s, %s, %s, %s, %s, %s, %s, clock_timestamp())",
        (
            record.run_id,
            record.entity,
            record.operation,
            record.batch,
            record.processed,
            record.migrated,
            record.quarantined,
            record.skipped,
            record.key_from,
            record.checkpoint,
            record.started_at,
        ),
    )
    cur.execute(
        "UPDATE ferry.migration_control SET rows_processed = rows_processed + %s,"
        " rows_migrated = rows_migrated + %s, rows_quarantined = rows_quarantined + %s,"
        " rows_skipped = rows_skipped + %s, checkpoint_key = greatest(checkpoint_key, %s)"
        " WHERE run_id = %s AND entity = %s AND operation = %s AND batch IS NULL",
        (
            record.processed,
            record.migrated,
            record.quarantined,
            record.skipped,
            record.checkpoint,
            record.run_id,
            record.entity,
            record.operation,
        ),
    )
    if cur.rowcount != 1:
        raise StateError(
            f"The control summary of {record.entity} in run {record.run_id} is missing; "
            "the run stops."
        )


def finish_entity(
    conn: psycopg.Connection,
    run_id: int,
    entity: str,
    operation: str,
    status: str,
    error_class: str | None = None,
    sqlstate: str | None = None,
    error_message: str | None = None,
) -> None:
    conn.execute(
        "UPDATE ferry.migration_control SET status = %s, finished_at = clock_timestamp(),"
        " error_class = %s, sqlstate = %s, error_message = %s"
        " WHERE run_id = %s AND entity = %s AND operation = %s AND batch IS NULL",
        (status, error_class, sqlstate, error_message, run_id, entity, operation),
    )


def next_batch_number(conn: psycopg.Connection, run_id: int, entity: str) -> int:
    return conn.execute(
        "SELECT coalesce(max(batch), 0) + 1 FROM ferry.migration_control"
        " WHERE run_id = %s AND entity = %s",
        (run_id, entity),
    ).fetchone()[0]


def close_records(conn: psycopg.Connection, entity: str, keys: list[int] | None = None) -> None:
    """The entity's rows (those of `keys`, or all) leave the accounting: open quarantine
    entries are resolved and skip records removed."""
    params = {"e": entity, "keys": keys}
    conn.execute(
        "UPDATE ferry.quarantine SET resolved = true, resolved_at = clock_timestamp()"
        " WHERE entity = %(e)s AND NOT resolved"
        " AND (%(keys)s::bigint[] IS NULL OR legacy_id = ANY(%(keys)s))",
        params,
    )
    conn.execute(
        "DELETE FROM ferry.skipped WHERE entity = %(e)s"
        " AND (%(keys)s::bigint[] IS NULL OR legacy_id = ANY(%(keys)s))",
        params,
    )


def entity_rows_of_run(conn: psycopg.Connection, run_id: int) -> list[dict]:
    """The entity rows of one run (status, rows processed, times, error), in starting order."""
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT entity, status, rows_processed AS processed, started_at, finished_at,"
            " error_message FROM ferry.migration_control"
            " WHERE run_id = %s AND batch IS NULL ORDER BY started_at, entity",
            (run_id,),
        ).fetchall()


def migrations_since_rollback(conn: psycopg.Connection) -> list[tuple]:
    """Per entity, the migrate runs since its last rollback: (entity, rows, seconds, run ids)."""
    return conn.execute(
        "SELECT c.entity, sum(c.rows_processed)::bigint,"
        " sum(extract(epoch FROM c.finished_at - c.started_at))::float8,"
        " array_agg(c.run_id ORDER BY c.run_id)"
        " FROM ferry.migration_control c"
        " WHERE c.batch IS NULL AND c.operation = 'migrate' AND c.rows_processed > 0"
        " AND c.id > coalesce((SELECT max(b.id) FROM ferry.migration_control b"
        "  WHERE b.entity = c.entity AND b.operation = 'rollback' AND b.batch IS NULL), 0)"
        " GROUP BY c.entity"
    ).fetchall()


def declared_catalogue(conn: psycopg.Connection, run_id: int, entity: str) -> str | None:
    """The catalogue fingerprint the entity was declared with in the given run."""
    row = conn.execute(
        "SELECT parameters ->> 'catalogue' FROM ferry.migration_control"
        " WHERE run_id = %s AND entity = %s AND batch IS NULL ORDER BY id DESC LIMIT 1",
        (run_id, entity),
    ).fetchone()
    return row[0] if row else None


def record_validated(
    cur: psycopg.Cursor, run_id: int, entity: str, processed: int, verified: int
) -> None:
    """A validation's counts on its entity row: rows read from the source, rows verified."""
    cur.execute(
        "UPDATE ferry.migration_control SET rows_processed = %s, rows_migrated = %s"
        " WHERE run_id = %s AND entity = %s AND operation = 'validate' AND batch IS NULL",
        (processed, verified, run_id, entity),
    )


def last_entity_runs(conn: psycopg.Connection, *, writes: bool = False) -> list[tuple]:
    """Per entity, its latest entity row (of a run that wrote, with `writes`: validations
    only read): (entity, run id, operation, status, started, finished)."""
    return conn.execute(
        "SELECT DISTINCT ON (c.entity) c.entity, c.run_id, c.operation, c.status,"
        " c.started_at, c.finished_at FROM ferry.migration_control c"
        " WHERE c.batch IS NULL AND (NOT %s OR c.operation <> 'validate')"
        " ORDER BY c.entity, c.id DESC",
        (writes,),
    ).fetchall()
