"""Crash anywhere: `ferry migrate all` SIGKILLed at 20 random moments and `ferry rollback all` at
10, each time started again, end exactly where uninterrupted runs end.

The tests' scale on a target that earlier tools had partly filled, batches of 200 and two
workers: hundreds of commits, sliced entities, parallel phases and adopted mappings, so the kills
land in source reads, transforms, COPY, the set-based statements and commits (`-s` prints where).
The kill loop and the comparisons are shared with the soak (`make soak`).
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from ferry.brius.catalogue import CATALOGUE
from ferry.brius.target import prefill_history
from tests.cli.runner import Result, run_ferry
from tests.databases import create_database, retire_database
from tests.e2e.helpers import assert_accounting_holds, fingerprint
from tests.e2e.kill_loop import Command, KillReport, committed_batches, kill_loop
from tests.e2e.twin_checks import (
    accounted_twice,
    analyze_mappings,
    compare,
    duplicate_legacy_keys,
    leftovers,
    public_checksums,
    target_tables,
)

BATCH_SIZE = 200
ARGS = ("--batch-size", str(BATCH_SIZE), "--workers", "2")
MIGRATE_KILLS = 20
ROLLBACK_KILLS = 10
SEED = 20261126
TIMEOUT = 300


@dataclass(frozen=True)
class Tortured:
    """A migration finished after many kills, its uninterrupted twin, and the public tables
    of the target before either (the earlier tools' rows only)."""

    before: dict[str, tuple[int, str]]
    clean: dict[str, str]
    tortured: dict[str, str]
    report: KillReport
    final: Result
    batch_seconds: float
    cwd: Path


def dbname(url: str) -> str:
    return psycopg.conninfo.conninfo_to_dict(url)["dbname"]


def twin_targets(server_url: str, names: list[str], source: str, template: str) -> list[str]:
    """Two targets holding the same rows of earlier tools: filled once (their keys are
    random), then cloned (so no connection may stay open on the first)."""
    clean = create_database(server_url, names[0], template)
    with psycopg.connect(source) as legacy, psycopg.connect(clean) as target:
        prefill_history(legacy, target)
    return [clean, create_database(server_url, names[1], names[0])]


@pytest.fixture(scope="module")
def tortured(
    server_url: str, legacy_template: str, target_template: str, tmp_path_factory
) -> Iterator[Tortured]:
    """One torture serves the module: the migrate test only reads it, the rollback test works
    on a copy. The twin runs first; its batch count and pace spread the kills. Both read one
    copy of the legacy template (a process reading the template would stop other workers from
    cloning it)."""
    kinds = ("source", "clean", "tortured")
    names = [f"ferry_crash_{kind}_{uuid.uuid4().hex[:8]}" for kind in kinds]
    cwd = tmp_path_factory.mktemp("crash")
    try:
        source = create_database(server_url, names[0], legacy_template)
        targets = twin_targets(server_url, names[1:], source, target_template)
        clean, torture = ({"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": t} for t in targets)
        before = public_checksums(torture["FERRY_TARGET_URL"])
        started = time.monotonic()
        uninterrupted = run_ferry(*ARGS, "migrate", "all", cwd=cwd, env=clean, timeout=TIMEOUT)
        assert uninterrupted.exit_code == 0, uninterrupted.output
        total = committed_batches(clean["FERRY_TARGET_URL"], "migrate")
        batch_seconds = (time.monotonic() - started) / total
        command = Command((*ARGS, "migrate", "all"), torture, cwd, "migrate")
        report = kill_loop(command, MIGRATE_KILLS, random.Random(SEED), total, batch_seconds)
        print(f"\nmigrate all: {total} batches; kills landed at {dict(report.moments())}")
        final = run_ferry(*command.args, cwd=cwd, env=torture, timeout=TIMEOUT)
        yield Tortured(before, clean, torture, report, final, batch_seconds, cwd)
    finally:
        for name in names:
            retire_database(server_url, name)


def test_migrate_all_killed_twenty_times_ends_as_an_uninterrupted_run(tortured: Tortured) -> None:
    report, clean, target = tortured.report, tortured.clean, tortured.tortured
    assert report.failure is None, report.failure
    assert len(report.kills) == MIGRATE_KILLS, "the run finished before its last kill"
    assert tortured.final.exit_code == 0, tortured.final.output
    tables = target_tables()
    if fingerprint(target["FERRY_TARGET_URL"], tables) != fingerprint(
        clean["FERRY_TARGET_URL"], tables
    ):  # say by how many rows, and where
        difference = compare(clean["FERRY_TARGET_URL"], target["FERRY_TARGET_URL"])
        pytest.fail(f"rows lost {difference.lost}, rows extra {difference.extra}")
    assert_accounting_holds(tortured.cwd, target, list(CATALOGUE.entities))
    assert duplicate_legacy_keys(target["FERRY_TARGET_URL"]) == {}
    assert accounted_twice(target["FERRY_TARGET_URL"]) == 0
    analyze_mappings(target["FERRY_TARGET_URL"])
    validation = run_ferry("validate", "final", cwd=tortured.cwd, env=target, timeout=TIMEOUT)
    assert validation.exit_code == 0, validation.output


def test_rollback_all_killed_ten_times_restores_the_target_before_migration(
    tortured: Tortured, database_factory, tmp_path: Path
) -> None:
    env = {
        "FERRY_SOURCE_URL": tortured.tortured["FERRY_SOURCE_URL"],
        "FERRY_TARGET_URL": database_factory(dbname(tortured.tortured["FERRY_TARGET_URL"])),
    }
    assert public_checksums(env["FERRY_TARGET_URL"]) != tortured.before
    total = rollback_batches(env["FERRY_TARGET_URL"])
    command = Command((*ARGS, "rollback", "all"), env, tmp_path, "rollback")
    rng = random.Random(SEED + 1)
    report = kill_loop(command, ROLLBACK_KILLS, rng, total, tortured.batch_seconds)
    print(f"\nrollback all: {total} batches; kills landed at {dict(report.moments())}")
    assert report.failure is None, report.failure
    assert len(report.kills) == ROLLBACK_KILLS, "the rollback finished before its last kill"
    final = run_ferry(*command.args, cwd=tmp_path, env=env, timeout=TIMEOUT)
    assert final.exit_code == 0, final.output
    assert public_checksums(env["FERRY_TARGET_URL"]) == tortured.before
    left = leftovers(env["FERRY_TARGET_URL"])
    assert {record: n for record, n in left.items() if n} == {}


def rollback_batches(target_url: str) -> int:
    """The batches an uninterrupted `rollback all` commits: each entity's mappings written by
    ferry, a batch at a time."""
    with psycopg.connect(target_url) as conn:
        return conn.execute(
            "SELECT coalesce(sum(ceil(n / %s::numeric)), 0)::int FROM (SELECT count(*) n"
            " FROM ferry.migration_mappings WHERE origin = 'ferry' GROUP BY entity) counts",
            (BATCH_SIZE,),
        ).fetchone()[0]
