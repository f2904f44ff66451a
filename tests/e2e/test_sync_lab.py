"""`ferry sync` on the lab's catalogue after a period of the legacy app's life (`ferry legacy
mutate`): the target ends equal to a fresh migration of the changed source, validate passes,
and a second sync changes nothing."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from ferry.brius.catalogue import CATALOGUE
from tests.cli.runner import run_ferry
from tests.e2e.helpers import table_checksum

TABLES = sorted({e.target.rpartition(".")[2] for e in CATALOGUE.entities.values()})


def state_of(target_url: str) -> dict[str, object]:
    """Every target table's content, and ferry's open records (reasons, not wording)."""
    with psycopg.connect(target_url) as conn:
        found: dict[str, object] = {t: table_checksum(conn, t) for t in TABLES}
        found["mappings"] = conn.execute(
            "SELECT entity, legacy_id, new_id, origin, dedup_key, notes"
            " FROM ferry.migration_mappings ORDER BY 1, 2"
        ).fetchall()
        found["quarantine"] = conn.execute(
            "SELECT entity, legacy_id, reason FROM ferry.quarantine WHERE NOT resolved"
            " ORDER BY 1, 2"
        ).fetchall()
        found["skipped"] = conn.execute(
            "SELECT entity, legacy_id, rule FROM ferry.skipped ORDER BY 1, 2"
        ).fetchall()
    return found


def ferry_ok(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = run_ferry(*args, cwd=cwd, env=env, timeout=300)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def synced(tmp_path: Path, worlds, database_factory, target_template: str):
    """A migrated world whose source lived one more period, then synced; and a fresh target
    migrated from the changed source."""
    ferry_ok("migrate", "all", cwd=tmp_path, env=worlds)
    ferry_ok("legacy", "mutate", "--seed", "7", cwd=tmp_path, env=worlds)
    ferry_ok("--batch-size", "500", "sync", "--propagate-deletes", cwd=tmp_path, env=worlds)
    fresh = {**worlds, "FERRY_TARGET_URL": database_factory(target_template)}
    ferry_ok("migrate", "all", cwd=tmp_path, env=fresh)
    return worlds, fresh


def test_sync_equals_a_fresh_migration_and_validates(tmp_path: Path, synced) -> None:
    world, fresh = synced
    assert state_of(world["FERRY_TARGET_URL"]) == state_of(fresh["FERRY_TARGET_URL"])
    ferry_ok("validate", "final", cwd=tmp_path, env=world)


def test_a_second_sync_changes_nothing(tmp_path: Path, synced) -> None:
    world, _ = synced
    before = state_of(world["FERRY_TARGET_URL"])
    ferry_ok("sync", "--propagate-deletes", cwd=tmp_path, env=world)
    assert state_of(world["FERRY_TARGET_URL"]) == before
