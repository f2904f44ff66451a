"""Rows written without a self-referencing parent that came later, and their linking.

A batch resolves an optional self-referencing parent through the mappings or through the rows
of the same batch; a parent that comes in a later batch is not migrated yet, so the row is
written with the column NULL and its mapping notes `optional_parent_null:<column>`. Once the
entity's batches are all in, those rows are linked to the parents that did get a mapping and
lose the note.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity, Parent


def note(parent: Parent) -> str:
    """The mapping note of a row whose optional parent stayed NULL."""
    return f"optional_parent_null:{parent.column}"


def noted(conn: psycopg.Connection, entity: Entity, parent: Parent) -> list[int]:
    """Legacy ids of the entity's rows whose `parent` stayed NULL, in key order."""
    rows = conn.execute(
        "SELECT legacy_id FROM ferry.migration_mappings WHERE entity = %s AND origin = 'ferry'"
        " AND %s = ANY(notes) ORDER BY legacy_id",
        (entity.name, note(parent)),
    ).fetchall()
    return [row[0] for row in rows]


def link(
    conn: psycopg.Connection, entity: Entity, parent: Parent, pairs: list[tuple[int, int]]
) -> int:
    """Point each row of (legacy id, parent's legacy id) whose parent now has a mapping at
    that parent, and drop its note; returns how many were linked."""
    if not pairs:
        return 0
    schema, _, table = entity.target.rpartition(".")
    cur = conn.execute(
        sql.SQL(
            "WITH found (legacy_id, parent_id) AS (SELECT * FROM unnest(%(ids)s::bigint[],"
            "  %(parents)s::bigint[])),"
            " linked AS (SELECT own.legacy_id, own.new_id, p.new_id AS parent_new FROM found f"
            "  JOIN ferry.migration_mappings own ON own.entity = %(entity)s"
            "   AND own.legacy_id = f.legacy_id"
            "  JOIN ferry.migration_mappings p ON p.entity = %(entity)s"
            "   AND p.legacy_id = f.parent_id),"
            " written AS (UPDATE {table} t SET {column} = l.parent_new FROM linked l"
            "  WHERE t.{key} = l.new_id)"
            " UPDATE ferry.migration_mappings m SET notes = array_remove(m.notes, %(note)s)"
            " FROM linked l WHERE m.entity = %(entity)s AND m.legacy_id = l.legacy_id"
        ).format(
            table=sql.Identifier(schema or "public", table),
            column=sql.Identifier(parent.column),
            key=sql.Identifier(entity.target_key),
        ),
        {
            "ids": [pair[0] for pair in pairs],
            "parents": [pair[1] for pair in pairs],
            "entity": entity.name,
            "note": note(parent),
        },
    )
    return cur.rowcount
