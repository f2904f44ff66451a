"""Quarantine entries and skip records as an operator reads them: counts by reason, entries.

Entries carry legacy ids, reasons and messages, never values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg


@dataclass(frozen=True)
class ReasonCount:
    entity: str
    reason: str
    rows: int
    parents: int | None = None  # missing_parent reasons: the distinct parents behind them


@dataclass(frozen=True)
class Entry:
    legacy_id: int
    reason: str
    message: str
    first_seen: datetime
    last_seen: datetime


def counts_by_reason(conn: psycopg.Connection, entity: str | None = None) -> list[ReasonCount]:
    """Open entries by entity and reason; for `missing_parent:*`, also how many distinct
    parents they stem from (1,711 rows may be the cascade of 15 root causes)."""
    rows = conn.execute(
        "SELECT entity, reason, count(*), CASE WHEN reason LIKE 'missing\\_parent:%%' THEN"
        " count(DISTINCT substring(message FROM '^parent \\S+ (\\d+) ')) END"
        " FROM ferry.quarantine WHERE NOT resolved"
        " AND (%(e)s::text IS NULL OR entity = %(e)s) GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
        {"e": entity},
    ).fetchall()
    return [ReasonCount(*row) for row in rows]


def skips_by_rule(conn: psycopg.Connection, entity: str | None = None) -> list[ReasonCount]:
    """Rows held back by a declared skip rule, counted by entity and rule (the `reason` is
    the rule's name): not quarantine, but an operator asks "why not migrated" of both."""
    rows = conn.execute(
        "SELECT entity, rule, count(*) FROM ferry.skipped"
        " WHERE (%(e)s::text IS NULL OR entity = %(e)s) GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2",
        {"e": entity},
    ).fetchall()
    return [ReasonCount(*row) for row in rows]


def entries(
    conn: psycopg.Connection, entity: str, reason: str | None = None, limit: int = 100
) -> list[Entry]:
    rows = conn.execute(
        "SELECT legacy_id, reason, message, first_seen, last_seen FROM ferry.quarantine"
        " WHERE entity = %(e)s AND NOT resolved AND (%(r)s::text IS NULL OR reason = %(r)s)"
        " ORDER BY legacy_id LIMIT %(n)s",
        {"e": entity, "r": reason, "n": limit},
    ).fetchall()
    return [Entry(*row) for row in rows]


def open_keys(conn: psycopg.Connection, entity: str) -> list[int]:
    """The legacy ids of the entity's open entries, in order."""
    rows = conn.execute(
        "SELECT legacy_id FROM ferry.quarantine WHERE entity = %s AND NOT resolved ORDER BY 1",
        (entity,),
    ).fetchall()
    return [row[0] for row in rows]
