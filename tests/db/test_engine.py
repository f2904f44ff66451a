"""The engine on a small catalogue: every row accounted for, exactly once, deterministically."""

from __future__ import annotations

import psycopg
import pytest

from ferry.engine.keys import legacy_uuid
from ferry.errors import StateError, TargetError
from tests.db import toy
from tests.db.toy import migrate, outcomes, snapshot


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
    assert len(books) == len(toy.BOOKS)
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
    assert "authors 99 does not exist in the source" in messages[5]  # authors completed
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


def test_a_skip_rule_switched_off_migrates_its_rows_on_restart(toy_urls) -> None:
    migrate(toy_urls)
    assert outcomes(toy_urls[1], "authors")[3] == "skipped:test_account"
    migrate(toy_urls, restart=True, catalogue=toy.CATALOGUE.without_skip_rules(["test_account"]))
    assert outcomes(toy_urls[1], "authors")[3] == "migrated"
    assert (
        outcomes(toy_urls[1], "books")[3] == "migrated"
    )  # its parent arrived: it leaves quarantine


def test_a_failed_entity_blocks_its_dependents_and_says_so(toy_urls) -> None:
    with psycopg.connect(toy_urls[1]) as conn:
        conn.execute("DROP TABLE books")  # books cannot load; authors still can
        conn.execute("ALTER TABLE authors RENAME TO writers")  # now authors cannot either
    with pytest.raises(TargetError, match=r"[^.]; not started because of it: books\.$") as caught:
        migrate(toy_urls)
    assert "authors" in str(caught.value)
