"""The target schema installs (twice, as a non-superuser owner) and enforces what it declares."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors, sql

from ferry.brius.target import install_schema
from ferry.db.urls import with_database
from tests.unit.test_catalogue_docs import INVENTORY

DOC = Path(__file__).resolve().parents[2] / "docs" / "target-schema.md"

# Every target table: the catalogue fills each one (tests/unit/test_catalogue_docs.py).


# Everything install creates, as text: a second install must leave every line unchanged,
# including object identities (oids), so nothing was dropped and created again.
FINGERPRINT = """
SELECT 'relation ' || c.oid || ' ' || c.relname || ' ' || c.relkind::text
FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace
UNION ALL
SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
       || ' ' || a.attnotnull || ' ' || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid AND c.relnamespace = 'public'::regnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
UNION ALL
SELECT 'constraint ' || oid || ' ' || conname || ' ' || pg_get_constraintdef(oid)
FROM pg_constraint WHERE connamespace = 'public'::regnamespace
UNION ALL
SELECT 'trigger ' || t.oid || ' ' || pg_get_triggerdef(t.oid)
FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
UNION ALL
SELECT 'type ' || t.oid || ' ' || t.typname || ' '
       || coalesce((SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                    FROM pg_enum e WHERE e.enumtypid = t.oid), '')
FROM pg_type t WHERE t.typnamespace = 'public'::regnamespace
UNION ALL
SELECT 'function ' || p.oid || ' ' || pg_get_functiondef(p.oid)
FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
ORDER BY 1
"""


def fingerprint(conn: psycopg.Connection) -> list[str]:
    return [row[0] for row in conn.execute(FINGERPRINT)]


@pytest.fixture
def target(new_database: str) -> Iterator[psycopg.Connection]:
    """A connection to a fresh database with the target schema installed."""
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        yield conn


@pytest.fixture
def owner_database(server_url: str) -> Iterator[tuple[str, str]]:
    """(URL, role) of a fresh database owned by a fresh non-superuser login role."""
    suffix = uuid.uuid4().hex[:12]
    role, database = f"ferry_owner_{suffix}", f"ferry_test_owned_{suffix}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER").format(sql.Identifier(role)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(role)
            )
        )
    try:
        yield with_database(server_url, database), role
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


def test_second_install_changes_nothing(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        install_schema(conn)
        first = fingerprint(conn)
        install_schema(conn)
        assert fingerprint(conn) == first


def test_installs_as_non_superuser_owner(owner_database: tuple[str, str]) -> None:
    url, role = owner_database
    with psycopg.connect(url, user=role, autocommit=True) as conn:
        is_superuser = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
        assert conn.execute(is_superuser).fetchone() == (False,)
        install_schema(conn)
        first = fingerprint(conn)
        install_schema(conn)
        assert fingerprint(conn) == first
        owners = conn.execute(
            "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    assert owners == [(role,)]


def test_install_commits_inside_the_callers_transaction(new_database: str) -> None:
    """With autocommit off and a transaction already open, install still commits its work."""
    with psycopg.connect(new_database) as conn:
        conn.execute("SELECT 1")
        install_schema(conn)
        with psycopg.connect(new_database) as other:
            found = other.execute("SELECT to_regclass('public.orders')::text").fetchone()
        assert found == ("orders",)


def test_every_inventory_table_exists(target: psycopg.Connection) -> None:
    tables = {
        row[0]
        for row in target.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }
    assert tables == INVENTORY


def test_every_legacy_id_column_is_unique(target: psycopg.Connection) -> None:
    """Each legacy_*_id column has a one-column UNIQUE named <table>_<column>_key.

    brackets.legacy_project_id is the one exception: a raw parent id, not a traceability key.
    """
    columns = target.execute(
        """
        SELECT c.relname, a.attname
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND a.attname LIKE 'legacy\\_%\\_id' AND NOT a.attisdropped
        """
    ).fetchall()
    unique = {
        row[0]
        for row in target.execute(
            "SELECT conname FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND contype = 'u'"
        )
    }
    missing = {
        f"{table}_{column}_key"
        for table, column in columns
        if (table, column) != ("brackets", "legacy_project_id")
    } - unique
    assert len(columns) >= len(INVENTORY)
    assert missing == set()


def test_every_table_has_the_updated_at_trigger(target: psycopg.Connection) -> None:
    triggered = {
        row[0]
        for row in target.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = c.relname || '_set_updated_at' AND NOT t.tgisinternal"
        )
    }
    assert triggered == INVENTORY


def test_updated_at_is_refreshed_on_update(target: psycopg.Connection) -> None:
    office_id, created = target.execute(
        "INSERT INTO offices (name, updated_at) VALUES ('a', '2020-01-01') RETURNING id, updated_at"
    ).fetchone()
    target.commit()
    target.execute("UPDATE offices SET name = 'b' WHERE id = %s", (office_id,))
    updated, now = target.execute(
        "SELECT updated_at, now() FROM offices WHERE id = %s", (office_id,)
    ).fetchone()
    assert updated == now
    assert updated > created


# A CTE `p` that makes one profile, for statements that need a parent profile.
WITH_PROFILE = (
    "WITH p AS (INSERT INTO profiles (profile_type, first_name, last_name) "
    "VALUES ('patient', 'A', 'B') RETURNING id) "
)
PATIENT = WITH_PROFILE + "INSERT INTO patients (profile_id, suffix) SELECT id, {} FROM p"
CHECKS = [
    # (constraint, statement template, value accepted, value refused)
    (
        "profiles_email_format",
        "INSERT INTO profiles (profile_type, first_name, last_name, email) "
        "VALUES ('doctor', 'A', 'B', {})",
        "jane.doe+lab@example.co.uk",
        "jane@gmail",
    ),
    (
        "profiles_email_format",
        "INSERT INTO profiles (profile_type, first_name, last_name, email) "
        "VALUES ('doctor', 'A', 'B', {})",
        None,
        "o'neil@example.com",
    ),
    (
        "profiles_email_format",
        "INSERT INTO profiles (profile_type, first_name, last_name, email) "
        "VALUES ('doctor', 'A', 'B', {})",
        "A_B%1@sub.example.com",
        "jane doe@example.com",
    ),
    (
        "profiles_patient_suffix_format",
        "INSERT INTO profiles (profile_type, first_name, last_name, patient_suffix) "
        "VALUES ('patient', 'A', 'B', {})",
        "00BB",
        "00bb",
    ),
    (
        "profiles_patient_suffix_format",
        "INSERT INTO profiles (profile_type, first_name, last_name, patient_suffix) "
        "VALUES ('patient', 'A', 'B', {})",
        None,
        "DEF1X",
    ),
    ("patients_suffix_format", PATIENT, "12AZ", "12A"),
    (
        "offices_tax_rate_range",
        "INSERT INTO offices (name, tax_rate) VALUES ('o', {})",
        0.1025,
        1.025,
    ),
    ("offices_tax_rate_range", "INSERT INTO offices (name, tax_rate) VALUES ('o', {})", 0, -0.01),
    (
        "offices_legacy_office_id_key",
        "INSERT INTO offices (name, legacy_office_id) VALUES ('o', 7), ('p', {})",
        8,
        7,
    ),
    (
        "profiles_legacy_user_id_key",
        "INSERT INTO profiles (profile_type, first_name, last_name, legacy_user_id) "
        "VALUES ('doctor', 'A', 'B', 5), ('doctor', 'C', 'D', {})",
        6,
        5,
    ),
    (
        "messages_recipient_matches_type",
        WITH_PROFILE
        + "INSERT INTO messages (message_type, record_type_code, content, recipient_type, "
        "recipient_profile_id) SELECT 'communication', 3, '', {}, id FROM p",
        "user",
        "patient",
    ),
]


@pytest.mark.parametrize(
    ("constraint", "statement", "accepted", "refused"),
    CHECKS,
)
def test_named_constraint_refuses_a_bad_row(
    target: psycopg.Connection, constraint: str, statement: str, accepted, refused
) -> None:
    template = sql.SQL(statement)
    target.execute(template.format(sql.Literal(accepted)))
    refused_row = template.format(sql.Literal(refused))
    with pytest.raises(errors.IntegrityError) as refusal, target.transaction():
        target.execute(refused_row)
    assert refusal.value.diag.constraint_name == constraint


def test_money_and_pairing_constraints(target: psycopg.Connection) -> None:
    """Rows that need a chain of parents: order -> payment -> purchase, doctor -> offer."""
    ids = target.execute(
        WITH_PROFILE + ", pat AS (INSERT INTO patients (profile_id) SELECT id FROM p RETURNING id)"
        " INSERT INTO orders (patient_id, course_type, course_code, status, status_code)"
        " SELECT id, 'main', 1, 'submitted', 1 FROM pat RETURNING id"
    ).fetchone()
    order_id = ids[0]
    payment_id = target.execute(
        "INSERT INTO payments (order_id, amount, status) VALUES (%s, 10, 'completed') RETURNING id",
        (order_id,),
    ).fetchone()[0]
    refusals = {
        "purchases_total_amount_positive": (
            "INSERT INTO purchases (order_id, payment_id, unit_price, total_amount)"
            " VALUES (%s, %s, 0, 0)",
            (order_id, payment_id),
        ),
        "payments_amounts_nonnegative": (
            "INSERT INTO payments (order_id, amount, status) VALUES (%s, -1, 'completed')",
            (order_id,),
        ),
        "orders_amount_nonnegative": (
            "UPDATE orders SET amount = -5 WHERE id = %s",
            (order_id,),
        ),
        "payments_order_id_fkey": (
            "INSERT INTO payments (order_id, amount, status) VALUES (%s, 1, 'completed')",
            (uuid.uuid4(),),
        ),
    }
    for constraint, (statement, params) in refusals.items():
        with pytest.raises(psycopg.errors.IntegrityError) as refusal, target.transaction():
            target.execute(statement, params)
        assert refusal.value.diag.constraint_name == constraint


def test_many_plans_may_share_one_project(target: psycopg.Connection) -> None:
    """REFERENCE 5.3 item 7: the data has several plans per project; the schema must allow it."""
    target.execute(
        "WITH pr AS (INSERT INTO projects (name) VALUES ('x') RETURNING id) "
        "INSERT INTO treatment_plans (project_id, legacy_plan_id) "
        "SELECT id, n FROM pr, generate_series(1, 3) AS n"
    )
    assert target.execute("SELECT count(DISTINCT project_id) FROM treatment_plans").fetchone() == (
        1,
    )


def _doc_rows(heading: str) -> list[list[str]]:
    """Cells (backticks stripped) of the table rows under one '## heading' of the doc."""
    section = DOC.read_text(encoding="utf-8").split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("| `")
    ]


def test_doc_lists_every_foreign_key(target: psycopg.Connection) -> None:
    in_schema = set(
        target.execute(
            """
            SELECT c.relname || '.' || a.attname, r.relname || '.' || ra.attname
            FROM pg_constraint k
            JOIN pg_class c ON c.oid = k.conrelid
            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
            JOIN pg_class r ON r.oid = k.confrelid
            JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
            WHERE k.contype = 'f' AND k.connamespace = 'public'::regnamespace
            """
        ).fetchall()
    )
    in_doc = {(row[0], row[1]) for row in _doc_rows("Foreign keys")}
    assert in_doc == in_schema


def test_doc_lists_every_named_constraint(target: psycopg.Connection) -> None:
    in_schema = {
        row[0]
        for row in target.execute(
            "SELECT conname FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'u')"
        )
    }
    in_doc = {row[0] for row in _doc_rows("Named constraints")}
    assert in_doc == in_schema


def test_doc_lists_every_enum(target: psycopg.Connection) -> None:
    in_schema = {
        (row[0], row[1])
        for row in target.execute(
            "SELECT t.typname, string_agg(e.enumlabel, ', ' ORDER BY e.enumsortorder) "
            "FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid "
            "WHERE t.typnamespace = 'public'::regnamespace GROUP BY t.typname"
        )
    }
    in_doc = {(row[0], re.sub(r"`", "", row[1])) for row in _doc_rows("Enums")}
    assert in_doc == in_schema
