"""Key bounds around changed chunks hold every key of those chunks (negative keys too)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ferry.sync.digests import key_spans


def _chunk(key: int, width: int) -> int:
    """PostgreSQL's bigint division: truncated toward zero."""
    quotient = abs(key) // width
    return quotient if key >= 0 else -quotient


@given(
    width=st.integers(1, 50),
    chunks=st.sets(st.integers(-6, 6), max_size=8),
    keys=st.lists(st.integers(-400, 400), max_size=60),
)
def test_every_key_of_a_chunk_lies_in_its_span(width: int, chunks: set[int], keys: list[int]):
    spans = key_spans(width, sorted(chunks))
    assert len(spans) <= len(chunks)
    for key in keys:
        if _chunk(key, width) in chunks:
            assert any(
                (after is None or key > after) and (last is None or key <= last)
                for after, last in spans
            ), (key, spans)


def test_runs_of_chunks_are_one_span_each() -> None:
    assert key_spans(1000, [3, 4, 5, 9]) == [(2999, 5999), (8999, 9999)]
