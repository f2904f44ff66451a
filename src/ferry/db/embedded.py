"""An embedded PostgreSQL server (pgserver) for users who have none.

The server lives in the state directory, listens on a Unix socket only, and outlives the ferry
process that started it, so later commands reuse it; `ferry embedded stop` ends it.
"""

from __future__ import annotations

import logging
import os
import signal
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from ferry.db.urls import with_database
from ferry.errors import ConfigurationError

log = logging.getLogger(__name__)

EMBEDDED_DATABASES = ("legacy", "target")
_STOP_TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class EmbeddedStatus:
    running: bool
    pgdata: Path
    pid: int | None
    socket_dir: str | None


class EmbeddedServer:
    """One pgserver instance rooted at `pgdata`."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata.resolve()

    def start(self) -> EmbeddedServer:
        """Start the server unless it runs (initialising the data directory the first time)."""
        try:
            with warnings.catch_warnings():
                # platformdirs warns when XDG_RUNTIME_DIR is unset; pgserver copes without it.
                warnings.simplefilter("ignore")
                import pgserver
        except ImportError as exc:  # pragma: no cover - pgserver is a declared dependency
            raise ConfigurationError(
                "No database URL is configured and the embedded PostgreSQL (pgserver) is not "
                "installed; set FERRY_SOURCE_URL and FERRY_TARGET_URL or install pgserver."
            ) from exc
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                # cleanup_mode=None: the server must keep running after this process exits.
                server = pgserver.get_server(self.pgdata, cleanup_mode=None)
                # get_server caches handles per process; make sure a cached one is really up.
                server.ensure_postgres_running()
        except Exception as exc:
            raise ConfigurationError(
                f"The embedded PostgreSQL could not start in {self.pgdata} "
                f"({type(exc).__name__}); see {self.pgdata / 'log'}."
            ) from exc
        return self

    @property
    def maintenance_url(self) -> str:
        status = self.status()
        if not status.running or status.socket_dir is None:
            raise ConfigurationError(f"The embedded PostgreSQL in {self.pgdata} is not running.")
        return f"postgresql://postgres@/postgres?host={status.socket_dir}"

    def url(self, database: str) -> str:
        return with_database(self.maintenance_url, database)

    def ensure_databases(self, names: tuple[str, ...] = EMBEDDED_DATABASES) -> None:
        """Create the named databases if they do not exist yet."""
        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:
            existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
            for name in names:
                if name not in existing:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def status(self) -> EmbeddedStatus:
        """Read postmaster.pid: PostgreSQL writes the pid on line 1 and the socket dir on line 5."""
        pid_file = self.pgdata / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid = int(lines[0])
            socket_dir = lines[4] if len(lines) > 4 and lines[4] else None
        except (FileNotFoundError, ValueError, IndexError):
            return EmbeddedStatus(False, self.pgdata, None, None)
        return EmbeddedStatus(_process_alive(pid), self.pgdata, pid, socket_dir)

    def stop(self) -> bool:
        """Fast shutdown (SIGINT to the postmaster); returns False when it was not running."""
        status = self.status()
        if not status.running or status.pid is None:
            return False
        os.kill(status.pid, signal.SIGINT)
        deadline = time.monotonic() + _STOP_TIMEOUT_SECONDS
        while _process_alive(status.pid):
            if time.monotonic() > deadline:
                raise ConfigurationError(
                    f"The embedded PostgreSQL (pid {status.pid}) did not stop within "
                    f"{_STOP_TIMEOUT_SECONDS:.0f} s."
                )
            time.sleep(0.05)
        log.info("embedded server stopped", extra={"pid": status.pid})
        return True


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped by its parent) still answers kill(0).
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0]
    except (OSError, IndexError):
        return True
    return state != "Z"
