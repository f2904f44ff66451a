"""The period check shared by test_sync_periods.py and test_sync_periods_more.py: `ferry sync`
over a full period of the lab's life (`ferry legacy mutate --seed N`), mirroring and with
`--keep-deleted`, against a fresh migration of the changed source."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from ferry.brius.catalogue import CATALOGUE
from ferry.engine.source import keys_query
from tests.cli.runner import run_ferry
from tests.e2e.helpers import fingerprint

TABLES = sorted({e.target.rpartition(".")[2] for e in CATALOGUE.entities.values()})


def ferry_ok(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = run_ferry(*args, cwd=cwd, env=env, timeout=400)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def migrated(request: pytest.FixtureRequest) -> Callable[[str], tuple[str, str]]:
    """The (legacy, migrated target) templates at the tests' scale ('small') and the
    catalogue's ('catalogue'), each asked for when a period first needs it (a worker may run
    periods of one scale only)."""
    templates = {
        "small": ("legacy_template", "migrated_template"),
        "catalogue": ("legacy_template_catalogue", "migrated_template_catalogue"),
    }

    def world(scale: str) -> tuple[str, str]:
        legacy, target = templates[scale]
        return request.getfixturevalue(legacy), request.getfixturevalue(target)

    return world


def clone(
    migrated: Callable[[str], tuple[str, str]], scale: str, database_factory
) -> dict[str, str]:
    """The source and two targets of a migrated world: one to mirror, one to keep deleted rows."""
    source, target = migrated(scale)
    return {
        "source": database_factory(source),
        "mirror": database_factory(target),
        "keep": database_factory(target),
    }


# Each period of the lab's life, once, at the tests' scale, which keeps the suite inside its
# time; the periods are split over two modules (this one's test modules) so that both workers
# run some. FERRY_TEST_PERIODS=catalogue runs all five at the catalogue's scale (0.05).
ALL_AT_CATALOGUE_SCALE = os.environ.get("FERRY_TEST_PERIODS") == "catalogue"


def periods(seeds: list[int]) -> list[tuple[int, str]]:
    """The (seed, scale) of `seeds`: at the tests' scale unless FERRY_TEST_PERIODS=catalogue."""
    scale = "catalogue" if ALL_AT_CATALOGUE_SCALE else "small"
    return [(seed, scale) for seed in seeds]


def entity_counts(output: str) -> list[dict]:
    """What `sync --json` says of each entity, seconds left out."""
    entities = json.loads(output)["entities"]
    return [{k: v for k, v in e.items() if k != "seconds"} for e in entities]


def mapped_but_gone(source_url: str, target_url: str) -> set[tuple[str, int]]:
    """(entity, legacy id) of every mapping whose source row is gone, counted afresh."""
    found = set()
    with psycopg.connect(source_url) as source, psycopg.connect(target_url) as target:
        for name, entity in CATALOGUE.entities.items():
            present = {r[0] for r in source.execute(keys_query(entity)).fetchall()}
            mapped = target.execute(
                "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = %s", (name,)
            ).fetchall()
            found |= {(name, r[0]) for r in mapped if r[0] not in present}
    return found


def check_period(
    seed: int, scale: str, tmp_path: Path, migrated, database_factory, target_template: str
) -> None:
    """One period, two choices, one fresh migration of the changed source to compare with.
    Mirroring: the dry run predicts the sync, validate final passes, the target equals the
    fresh migration, a second sync changes nothing. Keeping deleted rows: every mapping whose
    source row is gone is retained, and only those; validation counts them; a mirroring sync
    afterwards ends at the fresh migration too."""
    world = clone(migrated, scale, database_factory)
    mirror = {"FERRY_SOURCE_URL": world["source"], "FERRY_TARGET_URL": world["mirror"]}
    keep = {"FERRY_SOURCE_URL": world["source"], "FERRY_TARGET_URL": world["keep"]}
    ferry_ok("legacy", "mutate", "--seed", str(seed), cwd=tmp_path, env=mirror)
    fresh = {**mirror, "FERRY_TARGET_URL": database_factory(target_template)}
    ferry_ok("migrate", "all", cwd=tmp_path, env=fresh)
    expected = fingerprint(fresh["FERRY_TARGET_URL"], TABLES, open_reasons_only=True)

    predicted = entity_counts(ferry_ok("sync", "--dry-run", "--json", cwd=tmp_path, env=mirror))
    done = entity_counts(ferry_ok("sync", "--json", cwd=tmp_path, env=mirror))
    assert predicted == done and any(e["processed"] or e["gone"] for e in done)
    ferry_ok("validate", "final", cwd=tmp_path, env=mirror)
    assert fingerprint(world["mirror"], TABLES, open_reasons_only=True) == expected
    ferry_ok("sync", cwd=tmp_path, env=mirror)
    assert fingerprint(world["mirror"], TABLES, open_reasons_only=True) == expected

    ferry_ok("sync", "--keep-deleted", cwd=tmp_path, env=keep)
    with psycopg.connect(world["keep"]) as conn:
        retained = set(conn.execute("SELECT entity, legacy_id FROM ferry.retained").fetchall())
    assert retained and retained == mapped_but_gone(world["source"], world["keep"])
    validated = json.loads(ferry_ok("validate", "final", "--json", cwd=tmp_path, env=keep))
    assert sum(e["retained"] for e in validated["entities"]) == len(retained)
    ferry_ok("sync", cwd=tmp_path, env=keep)
    assert fingerprint(world["keep"], TABLES, open_reasons_only=True) == expected
