"""The accounting equation's terms, per entity: one implementation for status and validate.

source = migrated + quarantined + skipped, where migrated counts the mappings of rows still in
the source (rows retained by `sync --keep-deleted` are gone from it and counted beside),
quarantined the open entries and skipped the skip records.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Accounts:
    migrated: int = 0
    quarantined: int = 0
    skipped: int = 0
    retained: int = 0

    @property
    def accounted(self) -> int:
        """The rows of the source the ledger gives an outcome."""
        return self.migrated + self.quarantined + self.skipped


def accounts(conn: psycopg.Connection, entities: list[str] | None = None) -> dict[str, Accounts]:
    """The terms of the named entities (every entity with a record when None); an entity
    without any record has none here (all its terms are 0)."""
    retained = conn.execute("SELECT to_regclass('ferry.retained') IS NOT NULL").fetchone()[0]
    chosen = sql.SQL("entity = ANY(%(e)s)") if entities is not None else sql.SQL("true")
    query = sql.SQL(
        "WITH mapped AS (SELECT entity, count(*) FILTER (WHERE NOT retained) AS migrated,"
        "  count(*) FILTER (WHERE retained) AS retained"
        "  FROM (SELECT entity, {retained} AS retained FROM ferry.migration_mappings m"
        "   WHERE {chosen}) m GROUP BY 1),"
        " held AS (SELECT entity, count(*) AS quarantined FROM ferry.quarantine"
        "  WHERE NOT resolved AND {chosen} GROUP BY 1),"
        " skips AS (SELECT entity, count(*) AS skipped FROM ferry.skipped"
        "  WHERE {chosen} GROUP BY 1)"
        " SELECT entity, coalesce(migrated, 0), coalesce(quarantined, 0),"
        " coalesce(skipped, 0), coalesce(retained, 0)"
        " FROM mapped FULL JOIN held USING (entity) FULL JOIN skips USING (entity)"
    ).format(retained=_retained(retained), chosen=chosen)
    rows = conn.execute(query, {"e": entities}).fetchall()
    return {name: Accounts(*terms) for name, *terms in rows}


def _retained(table_exists: bool) -> sql.SQL:
    """Whether mapping `m` is of a retained row (ferry.retained exists since migration 0007)."""
    if not table_exists:
        return sql.SQL("false")
    return sql.SQL(
        "EXISTS (SELECT 1 FROM ferry.retained r"
        " WHERE r.entity = m.entity AND r.legacy_id = m.legacy_id)"
    )
