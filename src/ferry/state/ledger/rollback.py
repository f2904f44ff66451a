"""The statements of a rollback: the rows ferry wrote, found and deleted through its mappings.

A batch deletes the target rows of its mappings and the mappings themselves in one statement,
so a killed rollback never leaves a mapping to a deleted row nor a row without its mapping.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.state.ledger.load_sql import MAPPINGS


def mapping_counts(conn: psycopg.Connection, origins: list[str]) -> dict[str, int]:
    """Mappings per entity, of the given origins ('ferry', 'preexisting')."""
    return dict(
        conn.execute(
            "SELECT entity, count(*) FROM ferry.migration_mappings WHERE origin = ANY(%s)"
            " GROUP BY entity",
            (origins,),
        ).fetchall()
    )


def delete_batch(entity: Entity, origins: list[str], limit: int) -> sql.Composed:
    """The next `limit` mappings of the given origins, their target rows (a row shared by
    several legacy ids goes with the last of them) and the mappings themselves; returns the
    mappings removed, the rows deleted and the last legacy id."""
    schema, _, name = entity.target.rpartition(".")
    return sql.SQL(
        "WITH doomed AS ("
        "  SELECT legacy_id, new_id FROM {mappings}"
        "  WHERE entity = {entity} AND origin = ANY({origins})"
        "  ORDER BY legacy_id LIMIT {limit}),"
        " deleted AS ("
        "  DELETE FROM {table} t WHERE t.{key} IN (SELECT new_id FROM doomed)"
        "  AND NOT EXISTS (SELECT 1 FROM {mappings} k WHERE k.entity = {entity}"
        "   AND k.new_id = t.{key} AND k.legacy_id NOT IN (SELECT legacy_id FROM doomed))"
        "  RETURNING 1),"
        " unmapped AS ("
        "  DELETE FROM {mappings} m USING doomed d"
        "  WHERE m.entity = {entity} AND m.legacy_id = d.legacy_id RETURNING m.legacy_id)"
        " SELECT (SELECT count(*) FROM unmapped), (SELECT count(*) FROM deleted),"
        " (SELECT max(legacy_id) FROM unmapped)"
    ).format(
        mappings=MAPPINGS,
        entity=sql.Literal(entity.name),
        origins=sql.Literal(origins),
        limit=sql.Literal(limit),
        table=sql.Identifier(schema or "public", name),
        key=sql.Identifier(entity.target_key),
    )


def release_self_references(
    entity: Entity, column: str, origins: list[str], limit: int
) -> sql.Composed:
    """Before a batch of a self-referencing entity goes, rows that this rollback will delete
    too stop pointing at it (a child may sort after its parent and leave in a later batch)."""
    schema, _, name = entity.target.rpartition(".")
    return sql.SQL(
        "UPDATE {table} c SET {column} = NULL"
        " WHERE c.{column} IN (SELECT new_id FROM {mappings}"
        "  WHERE entity = {entity} AND origin = ANY({origins}) ORDER BY legacy_id LIMIT {limit})"
        " AND EXISTS (SELECT 1 FROM {mappings} k WHERE k.entity = {entity}"
        "  AND k.new_id = c.{key} AND k.origin = ANY({origins}))"
    ).format(
        mappings=MAPPINGS,
        table=sql.Identifier(schema or "public", name),
        column=sql.Identifier(column),
        key=sql.Identifier(entity.target_key),
        entity=sql.Literal(entity.name),
        origins=sql.Literal(origins),
        limit=sql.Literal(limit),
    )
