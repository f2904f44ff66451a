"""`ferry report [RUN] --format html|md|json [-o FILE]`: the report a person wants to read."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ferry import api
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.errors import ConfigurationError
from ferry.report.render import render


class ReportFormat(StrEnum):
    html = "html"
    md = "md"
    json = "json"


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    run: Annotated[
        int | None,
        typer.Argument(help="The run to describe in detail (default: the latest migrate or sync)."),
    ] = None,
    fmt: Annotated[
        ReportFormat,
        typer.Option("--format", help="html (one self-contained page), md (Markdown) or json."),
    ] = ReportFormat.html,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the report to this file (default: report.<format> in the state "
            "directory; `-` prints it) and print its path.",
        ),
    ] = None,
) -> None:
    """Write a report: summary, per-entity table, dependency graph, throughput, quarantine
    reasons, validation results and the run's timeline (ids and counts, no row values)."""
    settings = state.settings()
    text = render(api.report(settings, run), fmt.value)
    if str(output) == "-":
        out_console.file.write(text)
        return
    if output is None:  # 64 KB of HTML is no use in a terminal
        output = settings.state_dir / f"report.{fmt.value}"
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(
            f"The report could not be written to {output} ({exc.strerror or type(exc).__name__})."
        ) from None
    out_console.print(
        f"report written to {output.resolve()}", markup=False, highlight=False, soft_wrap=True
    )
