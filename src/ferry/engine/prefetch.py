"""Reading ahead: the next batch is read and shaped while the current one is written.

A batch costs a source read, Python shaping and a target write, and each waits on the
others when done in turn (system_messages at scale 0.25: read 4.3, shape 5.2 and load 13.3
µs per row, one after the other). One thread per key range reads the batch that follows the
one being written; the source and target connections are distinct, and shaping needs the
interpreter only while the writer waits on the target.

The read-ahead is a guess about where the next batch starts. The caller asks for the batch
after a key it took from the database (a migration's committed checkpoint): a batch read
ahead from another key (the write failed and will be retried) is discarded. Before anything
that may reconnect (a retry), `settle` waits for the read in flight, so that no connection is
used by two threads or replaced under one; if that read failed, the next `take` raises its
failure, so that a source connection lost at the same moment as the target's is reported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import Generic, TypeVar

Batch = TypeVar("Batch")

# How long a thread may hold the interpreter before another that waits for it gets its turn.
# Python's default, 5 ms, makes the writer wait that long for the shaping reader after each
# of its round trips to the target (about fifteen a batch): system_messages at scale 0.25,
# one worker, took 41.8 s with the read-ahead at 5 ms, 33.7 s at 0.5 ms, 37.6 s without it.
SWITCH_INTERVAL = 0.0005


class ReadAhead(Generic[Batch]):
    """Batches of `read(after)`, the next one read in a background thread."""

    def __init__(self, read: Callable[[int | None], Batch]) -> None:
        self._read = read
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ferry-read")
        self._pending: tuple[int | None, Future[Batch]] | None = None
        self._dropped: BaseException | None = None

    def __enter__(self) -> ReadAhead[Batch]:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.settle()
        self._pool.shutdown()

    def take(self, after: int | None) -> Batch:
        """The batch after `after`: the one read ahead when it starts there, else read now.
        A read that was dropped after failing fails this call instead: its connection did
        fail, and the retry that follows says so."""
        pending, self._pending = self._pending, None
        if pending is not None:
            start, future = pending
            if start == after:
                return future.result()
            self._dropped = future.exception() or self._dropped
        dropped, self._dropped = self._dropped, None
        if dropped is not None:
            raise dropped
        return self._read(after)

    def ahead(self, after: int | None) -> None:
        """Start reading the batch after `after`."""
        self.settle()
        self._pending = (after, self._pool.submit(self._read, after))

    def settle(self) -> None:
        """Wait for the read in flight and drop it, keeping its failure for the next take."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self._dropped = pending[1].exception() or self._dropped
