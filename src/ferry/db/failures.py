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
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "57P01", "57P02", "57P03", "53200", "53300"})
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


_UNKNOWN_HOST = re.compile(
    r"could not translate host name|failed to resolve host|name or service not known|"
    r"nodename nor servname",
    re.IGNORECASE,
)
_REFUSED = re.compile(r"connection refused", re.IGNORECASE)
_REASON_AFTER = re.compile(r"failed: |\[Errno -?\d+\] ")


def _driver_reason(text: str) -> str:
    """The driver's own reason, e.g. 'Connection refused': the end of its first line (a
    connection error quotes hosts and ports, never row values; passwords are redacted)."""
    first = text.splitlines()[0] if text.strip() else "no detail"
    return _REASON_AFTER.split(first)[-1].strip()


def connect_failure(
    exc: psycopg.Error, side: str, conninfo: str, origin: str | None = None
) -> Exception:
    """The ferry error for a failed connection attempt to the `side` database; `origin`
    names where its URL came from (`--source-url`, FERRY_SOURCE_URL, an env file)."""
    env = origin or _ENV_NAME.get(side, "the URL")
    if isinstance(exc, psycopg.ProgrammingError):
        return ConfigurationError(
            f"{env} is not a valid PostgreSQL connection string; "
            "expected postgresql://user@host:port/database."
        )
    text = redact(str(exc))
    where = describe(conninfo)
    params = psycopg.conninfo.conninfo_to_dict(conninfo)
    user = params.get("user") or "(default user)"
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
    if _UNKNOWN_HOST.search(text):
        return cls(
            f'The {side} database host "{params.get("host")}" is not known '
            f"({_driver_reason(text)}); check the host name in {env}.",
            transient=False,  # a typo more often than a DNS outage: retrying only delays
        )
    if _REFUSED.search(text):
        return cls(
            f"The {side} database server at {where} is unreachable: nothing accepts "
            f"connections on that port ({_driver_reason(text)}); check the port in {env} and "
            "that PostgreSQL is running there.",
            transient=True,
        )
    if _UNREACHABLE.search(text):
        return cls(
            f"The {side} database server at {where} is unreachable; check the host and port "
            f"in {env} and that PostgreSQL is running there.",
            transient=True,
        )
    return cls(
        f"Could not connect to the {side} database at {where} ({_driver_reason(text)}); "
        f"{env} may be wrong."
    )


def statement_failure(exc: psycopg.Error, side: str, action: str) -> DatabaseError:
    """The ferry error for a statement that failed on the `side` database while doing `action`."""
    sqlstate = exc.sqlstate
    diag = exc.diag
    cls = error_class(side)
    # No SQLSTATE: the connection itself failed (handled below). With one, the code decides:
    # an OperationalError such as 54000 (a limit exceeded) fails the same way when retried.
    transient = is_transient_sqlstate(sqlstate)
    if sqlstate == "42501":
        return cls(
            f"The {side} database refused {action}: {privilege_problem(exc, side)}",
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
    if sqlstate == "25006":
        return cls(
            f"The {side} database refused a write while {action}: the session is read-only "
            "(a read-only role, a standby, or default_transaction_read_only); connect to the "
            f"primary with a role that may write there.",
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


# The server's own wording of errors that name an object; names are taken from these only.
_OBJECT_WORDING = (
    re.compile(r'relation "(?P<name>[^"]+)" does not exist'),
    re.compile(r'could not obtain lock on (?:row in )?relation "(?P<name>[^"]+)"'),
)


def _object_named(exc: psycopg.Error) -> str | None:
    """The object a server message names, if the message is in PostgreSQL's own wording.

    A trigger or a check function can raise any SQLSTATE (42501, 42P01, ...) with any text,
    and that text may quote row values (health data): only whole messages in the server's
    fixed wording are parsed, so free text is never copied, not even between quotes.
    """
    message = exc.diag.message_primary or ""
    for wording in _OBJECT_WORDING:
        if match := wording.fullmatch(message):
            return match["name"]
    return None


# --- refused privileges (SQLSTATE 42501) -------------------------------------------------------

# psycopg's statement errors do not say which role ran the statement. One ferry process logs in
# to each side as one role, so the role seen when a connection opened is the one refused.
_ROLES: dict[str, str] = {}

# PostgreSQL's aclcheck wording: "permission denied for table dispatch_task" (names unquoted).
_DENIED = re.compile(
    r"permission denied for (?P<kind>table|view|materialized view|foreign table|sequence|"
    r"schema|database|function|procedure|type|language) (?P<name>.+)"
)
_DENIED_TEMP = re.compile(
    r'permission denied to create temporary tables in database "(?P<name>[^"]+)"'
)
_ROW_SECURITY = re.compile(
    r'new row violates row-level security policy (?:"[^"]+" )?for table "(?P<name>[^"]+)"'
)
_NOT_OWNER = re.compile(
    r"must be owner of (?P<kind>table|view|schema|sequence|function|database) (?P<name>.+)"
)
_TABLE_KINDS = frozenset({"table", "view", "materialized view", "foreign table"})
# What ferry does with each kind of object on each side (it only ever reads the source).
_NEEDED = {
    ("source", "table"): ("SELECT",),
    ("target", "table"): ("SELECT", "INSERT", "UPDATE", "DELETE"),
    ("source", "schema"): ("USAGE",),
    ("target", "schema"): ("USAGE", "CREATE"),
    ("source", "database"): ("CONNECT",),
    ("target", "database"): ("CREATE",),
    ("source", "sequence"): ("SELECT",),
    ("target", "sequence"): ("USAGE",),
    ("source", "function"): ("EXECUTE",),
    ("target", "function"): ("EXECUTE",),
}


def remember_role(side: str, role: str | None) -> None:
    """Note the role a new connection to `side` logged in as, for privilege sentences."""
    if role:
        _ROLES[side] = role


def privilege_problem(exc: psycopg.Error, side: str) -> str:
    """Who lacks which privilege on what, and the GRANT that fixes it (SQLSTATE 42501).

    PostgreSQL names the object but not the privilege it checked. ferry knows what it does to
    each kind of object on each side (it only reads the source), so the sentence names the
    privileges that object needs there.
    """
    role = _ROLES.get(side)
    who = f'user "{role}"' if role else f"the user of {_ENV_NAME.get(side, 'the URL')}"
    grantee = f'"{role}"' if role else "that user"
    message = exc.diag.message_primary or ""
    if match := _DENIED.fullmatch(message):
        return _denied(match["kind"], match["name"], side, who, grantee)
    if match := _DENIED_TEMP.fullmatch(message):
        return (
            f"{who} may not create temporary tables in database {match['name']} (ferry stages "
            f"batches in them); grant it with GRANT TEMPORARY ON DATABASE "
            f"{_ident(match['name'])} TO {grantee}."
        )
    if match := _ROW_SECURITY.fullmatch(message):
        return (
            f"table {match['name']} has row-level security and no policy lets {who} write it; "
            "run ferry as a role with BYPASSRLS, or as the table's owner (without FORCE ROW "
            "LEVEL SECURITY)."
        )
    if match := _NOT_OWNER.fullmatch(message):
        return f"{who} must own {match['kind']} {match['name']} to do that; run ferry as its owner."
    # Not the server's wording (a trigger may raise 42501 with a text quoting row values).
    return (
        f"{who} lacks a privilege (the server's message is withheld: it may quote row values); "
        "the server log names the object."
    )


def _denied(kind: str, name: str, side: str, who: str, grantee: str) -> str:
    """The sentence for "permission denied for <kind> <name>"."""
    needed = _NEEDED.get((side, "table" if kind in _TABLE_KINDS else kind))
    if needed is None:
        return f"{who} lacks a privilege on {kind} {name}; grant it to {grantee}."
    listed = ", ".join(needed)
    on = _ident(name) if kind in _TABLE_KINDS else f"{kind.upper()} {_ident(name)}"
    grant = f"GRANT {listed} ON {on} TO {grantee}"
    if len(needed) == 1:
        return f"{who} lacks {listed} on {kind} {name}; grant it with {grant}."
    return (
        f"{who} lacks one of the privileges ferry needs on {kind} {name} ({listed}); "
        f"grant them with {grant}."
    )


def _ident(name: str) -> str:
    """`name` as typed in a GRANT statement: quoted only where it must be."""
    if re.fullmatch(r"[a-z_][a-z0-9_$]*", name):
        return name
    return '"' + name.replace('"', '""') + '"'
