"""docs/cli.md is the reference generated from the command tree, and nothing in it lacks help."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer

from ferry.cli import reference
from ferry.cli.app import app


def test_every_command_group_argument_and_option_has_help() -> None:
    missing = reference.missing_help(typer.main.get_command(app))
    assert not missing, "no help text (add help=... or a docstring):\n" + "\n".join(missing)


def test_the_committed_page_is_the_generated_one() -> None:
    page = reference.render(typer.main.get_command(app))
    assert reference.PAGE.exists(), f"docs/cli.md is missing; run: {reference.REGENERATE}"
    assert reference.PAGE.read_text() == page, (
        f"docs/cli.md differs from the commands; run: {reference.REGENERATE}"
    )


def test_the_page_does_not_depend_on_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    wide = reference.render(typer.main.get_command(app))
    monkeypatch.setenv("COLUMNS", "30")
    assert reference.render(typer.main.get_command(app)) == wide


def _toy() -> typer.Typer:
    """A throwaway app with one hole of each kind, for the negative control."""
    toy = typer.Typer(help="A toy.")
    nested = typer.Typer()  # a group without help
    toy.add_typer(nested, name="nested")

    @toy.command()
    def load(
        table: Annotated[str, typer.Argument(help="A table.")],
        fast: Annotated[bool, typer.Option("--fast")] = False,  # an option without help
    ) -> None:
        """Load a table."""

    @toy.command()
    def drop(table: Annotated[str, typer.Argument()]) -> None:  # no docstring, no help
        pass

    @nested.command()
    def inner(limit: Annotated[int, typer.Option(help="At most this many.")] = 5) -> None:
        """Fully described."""

    return toy


def test_the_help_check_names_what_is_missing() -> None:
    assert reference.missing_help(typer.main.get_command(_toy()), "toy") == [
        "toy load: option --fast",
        "toy drop: command has no help",
        "toy drop: argument table",
        "toy nested: command has no help",
    ]


def test_a_new_option_changes_the_page() -> None:
    page = reference.render(typer.main.get_command(_toy()), "toy")
    assert "## toy nested inner" in page
    assert "| `--limit <int>` | At most this many. | default: 5 |" in page
    assert "| `--fast` |  |  |" in page
