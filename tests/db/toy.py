"""A small catalogue on a small schema, to test the engine apart from the lab's catalogue.

Source: authors and books (integer ids). Target: authors and books with UUID keys, a real
foreign key, a CHECK, a UNIQUE legacy id, and a code column.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import psycopg

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import (
    CodeMap,
    Column,
    Entity,
    Fixed,
    Parent,
    Rejected,
    SkipRule,
    Source,
    Workflow,
)
from ferry.db.endpoints import Endpoints
from ferry.engine.runner import RunOptions, run_migrate
from ferry.engine.session import RunSession
from ferry.plan.planner import make_plan
from ferry.progress import SilentProgress
from ferry.settings import load_settings
from ferry.validate.runner import run_validate

SOURCE_DDL = """
CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL, email text, is_test boolean
    NOT NULL DEFAULT false, city text);
CREATE TABLE books (id serial PRIMARY KEY, author_id integer, title text, price text,
    status integer);
"""

TARGET_DDL = """
CREATE TABLE authors (id uuid PRIMARY KEY, name text NOT NULL, email text
    CONSTRAINT authors_email_format CHECK (email ~ '^[^@ ]+@[^@ ]+$'), city text,
    legacy_author_id integer CONSTRAINT authors_legacy_author_id_key UNIQUE);
CREATE TABLE books (id uuid PRIMARY KEY,
    author_id uuid NOT NULL REFERENCES authors (id),
    title text NOT NULL, price numeric(8,2), status text NOT NULL, status_code integer,
    legacy_book_id integer CONSTRAINT books_legacy_book_id_key UNIQUE);
"""

BOOK_STATUS = CodeMap("book status", {1: "draft", 2: "published"}, allow_null=False)


def money(text: str | None) -> object:
    """Price text -> amount; '12,50' is fixed to 12.50; anything else unparseable rejects."""
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    try:
        return Fixed(Decimal(text.replace(",", ".")), "decimal_comma")
    except InvalidOperation:
        return Rejected("unparsable_price", "price is not a number")


AUTHORS = Entity(
    name="authors",
    target="authors",
    source=Source("authors a", "a.id"),
    columns=(
        Column("name", "a.name"),
        Column("email", "a.email"),
        Column("city", "a.city"),
        Column("legacy_author_id", "a.id", legacy_key=True),
    ),
    skip_rules=(SkipRule("test_account", "a.is_test", "test accounts are not migrated"),),
    dedup_key="lower(a.name) || '|' || coalesce(a.city, '')",
)

BOOKS = Entity(
    name="books",
    target="books",
    source=Source("books b", "b.id"),
    parents=(Parent("author_id", "authors", "b.author_id"),),
    columns=(
        Column("title", "b.title"),
        Column("price", "b.price", coerce=money),
        Column("status", "b.status", code=BOOK_STATUS),
        Column("status_code", "b.status"),
        Column("legacy_book_id", "b.id", legacy_key=True),
    ),
    money_columns=("price",),
    money_owner="author_id",
)

CATALOGUE = Catalogue.build("toy", [AUTHORS, BOOKS], [Workflow("everything", ("authors", "books"))])


def install(source_url: str, target_url: str) -> None:
    with psycopg.connect(source_url) as conn:
        conn.execute(SOURCE_DDL)
    with psycopg.connect(target_url) as conn:
        conn.execute(TARGET_DDL)


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


def migrate(
    urls: tuple[str, str],
    *,
    dry_run: bool = False,
    restart: bool = False,
    batch_size=7,
    catalogue: Catalogue | None = None,
    workers: int = 1,
):
    catalogue = catalogue or CATALOGUE
    settings = load_settings(source_url=urls[0], target_url=urls[1])
    phases = make_plan(catalogue, "everything").phases
    options = RunOptions(batch_size, dry_run=dry_run, restart=restart, workers=workers)
    with RunSession(Endpoints(*urls, embedded=False), settings) as session:
        return run_migrate(
            session, catalogue, phases, "everything", options=options, progress=SilentProgress()
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


def validate(
    urls: tuple[str, str],
    target: str = "everything",
    catalogue: Catalogue | None = None,
    workers: int = 1,
):
    catalogue = catalogue or CATALOGUE
    settings = load_settings(source_url=urls[0], target_url=urls[1])
    phases = make_plan(catalogue, target).phases
    options = RunOptions(4, workers=workers)
    with RunSession(Endpoints(*urls, embedded=False), settings) as session:
        return run_validate(
            session, catalogue, phases, target, options=options, progress=SilentProgress()
        )
