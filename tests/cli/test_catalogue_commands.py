"""A catalogue's own commands join ferry's only while it is the configured catalogue: brius
brings `ferry legacy` and `ferry target`, the garden none; a catalogue that does not load
leaves `--help` working, and asking for one of its commands is its own sentence."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from ferry.errors import ExitCode
from tests.cli.runner import run_ferry

ROOT = Path(__file__).resolve().parents[2]
GARDEN = {"PYTHONPATH": str(ROOT), "FERRY_CATALOGUE": "tests.garden.catalogue:CATALOGUE"}
UNLOADABLE = {"FERRY_CATALOGUE": "nosuch.module:X"}

# A catalogue of one's own, written where the commands run, whose commands `{commands}` name.
HOME_CATALOGUE = """
from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Column, Entity, Source

PLOTS = Entity("plots", "plots", Source("plot p", "p.id"), columns=(Column("name", "p.name"),))
CATALOGUE = Catalogue.build("home", [PLOTS], commands={commands!r})
"""
HOME_COMMANDS = '''
import typer

greet = typer.Typer(help="Greet the gardener.")
status = typer.Typer(help="A name ferry has already.")


@greet.command("hello")
def hello() -> None:
    """Say hello."""
    print("hello from the home catalogue")


COMMANDS = {"greet": greet}
TAKEN = {"greet": greet, "status": status}
NOT_APPS = {"greet": print}
'''


def listed(help_text: str) -> set[str]:
    """The command names `ferry --help` lists, in every section."""
    _, _, sections = help_text.partition("Commands:")
    return {
        line.split()[0]
        for line in sections.splitlines()
        if line.startswith("  ") and not line.startswith("   ")
    }


def test_help_lists_the_default_catalogues_commands(tmp_path: Path) -> None:
    result = run_ferry("--help", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert {"legacy", "target", "migrate", "embedded"} <= listed(result.stdout)
    assert "Commands of catalogue brius:" in result.stdout


def test_another_catalogue_has_no_legacy_command(tmp_path: Path) -> None:
    for args in (("legacy", "create"), ("--catalogue", GARDEN["FERRY_CATALOGUE"], "legacy")):
        refused = run_ferry(*args, cwd=tmp_path, env=GARDEN)
        assert refused.exit_code == ExitCode.USAGE, refused.output
        assert refused.stderr == (
            "error: Catalogue garden declares no command legacy; its commands: none.\n"
        )
    shown = run_ferry("--help", cwd=tmp_path, env=GARDEN)
    assert shown.exit_code == 0, shown.output
    assert "migrate" in listed(shown.stdout)
    assert not {"legacy", "target"} & listed(shown.stdout)
    assert "Commands of catalogue" not in shown.stdout


def test_help_chooses_the_catalogue_of_the_command_line(tmp_path: Path) -> None:
    chosen = run_ferry("--catalogue", GARDEN["FERRY_CATALOGUE"], "--help", cwd=tmp_path, env=GARDEN)
    assert chosen.exit_code == 0, chosen.output
    assert "legacy" not in listed(chosen.stdout)
    back = run_ferry("--catalogue", "brius", "--help", cwd=tmp_path, env=GARDEN)
    assert {"legacy", "target"} <= listed(back.stdout)


def test_a_catalogue_that_does_not_load_leaves_help_working(tmp_path: Path) -> None:
    shown = run_ferry("--help", cwd=tmp_path, env=UNLOADABLE)
    assert shown.exit_code == 0, shown.output
    assert {"migrate", "validate"} <= listed(shown.stdout)
    assert "legacy" not in listed(shown.stdout)
    assert "Traceback" not in shown.output
    asked = run_ferry("legacy", "create", cwd=tmp_path, env=UNLOADABLE)
    assert asked.exit_code == ExitCode.CONFIGURATION, asked.output
    assert asked.stderr == (
        "error: The catalogue nosuch.module:X in FERRY_CATALOGUE could not be imported: "
        "No module named 'nosuch'.\n"
    )


def test_a_mistyped_command_is_one_sentence_with_a_suggestion(tmp_path: Path) -> None:
    result = run_ferry("migrat", "all", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.stderr == (
        "error: Catalogue brius declares no command migrat; its commands: legacy, target;"
        " did you mean migrate?\n"
    )


def home(tmp_path: Path, commands: str) -> dict[str, str]:
    """The home catalogue in the working directory, declaring `commands`."""
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "__init__.py").write_text("")
    (tmp_path / "home" / "catalogue.py").write_text(HOME_CATALOGUE.format(commands=commands))
    (tmp_path / "home" / "commands.py").write_text(HOME_COMMANDS)
    return {"FERRY_CATALOGUE": "home.catalogue:CATALOGUE"}


def test_a_catalogue_of_ones_own_brings_its_commands(tmp_path: Path) -> None:
    env = home(tmp_path, "home.commands:COMMANDS")
    said = run_ferry("greet", "hello", cwd=tmp_path, env=env)
    assert said.exit_code == 0, said.output
    assert said.stdout == "hello from the home catalogue\n"
    shown = run_ferry("--help", cwd=tmp_path, env=env)
    assert "Commands of catalogue home:" in shown.stdout
    assert "greet" in listed(shown.stdout) and "legacy" not in listed(shown.stdout)
    refused = run_ferry("legacy", cwd=tmp_path, env=env)
    assert refused.stderr == (
        "error: Catalogue home declares no command legacy; its commands: greet.\n"
    )


@pytest.mark.parametrize(
    ("commands", "sentence"),
    [
        (
            "home.nosuch:COMMANDS",
            "The commands home.nosuch:COMMANDS of catalogue home could not be imported: "
            "No module named 'home.nosuch'.",
        ),
        (
            "home.commands:NOSUCH",
            "Module home.commands has no NOSUCH (the commands home.commands:NOSUCH of "
            "catalogue home).",
        ),
        (
            "home.commands:NOT_APPS",
            "The commands home.commands:NOT_APPS of catalogue home are not a dict of command "
            "names to typer.Typer apps.",
        ),
        (
            "home.commands:TAKEN",
            "Catalogue home declares status, a command name ferry has already; rename it.",
        ),
    ],
)
def test_commands_that_do_not_load_are_one_sentence(
    tmp_path: Path, commands: str, sentence: str
) -> None:
    env = home(tmp_path, commands)
    asked = run_ferry("greet", "hello", cwd=tmp_path, env=env)
    assert asked.exit_code == ExitCode.CONFIGURATION, asked.output
    assert asked.stderr == f"error: {sentence}\n"
    shown = run_ferry("--help", cwd=tmp_path, env=env)
    assert shown.exit_code == 0, shown.output
    assert "status" in listed(shown.stdout) and "greet" not in listed(shown.stdout)
    own = run_ferry("plan", "all", cwd=tmp_path, env=env)  # ferry's own commands still run
    assert own.exit_code == 0, own.output


def test_the_labs_commands_build_its_two_databases(tmp_path: Path, database_factory) -> None:
    env = {"FERRY_SOURCE_URL": database_factory(), "FERRY_TARGET_URL": database_factory()}
    legacy = run_ferry("legacy", "create", cwd=tmp_path, env=env)
    assert legacy.exit_code == 0, legacy.output
    assert legacy.stdout == "legacy schema installed\n"
    target = run_ferry("target", "create", cwd=tmp_path, env=env)
    assert target.exit_code == 0, target.output
    assert target.stdout == "target schema installed\n"
    for side, table in (("FERRY_SOURCE_URL", "dispatch_office"), ("FERRY_TARGET_URL", "offices")):
        with psycopg.connect(env[side]) as conn:
            found = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
        assert found == (True,), (side, table)
