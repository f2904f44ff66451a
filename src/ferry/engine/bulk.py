"""Bulk loads: a first load into an empty target table, without its foreign keys and
secondary indexes, which are rebuilt once at the end.

What bounds a migration is the target writing constrained, indexed rows one by one: each row
fires its foreign keys' triggers and updates every index in random key order (perf-notes).
Bulk loaders defer both. ferry does the same inside its guarantees:
- before the first batch, the exact definitions of the table's foreign keys and non-unique
  secondary indexes are recorded in ferry's state and dropped, in one transaction;
- after the last batch, each index is built once (by sort) and each foreign key added
  `NOT VALID`, then validated; each step commits with its mark in the ledger;
- whatever instant a process dies at, the ledger says what the schema lacks, and the next run
  (or `ferry repair`) restores it before anything else.
The primary key, unique constraints, NOT NULL and CHECK stay in place: refused-row isolation
relies on them. A table that is not empty, that ferry does not own, or that another entity
also writes is loaded as always.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.engine.target import TargetTable
from ferry.state import deferred
from ferry.state.deferred import Definition

# Serialises dropping and re-adding foreign keys across workers: both lock the parent tables
# too, and two workers taking parents in different orders would deadlock.
_DDL_LOCK = "ferry.bulk.ddl"
# Taken shared by every VALIDATE and exclusively by every drop: a drop needs ACCESS EXCLUSIVE
# on the parent tables, and queued behind a long VALIDATE's scan it would stall every session
# that reads those parents; it waits here instead, holding nothing.
VALIDATION_LOCK = "ferry.bulk.validation"

_DEFINITIONS = """
SELECT 'foreign_key', con.conname, pg_get_constraintdef(con.oid)
FROM pg_constraint con
WHERE con.conrelid = %(table)s::regclass AND con.contype = 'f' AND con.convalidated
UNION ALL
SELECT 'index', ic.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
WHERE i.indrelid = %(table)s::regclass AND NOT i.indisunique AND NOT i.indisprimary
  AND i.indisvalid AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
ORDER BY 1, 2
"""


def _qualified(table: TargetTable) -> str:
    return sql.Identifier(table.schema, table.name).as_string(None)


def can_defer(conn: psycopg.Connection, table: TargetTable) -> bool:
    """The table is empty and ferry's role owns it (only an owner may drop constraints)."""
    return conn.execute(
        sql.SQL(
            "SELECT NOT EXISTS (SELECT 1 FROM {table})"
            " AND pg_has_role(current_user, (SELECT relowner FROM pg_class"
            " WHERE oid = {name}::regclass), 'USAGE')"
        ).format(
            table=sql.Identifier(table.schema, table.name), name=sql.Literal(_qualified(table))
        )
    ).fetchone()[0]


def defer(conn: psycopg.Connection, run_id: int, entity: str, table: TargetTable) -> int:
    """Record and drop the table's foreign keys and secondary indexes if it is empty and
    owned; how many were deferred (0: the load runs with everything in place)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_DDL_LOCK,))
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (VALIDATION_LOCK,))
        if not can_defer(conn, table):
            return 0
        found = [
            Definition(table.schema, table.name, name, kind, definition)
            for kind, name, definition in conn.execute(
                _DEFINITIONS, {"table": _qualified(table)}
            ).fetchall()
        ]
        deferred.record(conn, run_id, entity, found)
        for item in found:
            conn.execute(_drop(item))
    return len(found)


def _drop(item: Definition) -> sql.Composed:
    if item.kind == "index":
        return sql.SQL("DROP INDEX {}").format(sql.Identifier(item.schema, item.name))
    return sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
        sql.Identifier(item.schema, item.table), sql.Identifier(item.name)
    )


def restore(conn: psycopg.Connection, *, entity: str | None = None) -> list[Definition]:
    """Re-create whatever the ledger says is missing (of one entity, or all); what was done.

    Each definition is brought back from wherever it stands (missing, or a foreign key added
    but not yet validated), so a restore that was itself interrupted simply goes on.
    """
    pending = [
        item
        for item in deferred.recorded(conn, pending_only=True)
        if entity is None or item.entity == entity
    ]
    for item in pending:
        if item.kind == "index":
            _restore_index(conn, item)
        else:
            _restore_foreign_key(conn, item)
    return pending


def _restore_index(conn: psycopg.Connection, item: Definition) -> None:
    with conn.transaction():
        if not _index_exists(conn, item):
            conn.execute(sql.SQL(item.definition))  # PostgreSQL's own deparsed CREATE INDEX
        deferred.mark_restored(conn, item)


def _restore_foreign_key(conn: psycopg.Connection, item: Definition) -> None:
    table = sql.Identifier(item.schema, item.table)
    name = sql.Identifier(item.name)
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (_DDL_LOCK,))
        if _constraint_validated(conn, item) is None:
            conn.execute(
                sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {} NOT VALID").format(
                    table, name, sql.SQL(item.definition)
                )
            )
    with conn.transaction():  # VALIDATE scans the rows without blocking writes to either table
        conn.execute("SELECT pg_advisory_xact_lock_shared(hashtext(%s))", (VALIDATION_LOCK,))
        conn.execute(sql.SQL("ALTER TABLE {} VALIDATE CONSTRAINT {}").format(table, name))
        deferred.mark_restored(conn, item)


def _index_exists(conn: psycopg.Connection, item: Definition) -> bool:
    return conn.execute(
        "SELECT to_regclass(%s) IS NOT NULL",
        (sql.Identifier(item.schema, item.name).as_string(None),),
    ).fetchone()[0]


def _constraint_validated(conn: psycopg.Connection, item: Definition) -> bool | None:
    """True or False when the constraint exists (validated or not), None when it does not."""
    row = conn.execute(
        "SELECT convalidated FROM pg_constraint WHERE conname = %s AND conrelid = %s::regclass",
        (item.name, sql.Identifier(item.schema, item.table).as_string(None)),
    ).fetchone()
    return None if row is None else row[0]


def schema_problems(conn: psycopg.Connection) -> list[str]:
    """What `validate final` finds wrong with the definitions bulk loads touched: one not
    restored yet, missing, different from what it was, or not valid."""
    problems = []
    for item in deferred.recorded(conn, pending_only=False):
        where = f"{item.kind.replace('_', ' ')} {item.name} of {item.schema}.{item.table}"
        if not item.restored:
            problems.append(f"{where} is still deferred (run `ferry repair`)")
        elif item.kind == "index":
            now = conn.execute(
                "SELECT pg_get_indexdef(i.indexrelid), i.indisvalid FROM pg_index i"
                " WHERE i.indexrelid = to_regclass(%s)",
                (sql.Identifier(item.schema, item.name).as_string(None),),
            ).fetchone()
            if now is None or now[0] != item.definition or not now[1]:
                problems.append(f"{where} is missing, changed or not valid")
        else:
            now = conn.execute(
                "SELECT pg_get_constraintdef(oid), convalidated FROM pg_constraint"
                " WHERE conname = %s AND conrelid = to_regclass(%s)",
                (item.name, sql.Identifier(item.schema, item.table).as_string(None)),
            ).fetchone()
            if now is None or now[0] != item.definition or not now[1]:
                problems.append(f"{where} is missing, changed or not valid")
    return problems
