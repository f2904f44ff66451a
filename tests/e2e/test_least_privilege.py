"""ferry runs with the least privileges a real deployment grants, and names a missing one.

As on Supabase, the target is written by a role that is no superuser but owns the target's
objects (`ferry target create` installs them as that role, `ferry init` its own schema), and
the source is read by a role that may only SELECT, in read-only transactions by default. A
privilege taken away is then one sentence naming the user, the object and the GRANT, with the
exit code of the side that refused.

Roles are cluster-wide: each module run makes its own (unique names) and drops them, after
dropping the databases their objects and privileges live in.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

from ferry.db.urls import is_url
from ferry.errors import ExitCode
from tests.cli.runner import Result, run_ferry
from tests.databases import create_database, drop_database
from tests.e2e.helpers import assert_accounting_holds, status_json


@dataclass(frozen=True)
class World:
    """A legacy copy read by `reader` and a target owned by `owner`; `admin_*` are superuser."""

    env: dict[str, str]
    owner: str
    reader: str
    admin_source: str
    admin_target: str
    cwd: Path


def as_role(url: str, role: str, password: str) -> str:
    """The same database, logged in as `role` (with its password, for servers that ask)."""
    if is_url(url):
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{role}:{password}@{host}"))
    return psycopg.conninfo.make_conninfo(url, user=role, password=password)


def execute(url: str, *statements: sql.Composable | str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def create_roles(server_url: str, owner: str, reader: str, password: str) -> None:
    """Two login roles without any special attribute; the reader reads only, by default."""
    for role in (owner, reader):
        execute(
            server_url,
            sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}").format(
                sql.Identifier(role), sql.Literal(password)
            ),
        )
    execute(
        server_url,
        sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(
            sql.Identifier(reader)
        ),
    )


def drop_roles(server_url: str, *roles: str) -> None:
    """Drop the roles (their databases are gone; DROP OWNED clears what is left here)."""
    for role in roles:
        with psycopg.connect(server_url, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
            if exists:
                conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
                conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.fixture(scope="module")
def world(
    server_url: str, legacy_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """Roles, a legacy copy they may only read, a target they own, migrated once by ferry."""
    suffix = uuid.uuid4().hex[:8]
    owner, reader, password = f"ferry_owner_{suffix}", f"ferry_reader_{suffix}", uuid.uuid4().hex
    names = (f"ferry_lp_src_{suffix}", f"ferry_lp_tgt_{suffix}")
    create_roles(server_url, owner, reader, password)
    try:
        source = create_database(server_url, names[0], legacy_template)
        target = create_database(server_url, names[1])
        execute(
            source,
            sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(sql.Identifier(reader)),
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(
                sql.Identifier(reader)
            ),
        )
        # As on Supabase: the role owns the database, hence its schema public (PostgreSQL 15+).
        execute(
            server_url,
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(names[1]), sql.Identifier(owner)
            ),
        )
        found = World(
            env={
                "FERRY_SOURCE_URL": as_role(source, reader, password),
                "FERRY_TARGET_URL": as_role(target, owner, password),
            },
            owner=owner,
            reader=reader,
            admin_source=source,
            admin_target=target,
            cwd=tmp_path_factory.mktemp("least_privilege"),
        )
        for command in (("target", "create"), ("migrate", "all")):
            result = run_ferry(*command, cwd=found.cwd, env=found.env)
            assert result.exit_code == 0, result.output
        yield found
    finally:
        for name in names:  # now: the roles go next, and a role may not outlive its objects
            drop_database(server_url, name)
        drop_roles(server_url, owner, reader)


def assert_refused(result: Result, code: ExitCode, *phrases: str) -> str:
    """Exit code of the side, no traceback, and one error sentence holding every phrase."""
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert result.stderr.rstrip().endswith(errors[0]), result.stderr
    for phrase in phrases:
        assert phrase in errors[0], (phrase, errors[0])
    return errors[0]


def owner_of(world: World, query: str) -> str:
    with psycopg.connect(world.admin_target) as conn:
        return conn.execute(query).fetchone()[0]


def test_the_roles_really_are_least_privileged(world: World) -> None:
    """Guard: the reader cannot write the source, and the owner is no superuser; else the
    other tests would prove nothing."""
    with psycopg.connect(world.env["FERRY_SOURCE_URL"]) as conn:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            conn.execute("INSERT INTO auth_group (name) VALUES ('ferry-was-here')")
        conn.rollback()
        conn.execute("SET TRANSACTION READ WRITE")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO auth_group (name) VALUES ('ferry-was-here')")
    with psycopg.connect(world.env["FERRY_TARGET_URL"]) as conn:
        attributes = conn.execute(
            "SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles"
            " WHERE rolname = current_user"
        ).fetchone()
    assert attributes == (False, False, False)


def test_target_and_state_schema_belong_to_the_owner(world: World) -> None:
    assert (
        owner_of(world, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'ferry'")
        == world.owner
    )
    assert (
        owner_of(
            world,
            "SELECT tableowner FROM pg_tables"
            " WHERE schemaname = 'public' AND tablename = 'profiles'",
        )
        == world.owner
    )


def test_migrate_and_validate_final_succeed(world: World) -> None:
    for entry in status_json(world.cwd, world.env):
        assert entry["state"] == "completed", entry
        assert entry["source_rows"] == (
            entry["migrated"] + entry["quarantined"] + entry["skipped"]
        ), entry
    result = run_ferry("validate", "final", cwd=world.cwd, env=world.env)
    assert result.exit_code == 0, result.output
    with psycopg.connect(world.admin_target) as conn:
        assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] > 0


@contextmanager
def without_select_on_dispatch_task(world: World) -> Iterator[None]:
    reader = sql.Identifier(world.reader)
    execute(world.admin_source, sql.SQL("REVOKE SELECT ON dispatch_task FROM {}").format(reader))
    try:
        yield
    finally:
        execute(world.admin_source, sql.SQL("GRANT SELECT ON dispatch_task TO {}").format(reader))


def assert_source_refused_dispatch_task(world: World, result: Result) -> None:
    assert_refused(
        result,
        ExitCode.SOURCE,
        "The source database refused",
        f'user "{world.reader}" lacks SELECT on table dispatch_task',
        f'GRANT SELECT ON dispatch_task TO "{world.reader}"',
    )


def test_missing_select_on_a_legacy_table_is_named(world: World) -> None:
    with without_select_on_dispatch_task(world):
        result = run_ferry("migrate", "all", cwd=world.cwd, env=world.env)
    assert_source_refused_dispatch_task(world, result)


def test_status_names_the_source_side_of_a_missing_select(world: World) -> None:
    with without_select_on_dispatch_task(world):
        result = run_ferry("status", cwd=world.cwd, env=world.env)
    assert_source_refused_dispatch_task(world, result)


def test_missing_insert_on_a_target_table_is_named_and_the_run_resumes(world: World) -> None:
    """tasks is a leaf: rolled back alone, it must be written again, which INSERT allows."""
    owner = sql.Identifier(world.owner)
    rolled_back = run_ferry("rollback", "tasks", cwd=world.cwd, env=world.env)
    assert rolled_back.exit_code == 0, rolled_back.output
    execute(world.admin_target, sql.SQL("REVOKE INSERT ON tasks FROM {}").format(owner))
    try:
        result = run_ferry("migrate", "tasks", cwd=world.cwd, env=world.env)
        assert_refused(
            result,
            ExitCode.TARGET,
            "The target database refused loading tasks",
            f'user "{world.owner}" lacks one of the privileges ferry needs on table tasks',
            f'GRANT SELECT, INSERT, UPDATE, DELETE ON tasks TO "{world.owner}"',
        )
    finally:
        execute(world.admin_target, sql.SQL("GRANT INSERT ON tasks TO {}").format(owner))
    resumed = run_ferry("migrate", "tasks", cwd=world.cwd, env=world.env)
    assert resumed.exit_code == 0, resumed.output
    assert_accounting_holds(world.cwd, world.env, ["tasks"])


def test_missing_usage_on_schema_ferry_is_named(world: World) -> None:
    """USAGE, not CREATE: every run needs USAGE, but CREATE only while ferry's schema is
    missing or old (today's CREATE ... IF NOT EXISTS asks for it on every run regardless)."""
    owner = sql.Identifier(world.owner)
    execute(world.admin_target, sql.SQL("REVOKE USAGE ON SCHEMA ferry FROM {}").format(owner))
    try:
        result = run_ferry("migrate", "all", cwd=world.cwd, env=world.env)
    finally:
        execute(world.admin_target, sql.SQL("GRANT USAGE ON SCHEMA ferry TO {}").format(owner))
    assert_refused(
        result,
        ExitCode.TARGET,
        "The target database refused starting the run",
        f'user "{world.owner}" lacks one of the privileges ferry needs on schema ferry',
        f'GRANT USAGE, CREATE ON SCHEMA ferry TO "{world.owner}"',
    )


def test_rollback_all_succeeds(world: World) -> None:
    result = run_ferry("rollback", "all", cwd=world.cwd, env=world.env)
    assert result.exit_code == 0, result.output
    with psycopg.connect(world.admin_target) as conn:
        assert conn.execute("SELECT count(*) FROM profiles").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM ferry.migration_mappings").fetchone()[0] == 0
