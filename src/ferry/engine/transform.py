"""Turning a source row (text values) into a stage row: values, fixes, or a rejection.

Stage rows have one layout for every outcome so that a batch is a single COPY:
`(_key, _id, _status, _reason, _message, _dedup, _notes, parent legacy ids..., column values...)`,
where `_id` is the row's deterministic new key. Columns whose name starts with `_` are inputs
for the row transform only and are not written.
Skipped and rejected rows carry their key and reason, never their values; a skipped row has no
new key either (notifications skip 3M rows at scale 1.0).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ferry.catalog.spec import Column, Entity
from ferry.engine.keys import legacy_uuid_text
from ferry.engine.outcome import Fixed, Rejected, RowRejected
from ferry.engine.source import DEDUP, KEY, SKIP, SourceLayout

INSERT, SKIPPED, REJECTED = "insert", "skipped", "rejected"
STATUS, REASON = 2, 3  # positions of _status and _reason in a stage row (_key is first)
HEAD = 7  # stage columns before the parents: _key, _id, _status, _reason, _message, _dedup, _notes
# A row without fixes carries its `_notes` (text[]) as the array's text: psycopg dumps a Python
# list element by element (an empty one cost about 4 µs a row of the stage COPY, more than the
# rest of the row), and almost every row has no fixes.
NO_NOTES = "{}"


def written_columns(entity: Entity) -> tuple[Column, ...]:
    return tuple(c for c in entity.columns if not c.name.startswith("_"))


class RowShaper:
    """Applies an entity's coercions, code maps and row transform to source rows.

    Shaping runs once per source row (5M notifications at scale 1.0), so the per-row path
    visits only the columns that have Python work; the others pass through as the text they
    arrived in.
    """

    def __init__(self, entity: Entity) -> None:
        self.entity = entity
        layout = SourceLayout(entity)
        self._parents = layout.parent_offset
        self._columns = layout.column_offset
        self._end = layout.column_offset + len(entity.columns)  # a row's hash may follow
        self._written = written_columns(entity)
        self._names = tuple(c.name for c in entity.columns)
        self._converters = tuple(
            (index, column.code.translate if column.code is not None else column.coerce)
            for index, column in enumerate(entity.columns)
            if column.code is not None or column.coerce is not None
        )
        # positions of the written columns among the source's, when some are transform inputs
        written = [i for i, c in enumerate(entity.columns) if not c.name.startswith("_")]
        self._written_at = None if len(written) == len(entity.columns) else tuple(written)
        self._padding = (None,) * (self.width - HEAD)

    @property
    def width(self) -> int:
        return HEAD + len(self.entity.parents) + len(self._written)

    def shape(self, row: Sequence[str | None]) -> tuple[Any, ...]:
        key = int(row[KEY])
        if row[SKIP] is not None:
            return (key, None, SKIPPED, row[SKIP], None, None, NO_NOTES, *self._padding)
        new_id = legacy_uuid_text(self.entity.name, key)
        parents = row[self._parents : self._columns]
        values = row[self._columns : self._end]
        notes: list[str] = []
        if self._converters:
            values = list(values)
            for index, convert in self._converters:
                value = convert(values[index])
                if isinstance(value, Fixed):
                    notes.append(value.fix)
                    value = value.value
                elif isinstance(value, Rejected):
                    return self._rejected(key, new_id, value)
                values[index] = value
        if self.entity.transform is not None:
            try:
                shaped = self.entity.transform(dict(zip(self._names, values, strict=True)))
            except RowRejected as exc:
                return self._rejected(key, new_id, exc.rejection)
            self._unwrap(shaped, notes)
            written = tuple(shaped[c.name] for c in self._written)
        elif self._written_at is not None:
            written = tuple(values[i] for i in self._written_at)
        else:
            written = tuple(values)
        return (key, new_id, INSERT, None, None, row[DEDUP], notes or NO_NOTES, *parents, *written)

    @staticmethod
    def _unwrap(values: dict[str, Any], notes: list[str]) -> None:
        for name, value in values.items():
            if isinstance(value, Fixed):
                notes.append(value.fix)
                values[name] = value.value

    def _rejected(self, key: int, new_id: str, rejection: Rejected) -> tuple[Any, ...]:
        head = (key, new_id, REJECTED, rejection.reason, rejection.message, None, NO_NOTES)
        return (*head, *self._padding)
