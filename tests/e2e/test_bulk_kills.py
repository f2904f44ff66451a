"""Bulk loads survive SIGKILL in each of their states: while constraints are deferred, during their
rebuild (an index build), and during a VALIDATE; after each, the next command restores the schema,
and the migration ends as an uninterrupted one, every constraint present and valid.

Each moment is reached for certain, not by chance: the test holds a lock that the step it wants to
interrupt needs (ROW EXCLUSIVE on the table blocks CREATE INDEX, not the batches; bulk's validation
lock blocks VALIDATE, not the load), sees ferry's backend waiting there, and kills. One `migrate
all` at the tests' scale, killed three times, against an uninterrupted twin.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from ferry.brius.catalogue import CATALOGUE
from ferry.engine.bulk import VALIDATION_LOCK, schema_problems
from tests.cli.runner import run_ferry
from tests.databases import create_database, retire_database
from tests.e2e.helpers import (
    assert_accounting_holds,
    fingerprint,
    start_ferry,
    status_json,
    wait_until,
)
from tests.e2e.twin_checks import compare, target_tables

ARGS = ("--batch-size", "500", "--workers", "2")
# The killed lives run one entity at a time, in plan order: nothing runs ahead of the entity a
# kill aims at (tasks in phase 5; case_files, then order_files later in phase 6).
ONE_AT_A_TIME = ("--batch-size", "500", "--workers", "1")
TIMEOUT = 300

PENDING = (
    "SELECT count(*) FROM ferry.deferred_constraints WHERE entity = %s AND restored_at IS NULL"
)
# A ferry backend of this target waiting for a lock while running `statement`.
WAITING = (
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
    " AND application_name LIKE 'ferry run %%' AND wait_event_type IN ('Lock', 'Advisory')"
    " AND query ILIKE %s"
)
NOT_VALID = "SELECT count(*) FROM pg_constraint WHERE NOT convalidated AND conrelid = %s::regclass"


@dataclass
class Lives:
    """What each killed life left behind, and the state of the twins at the end."""

    seen: dict[str, int] = field(default_factory=dict)
    final_exit: int | None = None
    final_output: str = ""


def _count(conn: psycopg.Connection, query: str, *args: object) -> int:
    if conn.execute("SELECT to_regclass('ferry.deferred_constraints')").fetchone()[0] is None:
        return 0
    return conn.execute(query, args).fetchone()[0]


def _kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _no_ferry_backend(conn: psycopg.Connection) -> bool:
    """The killed client's backends have ended (a statement in progress runs to its end)."""
    return (
        conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND application_name LIKE 'ferry %%'"
        ).fetchone()[0]
        == 0
    )


@pytest.fixture(scope="module")
def lives(
    server_url: str, legacy_template: str, target_template: str, tmp_path_factory
) -> Iterator[tuple[Lives, dict[str, str], dict[str, str], Path]]:
    names = [f"ferry_bulk_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("source", "clean", "killed")]
    source = create_database(server_url, names[0], legacy_template)  # the template stays free
    cwd = tmp_path_factory.mktemp("bulk")
    envs = [
        {
            "FERRY_SOURCE_URL": source,
            "FERRY_TARGET_URL": create_database(server_url, n, target_template),
        }
        for n in names[1:]
    ]
    clean, killed = envs
    lives = Lives()
    try:
        twin = run_ferry(*ARGS, "migrate", "all", cwd=cwd, env=clean, timeout=TIMEOUT)
        assert twin.exit_code == 0, twin.output
        with psycopg.connect(killed["FERRY_TARGET_URL"], autocommit=True) as watch:
            # 1. While deferred: tasks' constraints dropped, some of its batches committed.
            life = start_ferry(*ONE_AT_A_TIME, "migrate", "all", cwd=cwd, env=killed)
            reached = wait_until(
                lambda: (
                    _count(watch, PENDING, "tasks") > 0
                    and _count(
                        watch,
                        "SELECT count(*) FROM ferry.migration_control"
                        " WHERE entity = %s AND batch IS NOT NULL",
                        "tasks",
                    )
                    >= 2
                ),
                timeout=TIMEOUT,
            )
            assert reached and life.poll() is None, "tasks was never bulk-loaded"
            _kill(life)
            lives.seen["deferred"] = _count(watch, PENDING, "tasks")
            wait_until(lambda: _no_ferry_backend(watch), timeout=TIMEOUT)
            statuses = {e["entity"]: e for e in status_json(cwd, killed)}
            lives.seen["status_deferred"] = statuses["tasks"]["constraints_deferred"]

            # 2. During the rebuild: case_files' index build waits for the test's ROW EXCLUSIVE.
            life = start_ferry(*ONE_AT_A_TIME, "migrate", "all", cwd=cwd, env=killed)
            assert wait_until(lambda: _count(watch, PENDING, "case_files") > 0, timeout=TIMEOUT)
            lives.seen["tasks_restored_first"] = int(_count(watch, PENDING, "tasks") == 0)
            with psycopg.connect(killed["FERRY_TARGET_URL"]) as holder:
                holder.execute("LOCK TABLE case_files IN ROW EXCLUSIVE MODE")
                assert wait_until(
                    lambda: _count(watch, WAITING, "CREATE INDEX%case_files%") > 0, timeout=TIMEOUT
                ), "the index build of case_files was never reached"
                _kill(life)
            wait_until(lambda: _no_ferry_backend(watch), timeout=TIMEOUT)
            lives.seen["rebuild"] = _count(watch, PENDING, "case_files")

            # 3. During a VALIDATE: order_files' foreign key added NOT VALID, its validation
            # waiting for bulk's validation lock.
            life = start_ferry(*ONE_AT_A_TIME, "migrate", "all", cwd=cwd, env=killed)
            assert wait_until(
                lambda: (
                    _count(watch, PENDING, "order_files") > 0
                    and _count(watch, PENDING, "case_files") == 0
                ),
                timeout=TIMEOUT,
            )
            with psycopg.connect(killed["FERRY_TARGET_URL"], autocommit=True) as holder:
                holder.execute("SELECT pg_advisory_lock(hashtext(%s))", (VALIDATION_LOCK,))
                assert wait_until(
                    lambda: (
                        _count(watch, WAITING, "%pg_advisory_xact_lock_shared%") > 0
                        and _count(watch, NOT_VALID, "order_files") > 0
                    ),
                    timeout=TIMEOUT,
                ), "the validation of order_files was never reached"
                _kill(life)
                lives.seen["validate"] = _count(watch, NOT_VALID, "order_files")
            wait_until(lambda: _no_ferry_backend(watch), timeout=TIMEOUT)

        final = run_ferry(*ARGS, "migrate", "all", cwd=cwd, env=killed, timeout=TIMEOUT)
        lives.final_exit, lives.final_output = final.exit_code, final.output
        yield lives, clean, killed, cwd
    finally:
        for name in names:
            retire_database(server_url, name)


def test_each_kill_landed_in_the_state_it_aimed_at(lives) -> None:
    seen = lives[0].seen
    assert seen["deferred"] > 0 and seen["status_deferred"] == seen["deferred"], seen
    assert seen["tasks_restored_first"] == 1, seen
    assert seen["rebuild"] > 0 and seen["validate"] > 0, seen


def test_after_three_kills_the_migration_ends_as_an_uninterrupted_one(lives) -> None:
    found, clean, killed, cwd = lives
    assert found.final_exit == 0, found.final_output
    tables = target_tables()
    if fingerprint(killed["FERRY_TARGET_URL"], tables) != fingerprint(
        clean["FERRY_TARGET_URL"], tables
    ):
        difference = compare(clean["FERRY_TARGET_URL"], killed["FERRY_TARGET_URL"])
        pytest.fail(f"rows lost {difference.lost}, rows extra {difference.extra}")
    assert_accounting_holds(cwd, killed, list(CATALOGUE.entities))


SCHEMA = """
SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid)
       || CASE WHEN c.convalidated THEN '' ELSE ' NOT VALID' END
FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace
UNION ALL
SELECT i.indrelid::regclass::text || ' ' || pg_get_indexdef(i.indexrelid)
       || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
WHERE t.relnamespace = 'public'::regnamespace
"""


def test_every_constraint_and_index_is_back_and_valid(lives) -> None:
    """The same constraints and indexes as the twin's (which were restored too) and as a
    schema no load touched, all valid; the ledger has nothing pending."""
    _, clean, killed, _ = lives
    with (
        psycopg.connect(clean["FERRY_TARGET_URL"]) as twin,
        psycopg.connect(killed["FERRY_TARGET_URL"]) as target,
    ):
        assert schema_problems(target) == [] and schema_problems(twin) == []
        assert sorted(r[0] for r in target.execute(SCHEMA)) == sorted(
            r[0] for r in twin.execute(SCHEMA)
        )
        deferred = target.execute(
            "SELECT count(DISTINCT entity) FROM ferry.deferred_constraints"
        ).fetchone()[0]
    assert deferred > 10  # most tables were bulk-loaded


def test_the_twin_schema_equals_a_freshly_installed_one(
    lives, database_factory, target_template
) -> None:
    _, clean, _, _ = lives
    fresh = database_factory(target_template)
    with psycopg.connect(fresh) as untouched, psycopg.connect(clean["FERRY_TARGET_URL"]) as twin:
        assert sorted(r[0] for r in twin.execute(SCHEMA)) == sorted(
            r[0] for r in untouched.execute(SCHEMA)
        )
