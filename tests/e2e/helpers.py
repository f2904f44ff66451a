"""What the end-to-end tests compare: target content, mappings, quarantine, and accounting."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg
from psycopg import sql

from tests.cli.runner import Result, run_ferry

# Timestamps filled by the target's defaults at load time differ between two runs by nature.
LOAD_TIME_COLUMNS = ("created_at", "updated_at")


def table_checksum(conn: psycopg.Connection, table: str) -> tuple[int, str]:
    """Row count and an order-independent digest of the rows' content."""
    strip = sql.SQL(" ").join(sql.SQL("- {}").format(sql.Literal(c)) for c in LOAD_TIME_COLUMNS)
    query = sql.SQL(
        "SELECT count(*), coalesce(md5(string_agg(r, '' ORDER BY r)), '')"
        " FROM (SELECT (to_jsonb(t) {strip})::text AS r FROM {table} t) rows"
    ).format(strip=strip, table=sql.Identifier(table))
    return conn.execute(query).fetchone()


def fingerprint(
    target_url: str, tables: list[str], *, open_reasons_only: bool = False
) -> dict[str, object]:
    """Everything ferry owes to be identical between an interrupted and a clean run.
    With `open_reasons_only`, only open quarantine entries count, by reason, not wording (as
    test_sync_periods compares a synced target with a fresh migration)."""
    quarantine = (
        "SELECT entity, legacy_id, reason FROM ferry.quarantine WHERE NOT resolved ORDER BY 1, 2"
        if open_reasons_only
        else "SELECT entity, legacy_id, reason, message, sqlstate, constraint_name, resolved"
        " FROM ferry.quarantine ORDER BY 1, 2"
    )
    with psycopg.connect(target_url) as conn:
        found: dict[str, object] = {t: table_checksum(conn, t) for t in tables}
        found["mappings"] = conn.execute(
            "SELECT entity, legacy_id, new_id, origin, dedup_key, notes"
            " FROM ferry.migration_mappings ORDER BY 1, 2"
        ).fetchall()
        found["quarantine"] = conn.execute(quarantine).fetchall()
        found["skipped"] = conn.execute(
            "SELECT entity, legacy_id, rule FROM ferry.skipped ORDER BY 1, 2"
        ).fetchall()
    return found


def status_json(tmp_path: Path, env: dict[str, str]) -> list[dict]:
    result = run_ferry("status", "--json", cwd=tmp_path, env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["entities"]


def assert_accounting_holds(tmp_path: Path, env: dict[str, str], entities: list[str]) -> None:
    by_name = {e["entity"]: e for e in status_json(tmp_path, env)}
    for name in entities:
        entry = by_name[name]
        assert entry["state"] == "completed", entry
        assert entry["source_rows"] == (
            entry["migrated"] + entry["quarantined"] + entry["skipped"]
        ), entry


def start_ferry(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen:
    base = {k: v for k, v in os.environ.items() if not k.startswith("FERRY_")}
    return subprocess.Popen(
        [sys.executable, "-m", "ferry", *args],
        cwd=cwd,
        env={**base, **env, "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def committed_batches(target_url: str) -> int:
    with psycopg.connect(target_url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('ferry.migration_control')").fetchone()[0] is None:
            return 0
        return conn.execute(
            "SELECT count(*) FROM ferry.migration_control WHERE batch IS NOT NULL"
        ).fetchone()[0]


def batches_reached(target_url: str, goal: int, process: subprocess.Popen) -> bool:
    """At least `goal` batches committed in the target, or the process has ended."""
    return committed_batches(target_url) >= goal or process.poll() is not None


def wait_until(predicate, timeout: float = 60.0, interval: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def finish(process: subprocess.Popen, timeout: float = 120) -> Result:
    stdout, stderr = process.communicate(timeout=timeout)
    return Result(process.returncode, stdout, stderr)
