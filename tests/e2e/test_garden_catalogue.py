"""A catalogue of another domain, in a package of its own registered only by its import path,
through the CLI: keys of every shape (an integer key whose parent sorts after its child, a text
key, a junction keyed by a text-and-integer pair), a target key not named `id`, and money kept
as text. It plans, migrates, validates, syncs a period of changes to what a fresh migration of
the changed source gives, and rolls back to empty."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from tests.cli.runner import run_ferry
from tests.e2e.helpers import fingerprint
from tests.garden import schema

ROOT = Path(__file__).parents[2]
TABLES = ["plots", "species", "plantings"]

CHANGES = """
UPDATE planting SET price = '99.95' WHERE (species_code, plot_no) =
    (SELECT species_code, plot_no FROM planting WHERE price ~ '^[0-9]' ORDER BY 1, 2 LIMIT 1);
DELETE FROM planting WHERE (species_code, plot_no) =
    (SELECT species_code, plot_no FROM planting ORDER BY 1 DESC, 2 DESC LIMIT 1);
UPDATE species SET latin_name = 'Rosa canina L.' WHERE code = 'ROS-CAN';
INSERT INTO species VALUES ('FIC-CAR', 'Ficus carica');
INSERT INTO plot VALUES (0, 11, 'greenhouse');
INSERT INTO planting VALUES ('FIC-CAR', 0, '2026-05-01', '45.00'), ('FIC-CAR', 12, NULL, '3.10');
"""

# Plots whose parent is the one the source gives: every bed its field, the orchard the north
# field.
LINKED_TO_THEIR_FIELD = (
    "SELECT count(*) FROM plots c JOIN plots p ON p.plot_key = c.parent_key"
    " WHERE p.plot_no = CASE WHEN c.plot_no < 10 THEN 10 + c.plot_no % 3 ELSE 12 END"
)


def ferry(*args: str, cwd: Path, env: dict[str, str]) -> str:
    result = run_ferry(*args, cwd=cwd, env=env)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result.stdout


@pytest.fixture
def garden(tmp_path: Path, database_factory) -> dict[str, str]:
    """The nursery's databases and the environment naming its catalogue by import path."""
    source, target = database_factory(), database_factory()
    schema.install(source, target)
    return {
        "PYTHONPATH": str(ROOT),
        "FERRY_CATALOGUE": "tests.garden.catalogue:CATALOGUE",
        "FERRY_SOURCE_URL": source,
        "FERRY_TARGET_URL": target,
    }


def scalar(url: str, query: str) -> object:
    with psycopg.connect(url) as conn:
        return conn.execute(query).fetchone()[0]


def test_every_key_shape_migrates_validates_syncs_and_rolls_back(
    garden: dict[str, str], tmp_path: Path, database_factory
) -> None:
    target = garden["FERRY_TARGET_URL"]
    ferry("check", "--catalogue", cwd=tmp_path, env=garden)
    assert "phase  2: plantings" in ferry("plan", "all", cwd=tmp_path, env=garden)
    ferry("migrate", "all", cwd=tmp_path, env=garden)

    sources = scalar(garden["FERRY_SOURCE_URL"], "SELECT count(*) FROM planting")
    assert scalar(target, "SELECT count(*) FROM plantings") == sources - 1
    assert (
        scalar(target, "SELECT reason FROM ferry.quarantine WHERE entity = 'plantings'")
        == "invalid_amount"
    )
    # the quarantined planting is found by its own key, not only by its digest
    shown = ferry("quarantine", "show", "plantings", "--show-values", cwd=tmp_path, env=garden)
    assert "key pl.species_code" in shown and "THY-VUL" in shown, shown
    # every bed lies in its field and the orchard in the north field, although each parent
    # carries a higher number than the plot it contains
    assert scalar(target, LINKED_TO_THEIR_FIELD) == 10
    # each planting points at its own species and plot, through the text and integer keys
    assert (
        scalar(
            target,
            "SELECT count(*) FROM plantings pl JOIN species s ON s.id = pl.species_id"
            " JOIN plots p ON p.plot_key = pl.plot_key",
        )
        == sources - 1
    )
    validated = json.loads(ferry("validate", "final", "--json", cwd=tmp_path, env=garden))
    checks = {
        (e["entity"], c["check"]): (c["passed"], c["checked"])
        for e in validated["entities"]
        for c in e["checks"]
    }
    assert checks["plantings", "money:price"] == (True, 5), checks  # one total per species
    assert checks["plantings", "content"] == (True, sources - 1), checks
    assert checks["plots", "keys"][0] and checks["plots", "integrity"][0], checks

    with psycopg.connect(garden["FERRY_SOURCE_URL"]) as conn:
        conn.execute(CHANGES)
    ferry("sync", cwd=tmp_path, env=garden)
    ferry("validate", "final", cwd=tmp_path, env=garden)
    fresh = {**garden, "FERRY_TARGET_URL": database_factory()}
    with psycopg.connect(fresh["FERRY_TARGET_URL"]) as conn:
        conn.execute(schema.TARGET_DDL)
    ferry("migrate", "all", cwd=tmp_path, env=fresh)
    expected = fingerprint(fresh["FERRY_TARGET_URL"], TABLES, open_reasons_only=True)
    assert fingerprint(target, TABLES, open_reasons_only=True) == expected
    assert scalar(target, "SELECT latin_name FROM species WHERE code = 'ROS-CAN'") == (
        "Rosa canina L."
    )
    ferry("sync", cwd=tmp_path, env=garden)
    assert fingerprint(target, TABLES, open_reasons_only=True) == expected

    ferry("rollback", "all", cwd=tmp_path, env=garden)
    assert (
        scalar(
            target,
            "SELECT (SELECT count(*) FROM plots) + (SELECT count(*) FROM species)"
            " + (SELECT count(*) FROM plantings) + (SELECT count(*) FROM ferry.migration_mappings)",
        )
        == 0
    )


def test_a_junction_keyed_by_a_pair_is_read_batch_after_batch_in_its_key_order(
    garden: dict[str, str], tmp_path: Path
) -> None:
    """In batches of 4, the plantings' 29 keys come in the order of their digests, none read
    twice, none left out; the beds, read batches before their fields, are linked to them once
    the plots are in; and validation agrees."""
    small = {**garden, "FERRY_BATCH_SIZE": "4"}
    ferry("migrate", "all", cwd=tmp_path, env=small)
    ferry("validate", "final", cwd=tmp_path, env=small)
    sources = scalar(garden["FERRY_SOURCE_URL"], "SELECT count(*) FROM planting")
    target = garden["FERRY_TARGET_URL"]
    assert (
        scalar(
            target,
            "SELECT count(DISTINCT batch) FROM ferry.migration_mappings WHERE entity = 'plantings'",
        )
        >= (sources - 1) // 4
    )
    assert (
        scalar(
            target,
            "SELECT (SELECT count(*) FROM ferry.migration_mappings WHERE entity = 'plantings')"
            " + (SELECT count(*) FROM ferry.quarantine WHERE entity = 'plantings')",
        )
        == sources
    )
    assert scalar(target, LINKED_TO_THEIR_FIELD) == 10
