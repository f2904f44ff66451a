"""A catalogue: the entities and workflows of one migration, checked as it loads.

Checking happens before anything connects (house rule 3): duplicate names, unknown
dependencies, unknown workflow members and dependency cycles are refused with one sentence that
names the entities involved.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ferry.catalog.spec import Entity, OutOfScope, Workflow
from ferry.errors import ConfigurationError, UsageError


@dataclass(frozen=True)
class Catalogue:
    name: str
    entities: dict[str, Entity]
    workflows: dict[str, Workflow] = field(default_factory=dict)
    # Source tables no entity reads, by table name: the reason each is left out.
    out_of_scope: dict[str, str] = field(default_factory=dict)
    # The catalogue's own commands, as an import path `package.module:NAME` naming a
    # `dict[str, typer.Typer]` (command name: group). Only the CLI imports it, and only when
    # they are asked for: the engine never needs typer, nor a catalogue's commands.
    commands: str | None = None

    @classmethod
    def build(
        cls,
        name: str,
        entities: Iterable[Entity],
        workflows: Iterable[Workflow] = (),
        out_of_scope: Iterable[OutOfScope] = (),
        commands: str | None = None,
    ) -> Catalogue:
        by_name: dict[str, Entity] = {}
        for entity in entities:
            if entity.name in by_name:
                raise ConfigurationError(
                    f"Catalogue {name} declares entity {entity.name} twice; rename one."
                )
            by_name[entity.name] = entity
        flows: dict[str, Workflow] = {}
        for flow in workflows:
            if flow.name in flows or flow.name in by_name:
                raise ConfigurationError(
                    f"Catalogue {name} uses the name {flow.name} twice; workflow and entity "
                    "names must be unique."
                )
            flows[flow.name] = flow
        if "all" not in flows and "all" not in by_name:  # `ferry migrate all` for any catalogue
            flows["all"] = Workflow("all", tuple(by_name), "every entity of the catalogue")
        excluded: dict[str, str] = {}
        for item in out_of_scope:
            if item.table in excluded:
                raise ConfigurationError(
                    f"Catalogue {name} declares table {item.table} out of scope twice."
                )
            excluded[item.table] = item.reason
        catalogue = cls(name, by_name, flows, excluded, commands)
        catalogue._check_references()
        catalogue._check_keys()
        catalogue._check_cycles()
        return catalogue

    def _check_references(self) -> None:
        for entity in self.entities.values():
            unknown = [d for d in entity.depends_on if d not in self.entities]
            if unknown:
                raise ConfigurationError(
                    f"Entity {entity.name} depends on unknown entit"
                    f"{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)}."
                )
        for flow in self.workflows.values():
            unknown = [e for e in flow.entities if e not in self.entities]
            if unknown:
                raise ConfigurationError(
                    f"Workflow {flow.name} names unknown entities: {', '.join(unknown)}."
                )

    def _check_keys(self) -> None:
        """One legacy key column at most, and every parent named in its entity's key shape
        (an integer expression for an integer key, one expression per part of a tuple key)."""
        for entity in self.entities.values():
            keeping = [c.name for c in entity.columns if c.legacy_key]
            if keeping and not isinstance(entity.source.key, str):
                raise ConfigurationError(
                    f"Entity {entity.name} declares legacy key column {keeping[0]}, but its key "
                    "is a tuple: a tuple key is kept by the target columns of its parts."
                )
            if len(keeping) > 1:
                raise ConfigurationError(
                    f"Entity {entity.name} declares {len(keeping)} legacy key columns "
                    f"({', '.join(keeping)}); declare one."
                )
            for parent in entity.parents:
                if _key_shape(parent.expr) != _key_shape(self.entities[parent.entity].source.key):
                    raise ConfigurationError(
                        f"Parent {parent.column} of entity {entity.name} is not given in the key "
                        f"shape of {parent.entity} ({_key_shape(parent.expr)} where "
                        f"{parent.entity} is keyed by "
                        f"{_key_shape(self.entities[parent.entity].source.key)})."
                    )

    def _check_cycles(self) -> None:
        """Depth-first search; a back edge is a cycle, reported as the path that closes it."""
        done: set[str] = set()
        for start in self.entities:
            if start in done:
                continue
            stack: list[tuple[str, int]] = [(start, 0)]
            path: list[str] = []
            on_path: set[str] = set()
            while stack:
                name, index = stack.pop()
                if index == 0:
                    path.append(name)
                    on_path.add(name)
                deps = self.entities[name].depends_on
                if index < len(deps):
                    stack.append((name, index + 1))
                    dep = deps[index]
                    if dep in on_path:
                        cycle = [*path[path.index(dep) :], dep]
                        raise ConfigurationError(
                            "Dependency cycle between entities: "
                            f"{' -> '.join(cycle)} (each depends on the next)."
                        )
                    if dep not in done:
                        stack.append((dep, 0))
                else:
                    path.pop()
                    on_path.discard(name)
                    done.add(name)

    def resolve(self, target: str) -> list[str]:
        """The entities a target names (an entity or a workflow), without dependencies."""
        if target in self.entities:
            return [target]
        if target in self.workflows:
            return list(self.workflows[target].entities)
        known = sorted([*self.workflows, *self.entities])
        raise UsageError(
            f"{target!r} is neither an entity nor a workflow of catalogue {self.name}; "
            f"known: {', '.join(known)}."
        )

    def resolve_entity(self, name: str) -> Entity:
        """The entity called `name`; a usage error naming the known entities otherwise."""
        if name not in self.entities:
            raise UsageError(
                f"{name!r} is not an entity of catalogue {self.name}; known: "
                f"{', '.join(sorted(self.entities))}."
            )
        return self.entities[name]

    def with_dependencies(self, names: Iterable[str]) -> set[str]:
        """The names plus everything they depend on, transitively."""
        wanted: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name not in wanted:
                wanted.add(name)
                pending.extend(self.entities[name].depends_on)
        return wanted

    def dependents(self, name: str) -> list[str]:
        """Entities that depend directly on `name`."""
        return [e.name for e in self.entities.values() if name in e.depends_on]

    def without_skip_rules(self, switched_off: Iterable[str]) -> Catalogue:
        """The catalogue with some skip rules off: `rule` (every entity) or `entity:rule`.

        The rows they would have skipped are then migrated (or quarantined) like any other.
        Unknown names are refused, listing the rules that exist.
        """
        wanted = set(switched_off)
        if not wanted:
            return self
        known = {f"{e.name}:{r.name}" for e in self.entities.values() for r in e.skip_rules}
        unknown = {
            w for w in wanted if w not in known and not any(k.endswith(":" + w) for k in known)
        }
        if unknown:
            raise UsageError(
                f"No skip rule named {', '.join(sorted(unknown))}; the rules are: "
                f"{', '.join(sorted(known))}."
            )
        entities = [
            replace(
                entity,
                skip_rules=tuple(
                    rule
                    for rule in entity.skip_rules
                    if rule.name not in wanted and f"{entity.name}:{rule.name}" not in wanted
                ),
            )
            for entity in self.entities.values()
        ]
        return replace(self, entities={e.name: e for e in entities})


def _key_shape(key: str | tuple[str, ...]) -> str:
    """How a key is written, for the sentence of a mismatch."""
    if isinstance(key, str):
        return "one integer expression"
    return f"a tuple of {len(key)}"
