"""Connections that drop, a server that goes away, locks held by others (issue 8, items 2-4).

The lab's core chain at the tests' scale, in small batches:
- ferry's source and target backends terminated at seeded random moments: every failure is
  retried, the run completes, and its result equals a clean run's;
- every attempt at a batch dropped: once the retry budget is spent ferry stops with one
  sentence and its class's exit code, and a re-run completes;
- the server stopped mid-run: one sentence within the retry budget; started again, the
  migration completes with nothing lost;
- a target table locked by another session: ferry waits its lock timeout, then stops with one
  sentence naming the table;
- while a run is in progress, `ferry status` answers and a second run is refused.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from subprocess import Popen

import psycopg
import pytest
from psycopg import sql

from ferry.brius import legacy
from ferry.brius import target as brius_target
from ferry.db.embedded import EmbeddedServer
from ferry.errors import ExitCode
from ferry.state.lock import RUN_LOCK_KEY
from tests.cli.runner import Result, run_ferry
from tests.conftest import TEST_SCALE, TEST_SEED
from tests.databases import create_database, retire_database
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
# Small batches and two workers (orders is then cut into two slices loaded at once), the same
# for every run whose result is compared with the clean one.
RUN = ["--batch-size", "20", "--workers", "2"]
QUICK_RETRIES = {"FERRY_RETRY_ATTEMPTS": "2", "FERRY_RETRY_BACKOFF": "0.05"}
EXIT_OF_SIDE = {"source": ExitCode.SOURCE, "target": ExitCode.TARGET}


def error_sentence(result: Result) -> str:
    """The one error line of a failed command, checked to be a single sentence."""
    assert "Traceback" not in result.output, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    sentence = errors[0].removeprefix("error: ")
    assert sentence.endswith("."), sentence
    assert not re.search(r"[.!?]\s", sentence), f"more than one sentence: {sentence}"
    return sentence


def assert_exit_of_its_side(result: Result, sentence: str) -> None:
    """The exit code is the one of the side (source or target) the sentence blames."""
    side = re.search(r"\b(source|target) database", sentence)
    assert side, sentence
    assert result.exit_code == EXIT_OF_SIDE[side[1]], result.output


def terminate(url: str, role: str) -> int:
    """Terminate ferry's `role` backends (source or target) on this database only: other
    tests may be running ferry on the same server."""
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name LIKE %s",
            (f"ferry run % {role}",),
        ).fetchone()[0]


def entity_batches(target_url: str, entity: str) -> int:
    with psycopg.connect(target_url, autocommit=True) as conn:
        if conn.execute("SELECT to_regclass('ferry.migration_control')").fetchone()[0] is None:
            return 0
        return conn.execute(
            "SELECT count(*) FROM ferry.migration_control WHERE entity = %s AND batch IS NOT NULL",
            (entity,),
        ).fetchone()[0]


def entity_underway(target_url: str, entity: str, goal: int, process: Popen) -> bool:
    """`entity` has committed `goal` batches, or the process has ended."""
    return entity_batches(target_url, entity) >= goal or process.poll() is not None


def migrate_parents(tmp_path: Path, env: dict[str, str]) -> None:
    """Everything orders depends on, in full-size batches: tests that need a run under way
    in small batches then spend that time on orders alone."""
    result = run_ferry("migrate", "patients", cwd=tmp_path, env=env)
    assert result.exit_code == 0, result.output


def kill_if_running(process: Popen) -> None:
    """Leave no ferry behind when a test fails midway."""
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def clean_run(
    server_url: str, legacy_template: str, target_template: str, tmp_path_factory
) -> Iterator[dict[str, object]]:
    """The fingerprint of an undisturbed `migrate orders` (built once for the module)."""
    names = [f"ferry_test_clean_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    env = {
        "FERRY_SOURCE_URL": create_database(server_url, names[0], legacy_template),
        "FERRY_TARGET_URL": create_database(server_url, names[1], target_template),
    }
    try:
        result = run_ferry(*RUN, "migrate", "orders", cwd=tmp_path_factory.mktemp("clean"), env=env)
        assert result.exit_code == 0, result.output
        yield fingerprint(env["FERRY_TARGET_URL"], CORE)
    finally:
        for name in names:
            retire_database(server_url, name)


def test_dropped_connections_are_retried_and_change_nothing(
    tmp_path: Path, worlds: dict[str, str], clean_run: dict[str, object]
) -> None:
    env = {**worlds, "FERRY_RETRY_BACKOFF": "0.1"}
    source, target = worlds["FERRY_SOURCE_URL"], worlds["FERRY_TARGET_URL"]
    rng = random.Random(20261208)
    killed: Counter[str] = Counter()
    process = start_ferry(*RUN, "migrate", "orders", cwd=tmp_path, env=env)
    try:
        for _ in range(6):
            goal = committed_batches(target) + rng.randint(1, 4)
            wait_until(partial(batches_reached, target, goal, process))
            wait_until(lambda: False, timeout=rng.uniform(0, 0.05))  # land anywhere in a batch
            if process.poll() is not None:
                break
            killed["source"] += terminate(source, "source")
            killed["target"] += terminate(target, "target")
        result = finish(process)
    finally:
        kill_if_running(process)
    assert killed["source"] >= 3 and killed["target"] >= 3, killed
    assert result.exit_code == 0, result.output
    assert "source connection failed" in result.stderr, result.stderr
    assert "target connection failed" in result.stderr, result.stderr
    assert fingerprint(target, CORE) == clean_run
    assert_accounting_holds(tmp_path, worlds, CORE)


# Every batch of orders terminates its own backend as it records itself, so that each attempt
# fails the same way a dropped connection does.
DROP_EVERY_ORDERS_BATCH = """
CREATE FUNCTION public.ferry_test_drop_connection() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_terminate_backend(pg_backend_pid());
    RETURN NEW;
END $$;
CREATE TRIGGER ferry_test_drop_connection BEFORE INSERT ON ferry.migration_control
    FOR EACH ROW WHEN (NEW.entity = 'orders' AND NEW.batch IS NOT NULL)
    EXECUTE FUNCTION public.ferry_test_drop_connection();
"""
STOP_DROPPING = """
DROP TRIGGER ferry_test_drop_connection ON ferry.migration_control;
DROP FUNCTION public.ferry_test_drop_connection();
"""


def test_spent_retry_budget_stops_with_one_sentence_and_a_rerun_completes(
    tmp_path: Path, worlds: dict[str, str]
) -> None:
    env = {**worlds, **QUICK_RETRIES}
    target = worlds["FERRY_TARGET_URL"]
    assert run_ferry("init", cwd=tmp_path, env=env).exit_code == 0
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(DROP_EVERY_ORDERS_BATCH)
    failed = run_ferry("migrate", "orders", cwd=tmp_path, env=env)
    sentence = error_sentence(failed)
    assert failed.exit_code == ExitCode.TARGET, failed.output
    assert "loading orders into public.orders" in sentence
    assert "gave up after 2 attempts" in sentence
    assert entity_batches(target, "orders") == 0
    assert_logged_as_retried_then_failed(tmp_path, env)
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute(STOP_DROPPING)
    rerun = run_ferry("migrate", "orders", cwd=tmp_path, env=env)
    assert rerun.exit_code == 0, rerun.output
    assert_accounting_holds(tmp_path, worlds, CORE)


def assert_logged_as_retried_then_failed(tmp_path: Path, env: dict[str, str]) -> None:
    """The run's log tells the story: the retry with its SQLSTATE, the failure, the end."""
    shown = run_ferry("logs", "--json", cwd=tmp_path, env=env)
    assert shown.exit_code == 0, shown.output
    events = [json.loads(line) for line in shown.stdout.splitlines()]
    retries = [e for e in events if e["event"] == "retry" and e["entity"] == "orders"]
    assert retries and retries[0]["sqlstate"] == "57P01" and retries[0]["side"] == "target"
    failed = [e for e in events if e["event"] == "entity_failed"]
    assert [e["entity"] for e in failed] == ["orders"]
    assert failed[0]["error_class"] == "TargetError" and "gave up" in failed[0]["error"]
    assert events[-1]["event"] == "run_finished" and events[-1]["status"] == "failed"


@pytest.fixture
def own_server() -> Iterator[EmbeddedServer]:
    """A PostgreSQL this test may stop, with legacy data at the test scale and the target
    schema (built in-process, as the session's templates are: a subprocess per step costs
    seconds on a loaded machine).

    Its data directory lives outside pytest's temporary root: run as root, pgserver runs the
    server as another user, and every pytest session that starts meanwhile resets that root
    to mode 0700, which locks the server out of its own files.
    """
    home = Path(tempfile.mkdtemp(prefix="ferry-server-gone-"))
    server = EmbeddedServer(home / "pgdata").start()
    try:
        server.ensure_databases()
        with psycopg.connect(server.url("legacy")) as conn:
            legacy.install_schema(conn)
            legacy.generate(conn, scale=TEST_SCALE, seed=TEST_SEED)
        with psycopg.connect(server.url("target")) as conn:
            brius_target.install_schema(conn)
        yield server
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def test_server_gone_mid_run_stops_then_resumes_with_nothing_lost(
    tmp_path: Path, own_server: EmbeddedServer
) -> None:
    worlds = {
        "FERRY_SOURCE_URL": own_server.url("legacy"),
        "FERRY_TARGET_URL": own_server.url("target"),
    }
    env = {**worlds, **QUICK_RETRIES}
    target = worlds["FERRY_TARGET_URL"]
    batches = ["--batch-size", "10", "--workers", "2"]
    migrate_parents(tmp_path, env)
    process = start_ferry(*batches, "migrate", "orders", cwd=tmp_path, env=env)
    try:
        assert wait_until(partial(entity_underway, target, "orders", 3, process))
        assert process.poll() is None, "orders finished before the server could be stopped"
        own_server.stop()
        result = finish(process)
    finally:
        kill_if_running(process)
    sentence = error_sentence(result)
    assert_exit_of_its_side(result, sentence)
    assert "gave up after 2 attempts" in sentence
    own_server.start()
    rerun = run_ferry(*batches, "migrate", "orders", cwd=tmp_path, env=env)
    assert rerun.exit_code == 0, rerun.output
    assert_accounting_holds(tmp_path, worlds, CORE)
    validated = run_ferry("validate", "orders", cwd=tmp_path, env=env)
    assert validated.exit_code == 0, validated.output


def test_a_locked_target_table_stops_the_run_naming_it(
    tmp_path: Path, worlds: dict[str, str]
) -> None:
    env = {**worlds, "FERRY_LOCK_TIMEOUT": "1000"}
    with psycopg.connect(worlds["FERRY_TARGET_URL"]) as holder:
        holder.execute("LOCK TABLE public.orders IN ACCESS EXCLUSIVE MODE")
        locked = run_ferry("migrate", "orders", cwd=tmp_path, env=env, timeout=60)
        holder.rollback()
    sentence = error_sentence(locked)
    assert locked.exit_code == ExitCode.TARGET, locked.output
    assert "waiting for a lock" in sentence and "public.orders" in sentence, sentence
    assert "FERRY_LOCK_TIMEOUT" in sentence
    rerun = run_ferry("migrate", "orders", cwd=tmp_path, env=env)
    assert rerun.exit_code == 0, rerun.output
    assert_accounting_holds(tmp_path, worlds, CORE)


def status_of(tmp_path: Path, env: dict[str, str], entity: str) -> dict:
    """`ferry status --json` for one entity; it must answer (exit 0) within 30 s."""
    result = run_ferry("status", "--json", cwd=tmp_path, env=env, timeout=30)
    assert result.exit_code == 0, result.output
    return next(e for e in json.loads(result.stdout)["entities"] if e["entity"] == entity)


def while_paused(target_url: str, table: tuple[str, str], check: Callable[[], None]) -> None:
    """Run `check` while another session holds `table` in SHARE mode: ferry's next insert
    waits, reads do not, so the run is certainly in progress while `check` looks at it."""
    with psycopg.connect(target_url) as pause:
        pause.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(sql.Identifier(*table)))
        check()
        pause.rollback()


@contextmanager
def decoy_run_lock(url: str) -> Iterator[None]:
    """ferry's run lock held on another database of the same server, under a name of its
    own: the refusal must name the holder of this target, not this one."""
    with psycopg.connect(url, autocommit=True) as decoy:
        decoy.execute("SET application_name = 'ferry run 999999 lock'")
        decoy.execute("SELECT pg_advisory_lock(%s)", (RUN_LOCK_KEY,))
        yield


def test_status_answers_and_a_second_run_is_refused_during_a_run(
    tmp_path: Path, worlds: dict[str, str]
) -> None:
    env = {**worlds, "FERRY_LOCK_TIMEOUT": "60000"}
    target = worlds["FERRY_TARGET_URL"]
    migrate_parents(tmp_path, env)
    process = start_ferry(*RUN, "migrate", "orders", cwd=tmp_path, env=env)

    def look() -> None:
        assert process.poll() is None, "the run ended before it could be looked at"
        orders = status_of(tmp_path, env, "orders")
        assert orders["last_run"]["status"] == "running", orders
        assert orders["state"] == "partial" and orders["migrated"] > 0, orders
        with decoy_run_lock(worlds["FERRY_SOURCE_URL"]):
            second = run_ferry("migrate", "orders", cwd=tmp_path, env=env, timeout=60)
        assert second.exit_code == ExitCode.STATE, second.output
        holder = f"ferry run {orders['last_run']['run_id']} lock"
        assert holder in error_sentence(second)

    try:
        assert wait_until(partial(entity_underway, target, "orders", 1, process))
        while_paused(target, ("public", "orders"), look)
        result = finish(process)
    finally:
        kill_if_running(process)
    assert result.exit_code == 0, result.output
    assert_accounting_holds(tmp_path, worlds, CORE)


@pytest.mark.parametrize("setting", ["FERRY_RETRY_ATTEMPTS=0", "FERRY_RETRY_BACKOFF=-1"])
def test_a_retry_budget_out_of_range_is_refused(tmp_path: Path, setting: str) -> None:
    name, value = setting.split("=")
    result = run_ferry("config", cwd=tmp_path, env={name: value})
    assert result.exit_code == ExitCode.USAGE, result.output  # a bad value: exit 2 (issue 18)
    sentence = error_sentence(result)
    assert name in sentence and "--retry" not in sentence  # there is no such option
