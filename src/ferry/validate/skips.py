"""The rows skipped by rule in the source are exactly those with a skip record.

The content check compares rows that are migrated, and leaves the skipped ones out: at scale
1.0 the notifications skip about 3M rows, which it read, shaped and shipped to the target only
to find them unmapped (60% of its rows, for nothing to compare). What it found among them (a
migrated row that a rule now skips) is found here, with the other way round (a skip record
whose row no rule skips any more). Both sides give, per chunk of keys, the count of their
(key, rule) pairs and the sum of the pairs' 64-bit hashes, computed where the rows are (a sum
needs no sort: the md5 of the ordered pairs cost the notifications about 1 µs a pair on each
side); only the chunks whose digests differ are listed and compared pair by pair.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, skipped_keys_query
from ferry.state.ledger import checks as ledger_checks

CHUNK_KEYS = 10_000  # about this many source keys a chunk


def _digests(conn: psycopg.Connection, pairs: sql.Composable, width: int) -> dict:
    query = sql.SQL(
        "SELECT k / {w}, count(*), sum(hashtextextended(k || ':' || rule, 0))::text"
        " FROM ({pairs}) AS t(k, rule) GROUP BY 1"
    ).format(w=sql.Literal(width), pairs=pairs)  # no parameters: fragments may hold a %
    return {chunk: (n, digest) for chunk, n, digest in conn.execute(query)}


def _pairs(conn: psycopg.Connection, pairs: sql.Composable, width: int, chunks: list) -> set:
    query = sql.SQL("SELECT k, rule FROM ({pairs}) AS t(k, rule) WHERE k / {w} = ANY({c})")
    chosen = query.format(pairs=pairs, w=sql.Literal(width), c=sql.Literal(chunks))
    return set(conn.execute(chosen).fetchall())


def skips_differing(
    reader: SourceReader, target: psycopg.Connection, entity: Entity, rows: int, high: int | None
) -> list[int]:
    """Keys skipped by a rule in the source without that skip record, or with a skip record
    that the source no longer bears out; `rows` and `high` (largest key) size the chunks."""
    if not entity.skip_rules:
        return []
    width = max(1, ((high or 0) + 1) * CHUNK_KEYS // max(rows, 1))
    source_pairs = skipped_keys_query(entity)
    records = ledger_checks.skip_records(entity.name)
    in_source = _digests(reader.conn, source_pairs, width)
    recorded = _digests(target, records, width)
    chunks = sorted(
        c for c in in_source.keys() | recorded.keys() if in_source.get(c) != recorded.get(c)
    )
    if not chunks:
        return []
    in_source_pairs = _pairs(reader.conn, source_pairs, width, chunks)
    differing = in_source_pairs ^ _pairs(target, records, width, chunks)
    return sorted({key for key, _ in differing})
