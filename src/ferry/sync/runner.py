"""`ferry sync`: after a migration, carry over only what changed in the source since.

Per entity, parents before children, under one run (operation 'sync') and one source snapshot:
1. **New rows**: keys after the checkpoint, exactly as `migrate` loads them (same batches,
   slices, one-transaction bookkeeping, checkpoint).
2. **Rows to reload**: source keys without a mapping (quarantined, skipped, or never seen) go
   through the load again; a row whose cause is fixed (its parent arrived, its value was
   corrected) leaves quarantine, the others stay with their reason refreshed.
3. **Changed rows**: re-shaped source rows compared with ferry's target rows and updated in
   place, keys unchanged. Entities that declare a change time compare only rows changed since
   the previous sync's watermark minus `OVERLAP` (rows sharing a timestamp across a batch
   boundary are all re-read: the comparison, not the timestamp, decides what is written);
   the others compare every row.
4. **Rows gone from the source** are counted; with `propagate_deletes` they leave the
   migration: mappings removed, records closed, target rows queued for deletion.
Rows that leave the migration (gone, or whose new version is quarantined or skipped) make
their children leave too (a child finds its parent unmapped); the queued target rows are
deleted in a last pass, children before parents.
Every step is recomputed from the databases' state, so a sync killed at any point and run
again ends where an uninterrupted one would, and a second sync right after writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.executor import EntityResult, RunContext, commit_batch, migrate_entity
from ferry.engine.guard import guarded
from ferry.engine.runner import RunOptions, RunResult, catalogue_fingerprint, run_plan
from ferry.engine.session import RunSession
from ferry.engine.source import changed_since, latest_change_query, with_keys
from ferry.engine.target import TargetTable, read_target_table
from ferry.engine.transform import RowShaper
from ferry.errors import StateError
from ferry.progress import Progress
from ferry.state import control
from ferry.sync.changes import ChangeApplier, ChangeTally
from ferry.sync.outstanding import outstanding_keys

# Rows whose change time lies this far before the watermark are compared again: a transaction
# that stamped its rows before the last sync's snapshot may have committed after it.
OVERLAP = timedelta(hours=1)


@dataclass
class SyncResult(EntityResult):
    """An entity's sync: migrate's counts for new and reloaded rows, plus what a sync finds."""

    reloaded: int = 0
    changed: int = 0
    leaving: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    gone: list[int] = field(default_factory=list)


def sync_entity(
    ctx: RunContext, catalogue: Catalogue, name: str, propagate: bool, released: set[str]
) -> SyncResult:
    """Sync one entity. `released` names the entities whose rows left the migration in this
    run so far: rows pointing at them must be compared whatever their change time."""
    entity = catalogue.entities[name]
    new_rows = migrate_entity(ctx, entity)
    result = SyncResult(name, status=new_rows.status)
    for counter in ("processed", "migrated", "quarantined", "skipped"):
        setattr(result, counter, getattr(new_rows, counter))
    table = guarded(
        ctx, name, "reading", lambda: read_target_table(ctx.session.target(), entity.target)
    )
    outstanding = guarded(
        ctx,
        name,
        "comparing keys of",
        lambda: outstanding_keys(ctx.session.source(), ctx.session.target(), entity),
    )
    result.gone = outstanding.gone
    if propagate and outstanding.gone:
        guarded(
            ctx,
            name,
            "releasing rows gone from the source of",
            lambda: _release_gone(ctx, name, outstanding.gone),
        )
    result.reloaded = reload_keys(ctx, entity, table, outstanding.reload).processed
    every_row = any(p.entity in released for p in entity.parents)
    tally = _apply_changes(ctx, entity, table, every_row)
    result.changed, result.leaving, result.refused = tally.changed, tally.leaving, tally.refused
    result.seconds += new_rows.seconds
    if tally.leaving or (propagate and outstanding.gone):
        released.add(name)
    return result


def reload_keys(
    ctx: RunContext, entity: Entity, table: TargetTable, keys: list[int]
) -> EntityResult:
    """Load the given keys again, a batch at a time, each batch with its bookkeeping; keys
    no longer in the source are passed over. The run's summary row of the entity must exist."""
    result = EntityResult(entity.name, status="completed")
    shaper = RowShaper(entity)
    for start in range(0, len(keys), ctx.batch_size):
        chunk = keys[start : start + ctx.batch_size]

        def load(chunk: list[int] = chunk) -> None:
            rows = ctx.session.source().read_batch(
                entity, None, len(chunk), condition=with_keys(entity, chunk)
            )
            if not rows:
                return
            batch = control.next_batch_number(ctx.session.target(), ctx.run_id, entity.name)
            staged = [shaper.shape(row) for row in rows]
            counts = commit_batch(ctx, entity, table, staged, batch, key_from=None)
            result.add(counts)
            ctx.progress.batch_done(entity.name, 0, counts.migrated, counts.quarantined, 0)

        guarded(ctx, entity.name, "reloading", load)
    return result


def _apply_changes(
    ctx: RunContext, entity: Entity, table: TargetTable, every_row: bool
) -> ChangeTally:
    """Compare (rows changed since the watermark, or all) and update, chunk by chunk."""
    tally = ChangeTally()
    applier = ChangeApplier(entity, table)
    shaper = RowShaper(entity)
    since, latest = guarded(
        ctx, entity.name, "reading the watermark of", lambda: _window(ctx, entity)
    )
    compare_all = since is None or every_row
    condition = None if compare_all else changed_since(entity, since - OVERLAP)
    after: int | None = None
    while True:

        def chunk(after: int | None = after) -> int | None:
            rows = ctx.session.source().read_batch(
                entity, after, ctx.batch_size, condition=condition
            )
            if not rows:
                return None
            target = ctx.session.target()
            with target.transaction():
                applier.apply(target, [shaper.shape(row) for row in rows], tally, ctx.run_id, None)
            return int(rows[-1][0])

        after = guarded(ctx, entity.name, "comparing", chunk)
        if after is None:
            break
    if latest is not None:
        guarded(
            ctx,
            entity.name,
            "recording the watermark of",
            lambda: _set_watermark(ctx, entity, latest),
        )
    return tally


def _window(ctx: RunContext, entity: Entity) -> tuple[datetime | None, datetime | None]:
    """The previous watermark (None: compare every row) and the latest change time now."""
    if entity.source.changed_at is None:
        return None, None
    previous = (
        ctx.session.target()
        .execute("SELECT changed_at FROM ferry.sync_watermarks WHERE entity = %s", (entity.name,))
        .fetchone()
    )
    source = ctx.session.source().conn
    latest = source.execute(latest_change_query(entity)).fetchone()[0]
    return (previous[0] if previous else None), latest


def _set_watermark(ctx: RunContext, entity: Entity, latest: datetime) -> None:
    target = ctx.session.target()
    with target.transaction():
        target.execute(
            "INSERT INTO ferry.sync_watermarks (entity, changed_at, run_id) VALUES (%s, %s, %s)"
            " ON CONFLICT (entity) DO UPDATE SET changed_at = EXCLUDED.changed_at,"
            " run_id = EXCLUDED.run_id, updated_at = clock_timestamp()",
            (entity.name, latest, ctx.run_id),
        )


def _release_gone(ctx: RunContext, name: str, gone: list[int]) -> None:
    """Legacy ids gone from the source leave the migration: mappings removed (their target rows
    queued for deletion), quarantine entries closed, skip records removed. Children that
    pointed at them find their parent unmapped when their own entity syncs, and leave too."""
    target = ctx.session.target()
    with target.transaction():
        target.execute(
            "WITH released AS (DELETE FROM ferry.migration_mappings WHERE entity = %(e)s"
            "  AND legacy_id = ANY(%(keys)s) RETURNING new_id)"
            " INSERT INTO ferry.pending_deletions (entity, new_id, run_id)"
            " SELECT %(e)s, new_id, %(run)s FROM released ON CONFLICT DO NOTHING",
            {"e": name, "keys": gone, "run": ctx.run_id},
        )
        control.close_records(target, name, gone)


def delete_released(ctx: RunContext, catalogue: Catalogue, name: str) -> EntityResult:
    """Delete the entity's target rows queued by this or an earlier sync, unless another
    mapping (a merged duplicate) still holds the row."""
    entity = catalogue.entities[name]
    schema, _, table = entity.target.rpartition(".")
    statement = sql.SQL(
        "WITH queued AS (DELETE FROM ferry.pending_deletions WHERE entity = %(e)s"
        "  RETURNING new_id)"
        " DELETE FROM {table} t USING queued q WHERE t.id = q.new_id AND NOT EXISTS"
        " (SELECT 1 FROM ferry.migration_mappings m WHERE m.entity = %(e)s AND m.new_id = t.id)"
    ).format(table=sql.Identifier(schema or "public", table))
    result = EntityResult(name, status="completed")

    def delete() -> int:
        target = ctx.session.target()
        try:
            with target.transaction():
                return target.execute(statement, {"e": name}).rowcount
        except psycopg.errors.ForeignKeyViolation:
            raise StateError(
                f"Rows of {name} that left the migration still have dependents in the target "
                "that ferry did not write; remove those first, then sync again."
            ) from None

    result.deleted = guarded(ctx, name, "deleting rows that left the migration of", delete)
    return result


def _queued_entities(session: RunSession) -> set[str]:
    target = session.target()
    if target.execute("SELECT to_regclass('ferry.pending_deletions')").fetchone()[0] is None:
        return set()
    rows = target.execute("SELECT DISTINCT entity FROM ferry.pending_deletions").fetchall()
    return {r[0] for r in rows}


def run_sync(
    session: RunSession,
    catalogue: Catalogue,
    phases: Sequence[Sequence[str]],
    target: str,
    *,
    propagate: bool,
    options: RunOptions,
    progress: Progress,
) -> RunResult:
    """Sync entities in dependency order, then delete the target rows that left the
    migration, children first."""
    released: set[str] = set()
    result = run_plan(
        session,
        "sync",
        target,
        phases,
        work=lambda ctx, name: sync_entity(ctx, catalogue, name, propagate, released),
        blockers=lambda name: catalogue.with_dependencies([name]) - {name},
        parameters=lambda name: {
            "batch_size": options.batch_size,
            "catalogue": catalogue_fingerprint(catalogue, name),
        },
        options=options,
        progress=progress,
    )
    if options.dry_run:  # its writes, queue included, were rolled back
        return result
    queued = _queued_entities(session)
    children_first = [[n for n in phase if n in queued] for phase in reversed(phases)]
    deletions = run_plan(
        session,
        "sync",
        target,
        [phase for phase in children_first if phase],
        work=lambda ctx, name: delete_released(ctx, catalogue, name),
        blockers=lambda name: set(catalogue.dependents(name)),
        parameters=lambda name: {"delete_released": True},
        options=options,
        progress=progress,
    )
    deleted = {r.entity: r.deleted for r in deletions.entities}
    for entity_result in result.entities:
        entity_result.deleted = deleted.get(entity_result.entity, 0)
    return result
