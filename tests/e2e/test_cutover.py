"""docs/cutover.md, walked end to end: its commands, in its order, on a migrated world whose
source lived one more period; each prints what the page says it prints when all is well."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.runner import run_ferry

PAGE = Path(__file__).parents[2] / "docs" / "cutover.md"


def page_commands() -> list[list[str]]:
    """The page's `$ ferry ...` lines, in order, as argument lists."""
    return [line.split()[2:] for line in re.findall(r"^\s*\$ ferry .*$", PAGE.read_text(), re.M)]


def test_the_cutover_page_runs_in_its_order_and_ends_green(
    tmp_path: Path, migrated_world: dict[str, str]
) -> None:
    worlds = migrated_world
    commands = page_commands()
    assert [c[0] for c in commands] == ["sync", "sync", "validate", "status", "report"]
    mutate = ["legacy", "mutate", "--seed", "3"]
    assert run_ferry(*mutate, cwd=tmp_path, env=worlds, timeout=300).exit_code == 0
    outputs = []
    for args in commands:
        result = run_ferry(*args, cwd=tmp_path, env=worlds, timeout=300)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.stdout)
    rehearsal, last_sync, validation, status, _ = outputs
    assert "(dry run: nothing was written)" in rehearsal
    assert re.search(r"run \d+, [\d.]+ s", last_sync)
    assert "passed" in validation and not re.search(r"│\s*failed\s*│", validation)
    assert "partial" not in status and "failed" not in status and "completed" in status
    report = (tmp_path / "cutover.html").read_text()
    assert "Accounting holds for every entity" in report
