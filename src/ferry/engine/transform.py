"""Turning a source row (text values) into a stage row: values, fixes, or a rejection.

Stage rows have one layout for every outcome so that a batch is a single COPY:
`(_key, _id, _status, _reason, _message, _dedup, _notes, parent legacy ids..., column values...)`,
where `_id` is the row's deterministic new key. Columns whose name starts with `_` are inputs
for the row transform only and are not written.
Skipped and rejected rows carry their key and reason, never their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ferry.catalog.spec import Column, Entity
from ferry.engine.keys import legacy_uuid_text
from ferry.engine.outcome import Fixed, Rejected, RowRejected
from ferry.engine.source import DEDUP, KEY, SKIP, SourceLayout

INSERT, SKIPPED, REJECTED = "insert", "skipped", "rejected"
STATUS = 2  # position of _status in a stage row
HEAD = 7  # stage columns before the parents: _key, _id, _status, _reason, _message, _dedup, _notes


def written_columns(entity: Entity) -> tuple[Column, ...]:
    return tuple(c for c in entity.columns if not c.name.startswith("_"))


class RowShaper:
    """Applies an entity's coercions, code maps and row transform to source rows."""

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        layout = SourceLayout(entity)
        self._parents = layout.parent_offset
        self._columns = layout.column_offset
        self._written = written_columns(entity)
        # Rows of an entity without Python work pass through as the text they arrived in.
        self._plain = entity.transform is None and all(
            c.coerce is None and c.code is None for c in entity.columns
        )

    @property
    def width(self) -> int:
        return HEAD + len(self.entity.parents) + len(self._written)

    def shape(self, row: Sequence[str | None]) -> tuple[Any, ...]:
        key = int(row[KEY])
        new_id = legacy_uuid_text(self.entity.name, key)
        parents = tuple(row[self._parents : self._columns])
        if row[SKIP] is not None:
            return (key, new_id, SKIPPED, row[SKIP], None, None, [], *self._padding)
        if self._plain:
            return (
                key,
                new_id,
                INSERT,
                None,
                None,
                row[DEDUP],
                [],
                *parents,
                *row[self._columns :],
            )
        notes: list[str] = []
        values = self._coerce(row[self._columns :], notes)
        if isinstance(values, Rejected):
            return self._rejected(key, new_id, values)
        if self.entity.transform is not None:
            try:
                values = self._unwrap(self.entity.transform(values), notes)
            except RowRejected as exc:
                return self._rejected(key, new_id, exc.rejection)
        written = tuple(values[c.name] for c in self._written)
        return (key, new_id, INSERT, None, None, row[DEDUP], notes, *parents, *written)

    def _coerce(self, raw: Sequence[str | None], notes: list[str]) -> dict[str, Any] | Rejected:
        values: dict[str, Any] = {}
        for column, text in zip(self.entity.columns, raw, strict=True):
            value: Any = text
            if column.code is not None:
                value = column.code.translate(text)
            elif column.coerce is not None:
                value = column.coerce(text)
            if isinstance(value, Rejected):
                return value
            if isinstance(value, Fixed):
                notes.append(value.fix)
                value = value.value
            values[column.name] = value
        return values

    @staticmethod
    def _unwrap(values: dict[str, Any], notes: list[str]) -> dict[str, Any]:
        for name, value in values.items():
            if isinstance(value, Fixed):
                notes.append(value.fix)
                values[name] = value.value
        return values

    @property
    def _padding(self) -> tuple[None, ...]:
        return (None,) * (self.width - HEAD)

    def _rejected(self, key: int, new_id: str, rejection: Rejected) -> tuple[Any, ...]:
        head = (key, new_id, REJECTED, rejection.reason, rejection.message, None, [])
        return (*head, *self._padding)
