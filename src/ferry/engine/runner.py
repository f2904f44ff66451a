"""Running an operation over a plan: one run row, the run lock, entities in order.

An entity that fails stops with its committed batches kept; entities it blocks (for migrate,
those that depend on it; for rollback, those it depends on) are not started, the others go on.
The run then ends with the first failure's error, so the exit code tells what went wrong.
In a dry run everything, the run row included, happens in one transaction that is rolled back.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from dataclasses import fields as fields_of
from typing import TYPE_CHECKING

import psycopg

from ferry import __version__
from ferry.catalog.registry import Catalogue
from ferry.db.failures import statement_failure
from ferry.engine import bulk
from ferry.engine.context import EntityResult, RetryPolicy, RunContext
from ferry.engine.executor import migrate_entity
from ferry.engine.retries import on_database
from ferry.engine.session import RunSession
from ferry.errors import FerryError, Interrupted
from ferry.progress import Progress
from ferry.runlog import LoggedProgress, RunLog, log_path, logs_directory
from ferry.state import control
from ferry.state.schema import ensure_state_schema

if TYPE_CHECKING:
    from ferry.coverage import Coverage

EntityWork = Callable[[RunContext, str], EntityResult]


@dataclass
class RunResult:
    run_id: int
    operation: str
    target: str
    dry_run: bool
    entities: list[EntityResult] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    # `validate final` only: every source table against the catalogue.
    coverage: Coverage | None = None
    interrupted: bool = False  # Ctrl-C stopped it before every entity was done
    seconds: float = 0.0


@dataclass(frozen=True)
class RunOptions:
    batch_size: int
    dry_run: bool = False
    restart: bool = False
    workers: int = 1
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    bulk: bool = True  # load empty target tables with their FKs and indexes deferred
    stop: threading.Event = field(default_factory=threading.Event)  # set by Ctrl-C


def catalogue_fingerprint(catalogue: Catalogue, name: str) -> str:
    """Changes when the entity's declaration changes (part of a run's parameters).

    Functions are named by module and qualified name, so the fingerprint is the same in every
    process (a repr would include memory addresses).
    """
    declaration = asdict(catalogue.entities[name])
    text = json.dumps(
        declaration, sort_keys=True, default=lambda f: f"{f.__module__}.{f.__qualname__}"
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def run_plan(
    session: RunSession,
    operation: str,
    target: str,
    phases: Sequence[Sequence[str]],
    *,
    work: EntityWork,
    blockers: Callable[[str], set[str]],
    parameters: Callable[[str], dict],
    options: RunOptions,
    progress: Progress,
    on_result: Callable[[RunResult], None] | None = None,
) -> RunResult:
    """Apply `work` to each entity, phase by phase, under one run row and the run lock.

    Entities of one phase are independent: with several workers they run at once, each on
    connections of its own whose source reads share the run's snapshot. A dry run stays on
    one connection (everything it does is rolled back as one transaction). `on_result` sees
    the run's result before a failure is raised, so that what did happen can be shown.
    """
    session.lock()
    target_conn = session.target()
    everything = target_conn.transaction(force_rollback=True) if options.dry_run else nullcontext()
    with everything:
        run_id = _start_run(session, operation, target, options)
        log = _open_log(session, run_id, options.dry_run, progress)
        _log_start(log, operation, target, options)
        started = time.monotonic()
        try:
            if not options.dry_run:
                _restore_deferred(session, log, progress)
            result = RunResult(run_id, operation, target, options.dry_run)
            failures = _run_phases(
                session,
                result,
                phases,
                work=work,
                blockers=blockers,
                parameters=parameters,
                options=options,
                progress=LoggedProgress(progress, log),
                log=log,
            )
            if result.interrupted:
                failures.insert(0, _interrupted(run_id))
            _finish(session, run_id, failures)
            result.seconds = time.monotonic() - started
            log.event(
                "run_finished",
                status=_run_status(failures),
                seconds=round(time.monotonic() - started, 3),
                **(_error_fields(failures[0]) if failures else {}),
            )
        except BaseException as exc:  # an interrupt or a defect: say so before leaving
            log.event(
                "run_finished",
                status="interrupted",
                seconds=round(time.monotonic() - started, 3),
                error_class=type(exc).__name__,
            )
            raise
        finally:
            log.close()
    if on_result is not None:
        on_result(result)
    if failures:
        first = failures[0]
        if result.blocked:  # say what else did not happen, in the same sentence
            blocked = ", ".join(result.blocked)
            first.args = (f"{str(first).rstrip('.')}; not started because of it: {blocked}.",)
        raise first
    return result


def _restore_deferred(session: RunSession, log: RunLog, progress: Progress) -> None:
    """Before anything else: the constraints and indexes a bulk load left deferred (a process
    that died mid-load) are rebuilt."""
    try:
        restored = bulk.restore(session.target())
    except psycopg.Error as exc:
        raise statement_failure(exc, "target", "restoring deferred constraints") from None
    if restored:
        names = ", ".join(sorted({f"{d.schema}.{d.table}" for d in restored}))
        log.event("constraints_restored", definitions=len(restored))
        progress.message(f"restored {len(restored)} deferred constraints and indexes of {names}")


def _interrupted(run_id: int) -> Interrupted:
    return Interrupted(
        f"interrupted: run {run_id} stopped after each worker's current batch; every committed "
        "batch is kept, and running the same command again resumes."
    )


def _run_status(failures: list[FerryError]) -> str:
    if not failures:
        return "completed"
    return "interrupted" if isinstance(failures[0], Interrupted) else "failed"


def _start_run(session: RunSession, operation: str, target: str, options: RunOptions) -> int:
    """Install or upgrade ferry's schema, mark runs that died as interrupted, open the run row."""
    target_conn = session.target()
    try:
        with target_conn.transaction():
            ensure_state_schema(target_conn)
            control.mark_interrupted_runs(target_conn)
            run_id = control.start_run(
                target_conn, operation, target, _run_parameters(options), options.dry_run
            )
    except psycopg.Error as exc:
        raise statement_failure(exc, "target", "starting the run") from None
    session.name_run(run_id)
    return run_id


def _run_phases(
    session: RunSession,
    result: RunResult,
    phases: Sequence[Sequence[str]],
    *,
    work: EntityWork,
    blockers: Callable[[str], set[str]],
    parameters: Callable[[str], dict],
    options: RunOptions,
    progress: Progress,
    log: RunLog,
) -> list[FerryError]:
    """Each phase's entities into `result`, those blocked by an earlier failure left out;
    the failures, in the order they happened."""
    run_id, operation = result.run_id, result.operation
    failures: list[FerryError] = []
    failed: set[str] = set()

    def attempt(entity_session: RunSession, name: str) -> EntityResult | FerryError:
        ctx = RunContext(
            entity_session,
            run_id,
            operation,
            parameters(name),
            options.batch_size,
            options.dry_run,
            options.restart,
            progress,
            options.workers,
            options.retry,
            log,
            options.stop,
        )
        try:
            if options.stop.is_set():  # asked to stop before this entity began
                raise Interrupted(f"{name} was not started")
            outcome = work(ctx, name)
        except Interrupted as exc:
            log.event("entity_interrupted", entity=name)
            return exc
        except FerryError as exc:
            log.event("entity_failed", entity=name, **_error_fields(exc))
            return exc
        log.event("entity_finished", **_result_fields(outcome))
        return outcome

    for phase in phases:
        if options.stop.is_set():
            result.interrupted = True
            break
        runnable = [name for name in phase if not failed & blockers(name)]
        for name in phase:
            if name not in runnable:
                result.blocked.append(name)
                failed.add(name)
                log.event("entity_blocked", entity=name)
        outcomes = _run_phase(session, run_id, runnable, attempt, options)
        for name, outcome in zip(runnable, outcomes, strict=True):
            if isinstance(outcome, Interrupted):  # its summary stays open: the next run resumes
                result.interrupted = True
                result.entities.append(EntityResult(name, status="interrupted"))
                progress.entity_finished(name, "interrupted")
            elif isinstance(outcome, FerryError):
                failures.append(outcome)
                failed.add(name)
                result.entities.append(EntityResult(name, status="failed"))
                progress.entity_finished(name, "failed")
                _record_failure(session, run_id, name, operation, outcome)
            else:
                result.entities.append(outcome)
    return failures


def _log_start(log: RunLog, operation: str, target: str, options: RunOptions) -> None:
    log.event(
        "run_started",
        operation=operation,
        target=target,
        dry_run=options.dry_run,
        workers=options.workers,
        batch_size=options.batch_size,
        ferry_version=__version__,
        host=socket.gethostname(),
        pid=os.getpid(),
    )


def _open_log(session: RunSession, run_id: int, dry_run: bool, progress: Progress) -> RunLog:
    directory = on_database(
        "target",
        "finding the run logs",
        lambda: logs_directory(session.settings.state_dir, session.target()),
    )
    log = RunLog(log_path(directory, run_id, dry_run=dry_run), run_id)
    if log.failure:
        progress.message(
            f"The run log could not be written in {directory} ({log.failure}); the run goes on, "
            "its records are in the database."
        )
    return log


def _error_fields(exc: FerryError) -> dict:
    """What a log says of a failure: its class, SQLSTATE and ferry's sentence (no values)."""
    return {
        "error_class": type(exc).__name__,
        "sqlstate": getattr(exc, "sqlstate", None),
        "error": exc.sentence,
    }


def _result_fields(result: EntityResult) -> dict:
    """An entity's outcome for the log: its counts, and a validation's checks without their
    detail sentences (which may quote money totals) or legacy ids."""
    fields = {field.name: getattr(result, field.name) for field in fields_of(result)}
    fields["seconds"] = round(result.seconds, 3)
    if result.checks:
        fields["checks"] = [
            {"check": c.check, "passed": c.passed, "checked": c.checked, "failed": c.failed}
            for c in result.checks
        ]
    else:
        del fields["checks"]
    return fields


def _run_phase(
    session: RunSession,
    run_id: int,
    names: list[str],
    attempt: Callable[[RunSession, str], EntityResult | FerryError],
    options: RunOptions,
) -> list[EntityResult | FerryError]:
    """The outcomes of one phase's entities, in the phase's order."""
    workers = min(options.workers, len(names))
    if workers <= 1 or options.dry_run:
        return [attempt(session, name) for name in names]
    snapshot = session.shareable_snapshot()

    def in_worker(name: str) -> EntityResult | FerryError:
        with session.worker(run_id, snapshot) as worker:
            return attempt(worker, name)

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ferry-worker") as pool:
        return list(pool.map(in_worker, names))


def _run_parameters(options: RunOptions) -> dict:
    """What the run was asked for (no URL, no secret): kept on its row in ferry.runs."""
    return {"batch_size": options.batch_size, "restart": options.restart}


def run_migrate(
    session: RunSession,
    catalogue: Catalogue,
    phases: Sequence[Sequence[str]],
    target: str,
    *,
    options: RunOptions,
    progress: Progress,
) -> RunResult:
    """Migrate entities in dependency order; resumes each from its checkpoint. An entity that
    alone writes its target table may bulk-load it (a table two entities fill is shared by
    their loads, and neither may drop what the other's batches rely on)."""
    writers = Counter(e.target for e in catalogue.entities.values())
    sole_writers = {e.name for e in catalogue.entities.values() if writers[e.target] == 1}
    return run_plan(
        session,
        "migrate",
        target,
        phases,
        work=lambda ctx, name: migrate_entity(
            ctx, catalogue.entities[name], bulk=options.bulk and name in sole_writers
        ),
        blockers=lambda name: catalogue.with_dependencies([name]) - {name},
        parameters=lambda name: {
            "batch_size": options.batch_size,
            "catalogue": catalogue_fingerprint(catalogue, name),
        },
        options=options,
        progress=progress,
    )


def _best_effort(session: RunSession, write: Callable[[psycopg.Connection], None]) -> None:
    """Write run bookkeeping; a connection that died meanwhile (it may be idle while workers
    run) is reopened once. If that fails too, the next run marks this one interrupted."""
    for _ in range(2):
        try:
            target = session.target()
            with target.transaction():
                write(target)
            return
        except (psycopg.Error, FerryError):
            session.reset()


def _record_failure(
    session: RunSession, run_id: int, entity: str, operation: str, exc: FerryError
) -> None:
    """The entity's summary says it failed and why (the exception also reaches the caller)."""
    _best_effort(
        session,
        lambda target: control.finish_entity(
            target,
            run_id,
            entity,
            operation,
            "failed",
            type(exc).__name__,
            getattr(exc, "sqlstate", None),
            exc.sentence,
        ),
    )


def _finish(session: RunSession, run_id: int, failures: list[FerryError]) -> None:
    if failures:
        first = failures[0]
        _best_effort(
            session,
            lambda target: control.finish_run(
                target, run_id, _run_status(failures), type(first).__name__, first.sentence
            ),
        )
    else:
        _best_effort(session, lambda target: control.finish_run(target, run_id, "completed"))
