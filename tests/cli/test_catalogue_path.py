"""A catalogue of one's own, found by its import path (`--catalogue package.module:NAME` or
FERRY_CATALOGUE), migrates, validates and rolls back through the CLI; ferry's own `brius` is
found by name through the `ferry.catalogues` entry point; a wrong name or path is one sentence.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import psycopg
import pytest

from ferry.errors import ExitCode
from tests.cli.runner import run_ferry

# The example of docs/your-own-migration.md, run as written: its catalogue module, its two
# schemas, and its commands, in a package written where the commands run (as a team's own
# repository would hold it).
GUIDE = (Path(__file__).parents[2] / "docs" / "your-own-migration.md").read_text()


def block(info: str) -> str:
    """The guide's code block whose fence reads ```<info>."""
    found = re.search(rf"^```{re.escape(info)}\n(.*?)^```", GUIDE, re.MULTILINE | re.DOTALL)
    assert found, f"docs/your-own-migration.md has no ```{info} block"
    return found.group(1)


SHELF = block("python file=shelf/catalogue.py")
SOURCE_DDL = block("sql source")
TARGET_DDL = block("sql target")
COMMANDS = [line.split()[1:] for line in block("sh run").splitlines() if line.startswith("ferry ")]


@pytest.fixture
def shelf(tmp_path: Path, database_factory) -> dict[str, str]:
    """The package in the working directory, and its two databases."""
    (tmp_path / "shelf").mkdir()
    (tmp_path / "shelf" / "__init__.py").write_text("")
    (tmp_path / "shelf" / "catalogue.py").write_text(SHELF)
    env = {"FERRY_SOURCE_URL": database_factory(), "FERRY_TARGET_URL": database_factory()}
    for url, ddl in ((env["FERRY_SOURCE_URL"], SOURCE_DDL), (env["FERRY_TARGET_URL"], TARGET_DDL)):
        with psycopg.connect(url) as conn:
            conn.execute(ddl)
    return env


def test_a_catalogue_by_import_path_migrates_validates_and_rolls_back(
    shelf: dict[str, str], tmp_path: Path
) -> None:
    option = ("--catalogue", "shelf.catalogue:CATALOGUE")
    plan = run_ferry(*option, "plan", "pantry", cwd=tmp_path, env=shelf)
    assert plan.exit_code == 0, plan.output
    assert "phase  1: shelves" in plan.stdout and "phase  2: jars" in plan.stdout
    migrated = run_ferry("migrate", "all", *option, cwd=tmp_path, env=shelf)  # after it, too
    assert migrated.exit_code == 0, migrated.output
    by_env = {**shelf, "FERRY_CATALOGUE": "shelf.catalogue:CATALOGUE"}
    validated = run_ferry("validate", "final", cwd=tmp_path, env=by_env)
    assert validated.exit_code == 0, validated.output
    with psycopg.connect(shelf["FERRY_TARGET_URL"]) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM shelves), (SELECT count(*) FROM jars),"
            " (SELECT count(*) FROM ferry.quarantine WHERE reason = 'missing_parent:shelves')"
        ).fetchone()
    assert counts == (5, 34, 6)  # jars on shelf 6, which does not exist, are held back
    rolled = run_ferry("rollback", "all", cwd=tmp_path, env=by_env)
    assert rolled.exit_code == 0, rolled.output
    with psycopg.connect(shelf["FERRY_TARGET_URL"]) as conn:
        assert conn.execute("SELECT count(*) FROM shelves").fetchone() == (0,)


def test_the_guides_commands_run_as_written(shelf: dict[str, str], tmp_path: Path) -> None:
    """The guide's commands, in its order, with the catalogue it exports."""
    assert "export FERRY_CATALOGUE=shelf.catalogue:CATALOGUE" in block("sh run")
    env = {**shelf, "FERRY_CATALOGUE": "shelf.catalogue:CATALOGUE"}
    assert ["migrate", "all"] in COMMANDS and ["validate", "final"] in COMMANDS
    for command in COMMANDS:
        result = run_ferry(*command, cwd=tmp_path, env=env)
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output


def test_brius_is_found_by_name_through_the_entry_point(tmp_path: Path) -> None:
    named = run_ferry("--catalogue", "brius", "plan", "core", cwd=tmp_path)
    assert named.exit_code == 0, named.output
    assert "phase  1: offices, profiles" in named.stdout


@pytest.mark.parametrize(
    ("spec", "sentence"),
    [
        ("nosuch", "Unknown catalogue 'nosuch' in --catalogue; installed catalogues: brius"),
        ("nosuch.module:CATALOGUE", "could not be imported: No module named 'nosuch'"),
        ("ferry.settings:NOSUCH", "Module ferry.settings has no NOSUCH"),
        (
            "ferry.settings:Settings",
            "ferry.settings:Settings in --catalogue is not a ferry Catalogue",
        ),
        ("ferry.settings:", "is not an import path: write package.module:NAME"),
    ],
)
def test_a_wrong_catalogue_is_one_sentence(tmp_path: Path, spec: str, sentence: str) -> None:
    result = run_ferry("--catalogue", spec, "plan", "all", cwd=tmp_path)
    assert result.exit_code == ExitCode.CONFIGURATION, result.output
    assert sentence in result.stderr, result.stderr
    assert "Traceback" not in result.output


# The same catalogue broken on purpose: a misspelt column in the source, a column the target
# table does not have.
BROKEN = SHELF.replace('Column("content", "j.content")', 'Column("content", "j.contnt")').replace(
    'Column("label", "s.label")', 'Column("label", "s.label"), Column("colour", "s.label")'
)


def test_check_catalogue_names_each_broken_fragment_and_writes_nothing(
    shelf: dict[str, str], tmp_path: Path
) -> None:
    fine = run_ferry("--catalogue", "shelf.catalogue:CATALOGUE", "check", "--catalogue",
                     cwd=tmp_path, env=shelf)  # fmt: skip
    assert fine.exit_code == 0, fine.output
    assert "every fragment of its 2 entities plans in the source and the target" in fine.stdout
    (tmp_path / "shelf" / "broken.py").write_text(BROKEN)
    broken = run_ferry("check", "--catalogue", "--json", cwd=tmp_path,
                       env={**shelf, "FERRY_CATALOGUE": "shelf.broken:CATALOGUE"})  # fmt: skip
    assert broken.exit_code == ExitCode.CONFIGURATION, broken.output
    problems = {
        (p["entity"], p["fragment"]): p["error"] for p in json.loads(broken.stdout)["problems"]
    }
    assert set(problems) == {("jars", "column content"), ("shelves", "target table")}, problems
    assert "column j.contnt does not exist" in problems["jars", "column content"]
    assert "colour" in problems["shelves", "target table"]
    assert "2 declared fragments of catalogue shelf do not plan" in broken.stderr
    with psycopg.connect(shelf["FERRY_TARGET_URL"]) as conn:
        assert conn.execute("SELECT to_regnamespace('ferry')").fetchone() == (None,)
