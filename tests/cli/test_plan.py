"""`ferry plan` needs no database and refuses unknown targets in one sentence."""

import json
from pathlib import Path

from ferry.errors import ExitCode
from tests.cli.runner import run_ferry


def test_plan_json_puts_dependencies_first(tmp_path: Path) -> None:
    result = run_ferry("plan", "orders", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    phases = [phase["entities"] for phase in document["phases"]]
    assert phases[-1] == ["orders"]
    assert phases[0] == ["offices", "profiles"]


def test_plan_text_lists_phases(tmp_path: Path) -> None:
    result = run_ferry("plan", "core", cwd=tmp_path)
    assert result.exit_code == 0
    assert "phase  1: offices, profiles" in result.stdout
    assert "phase  2: doctors" in result.stdout


def test_unknown_target_is_a_usage_error(tmp_path: Path) -> None:
    result = run_ferry("plan", "nosuch", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("error: 'nosuch' is neither an entity nor a workflow")
    assert "Traceback" not in result.output
