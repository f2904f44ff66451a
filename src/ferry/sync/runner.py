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
2. **Rows gone from the source** leave the migration (mirror, the default): mappings
   removed, records closed, target rows deleted; with `keep_deleted` they stay, `retained`.
3. (as above) reloads, then changed rows.
A row that leaves the migration (gone, or its new version quarantined or skipped) takes its
dependents in the target with it, children first, in the same transaction, whatever entity
wrote them (`ferry.sync.release`); they come back through their own entity's reload, as a
fresh migration would have loaded or quarantined them. Dependents ferry did not write keep
what they depend on in place, and the run ends naming them.
Every step is recomputed from the databases' state, so a sync killed at any point and run
again ends where an uninterrupted one would, and a second sync right after writes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.context import EntityResult, RunContext
from ferry.engine.executor import commit_batch, migrate_entity
from ferry.engine.retries import guarded
from ferry.engine.runner import RunOptions, RunResult, catalogue_fingerprint, run_plan
from ferry.engine.session import RunSession
from ferry.engine.source import changed_since, latest_change_query, with_keys
from ferry.engine.target import TargetTable, read_target_table
from ferry.engine.transform import RowShaper
from ferry.errors import StateError
from ferry.progress import ForwardingProgress, Progress
from ferry.state import control
from ferry.state.ledger import mappings
from ferry.state.ledger.source_keys import HeldBack
from ferry.sync import digests
from ferry.sync.changes import ChangeApplier, ChangeTally
from ferry.sync.outstanding import Outstanding, outstanding_keys
from ferry.sync.release import DependencyGraph, Dependent, Release

# Rows whose change time lies this far before the watermark are compared again: a transaction
# that stamped its rows before the last sync's snapshot may have committed after it.
OVERLAP = timedelta(hours=1)


@dataclass
class SyncResult(EntityResult):
    """An entity's sync: migrate's counts for new and reloaded rows, plus what a sync finds
    (changed rows, rows gone from the source) and what it did with them."""

    reloaded: int = 0
    changed: int = 0
    gone: list[int] = field(default_factory=list)
    leaving: list[int] = field(default_factory=list)
    released: int = 0
    dependents: int = 0
    kept: list[int] = field(default_factory=list)
    refusals: list[Dependent] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)

    def took(self, release: Release) -> None:
        self.released += len(release.released)
        self.dependents += release.dependents
        self.kept += release.kept
        self.refusals += release.refusals


@dataclass(frozen=True)
class SyncRun:
    """What the entities of one sync share: who points at whom in the target, and the choice
    about deleted rows."""

    catalogue: Catalogue
    graph: DependencyGraph
    keep_deleted: bool


def sync_entity(ctx: RunContext, run: SyncRun, name: str) -> SyncResult:
    """Sync one entity: new rows, rows gone from the source (released, or retained with
    `keep_deleted`), rows to reload, changed rows; then its source digests are stored."""
    started = time.monotonic()
    entity = run.catalogue.entities[name]
    graph = run.graph
    new_rows = migrate_entity(replace(ctx, progress=_FinishedLater(ctx.progress)), entity)
    result = SyncResult(name, status=new_rows.status)
    for counter in ("processed", "migrated", "quarantined", "skipped"):
        setattr(result, counter, getattr(new_rows, counter))
    table = guarded(
        ctx, name, "reading", lambda: read_target_table(ctx.session.target(), entity.target)
    )
    scope = None
    if entity.source.changed_at is None:
        scope = guarded(
            ctx,
            name,
            "digesting the source rows of",
            lambda: digests.scope(
                ctx.session.source(),
                ctx.session.target(),
                entity,
                ctx.parameters["catalogue"],
                digests.on_workers_of(ctx, entity),
            ),
        )
    watermark = guarded(ctx, name, "reading the watermark of", lambda: _watermark(ctx, entity))
    # the run whose view of the source this sync compares against: the one that stored the
    # digests, or for an entity with a change time the one that set its watermark
    since_run = watermark[1] if watermark else scope.since_run if scope is not None else None
    parents_gained = set()
    if since_run is not None:
        parents_gained = guarded(
            ctx, name, "reading the parents of", lambda: _gained(ctx, entity, since_run)
        )
    held = None  # held-back rows whose cause cannot have been fixed stay as they are
    if scope is not None and scope.changed is not None:
        rows = {chunk: n for chunk, (n, _) in scope.now.items()}
        held = HeldBack(scope.width, scope.changed, quarantine=not parents_gained, rows=rows)
    outstanding = _outstanding(ctx, entity, held)
    result.gone = outstanding.gone
    if run.keep_deleted:
        result.retained = guarded(
            ctx, name, "retaining rows gone from the source of", lambda: _retain(ctx, outstanding)
        )
    else:
        result.took(
            guarded(
                ctx,
                name,
                "releasing rows gone from the source of",
                lambda: _release_gone(ctx, graph, name, outstanding),
            )
        )
    reloaded = reload_keys(ctx, entity, table, outstanding.reload)
    result.reloaded = reloaded.processed
    linkable: list[int] = []
    if any(not p.required and p.entity in parents_gained for p in entity.parents):
        linkable = guarded(ctx, name, "reading the mappings of", lambda: _linkable(ctx, name))
    since = watermark[0] if watermark else None
    tally = _apply_changes(ctx, entity, table, graph, scope, since, linkable)
    result.changed, result.leaving, result.refused = tally.changed, tally.leaving, tally.refused
    for release in tally.releases:
        result.took(release)
    if any(name in r.entities for r in tally.releases):  # its own rows depended on released ones
        again = reload_keys(ctx, entity, table, _outstanding(ctx, entity, held).reload)
        result.reloaded += again.processed
        reloaded.migrated += again.migrated
    if scope is not None:
        guarded(
            ctx,
            name,
            "storing the source digests of",
            lambda: digests.store(
                ctx.session.target(), name, scope, ctx.run_id, result.refused + result.kept
            ),
        )
    result.seconds = time.monotonic() - started
    ctx.progress.entity_finished(name, result.status)
    return result


class _FinishedLater(ForwardingProgress):
    """The progress of a sync's new rows, but for their end: the entity is finished once its
    changes are compared and applied too (before, its line said "completed, nothing to do"
    while the notifications' changed chunks were compared for a minute in silence)."""

    def entity_finished(self, entity: str, status: str) -> None:
        pass


def _gained(ctx: RunContext, entity: Entity, since_run: int) -> set[str]:
    """Parent entities that gained mappings in runs after `since_run` (the run whose digests
    the entity compares against): their children's held-back rows may now load, and their
    optional parents link. Read from the mappings, so a sync killed after a parent's gain and
    run again still sees it."""
    parents = sorted({p.entity for p in entity.parents})
    return mappings.gained_since(ctx.session.target(), parents, since_run)


def _linkable(ctx: RunContext, name: str) -> list[int]:
    """Migrated rows whose optional parent was set to NULL: a parent that arrived since links
    them, though their source row is unchanged."""
    return mappings.noted(ctx.session.target(), name, "optional_parent_null:")


def _outstanding(ctx: RunContext, entity: Entity, held: HeldBack | None) -> Outstanding:
    return guarded(
        ctx,
        entity.name,
        "comparing keys of",
        lambda: outstanding_keys(ctx.session.source(), ctx.session.target(), entity, held),
    )


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
    ctx: RunContext,
    entity: Entity,
    table: TargetTable,
    graph: DependencyGraph,
    scope: digests.Scope | None,
    since: datetime | None,
    linkable: list[int],
) -> ChangeTally:
    """Compare and update, chunk by chunk, the rows that may have changed: those changed since
    the watermark `since` (entities with a change time), else those of chunks whose digest
    differs, plus `linkable` rows; every row when neither tells."""
    tally = ChangeTally()
    applier = ChangeApplier(entity, table, graph)
    shaper = RowShaper(entity)
    latest = guarded(ctx, entity.name, "reading the change times of", lambda: _latest(ctx, entity))
    # (after, last, condition) of each part of the source to compare
    if scope is not None and scope.changed is not None:
        changed = digests.in_chunks(entity, scope.width, scope.changed) if scope.changed else None
        windows = [(a, b, changed) for a, b in digests.key_spans(scope.width, scope.changed)]
    else:
        changed = None if since is None else changed_since(entity, since - OVERLAP)
        windows = [(None, None, changed)]
    every_row = windows == [(None, None, None)]
    if linkable and not every_row:
        outside = sql.SQL(" AND ({}) IS NOT TRUE").format(changed) if changed else sql.SQL("")
        windows.append((None, None, with_keys(entity, linkable) + outside))
    for after, last, condition in windows:
        while True:

            def chunk(
                after: int | None = after,
                last: int | None = last,
                condition: sql.Composable | None = condition,
            ) -> int | None:
                rows = ctx.session.source().read_batch(
                    entity, after, ctx.batch_size, last, condition=condition
                )
                if not rows:
                    return None
                target = ctx.session.target()
                with target.transaction():
                    staged = [shaper.shape(row) for row in rows]
                    applier.apply(target, staged, tally, ctx.run_id, None)
                ctx.progress.batch_done(entity.name, len(rows), 0, 0, 0)  # rows compared
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


def _watermark(ctx: RunContext, entity: Entity) -> tuple[datetime, int] | None:
    """The change time up to which the last sync compared the entity, and that sync's run
    (None: no change time declared, or never synced: every row is compared)."""
    if entity.source.changed_at is None:
        return None
    return (
        ctx.session.target()
        .execute(
            "SELECT changed_at, run_id FROM ferry.sync_watermarks WHERE entity = %s",
            (entity.name,),
        )
        .fetchone()
    )


def _latest(ctx: RunContext, entity: Entity) -> datetime | None:
    """The latest change time in the source now (None: no change time declared)."""
    if entity.source.changed_at is None:
        return None
    return ctx.session.source().conn.execute(latest_change_query(entity)).fetchone()[0]


def _set_watermark(ctx: RunContext, entity: Entity, latest: datetime) -> None:
    target = ctx.session.target()
    with target.transaction():
        target.execute(
            "INSERT INTO ferry.sync_watermarks (entity, changed_at, run_id) VALUES (%s, %s, %s)"
            " ON CONFLICT (entity) DO UPDATE SET changed_at = EXCLUDED.changed_at,"
            " run_id = EXCLUDED.run_id, updated_at = clock_timestamp()",
            (entity.name, latest, ctx.run_id),
        )


def _release_gone(
    ctx: RunContext, graph: DependencyGraph, name: str, outstanding: Outstanding
) -> Release:
    """Legacy ids gone from the source (retained ones included) leave the migration, with
    their dependents, children first; their quarantine entries are closed and skip records
    removed. Rows that dependents ferry did not write hold stay mapped."""
    target = ctx.session.target()
    with target.transaction():
        release = graph.release(target.cursor(), name, outstanding.gone + outstanding.retained)
        control.close_records(target, name, release.released)
    return release


def _retain(ctx: RunContext, outstanding: Outstanding) -> int:
    """Rows gone from the source stay in the target as `retained`; records of gone rows that
    have no target row (quarantine entries, skip records) are closed; retained rows back in the
    source are migrated rows again."""
    name = outstanding.entity
    target = ctx.session.target()
    with target.transaction():
        retained = mappings.retain(target, name, outstanding.gone, ctx.run_id)
        control.close_records(target, name, outstanding.gone)
        mappings.unretain(target, name, outstanding.returned)
    return retained


def run_sync(
    session: RunSession,
    catalogue: Catalogue,
    phases: Sequence[Sequence[str]],
    target: str,
    *,
    keep_deleted: bool,
    options: RunOptions,
    progress: Progress,
    on_result: Callable[[RunResult], None] | None = None,
) -> RunResult:
    """Sync entities in dependency order, in one run. Rows that dependents ferry did not
    write hold back end the run with one sentence naming them (after `on_result` has seen
    the run's result, as it also does when an entity fails)."""
    run = SyncRun(catalogue, DependencyGraph(catalogue, session.target()), keep_deleted)
    result = run_plan(
        session,
        "sync",
        target,
        phases,
        work=lambda ctx, name: sync_entity(ctx, run, name),
        blockers=lambda name: catalogue.with_dependencies([name]) - {name},
        parameters=lambda name: {
            "batch_size": options.batch_size,
            "catalogue": catalogue_fingerprint(catalogue, name),
        },
        options=options,
        progress=progress,
        on_result=on_result,
    )
    refusals = [
        (e.entity, d) for e in result.entities if isinstance(e, SyncResult) for d in e.refusals
    ]
    if refusals:
        kept = sum(len(e.kept) for e in result.entities if isinstance(e, SyncResult))
        listed = "; ".join(f"{d.sentence()} [{entity}]" for entity, d in refusals[:5])
        more = f" and {len(refusals) - 5} more" if len(refusals) > 5 else ""
        raise StateError(
            f"{kept} rows that left the migration stay in the target because rows ferry did "
            f"not write depend on them: {listed}{more}; everything else was synced, and "
            "ferry sync releases them once those rows are resolved."
        )
    return result
