"""Creating and dropping the tests' databases.

Every DROP DATABASE forces a checkpoint and waits for it, which flushes every buffer the other
workers have dirtied meanwhile: dropped one at a time after each test, some 400 databases cost
minutes of the suite in checkpoints (one drop was seen waiting 10 s under load). A test's
databases are retired instead and dropped together, RETIRE_AT at a time and when the process
ends, on DROPPERS connections at once: drops waiting together share a checkpoint (ten drops
here: two checkpoints). The cap bounds the disk the retired databases hold.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg import sql

from ferry.db.urls import with_database

RETIRE_AT = 60
DROPPERS = 10
_retired: list[tuple[str, str]] = []  # (server's maintenance URL, database name)


def create_database(server_url: str, name: str, template: str | None = None) -> str:
    """Create database `name` (optionally cloned from `template`) and return its URL."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(statement)
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    """Drop database `name` now (a forced checkpoint: prefer retire_database)."""
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def drop_databases(server_url: str, names: Iterable[str]) -> None:
    """Drop databases `names` of one server together (see the module's docstring)."""
    with ThreadPoolExecutor(DROPPERS) as droppers:
        list(droppers.map(lambda name: drop_database(server_url, name), names))


def retire_database(server_url: str, name: str) -> None:
    """Drop database `name` with the next burst of retired databases (see RETIRE_AT)."""
    _retired.append((server_url, name))
    if len(_retired) >= RETIRE_AT:
        drop_retired()


def drop_retired() -> None:
    """Drop every retired database now."""
    by_server: dict[str, list[str]] = {}
    for server_url, name in _retired:
        by_server.setdefault(server_url, []).append(name)
    _retired.clear()
    for server_url, names in by_server.items():
        drop_databases(server_url, names)
