"""`ferry logs [RUN] [--follow]`: a run's event log, one line per event."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.runlog import follow_events, read_events

_SHOWN_FIRST = ("time", "event", "run", "entity")
_STYLES = {
    "entity_failed": "red",
    "retry": "yellow",
    "run_started": "bold",
    "run_finished": "bold",
    "entity_blocked": "red",
}


def register(app: typer.Typer) -> None:
    app.command("logs")(logs)


def logs(
    run: Annotated[
        int | None, typer.Argument(help="A run id (default: the latest run with a log).")
    ] = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", "-f", help="Keep printing events as they are written, until the run ends."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the log's JSON lines as they are.")
    ] = False,
) -> None:
    """Print the event log of a run: batches, retries, failures, timings (never row values)."""
    path = api.run_log(state.settings(), run)
    events = follow_events(path) if follow else read_events(path)
    for event in events:
        if as_json:
            out_console.print(json.dumps(event), markup=False, highlight=False, soft_wrap=True)
        else:
            out_console.print(render(event), soft_wrap=True)
        if follow:  # live, even through a pipe
            out_console.file.flush()


def render(event: dict) -> Text:
    """`time  event  entity  key=value ...`, the failures and retries coloured."""
    name = str(event.get("event", "?"))
    line = Text(f"{event.get('time', '')}  ", style="dim")
    line.append(f"{name:<15}", style=_STYLES.get(name, ""))
    if "entity" in event:
        line.append(f" {event['entity']:<22}")
    details = " ".join(
        f"{key}={_value(value)}" for key, value in event.items() if key not in _SHOWN_FIRST
    )
    line.append(f" {details}")
    return line


def _value(value: object) -> str:
    if isinstance(value, list | dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)
