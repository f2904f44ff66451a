"""Migrating one entity: batches in key order from its checkpoint, each committed with its
bookkeeping, transient failures retried with backoff.

Resuming is the normal path: the entity starts from the checkpoint of its last committed
batch, whatever run wrote it. A run with other parameters than the unfinished one it would
resume is refused unless `restart` is asked for (which rescans from the first key; rows that
already have a mapping are left as they are).
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import partial

import psycopg

from ferry.catalog.spec import Entity
from ferry.engine import bulk
from ferry.engine.context import EntityResult, RunContext
from ferry.engine.late_parents import late_parents_of, link_late_parents
from ferry.engine.load import BatchCounts, BatchLoader
from ferry.engine.parallel import on_workers
from ferry.engine.prefetch import ReadAhead
from ferry.engine.retries import on_database, with_retries
from ferry.engine.slices import cut, slice_count
from ferry.engine.target import TargetTable, read_target_table, refresh_statistics
from ferry.engine.transform import RowShaper
from ferry.errors import ConfigurationError, FerryError, Interrupted, StateError
from ferry.state import control, slices
from ferry.state.ledger.adopted import adopt_preexisting
from ferry.state.slices import KeyRange
from ferry.sync import digests

STATISTICS_MIN_ROWS = 10_000
_RESULT_LOCK = threading.Lock()  # slices of one entity add to one result


def migrate_entity(ctx: RunContext, entity: Entity, *, bulk: bool = False) -> EntityResult:
    """Migrate one entity from its checkpoint; with `bulk`, an empty target table is loaded
    with its foreign keys and secondary indexes deferred (see engine/bulk.py)."""
    result = EntityResult(entity.name)
    started = time.monotonic()
    table, start = with_retries(ctx, entity.name, lambda: _prepare(ctx, entity))
    total, _ = with_retries(ctx, entity.name, lambda: _count(ctx, entity))
    ctx.progress.entity_started(entity.name, total)
    if bulk and not ctx.dry_run:
        deferred = with_retries(ctx, entity.name, lambda: _defer(ctx, entity, table))
        if deferred:
            ctx.log.event("constraints_deferred", entity=entity.name, definitions=deferred)
    ranges, resumed = with_retries(ctx, entity.name, lambda: _key_ranges(ctx, entity, start, total))
    sums = None  # the source digests, added up from the batches when this run reads them all
    if _reads_everything(ctx, entity, start, resumed):
        sums = with_retries(ctx, entity.name, lambda: _chunk_sums(ctx, entity))
    batches = itertools.count(1)  # shared by the slices; a retried batch takes a new number
    loop = partial(
        _migrate_range, entity=entity, table=table, batches=batches, result=result, sums=sums
    )
    try:
        if ctx.dry_run or ctx.workers <= 1:  # a dry run stays in its one rolled-back transaction
            for key_range in ranges:
                loop(ctx, key_range)
        else:
            _in_parallel(ctx, ranges, loop)
    except FerryError as exc:  # the schema is whole again as soon as possible; the failure
        # stays. Not after Ctrl-C: index builds could take long, and the next run rebuilds.
        if bulk and not ctx.dry_run and not isinstance(exc, Interrupted):
            with contextlib.suppress(FerryError):  # else the next run restores it
                _restore(ctx, entity)
        raise
    if bulk and not ctx.dry_run:
        with_retries(ctx, entity.name, lambda: _restore(ctx, entity))
    if late_parents_of(entity) and not ctx.dry_run:
        with_retries(ctx, entity.name, lambda: _link_late_parents(ctx, entity))
    with_retries(ctx, entity.name, lambda: _finish(ctx, entity, "completed", result))
    if ctx.operation == "migrate" and not ctx.dry_run:  # what the next sync compares against
        with_retries(ctx, entity.name, lambda: _digest(ctx, entity, whole=start is None, read=sums))
    result.status = "completed"
    result.seconds = time.monotonic() - started
    ctx.progress.entity_finished(entity.name, result.status)
    return result


def _migrate_range(
    ctx: RunContext,
    key_range: KeyRange,
    *,
    entity: Entity,
    table: TargetTable,
    batches: Iterator[int],
    result: EntityResult,
    sums: digests.ChunkSums | None,
) -> None:
    """Batches of one key range, each from the range's committed checkpoint, until done; the
    next batch is read while one is written. With `sums`, rows are read with their hashes,
    added to it as their batch commits."""
    shaper = RowShaper(entity)

    def read(after: int | None) -> tuple[list, list[tuple]]:
        rows = on_database(
            "source",
            f"reading {entity.name}",
            lambda: ctx.session.source().read_batch(
                entity, after, ctx.batch_size, key_range.last, hashed=sums is not None
            ),
        )
        _check_keys(entity, rows, after)
        return rows, [shaper.shape(row) for row in rows]

    with ReadAhead(read) as reads:
        while True:
            counts = with_retries(
                ctx,
                entity.name,
                lambda: _one_batch(ctx, entity, table, reads, key_range, batches, sums),
            )
            if counts is None:
                return
            with _RESULT_LOCK:
                result.add(counts)
            ctx.progress.batch_done(
                entity.name, counts.processed, counts.migrated, counts.quarantined, counts.skipped
            )


def _in_parallel(
    ctx: RunContext, ranges: list[KeyRange], loop: Callable[[RunContext, KeyRange], None]
) -> None:
    """One worker per key range, each on connections of its own sharing the run's snapshot."""
    snapshot = ctx.session.shareable_snapshot() if len(ranges) > 1 else None
    on_workers(ctx, ranges, loop, snapshot=snapshot)


def _key_ranges(
    ctx: RunContext, entity: Entity, start: int | None, total: int
) -> tuple[list[KeyRange], bool]:
    """The unfinished slice plan if there is one (True: resumed), else a new one for a large
    entity, else the whole entity from its checkpoint."""

    def work() -> tuple[list[KeyRange], bool]:
        target = ctx.session.target()
        with target.transaction():
            planned = slices.existing_plan(target, entity.name, ctx.operation)
            if planned:
                return planned, True
            parts = slice_count(entity, total, ctx.workers, ctx.batch_size)
            if parts == 1 or ctx.dry_run:
                return [KeyRange(start)], False
            ranges = on_database(  # a failure here is the source's, though inside this block
                "source",
                f"planning {entity.name}",
                lambda: cut(ctx.session.source(), entity, start, parts),
            )
            slices.record_plan(target, ctx.run_id, entity.name, ctx.operation, ranges)
            return ranges, False

    return on_database("target", f"planning {entity.name}", work)


def _defer(ctx: RunContext, entity: Entity, table: TargetTable) -> int:
    return on_database(
        "target",
        f"deferring the constraints of {table.schema}.{table.name}",
        lambda: bulk.defer(ctx.session.target(), ctx.run_id, entity.name, table),
    )


def _restore(ctx: RunContext, entity: Entity) -> None:
    on_database(
        "target",
        f"rebuilding the constraints and indexes of {entity.target}",
        lambda: bulk.restore(ctx.session.target(), entity=entity.name),
    )


def _link_late_parents(ctx: RunContext, entity: Entity) -> None:
    on_database(
        "target",
        f"linking the late parents of {entity.name}",
        lambda: link_late_parents(
            ctx.session.source(), ctx.session.target(), entity, ctx.batch_size
        ),
    )


def _reads_everything(ctx: RunContext, entity: Entity, start: int | None, resumed: bool) -> bool:
    """This migrate reads every row of the entity, from its first key, under its snapshot:
    what the digests stored after it describe (see sync.digests.after_migrate)."""
    return (
        ctx.operation == "migrate"
        and not ctx.dry_run
        and not ctx.restart
        and start is None
        and not resumed
        and entity.source.changed_at is None
    )


def _chunk_sums(ctx: RunContext, entity: Entity) -> digests.ChunkSums:
    width, _ = on_database(
        "source",
        f"counting {entity.name}",
        lambda: digests.fresh_width(ctx.session.source(), entity),
    )
    return digests.ChunkSums(width)


def _digest(
    ctx: RunContext, entity: Entity, *, whole: bool, read: digests.ChunkSums | None
) -> None:
    on_database(
        "target",
        f"digesting the source rows of {entity.name}",
        lambda: digests.after_migrate(
            ctx.session.source(),
            ctx.session.target(),
            entity,
            ctx.run_id,
            digests.on_workers_of(ctx, entity),
            whole=whole,
            restart=ctx.restart,
            read=read,
        ),
    )


def _count(ctx: RunContext, entity: Entity) -> tuple[int, int | None]:
    return on_database(
        "source", f"counting {entity.name}", lambda: ctx.session.source().count(entity)
    )


def _prepare(ctx: RunContext, entity: Entity) -> tuple[TargetTable, int | None]:
    """Adopt earlier tools' mappings, check resumability, open the run's summary row; the
    target table and the key to start after."""

    def work() -> tuple[TargetTable, int | None]:
        target = ctx.session.target()
        with target.transaction():
            table = read_target_table(target, entity.target)
            adopted = adopt_preexisting(target, entity)
            if adopted:
                ctx.progress.message(f"{entity.name}: adopted {adopted} mappings of earlier tools")
            checkpoint = control.last_checkpoint(target, entity.name)
            unfinished = (
                checkpoint is not None
                and checkpoint.operation == ctx.operation
                and checkpoint.status != "completed"
            )
            if unfinished and not ctx.restart and checkpoint.parameters != ctx.parameters:
                raise StateError(
                    f"Entity {entity.name} was left unfinished by run {checkpoint.run_id} "
                    f"with other parameters ({_differences(checkpoint.parameters, ctx)}); "
                    "run with the same parameters to resume, or pass --restart."
                )
            resumable = checkpoint is not None and checkpoint.operation != "rollback"
            start = checkpoint.key if resumable and not ctx.restart else None
            if not unfinished or ctx.restart:  # a slice plan lives only while unfinished
                slices.end_plan(target, entity.name, ctx.operation)
            control.start_entity(
                target, ctx.run_id, entity.name, ctx.operation, start, ctx.parameters
            )
            return table, start

    return on_database("target", f"preparing {entity.name}", work)


def _differences(previous: dict, ctx: RunContext) -> str:
    names = sorted({*previous, *ctx.parameters})
    changed = [n for n in names if previous.get(n) != ctx.parameters.get(n)]
    return ", ".join(f"{n} {previous.get(n)} then, {ctx.parameters.get(n)} now" for n in changed)


def _one_batch(
    ctx: RunContext,
    entity: Entity,
    table: TargetTable,
    reads: ReadAhead[tuple[list, list[tuple]]],
    key_range: KeyRange,
    batches: Iterator[int],
    sums: digests.ChunkSums | None,
) -> BatchCounts | None:
    """Read, transform and load the range's batch after its committed checkpoint (its rows'
    hashes added to `sums` once it committed); None when the range is done.

    The checkpoint is read from the database each time (this run's summary row, or the slice's
    row), so that a batch retried after a failure starts exactly where the last committed one
    ended: a batch read ahead from anywhere else is not used.
    """
    try:
        after = on_database(
            "target",
            "reading the checkpoint",
            lambda: slices.resume_point(
                ctx.session.target(), entity.name, ctx.operation, key_range
            ),
        )
        rows, staged = reads.take(after)
        if not rows:
            return None  # checked before stopping: an entity whose rows are all done completes
        if ctx.stop.is_set():
            raise Interrupted(f"{entity.name} stopped after its last committed batch")
        last = int(rows[-1][0])
        reads.ahead(last)

        def advance_slice(cur: psycopg.Cursor) -> None:
            if key_range.number is not None:
                slices.advance(cur, entity.name, ctx.operation, key_range.number, last)

        # The action names the target table: a lock timeout's diagnostics carry no table
        # name, and the operator needs to know which table another session holds.
        counts = on_database(
            "target",
            f"loading {entity.name} into {table.schema}.{table.name}",
            lambda: commit_batch(
                ctx, entity, table, staged, next(batches), key_from=after, also=advance_slice
            ),
        )
        if sums is not None:
            sums.add(rows)
        return counts
    except BaseException:
        reads.settle()  # before a retry may reconnect the source
        raise


def commit_batch(
    ctx: RunContext,
    entity: Entity,
    table: TargetTable,
    staged: list[tuple],
    batch: int,
    *,
    key_from: int | None,
    also: Callable[[psycopg.Cursor], None] | None = None,
) -> BatchCounts:
    """Load shaped rows and record the batch (and whatever `also` writes) in one transaction:
    the rows, their bookkeeping and the checkpoint (the batch's last key) commit together."""
    target = ctx.session.target()
    started = datetime.now(UTC)
    with target.transaction():
        counts = BatchLoader(target, entity, table).load(staged, ctx.run_id, batch)
        if also is not None:
            also(target.cursor())
        record = control.BatchRecord(
            ctx.run_id,
            entity.name,
            ctx.operation,
            batch,
            counts.processed,
            counts.migrated,
            counts.quarantined,
            counts.skipped,
            key_from,
            int(staged[-1][0]),
            started,
        )
        control.record_batch(target.cursor(), record)
    ctx.log.batch(record)
    return counts


def _check_keys(entity: Entity, rows: list, after: int | None) -> None:
    previous = after
    for row in rows:
        key = int(row[0])
        if previous is not None and key <= previous:
            raise ConfigurationError(
                f"Entity {entity.name} reads key {key} twice or out of order; its source joins "
                "must yield one row per key."
            )
        previous = key


def _finish(ctx: RunContext, entity: Entity, status: str, result: EntityResult) -> None:
    """Close the entity's summary, then refresh the planner statistics of what it filled.

    The target table is analyzed whenever rows were written: the validation after a migrate
    joins it, and on a table believed empty its plans took 40-60 s for 7,648 rows. Only an
    entity that wrote many mappings, skip records or quarantine entries pays for those
    tables (ANALYZE samples the whole mappings table: 38 of them cost 4 s of a 29 s run at
    scale 0.25); a few thousand rows more or less do not change any plan.
    """
    written = {
        "migration_mappings": result.processed,
        "skipped": result.skipped,
        "quarantine": result.quarantined,
    }
    state = [table for table, rows in written.items() if rows >= STATISTICS_MIN_ROWS]

    def work() -> None:
        target = ctx.session.target()
        with target.transaction():
            control.finish_entity(target, ctx.run_id, entity.name, ctx.operation, status)
            slices.end_plan(target, entity.name, ctx.operation)
        if not ctx.dry_run and result.processed:
            refresh_statistics(target, entity.target, state=state)

    on_database("target", f"finishing {entity.name}", work)
