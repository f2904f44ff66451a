"""Rows changed in the source since they were migrated, updated in place in the target.

Chunk by chunk, source rows are re-read and re-shaped by the entity's declarations and shipped
into a temporary table of the target, as validation does; one UPDATE then rewrites every row
of ferry's whose expected content (the load's own expressions, parents resolved through the
mappings) differs from what the target holds. Keys never change. Rows the target refuses are
isolated by bisection and reported, never half-applied.

A migrated row whose new version would no longer be migrated (now rejected, skipped, or its
required parent gone) leaves the migration as if it had never been written: its quarantine
entry or skip record is written, and its mapping and target row are released with their
dependents, children first, in the chunk's transaction (`ferry.sync.release`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from ferry.catalog.spec import Entity
from ferry.engine.load import apply_isolating_refusals, fill_stage, keys_to_insert
from ferry.engine.target import TargetTable
from ferry.engine.transform import written_columns
from ferry.state.ledger import load_sql as q
from ferry.state.ledger import mappings
from ferry.sync.release import DependencyGraph, Release


@dataclass
class ChangeTally:
    compared: int = 0
    changed: int = 0
    leaving: list[int] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    releases: list[Release] = field(default_factory=list)


class ChangeApplier:
    """Applies one entity's source changes to ferry's rows of its target table."""

    def __init__(self, entity: Entity, table: TargetTable, graph: DependencyGraph) -> None:
        self.entity = entity
        self.graph = graph
        self.stage = sql.Identifier(f"ferry_sync_{entity.name}")
        self.names = q.StageNames(entity, [c.name for c in written_columns(entity)])
        expected = q.expected_row(table, entity, self.names, self.stage)
        self._update = self._update_statement(table, expected)

    def _update_statement(self, table: TargetTable, expected: q.Expected) -> sql.Composed:
        """UPDATE the rows in [first, last] whose expected content differs (key excluded)."""
        columns, values = expected.columns[1:], expected.values[1:]
        actual = sql.SQL(", ").join(sql.SQL("t.{}").format(c) for c in columns)
        listed = sql.SQL(", ").join(values)
        return sql.SQL(
            "UPDATE {table} t SET ({columns}) = ROW({values}) FROM {owned} {joins}"
            " WHERE t.{key} = own.new_id AND s._status = 'insert'"
            " AND s._key BETWEEN %(first)s AND %(last)s"
            " AND ROW({values}) IS DISTINCT FROM ROW({actual})"
        ).format(
            table=table.identifier,
            key=sql.Identifier(self.entity.target_key),
            columns=sql.SQL(", ").join(columns),
            values=listed,
            owned=q.owned_rows(self.stage, self.entity, own_id=True),
            joins=expected.joins,
            actual=actual,
        )

    def _release_leaving(self, cur: psycopg.Cursor, run_id: int, batch: int | None) -> Release:
        """Migrated rows whose new version is quarantined or skipped leave the migration, as
        a fresh migration would never have written them: released with their dependents,
        and their new outcome recorded. Rows that dependents ferry did not write hold stay as
        they were (their new outcome is not recorded: they keep their mapping)."""
        # the stage's statistics predate its statuses: joining it to the mappings here was
        # planned as a nested scan (9.5 s for one chunk of 8K rows); the few keys go by index
        failing = cur.execute(
            sql.SQL("SELECT _key FROM {} WHERE _status <> 'insert'").format(self.stage)
        ).fetchall()
        leaving = sorted(mappings.new_ids(cur, self.entity.name, [r[0] for r in failing]))
        release = self.graph.release(cur, self.entity.name, leaving)
        if release.kept:
            cur.execute(
                sql.SQL("UPDATE {} SET _status = 'kept' WHERE _key = ANY(%s)").format(self.stage),
                (release.kept,),
            )
        statements = q.bookkeeping(self.stage, sql.Literal(self.entity.name))
        params = {"run_id": run_id, "batch": batch}
        cur.execute(statements["quarantine"], params)
        cur.execute(statements["skipped"], params)
        return release

    def apply(
        self,
        conn: psycopg.Connection,
        staged: list[tuple],
        tally: ChangeTally,
        run_id: int,
        batch: int | None,
    ) -> None:
        """Stage one chunk and update what changed, inside the caller's transaction."""
        cur = conn.cursor()
        fill_stage(cur, self.stage, self.names, staged)
        for index, parent in enumerate(self.entity.parents):
            cur.execute(
                q.resolve_parent(self.stage, self.names.parent(index), parent, self.entity.name)
            )
        release = self._release_leaving(cur, run_id, batch)
        tally.leaving += release.released
        tally.releases.append(release)
        span = cur.execute(q.span_to_insert(self.stage)).fetchone()
        tally.compared += span[0]

        def count(_count: int, written: int) -> None:
            tally.changed += written

        refused: list[int] = []
        apply_isolating_refusals(
            conn,
            self._update,
            span,
            lambda: keys_to_insert(cur, self.stage),
            count,
            lambda key, _exc: refused.append(key),
        )
        tally.refused += refused
        cur.execute(q.refresh_mappings(self.stage, self.entity), {"refused": refused})
