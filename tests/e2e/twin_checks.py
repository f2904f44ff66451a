"""What a target that ferry was killed on many times owes, compared with an uninterrupted twin.

The same rows in every target table and the same bookkeeping (mappings, quarantine, skip
records), row for row; no legacy key on two rows of a table; no source row accounted twice
(mapped, quarantined and skipped are exclusive). The functions count rather than assert, so
that the soak can report the numbers; the test asserts them. A whole-table digest says only
*that* two targets differ; the row multisets say by how many rows, and where.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.brius.catalogue import CATALOGUE
from tests.e2e.helpers import LOAD_TIME_COLUMNS, table_checksum

# ferry's records, with the columns fingerprint() compares (times of writing differ by nature).
BOOKKEEPING = {
    ("ferry", "migration_mappings"): (
        "entity",
        "legacy_id",
        "new_id",
        "origin",
        "dedup_key",
        "notes",
    ),
    ("ferry", "quarantine"): (
        "entity",
        "legacy_id",
        "reason",
        "message",
        "sqlstate",
        "constraint_name",
        "resolved",
    ),
    ("ferry", "skipped"): ("entity", "legacy_id", "rule"),
}


def target_tables() -> list[str]:
    """Every table the catalogue writes."""
    return sorted({entity.target for entity in CATALOGUE.entities.values()})


def legacy_key_columns() -> list[tuple[str, str]]:
    """(table, column) pairs that keep a legacy key; one column may serve two entities that
    read disjoint rows of one legacy table (messages and user_messages, for instance)."""
    return sorted(
        {
            (entity.target, entity.legacy_column)
            for entity in CATALOGUE.entities.values()
            if entity.legacy_column
        }
    )


def _table(name: str) -> sql.Identifier:
    schema, _, table = name.rpartition(".")
    return sql.Identifier(schema or "public", table)


def _digests(conn: psycopg.Connection, query: sql.Composed) -> Counter[str]:
    return Counter(row[0] for row in conn.execute(query))


def row_digests(url: str) -> dict[str, Counter[str]]:
    """Per table, the multiset of its rows' digests (load times left out)."""
    strip = sql.SQL(" ").join(sql.SQL("- {}").format(sql.Literal(c)) for c in LOAD_TIME_COLUMNS)
    found: dict[str, Counter[str]] = {}
    with psycopg.connect(url) as conn:
        for table in target_tables():
            query = sql.SQL("SELECT md5((to_jsonb(t) {strip})::text) FROM {table} t").format(
                strip=strip, table=_table(table)
            )
            found[table] = _digests(conn, query)
        for (schema, table), columns in BOOKKEEPING.items():
            query = sql.SQL("SELECT md5(row({columns})::text) FROM {table}").format(
                columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
                table=sql.Identifier(schema, table),
            )
            found[f"{schema}.{table}"] = _digests(conn, query)
    return found


@dataclass(frozen=True)
class Difference:
    """How a target differs from its twin: rows compared, and per table the twin's rows it
    lacks (lost) and rows it has that the twin does not (extra: duplicates, strays)."""

    compared: int
    lost: dict[str, int]
    extra: dict[str, int]

    @property
    def rows_lost(self) -> int:
        return sum(self.lost.values())

    @property
    def rows_extra(self) -> int:
        return sum(self.extra.values())


def compare(twin_url: str, url: str) -> Difference:
    twin, found = row_digests(twin_url), row_digests(url)
    lost = {t: (twin[t] - found[t]).total() for t in twin}
    extra = {t: (found[t] - twin[t]).total() for t in twin}
    return Difference(
        compared=sum(c.total() for c in twin.values()),
        lost={t: n for t, n in lost.items() if n},
        extra={t: n for t, n in extra.items() if n},
    )


def duplicate_legacy_keys(url: str) -> dict[str, int]:
    """Per `table.column` keeping a legacy key, how many keys sit on more than one row."""
    found = {}
    with psycopg.connect(url) as conn:
        for table, column in legacy_key_columns():
            query = sql.SQL(
                "SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {column} IS NOT NULL"
                " GROUP BY {column} HAVING count(*) > 1) twice"
            ).format(table=_table(table), column=sql.Identifier(column))
            duplicates = conn.execute(query).fetchone()[0]
            if duplicates:
                found[f"{table}.{column}"] = duplicates
    return found


def accounted_twice(url: str) -> int:
    """Source rows (entity, legacy id) at once mapped, in open quarantine or skipped: the
    accounting equation would hide one such row behind one lost elsewhere."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM (SELECT entity, legacy_id FROM ("
            " SELECT entity, legacy_id FROM ferry.migration_mappings"
            " UNION ALL SELECT entity, legacy_id FROM ferry.quarantine WHERE NOT resolved"
            " UNION ALL SELECT entity, legacy_id FROM ferry.skipped) fates"
            " GROUP BY entity, legacy_id HAVING count(*) > 1) twice"
        ).fetchone()[0]


def public_checksums(url: str) -> dict[str, tuple[int, str]]:
    """Every public table's row count and digest: the whole target as an application sees it
    (ferry's own schema aside)."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {table: table_checksum(conn, table) for table in tables}


def leftovers(url: str) -> dict[str, int]:
    """What a complete rollback leaves of ferry's records (adopted mappings of earlier tools
    stay, as do closed quarantine entries, their history)."""
    with psycopg.connect(url) as conn:
        return dict(
            conn.execute(
                "SELECT 'ferry mappings', count(*) FROM ferry.migration_mappings"
                " WHERE origin = 'ferry'"
                " UNION ALL SELECT 'open quarantine', count(*) FROM ferry.quarantine"
                " WHERE NOT resolved"
                " UNION ALL SELECT 'skip records', count(*) FROM ferry.skipped"
                " UNION ALL SELECT 'slice plans', count(*) FROM ferry.slices"
            ).fetchall()
        )


def analyze_mappings(url: str) -> None:
    """Statistics for ferry.migration_mappings, as autovacuum would give them in time.

    Before `ferry validate`: entities of a few thousand rows never trigger ferry's own
    ANALYZE, and without statistics validate's keys check nests a scan of an entity's mappings
    inside another (20 s for order_files at scale 0.03 instead of 0.1 s). The verdict does not
    depend on them.
    """
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE ferry.migration_mappings")
