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
4. **Rows gone from the source** are counted; with `propagate_deletes` their target rows,
   mappings and records go too, children before parents, in a second pass.
Every step is recomputed from the databases' state, so a sync killed at any point and run
again ends where an uninterrupted one would, and a second sync right after writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.executor import EntityResult, RunContext, migrate_entity
from ferry.engine.guard import guarded
from ferry.engine.load import BatchLoader
from ferry.engine.runner import RunOptions, RunResult, catalogue_fingerprint, run_plan
from ferry.engine.session import RunSession
from ferry.engine.source import changed_since, with_keys
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


def sync_entity(ctx: RunContext, catalogue: Catalogue, name: str) -> SyncResult:
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
    _reload(ctx, entity, table, outstanding.reload, result)
    tally = _apply_changes(ctx, entity, table)
    result.changed, result.leaving, result.refused = tally.changed, tally.leaving, tally.refused
    result.seconds += new_rows.seconds
    return result


def _reload(
    ctx: RunContext, entity: Entity, table: TargetTable, keys: list[int], result: SyncResult
) -> None:
    """Load the given keys again, a batch at a time, each batch with its bookkeeping."""
    shaper = RowShaper(entity)
    for start in range(0, len(keys), ctx.batch_size):
        chunk = keys[start : start + ctx.batch_size]

        def load(chunk: list[int] = chunk) -> None:
            rows = ctx.session.source().read_batch(
                entity, None, len(chunk), condition=with_keys(entity, chunk)
            )
            if not rows:
                return
            target = ctx.session.target()
            started = datetime.now(UTC)
            with target.transaction():
                batch = control.next_batch_number(target, ctx.run_id, entity.name)
                staged = [shaper.shape(row) for row in rows]
                counts = BatchLoader(target, entity, table).load(staged, ctx.run_id, batch)
                control.record_batch(
                    target.cursor(),
                    control.BatchRecord(
                        ctx.run_id,
                        entity.name,
                        ctx.operation,
                        batch,
                        counts.processed,
                        counts.migrated,
                        counts.quarantined,
                        counts.skipped,
                        None,
                        int(rows[-1][0]),
                        started,
                    ),
                )
            result.reloaded += counts.processed
            ctx.progress.batch_done(entity.name, 0, counts.migrated, counts.quarantined, 0)

        guarded(ctx, entity.name, "reloading", load)


def _apply_changes(ctx: RunContext, entity: Entity, table: TargetTable) -> ChangeTally:
    """Compare (rows changed since the watermark, or all) and update, chunk by chunk."""
    tally = ChangeTally()
    applier = ChangeApplier(ctx.session.target(), entity, table)
    shaper = RowShaper(entity)
    since, latest = guarded(
        ctx, entity.name, "reading the watermark of", lambda: _window(ctx, entity)
    )
    condition = changed_since(entity, since - OVERLAP) if since is not None else None
    after: int | None = None
    while True:

        def chunk(after: int | None = after) -> int | None:
            rows = ctx.session.source().read_batch(
                entity, after, ctx.batch_size, condition=condition
            )
            if not rows:
                return None
            target = ctx.session.target()
            applier.conn = target
            with target.transaction():
                applier.apply([shaper.shape(row) for row in rows], tally)
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
    latest = (
        ctx.session.source()
        .conn.execute(
            sql.SQL("SELECT max({}) FROM {} {} WHERE ({})").format(
                sql.SQL(entity.source.changed_at),
                sql.SQL(entity.source.relation),
                sql.SQL(entity.source.joins),
                sql.SQL(entity.source.where or "true"),
            )
        )
        .fetchone()[0]
    )
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


def _delete_gone(table: str, entity: str) -> sql.Composed:
    """Target rows and mappings of the given legacy ids (parameter `keys`), and their records."""
    schema, _, name = table.rpartition(".")
    return sql.SQL(
        "WITH doomed AS ("
        "  SELECT legacy_id, new_id FROM ferry.migration_mappings"
        "  WHERE entity = {entity} AND legacy_id = ANY(%(keys)s)),"
        " deleted AS ("
        "  DELETE FROM {table} t WHERE t.id IN (SELECT new_id FROM doomed)"
        "  AND NOT EXISTS (SELECT 1 FROM ferry.migration_mappings k WHERE k.entity = {entity}"
        "   AND k.new_id = t.id AND k.legacy_id NOT IN (SELECT legacy_id FROM doomed))"
        "  RETURNING 1),"
        " unmapped AS ("
        "  DELETE FROM ferry.migration_mappings m USING doomed d"
        "  WHERE m.entity = {entity} AND m.legacy_id = d.legacy_id RETURNING 1),"
        " closed AS ("
        "  UPDATE ferry.quarantine SET resolved = true, resolved_at = clock_timestamp()"
        "  WHERE entity = {entity} AND legacy_id = ANY(%(keys)s) AND NOT resolved RETURNING 1),"
        " unskipped AS ("
        "  DELETE FROM ferry.skipped WHERE entity = {entity} AND legacy_id = ANY(%(keys)s)"
        "  RETURNING 1)"
        " SELECT (SELECT count(*) FROM deleted), (SELECT count(*) FROM unmapped),"
        " (SELECT count(*) FROM closed), (SELECT count(*) FROM unskipped)"
    ).format(entity=sql.Literal(entity), table=sql.Identifier(schema or "public", name))


def propagate_deletes(
    ctx: RunContext, catalogue: Catalogue, name: str, gone: list[int]
) -> EntityResult:
    """Remove what ferry holds for legacy ids gone from the source (children already gone)."""
    entity = catalogue.entities[name]
    result = EntityResult(name, status="completed")
    statement = _delete_gone(entity.target, name)
    for start in range(0, len(gone), ctx.batch_size):
        keys = gone[start : start + ctx.batch_size]

        def delete(keys: list[int] = keys) -> int:
            target = ctx.session.target()
            try:
                with target.transaction():
                    return target.execute(statement, {"keys": keys}).fetchone()[0]
            except psycopg.errors.ForeignKeyViolation:
                raise StateError(
                    f"Rows of {name} deleted in the source still have dependents in the target "
                    f"({len(keys)} legacy ids from {keys[0]}); sync their dependents first."
                ) from None

        result.deleted += guarded(ctx, name, "deleting rows gone from the source of", delete)
    return result


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
    """Sync entities in dependency order; with `propagate`, then delete what left the source,
    children first."""
    result = run_plan(
        session,
        "sync",
        target,
        phases,
        work=lambda ctx, name: sync_entity(ctx, catalogue, name),
        blockers=lambda name: catalogue.with_dependencies([name]) - {name},
        parameters=lambda name: {
            "batch_size": options.batch_size,
            "catalogue": catalogue_fingerprint(catalogue, name),
        },
        options=options,
        progress=progress,
    )
    if not propagate:
        return result
    gone = {r.entity: r.gone for r in result.entities if isinstance(r, SyncResult) and r.gone}
    reversed_phases = [[n for n in phase if n in gone] for phase in reversed(phases)]
    deletions = run_plan(
        session,
        "sync",
        target,
        [phase for phase in reversed_phases if phase],
        work=lambda ctx, name: propagate_deletes(ctx, catalogue, name, gone[name]),
        blockers=lambda name: set(catalogue.dependents(name)),
        parameters=lambda name: {"propagate_deletes": True},
        options=options,
        progress=progress,
    )
    deleted = {r.entity: r.deleted for r in deletions.entities}
    for entity_result in result.entities:
        entity_result.deleted = deleted.get(entity_result.entity, 0)
    return result
