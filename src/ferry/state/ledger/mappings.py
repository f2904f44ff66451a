"""Reading ferry's mappings (legacy id to new id, per entity) outside a batch's statements."""

from __future__ import annotations

from uuid import UUID

import psycopg
from psycopg import sql


def analyze(conn: psycopg.Connection) -> None:
    """Fresh statistics of the mappings, for plans that join them with whole entities."""
    conn.execute("ANALYZE ferry.migration_mappings")


def new_ids(
    cur: psycopg.Connection | psycopg.Cursor, entity: str, keys: list[int]
) -> dict[int, UUID]:
    """The new ids of those of `keys` that have a mapping of `entity`."""
    rows = cur.execute(
        "SELECT legacy_id, new_id FROM ferry.migration_mappings"
        " WHERE entity = %s AND legacy_id = ANY(%s)",
        (entity, keys),
    ).fetchall()
    return dict(rows)


def held_by_others(
    cur: psycopg.Cursor, writers: list[str], ids: set[UUID], entity: str, keys: list[int]
) -> set[UUID]:
    """Those of `ids` that a mapping other than the entity's `keys` still points at (a merged
    duplicate's row stays while one of its legacy ids does)."""
    rows = cur.execute(
        "SELECT new_id FROM ferry.migration_mappings WHERE entity = ANY(%s)"
        " AND new_id = ANY(%s) AND NOT (entity = %s AND legacy_id = ANY(%s))",
        (writers, list(ids), entity, keys),
    ).fetchall()
    return {row[0] for row in rows}


def forget(cur: psycopg.Cursor, entity: str, keys: list[int]) -> None:
    """The entity's mappings of `keys` go, with their retained records."""
    cur.execute(
        "WITH gone AS (DELETE FROM ferry.migration_mappings WHERE entity = %s"
        " AND legacy_id = ANY(%s) RETURNING entity, legacy_id)"
        " DELETE FROM ferry.retained r USING gone g"
        " WHERE r.entity = g.entity AND r.legacy_id = g.legacy_id",
        (entity, keys),
    )


def forget_rows(cur: psycopg.Cursor, writers: list[str], ids: list[UUID]) -> set[str]:
    """Every mapping of the writing entities onto the target rows `ids` goes, with its
    retained record; returns the entities that lost mappings."""
    rows = cur.execute(
        "WITH gone AS (DELETE FROM ferry.migration_mappings WHERE entity = ANY(%s)"
        " AND new_id = ANY(%s) RETURNING entity, legacy_id),"
        " unretained AS (DELETE FROM ferry.retained r USING gone g"
        "  WHERE r.entity = g.entity AND r.legacy_id = g.legacy_id)"
        " SELECT DISTINCT entity FROM gone",
        (writers, ids),
    ).fetchall()
    return {row[0] for row in rows}


def written_by(row_key: sql.Composable, writers: sql.Composable) -> sql.Composed:
    """A target row (its key expression `row_key`) was written by one of `writers` (an array
    of entity names): some mapping of theirs points at it."""
    return sql.SQL(
        "EXISTS (SELECT 1 FROM ferry.migration_mappings m"
        " WHERE m.entity = ANY({writers}) AND m.new_id = {row_key})"
    ).format(writers=writers, row_key=row_key)


def gained_since(conn: psycopg.Connection, entities: list[str], run_id: int) -> set[str]:
    """Those of `entities` that gained mappings in runs after `run_id`."""
    rows = conn.execute(
        "SELECT p FROM unnest(%s::text[]) p WHERE EXISTS (SELECT 1 FROM"
        " ferry.migration_mappings m WHERE m.entity = p AND m.run_id > %s)",
        (entities, run_id),
    )
    return {row[0] for row in rows}


def noted(conn: psycopg.Connection, entity: str, prefix: str) -> list[int]:
    """Legacy ids of the entity whose mapping carries a note starting with `prefix`."""
    rows = conn.execute(
        "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = %s"
        " AND EXISTS (SELECT 1 FROM unnest(notes) n WHERE starts_with(n, %s)) ORDER BY 1",
        (entity, prefix),
    )
    return [row[0] for row in rows]


def retain(conn: psycopg.Connection, entity: str, keys: list[int], run_id: int) -> int:
    """Mapped rows among `keys` (gone from the source) are kept in the target as retained."""
    return conn.execute(
        "INSERT INTO ferry.retained (entity, legacy_id, run_id) SELECT entity, legacy_id,"
        " %(run)s FROM ferry.migration_mappings WHERE entity = %(e)s"
        " AND legacy_id = ANY(%(keys)s)",
        {"e": entity, "keys": keys, "run": run_id},
    ).rowcount


def unretain(conn: psycopg.Connection, entity: str, keys: list[int]) -> None:
    """Retained rows back in the source are ordinary migrated rows again."""
    conn.execute(
        "DELETE FROM ferry.retained WHERE entity = %s AND legacy_id = ANY(%s)", (entity, keys)
    )
