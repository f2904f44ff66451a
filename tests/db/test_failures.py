"""Which database failures ferry retries: decided by the SQLSTATE, not by psycopg's class."""

from __future__ import annotations

import psycopg
import pytest

from ferry.db.failures import statement_failure


def failure_of(url: str, statement: str) -> psycopg.Error:
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as caught:
            conn.execute(statement)
        return caught.value


def test_a_limit_exceeded_is_not_retried(new_database: str) -> None:
    """54023 arrives as an OperationalError, yet the same statement fails the same way again."""
    exc = failure_of(new_database, "SELECT concat(" + ", ".join(["1"] * 101) + ")")
    assert isinstance(exc, psycopg.OperationalError) and exc.sqlstate == "54023"
    assert not statement_failure(exc, "target", "testing").transient


def test_a_terminated_backend_is_retried(new_database: str) -> None:
    exc = failure_of(new_database, "SELECT pg_terminate_backend(pg_backend_pid())")
    assert statement_failure(exc, "target", "testing").transient


def test_a_read_only_session_refusing_a_write_says_what_happened(new_database: str) -> None:
    with psycopg.connect(new_database) as conn:
        conn.execute("SET default_transaction_read_only = on")
        conn.commit()
        with pytest.raises(psycopg.Error) as caught:
            conn.execute("CREATE TABLE t (x int)")
    error = statement_failure(caught.value, "source", "reading orders")
    assert error.sqlstate == "25006" and not error.transient
    assert str(error).startswith(
        "The source database refused a write while reading orders: the session is read-only"
    )
    assert "ReadOnlySqlTransaction" not in str(error)
