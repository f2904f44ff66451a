"""The legacy schema installs (twice), with Django's names, and every reference is declared."""

from __future__ import annotations

import psycopg

from ferry.brius.legacy import install_schema
from ferry.brius.legacy.foreign_keys import FOREIGN_KEYS
from ferry.brius.legacy.schema import LEGACY_TABLES


def _columns(conn: psycopg.Connection) -> dict[str, dict[str, str]]:
    rows = conn.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns"
        " WHERE table_schema = 'public'"
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, {})[column] = data_type
    return tables


def test_schema_installs_twice_with_every_legacy_table(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        install_schema(conn)
        tables = _columns(conn)
        synthetic = {
            name
            for (name,) in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'synthetic'"
            )
        }
    assert set(LEGACY_TABLES) <= set(tables)
    assert not {"dispatch_doctor", "dispatch_case"} & set(tables)
    assert {
        "pathology",
        "expected_outcome",
        "expected_fix",
        "expected_total",
        "generation",
    } <= synthetic


def test_install_commits_when_the_connection_is_not_in_autocommit(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        conn.execute("SELECT 1")  # an open transaction, as a caller may leave it
        install_schema(conn)
    with psycopg.connect(new_database) as conn:
        assert conn.execute("SELECT to_regclass('dispatch_task')").fetchone()[0] is not None


def test_django_types_and_reserved_word_columns(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        tables = _columns(conn)
    assert tables["dispatch_instruction"]["order"] == "integer"
    assert tables["dispatch_role"]["order"] == "integer"
    assert tables["dispatch_state"]["on"] == "boolean"
    assert tables["dispatch_office"]["tax_rate"] == "numeric"
    assert tables["auth_user"]["date_joined"] == "timestamp with time zone"
    assert tables["auth_user"]["email"] == "character varying"
    assert all(
        columns["id"] == "integer" for name, columns in tables.items() if name in LEGACY_TABLES
    )


def test_every_reference_column_is_a_declared_foreign_key(new_database: str) -> None:
    """A *_id column missing from FOREIGN_KEYS would have orphans nobody records."""
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        tables = _columns(conn)
    references = {
        (table, column)
        for table, columns in tables.items()
        if table in LEGACY_TABLES
        for column in columns
        if column.endswith("_id") and columns[column] == "integer"
    }
    declared = {(fk.table, fk.column) for fk in FOREIGN_KEYS}
    assert references == declared
