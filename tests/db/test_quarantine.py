"""The quarantine workflow on the toy catalogue: counts by reason, entries without values,
and a retry after a fix that moves rows out of quarantine with the accounting intact."""

from __future__ import annotations

import dataclasses

import psycopg

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import CodeMap, Workflow
from ferry.db.endpoints import Endpoints
from ferry.engine.runner import RunOptions
from ferry.engine.session import RunSession
from ferry.progress import SilentProgress
from ferry.retry import run_retry
from ferry.settings import load_settings
from ferry.state.ledger import quarantine
from tests.db import toy
from tests.db.toy import CATALOGUE, migrate, outcomes


def with_status_nine(catalogue: Catalogue) -> Catalogue:
    """The catalogue after the lab decided what book status 9 means."""
    books = catalogue.entities["books"]
    status = CodeMap("book status", {1: "draft", 2: "published", 9: "archived"}, allow_null=False)
    columns = tuple(
        dataclasses.replace(c, code=status) if c.code is not None else c for c in books.columns
    )
    return Catalogue.build(
        "toy-fixed",
        [catalogue.entities["authors"], dataclasses.replace(books, columns=columns)],
        [Workflow("everything", ("authors", "books"))],
    )


def retry(urls: tuple[str, str], catalogue: Catalogue, entity: str):
    settings = load_settings(source_url=urls[0], target_url=urls[1])
    with RunSession(Endpoints(*urls, embedded=False), settings) as session:
        return run_retry(
            session, catalogue, entity, options=RunOptions(7), progress=SilentProgress()
        )


def test_counts_and_entries_name_reasons_not_values(toy_urls) -> None:
    migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        counts = {(c.entity, c.reason): c.rows for c in quarantine.counts_by_reason(conn)}
        entries = quarantine.entries(conn, "books", "unknown_code")
    assert counts[("books", "unknown_code")] == 1
    assert counts[("books", "missing_parent:authors")] == 4
    assert [e.legacy_id for e in entries] == [7]
    assert "9" not in entries[0].message  # the row's own code is a value: not shown


def test_retry_after_a_new_code_mapping_migrates_the_rows(toy_urls) -> None:
    migrate(toy_urls)
    assert outcomes(toy_urls[1], "books")[7] == "quarantine:unknown_code"
    fixed = with_status_nine(CATALOGUE)
    result = retry(toy_urls, fixed, "books")
    books = result.entities[0]
    assert books.migrated == 1  # book 7; the other entries' causes are not fixed
    assert books.processed == books.migrated + books.quarantined + books.skipped
    after = outcomes(toy_urls[1], "books")
    assert after[7] == "migrated"
    assert after[5] == "quarantine:missing_parent:authors"
    with psycopg.connect(toy_urls[1]) as conn:
        status = conn.execute("SELECT status FROM books WHERE legacy_book_id = 7").fetchone()[0]
    assert status == "archived"
    assert len(after) == len(toy.BOOKS)  # every source row still has exactly one outcome
    validation = toy.validate(toy_urls, catalogue=fixed)
    assert all(v.passed for e in validation.entities for v in e.checks)


def test_retry_keeps_the_checkpoint(toy_urls) -> None:
    """A retry reloads old keys only: the next migrate still starts after the last key."""
    migrate(toy_urls)
    retry(toy_urls, CATALOGUE, "books")
    with psycopg.connect(toy_urls[0]) as conn:
        conn.execute("INSERT INTO books VALUES (61, 1, 'New', '1', 1)")
    second = migrate(toy_urls)
    books = next(e for e in second.entities if e.entity == "books")
    assert books.processed == 1
