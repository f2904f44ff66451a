"""Turn psycopg exceptions into one-sentence ferry errors.

Connection failures carry no SQLSTATE (libpq reports them as text), so they are recognised by
the server's wording. Errors raised by statements are recognised by SQLSTATE. The sentence is
built by ferry, never copied from the server: server messages and details can quote row values
(health data), and connection strings can hold passwords.
"""

from __future__ import annotations

import re

import psycopg
from psycopg import errors as pg_errors

from ferry.db.urls import describe, redact
from ferry.errors import ConfigurationError, DatabaseError, SourceError, TargetError

# SQLSTATEs after which repeating the same work may succeed.
# A lock timeout (55P03) is not among them: ferry has already waited as long as it was told to.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03", "53300"})
TRANSIENT_SQLSTATE_CLASSES = frozenset({"08"})

_UNREACHABLE = re.compile(
    r"connection refused|no such file or directory|failed to resolve host|timeout expired|"
    r"could not translate host name|name or service not known|network is unreachable|"
    r"server closed the connection|the database system is (starting up|shutting down)",
    re.IGNORECASE,
)
_BAD_PASSWORD = re.compile(
    r"password authentication failed|no password supplied|fe_sendauth|authentication failed",
    re.IGNORECASE,
)
_MISSING_DATABASE = re.compile(r'database "(?P<name>[^"]+)" does not exist', re.IGNORECASE)
_MISSING_ROLE = re.compile(r'role "(?P<name>[^"]+)" does not exist', re.IGNORECASE)
_NO_CONNECT = re.compile(r'permission denied for database "(?P<name>[^"]+)"', re.IGNORECASE)

_ENV_NAME = {"source": "FERRY_SOURCE_URL", "target": "FERRY_TARGET_URL"}


def error_class(side: str) -> type[DatabaseError]:
    return SourceError if side == "source" else TargetError


def is_transient_sqlstate(sqlstate: str | None) -> bool:
    if not sqlstate:
        return False
    return sqlstate in TRANSIENT_SQLSTATES or sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES


def connect_failure(exc: psycopg.Error, side: str, conninfo: str) -> Exception:
    """The ferry error for a failed connection attempt to the `side` database."""
    if isinstance(exc, psycopg.ProgrammingError):
        return ConfigurationError(
            f"{_ENV_NAME.get(side, 'The URL')} is not a valid PostgreSQL connection string; "
            "expected postgresql://user@host:port/database."
        )
    text = redact(str(exc))
    where = describe(conninfo)
    user = psycopg.conninfo.conninfo_to_dict(conninfo).get("user") or "(default user)"
    env = _ENV_NAME.get(side, "the URL")
    cls = error_class(side)
    if match := _MISSING_DATABASE.search(text):
        return cls(
            f'The {side} database "{match["name"]}" does not exist on {where}; create it or '
            f"fix the database name in {env}."
        )
    if match := _MISSING_ROLE.search(text):
        return cls(
            f'The {side} server at {where} has no user "{match["name"]}"; fix the user in {env}.'
        )
    if match := _NO_CONNECT.search(text):
        return cls(
            f'User "{user}" lacks the CONNECT privilege on the {side} database "{match["name"]}"; '
            f'grant it with GRANT CONNECT ON DATABASE "{match["name"]}" TO "{user}".',
            sqlstate="42501",
        )
    if _BAD_PASSWORD.search(text):
        return cls(
            f'The {side} server at {where} refused the password of user "{user}"; '
            f"check the credentials in {env}."
        )
    if _UNREACHABLE.search(text):
        return cls(
            f"The {side} database server at {where} is unreachable; check the host and port "
            f"in {env} and that PostgreSQL is running there.",
            transient=True,
        )
    return cls(f"Could not connect to the {side} database at {where}; {env} may be wrong.")


def statement_failure(exc: psycopg.Error, side: str, action: str) -> DatabaseError:
    """The ferry error for a statement that failed on the `side` database while doing `action`."""
    sqlstate = exc.sqlstate
    diag = exc.diag
    cls = error_class(side)
    transient = is_transient_sqlstate(sqlstate) or isinstance(exc, psycopg.OperationalError)
    if sqlstate == "42501":
        return cls(
            f"The {side} database refused {action}: missing privilege "
            f"({_object_named(exc) or 'see the server log'}); grant it to ferry's user.",
            sqlstate=sqlstate,
        )
    if sqlstate == "42P01":
        return cls(
            f"The {side} database has no table {_object_named(exc) or ''} needed for {action}; "
            "check the URL points at the right database and its schema is installed.",
            sqlstate=sqlstate,
        )
    if sqlstate == "55P03":
        # A lock timeout's diagnostics name no table: the action then names it (the loading
        # action carries the target table), rather than a vague "a table ferry writes".
        table = diag.table_name or _object_named(exc)
        on = f" on {table}" if table else ""
        return cls(
            f"Gave up waiting for a lock{on} in the {side} database while {action}; "
            "another session holds it (FERRY_LOCK_TIMEOUT sets how long to wait).",
            transient=False,
            sqlstate=sqlstate,
        )
    if sqlstate is None:
        return cls(
            f"The connection to the {side} database was lost while {action}.",
            transient=True,
        )
    name = _sqlstate_name(sqlstate)
    constraint = f", constraint {diag.constraint_name}" if diag.constraint_name else ""
    return cls(
        f"The {side} database failed while {action} (SQLSTATE {sqlstate} {name}{constraint}).",
        transient=transient,
        sqlstate=sqlstate,
    )


def _sqlstate_name(sqlstate: str) -> str:
    try:
        return pg_errors.lookup(sqlstate).__name__
    except KeyError:
        return "unknown"


def _object_named(exc: psycopg.Error) -> str | None:
    """The quoted object name in a server message (relation, schema, function), if any.

    Only the text inside the first pair of double quotes is taken: for privilege and undefined
    object errors that is an object name, never a row value.
    """
    match = re.search(r'"([^"]+)"', exc.diag.message_primary or "")
    return match.group(1) if match else None
