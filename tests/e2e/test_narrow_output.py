"""What an operator reads in an 80-column terminal and in a CI log (output not a terminal,
where Rich assumes 80 columns): no entity name, reason or message is cut, and a run's stderr
says something within the first seconds and keeps saying it during a long entity."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from ferry.brius.catalogue import CATALOGUE
from tests.cli.runner import Result, run_ferry
from tests.e2e.helpers import finish, start_ferry

NARROW = {"COLUMNS": "80"}
ENTITIES = list(CATALOGUE.entities)


@pytest.fixture
def migrated(migrated_world: dict[str, str], tmp_path: Path) -> dict[str, str]:
    """A copy of the migrated world, read in 80 columns."""
    return {**migrated_world, "FERRY_STATE_DIR": str(tmp_path / "state"), **NARROW}


def assert_uncut(result: Result, names: list[str]) -> None:
    """No '…' anywhere, and every name stands whole at the start of a table row."""
    assert "…" not in result.output, result.output
    starts = {line.split(" ")[0] for line in result.stdout.splitlines() if line}
    missing = [n for n in names if n not in starts]
    assert missing == [], result.stdout


def test_status_validate_and_plan_fit_80_columns_without_cutting(
    migrated: dict[str, str], tmp_path: Path
) -> None:
    status = run_ferry("status", cwd=tmp_path, env=migrated)
    assert status.exit_code == 0, status.output
    assert_uncut(status, ENTITIES)
    assert max(len(line) for line in status.stdout.splitlines()) <= 80

    wide = run_ferry("--wide", "status", cwd=tmp_path, env=migrated)
    assert wide.stdout.splitlines()[0].split() == [
        "entity",
        "source",
        "migrated",
        "quarantined",
        "skipped",
        "target",
        "rows",
        "state",
        "deps",
    ]

    validation = run_ferry("validate", "final", cwd=tmp_path, env=migrated)
    assert validation.exit_code == 0, validation.output
    assert_uncut(validation, ENTITIES)
    assert "quarantined" not in validation.stderr  # a validation quarantines nothing

    plan = run_ferry("plan", "all", cwd=tmp_path, env=migrated)
    words = set(re.split(r"[\s,:]+", plan.stdout))
    assert "…" not in plan.output
    assert set(ENTITIES) <= words


def test_quarantine_show_wraps_messages_instead_of_cutting(
    migrated: dict[str, str], tmp_path: Path
) -> None:
    shown = run_ferry("quarantine", "show", "user_messages", cwd=tmp_path, env=migrated)
    assert shown.exit_code == 0, shown.output
    assert "…" not in shown.output
    flat = " ".join(shown.stdout.split())
    assert "parent profiles" in flat or "missing_parent" in flat, shown.stdout
    listed = run_ferry("quarantine", "list", cwd=tmp_path, env=migrated)
    assert "…" not in listed.output
    assert "missing_parent:" in listed.stdout


def test_sync_table_fits_80_columns(migrated: dict[str, str], tmp_path: Path) -> None:
    mutated = run_ferry("legacy", "mutate", "--seed", "7", cwd=tmp_path, env=migrated)
    assert mutated.exit_code == 0, mutated.output
    synced = run_ferry("sync", cwd=tmp_path, env=migrated)
    assert synced.exit_code == 0, synced.output
    assert_uncut(synced, ENTITIES)
    assert max(len(line) for line in synced.stdout.splitlines()) <= 80, synced.stdout
    # an entity's line ends once its changed rows are compared too, and counts them
    done = {
        m[1]: int(m[2].replace(",", ""))
        for m in re.finditer(r" (\w+): completed, ([\d,]+) rows in ", synced.stderr)
    }
    changed = {}
    for line in synced.stdout.splitlines():
        cells = line.split()
        if len(cells) > 4 and cells[0] in ENTITIES and cells[1] == "completed":
            changed[cells[0]] = (int(cells[2].replace(",", "")), int(cells[4].replace(",", "")))
    with_changes = {name: new + chg for name, (new, chg) in changed.items() if chg}
    assert with_changes, synced.stdout
    for name, least in with_changes.items():
        assert done.get(name, 0) >= least, (name, synced.stderr)


def test_a_log_hears_at_once_then_one_line_per_entity_and_a_heartbeat(
    worlds: dict[str, str], tmp_path: Path
) -> None:
    """Batches of 20 on one worker make tasks a long entity; heartbeats every 0.5 s. `migrate
    tasks` runs tasks' dependencies too: each of them is heard as well."""
    env = {
        **worlds,
        **NARROW,
        "FERRY_STATE_DIR": str(tmp_path / "state"),
        "FERRY_BATCH_SIZE": "20",
        "FERRY_WORKERS": "1",
        "FERRY_PROGRESS_INTERVAL": "0.5",
    }
    started = time.monotonic()
    running = start_ferry("migrate", "tasks", cwd=tmp_path, env=env)
    first = running.stderr.readline()
    heard = time.monotonic() - started
    result = finish(running, timeout=600)
    assert result.exit_code == 0, result.output
    assert first.endswith("migrate tasks: started\n"), first
    assert heard < 10, f"the first line came after {heard:.1f} s"
    lines = [first, *result.stderr.splitlines()]
    assert "…" not in "".join(lines)
    for name in CATALOGUE.with_dependencies(["tasks"]):
        assert any(f" {name}: started, " in line for line in lines), name
        assert any(f" {name}: completed, " in line for line in lines), name
    beats = [line for line in lines if re.search(r" tasks: [\d,]+/[\d,]+ rows, ", line)]
    assert beats, "no heartbeat during tasks"
    finished = next(line for line in lines if " tasks: completed, " in line)
    assert re.search(r"completed, [\d,]+ rows in [\d.]+ s \([\d,]+ rows/s\)", finished)
    assert " 0 rows/s" not in finished


def test_json_results_an_unknown_reason_and_a_report_file(
    migrated: dict[str, str], tmp_path: Path
) -> None:
    import json

    again = run_ferry("migrate", "all", cwd=tmp_path, env=migrated)
    assert again.exit_code == 0, again.output
    assert f"nothing to do, all {len(ENTITIES)} entities were already complete." in again.stdout
    as_json = run_ferry("migrate", "doctors", "--json", cwd=tmp_path, env=migrated)
    document = json.loads(as_json.stdout)
    assert document["operation"] == "migrate" and document["interrupted"] is False
    assert {e["entity"] for e in document["entities"]} >= {"doctors", "profiles"}
    reasons = json.loads(
        run_ferry("quarantine", "list", "--json", cwd=tmp_path, env=migrated).stdout
    )["reasons"]
    assert reasons and {"entity", "reason", "rows", "parents"} == set(reasons[0])
    assert all(r["parents"] <= r["rows"] for r in reasons if r["parents"] is not None)

    unknown = run_ferry(
        "quarantine", "show", "orders", "--reason", "nosuch", cwd=tmp_path, env=migrated
    )
    assert unknown.exit_code == 2, unknown.output
    assert unknown.stderr.startswith(
        "error: orders has no open quarantine entries with reason 'nosuch' (its reasons: "
    )

    report = run_ferry("report", cwd=tmp_path, env=migrated)
    assert report.exit_code == 0, report.output
    written = Path(migrated["FERRY_STATE_DIR"]) / "report.html"
    assert report.stdout == f"report written to {written.resolve()}\n"
    assert written.read_text().startswith("<!DOCTYPE html>")
