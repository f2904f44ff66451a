"""Validating entities: every check of every entity, recorded, and a verdict.

A validation is a run (operation 'validate') under the run lock, so that nothing writes while
it reads; all its source reads share one snapshot. Per entity the summary row in
migration_control carries source, verified and failed counts; each check's outcome, with the
first legacy ids concerned, goes to ferry.validation_findings.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
from psycopg.types.json import Jsonb

from ferry.catalog.registry import Catalogue
from ferry.catalog.spec import Entity
from ferry.engine.context import EntityResult, RunContext
from ferry.engine.retries import guarded
from ferry.engine.runner import RunOptions, RunResult, run_plan
from ferry.engine.session import RunSession
from ferry.engine.target import read_target_table
from ferry.progress import Progress
from ferry.state import control
from ferry.state.ledger import mappings
from ferry.state.schema import current_version
from ferry.validate import checks
from ferry.validate.checks import CheckOutcome
from ferry.validate.content import PART_ROWS, verify_content


def validate_entity(ctx: RunContext, catalogue: Catalogue, name: str) -> EntityResult:
    entity = catalogue.entities[name]
    started = time.monotonic()
    started_at = datetime.now(UTC)
    result = EntityResult(name)

    def run_checks() -> list[CheckOutcome]:
        target = ctx.session.target()
        reader = ctx.session.source()
        table = read_target_table(target, entity.target)
        outcomes = [checks.accounting(reader, target, entity)]
        ctx.progress.entity_started(name, outcomes[0].checked)
        skipped = outcomes[0].numbers["skipped"]  # accounted for by the check just done
        ctx.progress.batch_done(name, skipped, 0, 0, skipped)
        rows = outcomes[0].numbers["source"]
        if rows < PART_ROWS:
            outcomes += _ledger_checks(target, catalogue, entity)
            content, money = verify_content(ctx, entity, table, rows)
        else:  # the content check is ferry's work, the ledger's checks the target's: overlap
            with ThreadPoolExecutor(1, thread_name_prefix="ferry-checks") as pool:
                ledger = pool.submit(_ledger_checks_aside, ctx, catalogue, entity)
                content, money = verify_content(ctx, entity, table, rows)
                outcomes += ledger.result()
        outcomes += [content, *money, *checks.declared(target, entity)]
        return outcomes

    outcomes = guarded(ctx, name, "validating", run_checks)
    result.checks = outcomes
    numbers = outcomes[0].numbers
    result.processed = numbers["source"]
    result.migrated, result.quarantined = numbers["migrated"], numbers["quarantined"]
    result.skipped, result.retained = numbers["skipped"], numbers["retained"]
    result.verified = outcomes[3].checked - outcomes[3].failed
    result.status = "passed" if all(o.passed for o in outcomes) else "failed"
    result.seconds = time.monotonic() - started
    guarded(ctx, name, "validating", lambda: _record(ctx, name, result, started_at))
    # the skipped rows and the rows the content check read were reported as they were checked
    unreported = result.processed - result.skipped - outcomes[3].numbers.get("read", 0)
    ctx.progress.batch_done(name, max(0, unreported), result.verified, 0, 0)
    ctx.progress.entity_finished(name, result.status)
    return result


def _ledger_checks(
    target: psycopg.Connection, catalogue: Catalogue, entity: Entity
) -> list[CheckOutcome]:
    """The keys and integrity checks: the ledger against the target's rows."""
    return [checks.keys(target, catalogue, entity), checks.integrity(target, catalogue, entity)]


def _ledger_checks_aside(
    ctx: RunContext, catalogue: Catalogue, entity: Entity
) -> list[CheckOutcome]:
    """`_ledger_checks` on a target connection of their own, beside a large entity's content
    check (the notifications' took 5 s at scale 1.0, all in the target)."""
    with ctx.session.worker(ctx.run_id, None) as session:
        return _ledger_checks(session.target(), catalogue, entity)


def _record(ctx: RunContext, name: str, result: EntityResult, started_at: datetime) -> None:
    target = ctx.session.target()
    failed = [o for o in result.checks if not o.passed]
    with target.transaction():
        control.start_entity(target, ctx.run_id, name, "validate", None, ctx.parameters, started_at)
        with target.cursor() as cur:
            cur.executemany(
                "INSERT INTO ferry.validation_findings (run_id, entity, check_name, passed,"
                " checked, failed, detail, legacy_ids, totals)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
                " ON CONFLICT (run_id, entity, check_name) DO NOTHING",  # a retried record
                [
                    (
                        ctx.run_id,
                        name,
                        o.check,
                        o.passed,
                        o.checked,
                        o.failed,
                        o.detail,
                        o.legacy_ids,
                        Jsonb(o.totals),
                    )
                    for o in result.checks
                ],
            )
            control.record_validated(cur, ctx.run_id, name, result.processed, result.verified)
        control.finish_entity(
            target,
            ctx.run_id,
            name,
            "validate",
            "completed" if not failed else "failed",
            "ValidationFailed" if failed else None,
            None,
            "; ".join(f"{o.check}: {o.detail}" for o in failed) or None,
        )


def run_validate(
    session: RunSession,
    catalogue: Catalogue,
    phases: Sequence[Sequence[str]],
    target: str,
    *,
    options: RunOptions,
    progress: Progress,
) -> RunResult:
    """Validate the plan's entities. Checks only read, so every entity is independent of the
    others: they form one phase, which keeps all workers busy until the last entity.

    The mappings' statistics are refreshed first: a migrate refreshes them only after large
    entities, and a sync's releases and reloads change them too; the keys check planned on
    estimates of an entity without rows took more than 90 s per entity of 8K rows."""
    conn = session.target()
    if current_version(conn):
        mappings.analyze(conn)
    return run_plan(
        session,
        "validate",
        target,
        [[name for phase in phases for name in phase]],
        work=lambda ctx, name: validate_entity(ctx, catalogue, name),
        blockers=lambda name: set(),
        parameters=lambda name: {},
        options=options,
        progress=progress,
    )
