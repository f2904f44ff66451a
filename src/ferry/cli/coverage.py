"""`ferry coverage [--json]`: every table of the source, read by an entity or declared out of
scope with a reason; none unaccounted."""

from __future__ import annotations

import typer

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.cli.documents import JsonOption, print_json
from ferry.cli.tables import Col, FitTable, count
from ferry.coverage import unaccounted_sentence
from ferry.errors import ValidationFailed


def register(app: typer.Typer) -> None:
    app.command("coverage")(coverage)


def coverage(as_json: JsonOption = False) -> None:
    """Every source table with its rows and the entities that read it, or its out-of-scope
    reason; exit 7 when a table is unaccounted."""
    tables = api.source_coverage(state.settings())
    if as_json:
        print_json(tables.as_dict())
    else:
        table = FitTable(
            Col("table"), Col("rows", number=True), Col("accounted for by", wraps=True)
        )
        for item in tables.tables:
            accounted = (
                ", ".join(item.read_by)
                if item.read_by
                else f"out of scope: {item.out_of_scope}"
                if item.out_of_scope is not None
                else "UNACCOUNTED"
            )
            table.add_row(item.table, count(item.rows), accounted)
        table.print(out_console)
        out_console.print(tables.summary(), markup=False, highlight=False)
        for stale in tables.stale_declarations:
            out_console.print(f"note: {stale} is declared out of scope but is not in the source")
    if tables.unaccounted:
        raise ValidationFailed(unaccounted_sentence(tables).capitalize())
