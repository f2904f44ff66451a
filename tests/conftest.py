"""Shared fixtures: a real PostgreSQL server and a fresh database per test.

The server is, in order: the one named by FERRY_TEST_URL, the local server on
127.0.0.1:5432 if it answers, else an embedded pgserver started for the session.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from tests.databases import create_database, drop_retired, retire_database
from tests.shared_templates import RUN_VARIABLE, drop_run_templates, shared_template

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


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish() -> None:
    """The process's retired databases go after its fixtures are torn down (an embedded
    server has stopped by then, and its databases with it)."""
    with contextlib.suppress(psycopg.OperationalError):  # the embedded server is gone
        drop_retired()


@pytest.fixture
def database_factory(server_url: str) -> Iterator:
    """Makes fresh databases (optionally from a template); retires them after the test."""
    made: list[str] = []

    def make(template: str | None = None) -> str:
        name = f"ferry_test_{uuid.uuid4().hex[:12]}"
        made.append(name)
        return create_database(server_url, name, template)

    yield make
    for name in made:
        retire_database(server_url, name)


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
    retire_database(server_url, name)


TEST_SCALE = 0.01
TEST_SEED = 1


@pytest.fixture(scope="session")
def shared(server_url: str, tmp_path_factory: pytest.TempPathFactory):
    """`shared(key, build)`: the name of this run's template `key`, built once for all the
    run's workers (see tests/shared_templates.py)."""
    root = tmp_path_factory.getbasetemp()
    locks = root.parent if "PYTEST_XDIST_WORKER" in os.environ else root

    def template(key: str, build: Callable[[str], None]) -> str:
        return shared_template(server_url, key, locks, build)

    return template


def generated_legacy(server_url: str, scale: float) -> Callable[[str], None]:
    """A build of a legacy database at `scale`, TEST_SEED."""

    def build(name: str) -> None:
        from ferry.brius import legacy

        with psycopg.connect(create_database(server_url, name)) as conn:
            legacy.install_schema(conn)
            legacy.generate(conn, scale=scale, seed=TEST_SEED)
            conn.commit()

    return build


@pytest.fixture(scope="session")
def legacy_template(server_url: str, shared) -> str:
    """Name of a template database holding legacy data at TEST_SCALE (built once a run)."""
    return shared(f"legacy_{TEST_SCALE:g}", generated_legacy(server_url, TEST_SCALE))


@pytest.fixture(scope="session")
def target_template(server_url: str, shared) -> str:
    """Name of a template database with the lab's target schema installed."""

    def build(name: str) -> None:
        from ferry.brius import target

        with psycopg.connect(create_database(server_url, name)) as conn:
            target.install_schema(conn)
            conn.commit()

    return shared("target", build)


def migrated(
    shared, server_url: str, scale: float, legacy: str, target: str, tmp_path_factory
) -> str:
    """This run's template of a target after `ferry migrate all` (default settings) of a copy
    of the `legacy` template at `scale`: a process reading the template itself would stop
    other workers from cloning it."""

    def build(name: str) -> None:
        from tests.cli.runner import run_ferry

        source_name = f"{name}_source"
        env = {
            "FERRY_SOURCE_URL": create_database(server_url, source_name, legacy),
            "FERRY_TARGET_URL": create_database(server_url, name, target),
        }
        try:
            cwd = tmp_path_factory.mktemp("migrated")
            result = run_ferry("migrate", "all", cwd=cwd, env=env, timeout=600)
            assert result.exit_code == 0, result.output
        finally:
            retire_database(server_url, source_name)

    return shared(f"migrated_{scale:g}", build)


@pytest.fixture(scope="session")
def migrated_template(
    server_url: str, shared, legacy_template: str, target_template: str, tmp_path_factory
) -> str:
    """A target template after `ferry migrate all` of `legacy_template` (built once a run)."""
    return migrated(
        shared, server_url, TEST_SCALE, legacy_template, target_template, tmp_path_factory
    )


@pytest.fixture
def migrated_copies(database_factory, legacy_template: str, migrated_template: str):
    """`migrated_copies()`: fresh copies of the legacy database and of its migrated target."""

    def copies() -> dict[str, str]:
        return {
            "FERRY_SOURCE_URL": database_factory(legacy_template),
            "FERRY_TARGET_URL": database_factory(migrated_template),
        }

    return copies


@pytest.fixture
def migrated_world(migrated_copies) -> dict[str, str]:
    """Fresh copies of the legacy database and of its migrated target."""
    return migrated_copies()


@pytest.fixture
def worlds(database_factory, legacy_template: str, target_template: str) -> dict[str, str]:
    """Fresh copies of the legacy and target databases: FERRY_SOURCE_URL / FERRY_TARGET_URL."""
    return {
        "FERRY_SOURCE_URL": database_factory(legacy_template),
        "FERRY_TARGET_URL": database_factory(target_template),
    }


CATALOGUE_SCALE = 0.05


@pytest.fixture(scope="session")
def legacy_template_catalogue(server_url: str, shared) -> str:
    """Name of a template database with legacy data at CATALOGUE_SCALE, TEST_SEED: the scale
    the catalogue's ground-truth tests run at (built once a run, cloned per test)."""
    return shared(f"legacy_{CATALOGUE_SCALE:g}", generated_legacy(server_url, CATALOGUE_SCALE))


@pytest.fixture(scope="session")
def migrated_template_catalogue(
    server_url: str, shared, legacy_template_catalogue: str, target_template: str, tmp_path_factory
) -> str:
    """A target template after `ferry migrate all` of `legacy_template_catalogue`."""
    return migrated(
        shared,
        server_url,
        CATALOGUE_SCALE,
        legacy_template_catalogue,
        target_template,
        tmp_path_factory,
    )


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


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process tags the run before its workers start (they inherit it)."""
    if not hasattr(config, "workerinput"):
        os.environ[RUN_VARIABLE] = uuid.uuid4().hex[:8]


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controlling process drops the run's shared templates once every worker is done
    (an embedded server is gone by then, with its templates)."""
    if hasattr(config, "workerinput"):
        return
    url = os.environ.get("FERRY_TEST_URL") or LOCAL_SERVER_URL
    if _answers(url):
        drop_run_templates(url)
