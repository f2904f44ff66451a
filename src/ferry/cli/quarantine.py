"""`ferry quarantine list|show|retry`: what is held back, why, and retrying after a fix."""

from __future__ import annotations

from typing import Annotated

import typer

from ferry import api
from ferry.cli.boundary import WholeHelpGroup
from ferry.cli.console import err_console, out_console
from ferry.cli.context import state
from ferry.cli.documents import JsonOption, print_json, run_document
from ferry.cli.interrupt import watched_run
from ferry.cli.tables import Col, FitTable, count

quarantine_app = typer.Typer(
    cls=WholeHelpGroup,
    help="Rows held back: counts by reason, their legacy ids, and retrying after a fix.",
    no_args_is_help=True,
)
EntityArgument = Annotated[str, typer.Argument(help="An entity of the catalogue.")]


def register(app: typer.Typer) -> None:
    app.add_typer(quarantine_app, name="quarantine")


@quarantine_app.command("list")
def list_reasons(
    entity: Annotated[str | None, typer.Argument(help="An entity (default: every entity).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Open quarantine entries counted by entity and reason, then rows skipped by rule."""
    counts, skips = api.quarantine_counts(state.settings(), entity)
    if as_json:
        print_json({"reasons": counts, "skip_rules": skips})
        return
    held = FitTable(
        Col("entity"),
        Col("reason"),
        Col("rows", number=True),
        Col("from parents", "parents", number=True),
        title="quarantined",
    )
    for row in counts:
        held.add_row(row.entity, row.reason, count(row.rows), count(row.parents))
    held.print(out_console)
    skipped = FitTable(Col("entity"), Col("rule"), Col("rows", number=True), title="skipped")
    for row in skips:
        skipped.add_row(row.entity, row.reason, count(row.rows))
    skipped.print(out_console)


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
    as_json: JsonOption = False,
) -> None:
    """Legacy ids, reasons and messages of an entity's open entries (values only on request)."""
    settings = state.settings()
    found = api.quarantine_entries(settings, entity, reason, limit)
    if as_json and not show_values:
        print_json({"entity": entity, "entries": found})
        return
    table = FitTable(
        Col("legacy id", "id", number=True),
        Col("reason"),
        Col("message", wraps=True),
        Col("last seen", drop=True),
    )
    for e in found:
        table.add_row(
            str(e.legacy_id), e.reason, e.message, e.last_seen.isoformat(timespec="seconds")
        )
    table.print(out_console)
    if not show_values or not found:
        return
    err_console.print(
        "warning: the values below are patient data from the source; do not copy them into "
        "tickets, chats or logs."
    )
    names, rows = api.quarantine_values(settings, entity, [e.legacy_id for e in found])
    for row in rows:  # one record at a time: an entity's columns do not fit across a terminal
        record = FitTable(Col("column"), Col("value", wraps=True), title=f"{entity} {row[0]}")
        for name, value in zip(names, row, strict=True):
            record.add_row(name, "NULL" if value is None else str(value))
        record.print(out_console)


@quarantine_app.command("retry")
def retry(entity: EntityArgument, as_json: JsonOption = False) -> None:
    """Load an entity's quarantined rows again after a fix; rows that now pass leave quarantine."""
    settings = state.settings()
    with watched_run(f"retry {entity}", settings.progress_interval) as (progress, stop):
        result = api.quarantine_retry(settings, entity, progress=progress, stop=stop)
    if as_json:
        print_json(run_document(result))
        return
    table = FitTable(
        Col("entity"),
        Col("retried", number=True),
        Col("migrated", "migr.", number=True),
        Col("still quarantined", "still quar.", number=True),
        Col("skipped", "skip", number=True),
    )
    for e in result.entities:
        table.add_row(
            e.entity, count(e.processed), count(e.migrated), count(e.quarantined), count(e.skipped)
        )
    table.print(out_console)
    waiting = [
        f"{row.entity} ({count(row.rows)})"
        for row in api.quarantine_counts(settings)[0]
        if row.reason == f"missing_parent:{entity}"
    ]
    if waiting:  # their parent may have left quarantine: the children are retried next
        out_console.print(
            f"Rows still quarantined for a missing {entity} parent: {', '.join(waiting)}; "
            f"retry them next with `ferry quarantine retry ENTITY` for each.",
            markup=False,
            highlight=False,
        )
