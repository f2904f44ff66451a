"""The content check settles chunks by digests on both sides and drills into those that differ.

The toy's books carry money and its authors are deduplicated, which keeps them on the
row-by-row comparison; here both are declared without, so that they take the digests.
"""

from __future__ import annotations

import dataclasses

import psycopg

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Workflow
from ferry.validate import content, digests
from tests.db import toy

PLAIN = Catalogue.build(
    "toy",
    [
        dataclasses.replace(toy.CATALOGUE.entities["authors"], dedup_key=None),
        dataclasses.replace(toy.CATALOGUE.entities["books"], money_columns=(), money_owner=None),
    ],
    [Workflow("everything", ("authors", "books"))],
)


def content_of(result, entity: str):
    found = next(e for e in result.entities if e.entity == entity)
    return next(c for c in found.checks if c.check == "content")


def test_a_clean_migration_is_settled_by_digests(toy_urls, monkeypatch) -> None:
    """Every compared row of both entities, in one key range and in two."""
    toy.migrate(toy_urls, catalogue=PLAIN)
    one = toy.validate(toy_urls, catalogue=PLAIN)
    monkeypatch.setattr(content, "PART_ROWS", 10)
    two = toy.validate(toy_urls, catalogue=PLAIN, workers=2)
    for result in (one, two):
        for entity in ("authors", "books"):
            check = content_of(result, entity)
            assert check.passed, check.detail
            assert check.numbers["by_digest"] == check.checked > 0, check.detail
            assert check.numbers["false_alarms"] == 0
            assert f"({check.checked:,} settled by chunk digests)" in check.detail


def test_differences_in_digested_chunks_are_named(toy_urls, monkeypatch) -> None:
    """A text, a number and a parent changed in the target: the chunks holding them differ and
    are compared row by row, which names the rows and the columns; the others stay settled."""
    toy.migrate(toy_urls, catalogue=PLAIN)
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("UPDATE books SET title = 'X' WHERE legacy_book_id = 12")
        conn.execute("UPDATE books SET price = price + 0.01 WHERE legacy_book_id = 50")
        conn.execute(
            "UPDATE books SET author_id = (SELECT id FROM authors WHERE legacy_author_id = 1)"
            " WHERE legacy_book_id = 55"
        )
    monkeypatch.setattr(content, "PART_ROWS", 10)
    check = content_of(toy.validate(toy_urls, catalogue=PLAIN, workers=2), "books")
    assert check.legacy_ids == [12, 50, 55]
    assert "differing in " in check.detail
    for column in ("title (1)", "price (1)", "author_id (1)"):
        assert column in check.detail, check.detail
    assert 0 < check.numbers["by_digest"] < check.checked


def test_chunks_that_differ_without_a_difference_stop_the_digests(toy_urls) -> None:
    """Source rows deleted after the load leave the target more rows than the re-derived
    chunks (the accounting names them; the content of what remains is equal): after a few such
    false alarms the range is compared row by row, and nothing is reported as differing."""
    toy.migrate(toy_urls, catalogue=PLAIN)
    with psycopg.connect(toy_urls[0]) as conn:
        conn.execute("DELETE FROM books WHERE id % 4 = 0")
    check = content_of(toy.validate(toy_urls, catalogue=PLAIN), "books")
    assert check.passed, check.detail
    assert check.numbers["false_alarms"] == digests.FALSE_ALARMS


def test_a_column_type_without_a_hash_function_keeps_its_entity_row_by_row(toy_urls) -> None:
    """money has equality but no hash function: books are compared row by row (and pass), the
    authors beside them are still settled by digests."""
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("ALTER TABLE books ALTER status_code TYPE money USING status_code::money")
    toy.migrate(toy_urls, catalogue=PLAIN)
    result = toy.validate(toy_urls, catalogue=PLAIN)
    books, authors = content_of(result, "books"), content_of(result, "authors")
    assert books.passed and books.checked > 0, books.detail
    assert books.numbers["by_digest"] == 0
    assert authors.numbers["by_digest"] == authors.checked > 0
