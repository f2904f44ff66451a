"""What a period did, written down: synthetic.mutation, synthetic.outcome_change, and the
pathologies a period heals (a parent that arrives) or shares (updated_at values).

During the period every statement logs events in m_event and keeps before-images in
m_before (sql/mut_00_scratch.sql); here they become one net row per legacy row, whose
changed columns come from comparing images, not from what the statements meant to change, so
that synthetic.mutation describes the data exactly.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from ferry.brius.legacy.foreign_keys import FOREIGN_KEYS, record_orphans
from ferry.brius.legacy.period import TABLES_WITH_UPDATED_AT, Watermark

# Rows of a table with updated_at that a period updates together and stamp with one value: a
# bulk edit. A sync paging by updated_at whose page ends inside the group must not lose the rest.
SHARED_UPDATED_AT: dict[str, int] = {"dispatch_instruction": 8, "dispatch_patient": 4}


def log_inserts(conn: psycopg.Connection, marks: dict[str, Watermark]) -> None:
    """An insert event for every row above the table's largest id before the period, and for
    the accounts that came back with an older id (m_arrival_user)."""
    for table, mark in marks.items():
        conn.execute(
            sql.SQL(
                "INSERT INTO m_event (source_table, legacy_id, kind, note)"
                " SELECT {name}, id, 'insert', 'new' FROM {table} WHERE id > {floor} ORDER BY id"
            ).format(
                name=sql.Literal(table), table=sql.Identifier(table), floor=sql.Literal(mark.max_id)
            )
        )
    conn.execute(
        "INSERT INTO m_event (source_table, legacy_id, kind, note)"
        " SELECT 'auth_user', a.id, 'insert', 'new' FROM m_arrival_user AS a"
        " WHERE NOT EXISTS (SELECT 1 FROM m_event AS e WHERE e.source_table = 'auth_user'"
        " AND e.legacy_id = a.id) ORDER BY a.id"
    )
    conn.execute("ANALYZE m_event")


def stamp_updated_at(conn: psycopg.Connection) -> None:
    """Give every row a period updated (and did not delete) in a table with updated_at a new
    one within the period, as Django's auto_now does; a group of them share one value."""
    for table in TABLES_WITH_UPDATED_AT:
        group = SHARED_UPDATED_AT.get(table, 0)
        conn.execute(
            sql.SQL(
                """
                WITH updated AS (
                    SELECT DISTINCT e.legacy_id AS id FROM m_event AS e
                    WHERE e.source_table = {name} AND e.kind = 'update'
                      AND NOT EXISTS (SELECT 1 FROM m_event AS i
                                      WHERE i.source_table = {name} AND i.legacy_id = e.legacy_id
                                        AND i.kind IN ('insert', 'delete'))
                ), ranked AS (
                    SELECT id, row_number() OVER (ORDER BY synthetic.r('mutate.shared', id), id)
                               AS rn
                    FROM updated
                ), stamped AS (
                    UPDATE {table} AS t
                    SET updated_at = CASE WHEN r.rn <= {group}
                                          THEN date_trunc('second', synthetic.period_at(0.5))
                                          ELSE synthetic.period_at(
                                                   synthetic.r('mutate.updated_at', t.id)) END
                    FROM ranked AS r WHERE t.id = r.id
                    RETURNING t.id, r.rn <= {group} AS shared
                )
                INSERT INTO m_event (source_table, legacy_id, kind, note)
                SELECT {name}, id, 'update', 'shared_updated_at' FROM stamped
                WHERE shared ORDER BY id
                """
            ).format(name=sql.Literal(table), table=sql.Identifier(table), group=sql.Literal(group))
        )


def heal(conn: psycopg.Connection) -> int:
    """Rescan the orphans; those of before the period whose row still exists and whose parent
    now does are recorded as pathology 'parent_arrived' (detail: the column), and the rows
    that arrived get the note 'parent_arrives'. Returns how many references healed."""
    conn.execute("DELETE FROM synthetic.pathology WHERE class = 'orphan'")
    record_orphans(conn)
    conn.execute(
        "CREATE TEMP TABLE m_healed ON COMMIT DROP AS"
        " SELECT o.source_table, o.legacy_id, o.detail FROM m_orphan_before AS o"
        " WHERE NOT EXISTS (SELECT 1 FROM synthetic.pathology AS p WHERE p.class = 'orphan'"
        "   AND p.source_table = o.source_table AND p.legacy_id = o.legacy_id"
        "   AND p.detail = o.detail)"
        " AND NOT EXISTS (SELECT 1 FROM m_delete AS d"
        "   WHERE d.source_table = o.source_table AND d.legacy_id = o.legacy_id)"
    )
    healed = conn.execute(
        "INSERT INTO synthetic.pathology (source_table, legacy_id, class, detail)"
        " SELECT source_table, legacy_id, 'parent_arrived', detail FROM m_healed"
        " ON CONFLICT DO NOTHING"
    ).rowcount
    columns = set(conn.execute("SELECT DISTINCT source_table, detail FROM m_healed").fetchall())
    for fk in FOREIGN_KEYS:
        if (fk.table, fk.column) not in columns:
            continue
        conn.execute(
            sql.SQL(
                "UPDATE m_event AS e SET note = 'parent_arrives'"
                " WHERE e.kind = 'insert' AND e.source_table = {parent} AND e.legacy_id IN ("
                "  SELECT t.{column} FROM {table} AS t JOIN m_healed AS h"
                "  ON h.source_table = {table_name} AND h.detail = {column_name}"
                "  AND h.legacy_id = t.id{narrowed})"
            ).format(
                parent=sql.Literal(fk.parent),
                column=sql.Identifier(fk.column),
                table=sql.Identifier(fk.table),
                table_name=sql.Literal(fk.table),
                column_name=sql.Literal(fk.column),
                narrowed=fk.narrowing(),
            )
        )
    return healed


def write_mutations(conn: psycopg.Connection, *, period: int, seed: int) -> None:
    """One synthetic.mutation row per legacy row, its net effect over the period."""
    conn.execute(
        """
        CREATE TEMP TABLE m_net ON COMMIT DROP AS
        WITH rows AS (
            SELECT source_table, legacy_id,
                   CASE WHEN bool_or(kind = 'insert') THEN 'insert'
                        WHEN bool_or(kind = 'delete') THEN 'delete' ELSE 'update' END AS kind,
                   bool_or(kind = 'insert') AND bool_or(kind = 'delete') AS vanished
            FROM m_event GROUP BY source_table, legacy_id
        ), notes AS (
            SELECT e.source_table, e.legacy_id, e.note, min(e.ord) AS first
            FROM m_event AS e
            JOIN rows AS r ON r.source_table = e.source_table AND r.legacy_id = e.legacy_id
            WHERE e.kind = r.kind OR r.kind = 'update'
            GROUP BY e.source_table, e.legacy_id, e.note
        )
        SELECT r.source_table, r.legacy_id, r.kind, r.vanished,
               string_agg(n.note, '; ' ORDER BY n.first, n.note) AS note
        FROM rows AS r
        JOIN notes AS n ON n.source_table = r.source_table AND n.legacy_id = r.legacy_id
        GROUP BY r.source_table, r.legacy_id, r.kind, r.vanished
        """
    )
    conn.execute(
        "CREATE TEMP TABLE m_diff (source_table text, legacy_id integer, changed text[],"
        " before jsonb, PRIMARY KEY (source_table, legacy_id)) ON COMMIT DROP"
    )
    for (table,) in conn.execute(
        "SELECT DISTINCT source_table FROM m_net WHERE kind = 'update' ORDER BY 1"
    ).fetchall():
        conn.execute(
            sql.SQL(
                """
                INSERT INTO m_diff (source_table, legacy_id, changed, before)
                SELECT b.source_table, b.legacy_id, array_agg(k.key ORDER BY k.key),
                       jsonb_object_agg(k.key, k.value)
                FROM m_before AS b
                JOIN m_net AS n ON n.source_table = b.source_table AND n.legacy_id = b.legacy_id
                                AND n.kind = 'update'
                JOIN {table} AS t ON t.id = b.legacy_id
                CROSS JOIN LATERAL jsonb_each(b.image) AS k(key, value)
                WHERE b.source_table = {name} AND (to_jsonb(t) -> k.key) IS DISTINCT FROM k.value
                GROUP BY b.source_table, b.legacy_id
                """
            ).format(table=sql.Identifier(table), name=sql.Literal(table))
        )
    conn.execute(
        """
        INSERT INTO synthetic.mutation (period, seed, source_table, legacy_id, kind,
                                        changed_columns, note, before)
        SELECT %(period)s, %(seed)s, n.source_table, n.legacy_id, n.kind,
               coalesce(d.changed, '{}'), n.note,
               CASE n.kind WHEN 'update' THEN d.before WHEN 'delete' THEN b.image END
        FROM m_net AS n
        LEFT JOIN m_diff AS d ON d.source_table = n.source_table AND d.legacy_id = n.legacy_id
        LEFT JOIN m_before AS b ON b.source_table = n.source_table AND b.legacy_id = n.legacy_id
        WHERE NOT n.vanished AND (n.kind <> 'update' OR d.changed IS NOT NULL)
        """,
        {"period": period, "seed": seed},
    )


def write_outcome_changes(conn: psycopg.Connection, *, period: int) -> int:
    """Owed outcomes that changed for rows that lived through the period (the ground truth
    has been recomputed); returns how many."""
    return conn.execute(
        """
        INSERT INTO synthetic.outcome_change
            (period, entity, source_table, legacy_id, before, after)
        SELECT %(period)s, coalesce(a.entity, b.entity), coalesce(a.source_table, b.source_table),
               coalesce(a.legacy_id, b.legacy_id), b.owed, a.owed
        FROM m_owed_before AS b
        FULL JOIN synthetic.owed AS a
          ON a.entity = b.entity AND a.source_table = b.source_table AND a.legacy_id = b.legacy_id
        WHERE b.owed IS DISTINCT FROM a.owed
          AND NOT EXISTS (SELECT 1 FROM synthetic.mutation AS m
                          WHERE m.period = %(period)s AND m.kind IN ('insert', 'delete')
                            AND m.source_table = coalesce(a.source_table, b.source_table)
                            AND m.legacy_id = coalesce(a.legacy_id, b.legacy_id))
        """,
        {"period": period},
    ).rowcount


def counts(conn: psycopg.Connection, *, period: int) -> dict[str, dict[str, int]]:
    """Rows inserted, updated and deleted per legacy table by one period."""
    result: dict[str, dict[str, int]] = {}
    for table, kind, rows in conn.execute(
        "SELECT source_table, kind, count(*) FROM synthetic.mutation WHERE period = %s"
        " GROUP BY 1, 2 ORDER BY 1, 2",
        (period,),
    ):
        result.setdefault(table, {"insert": 0, "update": 0, "delete": 0})[kind] = rows
    return result
