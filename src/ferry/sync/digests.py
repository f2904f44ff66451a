"""Per-chunk digests of an entity's source rows: which rows a sync must compare at all.

A chunk is the set of keys with the same `key / width` (width chosen when the digests are first
stored, about CHUNK_ROWS keys a chunk, kept while the digests live so chunks stay comparable).
Its digest is the md5 of its rows exactly as the entity reads them (key, skip rule, dedup key,
parents' legacy ids, columns), computed in the source by one aggregate query, so a sync over
an unchanged source moves no row out of it. Digests are stored in `ferry.source_digests` by a
migrate that read the whole entity in one run and by every sync, both under the run's snapshot:
they describe what the target now reflects. A sync compares the rows of chunks whose digest
differs (or that have none); rows the target refused, or that stayed because rows ferry did not
write depend on them, have their chunk's digest dropped, so the next sync compares them again.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, select_batch
from ferry.state import control

CHUNK_ROWS = 1000
MAX_WIDTH = 2**62
Digests = dict[int, tuple[int, str]]  # chunk -> (rows, digest)


def choose_width(reader: SourceReader, entity: Entity) -> int:
    """A chunk width giving about CHUNK_ROWS keys a chunk over the entity's key span."""
    row = reader.conn.execute(
        sql.SQL("SELECT count(*), min(k), max(k) FROM ({}) AS t(k)").format(
            select_batch(entity, None, None)
        )
    ).fetchone()
    count, low, high = row
    if not count:
        return CHUNK_ROWS
    # a few rows keyed by digests (tuple keys) span nearly 2^60: one chunk, stored as a bigint
    return min(MAX_WIDTH, max(1, (high - low + 1) * CHUNK_ROWS // count))


def source_digests(reader: SourceReader, entity: Entity, width: int) -> Digests:
    """Rows and digest of every chunk of the entity's source rows, computed in the source."""
    query = sql.SQL(
        "SELECT t.k / {width}, count(*), md5(string_agg(t::text, E'\\n' ORDER BY t.k))"
        " FROM ({rows}) AS t(k) GROUP BY 1"
    ).format(width=sql.Literal(width), rows=select_batch(entity, None, None))
    return {chunk: (rows, digest) for chunk, rows, digest in reader.conn.execute(query)}


def stored_digests(conn: psycopg.Connection, entity: str) -> tuple[int | None, Digests, int | None]:
    """The width, digests and run of the last migrate or sync that stored them (None, {},
    None: none stored)."""
    rows = conn.execute(
        "SELECT width, chunk, rows, digest, run_id FROM ferry.source_digests WHERE entity = %s",
        (entity,),
    ).fetchall()
    if not rows:
        return None, {}, None
    return rows[0][0], {chunk: (n, digest) for _, chunk, n, digest, _ in rows}, rows[0][4]


def changed_chunks(now: Digests, stored: Digests) -> list[int]:
    """Chunks whose rows differ from what the target reflects (new ones included)."""
    return sorted(chunk for chunk, value in now.items() if stored.get(chunk) != value)


def in_chunks(entity: Entity, width: int, chunks: list[int]) -> sql.Composed:
    """The condition: the row's key lies in one of `chunks`."""
    return sql.SQL("({} / {}) = ANY({}::bigint[])").format(
        sql.SQL(entity.source.ordinal), sql.Literal(width), sql.Literal(chunks)
    )


def key_spans(width: int, chunks: list[int]) -> list[tuple[int | None, int | None]]:
    """Key bounds (after, last] around each run of consecutive `chunks`, for the source's key
    index: a chunk condition alone cannot use it, and a batched read of the notifications'
    changed chunks sorted the whole table once a batch (18 s of a 42 s sync at scale 0.25).
    A bound is left open where a chunk may hold negative keys (the division truncates toward
    zero); the chunk condition stays beside the bounds, which only narrow the scan."""
    runs: list[list[int]] = []
    for chunk in sorted(chunks):
        if runs and chunk == runs[-1][-1] + 1:
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
    return [
        (
            run[0] * width - 1 if run[0] > 0 else None,
            (run[-1] + 1) * width - 1 if run[-1] >= 0 else None,
        )
        for run in runs
    ]


def store(
    conn: psycopg.Connection, entity: str, scope: Scope, run_id: int, stale_keys: list[int]
) -> None:
    """Replace the entity's digests by those of `scope`, leaving out the chunks of
    `stale_keys` (rows the target does not reflect: compared again next time)."""
    width = scope.width
    stale = {key // width for key in stale_keys}
    rows = [(entity, width, c, n, d, run_id) for c, (n, d) in scope.now.items() if c not in stale]
    with conn.transaction():
        conn.execute("DELETE FROM ferry.source_digests WHERE entity = %s", (entity,))
        with conn.cursor().copy(
            "COPY ferry.source_digests (entity, width, chunk, rows, digest, run_id) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)


def forget(conn: psycopg.Connection, entity: str) -> None:
    """The entity's digests no longer describe the target (a restart, a rollback)."""
    conn.execute("DELETE FROM ferry.source_digests WHERE entity = %s", (entity,))


@dataclass(frozen=True)
class Scope:
    """What one entity's sync must look at: chunks whose rows changed (None: every row, as no
    digests usable for this declaration are stored), under the digests of the source now."""

    width: int
    now: Digests
    changed: list[int] | None
    since_run: int | None = None  # the run that stored the digests compared against


def scope(
    reader: SourceReader, target: psycopg.Connection, entity: Entity, fingerprint: str
) -> Scope:
    """The entity's digests now and the chunks that differ from the stored ones; digests
    stored under another declaration of the entity (its catalogue fingerprint) are not used."""
    width, stored, run_id = stored_digests(target, entity.name)
    declared = control.declared_catalogue(target, run_id, entity.name) if run_id else None
    usable = width is not None and declared == fingerprint
    width = width if usable else choose_width(reader, entity)
    now = source_digests(reader, entity, width)
    if not usable:
        return Scope(width, now, None)
    return Scope(width, now, changed_chunks(now, stored), run_id)


def after_migrate(
    reader: SourceReader,
    target: psycopg.Connection,
    entity: Entity,
    run_id: int,
    *,
    whole: bool,
    restart: bool,
) -> None:
    """After a migrate of the entity: its digests, when this run read every row of it under
    its one snapshot (the target then reflects exactly those rows). A restart leaves rows
    that had a mapping as they were, so their digests no longer tell; other runs (a resume,
    new rows after a completed migration) leave the stored digests as true as they were."""
    if entity.source.changed_at is not None:
        return
    if restart:
        forget(target, entity.name)
    elif whole:
        width = choose_width(reader, entity)
        now = Scope(width, source_digests(reader, entity, width), None)
        store(target, entity.name, now, run_id, [])
