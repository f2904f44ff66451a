"""`ferry quarantine list|show|retry`: what is held back, why, and retrying after a fix."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ferry import api
from ferry.cli.console import err_console, out_console
from ferry.cli.context import state
from ferry.cli.progress import RichProgress

quarantine_app = typer.Typer(
    help="Rows held back: counts by reason, their legacy ids, and retrying after a fix.",
    no_args_is_help=True,
)
EntityArgument = Annotated[str, typer.Argument(help="An entity of the catalogue.")]


def register(app: typer.Typer) -> None:
    app.add_typer(quarantine_app, name="quarantine")


@quarantine_app.command("list")
def list_reasons(
    entity: Annotated[str | None, typer.Argument(help="An entity (default: every entity).")] = None,
) -> None:
    """Open quarantine entries counted by entity and reason."""
    table = Table("entity", "reason", "rows")
    for row in api.quarantine_counts(state.settings(), entity):
        table.add_row(row.entity, row.reason, f"{row.rows:,}")
    out_console.print(table)


@quarantine_app.command("show")
def show(
    entity: EntityArgument,
    reason: Annotated[str | None, typer.Option(help="Only entries with this reason.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many entries.")] = 100,
    show_values: Annotated[
        bool,
        typer.Option(
            "--show-values",
            help="Also print the rows' source values. They are patient data: use with care.",
        ),
    ] = False,
) -> None:
    """Legacy ids, reasons and messages of an entity's open entries (values only on request)."""
    settings = state.settings()
    found = api.quarantine_entries(settings, entity, reason, limit)
    table = Table("legacy id", "reason", "message", "last seen")
    for e in found:
        table.add_row(str(e.legacy_id), e.reason, e.message, e.last_seen.isoformat())
    out_console.print(table)
    if not show_values or not found:
        return
    err_console.print(
        "warning: the values below are patient data from the source; do not copy them into "
        "tickets, chats or logs."
    )
    names, rows = api.quarantine_values(settings, entity, [e.legacy_id for e in found])
    for row in rows:  # one record at a time: an entity's columns do not fit across a terminal
        record = Table("column", "value", title=f"{entity} {row[0]}", title_justify="left")
        for name, value in zip(names, row, strict=True):
            record.add_row(name, "NULL" if value is None else str(value))
        out_console.print(record)


@quarantine_app.command("retry")
def retry(entity: EntityArgument) -> None:
    """Load an entity's quarantined rows again after a fix; rows that now pass leave quarantine."""
    with RichProgress() as progress:
        result = api.quarantine_retry(state.settings(), entity, progress=progress)
    table = Table("entity", "retried", "migrated", "still quarantined", "skipped")
    for e in result.entities:
        table.add_row(
            e.entity, f"{e.processed:,}", f"{e.migrated:,}", f"{e.quarantined:,}", f"{e.skipped:,}"
        )
    out_console.print(table)
