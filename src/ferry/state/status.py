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
from ferry.state import deferred
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


def _per_entity(conn: psycopg.Connection, query: str) -> dict[str, int]:
    return dict(conn.execute(query).fetchall())


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
    migrated = quarantined = skipped = retained = {}
    last: dict[str, LastRun] = {}
    last_write: dict[str, LastRun] = {}
    deferred_by_entity: dict[str, int] = {}
    if current_version(target) > 0:
        deferred_by_entity = deferred.pending_by_entity(target)
    rules: dict[str, dict[str, int]] = {}
    if current_version(target) > 0:
        for name, rule, rows in target.execute(
            "SELECT entity, rule, count(*) FROM ferry.skipped GROUP BY 1, 2 ORDER BY 1, 3 DESC"
        ):
            rules.setdefault(name, {})[rule] = rows
        migrated = _per_entity(
            target,
            "SELECT entity, count(*) FROM ferry.migration_mappings GROUP BY entity",
        )
        if target.execute("SELECT to_regclass('ferry.retained')").fetchone()[0]:  # since 0007
            retained = _per_entity(
                target, "SELECT entity, count(*) FROM ferry.retained GROUP BY entity"
            )
        quarantined = _per_entity(
            target,
            "SELECT entity, count(*) FROM ferry.quarantine WHERE NOT resolved GROUP BY entity",
        )
        skipped = _per_entity(target, "SELECT entity, count(*) FROM ferry.skipped GROUP BY entity")
        for row in target.execute(
            "SELECT DISTINCT ON (c.entity) c.entity, c.run_id, c.operation, c.status,"
            " c.started_at, c.finished_at FROM ferry.migration_control c"
            " WHERE c.batch IS NULL ORDER BY c.entity, c.id DESC"
        ):
            last[row[0]] = LastRun(*row[1:])
        for row in target.execute(
            "SELECT DISTINCT ON (c.entity) c.entity, c.run_id, c.operation, c.status,"
            " c.started_at, c.finished_at FROM ferry.migration_control c"
            " WHERE c.batch IS NULL AND c.operation <> 'validate' ORDER BY c.entity, c.id DESC"
        ):
            last_write[row[0]] = LastRun(*row[1:])
    migrated = {name: count - retained.get(name, 0) for name, count in migrated.items()}
    order = plan_entities(catalogue, catalogue.name, catalogue.entities).entities
    states: dict[str, str] = {}
    result = []
    for name in order:
        entity = catalogue.entities[name]
        accounted = migrated.get(name, 0) + quarantined.get(name, 0) + skipped.get(name, 0)
        states[name] = _state(last_write.get(name), accounted, counts[name])
        result.append(
            EntityStatus(
                entity=name,
                target_table=entity.target,
                depends_on=entity.depends_on,
                source_rows=counts[name],
                target_rows=_target_rows(target, entity.target),
                migrated=migrated.get(name, 0),
                quarantined=quarantined.get(name, 0),
                skipped=skipped.get(name, 0),
                retained=retained.get(name, 0),
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
