"""ferry's own schema in the target database, versioned by numbered SQL files.

`ensure_state_schema` applies, in one transaction each and under a transaction-level advisory
lock (two processes may start at once), every file of `sql/` newer than the recorded version.
"""

from __future__ import annotations

import re
from importlib import resources

import psycopg
from psycopg import sql

STATE_SCHEMA = "ferry"
_INIT_LOCK_KEY = 0x66657272  # "ferr": serialises concurrent `ferry init`s
_FILE_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def _migrations() -> list[tuple[int, str]]:
    files = resources.files("ferry.state").joinpath("sql")
    found = []
    for item in files.iterdir():
        match = _FILE_NAME.match(item.name)
        if match:
            found.append((int(match.group(1)), item.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    return _migrations()[-1][0]


def current_version(conn: psycopg.Connection) -> int:
    """The installed version, 0 when ferry's schema is absent."""
    exists = conn.execute("SELECT to_regclass('ferry.schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM ferry.schema_version").fetchone()[0]


def ensure_state_schema(conn: psycopg.Connection) -> list[int]:
    """Install or upgrade ferry's schema; returns the versions applied now (empty if current).

    A current schema is left untouched, so that a run needs no CREATE privilege once `ferry
    init` has installed it (a role that may only write rows can then run ferry).
    """
    if current_version(conn) >= latest_version():
        return []
    applied = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_INIT_LOCK_KEY,))
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(STATE_SCHEMA)))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS ferry.schema_version ("
            " version integer PRIMARY KEY,"
            " installed_at timestamptz NOT NULL DEFAULT now())"
        )
        installed = current_version(conn)
        for version, script in _migrations():
            if version > installed:
                conn.execute(script)
                conn.execute("INSERT INTO ferry.schema_version (version) VALUES (%s)", (version,))
                applied.append(version)
    return applied
