"""The event log of a run: one JSON object per line, `<state dir>/logs/<target>/run-<id>.jsonl`
(a dry run's: `dry-run-<id>.jsonl`, which no real run can overwrite).

The database holds the truth about what a run committed; this log tells how it went (batches
with their timings, retries with their SQLSTATE, failures with their error class) in a form an
operator can tail (`ferry logs --follow`) or feed to a log tool. It carries ids, counts,
timings, SQLSTATEs, error classes and ferry's own sentences: never row values, never secrets.

Each line is written and flushed at once, so a crash loses at most the event it was writing.
A log that cannot be written does not stop the run: the run's records are in the database.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import psycopg

from ferry.db.urls import redact
from ferry.progress import ForwardingProgress, Progress
from ferry.state.control import BatchRecord

LOG_SUFFIX = ".jsonl"


def logs_directory(state_dir: Path, target: psycopg.Connection) -> Path:
    """The directory of one target database's run logs.

    Run ids are numbered per target database, so each has a directory of its own, named by
    the database and identified by the server's system identifier and the database's oid: not
    by its name or URL, which a re-created database (the tutorial's "start again") keeps while
    its runs start again from 1.
    """
    database, system, oid = target.execute(
        "SELECT current_database(), (SELECT system_identifier FROM pg_control_system()),"
        " (SELECT oid FROM pg_database WHERE datname = current_database())"
    ).fetchone()
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in database)
    return Path(state_dir) / "logs" / f"{safe}-{system}-{oid}"


def log_path(directory: Path, run_id: int, *, dry_run: bool = False) -> Path:
    return directory / f"{'dry-run' if dry_run else 'run'}-{run_id}{LOG_SUFFIX}"


def logged_runs(directory: Path) -> list[int]:
    """Run ids that have a log in `directory`, oldest first."""
    if not directory.is_dir():
        return []
    runs = []
    for path in directory.glob(f"run-*{LOG_SUFFIX}"):
        number = path.name.removeprefix("run-").removesuffix(LOG_SUFFIX)
        if number.isdigit():
            runs.append(int(number))
    return sorted(runs)


class RunLog:
    """Appends events of one run; safe to share between the run's worker threads."""

    def __init__(self, path: Path | None, run_id: int = 0) -> None:
        self.path = path
        self.run_id = run_id
        self._lock = threading.Lock()
        self._file: IO[str] | None = None
        self.failure: str | None = None
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                # "w": run ids restart when ferry's state schema is rebuilt; a new run with an
                # old number must not append to a stale log.
                self._file = path.open("w", encoding="utf-8", buffering=1)
            except OSError as exc:
                self.failure = f"{type(exc).__name__} ({exc.strerror or 'no detail'})"

    @classmethod
    def disabled(cls) -> RunLog:
        return cls(None)

    def event(self, event: str, **fields: Any) -> None:
        """Write one event: time, event name, run id, then `fields` (ids, counts, timings)."""
        if self._file is None:
            return
        line = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "event": event,
            "run": self.run_id,
            **fields,
        }
        text = json.dumps(line, default=str, ensure_ascii=False)
        with self._lock:
            try:
                self._file.write(redact(text) + "\n")
            except (OSError, ValueError) as exc:  # disk full, or closed by another thread
                self.failure = f"{type(exc).__name__}"
                self._file = None

    def batch(self, record: BatchRecord) -> None:
        """A committed batch: its counts, key range and how long it took."""
        seconds = (datetime.now(UTC) - record.started_at).total_seconds()
        self.event(
            "batch",
            entity=record.entity,
            operation=record.operation,
            batch=record.batch,
            processed=record.processed,
            migrated=record.migrated,
            quarantined=record.quarantined,
            skipped=record.skipped,
            key_from=record.key_from,
            key_to=record.checkpoint,
            ms=round(seconds * 1000, 1),
            rows_per_s=round(record.processed / seconds) if seconds > 0 else None,
        )

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


class LoggedProgress(ForwardingProgress):
    """A Progress that also logs entity starts and the operator's messages."""

    def __init__(self, inner: Progress, log: RunLog) -> None:
        super().__init__(inner)
        self.log = log

    def entity_started(self, entity: str, total: int) -> None:
        self.log.event("entity_started", entity=entity, total=total)
        self.inner.entity_started(entity, total)

    def message(self, text: str) -> None:
        self.log.event("message", text=text)
        self.inner.message(text)


def read_events(path: Path) -> Iterator[dict]:
    """The events of a log file; a line cut short by a crash is skipped."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def follow_events(path: Path, poll_seconds: float = 0.5) -> Iterator[dict]:
    """The events of a log as they are written, until its run finishes (`run_finished`) or
    its process, on this host, is gone (killed: the next run marks it interrupted).

    A line still being written (no newline yet) is read again once it is complete.
    """
    writer: dict = {}
    with path.open(encoding="utf-8") as lines:
        while True:
            position = lines.tell()
            line = lines.readline()
            if not line.endswith("\n"):
                if writer and not _process_alive(writer):
                    return
                lines.seek(position)
                time.sleep(poll_seconds)
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            if event.get("event") == "run_started":
                writer = event
            yield event
            if event.get("event") == "run_finished":
                return


def _process_alive(run_started: dict) -> bool:
    """False only when the run's process ran on this host and no longer exists."""
    if run_started.get("host") != socket.gethostname() or not run_started.get("pid"):
        return True
    try:
        os.kill(int(run_started["pid"]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
