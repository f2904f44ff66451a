"""`ferry sync` on the lab's catalogue after a period of the legacy app's life (`ferry legacy
mutate`), killed ten times: it ends where an uninterrupted sync ends. (That a sync ends equal
to a fresh migration of the changed source, validates, and a second sync changes nothing is
test_sync_periods', over five periods.)"""

from __future__ import annotations

import random
import signal
import subprocess
from functools import partial
from pathlib import Path

import psycopg

from ferry.brius.catalogue import CATALOGUE
from tests.cli.runner import run_ferry
from tests.e2e.helpers import fingerprint, finish, start_ferry, wait_until

TABLES = sorted({e.target.rpartition(".")[2] for e in CATALOGUE.entities.values()})


def state_of(target_url: str) -> dict[str, object]:
    """Every target table's content, and ferry's open records (reasons, not wording)."""
    return fingerprint(target_url, TABLES, open_reasons_only=True)


def ferry_ok(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = run_ferry(*args, cwd=cwd, env=env, timeout=300)
    assert result.exit_code == 0, result.output
    return result.stdout


def _sync_started(target_url: str, process: subprocess.Popen) -> bool:
    """A sync run is under way (or the process has already ended)."""
    if process.poll() is not None:
        return True
    with psycopg.connect(target_url, autocommit=True) as conn:
        return bool(
            conn.execute(
                "SELECT count(*) FROM ferry.runs WHERE operation = 'sync' AND status = 'running'"
            ).fetchone()[0]
        )


def test_sync_killed_ten_times_ends_as_an_uninterrupted_sync(
    tmp_path: Path, database_factory, legacy_template: str, migrated_template: str
) -> None:
    """Two copies of one migrated, then changed, world: one synced cleanly, the other killed
    at ten seeded moments of its syncs and run again until one completes."""
    worlds = []
    for _ in range(2):
        world = {
            "FERRY_SOURCE_URL": database_factory(legacy_template),
            "FERRY_TARGET_URL": database_factory(migrated_template),
        }
        ferry_ok("legacy", "mutate", "--seed", "7", cwd=tmp_path, env=world)
        worlds.append(world)
    clean, tortured = worlds
    sync = ["--batch-size", "200", "sync", "--propagate-deletes"]
    ferry_ok(*sync, cwd=tmp_path, env=clean)
    rng = random.Random(20261125)
    kills = 0
    for _ in range(10):
        process = start_ferry(*sync, cwd=tmp_path, env=tortured)
        wait_until(partial(_sync_started, tortured["FERRY_TARGET_URL"], process))
        wait_until(lambda: False, timeout=rng.uniform(0, 2.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        finish(process)
    assert kills >= 7, "the syncs finished before they could be interrupted"
    ferry_ok(*sync, cwd=tmp_path, env=tortured)
    assert state_of(tortured["FERRY_TARGET_URL"]) == state_of(clean["FERRY_TARGET_URL"])
