"""What ferry needs to know about a target table, read from the target's catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.errors import TargetError


@dataclass(frozen=True)
class TargetTable:
    schema: str
    name: str
    column_types: dict[str, str]

    @property
    def identifier(self) -> sql.Identifier:
        return sql.Identifier(self.schema, self.name)

    def cast(self, column: str, value: sql.Composable) -> sql.Composable:
        """`CAST(value AS <column's type>)`; the type name comes from the target's catalog."""
        return sql.SQL("CAST({} AS {})").format(value, sql.SQL(self.column_types[column]))


def read_target_table(conn: psycopg.Connection, qualified: str) -> TargetTable:
    """Column types of `schema.table` (default schema public), or a one-sentence refusal."""
    schema, _, name = qualified.rpartition(".")
    schema = schema or "public"
    rows = conn.execute(
        """
        SELECT a.attname, format_type(a.atttypid, a.atttypmod)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relname = %s AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum
        """,
        (schema, name),
    ).fetchall()
    if not rows:
        raise TargetError(
            f"The target database has no table {schema}.{name}; install the target schema first "
            "(for the lab's catalogue: ferry target create)."
        )
    return TargetTable(schema, name, dict(rows))


def check_columns(table: TargetTable, entity_name: str, columns: list[str]) -> None:
    """Refuse, before any row moves, a declaration that names columns the target lacks."""
    missing = [c for c in columns if c not in table.column_types]
    if missing:
        raise TargetError(
            f"Entity {entity_name} writes columns {', '.join(missing)} that target table "
            f"{table.schema}.{table.name} does not have."
        )


def refresh_statistics(
    conn: psycopg.Connection,
    qualified: str,
    *,
    vacuum: bool = False,
    state: Sequence[str] = ("migration_mappings",),
) -> None:
    """ANALYZE a target table and the named tables of ferry's state (by default the
    mappings) after an entity filled or emptied them.

    Later batches join through these tables; with stale estimates (a table believed empty, or
    believed full after a rollback emptied it) the planner picks full scans per batch: a sync
    reloading 8,796 notifications took 21 s in one DELETE of skip records, planned as a
    nested loop over 61K skip records believed to be one. After a large rollback, `vacuum`
    also clears the dead index entries that every lookup would wade through (VACUUM needs
    `conn` in autocommit, outside any transaction).
    """
    schema, _, name = qualified.rpartition(".")
    command = sql.SQL("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
    tables = [
        *(sql.Identifier("ferry", t) for t in state),
        sql.Identifier(schema or "public", name),
    ]
    conn.execute(sql.SQL("{} {}").format(command, sql.SQL(", ").join(tables)))
