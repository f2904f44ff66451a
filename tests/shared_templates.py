"""Template databases built once per test run and shared by its worker processes.

Every xdist worker used to build its own legacy worlds and migrate its own copies of them:
the same minutes of work done once per worker and once per module. A shared template is
named after the run (`ferry_tpl_<key>_<run>`), built by the first process that asks for it
under a file lock, and cloned by everyone else; the controller drops them all when the run
ends. With an embedded server per process (no server answered), each process has its own
server and so builds its own copy; the lock only serialises the builds.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

import psycopg
from filelock import FileLock
from psycopg import sql

from tests.databases import drop_database, drop_databases

# Set by the controlling process before its workers start, and inherited by them.
RUN_VARIABLE = "FERRY_TEST_RUN"


def run_tag() -> str:
    """This test run's tag (one per `pytest` invocation, shared by its workers)."""
    return os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex[:8])


def shared_template(server_url: str, key: str, locks: Path, build: Callable[[str], None]) -> str:
    """The name of this run's template `key`; `build(name)` creates and fills a database of
    that name the first time. It builds under another name, renamed when done, so that a
    template is never seen incomplete; a build that died half-way is dropped and done again."""
    name = f"ferry_tpl_{key}_{run_tag()}"
    partial = f"{name}_part"
    with (
        FileLock(locks / f"{name}.lock"),
        psycopg.connect(server_url, autocommit=True) as conn,
    ):
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return name
        drop_database(server_url, partial)
        build(partial)
        conn.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(partial), sql.Identifier(name)
            )
        )
    return name


def drop_run_templates(server_url: str) -> None:
    """Drop every template of this run (the controller, once every worker is done)."""
    pattern = f"^ferry_tpl_.*_{run_tag()}(_part)?$"
    with psycopg.connect(server_url, autocommit=True) as conn:
        names = conn.execute("SELECT datname FROM pg_database WHERE datname ~ %s", (pattern,))
        drop_databases(server_url, [name for (name,) in names.fetchall()])
