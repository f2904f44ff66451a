"""`ferry init`, `ferry plan`, `ferry migrate`, `ferry status`."""

from __future__ import annotations

from typing import Annotated

import typer

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.cli.documents import JsonOption, print_json, run_document
from ferry.cli.interrupt import watched_run
from ferry.cli.tables import Col, FitTable, count
from ferry.engine.runner import RunResult
from ferry.errors import ValidationFailed

TargetArgument = Annotated[
    str, typer.Argument(help="An entity or a workflow of the catalogue (see `ferry plan all`).")
]


def register(app: typer.Typer) -> None:
    for command in (init, plan, migrate, status, validate, rollback, repair):
        app.command()(command)


def init() -> None:
    """Install or upgrade ferry's state schema (schema `ferry`) in the target database."""
    applied = api.init(state.settings())
    if applied:
        out_console.print(f"ferry state schema installed (versions {applied[0]}..{applied[-1]})")
    else:
        out_console.print("ferry state schema is up to date")


def repair() -> None:
    """Rebuild the foreign keys and indexes a bulk load left deferred (after a crash); every
    migrate, rollback and sync does this first too."""
    restored = api.repair(state.settings())
    if not restored:
        out_console.print("nothing to repair: no constraint or index is deferred")
        return
    for item in restored:
        kind = item.kind.replace("_", " ")
        out_console.print(f"restored {kind} {item.name} of {item.schema}.{item.table}")


def plan(target: TargetArgument, as_json: JsonOption = False) -> None:
    """Show the dependency-ordered phases of an entity or workflow (dependencies included)."""
    the_plan = api.plan(state.settings(), target)
    if as_json:
        print_json(the_plan.as_dict())
        return
    out_console.print(f"plan for {target}: {len(the_plan.entities)} entities")
    for number, phase in enumerate(the_plan.phases, start=1):
        out_console.print(f"  phase {number:>2}: {', '.join(phase)}")


def migrate(
    target: TargetArgument,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Run the same path, write nothing, report counts.")
    ] = False,
    restart: Annotated[
        bool,
        typer.Option(
            "--restart", help="Rescan from the first row even if an unfinished run differs."
        ),
    ] = False,
    no_skip: Annotated[
        list[str] | None,
        typer.Option(
            "--no-skip",
            metavar="RULE",
            help="Switch a skip rule off (`rule` or `entity:rule`); repeatable. Rows already "
            "skipped are reconsidered with --restart.",
        ),
    ] = None,
    no_bulk: Annotated[
        bool,
        typer.Option(
            "--no-bulk",
            help="Keep every foreign key and index in place, even when a target table is empty "
            "(by default an empty table is loaded with them deferred and rebuilt after).",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Migrate an entity or workflow, dependencies first; resumes where the last run stopped."""
    settings = state.settings()
    if no_bulk:
        settings = settings.model_copy(update={"bulk": False})
    if no_skip:
        off = [*settings.skip_rules_off, *no_skip]
        settings = settings.model_copy(update={"skip_rules_off": off})
    with watched_run(f"migrate {target}", settings.progress_interval) as (progress, stop):
        result = api.migrate(
            settings, target, dry_run=dry_run, restart=restart, progress=progress, stop=stop
        )
    if as_json:
        print_json(run_document(result))
    else:
        render_run(result)


ENTITY = Col("entity")


def render_run(result: RunResult) -> None:
    """A migrate or retry result: one row per entity, or one sentence when nothing was left."""
    if result.entities and all(
        e.processed == 0 and e.status == "completed" for e in result.entities
    ):
        out_console.print(
            f"{_title(result.run_id, result.dry_run)}: nothing to do, all "
            f"{len(result.entities)} entities were already complete.",
            markup=False,
            highlight=False,
        )
        return
    table = FitTable(
        ENTITY,
        Col("status"),
        Col("processed", "read", number=True),
        Col("migrated", "migr.", number=True),
        Col("quarantined", "quar.", number=True),
        Col("skipped", "skip", number=True),
        Col("seconds", "s", number=True),
        Col("rows/s", number=True, drop=True),
        title=_title(result.run_id, result.dry_run),
    )
    for e in result.entities:
        table.add_row(
            e.entity,
            e.status,
            count(e.processed),
            count(e.migrated),
            count(e.quarantined),
            count(e.skipped),
            f"{e.seconds:.1f}",
            _rate(e.processed, e.seconds),
        )
    table.print(out_console)


def _rate(rows: int, seconds: float) -> str:
    return count(round(rows / seconds)) if rows and seconds > 0 else "-"


def validate(
    target: Annotated[
        str,
        typer.Argument(help="An entity, a workflow (with its dependencies), or `final` (all)."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Verify every migrated row: accounting, keys, integrity, content, money; exit 7 on failure."""
    settings = state.settings()
    title = f"validate {target}"
    with watched_run(title, settings.progress_interval, quarantine=False) as (progress, stop):
        result = api.validate(settings, target, progress=progress, stop=stop)
    failed = [e for e in result.entities if e.status != "passed"]
    if as_json:
        print_json(validation_document(result))
    else:
        render_validation(result)
        if result.coverage is not None:
            out_console.print(f"coverage: {result.coverage.summary()}")
    if failed:
        raise ValidationFailed(
            f"Validation of {target} failed for {len(failed)} entit"
            f"{'y' if len(failed) == 1 else 'ies'} ({', '.join(e.entity for e in failed)}); "
            f"the findings name the legacy ids (run {result.run_id})."
        )


def validation_document(result: RunResult) -> dict:
    return {
        "run_id": result.run_id,
        "target": result.target,
        "coverage": result.coverage.as_dict() if result.coverage else None,
        "entities": [
            {
                "entity": e.entity,
                "status": e.status,
                "source": e.processed,
                "migrated": e.migrated,
                "quarantined": e.quarantined,
                "skipped": e.skipped,
                "retained": e.retained,
                "verified": e.verified,
                "checks": [
                    {
                        "check": c.check,
                        "passed": c.passed,
                        "checked": c.checked,
                        "failed": c.failed,
                        "detail": c.detail,
                        "legacy_ids": c.legacy_ids,
                    }
                    for c in e.checks
                ],
            }
            for e in result.entities
        ],
    }


def render_validation(result: RunResult) -> None:
    """The equation per entity; a `retained` column beside it only when rows were kept."""
    retained = any(e.retained for e in result.entities)
    table = FitTable(
        ENTITY,
        Col("source", number=True),
        Col("migrated", "migr.", number=True),
        Col("quarantined", "quar.", number=True),
        Col("skipped", "skip", number=True),
        *([Col("retained", "ret.", number=True)] if retained else []),
        Col("verified", "verif.", number=True),
        Col("failed checks", "failed", number=True),
        Col("status"),
        title=f"validation run {result.run_id}",
    )
    for e in result.entities:
        failed = [c for c in e.checks if not c.passed]
        table.add_row(
            e.entity,
            count(e.processed),
            count(e.migrated),
            count(e.quarantined),
            count(e.skipped),
            *([count(e.retained)] if retained else []),
            count(e.verified),
            str(len(failed)),
            e.status,
        )
    table.print(out_console)
    for e in result.entities:
        for check in e.checks:
            if not check.passed:
                ids = ", ".join(map(str, check.legacy_ids[:20]))
                more = " ..." if len(check.legacy_ids) > 20 else ""
                out_console.print(
                    f"{e.entity} {check.check}: {check.detail}"
                    + (f" (legacy ids {ids}{more})" if ids else ""),
                    markup=False,
                    highlight=False,
                )


def _title(run_id: int, dry_run: bool) -> str:
    return f"run {run_id}" + (" (dry run: nothing was written)" if dry_run else "")


def rollback(
    target: Annotated[
        str, typer.Argument(help="An entity, a workflow, or `all` (everything ferry wrote).")
    ],
    cascade: Annotated[
        bool, typer.Option("--cascade", help="Also roll back entities that depend on these.")
    ] = False,
    include_preexisting: Annotated[
        bool,
        typer.Option(
            "--include-preexisting",
            help="Also delete rows earlier tools wrote that ferry adopted (never by default).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be deleted; delete nothing.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Delete exactly what ferry wrote, children before parents; resumable."""
    settings = state.settings()
    title = f"rollback {target}"
    with watched_run(title, settings.progress_interval, quarantine=False) as (progress, stop):
        result = api.rollback(
            settings,
            target,
            cascade=cascade,
            include_preexisting=include_preexisting,
            dry_run=dry_run,
            progress=progress,
            stop=stop,
        )
    if as_json:
        print_json(run_document(result))
        return
    if result.entities and all(
        e.processed == 0 and e.deleted == 0 and e.status == "completed" for e in result.entities
    ):
        out_console.print(
            f"{_title(result.run_id, dry_run)}: nothing to roll back, ferry has written nothing"
            f" in the target for these {len(result.entities)} entities.",
            markup=False,
            highlight=False,
        )
        return
    table = FitTable(
        ENTITY,
        Col("status"),
        Col("mappings removed", "mappings", number=True),
        Col("rows to delete" if dry_run else "rows deleted", "rows", number=True),
        Col("seconds", "s", number=True),
        title=_title(result.run_id, dry_run),
    )
    for e in result.entities:
        table.add_row(e.entity, e.status, count(e.processed), count(e.deleted), f"{e.seconds:.1f}")
    table.print(out_console)


def status(as_json: JsonOption = False) -> None:
    """Per entity: source rows, target rows, migrated, quarantined, skipped, state."""
    settings = state.settings()
    statuses = api.status(settings)
    tables = api.source_coverage(settings)
    if as_json:
        document = {"coverage": tables.as_dict(), "entities": [s.as_dict() for s in statuses]}
        print_json(document)
        return
    retained = any(item.retained for item in statuses)  # a column only when rows were kept
    table = FitTable(
        ENTITY,
        Col("source", number=True),
        Col("migrated", "migr.", number=True),
        Col("quarantined", "quar.", number=True),
        Col("skipped", "skip", number=True),
        *([Col("retained", "ret.", number=True)] if retained else []),
        Col("target rows", "target", number=True),
        Col("state"),
        Col("deps", drop=True),
    )
    for item in statuses:
        table.add_row(
            item.entity,
            count(item.source_rows),
            count(item.migrated),
            count(item.quarantined),
            count(item.skipped),
            *([count(item.retained)] if retained else []),
            count(item.target_rows),
            item.state if item.balanced or item.state != "completed" else "unbalanced",
            "ok" if item.dependencies_complete else "waiting",
        )
    table.print(out_console)
    by_rule: dict[str, list[tuple[str, int]]] = {}
    for item in statuses:
        for rule, rows in item.skipped_by_rule.items():
            by_rule.setdefault(rule, []).append((item.entity, rows))
    for rule, held in sorted(by_rule.items()):
        total = sum(rows for _, rows in held)
        # a no-break space keeps each entity with its count when the line wraps
        each = ", ".join(f"{entity}\u00a0{count(rows)}" for entity, rows in held)
        out_console.print(
            f"skipped by rule {rule}: {count(total)} ({each})", markup=False, highlight=False
        )
    out_console.print(f"coverage: {tables.summary()}", markup=False, highlight=False)
    deferred = [
        f"{s.entity} ({s.constraints_deferred})" for s in statuses if s.constraints_deferred
    ]
    if deferred:
        out_console.print(
            f"constraints deferred by an interrupted bulk load: {', '.join(deferred)}; "
            "`ferry repair` (or the next migrate) rebuilds them",
            markup=False,
            highlight=False,
        )
