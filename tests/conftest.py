"""Shared fixtures: a real PostgreSQL server and a fresh database per test.

The server is, in order: the one named by FERRY_TEST_URL, the local server on
127.0.0.1:5432 if it answers, else an embedded pgserver started for the session.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ferry.db.urls import with_database

LOCAL_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session", autouse=True)
def state_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Runs started in the test process keep their logs here, not in the checkout's .ferry."""
    directory = tmp_path_factory.mktemp("state")
    previous = os.environ.get("FERRY_STATE_DIR")
    os.environ["FERRY_STATE_DIR"] = str(directory)
    yield directory
    if previous is None:
        os.environ.pop("FERRY_STATE_DIR", None)
    else:
        os.environ["FERRY_STATE_DIR"] = previous


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a maintenance database on a server where tests may create databases."""
    configured = os.environ.get("FERRY_TEST_URL")
    if configured:
        yield configured
        return
    if _answers(LOCAL_SERVER_URL):
        yield LOCAL_SERVER_URL
        return
    from ferry.db.embedded import EmbeddedServer

    server = EmbeddedServer(Path(tmp_path_factory.mktemp("pg")) / "pgdata")
    yield server.start().maintenance_url
    server.stop()


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    """Create database `name` (optionally cloned from `template`) and return its URL."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(statement)
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def database_factory(server_url: str) -> Iterator:
    """Makes fresh databases (optionally from a template); drops them after the test."""
    made: list[str] = []

    def make(template: str | None = None) -> str:
        name = f"ferry_test_{uuid.uuid4().hex[:12]}"
        made.append(name)
        return create_database(server_url, name, template)

    yield make
    for name in made:
        drop_database(server_url, name)


@pytest.fixture
def new_database(database_factory) -> str:
    """URL of a fresh, empty database, dropped after the test."""
    return database_factory()


@pytest.fixture(scope="module")
def state_database(server_url: str) -> Iterator[str]:
    """A database with ferry's state schema installed, shared by one test module."""
    from ferry.state.schema import ensure_state_schema

    name = f"ferry_state_{uuid.uuid4().hex[:12]}"
    url = create_database(server_url, name)
    with psycopg.connect(url) as conn:
        ensure_state_schema(conn)
    yield url
    drop_database(server_url, name)


TEST_SCALE = 0.02
TEST_SEED = 1


@pytest.fixture(scope="session")
def legacy_template(server_url: str) -> Iterator[str]:
    """Name of a template database holding legacy data at TEST_SCALE (built once a session)."""
    from ferry.brius import legacy

    name = f"ferry_tpl_legacy_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    with psycopg.connect(url) as conn:
        legacy.install_schema(conn)
        legacy.generate(conn, scale=TEST_SCALE, seed=TEST_SEED)
        conn.commit()
    yield name
    drop_database(server_url, name)


@pytest.fixture(scope="session")
def target_template(server_url: str) -> Iterator[str]:
    """Name of a template database with the lab's target schema installed."""
    from ferry.brius import target

    name = f"ferry_tpl_target_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    with psycopg.connect(url) as conn:
        target.install_schema(conn)
        conn.commit()
    yield name
    drop_database(server_url, name)


@pytest.fixture
def worlds(database_factory, legacy_template: str, target_template: str) -> dict[str, str]:
    """Fresh copies of the legacy and target databases: FERRY_SOURCE_URL / FERRY_TARGET_URL."""
    return {
        "FERRY_SOURCE_URL": database_factory(legacy_template),
        "FERRY_TARGET_URL": database_factory(target_template),
    }


CATALOGUE_SCALE = 0.05


@pytest.fixture(scope="session")
def legacy_template_catalogue(server_url: str) -> Iterator[str]:
    """Name of a template database with legacy data at CATALOGUE_SCALE, TEST_SEED: the scale
    the catalogue's ground-truth tests run at (built once a session, cloned per test)."""
    from ferry.brius import legacy

    name = f"ferry_tpl_catalogue_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    with psycopg.connect(url) as conn:
        legacy.install_schema(conn)
        legacy.generate(conn, scale=CATALOGUE_SCALE, seed=TEST_SEED)
        conn.commit()
    yield name
    drop_database(server_url, name)


CRASH_SCALE = 0.03


@pytest.fixture(scope="session")
def legacy_template_crash(server_url: str) -> Iterator[str]:
    """Name of a template database with legacy data at CRASH_SCALE, TEST_SEED: enough batches
    of `migrate all` for twenty kills to land between many commits (built once a session).
    test_crash_anywhere reads it directly as its source: ferry writes nothing in a source, and
    cloning it for every target would cost a checkpoint per database dropped."""
    from ferry.brius import legacy

    name = f"ferry_tpl_crash_{uuid.uuid4().hex[:8]}"
    url = create_database(server_url, name)
    with psycopg.connect(url) as conn:
        legacy.install_schema(conn)
        legacy.generate(conn, scale=CRASH_SCALE, seed=TEST_SEED)
        conn.commit()
    yield name
    drop_database(server_url, name)


# Scheduling (`make test` runs `--dist loadfile --no-loadscope-reorder`): a module's tests stay
# on one worker, which builds its module fixtures once, and modules are handed out in the order
# below, the longest first, so that no long module starts last and runs alone at the end
# (xdist's default reorder, by number of tests, had sent the five-test period module last).
# The periods are two modules (test_sync_periods*.py) so that they spread over both workers.
LONGEST_FIRST = (
    "tests/e2e/test_sync_periods.py",
    "tests/e2e/test_sync_periods_more.py",
    "tests/e2e/test_crash_anywhere.py",
    "tests/e2e/test_sync_lab.py",
    "tests/e2e/test_bulk_kills.py",
    "tests/e2e/test_ctrl_c.py",
    "tests/e2e/test_secrets.py",
    "tests/e2e/test_cutover.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    rank = {path: position for position, path in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(LONGEST_FIRST)))
