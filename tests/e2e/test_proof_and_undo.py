"""Validate proves a migration row by row and names tampering; rollback undoes it exactly.

Runs the real CLI on the lab's catalogue at the test scale.
"""

from __future__ import annotations

import json
import signal
from functools import partial
from pathlib import Path

import psycopg
import pytest

from ferry.brius import target as brius_target
from ferry.brius.catalogue import CATALOGUE
from ferry.errors import ExitCode
from tests.cli.runner import run_ferry
from tests.e2e.helpers import (
    batches_reached,
    committed_batches,
    finish,
    start_ferry,
    table_checksum,
    wait_until,
)


def public_tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return [row[0] for row in rows]


def checksums(url: str) -> dict[str, tuple[int, str]]:
    """Every public table's content (ferry's own schema aside)."""
    with psycopg.connect(url) as conn:
        return {table: table_checksum(conn, table) for table in public_tables(url)}


def validation(tmp_path: Path, env: dict[str, str], target: str = "final"):
    result = run_ferry("validate", target, "--json", cwd=tmp_path, env=env)
    document = json.loads(result.stdout) if result.stdout.strip() else None
    return result, document


def failed_checks(document) -> dict[tuple[str, str], list[int]]:
    return {
        (entity["entity"], check["check"]): check["legacy_ids"]
        for entity in document["entities"]
        for check in entity["checks"]
        if not check["passed"]
    }


def test_validate_final_verifies_every_migrated_row(tmp_path: Path, migrated_world) -> None:
    """...and an entity ferry wrote one for one (no money, no deduplication) is settled by
    chunk digests in full: for every lab column type, the hash of the target's value equals
    the hash of the expression that wrote it."""
    result, document = validation(tmp_path, migrated_world)
    assert result.exit_code == 0, result.output
    for entity in document["entities"]:
        assert entity["status"] == "passed", entity
        assert entity["verified"] == entity["migrated"] > 0, entity
        declared = CATALOGUE.entities[entity["entity"]]
        if not declared.money_columns and declared.dedup_key is None:
            (content,) = (c for c in entity["checks"] if c["check"] == "content")
            settled = f"({content['checked']:,} settled by chunk digests)"
            assert settled in content["detail"], (entity["entity"], content["detail"])


TAMPERING = {
    "field changed": (
        "target",
        "UPDATE orders SET notes = 'x' WHERE legacy_instruction_id = {id}",
        [("orders", "content")],
    ),
    # Deleted behind the foreign keys' back, as a careless hand could: children become orphans.
    "row deleted": (
        "target",
        "SET session_replication_role = replica;"
        " DELETE FROM orders WHERE legacy_instruction_id = {id}",
        [("orders", "keys"), ("orders", "content")],
    ),
    "extra row": (
        "target",
        "INSERT INTO orders (id, patient_id, course_type, course_code, status, status_code,"
        " legacy_instruction_id) SELECT gen_random_uuid(), patient_id, course_type, course_code,"
        " status, status_code, 999999 FROM orders WHERE legacy_instruction_id = {id}",
        [("orders", "keys")],
    ),
    "foreign key pointed elsewhere": (
        "target",
        "UPDATE orders SET patient_id = (SELECT id FROM patients ORDER BY id LIMIT 1 OFFSET 3)"
        " WHERE legacy_instruction_id = {id}",
        [("orders", "content")],
    ),
    "mapping removed": (
        "target",
        "DELETE FROM ferry.migration_mappings WHERE entity = 'orders' AND legacy_id = {id}",
        [("orders", "accounting"), ("orders", "keys")],
    ),
    "source changed": (
        "source",
        "UPDATE dispatch_instruction SET notes = 'x' WHERE id = {id}",
        [("orders", "content")],
    ),
    "one cent": (
        "target",
        "UPDATE orders SET amount = amount + 0.01 WHERE legacy_instruction_id = {id}",
        [("orders", "content")],
    ),
}


# The target column a content finding names for a tampered value.
COLUMN_NAMED = {"one cent": "amount", "foreign key pointed elsewhere": "patient_id"}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_named(tmp_path: Path, migrated_world, case: str) -> None:
    side, statement, expected = TAMPERING[case]
    with psycopg.connect(migrated_world["FERRY_TARGET_URL"]) as conn:
        legacy_id = conn.execute(
            "SELECT max(legacy_instruction_id) FROM orders WHERE amount IS NOT NULL"
        ).fetchone()[0]
    url = migrated_world["FERRY_SOURCE_URL" if side == "source" else "FERRY_TARGET_URL"]
    with psycopg.connect(url) as conn:
        conn.execute(statement.format(id=legacy_id))
    result, document = validation(tmp_path, migrated_world, "orders")
    assert result.exit_code == ExitCode.VALIDATION_FAILED, result.output
    found = failed_checks(document)
    named = legacy_id if case != "extra row" else 999999
    for key in expected:
        assert named in found.pop(key), (case, key)
    if case in COLUMN_NAMED:
        (content,) = (
            c for e in document["entities"] if e["entity"] == "orders" for c in e["checks"]
            if c["check"] == "content"
        )  # fmt: skip
        assert f"differing in {COLUMN_NAMED[case]} (1)" in content["detail"], content["detail"]
        assert "ferry sync orders" in content["detail"], content["detail"]
    allowed = {("orders", "money:amount")}
    if case == "row deleted":  # its children now point at nothing
        allowed |= {(entity, "integrity") for entity, _check in found}
    assert set(found) <= allowed, found


def test_rollback_all_restores_the_target_including_history(tmp_path: Path, worlds) -> None:
    with (
        psycopg.connect(worlds["FERRY_SOURCE_URL"]) as source,
        psycopg.connect(worlds["FERRY_TARGET_URL"]) as target,
    ):
        brius_target.prefill_history(source, target)
    before = checksums(worlds["FERRY_TARGET_URL"])
    assert run_ferry("migrate", "all", cwd=tmp_path, env=worlds).exit_code == 0
    assert checksums(worlds["FERRY_TARGET_URL"]) != before
    result = run_ferry("rollback", "all", cwd=tmp_path, env=worlds)
    assert result.exit_code == 0, result.output
    assert checksums(worlds["FERRY_TARGET_URL"]) == before


def test_rollback_of_orders_is_refused_while_tasks_exist_then_cascades(
    tmp_path: Path, migrated_world
) -> None:
    refused = run_ferry("rollback", "orders", cwd=tmp_path, env=migrated_world)
    assert refused.exit_code == ExitCode.STATE
    assert "would strand rows of" in refused.stderr and "tasks (" in refused.stderr
    assert "--cascade" in refused.stderr
    done = run_ferry("rollback", "orders", "--cascade", cwd=tmp_path, env=migrated_world)
    assert done.exit_code == 0, done.output
    with psycopg.connect(migrated_world["FERRY_TARGET_URL"]) as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM patients").fetchone()[0] > 0


def test_killed_rollback_resumes_to_the_same_state(
    tmp_path: Path, migrated_world, migrated_copies
) -> None:
    clean = migrated_copies()
    assert run_ferry("rollback", "all", cwd=tmp_path, env=clean).exit_code == 0
    small = ["--batch-size", "25"]
    target = migrated_world["FERRY_TARGET_URL"]
    start = committed_batches(target)
    kills = 0
    for step in (3, 9):
        process = start_ferry(*small, "rollback", "all", cwd=tmp_path, env=migrated_world)
        wait_until(partial(batches_reached, target, start + step, process))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        finish(process)
    assert kills >= 1, "the rollback finished before it could be interrupted"
    result = run_ferry(*small, "rollback", "all", cwd=tmp_path, env=migrated_world)
    assert result.exit_code == 0, result.output
    assert checksums(target) == checksums(clean["FERRY_TARGET_URL"])
