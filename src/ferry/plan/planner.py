"""Plans: the dependency-ordered phases of a target.

Entities of one phase do not depend on each other, so they may run in parallel; every entity's
dependencies sit in earlier phases. Phases are sorted by name so that a plan is reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ferry.catalog.registry import Catalogue


@dataclass(frozen=True)
class Plan:
    target: str
    phases: tuple[tuple[str, ...], ...]

    @property
    def entities(self) -> list[str]:
        return [name for phase in self.phases for name in phase]

    def reversed(self) -> Plan:
        """Children before parents: the order for rollback."""
        return Plan(self.target, tuple(tuple(p) for p in reversed(self.phases)))

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "phases": [{"phase": i + 1, "entities": list(p)} for i, p in enumerate(self.phases)],
        }


def make_plan(catalogue: Catalogue, target: str) -> Plan:
    """The plan of an entity or workflow, its dependencies included."""
    return plan_entities(catalogue, target, catalogue.with_dependencies(catalogue.resolve(target)))


def plan_entities(catalogue: Catalogue, label: str, names: Iterable[str]) -> Plan:
    """Layer exactly these entities by longest dependency path."""
    members = set(names)
    level: dict[str, int] = {}

    def depth(name: str) -> int:
        if name not in level:
            deps = [d for d in catalogue.entities[name].depends_on if d in members]
            level[name] = 1 + max((depth(d) for d in deps), default=-1)
        return level[name]

    for name in members:
        depth(name)
    count = max(level.values(), default=-1) + 1
    phases = tuple(tuple(sorted(n for n in members if level[n] == i)) for i in range(count))
    return Plan(label, phases)
