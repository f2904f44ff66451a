"""Playing a period of the legacy application's life on a generated legacy database.

The lab keeps working while it is migrated, so a differential sync must carry over what
changed since the first migration. `mutate` makes one period (a quarter) of that life happen,
deterministically for a seed: new rows at the growth rates of the reference, made by the
generator's own statements and carrying its pathologies (period.py); edits of existing rows,
with and without updated_at (changes.py); deletions that follow the legacy references
(removals.py); and parents that arrive late for rows that pointed at them, the case a sync
must heal. Everything is recorded in schema `synthetic` (mutation_log.py) and the ground truth
is recomputed, so a test can tell exactly what a sync owes.

A seed plays one period: playing the same seed again is refused (it would be a different
period of the same name), so ids keep growing from period to period.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg
from psycopg import sql

from ferry.brius.legacy.changes import apply_changes
from ferry.brius.legacy.ground_truth import compute_ground_truth
from ferry.brius.legacy.mutation_log import (
    counts,
    heal,
    log_inserts,
    stamp_updated_at,
    write_mutations,
    write_outcome_changes,
)
from ferry.brius.legacy.period import (
    PERIOD_DAYS,
    Watermark,
    arrival_params,
    period_params,
    period_start,
    read_watermarks,
)
from ferry.brius.legacy.removals import remove_rows
from ferry.brius.legacy.schema import commit_if_open, sql_text
from ferry.brius.legacy.seeded import create_seeded_functions
from ferry.errors import StateError, UsageError

# The period's own plan (mut_*), then the generator's shared statements that write the rows
# and inject the pathologies of whatever is planned.
MUTATION_STEPS: tuple[str, ...] = (
    "mut_01_users.sql",
    "gen_02a_user_rows.sql",
    "gen_02b_user_pathologies.sql",
    "mut_02_patients.sql",
    "gen_04a_patient_rows.sql",
    "gen_04b_patient_pathologies.sql",
    "mut_03_instructions.sql",
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
)

# Late parents: planned by mut_04, written by the same statements, no pathology injected.
ARRIVAL_STEPS: tuple[str, ...] = (
    "mut_04_arrivals.sql",
    "gen_05a_instruction_blocks.sql",
    "gen_05b_instruction_rows.sql",
)

# Pathologies that describe a shape of the data as a whole, recomputed after every period.
_STRUCTURAL = ("many_plans", "several_offices")


@dataclass(frozen=True)
class MutationReport:
    """What one period did: rows per legacy table and kind, healed references, wall time."""

    period: int
    seed: int
    starts_at: datetime
    ends_at: datetime
    seconds: float
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    healed: int = 0
    outcome_changes: int = 0

    @property
    def totals(self) -> dict[str, int]:
        kinds = ("insert", "update", "delete")
        return {k: sum(table.get(k, 0) for table in self.counts.values()) for k in kinds}


@dataclass(frozen=True)
class _Generation:
    seed: int
    scale: float
    params: dict[str, float]


def mutate(
    conn: psycopg.Connection, *, seed: int | None = None, scale: float | None = None
) -> MutationReport:
    """Play the next period of the legacy data's life with `seed` (None: one more than the
    highest seed played, 1 for the first period), record it, recompute the ground truth;
    refuses a seed already played and a scale other than the generation's."""
    clock = time.perf_counter()
    applied_at = datetime.now(UTC)
    with conn.transaction():
        conn.execute("SET LOCAL jit = off")
        conn.execute(sql_text("mutation_schema.sql"))  # databases installed before it existed
        conn.execute("LOCK TABLE synthetic.period IN SHARE ROW EXCLUSIVE MODE")
        generation = _generation(conn, scale)
        if seed is None:
            seed = conn.execute(
                "SELECT coalesce(max(seed), 0) + 1 FROM synthetic.period"
            ).fetchone()[0]
        period = _next_period(conn, seed)
        marks = read_watermarks(conn)
        start = period_start(conn)
        conn.execute(sql_text("mut_00_scratch.sql"))

        params = period_params(generation.params, marks, period=period, start=start)
        create_seeded_functions(conn, seed, params)
        for step in MUTATION_STEPS:
            conn.execute(sql_text(step))
        create_seeded_functions(conn, seed, arrival_params(params, read_watermarks(conn)))
        conn.execute("DROP TABLE s_instr, s_instr_base")
        for step in ARRIVAL_STEPS:
            conn.execute(sql_text(step))

        log_inserts(conn, marks)
        apply_changes(conn)
        remove_rows(conn)
        stamp_updated_at(conn)
        conn.execute("DELETE FROM synthetic.pathology WHERE class = ANY(%s)", (list(_STRUCTURAL),))
        conn.execute(sql_text("gen_10_structure.sql"))
        healed = heal(conn)
        _advance_sequences(conn, marks)

        conn.execute(
            "TRUNCATE synthetic.expected_outcome, synthetic.expected_fix,"
            " synthetic.expected_total, synthetic.candidate"
        )
        compute_ground_truth(conn)
        write_mutations(conn, period=period, seed=seed)
        changed = write_outcome_changes(conn, period=period)
        create_seeded_functions(conn, generation.seed, generation.params)

        done = counts(conn, period=period)
        seconds = round(time.perf_counter() - clock, 3)
        end = start + timedelta(days=PERIOD_DAYS)
        conn.execute(
            "INSERT INTO synthetic.period (period, seed, starts_at, ends_at, applied_at, seconds,"
            " watermarks, counts) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            (
                period, seed, start, end, applied_at, seconds,
                json.dumps({t: m.as_json() for t, m in marks.items()}), json.dumps(done),
            ),
        )  # fmt: skip
    commit_if_open(conn)
    return MutationReport(period, seed, start, end, seconds, done, healed, changed)


def _generation(conn: psycopg.Connection, scale: float | None) -> _Generation:
    """The generation the data comes from; the scale asked for must be its own."""
    rows = conn.execute("SELECT seed, scale, volumes FROM synthetic.generation").fetchall()
    if len(rows) != 1:
        raise StateError(
            "The legacy database holds no generated data: run `ferry legacy generate` first."
        )
    seed, generated_scale, volumes = rows[0]
    if scale is not None and abs(scale - generated_scale) > 1e-9:
        raise UsageError(
            f"The legacy data was generated at scale {generated_scale:g}: mutate it at that"
            " scale or leave --scale out."
        )
    return _Generation(seed, generated_scale, {k: float(v) for k, v in volumes.items()})


def _next_period(conn: psycopg.Connection, seed: int) -> int:
    played = conn.execute("SELECT period FROM synthetic.period WHERE seed = %s", (seed,)).fetchone()
    if played:
        raise UsageError(
            f"Seed {seed} was already played as period {played[0]}: choose another seed to play"
            " the next period."
        )
    return conn.execute("SELECT coalesce(max(period), 0) + 1 FROM synthetic.period").fetchone()[0]


def _advance_sequences(conn: psycopg.Connection, marks: dict[str, Watermark]) -> None:
    """Point every serial past the largest id, never back: Django does not reuse a deleted id."""
    for table, mark in marks.items():
        conn.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({name}, 'id'), last_id)"
                " FROM (SELECT greatest((SELECT coalesce(max(id), 0) FROM {table}), {serial}))"
                " AS x(last_id) WHERE last_id > 0"
            ).format(
                name=sql.Literal(table),
                table=sql.Identifier(table),
                serial=sql.Literal(mark.serial),
            )
        )
