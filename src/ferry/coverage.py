"""Coverage: every table of the source, read by an entity or declared out of scope, none left.

Which tables an entity reads is asked of the source's planner, not guessed from the
declaration's text: `EXPLAIN` of the entity's own batch query names every relation it scans
(the relation, its joins, and the subqueries of skip rules, parents and columns). Joins whose
columns the batch query uses are never removed by the planner, so a table that shapes a row is
always seen.

The source's tables are those of the schemas on its search path (the legacy application's own),
partitions counted as their parent table.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.engine.source import select_batch

SOURCE_TABLES = """
SELECT n.nspname, c.relname
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
  AND n.nspname = ANY(current_schemas(false))
ORDER BY c.relname, n.nspname
"""


@dataclass(frozen=True)
class TableCoverage:
    """One source table: its rows, the entities that read it, or why none does."""

    schema: str
    table: str
    rows: int
    read_by: tuple[str, ...]
    out_of_scope: str | None

    @property
    def state(self) -> str:
        if self.read_by:
            return "read"
        return "out of scope" if self.out_of_scope is not None else "unaccounted"

    def as_dict(self) -> dict:
        return {
            "schema": self.schema,
            "table": self.table,
            "rows": self.rows,
            "state": self.state,
            "read_by": list(self.read_by),
            "out_of_scope": self.out_of_scope,
        }


@dataclass(frozen=True)
class Coverage:
    """The source's tables against the catalogue, and declarations naming no source table."""

    tables: tuple[TableCoverage, ...]
    stale_declarations: tuple[str, ...]

    @property
    def unaccounted(self) -> list[str]:
        return [t.table for t in self.tables if t.state == "unaccounted"]

    @property
    def reading_entities(self) -> int:
        return len({name for t in self.tables for name in t.read_by})

    def summary(self) -> str:
        """One line, e.g. '59 source tables: 42 read by 54 entities, 17 out of scope, 0
        unaccounted'."""
        read = sum(1 for t in self.tables if t.state == "read")
        excluded = sum(1 for t in self.tables if t.state == "out of scope")
        return (
            f"{len(self.tables)} source tables: {read} read by {self.reading_entities} "
            f"entities, {excluded} out of scope, {len(self.unaccounted)} unaccounted"
        )

    def as_dict(self) -> dict:
        return {
            "summary": self.summary(),
            "unaccounted": self.unaccounted,
            "stale_declarations": list(self.stale_declarations),
            "tables": [t.as_dict() for t in self.tables],
        }


def unaccounted_sentence(found: Coverage) -> str:
    """What is wrong with a coverage that has unaccounted tables, and what to do."""
    tables = found.unaccounted
    many = len(tables) > 1
    return (
        f"source table{'s' if many else ''} {', '.join(tables)} {'are' if many else 'is'} read "
        "by no entity and not declared out of scope; declare an entity that reads "
        f"{'them' if many else 'it'} or an out-of-scope reason in the catalogue "
        "(`ferry coverage` lists every table)."
    )


def _relations(plan: object) -> Iterator[tuple[str, str]]:
    """(schema, relation) of every scan in an EXPLAIN (FORMAT JSON, VERBOSE) plan tree."""
    if isinstance(plan, dict):
        if "Relation Name" in plan:
            yield plan.get("Schema", ""), plan["Relation Name"]
        for value in plan.values():
            yield from _relations(value)
    elif isinstance(plan, list):
        for item in plan:
            yield from _relations(item)


def tables_read(source: psycopg.Connection, catalogue: Catalogue) -> dict[tuple[str, str], set]:
    """(schema, table) -> names of the entities whose batch query scans it."""
    readers: dict[tuple[str, str], set] = {}
    for entity in catalogue.entities.values():
        query = sql.SQL("EXPLAIN (FORMAT JSON, VERBOSE) {}").format(
            select_batch(entity, None, None)
        )
        (plan,) = source.execute(query).fetchone()
        for relation in set(_relations(plan)):
            readers.setdefault(relation, set()).add(entity.name)
    return readers


def coverage(source: psycopg.Connection, catalogue: Catalogue) -> Coverage:
    """Every table of the source with its exact row count, its readers or its declared reason."""
    readers = tables_read(source, catalogue)
    listed = source.execute(SOURCE_TABLES).fetchall()
    tables = []
    for schema, table in listed:
        (rows,) = source.execute(
            sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(schema, table))
        ).fetchone()
        tables.append(
            TableCoverage(
                schema,
                table,
                rows,
                tuple(sorted(readers.get((schema, table), ()))),
                catalogue.out_of_scope.get(table),
            )
        )
    present = {table for _, table in listed}
    stale = tuple(sorted(t for t in catalogue.out_of_scope if t not in present))
    return Coverage(tuple(tables), stale)
