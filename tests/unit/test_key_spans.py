"""Key bounds around changed chunks hold every key of those chunks (negative keys too)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ferry.sync.digests import chunk_of, key_spans, split


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


@given(
    first=st.integers(-50, 50),
    length=st.integers(1, 120),
    parts=st.integers(1, 6),
    chunks=st.lists(st.integers(-(10**6), 10**6), max_size=40),
)
def test_spans_of_a_split_hold_every_chunk_once(
    first: int, length: int, parts: int, chunks: list[int]
) -> None:
    """Split across workers, the digests' spans hold each chunk, inside the known ones or
    beyond them (rows new since), in exactly one span."""
    spans = split(first, first + length - 1, parts)
    assert 1 <= len(spans) <= parts
    assert spans[0].first is None and spans[-1].last is None
    for chunk in [*chunks, first, first + length - 1]:
        holding = [
            s
            for s in spans
            if (s.first is None or chunk >= s.first) and (s.last is None or chunk <= s.last)
        ]
        assert len(holding) == 1, (chunk, spans)


@given(key=st.integers(-(2**62), 2**62), width=st.integers(1, 10**6))
def test_the_chunk_of_a_key_is_the_sources(key: int, width: int) -> None:
    assert chunk_of(key, width) == _chunk(key, width)
