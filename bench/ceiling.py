"""The ceiling: every legacy table ferry reads, copied as is into a bare table of the target.

`COPY (SELECT * FROM t) TO STDOUT` streamed into `COPY ... FROM STDIN` of a same-shaped table
without index or constraint: no transform, no mapping, no checkpoint. Nothing moves faster
between two databases of one server, so ferry's speed is stated as a fraction of it.
"""

from __future__ import annotations

import time

import psycopg
from psycopg import sql


def same_shape_ddl(source: psycopg.Connection, table: str) -> sql.Composed:
    columns = source.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a"
        " WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY a.attnum",
        (table,),
    ).fetchall()
    return sql.SQL("CREATE TABLE ceiling.{} ({})").format(
        sql.Identifier(table),
        sql.SQL(", ").join(
            sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind)) for name, kind in columns
        ),
    )


def copy_everything(source_url: str, target_url: str, tables: list[str]) -> tuple[int, float]:
    """Rows copied and seconds spent (table creation excluded)."""
    rows = 0
    seconds = 0.0
    with psycopg.connect(source_url) as source, psycopg.connect(target_url) as target:
        target.execute("DROP SCHEMA IF EXISTS ceiling CASCADE")
        target.execute("CREATE SCHEMA ceiling")
        for table in tables:
            target.execute(same_shape_ddl(source, table))
        target.commit()
        for table in tables:
            started = time.perf_counter()
            out = sql.SQL("COPY (SELECT * FROM {}) TO STDOUT").format(sql.Identifier(table))
            into = sql.SQL("COPY ceiling.{} FROM STDIN").format(sql.Identifier(table))
            with (
                source.cursor().copy(out) as reading,
                target.cursor().copy(into) as writing,
            ):
                for block in reading:
                    writing.write(block)
            target.commit()
            seconds += time.perf_counter() - started
            rows += target.execute(
                sql.SQL("SELECT count(*) FROM ceiling.{}").format(sql.Identifier(table))
            ).fetchone()[0]
        target.execute("DROP SCHEMA ceiling CASCADE")
        target.commit()
    return rows, seconds
