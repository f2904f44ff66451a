"""One function per CLI command: the CLI parses, calls these, and renders what they return.

Each function takes the effective Settings, opens what it needs, and closes it again; errors
leave as FerryError subclasses with one sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from ferry import preflight, retry
from ferry.catalog.registry import Catalogue
from ferry.catalogues import load_catalogue
from ferry.coverage import Coverage, coverage, unaccounted_sentence
from ferry.db.connect import Side, connect
from ferry.db.embedded import EMBEDDED_DATABASES, EmbeddedStatus
from ferry.db.endpoints import embedded_server, resolve_endpoints
from ferry.db.failures import statement_failure
from ferry.engine import bulk
from ferry.engine.context import RetryPolicy
from ferry.engine.retries import failures_of
from ferry.engine.runner import RunOptions, RunResult, run_migrate
from ferry.engine.session import RunSession
from ferry.errors import StateError, UsageError, ValidationFailed
from ferry.plan.planner import Plan, make_plan, plan_entities
from ferry.preflight import CatalogueCheck
from ferry.progress import Progress, SilentProgress
from ferry.report.model import Report, gather
from ferry.rollback import run_rollback
from ferry.runlog import log_path, logged_runs, logs_directory
from ferry.settings import Settings
from ferry.state import control
from ferry.state.deferred import Definition
from ferry.state.ledger import quarantine
from ferry.state.ledger.quarantine import Entry, ReasonCount
from ferry.state.schema import current_version, ensure_state_schema
from ferry.state.status import EntityStatus, entity_statuses, source_counts
from ferry.sync.runner import run_sync
from ferry.validate.runner import run_validate


@contextmanager
def open_database(settings: Settings, side: Side, action: str) -> Iterator[psycopg.Connection]:
    """A connection to one side, with statement failures turned into one-sentence errors."""
    endpoints = resolve_endpoints(settings)
    conninfo = endpoints.source if side == "source" else endpoints.target
    with connect(conninfo, side, settings) as conn, failures_of(side, action):
        yield conn


def show_config(settings: Settings) -> dict[str, str]:
    """The effective settings, passwords redacted."""
    return settings.describe()


def embedded_status(settings: Settings) -> EmbeddedStatus:
    return embedded_server(settings).status()


def embedded_start(settings: Settings) -> EmbeddedStatus:
    server = embedded_server(settings).start()
    server.ensure_databases()
    return server.status()


def embedded_url(settings: Settings, database: str) -> str:
    """The URL of one of the embedded server's databases (it has no password)."""
    if database not in EMBEDDED_DATABASES:
        raise UsageError(
            f"The embedded server has no database {database!r}; it has "
            f"{' and '.join(EMBEDDED_DATABASES)}."
        )
    server = embedded_server(settings).start()
    server.ensure_databases()
    return server.url(database)


def embedded_stop(settings: Settings) -> bool:
    """Stop the embedded server; False when it was not running."""
    return embedded_server(settings).stop()


@dataclass(frozen=True)
class CheckResult:
    side: Side
    database: str
    server_version: str
    user: str


def check_connections(settings: Settings) -> list[CheckResult]:
    """Connect to both databases and report who and where ferry is (proves the settings work)."""
    results = []
    for side in ("source", "target"):
        with open_database(settings, side, "checking the connection") as conn:
            database, user = conn.execute("SELECT current_database(), current_user").fetchone()
            version = conn.info.parameter_status("server_version") or "?"
            results.append(CheckResult(side, database, version, user))
    return results


def check_catalogue(settings: Settings) -> CatalogueCheck:
    """The configured catalogue planned on both databases: the declared fragments PostgreSQL
    refuses (nothing is read or written)."""
    catalogue = load(settings)
    with (
        open_database(settings, "source", "planning the catalogue's source queries") as source,
        open_database(settings, "target", "planning the catalogue's target inserts") as target,
    ):
        return preflight.check_catalogue(catalogue, source, target)


def load(settings: Settings) -> Catalogue:
    """The configured catalogue, with the skip rules the settings switch off removed."""
    catalogue = load_catalogue(settings.catalogue, settings.origin("catalogue"))
    return catalogue.without_skip_rules(settings.skip_rules_off)


def init(settings: Settings) -> list[int]:
    """Install or upgrade ferry's state schema in the target; the versions applied now."""
    with open_database(settings, "target", "installing ferry's state schema") as conn:
        conn.autocommit = True
        return ensure_state_schema(conn)


def plan(settings: Settings, target: str) -> Plan:
    """The dependency-ordered phases of an entity or workflow (no connection needed)."""
    return make_plan(load(settings), target)


def _run_options(
    settings: Settings,
    *,
    dry_run: bool = False,
    restart: bool = False,
    stop: threading.Event | None = None,
) -> RunOptions:
    """The options every run takes from the settings (batch size, workers, retry policy);
    `stop`, once set (by Ctrl-C), ends the run after each worker's current batch."""
    return RunOptions(
        settings.batch_size,
        dry_run=dry_run,
        restart=restart,
        workers=settings.workers,
        retry=RetryPolicy(settings.retry_attempts, settings.retry_backoff),
        bulk=settings.bulk,
        stop=stop or threading.Event(),
    )


def migrate(
    settings: Settings,
    target: str,
    *,
    dry_run: bool = False,
    restart: bool = False,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Migrate an entity or workflow with its dependencies; resumes whatever is unfinished."""
    catalogue = load(settings)
    phases = make_plan(catalogue, target).phases
    options = _run_options(settings, dry_run=dry_run, restart=restart, stop=stop)
    with RunSession(resolve_endpoints(settings), settings) as session:
        return run_migrate(
            session,
            catalogue,
            phases,
            target,
            options=options,
            progress=progress or SilentProgress(),
        )


def repair(settings: Settings) -> list[Definition]:
    """Rebuild what a bulk load left deferred (a process that died mid-load), under the run
    lock; the definitions restored. Every migrate, rollback and sync does this first too."""
    with RunSession(resolve_endpoints(settings), settings) as session:
        session.lock()
        conn = session.target()
        try:
            ensure_state_schema(conn)
            return bulk.restore(conn)
        except psycopg.Error as exc:
            raise statement_failure(exc, "target", "restoring deferred constraints") from None


def status(settings: Settings) -> list[EntityStatus]:
    """Per entity: source, migrated, quarantined, skipped, target rows, state."""
    catalogue = load(settings)
    counts = count_source(settings, catalogue)
    with open_database(settings, "target", "reading ferry's state") as target:
        return entity_statuses(counts, target, catalogue)


def source_coverage(settings: Settings) -> Coverage:
    """Every table of the source: read by an entity, declared out of scope, or unaccounted."""
    catalogue = load(settings)
    with open_database(settings, "source", "listing the source's tables") as source:
        source.read_only = True
        return coverage(source, catalogue)


def count_source(settings: Settings, catalogue: Catalogue) -> dict[str, int]:
    """Source rows per entity, on a connection of their own: a failure there is the source's."""
    with open_database(settings, "source", "counting source rows") as source:
        source.read_only = True
        return source_counts(source, catalogue)


def rollback(
    settings: Settings,
    target: str,
    *,
    cascade: bool = False,
    include_preexisting: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Delete what ferry wrote for an entity, a workflow or `all`, children first."""
    catalogue = load(settings)
    names = list(catalogue.entities) if target == "all" else catalogue.resolve(target)
    options = _run_options(settings, dry_run=dry_run, stop=stop)
    with RunSession(resolve_endpoints(settings), settings) as session:
        return run_rollback(
            session,
            catalogue,
            names,
            target,
            cascade=cascade,
            include_preexisting=include_preexisting,
            options=options,
            progress=progress or SilentProgress(),
        )


def _final_prerequisites(settings: Settings) -> Coverage:
    """What `validate final` proves before it validates a row: no source table was forgotten,
    and every constraint and index a bulk load deferred is back, unchanged and valid. Either
    failure is refused at once: the catalogue or the schema must change first."""
    tables = source_coverage(settings)
    if tables.unaccounted:
        raise ValidationFailed(f"Validation of final refused: {unaccounted_sentence(tables)}")
    with open_database(settings, "target", "checking the target's constraints") as conn:
        problems = bulk.schema_problems(conn) if current_version(conn) else []
    if problems:
        raise ValidationFailed(
            f"Validation of final refused: the target schema is not whole ({'; '.join(problems)})."
        )
    return tables


def validate(
    settings: Settings,
    target: str,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Validate an entity, a workflow (with its dependencies) or `final` (everything, and the
    coverage of every source table)."""
    catalogue = load(settings)
    if target == "final":
        phases = plan_entities(catalogue, target, catalogue.entities).phases
    elif target in catalogue.entities:
        phases = ((target,),)
    else:
        phases = make_plan(catalogue, target).phases
    tables = _final_prerequisites(settings) if target == "final" else None
    with RunSession(resolve_endpoints(settings), settings) as session:
        result = run_validate(
            session,
            catalogue,
            phases,
            target,
            options=_run_options(settings, stop=stop),
            progress=progress or SilentProgress(),
        )
    result.coverage = tables
    return result


def sync(
    settings: Settings,
    target: str = "all",
    *,
    keep_deleted: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    on_result: Callable[[RunResult], None] | None = None,
) -> RunResult:
    """Carry over what changed in the source since the migration: new rows, rows to reload
    (quarantined, skipped, never seen), changed rows, and rows gone from the source (released
    with their dependents, or kept as `retained` with `keep_deleted`), in one run;
    `on_result` sees the run's result even when the run then fails."""
    catalogue = load(settings)
    phases = make_plan(catalogue, target).phases
    with RunSession(resolve_endpoints(settings), settings) as session:
        return run_sync(
            session,
            catalogue,
            phases,
            target,
            keep_deleted=keep_deleted,
            options=_run_options(settings, dry_run=dry_run, stop=stop),
            progress=progress or SilentProgress(),
            on_result=on_result,
        )


def quarantine_counts(
    settings: Settings, entity: str | None = None
) -> tuple[list[ReasonCount], list[ReasonCount]]:
    """Open quarantine entries counted by entity and reason, and skipped rows by entity and
    skip rule: everything held back, and why."""
    if entity is not None:
        load(settings).resolve_entity(entity)
    with open_database(settings, "target", "reading the quarantine") as conn:
        if current_version(conn) == 0:
            return [], []
        return quarantine.counts_by_reason(conn, entity), quarantine.skips_by_rule(conn, entity)


def quarantine_entries(
    settings: Settings, entity: str, reason: str | None = None, limit: int = 100
) -> list[Entry]:
    """The first open entries of an entity (legacy ids, reasons, messages; no values)."""
    load(settings).resolve_entity(entity)
    with open_database(settings, "target", "reading the quarantine") as conn:
        if reason is not None:
            held = sorted({r.reason for r in quarantine.counts_by_reason(conn, entity)})
            if reason not in held:
                listed = ", ".join(held) if held else "none: nothing of it is held"
                raise UsageError(
                    f"{entity} has no open quarantine entries with reason {reason!r} "
                    f"(its reasons: {listed})."
                )
        return quarantine.entries(conn, entity, reason, limit)


def quarantine_values(
    settings: Settings, entity: str, keys: list[int]
) -> tuple[list[str], list[tuple]]:
    """The source values of quarantined rows: patient data, for a person deciding a fix."""
    declared = load(settings).resolve_entity(entity)
    with open_database(settings, "source", f"reading rows of {entity}") as conn:
        conn.read_only = True
        return retry.source_values(conn, declared, keys)


def quarantine_retry(
    settings: Settings,
    entity: str,
    *,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Load an entity's open quarantine entries again (after a fix in the source or the
    catalogue); rows that now pass leave quarantine."""
    catalogue = load(settings)
    catalogue.resolve_entity(entity)
    with RunSession(resolve_endpoints(settings), settings) as session:
        return retry.run_retry(
            session,
            catalogue,
            entity,
            options=_run_options(settings, stop=stop),
            progress=progress or SilentProgress(),
        )


def run_log(settings: Settings, run: int | None = None) -> Path:
    """The event log of run `run` of the configured target database (default: its latest
    logged run); only this database's logs, not those of another that had its name."""
    with open_database(settings, "target", "finding the run logs") as conn:
        directory = logs_directory(settings.state_dir, conn)
        recorded = control.run_ids(conn) if current_version(conn) > 0 else []
    runs = [r for r in logged_runs(directory) if r in recorded]
    if run is not None and run not in recorded:
        latest = f"its runs go up to {recorded[-1]}" if recorded else "it has no runs yet"
        raise StateError(f"Run {run} is not recorded in this target database ({latest}).")
    if not runs:
        raise StateError(
            f"No run of this target database has a log in {directory} yet; every migrate, "
            "validate, rollback, sync or retry writes one there."
        )
    if run is None:
        return log_path(directory, runs[-1])
    if run not in runs:
        raise StateError(
            f"Run {run} has no log in {directory} (the latest logged runs are "
            f"{', '.join(str(r) for r in runs[-5:])}); was it run with another state directory?"
        )
    return log_path(directory, run)


def report(settings: Settings, run: int | None = None) -> Report:
    """The numbers of a report: the migration as it stands and one run in detail (default:
    the latest migrate or sync) with the latest validation."""
    catalogue = load(settings)
    counts = count_source(settings, catalogue)
    tables = source_coverage(settings)
    with open_database(settings, "target", "reading ferry's state") as target:
        return gather(counts, target, catalogue, run, tables)
