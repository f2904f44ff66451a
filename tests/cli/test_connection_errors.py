"""Each connection failure is one sentence, with the exit code of its class and no secret."""

import os
import signal
import time
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ferry.db.embedded import EmbeddedServer
from ferry.db.urls import with_database
from ferry.errors import ExitCode
from tests.cli.runner import Result, run_ferry

PASSWORD = "Sup3r-Secret-pw"


def assert_one_sentence(result: Result, code: ExitCode, *phrases: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for phrase in phrases:
        assert phrase in lines[0]
    assert PASSWORD not in result.output


def urls(source: str, target: str) -> dict[str, str]:
    return {"FERRY_SOURCE_URL": source, "FERRY_TARGET_URL": target}


def test_unreachable_source(tmp_path: Path, server_url: str) -> None:
    result = run_ferry(
        "check",
        cwd=tmp_path,
        env=urls(f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/legacy", server_url),
    )
    assert_one_sentence(result, ExitCode.SOURCE, "source", "unreachable", "FERRY_SOURCE_URL")


def test_a_closed_port_and_an_unknown_host_are_told_apart(tmp_path: Path, server_url: str) -> None:
    """Each sentence gives the driver's reason and names the option the URL came from."""
    closed = run_ferry(
        "--source-url",
        f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/legacy",
        "check",
        cwd=tmp_path,
        env={"FERRY_TARGET_URL": server_url},
    )
    assert_one_sentence(
        closed,
        ExitCode.SOURCE,
        "nothing accepts connections",
        "(Connection refused)",
        "check the port in --source-url",
    )
    unknown = run_ferry(
        "check",
        "--source-url",
        "postgresql://postgres@nosuchhost.invalid/legacy",
        cwd=tmp_path,
        env={"FERRY_TARGET_URL": server_url},
    )
    assert_one_sentence(
        unknown,
        ExitCode.SOURCE,
        'host "nosuchhost.invalid" is not known',
        "check the host name in --source-url",
    )


def test_missing_target_database(tmp_path: Path, server_url: str) -> None:
    missing = with_database(server_url, f"nosuch_{uuid.uuid4().hex[:8]}")
    result = run_ferry("check", cwd=tmp_path, env=urls(server_url, missing))
    assert_one_sentence(result, ExitCode.TARGET, "does not exist", "FERRY_TARGET_URL")


def test_invalid_url_is_a_configuration_error(tmp_path: Path) -> None:
    result = run_ferry("check", cwd=tmp_path, env=urls(f"not a url {PASSWORD}", "x"))
    assert_one_sentence(result, ExitCode.CONFIGURATION, "FERRY_SOURCE_URL")


def test_only_one_url_is_a_configuration_error(tmp_path: Path, server_url: str) -> None:
    result = run_ferry("check", cwd=tmp_path, env={"FERRY_SOURCE_URL": server_url})
    assert_one_sentence(result, ExitCode.CONFIGURATION, "FERRY_TARGET_URL")


def test_missing_connect_privilege(tmp_path: Path, server_url: str, new_database: str) -> None:
    role = f"ferry_noconnect_{uuid.uuid4().hex[:8]}"
    database = psycopg.conninfo.conninfo_to_dict(new_database)["dbname"]
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
        conn.execute(
            sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database))
        )
    try:
        no_access = new_database.replace("postgres@", f"{role}@", 1)
        result = run_ferry("check", cwd=tmp_path, env=urls(no_access, server_url))
        assert_one_sentence(result, ExitCode.SOURCE, "CONNECT privilege", role)
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.fixture(scope="module")
def password_server(tmp_path_factory: pytest.TempPathFactory):
    """A PostgreSQL owned by this test that demands a password (scram-sha-256)."""
    server = EmbeddedServer(tmp_path_factory.mktemp("pwserver") / "pgdata").start()
    with psycopg.connect(server.maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE postgres PASSWORD {}").format(sql.Literal(PASSWORD)))
    (server.pgdata / "pg_hba.conf").write_text("local all all scram-sha-256\n")
    os.kill(server.status().pid, signal.SIGHUP)  # reload pg_hba.conf
    time.sleep(0.5)
    yield server
    server.stop()


def test_wrong_password(tmp_path: Path, password_server: EmbeddedServer) -> None:
    socket_dir = password_server.status().socket_dir
    wrong = f"postgresql://postgres:wrong-{PASSWORD}@/postgres?host={socket_dir}"
    right = f"postgresql://postgres:{PASSWORD}@/postgres?host={socket_dir}"
    result = run_ferry("check", cwd=tmp_path, env=urls(right, wrong))
    assert_one_sentence(result, ExitCode.TARGET, "refused the password", "FERRY_TARGET_URL")
    assert f"wrong-{PASSWORD}" not in result.output


def test_right_password_connects_and_is_never_shown(
    tmp_path: Path, password_server: EmbeddedServer
) -> None:
    socket_dir = password_server.status().socket_dir
    right = f"postgresql://postgres:{PASSWORD}@/postgres?host={socket_dir}"
    for command in (["check"], ["config"], ["--debug", "check"]):
        result = run_ferry(*command, cwd=tmp_path, env=urls(right, right))
        assert result.exit_code == 0, result.output
        assert PASSWORD not in result.output
    assert "postgres:***@" in run_ferry("config", cwd=tmp_path, env=urls(right, right)).stdout


def test_debug_shows_traceback_without_secrets(tmp_path: Path) -> None:
    result = run_ferry(
        "--debug",
        "check",
        cwd=tmp_path,
        env=urls(f"postgresql://postgres:{PASSWORD}@127.0.0.1:1/x", "postgresql://127.0.0.1:1/y"),
    )
    assert result.exit_code == ExitCode.SOURCE
    assert "Traceback" in result.stderr
    assert PASSWORD not in result.output
