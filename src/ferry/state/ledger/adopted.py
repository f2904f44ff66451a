"""Adopting the mappings of earlier tools, so that their rows are kept and referenced.

An earlier tool's mapping table (declared by the catalogue: `EarlierMappings`; the lab's
scripts kept `public.migration_mappings`) holds random UUIDs. An entity that declares
`preexisting` takes its mappings over (origin 'preexisting') when their row still exists in
its target table: ferry then neither re-inserts those rows nor, on rollback, deletes them,
and children resolve to those UUIDs. Where the earlier tool mapped several legacy ids onto one
row (it deduplicated offices), the adopted mappings share that row like ferry's own
deduplicated ones do.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity


def adopt_preexisting(conn: psycopg.Connection, entity: Entity) -> int:
    """Copy the earlier tools' mappings of this entity in; returns how many were new."""
    adopted = entity.preexisting
    if adopted is None:
        return 0
    earlier = adopted.mappings
    present = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (earlier.table,)).fetchone()[0]
    if not present:
        return 0
    schema, _, table = entity.target.rpartition(".")
    migrated_at = (
        sql.SQL("e.{}").format(sql.Identifier(earlier.migrated_at_column))
        if (earlier.migrated_at_column)
        else sql.SQL("clock_timestamp()")
    )
    table_schema, _, table_name = earlier.table.rpartition(".")
    cur = conn.execute(
        sql.SQL(
            "INSERT INTO ferry.migration_mappings"
            " (entity, legacy_id, new_id, origin, migrated_at, dedup_key)"
            " SELECT {entity}, e.{legacy}::bigint, e.{new}::uuid, 'preexisting', {migrated_at},"
            "  CASE WHEN count(*) OVER (PARTITION BY e.{new}) > 1"
            "   THEN 'adopted:' || e.{new} END"
            " FROM {earlier} e"
            " WHERE e.{kind_column} = {kind}"
            " AND EXISTS (SELECT 1 FROM {target} t WHERE t.{key} = e.{new}::uuid)"
            " ON CONFLICT (entity, legacy_id) DO NOTHING"
        ).format(
            entity=sql.Literal(entity.name),
            legacy=sql.Identifier(earlier.legacy_column),
            new=sql.Identifier(earlier.new_column),
            migrated_at=migrated_at,
            earlier=sql.Identifier(table_schema or "public", table_name),
            kind_column=sql.Identifier(earlier.entity_column),
            kind=sql.Literal(adopted.kind),
            target=sql.Identifier(schema or "public", table),
            key=sql.Identifier(entity.target_key),
        )
    )
    return cur.rowcount
