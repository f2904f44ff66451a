"""Adopting the mappings of earlier tools, so that their rows are kept and referenced.

The lab's earlier scripts recorded `public.migration_mappings (entity_type, legacy_id, new_id,
...)` with random UUIDs. An entity that declares `preexisting_as` takes those mappings over
(origin 'preexisting') when their row still exists in its target table: ferry then neither
re-inserts those rows nor, on rollback, deletes them, and children resolve to those UUIDs.
Where the earlier tool mapped several legacy ids onto one row (it deduplicated offices), the
adopted mappings share that row like ferry's own deduplicated ones do.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity

EARLIER_MAPPINGS = "public.migration_mappings"


def adopt_preexisting(conn: psycopg.Connection, entity: Entity) -> int:
    """Copy the earlier tools' mappings of this entity in; returns how many were new."""
    if entity.preexisting_as is None:
        return 0
    present = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (EARLIER_MAPPINGS,)).fetchone()[0]
    if not present:
        return 0
    schema, _, table = entity.target.rpartition(".")
    cur = conn.execute(
        sql.SQL(
            "INSERT INTO ferry.migration_mappings"
            " (entity, legacy_id, new_id, origin, migrated_at, dedup_key)"
            " SELECT {entity}, e.legacy_id, e.new_id, 'preexisting', e.migrated_at,"
            "  CASE WHEN count(*) OVER (PARTITION BY e.new_id) > 1"
            "   THEN 'adopted:' || e.new_id END"
            " FROM public.migration_mappings e"
            " WHERE e.entity_type = {kind}"
            " AND EXISTS (SELECT 1 FROM {target} t WHERE t.id = e.new_id)"
            " ON CONFLICT (entity, legacy_id) DO NOTHING"
        ).format(
            entity=sql.Literal(entity.name),
            kind=sql.Literal(entity.preexisting_as),
            target=sql.Identifier(schema or "public", table),
        )
    )
    return cur.rowcount
