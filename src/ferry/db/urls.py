"""PostgreSQL connection strings: switching database and hiding passwords.

ferry accepts both URL (`postgresql://user:pw@host/db`) and key=value (`host=... password=...`)
forms, because that is what libpq accepts. Every string that may reach a person goes through
`redact` first, so a password given anywhere in it is never shown.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from psycopg.conninfo import conninfo_to_dict, make_conninfo

REDACTED = "***"

_URL_SCHEMES = ("postgresql://", "postgres://")
# user:password@ in the authority part of a URL (the password may contain anything but '@' and '/').
_URL_PASSWORD = re.compile(r"(?P<prefix>postgres(?:ql)?://[^:/@?#\s]*:)(?P<secret>[^@/\s]*)(?=@)")
# password=... in a query string or in key=value form, quoted or not.
_KV_PASSWORD = re.compile(
    r"(?P<prefix>\bpassword\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^\s&'#]+)", re.IGNORECASE
)


def is_url(conninfo: str) -> bool:
    return conninfo.startswith(_URL_SCHEMES)


def redact(text: str) -> str:
    """Replace every password that appears in a connection string (or a message quoting one)."""
    text = _URL_PASSWORD.sub(lambda m: m["prefix"] + REDACTED, text)
    return _KV_PASSWORD.sub(lambda m: m["prefix"] + REDACTED, text)


def with_database(conninfo: str, dbname: str) -> str:
    """The same connection string pointing at another database on the same server."""
    if not is_url(conninfo):
        return make_conninfo(conninfo, dbname=dbname)
    parts = urlsplit(conninfo)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "dbname"]
    return urlunsplit(parts._replace(path="/" + dbname, query=urlencode(query, safe="/")))


def database_name(conninfo: str) -> str | None:
    """The database a connection string names, if it names one."""
    return conninfo_to_dict(conninfo).get("dbname")


def describe(conninfo: str) -> str:
    """A short, password-free label such as `postgres@127.0.0.1:5432/legacy` for messages."""
    params = conninfo_to_dict(conninfo)
    host = params.get("host") or "local socket"
    port = f":{params['port']}" if params.get("port") else ""
    user = f"{params['user']}@" if params.get("user") else ""
    return f"{user}{host}{port}/{params.get('dbname', '')}"
