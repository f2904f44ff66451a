"""The ledger's side of validation: its records against the source's keys and the target's rows.

Statements take their parameters by name: `e` the entity, `sharing` the entities that fill the
same target table (a row is mapped when any of them maps it).
"""

from __future__ import annotations

import psycopg
from psycopg import sql


def strays(keys: sql.Identifier) -> sql.Composed:
    """(key, present in the source): the source keys of table `keys` (column `key`) without
    an outcome, and the outcomes (retained rows apart) whose key is not in it."""
    return sql.SQL(
        "WITH outcomes AS ("
        " SELECT legacy_id FROM ferry.migration_mappings m WHERE entity = %(e)s"
        "  AND NOT EXISTS (SELECT 1 FROM ferry.retained r WHERE r.entity = m.entity"
        "  AND r.legacy_id = m.legacy_id)"
        " UNION ALL SELECT legacy_id FROM ferry.quarantine"
        "  WHERE entity = %(e)s AND NOT resolved"
        " UNION ALL SELECT legacy_id FROM ferry.skipped WHERE entity = %(e)s)"
        " (SELECT key, true FROM {keys} EXCEPT SELECT legacy_id, true FROM outcomes)"
        " UNION (SELECT legacy_id, false FROM outcomes EXCEPT SELECT key, false FROM {keys})"
        " ORDER BY 1"
    ).format(keys=keys)


def skip_records(entity: str) -> sql.Composed:
    """(legacy id, rule) of the entity's skip records."""
    return sql.SQL("SELECT legacy_id, rule FROM ferry.skipped WHERE entity = {}").format(
        sql.Literal(entity)
    )


def unbacked(table: sql.Identifier, key: sql.Identifier) -> sql.Composed:
    """Legacy ids whose mapping points at no row of the target table."""
    return sql.SQL(
        "SELECT m.legacy_id FROM ferry.migration_mappings m WHERE m.entity = %(e)s"
        " AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = m.new_id)"
    ).format(table=table, key=key)


def shared_unmerged() -> sql.SQL:
    """Legacy ids sharing their new id with another one, without being a merged duplicate.

    One grouping pass: a correlated EXISTS here was planned as a nested scan when the mappings
    had no statistics (25 s for one entity of 38K rows at scale 0.03)."""
    return sql.SQL(
        "SELECT m.legacy_id FROM ferry.migration_mappings m WHERE m.entity = %(e)s"
        " AND m.dedup_key IS NULL AND m.new_id IN (SELECT new_id"
        "  FROM ferry.migration_mappings WHERE entity = %(e)s"
        "  GROUP BY new_id HAVING count(*) > 1)"
    )


def unmapped_rows(
    table: sql.Identifier, legacy: sql.Identifier, key: sql.Identifier
) -> sql.Composed:
    """Legacy ids of target rows that carry one but have no mapping of the sharing entities."""
    return sql.SQL(
        "SELECT t.{legacy} FROM {table} t WHERE t.{legacy} IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM ferry.migration_mappings m WHERE m.entity = ANY(%(sharing)s)"
        " AND m.new_id = t.{key})"
    ).format(table=table, legacy=legacy, key=key)


def mapping_count(conn: psycopg.Connection, entity: str) -> int:
    """The entity's mappings, retained rows included."""
    return conn.execute(
        "SELECT count(*) FROM ferry.migration_mappings WHERE entity = %s", (entity,)
    ).fetchone()[0]
