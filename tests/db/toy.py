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
        Column("legacy_author_id", "a.id"),
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
        Column("legacy_book_id", "b.id"),
    ),
    money_columns=("price",),
)

CATALOGUE = Catalogue.build("toy", [AUTHORS, BOOKS], [Workflow("everything", ("authors", "books"))])


def install(source_url: str, target_url: str) -> None:
    with psycopg.connect(source_url) as conn:
        conn.execute(SOURCE_DDL)
    with psycopg.connect(target_url) as conn:
        conn.execute(TARGET_DDL)
