"""Rollback deletes exactly what ferry wrote, children first, and refuses to strand rows."""

from __future__ import annotations

import psycopg
import pytest

from ferry.db.endpoints import Endpoints
from ferry.engine.runner import RunOptions
from ferry.engine.session import RunSession
from ferry.errors import StateError
from ferry.progress import SilentProgress
from ferry.rollback import run_rollback
from ferry.settings import load_settings
from tests.db import toy
from tests.db.toy import migrate, snapshot

PREEXISTING_AUTHOR = "00000000-0000-4000-8000-000000000001"


def rollback(urls, names, *, cascade=False, dry_run=False, batch_size=2):
    settings = load_settings(source_url=urls[0], target_url=urls[1])
    with RunSession(Endpoints(*urls, embedded=False), settings) as session:
        return run_rollback(
            session,
            toy.CATALOGUE,
            names,
            ",".join(names),
            cascade=cascade,
            include_preexisting=False,
            options=RunOptions(batch_size, dry_run=dry_run),
            progress=SilentProgress(),
        )


def test_rollback_all_restores_the_target(toy_urls) -> None:
    with psycopg.connect(toy_urls[1]) as conn:  # a row some other tool wrote stays
        conn.execute("INSERT INTO authors (id, name) VALUES (%s, 'Kept')", (PREEXISTING_AUTHOR,))
    with psycopg.connect(toy_urls[1]) as conn:
        before = {
            t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
            for t in ("authors", "books")
        }
    migrate(toy_urls)
    rollback(toy_urls, ["authors", "books"])
    after = snapshot(toy_urls[1])
    assert after["authors"] == before["authors"] and after["books"] == before["books"] == []
    assert after["ferry.migration_mappings"] == [] and after["ferry.skipped"] == []
    with psycopg.connect(toy_urls[1]) as conn:
        open_entries = conn.execute("SELECT count(*) FROM ferry.quarantine WHERE NOT resolved")
        assert open_entries.fetchone()[0] == 0
    migrate(toy_urls)  # and it migrates again from the first row
    assert len(snapshot(toy_urls[1])["books"]) == len(migrate_books_count(toy_urls))


def migrate_books_count(urls) -> list:
    with psycopg.connect(urls[1]) as conn:
        return conn.execute(
            "SELECT * FROM ferry.migration_mappings WHERE entity = 'books'"
        ).fetchall()


def test_parent_alone_is_refused_then_cascades(toy_urls) -> None:
    migrate(toy_urls)
    with pytest.raises(StateError, match=r"would strand rows of books \(\d+ rows\).*--cascade"):
        rollback(toy_urls, ["authors"])
    result = rollback(toy_urls, ["authors"], cascade=True)
    assert [e.entity for e in result.entities] == ["books", "authors"]
    assert snapshot(toy_urls[1])["authors"] == []


def test_child_alone_is_allowed_and_dry_run_deletes_nothing(toy_urls) -> None:
    migrate(toy_urls)
    before = snapshot(toy_urls[1])
    dry = rollback(toy_urls, ["books"], dry_run=True)
    assert dry.entities[0].deleted > 0
    assert snapshot(toy_urls[1]) == before
    rollback(toy_urls, ["books"])
    after = snapshot(toy_urls[1])
    assert after["books"] == [] and after["authors"] == before["authors"]
