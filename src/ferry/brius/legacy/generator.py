"""Filling the legacy database with a deterministic synthetic lab, pathologies included.

Everything is set-based SQL run on the server (INSERT ... SELECT over generate_series), in one
transaction: the tables are emptied, refilled, indexed and analysed, then the ground truth is
computed from the data. Randomness is a hash of (seed, label, row id) — never random() — so
the same seed and scale give the same rows whatever plan or parallelism the server picks.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import psycopg
from psycopg import sql

from ferry.brius.legacy.foreign_keys import record_orphans
from ferry.brius.legacy.ground_truth import compute_ground_truth
from ferry.brius.legacy.schema import LEGACY_TABLES, commit_if_open, sql_text
from ferry.brius.legacy.seeded import create_seeded_functions
from ferry.brius.legacy.volumes import Volumes

# Files named gen_NN plan what generation alone makes (the whole lab); gen_NNa/b/c and
# gen_06/07/08/09 write rows and inject pathologies for whatever is planned, and are shared with
# `mutation.py`, which plans a period instead (see seeded.py for the floors that keep them apart).
GENERATION_STEPS: tuple[str, ...] = (
    "gen_01_catalogue.sql",
    "gen_02_users.sql",
    "gen_02a_user_rows.sql",
    "gen_02b_user_pathologies.sql",
    "gen_03_offices.sql",
    "gen_04_patients.sql",
    "gen_04a_patient_rows.sql",
    "gen_04b_patient_pathologies.sql",
    "gen_05_instructions.sql",
    "gen_05a_instruction_blocks.sql",
    "gen_05b_instruction_rows.sql",
    "gen_05c_instruction_pathologies.sql",
    "gen_06_planning.sql",
    "gen_06b_planning_pathologies.sql",
    "gen_07_work.sql",
    "gen_07b_work_pathologies.sql",
    "gen_08_files.sql",
    "gen_08b_file_pathologies.sql",
    "gen_09_money.sql",
    "gen_09b_payment_pathologies.sql",
    "gen_09c_offers.sql",
    "gen_10_structure.sql",
    "gen_11_access.sql",
    "gen_12_notifications.sql",
    "gen_13_operations.sql",
    "gen_14_unused.sql",
)

_GROUND_TRUTH_TABLES = (
    "synthetic.pathology",
    "synthetic.expected_outcome",
    "synthetic.expected_fix",
    "synthetic.expected_total",
    "synthetic.candidate",
    "synthetic.generation",
    "synthetic.period",
    "synthetic.mutation",
    "synthetic.outcome_change",
)


@dataclass(frozen=True)
class GenerationReport:
    """What one generation made: rows per legacy table, ground-truth sizes, wall time."""

    seed: int
    scale: float
    seconds: float
    row_counts: dict[str, int] = field(default_factory=dict)
    pathologies: int = 0
    expected_outcomes: int = 0

    @property
    def total_rows(self) -> int:
        return sum(self.row_counts.values())


def generate(conn: psycopg.Connection, *, scale: float, seed: int) -> GenerationReport:
    """Empty and refill every legacy table and the ground truth; same seed and scale, same rows."""
    volumes = Volumes.at(scale)
    params = volumes.params()
    started_at = datetime.now(UTC)
    clock = time.perf_counter()
    with conn.transaction():
        # Plans are costed before the scratch tables have statistics; JIT compilation would
        # then cost more than the queries it compiles.
        conn.execute("SET LOCAL jit = off")
        # Millions of rows are ranked, hashed and indexed in one transaction: sorts and hashes
        # that fit in memory instead of spilling to disk (the defaults are sized for OLTP).
        conn.execute("SET LOCAL work_mem = '256MB'")
        conn.execute("SET LOCAL maintenance_work_mem = '1GB'")
        create_seeded_functions(conn, seed, params)
        _empty(conn)
        for step in GENERATION_STEPS:
            conn.execute(sql_text(step))
        record_orphans(conn)
        conn.execute(sql_text("indexes.sql"))
        _reset_sequences(conn)
        conn.execute("ANALYZE")
        compute_ground_truth(conn)
        row_counts = _row_counts(conn)
        seconds = round(time.perf_counter() - clock, 3)
        conn.execute(
            "INSERT INTO synthetic.generation"
            " (seed, scale, started_at, seconds, volumes, row_counts)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            (seed, scale, started_at, seconds, json.dumps(params), json.dumps(row_counts)),
        )
        sizes = conn.execute(
            "SELECT (SELECT count(*) FROM synthetic.pathology),"
            " (SELECT count(*) FROM synthetic.expected_outcome)"
        ).fetchone()
    commit_if_open(conn)
    return GenerationReport(
        seed=seed,
        scale=scale,
        seconds=seconds,
        row_counts=row_counts,
        pathologies=sizes[0],
        expected_outcomes=sizes[1],
    )


def _empty(conn: psycopg.Connection) -> None:
    """Truncate every table and drop the foreign-key indexes, rebuilt once after the load."""
    tables = sql.SQL(", ").join(sql.Identifier(t) for t in LEGACY_TABLES)
    conn.execute(sql.SQL("TRUNCATE {} RESTART IDENTITY").format(tables))
    conn.execute(
        sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.SQL, _GROUND_TRUTH_TABLES)))
    )
    indexes = conn.execute(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        " AND tablename = ANY(%s) AND indexname LIKE '%%\\_idx'",
        (list(LEGACY_TABLES),),
    ).fetchall()
    for (name,) in indexes:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))


def _reset_sequences(conn: psycopg.Connection) -> None:
    """Point every serial past the largest id, so rows added later (sync tests) get new ids."""
    for table in LEGACY_TABLES:
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({name}, 'id'), coalesce(max(id), 1),"
                " max(id) IS NOT NULL) FROM {table}"
            ).format(name=sql.Literal(table), table=sql.Identifier(table))
        )


def _row_counts(conn: psycopg.Connection) -> dict[str, int]:
    query = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {name}, count(*) FROM {table}").format(
            name=sql.Literal(t), table=sql.Identifier(t)
        )
        for t in LEGACY_TABLES
    )
    return {name: count for name, count in conn.execute(query).fetchall()}
