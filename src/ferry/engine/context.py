"""What the work of one run shares, and what each entity's work returns.

A run's context (its sessions, identity, batch size, retry policy, progress and log) is passed
to every unit of work of the run; an entity's result is what the run prints, logs and reports.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ferry.engine.load import BatchCounts
from ferry.engine.session import RunSession
from ferry.progress import Progress
from ferry.runlog import RunLog


@dataclass(frozen=True)
class RetryPolicy:
    """How often a unit of work whose connection failed transiently is tried, and how long
    to wait first (each later wait doubles).

    Configurable (FERRY_RETRY_ATTEMPTS, FERRY_RETRY_BACKOFF) so that an operator can ride out
    a longer outage, and a test can spend the budget in a fraction of a second.
    """

    attempts: int = 6
    first_wait: float = 0.5


@dataclass(frozen=True)
class RunContext:
    session: RunSession
    run_id: int
    operation: str
    parameters: dict
    batch_size: int
    dry_run: bool
    restart: bool
    progress: Progress
    workers: int = 1
    retry: RetryPolicy = RetryPolicy()
    log: RunLog = field(default_factory=RunLog.disabled)
    stop: threading.Event = field(default_factory=threading.Event)


@dataclass
class EntityResult:
    entity: str
    status: str = "running"
    processed: int = 0
    migrated: int = 0
    quarantined: int = 0
    skipped: int = 0
    retained: int = 0  # gone from the source, kept in the target by choice (sync, validate)
    deleted: int = 0
    verified: int = 0
    seconds: float = 0.0
    checks: list = field(default_factory=list)

    def add(self, counts: BatchCounts) -> None:
        self.processed += counts.processed
        self.migrated += counts.migrated
        self.quarantined += counts.quarantined
        self.skipped += counts.skipped
