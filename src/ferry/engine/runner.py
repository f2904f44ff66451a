"""Running a plan: one run row, the run lock, entities phase by phase.

An entity that fails stops with its committed batches kept; entities that depend on it are not
started (they would only quarantine their rows), the others go on. The run then ends with the
first failure's error, so the exit code tells what went wrong.
"""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from dataclasses import dataclass, field

import psycopg

from ferry.catalog.registry import Catalogue
from ferry.db.failures import statement_failure
from ferry.engine.executor import EntityResult, RunContext, migrate_entity
from ferry.engine.session import RunSession
from ferry.errors import FerryError
from ferry.plan.planner import Plan
from ferry.progress import Progress
from ferry.state import control
from ferry.state.schema import ensure_state_schema


@dataclass
class RunResult:
    run_id: int
    plan: Plan
    dry_run: bool
    entities: list[EntityResult] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


def catalogue_fingerprint(catalogue: Catalogue, names: list[str]) -> str:
    """Changes when a declaration of these entities changes (part of a run's parameters)."""
    text = "\n".join(repr(catalogue.entities[name]) for name in sorted(names))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_migrate(
    session: RunSession,
    catalogue: Catalogue,
    plan: Plan,
    *,
    batch_size: int,
    dry_run: bool,
    restart: bool,
    progress: Progress,
) -> RunResult:
    """Migrate the plan's entities in order; in a dry run everything is rolled back."""
    session.lock()
    target = session.target()
    everything = target.transaction(force_rollback=True) if dry_run else nullcontext()
    with everything:
        return _run(session, catalogue, plan, batch_size, dry_run, restart, progress)


def _run(
    session: RunSession,
    catalogue: Catalogue,
    plan: Plan,
    batch_size: int,
    dry_run: bool,
    restart: bool,
    progress: Progress,
) -> RunResult:
    target = session.target()
    try:
        with target.transaction():
            ensure_state_schema(target)
            run_id = control.start_run(target, "migrate", plan.target, {}, dry_run)
    except Exception as exc:
        raise _as_target_error(exc, "starting the run") from None
    session.name_run(run_id)
    result = RunResult(run_id, plan, dry_run)
    failures: list[FerryError] = []
    failed: set[str] = set()
    for entity_name in plan.entities:
        entity = catalogue.entities[entity_name]
        if failed & catalogue.with_dependencies([entity_name]):
            result.blocked.append(entity_name)
            failed.add(entity_name)
            continue
        parameters = {
            "batch_size": batch_size,
            "catalogue": catalogue_fingerprint(catalogue, [entity_name]),
        }
        ctx = RunContext(
            session, run_id, "migrate", parameters, batch_size, dry_run, restart, progress
        )
        try:
            result.entities.append(migrate_entity(ctx, entity))
        except FerryError as exc:
            failures.append(exc)
            failed.add(entity_name)
            result.entities.append(EntityResult(entity_name, status="failed"))
            progress.entity_finished(entity_name, "failed")
            _record_failure(session, run_id, entity_name, exc)
    _finish(session, run_id, failures)
    if failures:
        raise failures[0]
    return result


def _as_target_error(exc: Exception, action: str) -> Exception:
    if isinstance(exc, psycopg.Error):
        return statement_failure(exc, "target", action)
    return exc


def _record_failure(session: RunSession, run_id: int, entity: str, exc: FerryError) -> None:
    """Best effort: the failure is also in the exception the caller gets."""
    try:
        target = session.target()
        with target.transaction():
            control.finish_entity(
                target,
                run_id,
                entity,
                "migrate",
                "failed",
                type(exc).__name__,
                getattr(exc, "sqlstate", None),
                exc.sentence,
            )
    except Exception:  # the database may be the thing that failed
        session.reset()


def _finish(session: RunSession, run_id: int, failures: list[FerryError]) -> None:
    try:
        target = session.target()
        with target.transaction():
            if failures:
                first = failures[0]
                control.finish_run(target, run_id, "failed", type(first).__name__, first.sentence)
            else:
                control.finish_run(target, run_id, "completed")
    except Exception:  # the failure being reported matters more
        session.reset()
