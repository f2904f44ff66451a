"""The history pre-fill writes the earlier tools' rows and mappings, one to one, randomly keyed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from importlib.resources import files

import psycopg
import pytest
from psycopg import sql

from ferry.brius.target import HISTORY_STEPS, install_schema, prefill_history
from tests.db.test_target_schema import owner_database  # noqa: F401 - a fixture

# The legacy helper's schema (REFERENCE section 1), so the history's queries are proven
# against the same tables the synthetic generator fills.
LEGACY_TABLES = (files("ferry.brius.legacy") / "sql" / "tables.sql").read_text(encoding="utf-8")

# A few rows with the pathologies the earlier tools met: an invalid office, two offices that
# normalise to the same address, a percent tax rate, a bad email, a bad suffix, blank names,
# a category whose parent has a higher id, a template whose category does not exist.
LEGACY_ROWS = """
INSERT INTO dispatch_office (id, name, address, city, state, zip, country, phone, tax_rate, valid,
                             emails) VALUES
    (1, 'Smile  Center', '1 Main St', 'Austin', 'tx', '78701-1234', 'usa', '(512) 555-0100',
        8.2500, true, true),
    (2, 'smile center', '1 main st', 'AUSTIN', 'TX', '78701 1234', 'USA', NULL, 0.0825, true,
        false),
    (3, 'Tokyo Aligners', '2-1 Ginza', 'Tokyo', NULL, NULL, 'Japan', NULL, NULL, true, true),
    (4, 'Closed Office', NULL, NULL, NULL, NULL, 'USA', NULL, NULL, false, true);
INSERT INTO dispatch_category (id, name, parent_id) VALUES
    (1, 'Child', 3), (2, 'Orphan', 99), (3, 'Parent', NULL);
INSERT INTO auth_user (id, password, last_login, is_superuser, username, first_name, last_name,
                       email, is_staff, is_active, date_joined) VALUES
    (10, 'pbkdf2$x', NULL, false, 'pat1', 'Ann', 'Lee', 'Ann.Lee@Example.com ', false, true,
        '2020-01-01'),
    (11, 'pbkdf2$x', NULL, false, 'pat2', '', ' ', 'ann@gmial', false, true, '2020-01-02'),
    (12, 'pbkdf2$x', now(), false, 'doc', 'Dr', 'Who', 'doc@brius.com', false, true, '2019-05-05'),
    (13, 'pbkdf2$x', NULL, false, 'tech', 'Tess', 'Tech', 'null', false, false, '2018-02-22'),
    (14, 'pbkdf2$x', NULL, true, 'root', 'Root', 'Admin', '', true, true, '2017-01-01');
INSERT INTO auth_user_groups (user_id, group_id) VALUES (10, 1), (12, 2), (13, 2), (13, 11);
INSERT INTO dispatch_patient (id, user_id, doctor_id, sex, archived, suspended, suffix) VALUES
    (100, 10, 12, 2, false, false, '00BB'),
    (101, 11, 12, 0, true, false, 'bad!');
INSERT INTO dispatch_role (id, name, abbrev, type, "order", user_id, group_id) VALUES
    (1, 'Manufacturing Technician', 'MT-1', 2, 1, NULL, 11),
    (2, 'Doctor', 'DR', 1, 2, 12, 2);
INSERT INTO dispatch_template (id, task_name, text_name, action_name, function, status, duration,
                               category_id, predefined, read_only, extensions, alerts,
                               separate) VALUES
    (1, 'Review scan', '', 'review', 'review_scan', 1, 30, 3, true, false, '.stl', true, false),
    (2, '', 'Print model', 'print', 'print', 0, 60, 42, false, false, '', false, true);
INSERT INTO dispatch_bracket (id, name, project_id, type) VALUES
    (1, 'UL3 bracket', 500, 1), (2, 'LL6 bracket', 501, 2);
"""

LEGACY_COLUMN = {
    "offices": "legacy_office_id",
    "categories": "legacy_category_id",
    "profiles": "legacy_user_id",
    "roles": "legacy_role_id",
    "templates": "legacy_template_id",
    "brackets": "legacy_bracket_id",
}


@pytest.fixture
def source(new_database: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(new_database) as conn:
        conn.execute(LEGACY_TABLES)
        conn.execute(LEGACY_ROWS)
        conn.commit()
        yield conn


@pytest.fixture
def target(owner_database: tuple[str, str]) -> Iterator[psycopg.Connection]:  # noqa: F811
    """The target schema, installed and filled by a non-superuser that owns the database."""
    url, role = owner_database
    with psycopg.connect(url, user=role) as conn:
        install_schema(conn)
        yield conn


def mappings(target: psycopg.Connection, entity_type: str) -> dict[int, uuid.UUID]:
    rows = target.execute(
        "SELECT legacy_id, new_id FROM migration_mappings WHERE entity_type = %s", (entity_type,)
    )
    return dict(rows.fetchall())


def test_history_rows_and_mappings_match(
    source: psycopg.Connection, target: psycopg.Connection
) -> None:
    written = prefill_history(source, target)

    assert written == {
        "offices": 2,
        "categories": 3,
        "profiles": 5,
        "roles": 2,
        "templates": 2,
        "brackets": 2,
        "migration_mappings": 3 + 3 + 5 + 2 + 2 + 2,
    }
    for step in HISTORY_STEPS:
        column = LEGACY_COLUMN[step.table]
        query = sql.SQL("SELECT {}, id FROM {}").format(
            sql.Identifier(column), sql.Identifier(step.table)
        )
        rows = dict(target.execute(query).fetchall())
        mapped = mappings(target, step.entity_type)
        # Every row has its mapping; every mapping points at a row.
        assert {legacy_id: mapped[legacy_id] for legacy_id in rows} == rows
        assert set(mapped.values()) == set(rows.values())
        # Random v4 keys: never derived from the legacy id.
        assert {key.version for key in rows.values()} == {4}

    offices = mappings(target, "office")
    assert set(offices) == {1, 2, 3}, "the invalid office 4 was never migrated"
    assert offices[1] == offices[2], "the duplicate office is mapped onto the first one"
    batches = target.execute(
        "SELECT DISTINCT migration_batch FROM migration_mappings WHERE entity_type = 'office'"
    ).fetchall()
    assert batches == [("office_migration_20250815_101500",)]


def test_history_applies_the_earlier_transforms(
    source: psycopg.Connection, target: psycopg.Connection
) -> None:
    prefill_history(source, target)

    office = target.execute(
        "SELECT name, city, state, zip_code, country, phone, tax_rate FROM offices "
        "WHERE legacy_office_id = 1"
    ).fetchone()
    assert office[:6] == ("smile center", "austin", "TX", "787011234", "USA", "5125550100")
    assert str(office[6]) == "0.0825"

    profiles = {
        row[0]: row[1:]
        for row in target.execute(
            "SELECT legacy_user_id, profile_type::text, first_name, last_name, email, "
            "patient_suffix, gender::text FROM profiles"
        )
    }
    assert profiles[10] == ("patient", "Ann", "Lee", "ann.lee@example.com", "00BB", "female")
    assert profiles[11] == ("patient", "Unknown", "Unknown", None, None, "unknown")
    assert profiles[12][0] == "doctor"
    assert profiles[13][0] == "technician"
    assert profiles[14][0] == "master"

    parents = dict(
        target.execute(
            "SELECT c.legacy_category_id, p.legacy_category_id FROM categories c "
            "LEFT JOIN categories p ON p.id = c.parent_id"
        ).fetchall()
    )
    assert parents == {1: 3, 2: None, 3: None}

    templates = dict(
        target.execute(
            "SELECT t.name, c.legacy_category_id FROM templates t "
            "LEFT JOIN categories c ON c.id = t.category_id"
        ).fetchall()
    )
    assert templates == {"Review scan": 3, "Print model": None}

    brackets = target.execute(
        "SELECT legacy_bracket_id, project_id, legacy_project_id FROM brackets ORDER BY 1"
    ).fetchall()
    assert brackets == [(1, None, 500), (2, None, 501)]


def test_history_twice_writes_nothing_more(
    source: psycopg.Connection, target: psycopg.Connection
) -> None:
    prefill_history(source, target)
    before = target.execute("SELECT * FROM migration_mappings ORDER BY 1, 2").fetchall()

    again = prefill_history(source, target)

    assert set(again.values()) == {0}
    assert target.execute("SELECT * FROM migration_mappings ORDER BY 1, 2").fetchall() == before


def test_history_keys_differ_between_targets(
    source: psycopg.Connection, target: psycopg.Connection, database_factory
) -> None:
    """Two lab states built from one legacy database share no key: the keys are random."""
    prefill_history(source, target)
    with psycopg.connect(database_factory(), autocommit=True) as other:
        install_schema(other)
        prefill_history(source, other)
        other_keys = {row[0] for row in other.execute("SELECT new_id FROM migration_mappings")}
    keys = {row[0] for row in target.execute("SELECT new_id FROM migration_mappings")}
    assert keys.isdisjoint(other_keys)
