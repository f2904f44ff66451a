"""The edits the legacy application makes to existing rows during a period.

Each kind of edit is declared once (table, share of the eligible rows, which rows, what it
sets) and applied by one set-based statement that also keeps the row's image from before the
period (m_before) and logs the event (m_event); mutation_log.py later turns images into the
changed columns. Some edits exist only for a row comparison to see (tables without updated_at:
a task completed, a payment corrected, a file renamed); in tables with updated_at the period
stamps it afterwards, as Django's auto_now would. An edit that creates or cures a pathology
keeps synthetic.pathology in step, so the ground truth can still name every row-level cause.

Only rows that existed before the period and carry no pathology of their own are edited
(unless the edit is the cure of one), so no recorded class goes stale.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg
from psycopg import sql


@dataclass(frozen=True)
class Change:
    """One kind of edit: `assignments` (a SET list over the old row `t`) applied to
    max(minimum, round(rate x eligible rows)) rows picked by a seeded shuffle."""

    name: str
    table: str
    rate: float
    minimum: int
    eligible: str
    assignments: str
    adds: tuple[str, str] | None = None  # pathology (class, detail) the edit introduces
    cures: str | None = None  # pathology class the edit removes


# SQL fragments: `t` is the row before the edit; the random stream of a value is named after
# the edit; `synthetic.param('period')` makes a period's new values differ from older ones.
_U = "synthetic.r('mutate.{}.v', t.id)"
_PATIENT_USER = (
    "EXISTS (SELECT 1 FROM dispatch_patient AS p WHERE p.user_id = t.id)"
    " AND t.id NOT IN (SELECT id FROM synthetic.doctor_candidate)"
)
_PERIOD = "synthetic.param('period')::integer"
# A pool of user ids (s_pool), and another member of it than `now`: one step of 1 to n - 1
# from its place (from the start when it is not a member).
_POOL = "(SELECT ids FROM s_pool WHERE name = '{}')::integer[]"
_OTHER = (
    "(SELECT p.ids[1 + (synthetic.ri('mutate.{name}.v', t.id, cardinality(p.ids) - 1) + 1"
    " + coalesce(array_position(p.ids, {now}), 1) - 1) % cardinality(p.ids)]"
    " FROM s_pool AS p WHERE p.name = '{pool}')"
)


def has_pathology(table: str, pathology: str | None = None, row: str = "t") -> str:
    """SQL: the row `row` of `table` carries a pathology (of class `pathology` if given)."""
    of_class = f" AND x.class = '{pathology}'" if pathology else ""
    return (
        "EXISTS (SELECT 1 FROM synthetic.pathology AS x"
        f" WHERE x.source_table = '{table}' AND x.legacy_id = {row}.id{of_class})"
    )


def no_pathology(table: str, row: str = "t") -> str:
    """SQL: the row carries no pathology of its own (so editing it leaves no class stale)."""
    return "NOT " + has_pathology(table, row=row)


def _picked(pool: str, change: str) -> str:
    """SQL: a value of the named pool, drawn from the change's own random stream."""
    return f"synthetic.pick(synthetic.pool('{pool}'), {_U.format(change)})"


def _phone(exchange: int) -> str:
    """SQL: a phone number new to this period, unique per row of the table."""
    return f"phone = '+1 555 ' || ({exchange} + {_PERIOD}) || ' ' || lpad(t.id::text, 4, '0')"


CHANGES: tuple[Change, ...] = (
    Change(
        "user_renamed", "auth_user", 0.005, 2,
        f"{_PATIENT_USER} AND {no_pathology('auth_user')}",
        "last_name = " + _picked("last_name", "user_renamed") + " || '-' || t.last_name",
    ),
    Change(
        "email_changed", "auth_user", 0.01, 2,
        f"{_PATIENT_USER} AND {no_pathology('auth_user')}",
        f"email = split_part(t.email, '@', 1) || '.' || {_PERIOD} || '@'"
        f" || {_picked('mail_domain', 'email_changed')}",
    ),
    Change(
        "email_made_invalid", "auth_user", 0.001, 2,
        f"{_PATIENT_USER} AND {no_pathology('auth_user')}",
        "email = regexp_replace(t.email, '\\.', ' ')",
        adds=("invalid_email", "inner_space"),
    ),
    Change(
        "email_corrected", "auth_user", 0.2, 1,
        has_pathology("auth_user", "invalid_email"),
        f"email = 'user' || t.id || '.' || {_PERIOD} || '@'"
        f" || {_picked('mail_domain', 'email_corrected')}",
        cures="invalid_email",
    ),
    Change(
        "logged_in", "auth_user", 0.05, 2,
        "t.is_active AND t.last_login IS NOT NULL",
        "last_login = synthetic.period_at(" + _U.format("logged_in") + ")",
    ),
    Change(
        "patient_status_changed", "dispatch_patient", 0.05, 2,
        f"NOT t.archived AND t.status IN (1, 2, 4) AND {no_pathology('dispatch_patient')}",
        "status = CASE t.status WHEN 1 THEN 4 WHEN 4 THEN 2 ELSE 1 END",
    ),
    Change(
        "patient_archived", "dispatch_patient", 0.02, 2,
        f"NOT t.archived AND {no_pathology('dispatch_patient')}",
        "archived = true, status = 10",
        adds=("archived_patient", "archived"),
    ),
    Change(
        "patient_suffix_set", "dispatch_patient", 0.1, 1,
        has_pathology("dispatch_patient", "null_suffix"),
        "suffix = lpad(((t.id * 7) % 100)::text, 2, '0')"
        " || chr(65 + synthetic.ri('mutate.patient_suffix_set.a', t.id, 26))"
        " || chr(65 + synthetic.ri('mutate.patient_suffix_set.b', t.id, 26))",
        cures="null_suffix",
    ),
    Change(
        "patient_transferred", "dispatch_patient", 0.005, 2,
        f"t.doctor_id = ANY({_POOL.format('migrated_doctor')})"
        f" AND {no_pathology('dispatch_patient')}",
        "doctor_id = "
        + _OTHER.format(pool="migrated_doctor", now="t.doctor_id", name="transferred"),
    ),
    Change(
        "order_status_changed", "dispatch_instruction", 0.05, 2,
        f"NOT t.deleted AND t.status IN (0, 1, 2) AND {no_pathology('dispatch_instruction')}",
        "status = CASE t.status WHEN 0 THEN 1 WHEN 1 THEN 2 ELSE 4 END",
    ),
    Change(
        "order_soft_deleted", "dispatch_instruction", 0.002, 2,
        f"NOT t.deleted AND {no_pathology('dispatch_instruction')}",
        "deleted = true",
        adds=("soft_deleted", "deleted"),
    ),
    Change(
        "order_notes_edited", "dispatch_instruction", 0.01, 2,
        f"NOT t.deleted AND {no_pathology('dispatch_instruction')}",
        f"notes = concat_ws(' ', t.notes, {_picked('phrase', 'order_notes_edited')})",
    ),
    Change(
        "task_completed", "dispatch_task", 0.1, 2,
        f"NOT t.checked AND {no_pathology('dispatch_task')}",
        "checked = true, done_at = synthetic.period_at(" + _U.format("task_completed") + ")",
    ),
    Change(
        "task_reassigned", "dispatch_task", 0.002, 2,
        f"t.actor_id IN (SELECT id FROM auth_user) AND {no_pathology('dispatch_task')}",
        "actor_id = " + _OTHER.format(pool="technician", now="t.actor_id", name="reassigned"),
    ),
    Change(
        "payment_corrected", "dispatch_payment", 0.01, 2,
        f"t.paid AND NOT t.canceled AND NOT t.free AND t.subtotal_price > 0"
        f" AND {no_pathology('dispatch_payment')}",
        "subtotal_price = {new}, tax_value = {tax}, total_price = {new} + {tax},"
        " paid_price = {new} + {tax}".format(
            new="(t.subtotal_price + {d})", tax="round((t.subtotal_price + {d}) * t.tax_rate, 2)"
        ).format(d="round((5 + 95 * " + _U.format("payment_corrected") + ")::numeric, 2)"),
    ),
    Change(
        "payment_canceled", "dispatch_payment", 0.002, 2,
        f"t.paid AND NOT t.canceled AND {no_pathology('dispatch_payment')}",
        "canceled = true, paid = false, paid_price = 0",
    ),
    Change(
        "file_renamed", "dispatch_file", 0.005, 2,
        no_pathology("dispatch_file"),
        f"name = regexp_replace(t.name, '(\\.[^.]*)$', '_v' || ({_PERIOD} + 1) || '\\1')",
    ),
    Change(
        "file_double_extension", "dispatch_file", 0.0005, 2,
        no_pathology("dispatch_file"),
        "name = t.name || t.ext",
        adds=("double_extension", "name"),
    ),
    Change(
        "office_phone_changed", "dispatch_office", 0.02, 1,
        "true",
        _phone(300),
    ),
    Change(
        "office_invalidated", "dispatch_office", 0.005, 1,
        f"t.valid AND {no_pathology('dispatch_office')}"
        " AND t.id NOT IN (SELECT detail::integer FROM synthetic.pathology"
        " WHERE class = 'duplicate_office')",
        "valid = false",
        adds=("invalid_office", "valid"),
    ),
    Change(
        "comment_edited", "dispatch_comment", 0.01, 2,
        f"NOT synthetic.blank(t.text) AND {no_pathology('dispatch_comment')}",
        "text = t.text || ' (edited)'",
    ),
    Change(
        "message_blanked", "dispatch_record", 0.001, 2,
        f"t.type <> 7 AND t.target_type_id IN (11, 58) AND NOT synthetic.blank(t.text)"
        f" AND {no_pathology('dispatch_record')}",
        "text = ''",
        adds=("blank_text", "text"),
    ),
    Change(
        "agent_edited", "dispatch_agent", 0.5, 1,
        "true",
        _phone(200),
    ),
)  # fmt: skip


def apply_changes(conn: psycopg.Connection, changes: tuple[Change, ...] = CHANGES) -> None:
    """Apply every declared edit to rows that existed before the period (not new ones)."""
    for change in changes:
        conn.execute(_statement(change))
        if change.adds:
            conn.execute(
                "INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)"
                " SELECT source_table, legacy_id, %s, %s FROM m_event WHERE note = %s"
                " ON CONFLICT DO NOTHING",
                (*change.adds, change.name),
            )
        if change.cures:
            conn.execute(
                "DELETE FROM synthetic.pathology AS p USING m_event AS e"
                " WHERE e.note = %s AND p.source_table = e.source_table"
                " AND p.legacy_id = e.legacy_id AND p.class = %s",
                (change.name, change.cures),
            )


def seeded_choice(
    table: str, name: str, rate: float, minimum: int, eligible: sql.Composable
) -> sql.Composed:
    """CTEs `eligible` (rows of `table` that existed before the period and satisfy `eligible`)
    and `chosen` (max(minimum, round(rate x eligible rows)) of them, by the seeded shuffle of
    stream mutate.`name`), shared by edits and deletions."""
    return sql.SQL(
        """
        eligible AS (
            SELECT t.id FROM {table} AS t
            WHERE NOT EXISTS (SELECT 1 FROM m_event AS e
                              WHERE e.source_table = {table_name} AND e.legacy_id = t.id
                                AND e.kind = 'insert')
              AND ({eligible})
        ), chosen AS (
            SELECT id FROM eligible
            ORDER BY synthetic.r({label}, id), id
            LIMIT greatest({minimum}, round({rate} * (SELECT count(*) FROM eligible)))
        )
        """
    ).format(
        table=sql.Identifier(table),
        table_name=sql.Literal(table),
        eligible=eligible,
        label=sql.Literal(f"mutate.{name}"),
        minimum=sql.Literal(minimum),
        rate=sql.Literal(rate),
    )


def _statement(change: Change) -> sql.Composed:
    """Pick, keep the before image, update and log, in one statement (one snapshot)."""
    return sql.SQL(
        """
        WITH {choice}, kept AS (
            INSERT INTO m_before (source_table, legacy_id, image)
            SELECT {name}, t.id, to_jsonb(t) FROM {table} AS t JOIN chosen AS c ON c.id = t.id
            ON CONFLICT DO NOTHING
        ), changed AS (
            UPDATE {table} AS t SET {assignments}
            FROM chosen AS c WHERE t.id = c.id
            RETURNING t.id
        )
        INSERT INTO m_event (source_table, legacy_id, kind, note)
        SELECT {name}, id, 'update', {note} FROM changed
        """
    ).format(
        choice=seeded_choice(
            change.table, change.name, change.rate, change.minimum, sql.SQL(change.eligible)
        ),
        table=sql.Identifier(change.table),
        name=sql.Literal(change.table),
        assignments=sql.SQL(change.assignments),
        note=sql.Literal(change.name),
    )
