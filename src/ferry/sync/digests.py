"""Per-chunk digests of an entity's source rows: which rows a sync must compare at all.

A chunk is the set of keys with the same `key / width` (width chosen when the digests are first
stored, about CHUNK_ROWS keys a chunk, kept while the digests live so chunks stay comparable).
Its digest is the sum of the 64-bit hashes (`ROW_HASH`) of its rows exactly as the entity reads
them (key, skip rule, dedup key, parents' legacy ids, columns). A sum does not depend on the
order of the rows and adds up over any partition of them, so the same digest comes from
aggregate queries in the source (one per span of chunks, a span per worker: a sync over an
unchanged source moves no row out of it) and from the hashes a migrate's batches read beside
their rows (`ChunkSums`: no second pass over the source, which cost the notifications about
4 µs a row). Digests are stored in `ferry.source_digests` by a
migrate that read the whole entity in one run and by every sync, both under the run's snapshot:
they describe what the target now reflects. A sync compares the rows of chunks whose digest
differs (or that have none); rows the target refused, or that stayed because rows ferry did not
write depend on them, have their chunk's digest dropped, so the next sync compares them again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.context import RunContext
from ferry.engine.parallel import on_workers
from ferry.engine.retries import on_database
from ferry.engine.source import ROW_HASH, SourceReader, select_batch
from ferry.state import control

CHUNK_ROWS = 1000
MIN_SPLIT_CHUNKS = 100  # digests of fewer chunks (about 100K rows) are computed in one part
MAX_WIDTH = 2**62
Digests = dict[int, tuple[int, str]]  # chunk -> (rows, digest)


@dataclass(frozen=True)
class ChunkSpan:
    """The chunks `first` to `last` (inclusive; None: unbounded on that side)."""

    first: int | None = None
    last: int | None = None


WHOLE = ChunkSpan()
# "how to compute the source's digests now": at a width, over chunks from the first to the
# last held (None: unbounded), which the caller may split across worker sessions
DigestsNow = Callable[[int, ChunkSpan], Digests]


def key_bounds(reader: SourceReader, entity: Entity) -> tuple[int, int | None, int | None]:
    """How many rows the entity reads, and its lowest and highest key ordinal."""
    return reader.conn.execute(
        sql.SQL("SELECT count(*), min(k), max(k) FROM ({}) AS t(k)").format(
            select_batch(entity, None, None)
        )
    ).fetchone()


def choose_width(count: int, low: int | None, high: int | None) -> int:
    """A chunk width giving about CHUNK_ROWS keys a chunk over the entity's key span."""
    if not count or low is None or high is None:
        return CHUNK_ROWS
    # a few rows keyed by digests (tuple keys) span nearly 2^60: one chunk, stored as a bigint
    return min(MAX_WIDTH, max(1, (high - low + 1) * CHUNK_ROWS // count))


def chunk_of(key: int, width: int) -> int:
    """The chunk of `key` as the source computes it (integer division truncates toward zero)."""
    return key // width if key >= 0 else -(-key // width)


class ChunkSums:
    """Digests added up from rows read with their hash last (`SourceReader.read_batch(...,
    hashed=True)`), batch by batch: equal to `source_digests` over the same rows."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._sums: dict[int, list[int]] = {}
        self._lock = threading.Lock()  # the slices of one entity add to one sum

    def add(self, rows: list[tuple[str | None, ...]]) -> None:
        with self._lock:
            for row in rows:
                chunk = chunk_of(int(row[0]), self.width)
                held = self._sums.get(chunk)
                if held is None:
                    self._sums[chunk] = [1, int(row[-1])]
                else:
                    held[0] += 1
                    held[1] += int(row[-1])

    def digests(self) -> Digests:
        return {chunk: (rows, str(total)) for chunk, (rows, total) in self._sums.items()}


def split(first: int, last: int, parts: int) -> list[ChunkSpan]:
    """Chunks `first` to `last` in up to `parts` spans of about equal length, the first open
    below and the last open above, so that together they hold every chunk."""
    length = last - first + 1
    parts = max(1, min(parts, length))
    cuts = [first + length * i // parts for i in range(1, parts)]
    starts = [None, *cuts]
    ends = [*(c - 1 for c in cuts), None]
    return [ChunkSpan(s, e) for s, e in zip(starts, ends, strict=True)]


def on_workers_of(
    ctx: RunContext, entity: Entity, min_chunks: int = MIN_SPLIT_CHUNKS
) -> DigestsNow:
    """Digests computed in one part per worker of the run, each in a session reading under
    the run's snapshot: one aggregate query over the notifications ran on one core for 22 s
    at scale 1.0 while the other waited. Unsplit in a dry run (one transaction), with one
    worker, over fewer than `min_chunks` chunks (a part's connections cost more than it
    saves), or when the chunks held or the run's snapshot are unknown."""

    def part(worker: RunContext, width: int, span: ChunkSpan) -> Digests:
        return on_database(
            "source",
            f"digesting the source rows of {entity.name}",
            lambda: source_digests(worker.session.source(), entity, width, span),
        )

    def now(width: int, held: ChunkSpan) -> Digests:
        known = held.first is not None and held.last is not None
        snapshot = None
        if (
            known
            and held.last - held.first + 1 >= min_chunks
            and ctx.workers > 1
            and not ctx.dry_run
        ):
            snapshot = ctx.session.shareable_snapshot()
        if snapshot is None:
            return part(ctx, width, WHOLE)
        spans = split(held.first, held.last, ctx.workers)
        pieces = on_workers(ctx, spans, lambda w, span: part(w, width, span), snapshot=snapshot)
        return {chunk: value for piece in pieces for chunk, value in piece.items()}

    return now


def source_digests(
    reader: SourceReader, entity: Entity, width: int, span: ChunkSpan = WHOLE
) -> Digests:
    """Rows and digest of every chunk of `span` of the entity's source rows, computed in the
    source. A span's key bounds let the key's index narrow the scan; its chunk condition
    keeps the rows exact (bounds are left open where negative keys could be)."""
    chunk = sql.SQL("({}) / {}").format(sql.SQL(entity.source.ordinal), sql.Literal(width))
    conditions = []
    if span.first is not None:
        conditions.append(sql.SQL("{} >= {}").format(chunk, sql.Literal(span.first)))
    if span.last is not None:
        conditions.append(sql.SQL("{} <= {}").format(chunk, sql.Literal(span.last)))
    after, last = _bounds(span.first, span.last, width)
    condition = sql.SQL(" AND ").join(conditions) if conditions else None
    query = sql.SQL(
        "SELECT t.k / {width}, count(*), sum({hash})::text FROM ({rows}) AS t(k) GROUP BY 1"
    ).format(
        width=sql.Literal(width),
        hash=ROW_HASH,
        rows=select_batch(entity, after, None, last, condition),
    )
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
    return [_bounds(run[0], run[-1], width) for run in runs]


def _bounds(first: int | None, last: int | None, width: int) -> tuple[int | None, int | None]:
    """Key bounds (after, last] holding chunks `first` to `last` (None: unbounded), open where
    a chunk may hold negative keys."""
    return (
        first * width - 1 if first is not None and first > 0 else None,
        (last + 1) * width - 1 if last is not None and last >= 0 else None,
    )


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
    reader: SourceReader,
    target: psycopg.Connection,
    entity: Entity,
    fingerprint: str,
    digests_now: DigestsNow,
) -> Scope:
    """The entity's digests now and the chunks that differ from the stored ones; digests
    stored under another declaration of the entity (its catalogue fingerprint) are not used."""
    width, stored, run_id = stored_digests(target, entity.name)
    declared = control.declared_catalogue(target, run_id, entity.name) if run_id else None
    if width is None or declared != fingerprint:
        width, held = fresh_width(reader, entity)
        return Scope(width, digests_now(width, held), None)
    held = ChunkSpan(min(stored), max(stored)) if stored else WHOLE
    now = digests_now(width, held)
    return Scope(width, now, changed_chunks(now, stored), run_id)


def fresh_width(reader: SourceReader, entity: Entity) -> tuple[int, ChunkSpan]:
    """A new chunk width for the entity, and the chunks its rows now fill."""
    count, low, high = key_bounds(reader, entity)
    width = choose_width(count, low, high)
    if not count:
        return width, WHOLE
    return width, ChunkSpan(chunk_of(low, width), chunk_of(high, width))


def after_migrate(
    reader: SourceReader,
    target: psycopg.Connection,
    entity: Entity,
    run_id: int,
    digests_now: DigestsNow,
    *,
    whole: bool,
    restart: bool,
    read: ChunkSums | None = None,
) -> None:
    """After a migrate of the entity: its digests, when this run read every row of it under
    its one snapshot (the target then reflects exactly those rows): the sums its batches
    `read`, else computed in the source now. A restart leaves rows that had a mapping as
    they were, so their digests no longer tell; other runs (a resume, new rows after a
    completed migration) leave the stored digests as true as they were."""
    if entity.source.changed_at is not None:
        return
    if restart:
        forget(target, entity.name)
    elif whole and read is not None:
        store(target, entity.name, Scope(read.width, read.digests(), None), run_id, [])
    elif whole:
        width, held = fresh_width(reader, entity)
        store(target, entity.name, Scope(width, digests_now(width, held), None), run_id, [])
