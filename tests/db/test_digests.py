"""Source digests computed in parts, across worker sessions, or added up from a migrate's
batches, equal those of one query."""

from __future__ import annotations

import psycopg

from ferry.db.endpoints import Endpoints
from ferry.engine.context import RunContext
from ferry.engine.session import RunSession
from ferry.engine.slices import slice_count
from ferry.engine.source import SourceReader
from ferry.progress import SilentProgress
from ferry.settings import load_settings
from ferry.sync import digests
from tests.db import toy


def _fill(source: str) -> None:
    """Authors with gaps, negative ids (chunk 0 holds keys of both signs) and skipped rows."""
    keys = [k for k in range(-300, 2700) if k % 7 != 3]
    with psycopg.connect(source) as conn, conn.cursor() as cur:
        cur.execute("DELETE FROM books")
        cur.execute("DELETE FROM authors")
        with cur.copy("COPY authors (id, name, email, is_test, city) FROM STDIN") as copy:
            for key in keys:
                copy.write_row((key, f"n{key}", None, key % 11 == 0, "Oslo" if key % 2 else None))


def test_digests_in_parts_equal_the_whole(toy_urls) -> None:
    source, target = toy_urls
    _fill(source)
    settings = load_settings(source_url=source, target_url=target)
    entity = toy.CATALOGUE.entities["authors"]
    with RunSession(Endpoints(source, target, embedded=False), settings) as session:
        ctx = RunContext(session, 1, "sync", {}, 100, False, False, SilentProgress(), workers=2)
        reader = session.source()
        count, low, high = digests.key_bounds(reader, entity)
        assert (count, low, high) == (2571, -300, 2699)
        width = 7
        whole = digests.source_digests(reader, entity, width)
        held = digests.ChunkSpan(digests.chunk_of(low, width), digests.chunk_of(high, width))
        by_span: dict = {}
        for span in digests.split(held.first, held.last, 3):
            part = digests.source_digests(reader, entity, width, span)
            assert not by_span.keys() & part.keys()
            by_span.update(part)
        assert by_span == whole
        assert digests.on_workers_of(ctx, entity, min_chunks=1)(width, held) == whole
        # spans known from digests stored earlier: rows beyond them still land in the parts
        narrower = digests.ChunkSpan(10, 200)
        assert digests.on_workers_of(ctx, entity, min_chunks=1)(width, narrower) == whole


def test_a_migrate_stores_the_digests_its_batches_read(toy_urls) -> None:
    """Authors in one key range, books in two slices on two workers: the sums of the hashes
    read beside the rows equal the digests the source computes (what the next sync compares
    against), chunk for chunk."""
    source, target = toy_urls
    _fill(source)
    books = [(key, 1 + key % 2000, f"t{key}", "1.00", 1 + key % 2) for key in range(1, 3001)]
    with psycopg.connect(source) as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO books VALUES (%s, %s, %s, %s, %s)", books)
    assert slice_count(toy.CATALOGUE.entities["books"], 3000, 2, 100) == 2
    toy.migrate(toy_urls, batch_size=100, workers=2)
    with psycopg.connect(target) as conn:
        stored = {name: digests.stored_digests(conn, name) for name in ("authors", "books")}
    with psycopg.connect(source) as conn:
        reader = SourceReader(conn)
        for name, (width, held, _) in stored.items():
            assert held and width is not None
            assert held == digests.source_digests(reader, toy.CATALOGUE.entities[name], width)
