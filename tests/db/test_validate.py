"""Validation passes on a clean migration and names every kind of tampering by legacy id."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from ferry.engine.slices import cut
from ferry.validate import content
from tests.db.toy import migrate, validate


def failures(result) -> dict[tuple[str, str], list[int]]:
    return {
        (entity.entity, check.check): check.legacy_ids
        for entity in result.entities
        for check in entity.checks
        if not check.passed
    }


def test_clean_migration_validates(toy_urls) -> None:
    migrate(toy_urls)
    result = validate(toy_urls)
    assert failures(result) == {}
    books = next(e for e in result.entities if e.entity == "books")
    assert books.status == "passed"
    assert books.verified == books.migrated > 0
    assert {c.check for c in books.checks} >= {
        "accounting",
        "keys",
        "integrity",
        "content",
        "money:price",
    }
    with psycopg.connect(toy_urls[1]) as conn:
        recorded = conn.execute(
            "SELECT count(*), bool_and(passed) FROM ferry.validation_findings"
        ).fetchone()
    assert recorded == (9, True)  # authors: 4 checks, books: 4 + money


TAMPERING = {
    "field changed": (
        "target",
        "UPDATE books SET title = 'X' WHERE legacy_book_id = 12",
        {("books", "content"): [12]},
    ),
    "row deleted": (
        "target",
        "DELETE FROM books WHERE legacy_book_id = 13",
        {("books", "keys"): [13], ("books", "content"): [13], ("books", "money:price"): []},
    ),
    "extra row": (
        "target",
        "INSERT INTO books (id, author_id, title, status, legacy_book_id)"
        " SELECT gen_random_uuid(), author_id, 'extra', 'draft', 999 FROM books LIMIT 1",
        {("books", "keys"): [999]},
    ),
    "foreign key pointed elsewhere": (
        "target",
        "UPDATE books SET author_id = (SELECT id FROM authors WHERE legacy_author_id = 5)"
        " WHERE legacy_book_id = 1",
        {("books", "content"): [1], ("books", "money:price"): []},
    ),
    "mapping removed": (
        "target",
        "DELETE FROM ferry.migration_mappings WHERE entity = 'books' AND legacy_id = 14",
        {("books", "accounting"): [14], ("books", "keys"): [14]},
    ),
    "source changed": (
        "source",
        "UPDATE books SET title = 'changed' WHERE id = 15",
        {("books", "content"): [15]},
    ),
    "one cent": (
        "target",
        "UPDATE books SET price = price + 0.01 WHERE legacy_book_id = 16",
        {("books", "content"): [16], ("books", "money:price"): []},
    ),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_caught_and_named(toy_urls, case: str) -> None:
    migrate(toy_urls)
    side, statement, expected = TAMPERING[case]
    with psycopg.connect(toy_urls[0] if side == "source" else toy_urls[1]) as conn:
        conn.execute(statement)
    result = validate(toy_urls)
    assert failures(result) == expected
    assert next(e for e in result.entities if e.entity == "books").status == "failed"


def test_content_compared_in_key_ranges_finds_every_difference(toy_urls, monkeypatch) -> None:
    """With two workers a large entity's content is compared in two key ranges, on two
    sessions: differences in both ranges are named in key order, money sums per owner add up."""
    migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("UPDATE books SET title = 'X' WHERE legacy_book_id IN (12, 55)")
        conn.execute("UPDATE books SET price = price + 0.01 WHERE legacy_book_id = 50")
    cuts = []
    monkeypatch.setattr(content, "PART_ROWS", 10)
    monkeypatch.setattr(content, "cut", lambda *a: cuts.append(a) or cut(*a))
    result = validate(toy_urls, workers=2)
    assert [a[1].name for a in cuts] == ["books"]  # 60 rows: two parts; 5 authors: one
    assert failures(result) == {("books", "content"): [12, 50, 55], ("books", "money:price"): []}
    books = next(e for e in result.entities if e.entity == "books")
    assert books.verified == books.migrated - 3
    money = next(c for c in books.checks if c.check == "money:price")
    assert money.totals["target"] == str(Decimal(money.totals["source"]) + Decimal("0.01"))


def test_rows_after_a_chunk_of_skipped_rows_are_compared(toy_urls) -> None:
    """A chunk (four rows here) made only of rows skipped by rule compares nothing, and the
    rows after it are still compared."""
    with psycopg.connect(toy_urls[0]) as conn:
        conn.execute(
            "INSERT INTO authors (id, name, is_test) SELECT g, 'test ' || g, true"
            " FROM generate_series(100, 111) g"
        )
        conn.execute("INSERT INTO authors (id, name, city) VALUES (112, 'Dee', 'Lima')")
    migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("UPDATE authors SET city = 'Quito' WHERE legacy_author_id = 112")
    assert failures(validate(toy_urls)) == {("authors", "content"): [112]}


SKIP_CHANGED = {
    "a migrated author is now a test account": (
        "UPDATE authors SET is_test = true WHERE id = 5",
        5,
    ),
    "the skipped test account is one no more": (
        "UPDATE authors SET is_test = false WHERE id = 3",
        3,
    ),
}


@pytest.mark.parametrize("case", sorted(SKIP_CHANGED))
def test_a_row_whose_skip_rule_changed_is_named_by_the_accounting(toy_urls, case: str) -> None:
    """The counts still add up, and the content check reads only rows no rule skips: the
    accounting compares the skipped keys themselves."""
    migrate(toy_urls)
    statement, legacy_id = SKIP_CHANGED[case]
    with psycopg.connect(toy_urls[0]) as conn:
        conn.execute(statement)
    result = validate(toy_urls)
    assert failures(result) == {("authors", "accounting"): [legacy_id]}
    authors = next(e for e in result.entities if e.entity == "authors")
    accounting = next(c for c in authors.checks if c.check == "accounting")
    assert "holds: 1 rows are skipped by a rule in the source but not so recorded" in (
        accounting.detail
    )
