"""The event log of a run: what a run writes, and `ferry logs`."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from ferry.errors import ExitCode, TargetError
from ferry.runlog import log_path, logs_directory, read_events
from tests.cli.runner import run_ferry
from tests.db import toy


def events_of(state_directory: Path, target_url: str, run_id: int) -> list[dict]:
    return list(read_events(log_path(logs_directory(state_directory, target_url), run_id)))


def test_a_run_logs_its_start_batches_entities_and_end(toy_urls, state_directory) -> None:
    result = toy.migrate(toy_urls, batch_size=7)
    events = events_of(state_directory, toy_urls[1], result.run_id)

    assert {e["run"] for e in events} == {result.run_id}
    assert events[0]["event"] == "run_started" and events[0]["operation"] == "migrate"
    assert events[-1] == {**events[-1], "event": "run_finished", "status": "completed"}
    batches = [e for e in events if e["event"] == "batch"]
    for entity in result.entities:
        mine = [b for b in batches if b["entity"] == entity.entity]
        assert len(mine) == -(-entity.processed // 7)  # 7 rows a batch
        for name in ("processed", "migrated", "quarantined", "skipped"):
            assert sum(b[name] for b in mine) == getattr(entity, name), (entity.entity, name)
        assert all(b["ms"] >= 0 and b["key_to"] is not None for b in mine)
    finished = {e["entity"]: e for e in events if e["event"] == "entity_finished"}
    assert set(finished) == {"authors", "books"}
    assert finished["books"]["quarantined"] == next(
        e.quarantined for e in result.entities if e.entity == "books"
    )


def test_a_failure_is_logged_with_its_class_and_sqlstate(toy_urls, state_directory) -> None:
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("ALTER TABLE authors RENAME TO writers")
    with pytest.raises(TargetError):
        toy.migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        run_id = conn.execute("SELECT max(run_id) FROM ferry.runs").fetchone()[0]
    logged = events_of(state_directory, toy_urls[1], run_id)
    failed = next(e for e in logged if e["event"] == "entity_failed")
    assert failed["entity"] == "authors" and failed["error_class"] == "TargetError"
    assert "authors" in failed["error"]
    assert [e["entity"] for e in logged if e["event"] == "entity_blocked"] == ["books"]
    assert logged[-1]["event"] == "run_finished" and logged[-1]["status"] == "failed"
    assert not [e for e in logged if e["event"] == "batch"]


def test_ferry_logs_prints_the_latest_run_and_refuses_an_unknown_one(
    worlds: dict[str, str], tmp_path: Path
) -> None:
    env = {**worlds, "FERRY_STATE_DIR": str(tmp_path / "state")}
    migrated = run_ferry("migrate", "doctors", cwd=tmp_path, env=env)
    assert migrated.exit_code == 0, migrated.output

    shown = run_ferry("logs", cwd=tmp_path, env=env)
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert "run_started" in lines[0] and "run_finished" in lines[-1]
    assert any("batch" in line and "doctors" in line for line in lines)

    as_json = run_ferry("logs", "--json", cwd=tmp_path, env=env)
    events = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert [e["event"] for e in events][:1] == ["run_started"]

    unknown = run_ferry("logs", "999", cwd=tmp_path, env=env)
    assert unknown.exit_code == ExitCode.STATE
    assert "Run 999 has no log" in unknown.stderr and "Traceback" not in unknown.output
