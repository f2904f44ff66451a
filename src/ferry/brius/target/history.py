"""Pre-fill the target with what the lab's earlier TypeScript tools had already migrated.

Before ferry, the lab ran one-off tools that migrated offices, categories, profiles, roles,
templates and brackets (seed research note: "Completed Migrations"). They drew random UUIDs
(v4, never derived from the legacy id) and recorded them in `public.migration_mappings`
(REFERENCE 4.2, production shape). `prefill_history` rebuilds that state from the legacy
database so later runs can prove that ferry adopts those mappings instead of writing a second
copy of the rows.

Each step streams one legacy query out of the source with COPY into a temporary staging table
of the target, then one set-based statement applies the earlier tool's transform, inserts the
rows and their mapping rows, and reports both counts. Legacy ids that already have a mapping
are left alone, so running the history twice writes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources import files

import psycopg
from psycopg import sql
from psycopg.pq import TransactionStatus

HISTORY_DIR = files(__package__) / "history"


@dataclass(frozen=True)
class HistoryStep:
    """One entity an earlier tool migrated: its `migration_mappings.entity_type` and table.

    Its SQL lives in `history/<entity_type>/`: `source.sql` (run on the legacy database),
    `stage.sql` (the temporary table the rows are copied into), `load.sql` (transform, insert,
    map; returns the rows inserted and the mapping rows written).
    """

    entity_type: str
    table: str

    def read(self, name: str) -> str:
        return (HISTORY_DIR / self.entity_type / name).read_text(encoding="utf-8")

    @property
    def stage_table(self) -> sql.Identifier:
        return sql.Identifier(f"stage_{self.entity_type}")


# Parents before children: templates resolve their category through the category mappings.
HISTORY_STEPS = (
    HistoryStep("office", "offices"),
    HistoryStep("category", "categories"),
    HistoryStep("profile", "profiles"),
    HistoryStep("role", "roles"),
    HistoryStep("template", "templates"),
    HistoryStep("bracket", "brackets"),
)


def prefill_history(source: psycopg.Connection, target: psycopg.Connection) -> dict[str, int]:
    """Write the earlier tools' rows and mappings into the target; return rows written per table.

    The target schema must be installed. All target writes form one transaction, committed
    here; all source reads share one repeatable-read snapshot, so parents and children agree.
    The result has one entry per history table plus `migration_mappings`.
    """
    written: dict[str, int] = {}
    mapped = 0
    with _snapshot(source), target.transaction():
        target.execute("SELECT set_config('search_path', 'public', true)")
        target.execute((HISTORY_DIR / "mappings.sql").read_text(encoding="utf-8"))
        for step in HISTORY_STEPS:
            rows, step_mapped = _run_step(source, target, step)
            written[step.table] = rows
            mapped += step_mapped
    if target.info.transaction_status == TransactionStatus.INTRANS:
        target.commit()
    written["migration_mappings"] = mapped
    return written


def _run_step(
    source: psycopg.Connection, target: psycopg.Connection, step: HistoryStep
) -> tuple[int, int]:
    """Copy one legacy query into its staging table, then transform, insert and map."""
    target.execute(step.read("stage.sql"))
    query = step.read("source.sql").strip().removesuffix(";")
    copy_out = sql.SQL("COPY ({}) TO STDOUT").format(sql.SQL(query))
    copy_in = sql.SQL("COPY {} FROM STDIN").format(step.stage_table)
    with (
        source.cursor() as reader,
        target.cursor() as writer,
        reader.copy(copy_out) as stream_out,
        writer.copy(copy_in) as stream_in,
    ):
        for chunk in stream_out:
            stream_in.write(chunk)
    counts = target.execute(step.read("load.sql")).fetchone()
    assert counts is not None, "load.sql ends with one SELECT of two counts"
    return int(counts[0]), int(counts[1])


@contextmanager
def _snapshot(source: psycopg.Connection) -> Iterator[None]:
    """Read every legacy table in one repeatable-read, read-only snapshot.

    When the caller already has a transaction open on the source, its snapshot is used as is.
    """
    if source.info.transaction_status != TransactionStatus.IDLE:
        yield
        return
    with source.transaction():
        source.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield
