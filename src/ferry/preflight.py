"""`ferry check --catalogue`: every declaration's SQL tried on the real databases before any
row moves.

A catalogue's fragments (relation, joins, filter, key, skip rules, parents, columns, change
time, dedup key) are SQL text that would otherwise first meet PostgreSQL in the first batch,
minutes into a run. Here each entity's source query and target insert are EXPLAINed (planned,
never executed: no row is read or written, and the target's transaction is rolled back, the
state schema it may install for the plan included). When a whole query fails, each fragment
is planned alone, in the order the query uses them, so the sentence names the first one that
fails. PostgreSQL's own first line says why; EXPLAIN sees no rows, so it holds no values.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.source import from_where, select_batch
from ferry.engine.target import check_columns, read_target_table
from ferry.engine.transform import written_columns
from ferry.errors import FerryError
from ferry.state.ledger import load_sql
from ferry.state.schema import ensure_state_schema


@dataclass(frozen=True)
class FragmentProblem:
    """One declaration that PostgreSQL cannot plan: which entity, which fragment, and why."""

    entity: str
    fragment: str
    error: str


@dataclass(frozen=True)
class CatalogueCheck:
    """A catalogue planned on both databases: what was checked and what PostgreSQL refused."""

    catalogue: str
    entities: int
    problems: list[FragmentProblem]


def check_catalogue(
    catalogue: Catalogue, source: psycopg.Connection, target: psycopg.Connection
) -> CatalogueCheck:
    """Every entity's source and target side planned; the problems found, in plan order."""
    problems: list[FragmentProblem] = []
    with target.transaction(force_rollback=True):
        ensure_state_schema(target)  # the insert joins ferry's mappings
        for entity in catalogue.entities.values():
            problems += _source_problems(source, entity)
            problems += _target_problems(target, entity)
    return CatalogueCheck(catalogue.name, len(catalogue.entities), problems)


def _source_problems(conn: psycopg.Connection, entity: Entity) -> list[FragmentProblem]:
    error = _plan_error(conn, select_batch(entity, None, 1))
    if error is None:
        return []
    for fragment, query in _source_fragments(entity):
        alone = _plan_error(conn, query)
        if alone is not None:
            return [FragmentProblem(entity.name, fragment, alone)]
    return [FragmentProblem(entity.name, "source query", error)]


def _source_fragments(entity: Entity) -> Iterator[tuple[str, sql.Composable]]:
    """Each fragment in a query of its own, those it builds on first."""
    declared = entity.source
    relation = sql.SQL("FROM {}").format(sql.SQL(declared.relation))
    yield "source relation", sql.SQL("SELECT 1 {}").format(relation)
    if declared.joins:
        yield "source joins", sql.SQL("SELECT 1 {} {}").format(relation, sql.SQL(declared.joins))
    rows = from_where(entity)
    yield "source where", sql.SQL("SELECT 1 {}").format(rows)
    yield "source key", sql.SQL("SELECT {} {}").format(sql.SQL(declared.ordinal), rows)
    for rule in entity.skip_rules:
        yield (
            f"skip rule {rule.name}",
            sql.SQL("SELECT 1 {} AND ({})").format(rows, sql.SQL(rule.where)),
        )
    expressions = [
        ("dedup key", entity.dedup_key, "::text"),
        ("change time", declared.changed_at, ""),
        *((f"parent {p.column}", p.ordinal, "") for p in entity.parents),
        *((f"column {c.name}", c.expr, "") for c in entity.columns),
    ]
    for fragment, expr, cast in expressions:
        if expr:
            yield fragment, sql.SQL("SELECT ({}){} {}").format(sql.SQL(expr), sql.SQL(cast), rows)


def _target_problems(conn: psycopg.Connection, entity: Entity) -> list[FragmentProblem]:
    try:
        table = read_target_table(conn, entity.target)
        columns = [c.name for c in written_columns(entity)]
        check_columns(table, entity.name, [p.column for p in entity.parents] + columns)
    except FerryError as exc:
        return [FragmentProblem(entity.name, "target table", str(exc))]
    stage = sql.Identifier(f"ferry_preflight_{entity.name}")
    names = load_sql.StageNames(entity, columns)
    problems = []
    with conn.transaction(force_rollback=True):
        conn.execute(load_sql.create_stage(stage, names))
        insert = load_sql.insert_rows(stage, table, entity, names)
        error = _plan_error(conn, insert, {"first": 0, "last": 0})
        if error is not None:
            problems.append(FragmentProblem(entity.name, "target insert", error))
    for check in entity.checks:
        error = _plan_error(conn, sql.SQL(check.sql))
        if error is not None:
            problems.append(FragmentProblem(entity.name, f"check {check.name}", error))
    return problems


def _plan_error(
    conn: psycopg.Connection, query: sql.Composable, params: dict | None = None
) -> str | None:
    """PostgreSQL's first line if it cannot plan `query`, else None (nothing is executed)."""
    try:
        with conn.transaction(force_rollback=True):
            conn.execute(sql.SQL("EXPLAIN {}").format(query), params)
    except psycopg.Error as exc:
        return (exc.diag.message_primary or str(exc)).splitlines()[0]
    return None
