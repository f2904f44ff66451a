"""What a period of the legacy application's life is: how long, how much it grows, and the
knobs its statements run with.

A period is a quarter (91 days) that starts the day after the latest time the legacy data
holds, so that everything it writes is later than everything a first migration could have
seen. Its new rows take the ids a Django serial would give next (after the sequence, never
reusing an id), and the active tables grow by the quarterly rates REFERENCE 5.2 and 6.1 report
(orders +7.5%, files +11%, comments +8%, states +17% ...). New rows are made by the
generator's own statements (seeded.py explains the floors), with the generator's pathology
rates but without its minimums: a period's rows are exactly as sick as the lab's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg
from psycopg import sql

from ferry.brius.legacy.schema import LEGACY_TABLES
from ferry.brius.legacy.volumes import RATES, Rate

PERIOD_DAYS = 91


@dataclass(frozen=True)
class Growth:
    """A volume that grows by `rate` x its rows before the period (at least one row)."""

    table: str
    rate: float

    def rows(self, before: int) -> int:
        return max(1, round(self.rate * before))


# Quarterly growth of the active tables (REFERENCE 5.2 "Growth over time", 6.1, 8): orders
# 23,272 -> 25,012 (+7.5%), files +11%, comments +8%, states +17%, patients 7,854 -> 8,488,
# payments 16,014 -> 17,235, projects 66,918 -> 72,155, brackets 1,569 -> 1,720; tasks and
# records are given +10% and +9% (their reported figures mix sources), notes +7%.
GROWTH: dict[str, Growth] = {
    "patients": Growth("dispatch_patient", 0.08),
    "instructions": Growth("dispatch_instruction", 0.075),
    "projects": Growth("dispatch_project", 0.078),
    "plans": Growth("dispatch_plan", 0.075),
    "comments": Growth("dispatch_comment", 0.08),
    "notes": Growth("dispatch_note", 0.07),
    "brackets": Growth("dispatch_bracket", 0.09),
    "states": Growth("dispatch_state", 0.17),
    "tasks": Growth("dispatch_task", 0.10),
    "files": Growth("dispatch_file", 0.11),
    "records": Growth("dispatch_record", 0.09),
    "payments": Growth("dispatch_payment", 0.076),
}

# Volumes that follow the ones above (one account per new patient, the jaws and dispatch_order
# rows of new orders, attachments of new files, group rows of new users): they only need to
# know where their ids start.
FOLLOWERS: dict[str, str] = {
    "user_ids": "auth_user",
    "user_groups": "auth_user_groups",
    "usersettings": "dispatch_usersetting",
    "doctorsettings": "dispatch_doctorsetting",
    "jaws": "dispatch_jaw",
    "orders": "dispatch_order",
    "attachments": "dispatch_record_attachments",
}

# Rows that come back with an id other rows already held (share of the candidates, minimum):
# instructions tasks pointed at before the period, accounts of patients whose user was gone,
# accounts of authors and actors.
ARRIVALS: dict[str, Rate] = {
    "arrive_instructions": Rate(0.05, 2),
    "arrive_patient_users": Rate(0.1, 1),
    "arrive_users": Rate(0.02, 1),
}

TABLES_WITH_UPDATED_AT: tuple[str, ...] = (
    "dispatch_agent",
    "dispatch_instruction",
    "dispatch_patient",
)


@dataclass(frozen=True)
class Watermark:
    """A legacy table just before the period: what a first migration taken then would see."""

    rows: int
    max_id: int
    serial: int  # the last id the table's sequence handed out (never below max_id)
    max_updated_at: datetime | None

    def as_json(self) -> dict[str, object]:
        stamp = self.max_updated_at.isoformat() if self.max_updated_at else None
        return {"rows": self.rows, "max_id": self.max_id, "max_updated_at": stamp}


def read_watermarks(conn: psycopg.Connection) -> dict[str, Watermark]:
    """Rows, largest id, sequence position and latest updated_at of every legacy table."""
    tables = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "SELECT {name}, count(*), coalesce(max(id), 0), {stamp}::timestamptz,"
            " pg_get_serial_sequence({name}, 'id') FROM {table}"
        ).format(
            name=sql.Literal(table),
            table=sql.Identifier(table),
            stamp=sql.SQL("max(updated_at)" if table in TABLES_WITH_UPDATED_AT else "NULL"),
        )
        for table in LEGACY_TABLES
    )
    rows = conn.execute(
        sql.SQL(
            "SELECT t.name, t.rows, t.max_id, t.stamp, coalesce(s.last_value, 0)"
            " FROM ({tables}) AS t(name, rows, max_id, stamp, sequence)"
            " LEFT JOIN pg_sequences AS s"
            " ON format('%I.%I', s.schemaname, s.sequencename)::regclass = t.sequence::regclass"
        ).format(tables=tables)
    ).fetchall()
    return {
        name: Watermark(count, max_id, max(max_id, last), stamp)
        for name, count, max_id, stamp, last in rows
    }


def period_start(conn: psycopg.Connection) -> datetime:
    """The day after the latest timestamp any legacy table holds."""
    columns = conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ANY(%s)"
        " AND data_type = 'timestamp with time zone' ORDER BY table_name, column_name",
        (list(LEGACY_TABLES),),
    ).fetchall()
    latest = sql.SQL("SELECT max(v) FROM ({}) AS x(v)").format(
        sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT max({c}) FROM {t}").format(c=sql.Identifier(c), t=sql.Identifier(t))
            for t, c in columns
        )
    )
    return conn.execute(
        sql.SQL("SELECT date_trunc('day', ({}), 'UTC') + interval '1 day'").format(latest)
    ).fetchone()[0]


def period_params(
    generation: dict[str, float],
    marks: dict[str, Watermark],
    *,
    period: int,
    start: datetime,
) -> dict[str, float]:
    """The knobs of a period's new rows: each grown volume gets `floor` (its serial) and `n`
    (floor + its growth); pathology minimums drop to 0; the period's span and clock."""
    params = dict(generation)
    for knob in RATES:
        params[f"min.{knob}"] = 0
    for name, growth in GROWTH.items():
        mark = marks[growth.table]
        params[f"floor.{name}"] = mark.serial
        params[f"n.{name}"] = mark.serial + growth.rows(mark.rows)
    for name, table in FOLLOWERS.items():
        params[f"floor.{name}"] = marks[table].serial
    params["n.user_ids"] = (
        params["floor.user_ids"] + params["n.patients"] - params["floor.patients"]
    )
    for knob, rate in ARRIVALS.items():
        params[f"rate.{knob}"] = rate.rate
        params[f"min.{knob}"] = rate.minimum
    end = start + timedelta(days=PERIOD_DAYS)
    params["period"] = period
    params["period.start"] = start.timestamp()
    params["period.end"] = end.timestamp()
    params["clock"] = end.timestamp()
    return params


def arrival_params(params: dict[str, float], marks: dict[str, Watermark]) -> dict[str, float]:
    """The knobs of the arrival pass: every volume's floor at its current serial and nothing
    to grow, so the shared statements make the arriving instructions and their jaws only."""
    again = dict(params)
    for name, growth in GROWTH.items():
        again[f"floor.{name}"] = again[f"n.{name}"] = marks[growth.table].serial
    for name, table in FOLLOWERS.items():
        again[f"floor.{name}"] = marks[table].serial
    again["n.user_ids"] = again["floor.user_ids"]
    return again
