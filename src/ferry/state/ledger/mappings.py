"""Reading ferry's mappings (legacy id to new id, per entity) outside a batch's statements."""

from __future__ import annotations

import psycopg


def mapped(conn: psycopg.Connection | psycopg.Cursor, entity: str, keys: list[int]) -> list[int]:
    """Those of `keys` that have a mapping of `entity`, in order."""
    rows = conn.execute(
        "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = %s"
        " AND legacy_id = ANY(%s) ORDER BY 1",
        (entity, keys),
    ).fetchall()
    return [row[0] for row in rows]
