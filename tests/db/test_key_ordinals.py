"""A tuple key's ordinal, computed in the source: deterministic, non-negative, and different
for keys whose parts' texts run together the same way."""

from __future__ import annotations

import psycopg

from ferry.catalog.spec import key_ordinal

PAIRS = [("a|b", "c"), ("a", "b|c"), ("ab", ""), ("a", "b"), ("", "ab"), ("1:a", "b")]


def test_tuple_ordinals_are_distinct_stable_and_non_negative(database_factory) -> None:
    with psycopg.connect(database_factory()) as conn:
        conn.execute("CREATE TABLE t (x text, y text)")
        conn.cursor().executemany("INSERT INTO t VALUES (%s, %s)", PAIRS)
        query = f"SELECT {key_ordinal(('t.x', 't.y'))} FROM t ORDER BY x, y"
        first = [r[0] for r in conn.execute(query)]
        again = [r[0] for r in conn.execute(query)]
    assert first == again and len(set(first)) == len(PAIRS)
    assert all(0 <= k < 2**60 for k in first)


def test_an_integer_key_is_its_own_ordinal(database_factory) -> None:
    with psycopg.connect(database_factory()) as conn:
        assert conn.execute(f"SELECT {key_ordinal('41 + 1')}").fetchone()[0] == 42
