"""`ferry sync`: after a migration, carry over what changed in the source since."""

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
from ferry.sync.runner import SyncResult

# what a sync found, then what it did, per entity
COLUMNS = (
    "new",
    "reloaded",
    "changed",
    "gone",
    "released",
    "dependents",
    "retained",
    "quarantined",
    "kept",
)


def register(app: typer.Typer) -> None:
    app.command()(sync)


def sync(
    target: Annotated[
        str, typer.Argument(help="An entity, a workflow, or `all` (the default).")
    ] = "all",
    keep_deleted: Annotated[
        bool,
        typer.Option(
            "--keep-deleted",
            help="Keep in the target the rows gone from the source, counted as `retained` "
            "(by default they leave the target, with their dependents, children first).",
        ),
    ] = False,
    propagate_deletes: Annotated[
        bool,
        typer.Option(
            "--propagate-deletes",
            help="Accepted for compatibility and ignored: rows gone from the source now leave "
            "the target by default (see --keep-deleted).",
        ),
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Report what the sync would find and do, refusals included; write nothing.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Carry over only what changed in the source since the migration, in one run; resumable."""
    del propagate_deletes  # the behaviour it asked for is the default
    settings = state.settings()
    seen: list[RunResult] = []
    try:
        with watched_run(f"sync {target}", settings.progress_interval) as (progress, stop):
            api.sync(
                settings,
                target,
                keep_deleted=keep_deleted,
                dry_run=dry_run,
                progress=progress,
                stop=stop,
                on_result=seen.append,
            )
    finally:  # the table of what did happen comes before the sentence of what did not
        if seen and as_json:
            print_json(run_document(seen[0]))
        elif seen:
            print_table(seen[0])


# Short headers for a narrow console: what a sync found, then what it did.
_SHORT = {"reloaded": "reload", "changed": "chg", "released": "rel.", "dependents": "deps",
          "retained": "ret.", "quarantined": "quar."}  # fmt: skip


def print_table(result: RunResult) -> None:
    """Per entity what the sync found (new, changed, gone) and did, and the run's seconds."""
    title = f"run {result.run_id}, {result.seconds:.1f} s" + (
        " (dry run: nothing was written)" if result.dry_run else ""
    )
    table = FitTable(
        Col("entity"),
        Col("status"),
        # in 80 columns the seconds go first (the run's are in the title), then retained
        *(Col(name, _SHORT.get(name), number=True, drop=name == "retained") for name in COLUMNS),
        Col("seconds", "s", number=True, drop=True),
        title=title,
    )
    for e in result.entities:
        if not isinstance(e, SyncResult):
            table.add_row(e.entity, e.status, *[""] * (len(COLUMNS) + 1))
            continue
        counts = (
            e.processed,
            e.reloaded,
            e.changed,
            len(e.gone),
            e.released,
            e.dependents,
            e.retained,
            e.quarantined,
            len(e.kept),
        )
        table.add_row(e.entity, e.status, *(count(n) for n in counts), f"{e.seconds:.1f}")
    for name in result.blocked:
        table.add_row(name, "not started", *[""] * (len(COLUMNS) + 1))
    table.print(out_console)
