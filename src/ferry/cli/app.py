"""The `ferry` command line: global options, command registration, and the error boundary.

Commands only parse, call `ferry.api`, and render. Any FerryError becomes one sentence on
stderr and the exit code of its class; anything else is reported as an internal error, with the
traceback only under `--debug`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError

from ferry import __version__, api
from ferry.cli import coverage, embedded, logs, migration, quarantine, report, sync
from ferry.cli.boundary import HELP_OPTIONS, run, usage_sentence
from ferry.cli.catalogue_commands import CatalogueGroup
from ferry.cli.console import err_console, out_console
from ferry.cli.context import state
from ferry.cli.debug import debug_report
from ferry.cli.documents import JsonOption, print_json
from ferry.cli.tables import Col, FitTable
from ferry.db.urls import redact
from ferry.errors import ConfigurationError, ExitCode, FerryError, Interrupted
from ferry.preflight import CatalogueCheck
from ferry.settings import load_settings

app = typer.Typer(
    name="ferry",
    help="Move a live legacy PostgreSQL database into a new schema: ordered, fast, verifiable, "
    "resumable and reversible.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
    cls=CatalogueGroup,  # the configured catalogue's own commands join ferry's
    context_settings=HELP_OPTIONS,
)
app.add_typer(embedded.app, name="embedded")
migration.register(app)
sync.register(app)
quarantine.register(app)
logs.register(app)
report.register(app)
coverage.register(app)


def _version(value: bool) -> None:
    if value:
        out_console.print(f"ferry {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    source_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL", help="URL of the legacy (source) database; overrides FERRY_SOURCE_URL."
        ),
    ] = None,
    target_url: Annotated[
        str | None,
        typer.Option(metavar="URL", help="URL of the target database; overrides FERRY_TARGET_URL."),
    ] = None,
    state_dir: Annotated[
        Path | None,
        typer.Option(
            metavar="DIR", help="Directory for ferry's logs, reports and embedded PostgreSQL."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(metavar="N", help="Parallel workers (default: the machine's cores)."),
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(metavar="ROWS", help="Rows per batch (default: 10,000).")
    ] = None,
    catalogue: Annotated[
        str | None,
        typer.Option(
            metavar="NAME|MODULE:NAME",
            help="The catalogue: an installed one's name, or an import path (default: brius);"
            " the commands it declares join ferry's.",
        ),
    ] = None,
    env_file: Annotated[
        Path | None,
        typer.Option(
            metavar="FILE", help="Read settings from this file instead of ./.env (it must exist)."
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of errors (without secrets).")
    ] = False,
    wide: Annotated[
        bool,
        typer.Option("--wide", help="Print tables at their full width, every column (no fitting)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print ferry's version and exit."
        ),
    ] = False,
) -> None:
    """Global options; settings are resolved lazily so that `--help` never needs them."""
    state.debug = debug
    state.wide = wide
    state.settings_loader = lambda: load_settings(
        env_file=env_file,
        source_url=source_url,
        target_url=target_url,
        state_dir=state_dir,
        workers=workers,
        batch_size=batch_size,
        catalogue=catalogue,
    )


@app.command()
def config(as_json: JsonOption = False) -> None:
    """Print the effective settings (passwords redacted) and where each database is."""
    shown = api.show_config(state.settings())
    if as_json:
        print_json(shown)
        return
    for name, value in shown.items():
        out_console.print(f"{name:18} {value}")


@app.command()
def check(
    catalogue: Annotated[
        bool,
        typer.Option(
            "--catalogue",
            help="Also plan every entity's source query and target insert (EXPLAIN, nothing "
            "is read or written) and name each declared fragment PostgreSQL refuses.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Connect to the source and target databases and report server, database and user."""
    settings = state.settings()
    results = api.check_connections(settings)
    checked = api.check_catalogue(settings) if catalogue else None
    if as_json:
        document: dict = {"connections": results}
        if checked is not None:
            document["catalogue"] = {"name": checked.catalogue, "entities": checked.entities}
            document["problems"] = checked.problems
        print_json(document)
    else:
        for result in results:
            out_console.print(
                f"{result.side:7} ok  database {result.database}  user {result.user}  "
                f"PostgreSQL {result.server_version}"
            )
        if checked is not None:
            _print_fragment_problems(checked)
    if checked is not None and checked.problems:
        raise ConfigurationError(
            f"{len(checked.problems)} declared fragments of catalogue {checked.catalogue} do not "
            "plan in the databases; fix them (listed above) before migrating."
        )


def _print_fragment_problems(checked: CatalogueCheck) -> None:
    if not checked.problems:
        out_console.print(
            f"catalogue {checked.catalogue}: every fragment of its {checked.entities} entities"
            " plans in the source and the target"
        )
        return
    table = FitTable(Col("entity"), Col("fragment"), Col("error", wraps=True))
    for problem in checked.problems:
        table.add_row(problem.entity, problem.fragment, problem.error)
    table.print(out_console)


def main() -> None:
    """Console-script entry point: run the app inside the error boundary."""
    try:
        code = run(app, sys.argv[1:])
        if code == ExitCode.INTERRUPTED:  # Ctrl-C outside a run: say what it means
            err_console.print(
                "interrupted: committed batches are kept; run the command again to resume."
            )
        sys.exit(code)
    except NoArgsIsHelpError as exc:  # `ferry` alone: its help
        out_console.print(exc.format_message(), markup=False, highlight=False, soft_wrap=True)
        sys.exit(0)
    except UsageError as exc:
        _report(exc, usage_sentence(exc))
        sys.exit(int(ExitCode.USAGE))
    except FerryError as exc:
        _report(exc, exc.sentence)
        sys.exit(int(exc.exit_code))
    except KeyboardInterrupt:  # outside a command (while Typer parses)
        sys.exit(130)
    except Exception as exc:
        _report(
            exc,
            f"ferry hit an unexpected {type(exc).__name__}; this is a defect in ferry. "
            "Run again with --debug for the traceback.",
        )
        sys.exit(int(ExitCode.INTERNAL))


def _report(exc: BaseException, sentence: str) -> None:
    if state.debug:
        err_console.print(debug_report(exc), markup=False, highlight=False, soft_wrap=True)
    label = "" if isinstance(exc, Interrupted) else "error: "  # its sentence says what it is
    err_console.print(f"{label}{redact(sentence)}", markup=False, highlight=False, soft_wrap=True)
