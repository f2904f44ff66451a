"""One run per target at a time: a session-level PostgreSQL advisory lock.

The lock lives as long as the connection that took it, so a crashed ferry releases it by
itself. A second run is refused with one sentence naming the holder, read from
pg_stat_activity (ferry names its connections `ferry run <id> ...`).
"""

from __future__ import annotations

import psycopg

from ferry.errors import StateError

RUN_LOCK_KEY = 0x66657279  # "fery"


def holder_description(conn: psycopg.Connection) -> str:
    """Who holds this target's run lock. Advisory locks belong to one database, but pg_locks
    shows the whole server's: without the database filter, a run on another database of the
    same server would be named as the holder."""
    row = conn.execute(
        "SELECT a.application_name, a.pid, a.client_addr, a.backend_start"
        " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
        " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = %s"
        " AND l.objsubid = 1"
        " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        " LIMIT 1",
        (RUN_LOCK_KEY,),
    ).fetchone()
    if row is None:
        return "another ferry run"
    name, pid, addr, started = row
    where = f" from {addr}" if addr else ""
    return (
        f"{name or 'another session'} (backend pid {pid}{where}, since {started:%Y-%m-%d %H:%M:%S})"
    )


def acquire_run_lock(conn: psycopg.Connection) -> None:
    """Take the target's run lock on `conn` (autocommit), or refuse naming who holds it."""
    taken = conn.execute("SELECT pg_try_advisory_lock(%s)", (RUN_LOCK_KEY,)).fetchone()[0]
    if not taken:
        raise StateError(
            f"Another ferry run holds this target: {holder_description(conn)}; wait for it to "
            "finish or stop it, then run again."
        )
