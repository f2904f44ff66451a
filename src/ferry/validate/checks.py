"""Set-based validation checks: accounting, keys, integrity, and the entity's declared checks.

Each returns a CheckOutcome: how many rows it examined, how many failed, the first legacy ids
concerned (never values) and one sentence.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.source import SourceReader, keys_query
from ferry.state.ledger import checks as ledger_checks
from ferry.state.ledger.accounts import Accounts, accounts
from ferry.validate.skips import skips_differing

MAX_IDS = 100


@dataclass
class CheckOutcome:
    check: str
    checked: int
    failed: int
    detail: str
    legacy_ids: list[int] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    totals: dict[str, str] = field(default_factory=dict)  # money: exact source/target sums

    @property
    def passed(self) -> bool:
        return self.failed == 0


def _identifier(qualified: str) -> sql.Identifier:
    schema, _, name = qualified.rpartition(".")
    return sql.Identifier(schema or "public", name)


def _ids(conn: psycopg.Connection, query: sql.Composable, params: dict) -> tuple[int, list[int]]:
    """Count the ids a query returns and keep the first MAX_IDS of them, in order."""
    counted = sql.SQL(
        "SELECT count(*), (array_agg(id ORDER BY id))[1:{limit}] FROM ({query}) found (id)"
    ).format(limit=sql.Literal(MAX_IDS), query=query)
    total, first = conn.execute(counted, params).fetchone()
    return total, list(first or [])


def accounting(reader: SourceReader, target: psycopg.Connection, entity: Entity) -> CheckOutcome:
    """A fresh source count equals migrated + quarantined + skipped (rows retained by choice,
    gone from the source, are listed beside), and the rows skipped by rule in the source are
    those with a skip record; else name the strays, side by side, each with the command that
    mends it."""
    source_rows, high = reader.count(entity)
    terms = accounts(target, [entity.name]).get(entity.name, Accounts())
    migrated, quarantined, skipped, retained = astuple(terms)
    accounted = terms.accounted
    numbers = {
        "source": source_rows,
        "migrated": migrated,
        "quarantined": quarantined,
        "skipped": skipped,
        "retained": retained,
    }
    equation = (
        f"source {source_rows:,} = migrated {migrated:,} + quarantined {quarantined:,}"
        f" + skipped {skipped:,}" + (f"; retained {retained:,} beside" if retained else "")
    )
    misjudged = skips_differing(reader, target, entity, source_rows, high)
    if accounted == source_rows and not misjudged:
        return CheckOutcome("accounting", source_rows, 0, equation, numbers=numbers)
    unaccounted, extra = _strays(reader, target, entity) if accounted != source_rows else ([], [])
    sides = []
    if unaccounted:
        sides.append(
            f"{len(unaccounted):,} source rows have no outcome (ids {_first(unaccounted)}; "
            "ferry sync migrates them)"
        )
    if extra:
        sides.append(
            f"{len(extra):,} outcomes have no source row (ids {_first(extra)}; ferry sync "
            "releases them, ferry sync --keep-deleted keeps them as retained)"
        )
    if misjudged:
        sides.append(
            f"{len(misjudged):,} rows are skipped by a rule in the source but not so recorded,"
            f" or the reverse (ids {_first(misjudged)}; ferry sync carries the change over)"
        )
    if accounted == source_rows:
        equation += " holds"
    else:
        equation = equation.replace(" = ", " != ", 1)
    return CheckOutcome(
        "accounting",
        source_rows,
        max(len(unaccounted) + len(extra), abs(accounted - source_rows)) + len(misjudged),
        equation + ": " + "; ".join(sides or ["counts differ"]),
        sorted(set(unaccounted + extra + misjudged))[:MAX_IDS],
        numbers,
    )


def _first(ids: list[int], shown: int = 10) -> str:
    listed = ", ".join(str(i) for i in ids[:shown])
    return listed + (f" and {len(ids) - shown:,} more" if len(ids) > shown else "")


def _strays(
    reader: SourceReader, target: psycopg.Connection, entity: Entity
) -> tuple[list[int], list[int]]:
    """Source keys with no outcome, and outcomes (retained rows apart) whose key is not in
    the source."""
    keys = sql.SQL("COPY ({}) TO STDOUT").format(keys_query(entity))
    with target.transaction():
        target.execute("CREATE TEMP TABLE IF NOT EXISTS ferry_source_keys (key bigint)")
        target.execute("TRUNCATE ferry_source_keys")
        with (
            reader.conn.cursor() as source_cursor,
            source_cursor.copy(keys) as source_copy,
            target.cursor().copy("COPY ferry_source_keys FROM STDIN") as target_copy,
        ):
            for block in source_copy:
                target_copy.write(block)
        found = target.execute(
            ledger_checks.strays(sql.Identifier("ferry_source_keys")), {"e": entity.name}
        ).fetchall()
    return [k for k, present in found if present], [k for k, present in found if not present]


def keys(target: psycopg.Connection, catalogue: Catalogue, entity: Entity) -> CheckOutcome:
    """Every mapping has its target row; two legacy ids share a new id only when merged as
    duplicates; every target row with a legacy id has its mapping; no legacy id appears twice
    in the target.

    Entities that fill the same target table (one per legacy source, e.g. messages to patients
    and to users) share it: a row is mapped when any of them maps it.
    """
    table = _identifier(entity.target)
    sharing = [e.name for e in catalogue.entities.values() if e.target == entity.target]
    params = {"e": entity.name, "sharing": sharing}
    missing_rows, missing_ids = _ids(
        target,
        ledger_checks.unbacked(table, sql.Identifier(entity.target_key)),
        params,
    )
    shared_rows, shared_ids = _ids(
        target,
        ledger_checks.shared_unmerged(),
        params,
    )
    problems = []
    ids = missing_ids + shared_ids
    if missing_rows:
        problems.append(f"{missing_rows:,} mappings point at no target row")
    if shared_rows:
        problems.append(f"{shared_rows:,} mappings share their new id with another legacy id")
    checked = ledger_checks.mapping_count(target, entity.name)
    if entity.legacy_column:
        legacy = sql.Identifier(entity.legacy_column)
        unmapped, unmapped_ids = _ids(
            target,
            ledger_checks.unmapped_rows(table, legacy, sql.Identifier(entity.target_key)),
            params,
        )
        duplicated, duplicated_ids = _ids(
            target,
            sql.SQL(
                "SELECT {legacy} FROM {table} WHERE {legacy} IS NOT NULL"
                " GROUP BY {legacy} HAVING count(*) > 1"
            ).format(table=table, legacy=legacy),
            params,
        )
        if unmapped:
            problems.append(f"{unmapped:,} target rows with a legacy id have no mapping")
        if duplicated:
            problems.append(f"{duplicated:,} legacy ids appear more than once in the target")
        ids += unmapped_ids + duplicated_ids
    failed = missing_rows + shared_rows + (unmapped + duplicated if entity.legacy_column else 0)
    detail = "; ".join(problems) or f"{checked:,} mappings, each with its target row"
    return CheckOutcome("keys", checked, failed, detail, sorted(set(ids))[:MAX_IDS])


def integrity(target: psycopg.Connection, catalogue: Catalogue, entity: Entity) -> CheckOutcome:
    """No foreign key of the entity's rows points at a missing parent row."""
    table = _identifier(entity.target)
    legacy = (  # the legacy ids named in a finding, when the target keeps them
        sql.SQL("t.{}").format(sql.Identifier(entity.legacy_column))
        if entity.legacy_column
        else sql.NULL
    )
    failed, ids, problems = 0, [], []
    for parent in entity.parents:
        parent_entity = catalogue.entities[parent.entity]
        parent_table = _identifier(parent_entity.target)
        count, found = _ids(
            target,
            sql.SQL(
                "SELECT {legacy} FROM {table} t WHERE t.{fk} IS NOT NULL"
                " AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = t.{fk})"
            ).format(
                legacy=legacy,
                table=table,
                fk=sql.Identifier(parent.column),
                parent=parent_table,
                key=sql.Identifier(parent_entity.target_key),
            ),
            {},
        )
        if count:
            failed += count
            ids += found
            problems.append(f"{count:,} rows whose {parent.column} points at no {parent.entity}")
    checked = target.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()[0]
    detail = "; ".join(problems) or f"{len(entity.parents)} foreign keys, no orphan"
    return CheckOutcome("integrity", checked, failed, detail, sorted(set(ids))[:MAX_IDS])


def declared(target: psycopg.Connection, entity: Entity) -> list[CheckOutcome]:
    """The entity's own rules: each query returns the legacy ids that break it."""
    outcomes = []
    for check in entity.checks:
        count, ids = _ids(target, sql.SQL(check.sql), {})
        outcomes.append(
            CheckOutcome(
                f"declared:{check.name}",
                count,
                count,
                check.description if count == 0 else f"{count:,} rows break: {check.description}",
                ids,
            )
        )
    return outcomes
