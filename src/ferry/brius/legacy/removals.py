"""The rows the legacy application deletes during a period, and what goes with them.

A few leaf rows (tasks, comments, messages, files, attachments, payments) and a few whole
chains (an order with everything hanging from it; a patient's account with the patient and
all of theirs) are picked by a seeded shuffle among the rows that existed before the period.
The deletion then follows the legacy references (foreign_keys.py) as Django's collector does:
a row that belongs to a deleted one goes with it (CASCADE), a row that merely mentions it
keeps living with the reference set to NULL (SET_NULL). Deletions therefore create no orphan.
A reference is CASCADE when its column is NOT NULL or when it says whose the row is (a task,
state, file or payment of an order); every other one is SET_NULL. The jaws an order points at
are deleted with the order (nothing else points at them).
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql

from ferry.brius.legacy.changes import has_pathology, no_pathology, seeded_choice
from ferry.brius.legacy.foreign_keys import FOREIGN_KEYS, ForeignKey


@dataclass(frozen=True)
class Removal:
    """One kind of deletion: max(minimum, round(rate x eligible rows)) rows of `table`."""

    name: str
    table: str
    rate: float
    minimum: int
    eligible: str  # SQL predicate on the row `t`


REMOVALS: tuple[Removal, ...] = (
    Removal("task_deleted", "dispatch_task", 0.005, 2, "true"),
    Removal("comment_deleted", "dispatch_comment", 0.003, 2, "true"),
    Removal("message_deleted", "dispatch_record", 0.002, 2, "t.target_type_id IN (11, 58)"),
    Removal(
        "file_deleted", "dispatch_file", 0.002, 2,
        "NOT " + has_pathology("dispatch_file", "shared_file_uid"),
    ),
    Removal("attachment_deleted", "dispatch_record_attachments", 0.005, 1, "true"),
    Removal("payment_deleted", "dispatch_payment", 0.001, 1, "true"),
    Removal(
        "order_deleted", "dispatch_instruction", 0.0005, 1,
        no_pathology("dispatch_instruction"),
    ),
    Removal(
        "patient_account_deleted", "auth_user", 0.0003, 1,
        "EXISTS (SELECT 1 FROM dispatch_patient AS p WHERE p.user_id = t.id"
        f" AND {no_pathology('dispatch_patient', row='p')}"
        " AND NOT EXISTS (SELECT 1 FROM dispatch_instruction AS i JOIN m_event AS e"
        " ON e.source_table = 'dispatch_instruction' AND e.legacy_id = i.id AND e.kind = 'insert'"
        " WHERE i.patient_id = p.id))"
        " AND t.id NOT IN (SELECT id FROM synthetic.doctor_candidate)"
        f" AND {no_pathology('auth_user')}",
    ),
)  # fmt: skip

# Nullable references that still say whose the row is: deleting the order deletes them. A
# notification goes with its recipient and with the object it is about (the generic relation
# Django follows), an operation with its payment; an action (an audit log) outlives its user
# and its item, which are set to NULL.
OWNED_BY_PARENT: frozenset[tuple[str, str]] = frozenset(
    {
        ("dispatch_state", "instruction_id"),
        ("dispatch_task", "instruction_id"),
        ("dispatch_file", "instruction_id"),
        ("dispatch_payment", "instruction_id"),
        ("dispatch_notification", "recipient_id"),
        ("dispatch_notification", "item_id"),
        ("dispatch_operation", "payment_id"),
    }
)

_JAW_COLUMNS = ("upper_jaw_id", "lower_jaw_id")


def remove_rows(conn: psycopg.Connection, removals: tuple[Removal, ...] = REMOVALS) -> None:
    """Pick the rows to delete, close the set under the references, then delete and null."""
    for removal in removals:
        conn.execute(_pick(removal))
    _collect(conn)
    _apply(conn)


def _pick(removal: Removal) -> sql.Composed:
    """Seed rows of one removal: existed before the period, not yet picked, eligible."""
    not_picked = sql.SQL(
        "NOT EXISTS (SELECT 1 FROM m_delete AS d"
        " WHERE d.source_table = {name} AND d.legacy_id = t.id) AND ({eligible})"
    ).format(name=sql.Literal(removal.table), eligible=sql.SQL(removal.eligible))
    return sql.SQL(
        "WITH {choice} INSERT INTO m_delete (source_table, legacy_id, note)"
        " SELECT {name}, id, {note} FROM chosen"
    ).format(
        choice=seeded_choice(
            removal.table, removal.name, removal.rate, removal.minimum, not_picked
        ),
        name=sql.Literal(removal.table),
        note=sql.Literal(removal.name),
    )


def _policy(conn: psycopg.Connection) -> dict[ForeignKey, bool]:
    """For every reference, whether deleting the parent deletes the row (True: it is NOT NULL
    or says whose the row is) or sets the reference to NULL (False)."""
    required = set(
        conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = current_schema() AND is_nullable = 'NO'"
        ).fetchall()
    )
    return {fk: (fk.table, fk.column) in required | OWNED_BY_PARENT for fk in FOREIGN_KEYS}


def _children(fk: ForeignKey) -> sql.Composed:
    """Rows of `fk.table` whose reference points at a row being deleted."""
    return sql.SQL(
        "SELECT t.id FROM {table} AS t JOIN m_delete AS d"
        " ON d.source_table = {parent} AND d.legacy_id = t.{column}{narrowed}"
    ).format(
        table=sql.Identifier(fk.table),
        parent=sql.Literal(fk.parent),
        column=sql.Identifier(fk.column),
        narrowed=fk.narrowing(),
    )


def _collect(conn: psycopg.Connection) -> None:
    """Close m_delete under CASCADE references and list SET_NULL ones in m_set_null. Each round
    follows the references into the tables that received rows in the round before, until one
    adds nothing (the reference graph is shallow: a few rounds)."""
    policy = _policy(conn)
    frontier = {table for (table,) in conn.execute("SELECT DISTINCT source_table FROM m_delete")}
    while frontier:
        conn.execute("ANALYZE m_delete")
        grown: set[str] = set()
        for fk in FOREIGN_KEYS:
            if fk.parent not in frontier:
                continue
            if policy[fk]:
                if conn.execute(_cascade(fk)).rowcount:
                    grown.add(fk.table)
            else:
                conn.execute(_set_null(fk))
        if "dispatch_instruction" in frontier:
            for column in _JAW_COLUMNS:
                if conn.execute(_owned_jaws(column)).rowcount:
                    grown.add("dispatch_jaw")
        frontier = grown
    conn.execute(
        "DELETE FROM m_set_null AS n USING m_delete AS d"
        " WHERE d.source_table = n.source_table AND d.legacy_id = n.legacy_id"
    )


def _cascade(fk: ForeignKey) -> sql.Composed:
    return sql.SQL(
        "INSERT INTO m_delete (source_table, legacy_id, note)"
        " SELECT {table}, id, {note} FROM ({children}) AS c ON CONFLICT DO NOTHING"
    ).format(
        table=sql.Literal(fk.table),
        note=sql.Literal(f"deleted_with:{fk.parent}"),
        children=_children(fk),
    )


def _set_null(fk: ForeignKey) -> sql.Composed:
    return sql.SQL(
        "INSERT INTO m_set_null (source_table, legacy_id, column_name)"
        " SELECT {table}, id, {column} FROM ({children}) AS c ON CONFLICT DO NOTHING"
    ).format(table=sql.Literal(fk.table), column=sql.Literal(fk.column), children=_children(fk))


def _owned_jaws(column: str) -> sql.Composed:
    """The jaws a deleted order points at (no other row points at a jaw)."""
    return sql.SQL(
        "INSERT INTO m_delete (source_table, legacy_id, note)"
        " SELECT 'dispatch_jaw', i.{column}, 'deleted_with:dispatch_instruction'"
        " FROM dispatch_instruction AS i JOIN m_delete AS d"
        " ON d.source_table = 'dispatch_instruction' AND d.legacy_id = i.id"
        " WHERE i.{column} IN (SELECT id FROM dispatch_jaw)"
        " ON CONFLICT DO NOTHING"
    ).format(column=sql.Identifier(column))


def _apply(conn: psycopg.Connection) -> None:
    """Keep the images, null the references, delete the rows, log both, forget the deleted
    rows' pathologies."""
    for (table,) in conn.execute(
        "SELECT DISTINCT source_table FROM m_delete UNION"
        " SELECT DISTINCT source_table FROM m_set_null ORDER BY 1"
    ).fetchall():
        name = sql.Literal(table)
        ident = sql.Identifier(table)
        conn.execute(
            sql.SQL(
                "INSERT INTO m_before (source_table, legacy_id, image)"
                " SELECT {name}, t.id, to_jsonb(t) FROM {table} AS t"
                " WHERE t.id IN (SELECT legacy_id FROM m_delete WHERE source_table = {name}"
                " UNION SELECT legacy_id FROM m_set_null WHERE source_table = {name})"
                " ON CONFLICT DO NOTHING"
            ).format(name=name, table=ident)
        )
        for (column,) in conn.execute(
            "SELECT DISTINCT column_name FROM m_set_null WHERE source_table = %s ORDER BY 1",
            (table,),
        ).fetchall():
            conn.execute(
                sql.SQL(
                    "WITH nulled AS (UPDATE {table} AS t SET {column} = NULL"
                    " FROM m_set_null AS n WHERE n.source_table = {name}"
                    " AND n.column_name = {column_name} AND n.legacy_id = t.id RETURNING t.id)"
                    " INSERT INTO m_event (source_table, legacy_id, kind, note)"
                    " SELECT {name}, id, 'update', {note} FROM nulled"
                ).format(
                    table=ident,
                    column=sql.Identifier(column),
                    name=name,
                    column_name=sql.Literal(column),
                    note=sql.Literal(f"set_null:{column}"),
                )
            )
        conn.execute(
            sql.SQL(
                "WITH gone AS (DELETE FROM {table} AS t USING m_delete AS d"
                " WHERE d.source_table = {name} AND d.legacy_id = t.id RETURNING t.id, d.note)"
                " INSERT INTO m_event (source_table, legacy_id, kind, note)"
                " SELECT {name}, id, 'delete', note FROM gone"
            ).format(table=ident, name=name)
        )
    conn.execute(
        "DELETE FROM synthetic.pathology AS p USING m_delete AS d"
        " WHERE p.source_table = d.source_table AND p.legacy_id = d.legacy_id"
    )
