"""`ferry rollback`: delete exactly what ferry wrote, children before parents.

Rows are found through ferry's mappings (origin 'ferry'; with `include_preexisting`
also the rows of earlier tools that ferry adopted) and deleted in batches, each batch with its
mappings and control row in one transaction, so a killed rollback resumes where it stopped.
A row shared by several legacy ids (deduplication) goes with the last of its mappings.
Quarantine entries of the entity are closed and its skip records removed: the entity is as if
never migrated, and its checkpoint starts again from the first key.

Refused, with one sentence, while an entity outside the rollback still has rows that depend on
one inside it, unless `cascade` adds those dependents (transitively) to the rollback.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import TypeVar

from ferry.catalog.registry import Catalogue
from ferry.engine.context import EntityResult, RunContext
from ferry.engine.retries import guarded
from ferry.engine.runner import RunOptions, RunResult, run_plan
from ferry.engine.session import RunSession
from ferry.engine.target import refresh_statistics
from ferry.errors import StateError
from ferry.plan.planner import plan_entities
from ferry.progress import Progress
from ferry.state import control
from ferry.state.ledger import rollback as ledger_rollback
from ferry.state.schema import current_version
from ferry.sync import digests

T = TypeVar("T")
# Rolling back this many rows leaves enough dead index entries to slow every later lookup.
VACUUM_AFTER = 50_000


def rollback_set(catalogue: Catalogue, names: list[str], cascade: bool) -> set[str]:
    chosen = set(names)
    if cascade:
        pending = list(names)
        while pending:
            for dependent in catalogue.dependents(pending.pop()):
                if dependent not in chosen:
                    chosen.add(dependent)
                    pending.append(dependent)
    return chosen


def check_no_stranded(catalogue: Catalogue, chosen: set[str], counts: dict[str, int]) -> None:
    """Refuse when a dependent outside the rollback still has rows."""
    stranded = sorted(
        {
            dependent
            for name in chosen
            for dependent in catalogue.dependents(name)
            if dependent not in chosen and counts.get(dependent, 0) > 0
        }
    )
    if stranded:
        listed = ", ".join(f"{d} ({counts[d]:,} rows)" for d in stranded)
        raise StateError(
            f"Rolling back {', '.join(sorted(chosen))} would strand rows of {listed}; roll "
            "those back first or pass --cascade."
        )


def rollback_entity(
    ctx: RunContext, catalogue: Catalogue, name: str, origins: list[str]
) -> EntityResult:
    """Delete the entity's rows batch by batch; `processed` counts mappings, `deleted` rows."""
    result = EntityResult(name)
    started = time.monotonic()
    entity = catalogue.entities[name]
    statement = ledger_rollback.delete_batch(entity, origins, ctx.batch_size)
    releases = [
        ledger_rollback.release_self_references(entity, p.column, origins, ctx.batch_size)
        for p in entity.parents
        if p.entity == name
    ]

    def start() -> int:
        target = ctx.session.target()
        with target.transaction():
            control.start_entity(target, ctx.run_id, name, "rollback", None, ctx.parameters)
            return ledger_rollback.mapping_counts(target, origins).get(name, 0)

    ctx.progress.entity_started(name, guarded(ctx, name, "starting", start, side="target"))

    def one_batch() -> tuple[int, int]:
        target = ctx.session.target()
        started = datetime.now(UTC)
        with target.transaction():
            for release in releases:
                target.execute(release)
            removed, deleted, last_key = target.execute(statement).fetchone()
            if not removed:
                control.close_records(target, name)
                digests.forget(target, name)
                control.finish_entity(target, ctx.run_id, name, "rollback", "completed")
                return 0, 0
            batch = control.next_batch_number(target, ctx.run_id, name)
            record = control.BatchRecord(
                ctx.run_id,
                name,
                "rollback",
                batch,
                removed,
                0,
                0,
                0,
                None,
                last_key,
                started,
            )
            control.record_batch(target.cursor(), record)
        ctx.log.batch(record)
        return removed, deleted

    while True:
        removed, deleted = guarded(ctx, name, "rolling back", one_batch, side="target")
        if not removed:
            break
        result.processed += removed
        result.deleted += deleted
        ctx.progress.batch_done(name, removed, 0, 0, 0)
    if not ctx.dry_run and result.processed:  # nothing deleted: the statistics still hold
        large = result.processed >= VACUUM_AFTER

        def refresh() -> None:
            refresh_statistics(ctx.session.target(), entity.target, vacuum=large)

        guarded(ctx, name, "analysing", refresh, side="target")
    result.status = "completed"
    result.seconds = time.monotonic() - started
    ctx.progress.entity_finished(name, result.status)
    return result


def run_rollback(
    session: RunSession,
    catalogue: Catalogue,
    names: list[str],
    target: str,
    *,
    cascade: bool,
    include_preexisting: bool,
    options: RunOptions,
    progress: Progress,
) -> RunResult:
    """Roll back the named entities (and, with cascade, their dependents), children first."""
    origins = ["ferry", "preexisting"] if include_preexisting else ["ferry"]
    chosen = rollback_set(catalogue, names, cascade)
    conn = session.target()
    counts = {}
    if current_version(conn):
        counts = ledger_rollback.mapping_counts(conn, ["ferry", "preexisting"])
    check_no_stranded(catalogue, chosen, counts)
    phases = plan_entities(catalogue, target, chosen).reversed().phases
    return run_plan(
        session,
        "rollback",
        target,
        phases,
        work=lambda ctx, name: rollback_entity(ctx, catalogue, name, origins),
        blockers=lambda name: set(catalogue.dependents(name)),
        parameters=lambda name: {"origins": origins},
        options=options,
        progress=progress,
    )
