"""The read-ahead hands over a batch only when it starts where the caller asks."""

from __future__ import annotations

import threading

import pytest

from ferry.engine.prefetch import ReadAhead


class Source:
    """Batches of three keys; records every start it is asked to read from, and in which
    thread."""

    def __init__(self, fail_at: int | None = None) -> None:  # None: never
        self.starts: list[int | None] = []
        self.threads: set[str] = set()
        self.fail_at = fail_at

    def read(self, after: int | None) -> list[int]:
        self.starts.append(after)
        self.threads.add(threading.current_thread().name)
        if self.fail_at is not None and after == self.fail_at:
            raise ConnectionError(f"read after {after} failed")
        first = 0 if after is None else after + 1
        return [k for k in range(first, first + 3) if k < 9]


def test_batches_read_ahead_are_used_once_in_order() -> None:
    source = Source()
    seen = []
    with ReadAhead(source.read) as reads:
        batch = reads.take(None)
        while batch:
            reads.ahead(batch[-1])
            seen += batch
            batch = reads.take(batch[-1])
    assert seen == list(range(9))
    assert source.starts == [None, 2, 5, 8]  # each start read once
    assert any(name.startswith("ferry-read") for name in source.threads)


def test_a_batch_read_ahead_from_another_start_is_read_again() -> None:
    source = Source()
    with ReadAhead(source.read) as reads:
        reads.ahead(2)  # the write of the batch ending at 2 then failed: the checkpoint is -1
        assert reads.take(-1) == [0, 1, 2]
    assert source.starts == [2, -1]


def test_a_failed_read_ahead_fails_the_take_even_when_dropped() -> None:
    source = Source(fail_at=2)
    with ReadAhead(source.read) as reads:
        reads.ahead(2)
        with pytest.raises(ConnectionError, match="after 2"):
            reads.take(2)
        reads.ahead(2)
        reads.settle()  # before a retry: waits for the read, and keeps its failure
        source.fail_at = None
        with pytest.raises(ConnectionError, match="after 2"):
            reads.take(-1)
        assert reads.take(2) == [3, 4, 5]
    assert source.starts == [2, 2, 2]
