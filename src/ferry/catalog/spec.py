"""Declarations of a migration: entities, their columns, parents, skip rules and workflows.

Everything here is frozen data. SQL fragments (`expr`, `where`, ...) are static text written in
the catalogue's code, evaluated in the source database; the engine composes them with
psycopg.sql and never interpolates runtime values into them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ferry.engine.outcome import Fixed, Rejected

# A column coercion: source text (or None) -> value, Fixed(value, fix) or Rejected(reason, msg).
Coercion = Callable[[str | None], Any]
# A row transform: target values by column (after coercions) -> the same mapping, changed.
RowTransform = Callable[[dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class CodeMap:
    """The one authoritative meaning of an integer code; unknown codes are quarantined."""

    name: str
    values: Mapping[int, str]
    allow_null: bool = True

    def translate(self, raw: str | None) -> str | Rejected | None:
        if raw is None or raw == "":
            if self.allow_null:
                return None
            return Rejected("unknown_code", f"{self.name} is missing")
        try:
            return self.values[int(raw)]
        except (KeyError, ValueError):
            return Rejected("unknown_code", self.unknown_message)

    @property
    def unknown_message(self) -> str:
        """Why a code is refused, naming the codes the map knows but not the row's own code:
        quarantine messages never carry a row's values, and the legacy id leads to it."""
        known = ", ".join(str(code) for code in sorted(self.values))
        return f"{self.name} code is none of the mapped codes ({known})"


@dataclass(frozen=True)
class Column:
    """One target column: an SQL expression over the source row, optionally coerced or decoded.

    A `secret` column (a credential) is migrated like any other, but its value is never shown:
    source values printed for a person (`quarantine show --show-values`) carry a placeholder.
    """

    name: str
    expr: str
    coerce: Coercion | None = None
    code: CodeMap | None = None
    secret: bool = False


@dataclass(frozen=True)
class Parent:
    """A foreign key resolved through the parent entity's mappings.

    `expr` yields the parent's legacy id in the source. A required parent that is missing,
    skipped or quarantined sends the row to quarantine; an optional one becomes NULL and the
    row's mapping records `optional_parent_null:<column>`.
    """

    column: str
    entity: str
    expr: str
    required: bool = True


@dataclass(frozen=True)
class SkipRule:
    """A declared reason not to migrate a row: a named SQL predicate, counted per rule."""

    name: str
    where: str
    description: str


@dataclass(frozen=True)
class Check:
    """A declared validation: SQL over the target returning the legacy ids that break a rule."""

    name: str
    sql: str
    description: str


@dataclass(frozen=True)
class Source:
    """Where an entity reads: `FROM relation [joins] WHERE where`, keyed by an integer `key`.

    `changed_at`, where the legacy rows carry one, is the SQL expression of a row's last
    change: `ferry sync` then compares only rows changed since its previous watermark (minus
    an overlap) instead of every row.
    """

    relation: str
    key: str
    joins: str = ""
    where: str = ""
    changed_at: str | None = None


@dataclass(frozen=True)
class Entity:
    """One unit of migration."""

    name: str
    target: str
    source: Source
    columns: tuple[Column, ...] = ()
    parents: tuple[Parent, ...] = ()
    skip_rules: tuple[SkipRule, ...] = ()
    transform: RowTransform | None = None
    after: tuple[str, ...] = ()
    dedup_key: str | None = None
    dedup_fix: str = "merged_duplicate"
    preexisting_as: str | None = None
    description: str = ""
    money_columns: tuple[str, ...] = ()
    money_owner: str | None = None
    checks: tuple[Check, ...] = ()
    reports_as: str | None = None

    @property
    def inventory_name(self) -> str:
        """The inventory's name for what this entity fills. Two entities may fill one inventory
        entity from two legacy tables (each entity has one key space: one source table)."""
        return self.reports_as or self.name

    @property
    def source_table(self) -> str:
        """The legacy table whose ids are this entity's keys (first word of the relation)."""
        return self.source.relation.split()[0]

    @property
    def legacy_column(self) -> str | None:
        """The target column that keeps the legacy key (the column declared as the key)."""
        for column in self.columns:
            if column.expr == self.source.key:
                return column.name
        return None

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Parents' entities plus explicit ordering constraints, without self-references."""
        names = [p.entity for p in self.parents] + list(self.after)
        return tuple(dict.fromkeys(n for n in names if n != self.name))


@dataclass(frozen=True)
class OutOfScope:
    """A source table no entity reads, declared with the reason (`ferry coverage` lists it)."""

    table: str
    reason: str


@dataclass(frozen=True)
class Workflow:
    """A named set of entities; planning adds their dependencies."""

    name: str
    entities: tuple[str, ...]
    description: str = ""


__all__ = [
    "Check",
    "CodeMap",
    "Coercion",
    "Column",
    "Entity",
    "Fixed",
    "OutOfScope",
    "Parent",
    "Rejected",
    "RowTransform",
    "SkipRule",
    "Source",
    "Workflow",
]
