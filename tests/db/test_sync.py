"""`ferry sync` on the toy catalogue: only what changed is carried over, through the same
transforms and mappings, and the result equals a fresh migration of the changed source."""

from __future__ import annotations

import dataclasses

import psycopg
import pytest

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Parent, Source, Workflow
from ferry.db.endpoints import Endpoints
from ferry.engine.runner import RunOptions
from ferry.engine.session import RunSession
from ferry.errors import StateError
from ferry.plan.planner import make_plan
from ferry.progress import SilentProgress
from ferry.settings import load_settings
from ferry.sync.runner import SyncResult, run_sync
from tests.db import toy
from tests.db.test_validate import failures
from tests.db.toy import CATALOGUE, migrate, outcomes, validate


def sync(
    urls: tuple[str, str],
    *,
    catalogue: Catalogue = CATALOGUE,
    keep_deleted: bool = False,
    dry_run: bool = False,
    batch_size: int = 7,
) -> dict[str, SyncResult]:
    settings = load_settings(source_url=urls[0], target_url=urls[1])
    phases = make_plan(catalogue, "everything").phases
    with RunSession(Endpoints(*urls, embedded=False), settings) as session:
        result = run_sync(
            session,
            catalogue,
            phases,
            "everything",
            keep_deleted=keep_deleted,
            options=RunOptions(batch_size, dry_run=dry_run),
            progress=SilentProgress(),
        )
    return {r.entity: r for r in result.entities}


def play_a_period(source_url: str) -> None:
    """What the legacy app did meanwhile: new rows, edits, a fix, an arrival, a deletion."""
    with psycopg.connect(source_url) as conn:
        conn.execute("INSERT INTO authors VALUES (99, 'Zed', 'zed@example.org', false, 'Kyiv')")
        conn.execute("UPDATE authors SET city = 'Bergen' WHERE id = 5")
        conn.execute("UPDATE books SET title = 'A, second edition' WHERE id = 1")
        conn.execute("UPDATE books SET price = '4.00' WHERE id = 11")
        conn.execute("UPDATE books SET status = 1 WHERE id = 7")  # its unknown code, fixed
        conn.execute("DELETE FROM books WHERE id = 12")
        conn.execute(
            "INSERT INTO books VALUES (61, 1, 'New', '5.00', 1), (62, 99, 'Newer', '1', 2),"
            " (63, 98, 'Orphan', '1', 1)"
        )


def content(target_url: str) -> dict[str, list]:
    """What a sync owes to equal a fresh migration (quarantine by reason, not wording)."""
    with psycopg.connect(target_url) as conn:
        return {
            "authors": conn.execute("SELECT * FROM authors ORDER BY id").fetchall(),
            "books": conn.execute("SELECT * FROM books ORDER BY id").fetchall(),
            "mappings": conn.execute(
                "SELECT entity, legacy_id, new_id, dedup_key, notes"
                " FROM ferry.migration_mappings ORDER BY 1, 2"
            ).fetchall(),
            "quarantine": conn.execute(
                "SELECT entity, legacy_id, reason FROM ferry.quarantine WHERE NOT resolved"
                " ORDER BY 1, 2"
            ).fetchall(),
            "skipped": conn.execute(
                "SELECT entity, legacy_id, rule FROM ferry.skipped ORDER BY 1, 2"
            ).fetchall(),
        }


@pytest.fixture
def fresh_target(database_factory) -> str:
    url = database_factory()
    with psycopg.connect(url) as conn:
        conn.execute(toy.TARGET_DDL)
    return url


def test_sync_equals_a_fresh_migration_of_the_changed_source(toy_urls, fresh_target) -> None:
    source, target = toy_urls
    migrate(toy_urls)
    play_a_period(source)
    results = sync(toy_urls)
    migrate((source, fresh_target))
    assert content(target) == content(fresh_target)
    books = results["books"]
    assert books.processed == 3  # the new rows after the checkpoint
    assert books.changed == 2  # book 1's title, book 11's price
    assert books.gone == [12] and books.released == 1
    assert results["authors"].changed == 1  # Cid moved to Bergen
    assert outcomes(target, "books")[5] == "migrated"  # its author arrived
    assert outcomes(target, "books")[7] == "migrated"  # its code was fixed
    assert outcomes(target, "books")[63] == "quarantine:missing_parent:authors"
    assert all(v.passed for e in toy.validate(toy_urls).entities for v in e.checks)


def test_a_second_sync_writes_nothing(toy_urls) -> None:
    migrate(toy_urls)
    play_a_period(toy_urls[0])
    sync(toy_urls)
    before = content(toy_urls[1])
    again = sync(toy_urls)
    assert content(toy_urls[1]) == before
    assert all(r.migrated == r.changed == r.released == r.dependents == 0 for r in again.values())
    assert all(not r.gone for r in again.values())


def test_gone_rows_are_retained_with_keep_deleted_and_released_by_the_next_sync(
    toy_urls,
) -> None:
    """Kept by choice, a row gone from the source is `retained`, not migrated; a later sync
    without the flag mirrors the source and releases it."""
    migrate(toy_urls)
    play_a_period(toy_urls[0])
    results = sync(toy_urls, keep_deleted=True)
    assert results["books"].gone == [12] and results["books"].retained == 1
    assert results["books"].released == 0
    assert outcomes(toy_urls[1], "books")[12] == "migrated"
    with psycopg.connect(toy_urls[1]) as conn:
        retained = conn.execute("SELECT entity, legacy_id FROM ferry.retained").fetchall()
    assert retained == [("books", 12)]
    assert not sync(toy_urls, keep_deleted=True)["books"].gone  # counted once, kept
    assert sync(toy_urls)["books"].released == 1
    assert 12 not in outcomes(toy_urls[1], "books")
    with psycopg.connect(toy_urls[1]) as conn:
        assert conn.execute("SELECT count(*) FROM ferry.retained").fetchone()[0] == 0


def test_dry_run_reports_and_writes_nothing(toy_urls) -> None:
    migrate(toy_urls)
    play_a_period(toy_urls[0])
    before = content(toy_urls[1])
    results = sync(toy_urls, dry_run=True)
    assert content(toy_urls[1]) == before
    assert results["books"].processed == 3 and results["books"].changed == 2
    assert results["books"].gone == [12]


def test_rows_sharing_a_change_time_across_a_batch_boundary_are_all_carried(
    toy_urls,
) -> None:
    """With a declared change time only rows changed since the watermark are compared; ten
    rows stamped with one time, spread over several batches of 7, all arrive."""
    source, _ = toy_urls
    with psycopg.connect(source) as conn:
        conn.execute("ALTER TABLE books ADD COLUMN updated_at timestamptz")
        conn.execute(
            "UPDATE books SET updated_at = CASE id WHEN 40 THEN timestamptz '2023-01-01'"
            " ELSE '2025-01-01' END"
        )
    books = dataclasses.replace(
        CATALOGUE.entities["books"], source=Source("books b", "b.id", changed_at="b.updated_at")
    )
    catalogue = Catalogue.build(
        "toy-changes",
        [CATALOGUE.entities["authors"], books],
        [Workflow("everything", ("authors", "books"))],
    )
    migrate(toy_urls, catalogue=catalogue)
    assert sync(toy_urls, catalogue=catalogue)["books"].changed == 0  # sets the watermark
    with psycopg.connect(source) as conn:
        conn.execute(
            "UPDATE books SET title = title || ' (revised)', updated_at = '2025-06-01 12:00'"
            " WHERE id BETWEEN 20 AND 29"
        )
        # changed without a new stamp, long before the watermark: not compared, by contract
        conn.execute("UPDATE books SET price = '9.99' WHERE id = 40")
    results = sync(toy_urls, catalogue=catalogue)
    assert results["books"].changed == 10
    with psycopg.connect(toy_urls[1]) as conn:
        revised = conn.execute(
            "SELECT count(*) FROM books WHERE title LIKE '%(revised)'"
        ).fetchone()[0]
    assert revised == 10
    # A transaction that stamped its rows with that same time commits after the sync's
    # snapshot: the next sync still compares them (the watermark's time is not excluded).
    with psycopg.connect(source) as conn:
        conn.execute(
            "UPDATE books SET title = title || ' (late)', updated_at = '2025-06-01 12:00'"
            " WHERE id IN (33, 34)"
        )
    assert sync(toy_urls, catalogue=catalogue)["books"].changed == 2


def test_a_parent_arriving_after_the_watermark_links_its_unchanged_children(toy_urls) -> None:
    """A book whose optional author was absent migrated with no author and a note. After a
    first sync (which sets the change-time watermark) the author arrives; the book's row is
    unchanged, yet the next sync links it, as a fresh migration would have."""
    source, target = toy_urls
    with psycopg.connect(source) as conn:
        conn.execute("ALTER TABLE books ADD COLUMN updated_at timestamptz DEFAULT '2025-01-01'")
        conn.execute("UPDATE books SET updated_at = '2023-01-01' WHERE id = 5")  # long before
    with psycopg.connect(target) as conn:
        conn.execute("ALTER TABLE books ALTER COLUMN author_id DROP NOT NULL")
    books = dataclasses.replace(
        CATALOGUE.entities["books"],
        source=Source("books b", "b.id", changed_at="b.updated_at"),
        parents=(Parent("author_id", "authors", "b.author_id", required=False),),
    )
    catalogue = Catalogue.build(
        "toy-late-author",
        [CATALOGUE.entities["authors"], books],
        [Workflow("everything", ("authors", "books"))],
    )
    migrate(toy_urls, catalogue=catalogue)
    sync(toy_urls, catalogue=catalogue)
    with psycopg.connect(source) as conn:  # book 5's author, absent until now
        conn.execute("INSERT INTO authors VALUES (99, 'Zoe', 'zoe@example.org', false, 'Bern')")
    sync(toy_urls, catalogue=catalogue)
    with psycopg.connect(target) as conn:
        linked = conn.execute(
            "SELECT a.legacy_author_id FROM books b JOIN authors a ON a.id = b.author_id"
            " WHERE b.legacy_book_id = 5"
        ).fetchone()
    assert linked == (99,)
    assert failures(validate(toy_urls, catalogue=catalogue)) == {}


def test_rows_whose_new_version_fails_leave_with_their_children(toy_urls, fresh_target) -> None:
    """A migrated book whose price became unreadable, and an author who became a test account
    (skipped) with her fifty books: all leave the target, as a fresh migration never wrote them."""
    source, target = toy_urls
    migrate(toy_urls)
    with psycopg.connect(target) as conn:
        her_books = conn.execute(
            "SELECT count(*) FROM books b JOIN authors a ON a.id = b.author_id"
            " WHERE a.legacy_author_id = 5"
        ).fetchone()[0]
    with psycopg.connect(source) as conn:
        conn.execute("UPDATE books SET price = 'n/a' WHERE id = 1")
        conn.execute("UPDATE authors SET is_test = true WHERE id = 5")
    results = sync(toy_urls)
    migrate((source, fresh_target))
    assert content(target) == content(fresh_target)
    assert results["authors"].leaving == [5]
    assert results["books"].leaving == [1]
    assert her_books > 0 and results["authors"].dependents == her_books  # released with her
    assert outcomes(target, "books")[11] == "quarantine:missing_parent:authors"
    assert outcomes(target, "authors")[5] == "skipped:test_account"


def test_a_row_ferry_did_not_write_holds_back_only_the_release_it_depends_on(
    toy_urls, fresh_target
) -> None:
    """The new application wrote a book of author 5; in the source, author 5 and author 6 are
    deleted (their books first). The sync releases author 6 with her books and everything
    else, keeps author 5 (and her own books: they depend on what stays) and names the
    application's row with the command that resolves it; the dry run says the same. Once
    that row is gone, the next sync releases author 5 too."""
    source, target = toy_urls
    migrate(toy_urls)
    planted = "00000000-0000-4000-8000-000000000005"
    with psycopg.connect(target) as conn:
        conn.execute(
            "INSERT INTO books (id, author_id, title, status) SELECT %s, id, 'app', 'draft'"
            " FROM authors WHERE legacy_author_id = 5",
            (planted,),
        )
    with psycopg.connect(source) as conn:
        conn.execute("DELETE FROM books WHERE author_id IN (5, 6)")
        conn.execute("DELETE FROM authors WHERE id IN (5, 6)")
        conn.execute("UPDATE books SET title = 'A, second edition' WHERE id = 1")
    for dry_run in (True, False):
        with pytest.raises(StateError) as refused:
            sync(toy_urls, dry_run=dry_run)
        sentence = str(refused.value)
        assert f"public.books row {planted}" in sentence
        assert f"DELETE FROM public.books WHERE id = '{planted}'" in sentence
        assert "author_id" in sentence and "public.authors" in sentence
    authors = outcomes(target, "authors")
    assert authors[5] == "migrated" and 6 not in authors
    assert outcomes(target, "books")[1] == "migrated"
    with psycopg.connect(target) as conn:
        assert conn.execute("SELECT title FROM books WHERE legacy_book_id = 1").fetchone() == (
            "A, second edition",
        )
        conn.execute("DELETE FROM books WHERE id = %s", (planted,))
    sync(toy_urls)
    migrate((source, fresh_target))
    assert content(target) == content(fresh_target)
