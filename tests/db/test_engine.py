"""The engine on a small catalogue: every row accounted for, exactly once, deterministically."""

from __future__ import annotations

import psycopg
import pytest

from ferry.db.endpoints import Endpoints
from ferry.engine.keys import legacy_uuid
from ferry.engine.runner import run_migrate
from ferry.engine.session import RunSession
from ferry.errors import StateError
from ferry.plan.planner import make_plan
from ferry.progress import SilentProgress
from ferry.settings import load_settings
from tests.db import toy

AUTHORS = [
    (1, "Ann", "ann@example.org", False, "Oslo"),
    (2, "Bob", "bob at example.org", False, "Rome"),  # refused by the email CHECK
    (3, "Tess", "t@example.org", True, "Rome"),  # skipped: test account
    (4, "ann", "ann2@example.org", False, "Oslo"),  # duplicate of 1
    (5, "Cid", None, False, None),
]
BOOKS = [
    (1, 1, "A", "10.00", 1),
    (2, 2, "B", "1", 1),  # author quarantined
    (3, 3, "C", "1", 2),  # author skipped
    (4, 4, "D", "2", 2),  # author is a duplicate: resolves to Ann's row
    (5, 99, "E", "1", 1),  # author absent
    (6, None, "F", "1", 1),  # no author
    (7, 1, "G", "1", 9),  # unknown status code
    (8, 5, "H", "12,50", 1),  # fixed: decimal comma
    (9, 5, "I", "abc", 1),  # rejected: price
    (10, 5, None, "1", 2),  # refused: NOT NULL title
] + [(i, 5, f"T{i}", "3.00", 2) for i in range(11, 61)]


@pytest.fixture
def toy_urls(database_factory) -> tuple[str, str]:
    source, target = database_factory(), database_factory()
    toy.install(source, target)
    with psycopg.connect(source) as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO authors VALUES (%s, %s, %s, %s, %s)", AUTHORS)
        cur.executemany("INSERT INTO books VALUES (%s, %s, %s, %s, %s)", BOOKS)
    return source, target


def migrate(urls: tuple[str, str], *, dry_run: bool = False, restart: bool = False, batch_size=7):
    settings = load_settings(source_url=urls[0], target_url=urls[1])
    plan = make_plan(toy.CATALOGUE, "everything")
    with RunSession(Endpoints(*urls, embedded=False), settings) as session:
        return run_migrate(
            session,
            toy.CATALOGUE,
            plan,
            batch_size=batch_size,
            dry_run=dry_run,
            restart=restart,
            progress=SilentProgress(),
        )


def outcomes(target: str, entity: str) -> dict[int, str]:
    """legacy id -> 'migrated' | 'quarantine:<reason>' | 'skipped:<rule>' (must be disjoint)."""
    with psycopg.connect(target) as conn:
        rows = conn.execute(
            "SELECT legacy_id, 'migrated' FROM ferry.migration_mappings WHERE entity = %(e)s"
            " UNION ALL SELECT legacy_id, 'quarantine:' || reason FROM ferry.quarantine"
            "  WHERE entity = %(e)s AND NOT resolved"
            " UNION ALL SELECT legacy_id, 'skipped:' || rule FROM ferry.skipped"
            "  WHERE entity = %(e)s",
            {"e": entity},
        ).fetchall()
    found: dict[int, str] = {}
    for legacy_id, outcome in rows:
        assert legacy_id not in found, f"{entity} {legacy_id} has two outcomes"
        found[legacy_id] = outcome
    return found


def snapshot(target: str) -> dict[str, list]:
    with psycopg.connect(target) as conn:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in (
                "authors",
                "books",
                "ferry.migration_mappings",
                "ferry.quarantine",
                "ferry.skipped",
            )
        }


def test_every_row_has_exactly_one_owed_outcome(toy_urls) -> None:
    result = migrate(toy_urls)
    assert [e.status for e in result.entities] == ["completed", "completed"]
    authors = outcomes(toy_urls[1], "authors")
    assert authors == {
        1: "migrated",
        2: "quarantine:constraint:authors_email_format",
        3: "skipped:test_account",
        4: "migrated",
        5: "migrated",
    }
    books = outcomes(toy_urls[1], "books")
    assert {k: v for k, v in books.items() if k <= 10} == {
        1: "migrated",
        2: "quarantine:missing_parent:authors",
        3: "quarantine:missing_parent:authors",
        4: "migrated",
        5: "quarantine:missing_parent:authors",
        6: "quarantine:missing_parent:authors",
        7: "quarantine:unknown_code",
        8: "migrated",
        9: "quarantine:unparsable_price",
        10: "quarantine:refused:NotNullViolation",
    }
    assert len(books) == len(BOOKS)
    with psycopg.connect(toy_urls[1]) as conn:
        messages = dict(
            conn.execute(
                "SELECT legacy_id, message FROM ferry.quarantine WHERE entity = 'books'"
            ).fetchall()
        )
        notes = dict(
            conn.execute(
                "SELECT legacy_id, notes FROM ferry.migration_mappings WHERE entity = 'books'"
            ).fetchall()
        )
        dup = conn.execute(
            "SELECT new_id FROM ferry.migration_mappings WHERE entity = 'authors' AND legacy_id = 4"
        ).fetchone()[0]
        book4_author = conn.execute(
            "SELECT author_id FROM books WHERE legacy_book_id = 4"
        ).fetchone()[0]
        price8 = conn.execute("SELECT price FROM books WHERE legacy_book_id = 8").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM authors").fetchone()[0] == 2
    assert "quarantined (constraint:authors_email_format)" in messages[2]
    assert "skipped by rule test_account" in messages[3]
    assert "authors 99 is not migrated" in messages[5]
    assert "has no authors" in messages[6]
    assert notes[8] == ["decimal_comma"]
    assert dup == legacy_uuid("authors", 1) == book4_author
    assert str(price8) == "12.50"


def test_keys_are_deterministic(toy_urls) -> None:
    migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:
        rows = conn.execute("SELECT id, legacy_book_id FROM books").fetchall()
    assert rows and all(new_id == legacy_uuid("books", legacy) for new_id, legacy in rows)


def test_rerun_writes_nothing_and_new_rows_only_are_added(toy_urls) -> None:
    migrate(toy_urls)
    before = snapshot(toy_urls[1])
    migrate(toy_urls)
    assert snapshot(toy_urls[1]) == before
    with psycopg.connect(toy_urls[0]) as conn:
        conn.execute("INSERT INTO books VALUES (100, 1, 'New', '5', 1)")
    migrate(toy_urls)
    after = snapshot(toy_urls[1])
    assert len(after["books"]) == len(before["books"]) + 1
    keys = {
        name: {row[:3] for row in snap["ferry.migration_mappings"]}
        for name, snap in (("before", before), ("after", after))
    }
    assert keys["before"] < keys["after"]
    assert len(keys["after"]) == len(keys["before"]) + 1


def test_batch_size_does_not_change_the_result(toy_urls, database_factory) -> None:
    migrate(toy_urls, batch_size=3)
    other_target = database_factory()
    with psycopg.connect(other_target) as conn:
        conn.execute(toy.TARGET_DDL)
    migrate((toy_urls[0], other_target), batch_size=1000)
    first, second = snapshot(toy_urls[1]), snapshot(other_target)
    assert first["authors"] == second["authors"] and first["books"] == second["books"]


def test_dry_run_writes_nothing(toy_urls) -> None:
    result = migrate(toy_urls, dry_run=True)
    assert sum(e.migrated for e in result.entities) > 0
    with psycopg.connect(toy_urls[1]) as conn:
        assert conn.execute("SELECT count(*) FROM books").fetchone()[0] == 0
        assert conn.execute("SELECT to_regnamespace('ferry')").fetchone()[0] is None


def test_resume_with_other_parameters_is_refused(toy_urls) -> None:
    migrate(toy_urls)
    with psycopg.connect(toy_urls[1]) as conn:  # pretend books was left half done
        conn.execute(
            "UPDATE ferry.migration_control SET status = 'running'"
            " WHERE entity = 'books' AND batch IS NULL"
        )
    with pytest.raises(StateError, match="other parameters"):
        migrate(toy_urls, batch_size=5)
    migrate(toy_urls, batch_size=5, restart=True)
