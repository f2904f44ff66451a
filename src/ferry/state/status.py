"""`ferry status`: per entity, the accounting equation and where the entity stands.

Numbers are counted fresh each time: source rows the way the entity reads them, and the
target's mappings (rows retained by `sync --keep-deleted` apart: they are gone from the source
and counted beside the equation), open quarantine entries and skip records. State:
- pending: nothing recorded yet;
- failed: the last run that wrote the entity failed;
- completed: its last migrate or sync completed and source = migrated + quarantined + skipped;
(validations read only: they do not change an entity's state, but show as its last run).
- partial: anything else (interrupted, running, or the source has rows not yet accounted for).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

import psycopg
from psycopg import sql

from ferry.catalog.registry import Catalogue
from ferry.engine.source import count_query
from ferry.plan.planner import plan_entities
from ferry.state import control, deferred
from ferry.state.ledger.accounts import Accounts, accounts
from ferry.state.ledger.quarantine import skips_by_rule
from ferry.state.schema import current_version


@dataclass(frozen=True)
class LastRun:
    run_id: int
    operation: str
    status: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class EntityStatus:
    entity: str
    target_table: str
    depends_on: tuple[str, ...]
    source_rows: int
    target_rows: int | None
    migrated: int
    quarantined: int
    skipped: int
    retained: int
    state: str
    dependencies_complete: bool
    last_run: LastRun | None
    skipped_by_rule: dict[str, int]
    # Foreign keys and indexes its bulk load dropped and that are not back yet (a crash).
    constraints_deferred: int = 0

    @property
    def accounted(self) -> int:
        return self.migrated + self.quarantined + self.skipped

    @property
    def balanced(self) -> bool:
        return self.accounted == self.source_rows

    def as_dict(self) -> dict:
        data = asdict(self)
        data["depends_on"] = list(self.depends_on)
        data["balanced"] = self.balanced
        if self.last_run:
            data["last_run"]["started_at"] = self.last_run.started_at.isoformat()
            finished = self.last_run.finished_at
            data["last_run"]["finished_at"] = finished.isoformat() if finished else None
        return data


def source_counts(conn: psycopg.Connection, catalogue: Catalogue) -> dict[str, int]:
    return {
        name: conn.execute(count_query(entity)).fetchone()[0]
        for name, entity in catalogue.entities.items()
    }


def _target_rows(conn: psycopg.Connection, qualified: str) -> int | None:
    schema, _, table = qualified.rpartition(".")
    identifier = sql.Identifier(schema or "public", table)
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (identifier.as_string(conn),))
    if not exists.fetchone()[0]:
        return None
    return conn.execute(sql.SQL("SELECT count(*) FROM {}").format(identifier)).fetchone()[0]


def entity_statuses(
    counts: dict[str, int], target: psycopg.Connection, catalogue: Catalogue
) -> list[EntityStatus]:
    """Status of every entity, in plan order of the whole catalogue; `counts` are the
    source's (`source_counts`), read first so that a source failure is named as such."""
    terms: dict[str, Accounts] = {}
    last: dict[str, LastRun] = {}
    last_write: dict[str, LastRun] = {}
    deferred_by_entity: dict[str, int] = {}
    rules: dict[str, dict[str, int]] = {}
    if current_version(target) > 0:
        deferred_by_entity = deferred.pending_by_entity(target)
        for skips in skips_by_rule(target):
            rules.setdefault(skips.entity, {})[skips.reason] = skips.rows
        terms = accounts(target)
        last = {name: LastRun(*run) for name, *run in control.last_entity_runs(target)}
        last_write = {
            name: LastRun(*run) for name, *run in control.last_entity_runs(target, writes=True)
        }
    order = plan_entities(catalogue, catalogue.name, catalogue.entities).entities
    states: dict[str, str] = {}
    result = []
    for name in order:
        entity = catalogue.entities[name]
        term = terms.get(name, Accounts())
        states[name] = _state(last_write.get(name), term.accounted, counts[name])
        result.append(
            EntityStatus(
                entity=name,
                target_table=entity.target,
                depends_on=entity.depends_on,
                source_rows=counts[name],
                target_rows=_target_rows(target, entity.target),
                migrated=term.migrated,
                quarantined=term.quarantined,
                skipped=term.skipped,
                retained=term.retained,
                state=states[name],
                dependencies_complete=all(states[d] == "completed" for d in entity.depends_on),
                last_run=last.get(name),
                constraints_deferred=deferred_by_entity.get(name, 0),
                skipped_by_rule=rules.get(name, {}),
            )
        )
    return result


def _state(last: LastRun | None, accounted: int, source_rows: int) -> str:
    if last is None:
        return "pending" if accounted == 0 else "partial"
    if last.status == "failed":
        return "failed"
    if last.operation in ("migrate", "sync") and last.status == "completed":
        return "completed" if accounted == source_rows else "partial"
    if last.operation == "rollback" and last.status == "completed" and accounted == 0:
        return "pending"
    return "partial"
