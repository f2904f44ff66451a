"""`ferry init`, `ferry plan`, `ferry migrate`, `ferry status`."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.cli.progress import RichProgress
from ferry.engine.runner import RunResult
from ferry.errors import ValidationFailed

TargetArgument = Annotated[
    str, typer.Argument(help="An entity or a workflow of the catalogue (see `ferry plan all`).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON (stable, for scripts).")]


def register(app: typer.Typer) -> None:
    for command in (init, plan, migrate, status, validate, rollback):
        app.command()(command)


def init() -> None:
    """Install or upgrade ferry's state schema (schema `ferry`) in the target database."""
    applied = api.init(state.settings())
    if applied:
        out_console.print(f"ferry state schema installed (versions {applied[0]}..{applied[-1]})")
    else:
        out_console.print("ferry state schema is up to date")


def plan(target: TargetArgument, as_json: JsonOption = False) -> None:
    """Show the dependency-ordered phases of an entity or workflow (dependencies included)."""
    the_plan = api.plan(state.settings(), target)
    if as_json:
        out_console.print_json(json.dumps(the_plan.as_dict()))
        return
    out_console.print(f"plan for {target}: {len(the_plan.entities)} entities")
    for number, phase in enumerate(the_plan.phases, start=1):
        out_console.print(f"  phase {number:>2}: {', '.join(phase)}")


def migrate(
    target: TargetArgument,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per batch (default: settings).")
    ] = None,
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
            help="Switch a skip rule off (`rule` or `entity:rule`); repeatable. Rows already "
            "skipped are reconsidered with --restart.",
        ),
    ] = None,
) -> None:
    """Migrate an entity or workflow, dependencies first; resumes where the last run stopped."""
    settings = state.settings()
    if batch_size is not None:
        settings = settings.model_copy(update={"batch_size": batch_size})
    if no_skip:
        off = [*settings.skip_rules_off, *no_skip]
        settings = settings.model_copy(update={"skip_rules_off": off})
    with RichProgress() as progress:
        result = api.migrate(settings, target, dry_run=dry_run, restart=restart, progress=progress)
    table = Table(
        "entity",
        "status",
        "processed",
        "migrated",
        "quarantined",
        "skipped",
        "seconds",
        title=_title(result.run_id, dry_run),
    )
    for e in result.entities:
        table.add_row(
            e.entity,
            e.status,
            f"{e.processed:,}",
            f"{e.migrated:,}",
            f"{e.quarantined:,}",
            f"{e.skipped:,}",
            f"{e.seconds:.1f}",
        )
    out_console.print(table)


def validate(
    target: Annotated[
        str,
        typer.Argument(help="An entity, a workflow (with its dependencies), or `final` (all)."),
    ],
    as_json: JsonOption = False,
) -> None:
    """Verify every migrated row: accounting, keys, integrity, content, money; exit 7 on failure."""
    with RichProgress() as progress:
        result = api.validate(state.settings(), target, progress=progress)
    failed = [e for e in result.entities if e.status != "passed"]
    if as_json:
        out_console.print_json(json.dumps(validation_document(result)))
    else:
        render_validation(result)
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
    table = Table(
        "entity",
        "source",
        "migrated",
        "quarantined",
        "skipped",
        *(["retained"] if retained else []),
        "verified",
        "failed checks",
        "status",
        title=f"validation run {result.run_id}",
    )
    for e in result.entities:
        failed = [c for c in e.checks if not c.passed]
        table.add_row(
            e.entity,
            f"{e.processed:,}",
            f"{e.migrated:,}",
            f"{e.quarantined:,}",
            f"{e.skipped:,}",
            *([f"{e.retained:,}"] if retained else []),
            f"{e.verified:,}",
            str(len(failed)),
            e.status,
        )
    out_console.print(table)
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
) -> None:
    """Delete exactly what ferry wrote, children before parents; resumable."""
    with RichProgress() as progress:
        result = api.rollback(
            state.settings(),
            target,
            cascade=cascade,
            include_preexisting=include_preexisting,
            dry_run=dry_run,
            progress=progress,
        )
    table = Table(
        "entity",
        "status",
        "mappings removed",
        "rows deleted",
        "seconds",
        title=_title(result.run_id, dry_run),
    )
    for e in result.entities:
        table.add_row(e.entity, e.status, f"{e.processed:,}", f"{e.deleted:,}", f"{e.seconds:.1f}")
    out_console.print(table)


def status(as_json: JsonOption = False) -> None:
    """Per entity: source rows, target rows, migrated, quarantined, skipped, state."""
    statuses = api.status(state.settings())
    if as_json:
        document = {"entities": [s.as_dict() for s in statuses]}
        out_console.print_json(json.dumps(document))
        return
    retained = any(item.retained for item in statuses)  # a column only when rows were kept
    table = Table(
        "entity",
        "source",
        "migrated",
        "quarantined",
        "skipped",
        *(["retained"] if retained else []),
        "target rows",
        "state",
        "deps",
    )
    for item in statuses:
        table.add_row(
            item.entity,
            f"{item.source_rows:,}",
            f"{item.migrated:,}",
            f"{item.quarantined:,}",
            f"{item.skipped:,}",
            *([f"{item.retained:,}"] if retained else []),
            "-" if item.target_rows is None else f"{item.target_rows:,}",
            item.state if item.balanced or item.state != "completed" else "unbalanced",
            "ok" if item.dependencies_complete else "waiting",
        )
    out_console.print(table)
