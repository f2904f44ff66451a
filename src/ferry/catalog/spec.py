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
    A `legacy_key` column keeps the row's legacy key in the target: validation then checks
    that every target row carrying one has its mapping. It is declared, never guessed from the
    expression (a code column may read the key column too).
    """

    name: str
    expr: str
    coerce: Coercion | None = None
    code: CodeMap | None = None
    secret: bool = False
    legacy_key: bool = False


@dataclass(frozen=True)
class Parent:
    """A foreign key resolved through the parent entity's mappings.

    `expr` yields the parent's legacy key in the source, in the shape the parent declares it:
    one integer expression, or a tuple of one expression per part of the parent's key. A
    required parent that is missing,
    skipped or quarantined sends the row to quarantine; an optional one becomes NULL and the
    row's mapping records `optional_parent_null:<column>`.
    """

    column: str
    entity: str
    expr: str | tuple[str, ...]
    required: bool = True

    @property
    def ordinal(self) -> str:
        """The parent's key ordinal (see `key_ordinal`), SQL over the child's source row."""
        return key_ordinal(self.expr)


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


def key_ordinal(key: str | tuple[str, ...]) -> str:
    """The SQL bigint that stands for a legacy key in ferry's bookkeeping and in its order.

    An integer key (one expression) is its own ordinal. A key of any other shape, one or
    more expressions of any type (a text code, a junction's pair of columns), is declared as
    a tuple: its ordinal is 60 bits of the md5 of its parts, each written as its length, a
    colon and its text, so that no two different keys share an encoding. Two keys share an
    ordinal with a probability of about n^2 / 2^61 (4e-7 for a million rows); should it ever
    happen, the second row is refused by the mapping's primary key and quarantined, never
    lost. The new key of a row is derived from its ordinal (`ferry.engine.keys`), so from the
    whole legacy key.
    """
    if isinstance(key, str):
        return f"({key})::bigint"
    parts = ", ".join(f"length(({part})::text), ':', ({part})::text" for part in key)
    return f"('x' || left(md5(concat({parts})), 15))::bit(60)::bigint"


@dataclass(frozen=True)
class Source:
    """Where an entity reads: `FROM relation [joins] WHERE where`, keyed by `key`.

    The key is one integer expression, or a tuple of the expressions of a key of any other
    shape (see `key_ordinal`). Rows are read in the order of the key's ordinal: a tuple key's
    ordinal has no index in the source, so each batch of a large table keyed so sorts it.

    `changed_at`, where the legacy rows carry one, is the SQL expression of a row's last
    change: `ferry sync` then compares only rows changed since its previous watermark (minus
    an overlap) instead of every row.
    """

    relation: str
    key: str | tuple[str, ...]
    joins: str = ""
    where: str = ""
    changed_at: str | None = None

    @property
    def ordinal(self) -> str:
        """The key's ordinal (see `key_ordinal`), SQL over the source row."""
        return key_ordinal(self.key)

    @property
    def sort_key(self) -> str:
        """What batches range over and are ordered by: the same order as the ordinal, but an
        integer key stays uncast so that the source's index on it serves (with the cast, every
        batch of the notifications sorted the whole table: 14 s became 55 s at scale 0.03)."""
        return f"({self.key})" if isinstance(self.key, str) else self.ordinal


@dataclass(frozen=True)
class EarlierMappings:
    """An earlier tool's table of mappings, legacy id to new id, with rows of several entities
    told apart by a column. ferry adopts the rows whose target row still exists
    (`ferry.state.ledger.adopted`); their legacy ids are integers."""

    table: str
    entity_column: str
    legacy_column: str = "legacy_id"
    new_column: str = "new_id"
    migrated_at_column: str | None = None


@dataclass(frozen=True)
class Adopted:
    """An entity's rows that an earlier tool migrated: those of `mappings` whose entity column
    holds `kind`."""

    mappings: EarlierMappings
    kind: str


@dataclass(frozen=True)
class Entity:
    """One unit of migration. `target_key` names the target table's primary key column, a
    uuid that ferry derives from the legacy key."""

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
    preexisting: Adopted | None = None
    description: str = ""
    money_columns: tuple[str, ...] = ()
    money_owner: str | None = None
    checks: tuple[Check, ...] = ()
    reports_as: str | None = None
    target_key: str = "id"

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
        """The target column that keeps the legacy key (the column declared `legacy_key`)."""
        return next((column.name for column in self.columns if column.legacy_key), None)

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
    "Adopted",
    "Check",
    "CodeMap",
    "Coercion",
    "Column",
    "EarlierMappings",
    "Entity",
    "Fixed",
    "OutOfScope",
    "Parent",
    "Rejected",
    "RowTransform",
    "SkipRule",
    "Source",
    "Workflow",
    "key_ordinal",
]
