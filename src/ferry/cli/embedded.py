"""`ferry embedded ...`: the PostgreSQL ferry runs for itself when no URL is configured."""

from __future__ import annotations

from typing import Annotated

import typer

from ferry import api
from ferry.cli.boundary import WholeHelpGroup
from ferry.cli.console import out_console
from ferry.cli.context import state

app = typer.Typer(
    cls=WholeHelpGroup,
    help="Manage the embedded PostgreSQL used when no database URL is configured.",
    no_args_is_help=True,
)


@app.command()
def status() -> None:
    """Say whether the embedded PostgreSQL is running, and where its data lives."""
    result = api.embedded_status(state.settings())
    if result.running:
        out_console.print(f"running (pid {result.pid}), data in {result.pgdata}")
    else:
        out_console.print(f"stopped, data in {result.pgdata}")


@app.command()
def start() -> None:
    """Start the embedded PostgreSQL (with databases legacy and target) if it is not running."""
    result = api.embedded_start(state.settings())
    out_console.print(f"running (pid {result.pid}), data in {result.pgdata}")


@app.command()
def stop() -> None:
    """Stop the embedded PostgreSQL; its data stays for the next start."""
    if api.embedded_stop(state.settings()):
        out_console.print("stopped")
    else:
        out_console.print("was not running")


@app.command()
def url(
    database: Annotated[
        str, typer.Argument(help="legacy (the source) or target (the default).")
    ] = "target",
) -> None:
    """Print the URL of an embedded database (starting the server if needed), for psql:
    `psql "$(ferry embedded url legacy)"`."""
    out_console.print(
        api.embedded_url(state.settings(), database), markup=False, highlight=False, soft_wrap=True
    )
