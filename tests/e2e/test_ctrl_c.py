"""Ctrl-C during `ferry migrate all` at the tests' scale: every worker stops after its current batch
within seconds, the operator is told at once, and a plain `ferry migrate all` then finishes
the migration exactly as an uninterrupted run would have made it."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from ferry.brius.catalogue import CATALOGUE
from tests.cli.runner import run_ferry
from tests.e2e.helpers import (
    assert_accounting_holds,
    batches_reached,
    fingerprint,
    finish,
    start_ferry,
    status_json,
    wait_until,
)
from tests.e2e.twin_checks import target_tables

# Small batches and two workers: the signal lands while several entities are mid-way. The twin
# runs with the default settings: the keys, and so the rows, do not depend on the batch size.
SETTINGS = {"FERRY_BATCH_SIZE": "500", "FERRY_WORKERS": "2"}


@pytest.fixture
def twins(
    database_factory,
    legacy_template: str,
    target_template: str,
    migrated_template: str,
) -> tuple:
    """A world to interrupt, and its twin: a copy of the same world after an uninterrupted
    `ferry migrate all` with the default settings."""
    source = database_factory(legacy_template)
    return (
        {"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": database_factory(target_template)},
        {
            "FERRY_SOURCE_URL": source,
            "FERRY_TARGET_URL": database_factory(migrated_template),
        },
    )


def test_ctrl_c_stops_within_seconds_and_a_plain_rerun_completes(
    twins: tuple, tmp_path: Path
) -> None:
    interrupted, clean = ({**w, "FERRY_STATE_DIR": str(tmp_path)} for w in twins)
    interrupted.update(SETTINGS)
    running = start_ferry("migrate", "all", cwd=tmp_path, env=interrupted)
    assert wait_until(
        lambda: batches_reached(interrupted["FERRY_TARGET_URL"], 60, running), timeout=120
    )
    assert running.poll() is None, "the run ended before Ctrl-C"
    running.send_signal(signal.SIGINT)
    signalled = time.monotonic()
    stopped = finish(running, timeout=60)
    waited = time.monotonic() - signalled
    assert stopped.exit_code == 130, stopped.output
    assert waited < 5, f"ferry took {waited:.1f} s to stop after Ctrl-C"
    assert "Ctrl-C: stopping after each worker's current batch" in stopped.stderr
    assert "interrupted: run 1 stopped" in stopped.stderr
    assert "Traceback" not in stopped.stderr
    states = {e["state"] for e in status_json(tmp_path, interrupted)}
    assert "partial" in states or "pending" in states, "nothing was left to do after Ctrl-C"

    resumed = run_ferry("migrate", "all", cwd=tmp_path, env=interrupted, timeout=300)
    assert resumed.exit_code == 0, resumed.output

    tables = target_tables()
    assert fingerprint(interrupted["FERRY_TARGET_URL"], tables) == fingerprint(
        clean["FERRY_TARGET_URL"], tables
    )
    assert_accounting_holds(tmp_path, interrupted, list(CATALOGUE.entities))
