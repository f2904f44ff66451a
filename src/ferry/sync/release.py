"""Rows leaving the migration, and with them everything in the target that depends on them.

A row leaves when its source row is gone or its new version would not be migrated. Whatever
points at it in the target must go first: rows ferry wrote (any entity's; a mapping says so)
leave with it, children before parents, and come back through the ordinary load when their own
entity syncs (a fresh migration would quarantine them as `missing_parent`, or load them with
an optional parent set to NULL: the reload decides, exactly as that migration would). Rows
ferry did not write (the new application's) are never touched: each one stops the release of
the rows it depends on, and of their ancestors, and is named with the command that resolves it.

Dependents are found through the catalogue's parents and through every single-column foreign
key of the target database that points at a primary key, level by level (a child's children are
looked up in turn), in the caller's transaction: a dry run finds the same refusals.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from uuid import UUID

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.state.ledger import mappings

Row = tuple[str, UUID]  # a target row: its qualified table and its key


def qualified(table: str) -> str:
    schema, _, name = table.rpartition(".")
    return f"{schema or 'public'}.{name}"


def _identifier(table: str) -> sql.Identifier:
    schema, _, name = table.partition(".")
    return sql.Identifier(schema, name)


@dataclass(frozen=True)
class Referrer:
    """A column of `table` that points at rows of another table."""

    table: str
    column: str


@dataclass(frozen=True)
class Dependent:
    """A row ferry did not write that points at a row leaving the migration."""

    table: str
    row_id: str | None
    column: str
    parent_table: str
    parent_id: UUID

    key: str | None = None  # the table's primary key column, if it has a single one

    def sentence(self) -> str:
        where = (
            f"{self.key} = '{self.row_id}'"
            if self.key and self.row_id
            else f"{self.column} = '{self.parent_id}'"
        )
        return (
            f"{self.table} row {self.row_id or '(no key column)'} (its {self.column} points at "
            f"{self.parent_table} {self.parent_id}; resolve with: DELETE FROM {self.table} "
            f"WHERE {where}, or point it elsewhere)"
        )


@dataclass
class Release:
    """What one release did: legacy ids of the caller's entity that left, those kept because
    rows ferry did not write depend on them, and the dependents ferry released with them."""

    released: list[int] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    refusals: list[Dependent] = field(default_factory=list)
    dependents: int = 0
    entities: set[str] = field(default_factory=set)


class DependencyGraph:
    """Who points at whom in the target: catalogue parents and the database's foreign keys."""

    def __init__(self, catalogue: Catalogue, conn: psycopg.Connection) -> None:
        self.catalogue = catalogue
        self.writers: dict[str, list[str]] = defaultdict(list)
        self.keys: dict[str, str] = {}  # table -> its primary key column
        for entity in catalogue.entities.values():
            self.writers[qualified(entity.target)].append(entity.name)
            self.keys[qualified(entity.target)] = entity.target_key
        found: dict[str, set[Referrer]] = defaultdict(set)
        for entity in catalogue.entities.values():
            for parent in entity.parents:
                referenced = qualified(catalogue.entities[parent.entity].target)
                found[referenced].add(Referrer(qualified(entity.target), parent.column))
        query = resources.files("ferry.sync").joinpath("sql/referrers.sql").read_text()
        for schema, table, column, f_schema, f_table, key in conn.execute(query).fetchall():
            found[f"{f_schema}.{f_table}"].add(Referrer(f"{schema}.{table}", column))
            if key:
                self.keys.setdefault(f"{schema}.{table}", key)
        self.referrers = {t: sorted(r, key=lambda x: (x.table, x.column)) for t, r in found.items()}

    def release(self, cur: psycopg.Cursor, entity: str, legacy_ids: list[int]) -> Release:
        """Release the entity's mappings of `legacy_ids` (those it has), their target rows
        and every dependent ferry wrote, children first; rows ferry did not write keep what
        they depend on. Legacy ids without a mapping count as released."""
        result = Release()
        if not legacy_ids:
            return result
        table = qualified(self.catalogue.entities[entity].target)
        mapped = mappings.new_ids(cur, entity, legacy_ids)
        # rows another legacy id still maps onto (merged duplicates) stay
        held = mappings.held_by_others(
            cur, self.writers[table], set(mapped.values()), entity, legacy_ids
        )
        roots = {(table, i) for i in mapped.values() if i not in held}
        depth, parents, result.refusals = self._walk(cur, roots)
        blocked = _closure(parents, [(d.parent_table, d.parent_id) for d in result.refusals])
        result.kept = sorted(k for k, i in mapped.items() if (table, i) in blocked)
        result.released = sorted(set(legacy_ids) - set(result.kept))
        mappings.forget(cur, entity, result.released)
        children: dict[Row, set[Row]] = defaultdict(set)
        for child, found_through in parents.items():
            for parent in found_through:
                children[parent].add(child)
        # what leaves: the unblocked roots and what depends on them (a dependent of a row that
        # stays, only, stays with it)
        reached = _closure(children, [r for r in roots if r not in blocked], blocked)
        leaving = {row: depth[row] for row in reached}
        self._release_dependents(cur, [r for r, d in leaving.items() if d > 0], result)
        for level in sorted({d for d in leaving.values()}, reverse=True):
            by_table: dict[str, list[UUID]] = defaultdict(list)
            for (t, i), d in leaving.items():
                if d == level:
                    by_table[t].append(i)
            for t, ids in sorted(by_table.items()):
                cur.execute(
                    sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
                        _identifier(t), sql.Identifier(self.keys[t])
                    ),
                    (ids,),
                )
        return result

    def _walk(
        self, cur: psycopg.Cursor, roots: set[Row]
    ) -> tuple[dict[Row, int], dict[Row, set[Row]], list[Dependent]]:
        """Each doomed row's depth (its longest path from a root), the doomed rows each one
        was found through, and the dependents ferry did not write."""
        depth = dict.fromkeys(roots, 0)
        parents: dict[Row, set[Row]] = defaultdict(set)
        refusals: list[Dependent] = []
        frontier, level = set(roots), 0
        while frontier:
            level += 1
            found: set[Row] = set()
            by_table: dict[str, list[UUID]] = defaultdict(list)
            for t, i in frontier:
                by_table[t].append(i)
            for t, ids in sorted(by_table.items()):
                for ref in self.referrers.get(t, []):
                    for row_id, parent_id, ours in self._pointing(cur, ref, ids):
                        if not ours:
                            refusals.append(
                                Dependent(
                                    ref.table,
                                    row_id,
                                    ref.column,
                                    t,
                                    parent_id,
                                    self.keys.get(ref.table),
                                )
                            )
                            continue
                        child = (ref.table, UUID(row_id))
                        parents[child].add((t, parent_id))
                        if depth.get(child, -1) < level:
                            depth[child] = level
                            found.add(child)
            frontier = found
            if level > len(depth) + 1:  # a cycle of rows: every row is already doomed
                break
        return depth, parents, refusals

    def _pointing(
        self, cur: psycopg.Cursor, ref: Referrer, ids: list[UUID]
    ) -> list[tuple[str | None, UUID, bool]]:
        """Rows of `ref.table` whose column points at `ids`: key, parent id, written by ferry.
        A table no entity writes holds no row of ferry's (and may have no single key)."""
        writers = self.writers.get(ref.table, [])
        key = self.keys.get(ref.table)
        row_id = sql.SQL("r.{}::text").format(sql.Identifier(key)) if key else sql.NULL
        if writers:
            ours = mappings.written_by(sql.Identifier("r", key), sql.Placeholder("writers"))
        else:
            ours = sql.SQL("false")
        return cur.execute(
            sql.SQL(
                "SELECT {row_id}, r.{column}, {ours} FROM {table} r WHERE r.{column} = ANY(%(ids)s)"
            ).format(
                row_id=row_id,
                ours=ours,
                column=sql.Identifier(ref.column),
                table=_identifier(ref.table),
            ),
            {"writers": writers, "ids": ids},
        ).fetchall()

    def _release_dependents(self, cur: psycopg.Cursor, rows: list[Row], result: Release) -> None:
        """The mappings (and retained records) of dependent rows ferry wrote are removed."""
        by_table: dict[str, list[UUID]] = defaultdict(list)
        for t, i in rows:
            by_table[t].append(i)
        for t, ids in sorted(by_table.items()):
            result.entities.update(mappings.forget_rows(cur, self.writers[t], ids))
            result.dependents += len(ids)


def _closure(
    links: dict[Row, set[Row]], starts: list[Row], avoid: set[Row] = frozenset()
) -> set[Row]:
    """The rows given and every row linked from them, transitively, never through `avoid`."""
    seen: set[Row] = set()
    pending = [row for row in starts if row not in avoid]
    while pending:
        row = pending.pop()
        if row not in seen:
            seen.add(row)
            pending.extend(r for r in links.get(row, ()) if r not in avoid)
    return seen
