"""Acting on quarantine: a held row's source values, and retrying the entity after a fix.

Quarantine entries (ferry.state.ledger.quarantine) carry legacy ids and reasons, never values.
Values are read from the
source only on explicit request (`show_values`), for a person deciding on a fix. A retry
loads the entity's open entries again through the ordinary load, under a run of its own:
rows that now pass (a code mapping was added, a parent arrived, a value was corrected) leave
quarantine with their mapping written in the same transaction, so the accounting equation
holds after every batch.
"""

from __future__ import annotations

import psycopg

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.context import EntityResult, RunContext
from ferry.engine.retries import guarded
from ferry.engine.runner import RunOptions, RunResult, run_plan
from ferry.engine.session import RunSession
from ferry.engine.source import key_parts, select_batch, with_keys
from ferry.engine.target import TargetTable, read_target_table
from ferry.progress import Progress
from ferry.state import control
from ferry.state.ledger import quarantine as ledger_quarantine
from ferry.sync.runner import reload_keys

# What a secret column's value (a credential) shows as wherever source values are printed.
SECRET_PLACEHOLDER = "[secret: not shown]"


def source_values(
    source: psycopg.Connection, entity: Entity, keys: list[int]
) -> tuple[list[str], list[tuple]]:
    """The source values of the given rows, as the entity reads them (column names, rows);
    the values of secret columns are replaced by a placeholder."""
    if not keys:
        return [], []
    parts = key_parts(entity)
    condition = with_keys(entity, keys)
    query = select_batch(entity, None, len(keys), condition=condition, extra=parts)
    with source.cursor() as cur:
        rows = cur.execute(query).fetchall()
    names = ["legacy id", "skip rule", "dedup key"]
    names += [f"parent {p.entity}" for p in entity.parents] + [c.name for c in entity.columns]
    first_column = len(names) - len(entity.columns)
    names += [f"key {part}" for part in parts]
    secret = {first_column + i for i, c in enumerate(entity.columns) if c.secret}
    hidden = [
        tuple(SECRET_PLACEHOLDER if i in secret and v is not None else v for i, v in enumerate(row))
        for row in rows
    ]
    return names, hidden


def retry_entity(ctx: RunContext, catalogue: Catalogue, name: str) -> EntityResult:
    """Load the entity's open quarantine entries again, keeping its checkpoint where it was."""
    entity = catalogue.entities[name]

    def start() -> tuple[list[int], TargetTable]:
        target = ctx.session.target()
        with target.transaction():
            previous = control.last_checkpoint(target, name)
            checkpoint = previous.key if previous and previous.operation != "rollback" else None
            control.start_entity(target, ctx.run_id, name, ctx.operation, checkpoint, {})
            keys = ledger_quarantine.open_keys(target, name)
            return keys, read_target_table(target, entity.target)

    keys, table = guarded(ctx, name, "starting the retry of", start)
    ctx.progress.entity_started(name, len(keys))
    result = reload_keys(ctx, entity, table, keys)

    def finish() -> None:
        target = ctx.session.target()
        with target.transaction():
            control.finish_entity(target, ctx.run_id, name, ctx.operation, "completed")

    guarded(ctx, name, "finishing the retry of", finish)
    ctx.progress.entity_finished(name, "completed")
    return result


def run_retry(
    session: RunSession,
    catalogue: Catalogue,
    name: str,
    *,
    options: RunOptions,
    progress: Progress,
) -> RunResult:
    """A run (operation 'sync') that retries one entity's quarantine."""
    return run_plan(
        session,
        "sync",
        f"quarantine retry {name}",
        [[name]],
        work=lambda ctx, entity: retry_entity(ctx, catalogue, entity),
        blockers=lambda entity: set(),
        parameters=lambda entity: {},
        options=options,
        progress=progress,
    )
