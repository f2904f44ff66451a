"""The lab catalogue's own commands: `ferry legacy create|generate|mutate` and
`ferry target create` build its two databases (`ferry.brius.worlds`).

They are the lab's, not ferry's: the catalogue declares them (`commands=` in
`ferry.brius.catalogue`), and the CLI attaches them only while brius is the configured
catalogue. Like ferry's own commands they only parse, call, and render.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ferry.brius import worlds
from ferry.cli.boundary import WholeHelpGroup
from ferry.cli.console import out_console
from ferry.cli.context import state
from ferry.cli.tables import Col, FitTable, count

legacy_app = typer.Typer(
    cls=WholeHelpGroup, help="Build the synthetic legacy (source) database.", no_args_is_help=True
)
target_app = typer.Typer(
    cls=WholeHelpGroup, help="Build the target (Supabase) schema.", no_args_is_help=True
)


@legacy_app.command("create")
def legacy_create() -> None:
    """Install the legacy auth_* and dispatch_* tables in the source database (idempotent)."""
    worlds.legacy_create(state.settings())
    out_console.print("legacy schema installed")


@legacy_app.command("generate")
def legacy_generate(
    scale: Annotated[
        float,
        typer.Option(
            min=0.001,
            max=50.0,
            help="Volume relative to the lab's (1.0 = 6.56M rows, the whole lab).",
        ),
    ] = 0.05,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same rows.")] = 1,
) -> None:
    """Fill the legacy database with synthetic data and record its pathologies' ground truth."""
    report = worlds.legacy_generate(state.settings(), scale=scale, seed=seed)
    table = FitTable(
        Col("table"), Col("rows", number=True), title=f"legacy data, scale {scale}, seed {seed}"
    )
    for name, rows in report.row_counts.items():
        table.add_row(name, count(rows))
    table.print(out_console)
    out_console.print(f"{report.total_rows:,} rows in {report.seconds:.1f} s")


@legacy_app.command("mutate")
def legacy_mutate(
    seed: Annotated[
        int | None,
        typer.Option(
            help="Random seed of the period: the same seed on the same data gives the same"
            " changes; a seed already played is refused (default: one more than the highest"
            " seed played, 1 for the first period)."
        ),
    ] = None,
    scale: Annotated[
        float | None,
        typer.Option(
            min=0.001,
            max=50.0,
            help="Scale of the generated data (default: the one it was generated at; another"
            " value is refused).",
        ),
    ] = None,
) -> None:
    """Play one period (a quarter) of the lab's life on the legacy data: new, edited and
    deleted rows, late parents; record them in schema synthetic for differential sync."""
    report = worlds.legacy_mutate(state.settings(), seed=seed, scale=scale)
    table = FitTable(
        Col("table"),
        *(Col(kind, number=True) for kind in ("inserted", "updated", "deleted")),
        title=f"legacy period {report.period}",
    )
    for name, kinds in report.counts.items():
        table.add_row(name, *(count(kinds[k]) for k in ("insert", "update", "delete")))
    table.print(out_console)
    totals = report.totals
    out_console.print(
        f"period {report.period} (seed {report.seed}), {report.starts_at:%Y-%m-%d} to"
        f" {report.ends_at:%Y-%m-%d}: {totals['insert']:,} inserted, {totals['update']:,}"
        f" updated, {totals['delete']:,} deleted, {report.healed:,} references healed,"
        f" {report.outcome_changes:,} owed outcomes changed in {report.seconds:.1f} s"
    )


@target_app.command("create")
def target_create(
    with_history: Annotated[
        bool,
        typer.Option(
            "--with-history",
            help="Also pre-fill what the lab's earlier scripts migrated (random UUIDs + mappings).",
        ),
    ] = False,
) -> None:
    """Install the target schema in the target database (idempotent)."""
    written = worlds.target_create(state.settings(), with_history=with_history)
    out_console.print("target schema installed")
    for name, rows in written.items():
        out_console.print(f"history: {name:12} {rows:,} rows")


# What the catalogue declares (`Catalogue.commands`): the CLI's command name of each group.
COMMANDS: dict[str, typer.Typer] = {"legacy": legacy_app, "target": target_app}
