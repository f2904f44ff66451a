"""ferry's state schema installs, upgrades idempotently, and computes keys like Python does."""

import uuid

import psycopg
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg import sql

from ferry.engine.keys import legacy_uuid
from ferry.state.schema import current_version, ensure_state_schema, latest_version


def test_install_twice(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        assert current_version(conn) == 0
        assert ensure_state_schema(conn) == list(range(1, latest_version() + 1))
        assert ensure_state_schema(conn) == []
        assert current_version(conn) == latest_version()


@settings(max_examples=30, deadline=None)
@given(
    entity=st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1),
    legacy_id=st.integers(-(2**63), 2**63 - 1),
)
def test_sql_keys_equal_python_keys(state_database: str, entity: str, legacy_id: int) -> None:
    with psycopg.connect(state_database) as conn:
        in_sql = conn.execute("SELECT ferry.legacy_uuid(%s, %s)", (entity, legacy_id)).fetchone()[0]
    assert in_sql == legacy_uuid(entity, legacy_id)


def test_a_current_schema_needs_no_create_privilege(new_database: str) -> None:
    """Once installed, checking the schema creates nothing: a role that may not CREATE in the
    database (nor in schema ferry) passes the check."""
    role = f"ferry_nocreate_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(new_database, autocommit=True) as admin:
        ensure_state_schema(admin)
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        grants = "GRANT USAGE ON SCHEMA ferry TO {0}; GRANT SELECT ON ferry.schema_version TO {0}"
        admin.execute(sql.SQL(grants).format(sql.Identifier(role)))
    try:
        with psycopg.connect(new_database, user=role) as conn:
            assert ensure_state_schema(conn) == []
            with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the role truly cannot
                conn.execute("CREATE SCHEMA IF NOT EXISTS ferry")
    finally:
        with psycopg.connect(new_database, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
        with psycopg.connect(new_database, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))
