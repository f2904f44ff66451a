"""Opening connections to the source and target databases.

Every connection is tagged `application_name=ferry` (visible in pg_stat_activity, and used by
tests to find ferry's backends), pins the session settings that make text values round-trip
exactly (DateStyle, TimeZone, extra_float_digits), and applies the configured timeouts.
"""

from __future__ import annotations

from typing import Literal

import psycopg

from ferry.db.failures import connect_failure, remember_role
from ferry.settings import Settings

Side = Literal["source", "target"]
APPLICATION_NAME = "ferry"


def session_options(settings: Settings) -> str:
    """libpq `options`: server settings applied as the session starts."""
    pinned = {
        "DateStyle": "ISO",
        "TimeZone": "UTC",
        "extra_float_digits": "3",
        "statement_timeout": str(settings.statement_timeout),
        "lock_timeout": str(settings.lock_timeout),
        # ferry's statements are many and short; compiling them costs more than it saves.
        "jit": "off",
        # A ferry stopped at once (a second Ctrl-C, a kill) leaves no statement running on,
        # holding its row locks against the next run: the server checks every second.
        "client_connection_check_interval": "1000",
    }
    return " ".join(f"-c {name}={value}" for name, value in pinned.items())


def connect(
    conninfo: str, side: Side, settings: Settings, *, autocommit: bool = False
) -> psycopg.Connection:
    """Open a connection to the `side` database, or raise its one-sentence ferry error."""
    try:
        conn = psycopg.connect(
            conninfo,
            autocommit=autocommit,
            application_name=APPLICATION_NAME,
            connect_timeout=settings.connect_timeout,
            options=session_options(settings),
        )
    except psycopg.Error as exc:
        raise connect_failure(exc, side, conninfo, settings.origin(f"{side}_url")) from None
    # A refused privilege is reported later without the role's name: remember who we are.
    remember_role(side, conn.info.user)
    return conn
