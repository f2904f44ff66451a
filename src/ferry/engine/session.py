"""The connections of one run, reopened after a transient failure.

A run has three: the source reader (one repeatable-read snapshot), the target writer (one
transaction per batch), and the holder of the run lock. Each connection names itself in
`application_name` (`ferry run <id> source|target|lock`) so that operators, and tests, can see
which backend is which.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.db.connect import connect
from ferry.db.endpoints import Endpoints
from ferry.engine.source import SourceReader
from ferry.settings import Settings
from ferry.state.lock import acquire_run_lock


class RunSession:
    def __init__(
        self, endpoints: Endpoints, settings: Settings, snapshot: str | None = None
    ) -> None:
        self.endpoints = endpoints
        self.settings = settings
        self.label = "ferry run"
        self.snapshot = snapshot
        self._source: SourceReader | None = None
        self._target: psycopg.Connection | None = None
        self._lock: psycopg.Connection | None = None

    def name_run(self, run_id: int) -> None:
        self.label = f"ferry run {run_id}"
        for role, conn in (("target", self._target), ("lock", self._lock)):
            if conn is not None and not conn.closed:
                self._set_name(conn, role)

    def _set_name(self, conn: psycopg.Connection, role: str) -> None:
        statement = sql.SQL("SET application_name = {}").format(sql.Literal(f"{self.label} {role}"))
        if conn.autocommit:
            conn.execute(statement)
        else:
            with conn.transaction():
                conn.execute(statement)

    def source(self) -> SourceReader:
        if self._source is None or self._source.conn.closed:
            conn = connect(self.endpoints.source, "source", self.settings, autocommit=False)
            self._set_name(conn, "source")
            conn.commit()
            try:
                self._source = SourceReader(conn, self.snapshot)
            except psycopg.Error:
                # The exporting transaction is gone (its connection was reset): read under a
                # snapshot of our own rather than fail the run.
                conn.rollback()
                self.snapshot = None
                self._source = SourceReader(conn)
        return self._source

    def shareable_snapshot(self) -> str | None:
        """The source snapshot of this session, for workers to import (None if unavailable)."""
        try:
            return self.source().export_snapshot()
        except psycopg.Error:
            return None

    def worker(self, run_id: int, snapshot: str | None) -> RunSession:
        """A session of its own for a worker of this run (no lock: the run holds it)."""
        worker = RunSession(self.endpoints, self.settings, snapshot)
        worker.label = f"ferry run {run_id}"
        return worker

    def target(self) -> psycopg.Connection:
        if self._target is None or self._target.closed:
            # Autocommit: every unit of work is an explicit `transaction()` block, so nothing
            # can linger in an implicit transaction (and a dry run nests them as savepoints).
            self._target = connect(self.endpoints.target, "target", self.settings, autocommit=True)
            self._set_name(self._target, "target")
        return self._target

    def lock(self) -> None:
        """Take the run lock, or make sure the connection holding it is still alive."""
        if self._lock is not None and not self._lock.closed:
            try:
                self._lock.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                self._lock.close()
        self._lock = connect(self.endpoints.target, "target", self.settings, autocommit=True)
        self._set_name(self._lock, "lock")
        acquire_run_lock(self._lock)

    def reset(self) -> None:
        """Drop the source and target connections after a failure; the next use reconnects."""
        for conn in (self._source.conn if self._source else None, self._target):
            if conn is not None and not conn.closed:
                conn.close()
        self._source = None
        self._target = None

    def close(self) -> None:
        self.reset()
        if self._lock is not None and not self._lock.closed:
            self._lock.close()
        self._lock = None

    def __enter__(self) -> RunSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
