"""What a report says, gathered from the databases: the numbers every format renders.

A report describes the migration as it stands (the same counts as `ferry status`) and one run
in detail (by default the latest migrate or sync). Per entity it remembers across runs: the
latest validation that covered the entity (a `validate orders` after a `validate final` does
not make the others "not validated"), and the totals of every migrate run that made the entity
since its last rollback (a small re-run does not replace the migration's duration and rate).
Each figure names the runs it comes from. Everything is read from ferry's state in the target
and from the source's counts: ids, counts, timings and money totals, never row values.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cached_property

import psycopg

from ferry import __version__
from ferry.catalog.registry import Catalogue
from ferry.coverage import Coverage
from ferry.errors import StateError
from ferry.plan.planner import plan_entities
from ferry.state import control
from ferry.state.ledger.quarantine import counts_by_reason
from ferry.state.schema import current_version
from ferry.state.status import EntityStatus, entity_statuses

FOCUS_OPERATIONS = ("migrate", "sync")


@dataclass(frozen=True)
class Run:
    run_id: int
    operation: str
    target: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    error_message: str | None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class EntityInRun:
    """What one run did for one entity (its summary row in migration_control)."""

    entity: str
    status: str
    processed: int
    started_at: datetime
    finished_at: datetime | None
    error_message: str | None

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()

    @property
    def rows_per_second(self) -> float | None:
        seconds = self.seconds
        return self.processed / seconds if seconds else None


@dataclass(frozen=True)
class EntityMade:
    """An entity's migration: every migrate run that wrote it since its last rollback."""

    entity: str
    processed: int
    seconds: float | None
    runs: list[int]

    @property
    def rows_per_second(self) -> float | None:
        return self.processed / self.seconds if self.seconds else None


@dataclass(frozen=True)
class Finding:
    run_id: int
    entity: str
    check: str
    passed: bool
    checked: int
    failed: int
    detail: str
    legacy_ids: list[int]
    totals: dict[str, str]


@dataclass(frozen=True)
class Summary:
    entities: int
    source: int
    migrated: int
    quarantined: int
    skipped: int
    retained: int
    balanced_entities: int
    verified: int | None
    money_checks: int
    money_checks_passed: int
    checks: int
    checks_passed: int
    run_seconds: float | None
    run_rows: int
    rows_per_second: float | None
    migration_runs: list[int]
    validation_runs: list[int]


@dataclass(frozen=True)
class Report:
    generated_at: datetime
    ferry_version: str
    catalogue: str
    statuses: list[EntityStatus]
    phases: list[list[str]]
    runs: list[Run]
    run: Run | None
    work: dict[str, EntityInRun]
    made: dict[str, EntityMade]
    validation: Run | None
    findings: list[Finding]
    quarantine: list[tuple[str, str, int]]
    coverage: Coverage | None = None

    @cached_property
    def summary(self) -> Summary:
        return summarise(self)

    @property
    def validation_is_stale(self) -> bool:
        """Some entity's latest validation ran before a run that wrote it since: its verdict
        predates the rows."""
        validated = {f.entity: f.run_id for f in self.findings}
        return any(
            made.runs and validated.get(name, made.runs[-1]) < made.runs[-1]
            for name, made in self.made.items()
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["summary"] = asdict(self.summary)
        data["statuses"] = [s.as_dict() for s in self.statuses]
        data["coverage"] = self.coverage.as_dict() if self.coverage else None
        data["work"] = {
            name: {**asdict(w), "seconds": w.seconds, "rows_per_second": w.rows_per_second}
            for name, w in self.work.items()
        }
        data["made"] = {
            name: {**asdict(m), "rows_per_second": m.rows_per_second}
            for name, m in self.made.items()
        }
        data["quarantine"] = [{"entity": e, "reason": r, "rows": n} for e, r, n in self.quarantine]
        data["validation_is_stale"] = self.validation_is_stale
        return data


def summarise(report: Report) -> Summary:
    statuses = report.statuses
    content = [f for f in report.findings if f.check == "content"]
    money = [f for f in report.findings if f.check.startswith("money:")]
    runs = sorted({run for made in report.made.values() for run in made.runs})
    run_rows = sum(made.processed for made in report.made.values())
    spans = [r.seconds for r in report.runs if r.run_id in runs and r.seconds is not None]
    seconds = sum(spans) if spans else None
    return Summary(
        entities=len(statuses),
        source=sum(s.source_rows for s in statuses),
        migrated=sum(s.migrated for s in statuses),
        quarantined=sum(s.quarantined for s in statuses),
        skipped=sum(s.skipped for s in statuses),
        retained=sum(s.retained for s in statuses),
        balanced_entities=sum(s.balanced for s in statuses),
        verified=sum(f.checked - f.failed for f in content) if content else None,
        money_checks=len(money),
        money_checks_passed=sum(f.passed for f in money),
        checks=len(report.findings),
        checks_passed=sum(f.passed for f in report.findings),
        run_seconds=seconds,
        run_rows=run_rows,
        rows_per_second=run_rows / seconds if seconds else None,
        migration_runs=runs,
        validation_runs=sorted({f.run_id for f in report.findings}),
    )


def gather(
    counts: dict[str, int],
    target: psycopg.Connection,
    catalogue: Catalogue,
    run_id: int | None = None,
    coverage: Coverage | None = None,
) -> Report:
    """Everything a report shows, from the source's row `counts` (`source_counts`) and the
    target; `run_id` chooses the run described in detail."""
    statuses = entity_statuses(counts, target, catalogue)
    phases = [list(p) for p in plan_entities(catalogue, catalogue.name, catalogue.entities).phases]
    runs = _runs(target) if current_version(target) > 0 else []
    focus = _focus(runs, run_id)
    validation = next((r for r in reversed(runs) if r.operation == "validate"), None)
    return Report(
        generated_at=datetime.now(UTC),
        ferry_version=__version__,
        catalogue=catalogue.name,
        statuses=statuses,
        phases=phases,
        runs=runs,
        run=focus,
        work=_work(target, focus.run_id) if focus else {},
        made=_made(target) if runs else {},
        validation=validation,
        findings=_latest_findings(target) if validation else [],
        quarantine=[(q.entity, q.reason, q.rows) for q in counts_by_reason(target)] if runs else [],
        coverage=coverage,
    )


def _runs(target: psycopg.Connection) -> list[Run]:
    rows = target.execute(
        "SELECT run_id, operation, target, status, started_at, finished_at, error_message"
        " FROM ferry.runs ORDER BY run_id"
    ).fetchall()
    return [Run(*row) for row in rows]


def _focus(runs: list[Run], run_id: int | None) -> Run | None:
    if run_id is not None:
        chosen = next((r for r in runs if r.run_id == run_id), None)
        if chosen is None:
            latest = runs[-1].run_id if runs else None
            raise StateError(
                f"Run {run_id} is not recorded in this target"
                + (f" (its runs go up to {latest})." if latest else " (it has no runs yet).")
            )
        return chosen
    writes = [r for r in runs if r.operation in FOCUS_OPERATIONS]
    return (writes or runs or [None])[-1]


def _work(target: psycopg.Connection, run_id: int) -> dict[str, EntityInRun]:
    return {row["entity"]: EntityInRun(**row) for row in control.entity_rows_of_run(target, run_id)}


def _made(target: psycopg.Connection) -> dict[str, EntityMade]:
    """Per entity, the migrate runs since its last rollback: rows, seconds, run ids."""
    return {row[0]: EntityMade(*row) for row in control.migrations_since_rollback(target)}


def _latest_findings(target: psycopg.Connection) -> list[Finding]:
    """Per entity, the findings of the latest validation run that covered it."""
    rows = target.execute(
        "SELECT f.run_id, f.entity, f.check_name, f.passed, f.checked, f.failed, f.detail,"
        " f.legacy_ids, f.totals FROM ferry.validation_findings f"
        " JOIN (SELECT entity, max(run_id) AS run_id FROM ferry.validation_findings"
        "  GROUP BY entity) latest USING (entity, run_id)"
        " ORDER BY f.entity, f.check_name"
    ).fetchall()
    return [Finding(*row) for row in rows]
