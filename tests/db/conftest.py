"""Fixtures of the engine tests: the toy catalogue's two databases, filled."""

from __future__ import annotations

import psycopg
import pytest

from tests.db import toy


@pytest.fixture
def toy_urls(database_factory) -> tuple[str, str]:
    source, target = database_factory(), database_factory()
    toy.install(source, target)
    with psycopg.connect(source) as conn, conn.cursor() as cur:
        cur.executemany("INSERT INTO authors VALUES (%s, %s, %s, %s, %s)", toy.AUTHORS)
        cur.executemany("INSERT INTO books VALUES (%s, %s, %s, %s, %s)", toy.BOOKS)
    return source, target
