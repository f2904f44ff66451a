"""The ledger of constraints and indexes a bulk load deferred (ferry.deferred_constraints).

Every write here happens inside the caller's transaction: the record of a definition commits
with its DROP, and its restoration mark with its re-creation, so that whatever instant a
process dies at, the ledger says exactly what the schema lacks.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Definition:
    """One foreign key or index of a target table, as PostgreSQL printed it."""

    schema: str
    table: str
    name: str
    kind: str  # 'index' or 'foreign_key'
    definition: str
    entity: str = ""
    restored: bool = False


def record(conn: psycopg.Connection, run_id: int, entity: str, found: list[Definition]) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO ferry.deferred_constraints"
            " (table_schema, table_name, name, kind, definition, entity, run_id)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (table_schema, table_name, name) DO UPDATE SET"
            " kind = EXCLUDED.kind, definition = EXCLUDED.definition,"
            " entity = EXCLUDED.entity, run_id = EXCLUDED.run_id, deferred_at = now(),"
            " restored_at = NULL",
            [(d.schema, d.table, d.name, d.kind, d.definition, entity, run_id) for d in found],
        )


def mark_restored(conn: psycopg.Connection, item: Definition) -> None:
    conn.execute(
        "UPDATE ferry.deferred_constraints SET restored_at = now()"
        " WHERE table_schema = %s AND table_name = %s AND name = %s",
        (item.schema, item.table, item.name),
    )


def recorded(conn: psycopg.Connection, *, pending_only: bool) -> list[Definition]:
    """Every recorded definition (or only those not restored yet), indexes before foreign
    keys: an index a foreign key's validation scans is back first."""
    rows = conn.execute(
        "SELECT table_schema, table_name, name, kind, definition, entity,"
        " restored_at IS NOT NULL FROM ferry.deferred_constraints"
        " WHERE NOT %s OR restored_at IS NULL"
        " ORDER BY table_schema, table_name, kind DESC, name",
        (pending_only,),
    ).fetchall()
    return [Definition(*row) for row in rows]


def pending_by_entity(conn: psycopg.Connection) -> dict[str, int]:
    """Definitions not restored yet, counted by the entity whose load deferred them (none
    before the state schema has the ledger)."""
    if not conn.execute("SELECT to_regclass('ferry.deferred_constraints') IS NOT NULL").fetchone()[
        0
    ]:
        return {}
    return dict(
        conn.execute(
            "SELECT entity, count(*) FROM ferry.deferred_constraints"
            " WHERE restored_at IS NULL GROUP BY entity"
        ).fetchall()
    )
