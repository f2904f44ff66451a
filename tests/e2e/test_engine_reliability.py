"""The engine's promises on the lab's core chain (the tests' scale): exactly once, whatever happens.

- killed with SIGKILL at many points, then run again: identical to an uninterrupted run;
- its target connection terminated mid-batch: the batch is retried and the run completes;
- a second concurrent run is refused, naming the holder;
- rows migrated earlier by another tool (random UUIDs + mappings) are kept and referenced.
"""

from __future__ import annotations

import random
import signal
from functools import partial
from pathlib import Path

import psycopg
import pytest

from ferry.brius import target as brius_target
from ferry.errors import ExitCode
from ferry.state.lock import RUN_LOCK_KEY
from tests.cli.runner import run_ferry
from tests.e2e.helpers import (
    assert_accounting_holds,
    batches_reached,
    committed_batches,
    fingerprint,
    finish,
    start_ferry,
    wait_until,
)

CORE = ["offices", "profiles", "doctors", "patients", "orders"]
SMALL_BATCHES = ["--batch-size", "40"]
# orders at the tests' scale (233 rows) is cut in two only in batches this small.
SLICED_BATCHES = ["--batch-size", "20"]


@pytest.fixture
def twin_worlds(database_factory, legacy_template: str, target_template: str):
    """Two targets fed by the same legacy copy: one for a clean run, one to torture."""
    source = database_factory(legacy_template)
    return [
        {"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": database_factory(target_template)}
        for _ in range(2)
    ]


def test_migrate_orders_accounts_for_every_row(tmp_path: Path, worlds) -> None:
    result = run_ferry(*SMALL_BATCHES, "migrate", "orders", cwd=tmp_path, env=worlds)
    assert result.exit_code == 0, result.output
    assert_accounting_holds(tmp_path, worlds, CORE)


def test_sigkill_at_any_point_then_resume_equals_clean_run(tmp_path: Path, twin_worlds) -> None:
    clean, tortured = twin_worlds
    assert run_ferry(*SMALL_BATCHES, "migrate", "orders", cwd=tmp_path, env=clean).exit_code == 0
    total = committed_batches(clean["FERRY_TARGET_URL"])
    rng = random.Random(20261124)
    kills = 0
    for _ in range(6):
        done = committed_batches(tortured["FERRY_TARGET_URL"])
        process = start_ferry(*SMALL_BATCHES, "migrate", "orders", cwd=tmp_path, env=tortured)
        goal = done + rng.randint(1, max(2, total // 6))
        wait_until(partial(batches_reached, tortured["FERRY_TARGET_URL"], goal, process))
        wait_until(lambda: False, timeout=rng.uniform(0, 0.05))  # land anywhere in a batch
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        finish(process)
    assert kills >= 3, "the run finished before it could be interrupted"
    final = run_ferry(*SMALL_BATCHES, "migrate", "orders", cwd=tmp_path, env=tortured)
    assert final.exit_code == 0, final.output
    assert fingerprint(tortured["FERRY_TARGET_URL"], CORE) == fingerprint(
        clean["FERRY_TARGET_URL"], CORE
    )
    assert_accounting_holds(tmp_path, tortured, CORE)


def _slices_underway(target_url: str, process) -> bool:
    """Both slices of orders have committed batches (or the process has ended)."""
    with psycopg.connect(target_url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('ferry.slices')").fetchone()[0] is None:
            return process.poll() is not None
        started = conn.execute(
            "SELECT count(*) FROM ferry.slices WHERE entity = 'orders'"
            " AND checkpoint_key IS NOT NULL"
        ).fetchone()[0]
    return started >= 2 or process.poll() is not None


def test_sliced_entity_killed_resumes_with_another_worker_count(
    tmp_path: Path, twin_worlds
) -> None:
    """orders is cut into two key ranges loaded at once; killed while both are under way, a
    run with one worker finishes each range from its own checkpoint."""
    clean, tortured = twin_worlds
    sliced = [*SLICED_BATCHES, "--workers", "2"]
    assert run_ferry(*sliced, "migrate", "orders", cwd=tmp_path, env=clean).exit_code == 0
    process = start_ferry(*sliced, "migrate", "orders", cwd=tmp_path, env=tortured)
    assert wait_until(partial(_slices_underway, tortured["FERRY_TARGET_URL"], process))
    assert process.poll() is None, "orders finished before both slices were under way"
    process.send_signal(signal.SIGKILL)
    finish(process)
    with psycopg.connect(tortured["FERRY_TARGET_URL"]) as conn:
        planned = conn.execute(
            "SELECT count(*) FROM ferry.slices WHERE entity = 'orders'"
        ).fetchone()[0]
    assert planned == 2
    final = run_ferry(
        *SLICED_BATCHES, "--workers", "1", "migrate", "orders", cwd=tmp_path, env=tortured
    )
    assert final.exit_code == 0, final.output
    assert fingerprint(tortured["FERRY_TARGET_URL"], CORE) == fingerprint(
        clean["FERRY_TARGET_URL"], CORE
    )
    with psycopg.connect(tortured["FERRY_TARGET_URL"]) as conn:
        assert conn.execute("SELECT count(*) FROM ferry.slices").fetchone()[0] == 0
    assert_accounting_holds(tmp_path, tortured, CORE)


def test_terminated_target_connection_is_retried(tmp_path: Path, worlds) -> None:
    process = start_ferry("--batch-size", "20", "migrate", "orders", cwd=tmp_path, env=worlds)
    assert wait_until(lambda: committed_batches(worlds["FERRY_TARGET_URL"]) >= 3)
    with psycopg.connect(worlds["FERRY_TARGET_URL"], autocommit=True) as conn:
        terminated = conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE 'ferry run % target'"
        ).fetchone()[0]
    result = finish(process)
    assert terminated >= 1  # with parallel workers, one per entity of the phase
    assert result.exit_code == 0, result.output
    assert "retrying" in result.stderr
    assert_accounting_holds(tmp_path, worlds, CORE)


def test_second_concurrent_run_is_refused(tmp_path: Path, worlds) -> None:
    with psycopg.connect(worlds["FERRY_TARGET_URL"], autocommit=True) as holder:
        holder.execute("SET application_name = 'ferry run 41 lock'")
        holder.execute("SELECT pg_advisory_lock(%s)", (RUN_LOCK_KEY,))
        result = run_ferry("migrate", "orders", cwd=tmp_path, env=worlds)
    assert result.exit_code == ExitCode.STATE, result.output
    assert "Another ferry run holds this target: ferry run 41 lock" in result.stderr
    assert "Traceback" not in result.output


def test_rows_of_earlier_tools_are_kept_and_referenced(tmp_path: Path, worlds) -> None:
    with (
        psycopg.connect(worlds["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(worlds["FERRY_TARGET_URL"]) as target,
    ):
        brius_target.prefill_history(source, target)
        target.commit()
        earlier = dict(
            target.execute(
                "SELECT legacy_id, new_id FROM public.migration_mappings"
                " WHERE entity_type = 'profile'"
            ).fetchall()
        )
    assert earlier
    result = run_ferry(*SMALL_BATCHES, "migrate", "orders", cwd=tmp_path, env=worlds)
    assert result.exit_code == 0, result.output
    with psycopg.connect(worlds["FERRY_TARGET_URL"]) as conn:
        doctors = conn.execute("SELECT d.legacy_user_id, d.profile_id FROM doctors d").fetchall()
        patients = conn.execute(
            "SELECT m.legacy_id, p.profile_id FROM patients p"
            " JOIN ferry.migration_mappings m ON m.entity = 'patients' AND m.new_id = p.id"
        ).fetchall()
        profiles_written = conn.execute(
            "SELECT count(*) FROM ferry.migration_mappings WHERE entity = 'profiles'"
            " AND origin = 'ferry'"
        ).fetchone()[0]
    assert doctors and all(earlier[user] == profile for user, profile in doctors)
    with psycopg.connect(worlds["FERRY_SOURCE_URL"]) as conn:
        user_of = dict(conn.execute("SELECT id, user_id FROM dispatch_patient").fetchall())
    assert patients and all(earlier[user_of[pid]] == profile for pid, profile in patients)
    assert profiles_written == 0  # every profile existed already
    assert_accounting_holds(tmp_path, worlds, CORE)
