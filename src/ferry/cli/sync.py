"""`ferry sync`: after a migration, carry over what changed in the source since."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.cli.progress import RichProgress
from ferry.sync.runner import SyncResult


def register(app: typer.Typer) -> None:
    app.command()(sync)


def sync(
    target: Annotated[
        str, typer.Argument(help="An entity, a workflow, or `all` (the default).")
    ] = "all",
    propagate_deletes: Annotated[
        bool,
        typer.Option(
            "--propagate-deletes",
            help="Also delete, children first, what ferry holds for rows gone from the source "
            "(by default they are only counted).",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Report new, changed and gone rows; write nothing."),
    ] = False,
) -> None:
    """Carry over only what changed in the source since the migration; resumable."""
    with RichProgress() as progress:
        result = api.sync(
            state.settings(),
            target,
            propagate_deletes=propagate_deletes,
            dry_run=dry_run,
            progress=progress,
        )
    title = f"run {result.run_id}" + (" (dry run: nothing was written)" if dry_run else "")
    table = Table(
        "entity",
        "status",
        "new",
        "reloaded",
        "changed",
        "quarantined",
        "gone" + (" (deleted)" if propagate_deletes else ""),
        "leaving",
        "refused",
        title=title,
    )
    for e in result.entities:
        if not isinstance(e, SyncResult):
            table.add_row(e.entity, e.status, *[""] * 7)
            continue
        gone = f"{len(e.gone):,}" + (f" ({e.deleted:,})" if propagate_deletes else "")
        table.add_row(
            e.entity,
            e.status,
            f"{e.processed:,}",
            f"{e.reloaded:,}",
            f"{e.changed:,}",
            f"{e.quarantined:,}",
            gone,
            f"{len(e.leaving):,}",
            f"{len(e.refused):,}",
        )
    out_console.print(table)
