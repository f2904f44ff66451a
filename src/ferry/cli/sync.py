"""`ferry sync`: after a migration, carry over what changed in the source since."""

from __future__ import annotations

from typing import Annotated

import typer

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.cli.interrupt import watched_run
from ferry.cli.tables import Col, FitTable, count
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
    settings = state.settings()
    with watched_run(f"sync {target}", settings.progress_interval) as (progress, stop):
        result = api.sync(
            settings,
            target,
            propagate_deletes=propagate_deletes,
            dry_run=dry_run,
            progress=progress,
            stop=stop,
        )
    title = f"run {result.run_id}" + (" (dry run: nothing was written)" if dry_run else "")
    table = FitTable(
        Col("entity"),
        Col("status"),
        Col("new", number=True),
        Col("reloaded", "reload", number=True),
        Col("changed", "chg", number=True),
        Col("quarantined", "quar.", number=True),
        Col("gone" + (" (deleted)" if propagate_deletes else ""), "gone", number=True),
        Col("leaving", "leave", number=True),
        Col("refused", "refus.", number=True),
        title=title,
    )
    for e in result.entities:
        if not isinstance(e, SyncResult):
            table.add_row(e.entity, e.status, *[""] * 7)
            continue
        gone = count(len(e.gone)) + (f" ({count(e.deleted)})" if propagate_deletes else "")
        table.add_row(
            e.entity,
            e.status,
            count(e.processed),
            count(e.reloaded),
            count(e.changed),
            count(e.quarantined),
            gone,
            count(len(e.leaving)),
            count(len(e.refused)),
        )
    table.print(out_console)
