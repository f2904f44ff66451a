"""The event log of a run: what a run writes, and `ferry logs`."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from ferry.errors import ExitCode, TargetError
from ferry.runlog import log_path, logs_directory, read_events
from tests.cli.runner import run_ferry
from tests.databases import create_database, drop_database
from tests.db import toy


def events_of(state_directory: Path, target_url: str, run_id: int) -> list[dict]:
    with psycopg.connect(target_url) as conn:
        directory = logs_directory(state_directory, conn)
    return list(read_events(log_path(directory, run_id)))


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
    assert unknown.stderr == (
        "error: Run 999 is not recorded in this target database (its runs go up to 1).\n"
    )
    assert unknown.stdout == ""


def test_a_database_created_again_under_the_same_name_starts_a_fresh_log(
    server_url: str, toy_urls, state_directory: Path, tmp_path: Path
) -> None:
    """The tutorial's "start again": the old database's runs are not this one's."""
    target = toy_urls[1]
    first = toy.migrate(toy_urls)
    with psycopg.connect(target) as conn:
        old = logs_directory(state_directory, conn)
    name = psycopg.conninfo.conninfo_to_dict(target)["dbname"]
    drop_database(server_url, name)  # now: its name is taken again at once
    create_database(server_url, name)
    with psycopg.connect(target) as conn:  # a fresh target schema, no ferry state
        conn.execute(toy.TARGET_DDL)
    env = {
        "FERRY_SOURCE_URL": toy_urls[0],
        "FERRY_TARGET_URL": target,
        "FERRY_STATE_DIR": str(state_directory),
    }
    with psycopg.connect(target) as conn:
        new = logs_directory(state_directory, conn)
    assert new != old and new.name.startswith(name)
    assert (old / f"run-{first.run_id}.jsonl").exists()

    nothing = run_ferry("logs", cwd=tmp_path, env=env)
    assert nothing.exit_code == ExitCode.STATE, nothing.output
    assert "No run of this target database has a log" in nothing.stderr
    second = toy.migrate(toy_urls)
    assert second.run_id == first.run_id  # numbering starts again, the old log stays apart
    shown = run_ferry("logs", "--json", cwd=tmp_path, env=env)
    events = [json.loads(line) for line in shown.stdout.splitlines()]
    assert events[0]["event"] == "run_started" and events[-1]["event"] == "run_finished"
    assert len((old / f"run-{first.run_id}.jsonl").read_text().splitlines()) > 0


def test_a_dry_run_log_is_kept_apart_from_real_runs(toy_urls, state_directory: Path) -> None:
    dry = toy.migrate(toy_urls, dry_run=True)
    real = toy.migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        directory = logs_directory(state_directory, conn)
    assert (directory / f"dry-run-{dry.run_id}.jsonl").exists()
    real_events = list(read_events(log_path(directory, real.run_id)))
    dry_events = list(read_events(log_path(directory, dry.run_id, dry_run=True)))
    assert real_events[0]["dry_run"] is False and real_events[-1]["status"] == "completed"
    assert dry_events[0]["dry_run"] is True
